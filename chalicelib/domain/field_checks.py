"""A category compiled for validation: key look-up, enum tables, and one value check per field.

Compiling turns each FieldDef into a `FieldPlan` holding plain values and the bound check for
its type, so validating a row touches no enum members or model attributes (100k-row uploads).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, NamedTuple

from pydantic import BaseModel

from chalicelib.catalog import build_key_map
from chalicelib.catalog.model import Category, FieldDef, FieldType
from chalicelib.domain import messages as msg
from chalicelib.domain.identifiers import (
    INDIVIDUAL_PLACEHOLDER,
    is_regno_format,
    is_uscc_format,
    normalize_code,
    regno_check_digit,
    uscc_check_char,
)
from chalicelib.domain.messages import Code
from chalicelib.domain.normalize import (
    enum_lookup,
    is_empty,
    normalize_key,
    parse_date,
    parse_decimal,
    parse_enum,
    parse_multi_enum,
    to_text,
)

DISCLOSURE, MASKED_FIELDS, PROCEDURE = "disclosure", "masked_fields", "procedure"
SECRET = "涉密"
_CACHE_LIMIT = 64
MEMO_LIMIT = 4096   # outcomes remembered per field (text cells); a full memo starts over


class FieldError(BaseModel):
    field: str                 # json_name
    code: str                  # stable code (SPEC §5)
    message: str               # Chinese, names the field's label
    suggestion: str | None = None


class Outcome(NamedTuple):
    """What checking one value of one field gives: replayed for every row with the same text."""
    empty: bool                       # nothing given (None, blank text, empty list)
    value: Any = None                 # canonical value, None when absent or rejected
    errors: tuple = ()                # FieldErrors (shared, never mutated)
    checksum_failed: str | None = None  # "uscc"/"regno": a party code whose check character fails


OMIT = object()   # a clean value that adds nothing to the record (the field's default, an empty list)
EMPTY = Outcome(empty=True)


class FieldPlan:
    """One field, ready to check values: `check(value, today, sink)` → canonical value or None."""

    __slots__ = ("name", "label", "required", "default", "max_len", "not_future", "enum", "table",
                 "party_code", "check", "memo", "clean", "special", "plain_text", "plain_code")

    def __init__(self, f: FieldDef, party_code: str | None) -> None:
        self.name, self.label, self.required, self.default = f.json_name, f.label, f.required, f.default
        self.max_len, self.not_future, self.enum = f.max_len, f.not_future, list(f.enum)
        self.table = enum_lookup(f.enum, f.legacy_values, f.enum_aliases)
        self.party_code = party_code  # "uscc"/"regno" for the party's own codes, else None
        checks: dict[FieldType, Callable[[Any, date, Sink], Any]] = {
            FieldType.DATE: self._date, FieldType.ENUM: self._enum, FieldType.MULTI_ENUM: self._multi_enum,
            FieldType.DECIMAL: self._decimal, FieldType.USCC: self._uscc, FieldType.REGNO: self._regno,
            FieldType.CODE: self._code, FieldType.TEXT: self._text,
        }
        self.check = checks[f.type]
        # Outcomes remembered per text, for the `today` of the compiled category: `memo` all of them,
        # `clean` those that only give a value (no error, no flag): the validator's fast path.
        self.memo: dict[str, Outcome] = {}
        self.clean: dict[str, Any] = {}
        self.special = f.json_name == MASKED_FIELDS  # checked against the other fields (validation)
        # free text without a default: a printable string needs only strip + length (no memo);
        # a code (文号, 证件号码 …) the same plus normalize_code — these are mostly unique per row,
        # where a memo would only fill and empty itself
        self.plain_text = f.type == FieldType.TEXT and f.default is None and not self.special
        self.plain_code = f.type == FieldType.CODE and f.default is None

    def outcome(self, value: Any, today: date) -> Outcome:
        """Check one value in isolation; text values are remembered (a sheet repeats its cells)."""
        if type(value) is not str:
            return EMPTY if value is None else self._outcome(value, today)
        hit = self.memo.get(value)
        if hit is None:
            if len(self.memo) >= MEMO_LIMIT:
                self.memo.clear()
                self.clean.clear()
            hit = self.memo[value] = self._outcome(value, today)
            if not (hit.empty or hit.errors or hit.checksum_failed or type(hit.value) is list or self.special):
                self.clean[value] = OMIT if hit.value is None or hit.value == self.default else hit.value
        return hit

    def _outcome(self, value: Any, today: date) -> Outcome:
        if is_empty(value):
            return EMPTY
        rec = Sink()
        result = self.check(value, today, rec)
        failed = next((k for k, ok in rec.checksum_ok.items() if not ok), None)
        return Outcome(False, result, tuple(rec.errors), failed)

    def _text(self, value: Any, today: date, sink: Sink) -> str | None:
        text = value.strip() if type(value) is str and value.isprintable() else to_text(value)
        if text is None:
            sink.error(self.name, Code.BAD_VALUE, msg.bad_text(self.label))
        elif len(text) > self.max_len:
            sink.error(self.name, Code.TOO_LONG, msg.too_long(self.label, self.max_len, len(text)),
                       f"请精简至 {self.max_len} 个字符以内")
            return None
        return text

    def _code(self, value: Any, today: date, sink: Sink) -> str | None:
        text = self._text(value, today, sink)
        return normalize_code(text) if text is not None else None

    def _date(self, value: Any, today: date, sink: Sink) -> str | None:
        d = parse_date(value)
        if d is None:
            sink.error(self.name, Code.BAD_DATE, msg.bad_date(self.label))
            return None
        if self.not_future and d > today:
            sink.error(self.name, Code.FUTURE_DATE, msg.future_date(self.label, today.isoformat()))
            return None
        return d.isoformat()

    def _enum(self, value: Any, today: date, sink: Sink) -> str | None:
        hit = self.table.get(value) if type(value) is str else None
        if hit is None:
            hit, text = parse_enum(value, self.table)
            if hit is None:
                sink.error(self.name, Code.BAD_ENUM, msg.bad_enum(self.label, text), msg.choices(self.enum))
        return hit

    def _multi_enum(self, value: Any, today: date, sink: Sink) -> list[str] | None:
        good, bad = parse_multi_enum(value, self.table)
        if bad:
            sink.error(self.name, Code.BAD_ENUM, msg.bad_enum(self.label, "、".join(bad)), msg.choices(self.enum))
            return None
        return good or None

    def _decimal(self, value: Any, today: date, sink: Sink) -> str | None:
        amount = parse_decimal(value)
        if amount is None:
            sink.error(self.name, Code.BAD_VALUE, msg.bad_amount(self.label))
        return amount

    def _uscc(self, value: Any, today: date, sink: Sink) -> str | None:
        text = to_text(value)
        if text is None:
            sink.error(self.name, Code.BAD_VALUE, msg.bad_text(self.label))
            return None
        code = normalize_code(text)
        if code == INDIVIDUAL_PLACEHOLDER and self.party_code:
            return code
        if not is_uscc_format(code):
            hint = "该值像是工商注册号，请填入注册号一栏" if is_regno_format(code) else None
            sink.error(self.name, Code.USCC_CHECKSUM, msg.uscc_malformed(self.label), hint)
            return None
        expected = uscc_check_char(code[:17])
        if expected != code[17]:
            if self.party_code:  # the matcher decides: a code in the registry is accepted anyway
                sink.checksum_ok["uscc"] = False
                return code
            sink.error(self.name, Code.USCC_CHECKSUM, msg.uscc_agency_check_failed(self.label),
                       msg.check_char_hint(expected or ""))
            return None
        return code

    def _regno(self, value: Any, today: date, sink: Sink) -> str | None:
        text = to_text(value)
        if text is None:
            sink.error(self.name, Code.BAD_VALUE, msg.bad_text(self.label))
            return None
        code = normalize_code(text)
        if not is_regno_format(code):
            hint = "该值像是统一社会信用代码，请填入统一社会信用代码一栏" if is_uscc_format(code) else None
            sink.error(self.name, Code.REGNO_CHECKSUM, msg.regno_malformed(self.label), hint)
            return None
        expected = regno_check_digit(code[:14])
        if expected != int(code[14]):
            if self.party_code:
                sink.checksum_ok["regno"] = False
                return code
            sink.error(self.name, Code.REGNO_CHECKSUM, msg.regno_check_failed(self.label),
                       msg.check_char_hint(str(expected)))
            return None
        return code


class Sink:
    """The sink of one value's check, kept as an Outcome."""

    def __init__(self) -> None:
        self.checksum_ok: dict[str, bool] = {}
        self.errors: list = []

    def error(self, field: str, code: Code, message: str, suggestion: str | None = None) -> None:
        self.errors.append(FieldError(field=field, code=code.value, message=message, suggestion=suggestion))


class CompiledCategory:
    def __init__(self, category: Category) -> None:
        self.category = category
        self.by_name: dict[str, FieldDef] = {f.json_name: f for f in category.fields}
        self.key_map = build_key_map(category)
        self.date_fields = frozenset(f.json_name for f in category.fields if f.type == FieldType.DATE)
        party = {category.uscc_field: "uscc", category.regno_field: "regno"}
        self.plans = [FieldPlan(f, party.get(f.json_name)) for f in category.fields]
        self.plan = {p.name: p for p in self.plans}
        self.memo_day: date | None = None
        self._direct: dict[int, tuple[Mapping[str, str], frozenset[str]]] = {}

    def plans_for(self, today: date) -> list[FieldPlan]:
        """The field plans, their memos valid for `today` (FUTURE_DATE depends on it)."""
        if today != self.memo_day:
            for p in self.plans:
                p.memo.clear()
                p.clean.clear()
            self.memo_day = today
        return self.plans

    def label(self, json_name: str) -> str:
        f = self.by_name.get(json_name)
        return f.label if f else json_name

    def key(self, key: str, key_map: Mapping[str, str] | None = None) -> str | None:
        km = key_map or self.key_map
        return km.get(key) or km.get(normalize_key(key))

    def resolve_keys(self, raw: Mapping[Any, Any], key_map: Mapping[str, str] | None
                     ) -> tuple[dict[str, Any], list[str]]:
        """json_name → raw value (the first non-empty one when several keys name a field), and the
        keys that name no field."""
        km = key_map or self.key_map
        if raw.keys() <= self._direct_names(km):   # keyed by json_names already (upload rows)
            return dict(raw), []
        by_name = self.by_name
        values: dict[str, Any] = {}
        unknown: list[str] = []
        for k, v in raw.items():
            ks = k if type(k) is str else str(k)
            name = km.get(ks) or km.get(normalize_key(ks))
            if name is None or name not in by_name:
                unknown.append(ks[:100])
            elif name not in values or is_empty(values[name]):
                values[name] = v
        return values, unknown

    def _direct_names(self, km: Mapping[str, str]) -> frozenset[str]:
        """The json_names that `km` maps to themselves (remembered per key map)."""
        hit = self._direct.get(id(km))
        if hit is None or hit[0] is not km:
            hit = self._direct[id(km)] = (km, frozenset(n for n in self.by_name if km.get(n) == n))
        return hit[1]

    def enum_value(self, json_name: str, value: Any) -> tuple[str | None, str]:
        plan = self.plan.get(json_name)
        return parse_enum(value, plan.table if plan else {})


_compiled: dict[int, tuple[Category, CompiledCategory]] = {}


def compiled(category: Category) -> CompiledCategory:
    """The compiled form of a category, cached per Category object (the catalog's are long-lived;
    a category edited in place after its first use keeps its old compiled form)."""
    hit = _compiled.get(id(category))
    if hit is not None and hit[0] is category:
        return hit[1]
    if len(_compiled) >= _CACHE_LIMIT:
        _compiled.clear()
    result = CompiledCategory(category)
    _compiled[id(category)] = (category, result)
    return result
