"""A category's checks over whole columns (polars): the spreadsheet worker's check stage (SPEC §6.5).

    checker = columnar_checker(category)              # compiled once per category (cached)
    checks = checker.check(columns, n_rows, today)    # {json_name: pl.Series} → list[RecordCheck]

The result is, row for row, what `validation.validate_record` gives for the dict of the same cells
(the row validator stays THE rule book: JSON batches and the form use it directly). How:

- per column, vectorised: empty cells (None, '' and blank text, as the readers normalise them);
  free text and codes without a default (names, 文号, facts …): strip, length, control characters —
  `FieldPlan`'s own fast path as polars expressions; codes upper-cased when they are printable ASCII.
- per column, Python over the DISTINCT values only: everything else (enums, dates as Excel serials
  or text, amounts, 统一社会信用代码 / 注册号 shape and check character, multi-enums, 屏蔽字段 and its
  masking eligibility) and the free-text values the vectorised rule does not cover — through the
  validator's own `FieldPlan._outcome` / `_Run.masked_fields`, so messages, codes and suggestions
  are the validator's.
- per row, vectorised: required, 涉密, out-of-scope values, a code present (USCC or 注册号, the
  个体 placeholder needs a 注册号), date orders (ISO text compares as dates).
- a row any of these flags — an error, a failed check character (the matcher decides those), an
  out-of-scope value — is checked again by `validate_record` on its own cells: Python per row only
  for those rows, and their errors are the validator's by construction. The clean rows' RecordChecks
  are built from the canonical columns by `_Run.result()` (the validator's builder).

The content hash that decides `unchanged` (domain/content_hash.py: SHA-256 of a canonical JSON text)
is built for a chunk's clean rows column-wise (`canonical_hashes`: the same text as
`content_hash.canonical_text` of the row's `fields` / `masked_fields`, then one SHA-256 per row) and
carried on their RecordChecks; rows checked again per row are hashed by the submissions.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from itertools import repeat
from typing import Any

import polars as pl

from chalicelib.catalog.model import Category
from chalicelib.domain.content_hash import hash_text
from chalicelib.domain.field_checks import DISCLOSURE, MASKED_FIELDS, SECRET, FieldPlan, compiled
from chalicelib.domain.identifiers import INDIVIDUAL_PLACEHOLDER
from chalicelib.domain.normalize import is_empty
from chalicelib.domain.validation import RecordCheck, _Run, validate_record

# Text the vectorised path may strip itself: no ASCII control characters and none of \x1c-\x1f,
# the only characters on which Python's str.strip()/isspace() and Rust's whitespace differ.
HASH_BLOCK = 2_000   # rows whose content hashes are built in one polars query (Checked._hash)
_NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"
_BLANK = r"^[\s\x1c-\x1f]*$"          # what the readers turn into None ('' and whitespace-only)
# codes the vectorised path upper-cases as normalize_code does (str.upper, no full-width forms to fold):
# printable ASCII, Han characters and CJK / general punctuation, which have no case
_CASE_SAFE = r"^[\x20-\x7e\p{Han}\u3001-\u303f\u2010-\u2027]*$"


def blank_to_null(s: pl.Series) -> pl.Series:
    """A text column as the readers normalise it: '' and whitespace-only cells → None."""
    if s.dtype != pl.String:
        return s
    return pl.select(pl.when(s.str.contains(_BLANK)).then(None).otherwise(s)).to_series().rename(s.name)


def python_value(value: Any) -> Any:
    """A cell as python-calamine's normalised rows give it: whole floats as int, midnight → date."""
    t = type(value)
    if t is float:
        return int(value) if value.is_integer() else value
    if t is datetime and not (value.hour or value.minute or value.second or value.microsecond):
        return value.date()
    return value


class _Column:
    """One field's column, checked: `value` (canonical, None when absent or flagged) and `flag`
    (True: the row goes to the row validator)."""

    def __init__(self, value: pl.Series, flag: pl.Series, given: pl.Series) -> None:
        self.value, self.flag, self.given = value, flag, given


class ColumnarChecker:
    def __init__(self, category: Category) -> None:
        self.category = category
        self.schema = compiled(category)
        c = category
        self.scope = {name: list(values) for name, values in c.out_of_scope.items() if name in self.schema.by_name}

    # --- per column -----------------------------------------------------------------------------
    def _distinct(self, s: pl.Series, outcome: Callable[[Any], tuple[Any, bool]], dtype) -> tuple[pl.Series, pl.Series]:
        """(canonical, flag) of every cell from `outcome(value)` over the distinct non-null values."""
        uniq = s.drop_nulls().unique()
        olds = uniq.to_list()
        results = [outcome(python_value(v)) for v in olds]
        if not olds:
            return pl.Series(s.name, [None] * len(s), dtype=dtype), pl.Series([False] * len(s))
        index = s.replace_strict(uniq, pl.Series(range(len(olds)), dtype=pl.UInt32), default=None,
                                 return_dtype=pl.UInt32)
        values = pl.Series([r[0] for r in results], dtype=dtype)
        flags = pl.Series([r[1] for r in results], dtype=pl.Boolean)
        value = values.gather(index).rename(s.name)
        flag = flags.gather(index).fill_null(False)
        return value, flag

    def _field(self, plan: FieldPlan, s: pl.Series | None, n: int, today: date) -> _Column:
        if s is None:
            s = pl.Series(plan.name, [None] * n, dtype=pl.String)
        s = blank_to_null(s)
        given = s.is_not_null()
        if plan.special:
            value, flag = self._distinct(s, self._masked(today), pl.List(pl.String))
        elif (plan.plain_text or plan.plain_code) and s.dtype == pl.String:
            value, flag = self._plain(plan, s, today)
        else:
            dtype = pl.List(pl.String) if plan.check == plan._multi_enum else pl.String
            value, flag = self._distinct(s, self._outcome(plan, today), dtype)
        if plan.required:
            flag = flag | value.is_null()
        return _Column(value, flag, given)

    def _outcome(self, plan: FieldPlan, today: date) -> Callable[[Any], tuple[Any, bool]]:
        def one(v: Any) -> tuple[Any, bool]:
            o = plan._outcome(v, today)
            if o.empty:
                return None, False
            bad = bool(o.errors) or o.checksum_failed is not None
            value = None if bad or o.value is None or o.value == plan.default else o.value
            return value, bad
        return one

    def _masked(self, today: date) -> Callable[[Any], tuple[Any, bool]]:
        def one(v: Any) -> tuple[Any, bool]:
            if is_empty(v):
                return None, False
            run = _Run(self.schema, {}, today, [])
            run.masked_fields(v)
            return (list(run.masked) or None), bool(run.errors)
        return one

    def _plain(self, plan: FieldPlan, s: pl.Series, today: date) -> tuple[pl.Series, pl.Series]:
        """Free text / codes: FieldPlan's fast path vectorised; other values over their distinct set."""
        fast = s.str.contains(_NO_CONTROL)
        if plan.plain_code:
            fast = fast & s.str.contains(_CASE_SAFE)
        stripped = s.str.strip_chars()
        if plan.plain_code:
            stripped = stripped.str.to_uppercase()
        long = stripped.str.len_chars() > plan.max_len
        fast = fast.fill_null(False)
        value = pl.select(pl.when(fast & ~long & (stripped != "")).then(stripped).otherwise(None)).to_series()
        flag = (fast & long).fill_null(False)
        rest = s.filter(~fast & s.is_not_null())
        if rest.len():
            slow = pl.select(pl.when(~fast).then(s).otherwise(None)).to_series().rename(s.name)
            v2, f2 = self._distinct(slow, self._outcome(plan, today), pl.String)
            value = pl.select(pl.when(fast).then(value).otherwise(v2)).to_series()
            flag = flag | f2
        return value.rename(s.name), flag

    # --- per row --------------------------------------------------------------------------------
    def check(self, columns: Mapping[str, pl.Series], n: int, today: date,
              raw_row: Callable[[int], dict] | None = None,
              key_map: Mapping[str, str] | None = None) -> list[RecordCheck]:
        """The RecordCheck of each of `n` rows; `columns` maps json_name → the column's cells as the
        readers give them (absent fields: no column). `raw_row(i)` gives row i's dict for the rows
        the validator checks again (default: built from `columns`)."""
        return self.prepare(columns, n, today, raw_row, key_map).records(0, n)

    def prepare(self, columns: Mapping[str, pl.Series], n: int, today: date,
                raw_row: Callable[[int], dict] | None = None,
                key_map: Mapping[str, str] | None = None) -> Checked:
        """The vectorised part over all rows; `.records(start, stop)` builds the RecordChecks of a
        range of rows (a chunk at a time: the upload loop keeps only one chunk's objects alive)."""
        schema, c = self.schema, self.category
        cols = {p.name: self._field(p, columns.get(p.name), n, today) for p in schema.plans_for(today)}
        flag = pl.Series([False] * n)
        for col in cols.values():
            flag = flag | col.flag
        if DISCLOSURE in cols:
            flag = flag | (cols[DISCLOSURE].value == SECRET).fill_null(False)
        for name, rejected in self.scope.items():
            flag = flag | cols[name].value.is_in(rejected).fill_null(False)
        uscc = cols.get(c.uscc_field)
        regno = cols.get(c.regno_field)
        given_u = uscc.given if uscc else pl.Series([False] * n)
        given_r = regno.given if regno else pl.Series([False] * n)
        flag = flag | ~(given_u | given_r)
        if uscc is not None:
            flag = flag | ((uscc.value == INDIVIDUAL_PLACEHOLDER).fill_null(False) & ~given_r)
        for start, end in c.date_orders:
            if start in cols and end in cols:
                flag = flag | (cols[end].value < cols[start].value).fill_null(False)
        return Checked(self, today, list(cols), [col.value for col in cols.values()], flag.to_list(),
                       raw_row or _rows_of(columns), key_map)


class Checked:
    """The columns of a sheet, checked: canonical values and which rows the validator re-checks."""

    def __init__(self, checker: ColumnarChecker, today: date, names: list[str], values: list[pl.Series],
                 flagged: list[bool], raw_row: Callable[[int], dict], key_map: Mapping[str, str] | None) -> None:
        self.checker, self.today, self.names, self.values = checker, today, names, values
        self.flagged, self.raw_row, self.key_map = flagged, raw_row, key_map
        self._block, self._hashes = -1, []

    def records(self, start: int, stop: int) -> list[RecordCheck]:
        schema, c, today, names, flagged = self.checker.schema, self.checker.category, self.today, self.names, self.flagged
        out: list[RecordCheck] = []
        # Python objects for one range only (the canonical columns stay Arrow: a 100k-row sheet's
        # two million values as Python strings would double the worker's peak memory)
        part = [v.slice(start, stop - start) for v in self.values]
        # a clean row's fields: its non-null values (columns null throughout the range left out, the
        # None of the others dropped per row)
        some = [(name, v) for name, v in zip(names, part, strict=True) if v.null_count() < v.len()]
        keys = [name for name, _ in some]
        gaps = [name for name, v in some if v.null_count()]
        lists = [v.to_list() for _, v in some]
        rows = zip(*lists, strict=True) if lists else repeat((), stop - start)
        for i, row in enumerate(rows, start=start):
            if flagged[i]:
                out.append(validate_record(c, self.raw_row(i), today, self.key_map))
                continue
            fields = dict(zip(keys, row, strict=True))
            for k in gaps:
                if fields[k] is None:
                    del fields[k]
            run = _Run(schema, {}, today, [])
            run.out = fields
            masked = fields.get(MASKED_FIELDS)
            if masked:
                run.masked = list(masked)
            check = run.result()
            check.content_hash = self._hash(i)
            out.append(check)
        return out

    def _hash(self, i: int) -> str | None:
        """Row i's content hash, built column-wise for a block of HASH_BLOCK rows at a time (a
        polars query costs milliseconds whatever its length: one per chunk would cost more than it
        saves; one block's canonical texts are a few MB, never the whole sheet's)."""
        block = i // HASH_BLOCK
        if self._block != block:
            start = block * HASH_BLOCK
            self._block = block
            self._hashes = canonical_hashes(self.names, [v.slice(start, HASH_BLOCK) for v in self.values])
        return self._hashes[i % HASH_BLOCK]


# a value the canonical text holds as it is only without these (JSON would escape them)
_ESCAPED = r'[\x00-\x1f"\\]'


def _pair(name: str, dtype) -> tuple[pl.Expr, pl.Expr]:
    """(the `"name":value` member of the canonical JSON text — null when the value is; whether the
    value has a character JSON escapes) for a text or list-of-text column."""
    col = pl.col(name)
    if dtype == pl.String:
        return pl.concat_str([pl.lit(f'{json.dumps(name, ensure_ascii=False)}:"'), col, pl.lit('"')]), col.str.contains(_ESCAPED)
    return _json_list(col, f"{json.dumps(name, ensure_ascii=False)}:"), col.list.join("").str.contains(_ESCAPED)


def _json_list(col: pl.Expr, prefix: str) -> pl.Expr:
    return (pl.when(col.is_null()).then(None).when(col.list.len() == 0).then(pl.lit(prefix + "[]"))
            .otherwise(pl.concat_str([pl.lit(prefix + '["'), col.list.join('","'), pl.lit('"]')])))


def canonical_hashes(names: list[str], values: list[pl.Series]) -> list[str | None]:
    """The content hash (domain/content_hash.py) of each row whose fields are the non-null `values`
    (canonical columns: json_name → text or list of text): the canonical text built column-wise,
    then one SHA-256 per row. None for a row this does not build — a value with a character JSON
    escapes (`"`, `\\`, a control character), a column of another type: the submissions hash those
    rows from their fields."""
    n = len(values[0]) if values else 0
    dtypes = {name: v.dtype for name, v in zip(names, values, strict=True)}
    if not values or any(dt != pl.String and dt != pl.List(pl.String) for dt in dtypes.values()):
        return [None] * n
    pairs, escaped = zip(*(_pair(name, dtypes[name]) for name in sorted(names)), strict=True)
    masked = (_json_list(pl.col(MASKED_FIELDS).list.sort(), "").fill_null(pl.lit("[]"))
              if MASKED_FIELDS in dtypes else pl.lit("[]"))
    text = pl.concat_str([pl.lit('{"f":{'), pl.concat_str(pairs, separator=",", ignore_nulls=True),
                          pl.lit('},"m":'), masked, pl.lit("}")])
    built = pl.DataFrame([v.rename(name) for name, v in zip(names, values, strict=True)]).select(
        pl.when(pl.any_horizontal(escaped).fill_null(False)).then(None).otherwise(text.cast(pl.Binary)))
    return [None if t is None else hash_text(t) for t in built.to_series().to_list()]


def _rows_of(columns: Mapping[str, pl.Series]) -> Callable[[int], dict]:
    """Row i's cells keyed by field, as the row reader gives them (for the rows checked again)."""
    return lambda i: {n: python_value(s[i]) for n, s in columns.items()}


def columnar_checker(category: Category) -> ColumnarChecker:
    """The compiled checks of a category, kept on its compiled row form (field_checks.compiled:
    cached per Category object, so both are built once per category)."""
    schema = compiled(category)
    hit = schema.__dict__.get("columnar")
    if hit is None:
        hit = schema.__dict__["columnar"] = ColumnarChecker(category)
    return hit


__all__ = ["Checked", "ColumnarChecker", "blank_to_null", "canonical_hashes", "columnar_checker", "python_value"]
