"""Design B of issue #27: the plan/write stage on columns (a bench-only prototype, no product code).

`python -m bench.columnar_plan 100000 [--pool 1000] [--check-rows 1000]`

In one process: the bare python-calamine read (the reference), then the upload pipeline with its
plan stage on COLUMNS — pre-flight (`inspect_xlsx`), `read_frame`, the columnar checks
(`columnar_checker(...).prepare`, as services/upload_rows.py calls them), then for the rows the
checks pass:

- the rules that are per value in the product run per DISTINCT value and are joined back as columns:
  matching (`services.matching.match`) per distinct (统一社会信用代码, 注册号, name) with ONE registry
  look-up of the distinct codes; deadlines and 迟报 (`submissions._dated`: periods.deadlines on the
  working-day calendar) per distinct decision date; `publishable` (`periods.publication_period`)
  per distinct tuple of the fields the period rule reads;
- ids (`ids.new_ids`) for the whole sheet; the content hash from the canonical columns
  (`columnar_checks.canonical_hashes`: the canonical text built by polars, one SHA-256 per row);
- the stored items — exactly the TransactWriteItems entries `RecordRepository._items` gives for a
  new record's Change (record Put, identity Put, version Put) — built per block of rows from those
  columns, with no `Record`, `RecordVersion` or `RecordCheck` per row: the only Python objects per
  row are the item dicts handed to the writer (`items` stage), or none at all in the `wire`
  variant, which builds each item's DynamoDB-JSON text column-wise and only counts the bytes.

Rows the columnar path does not plan — flagged by the checks (the row validator re-checks them), a
repeated 编号, a value JSON would escape, a match that is rejected or `elsewhere` (its held name
depends on row order) — go through the product's own row path: `validate_record` on their cells and
`SubmissionService.submit` on a counting sink (per 500 rows, as the upload loop), which gives their
items and rejections. The rejected rows go into the 回退 file (`write_feedback`).

Every stage is timed in CPU seconds (`time.process_time`), the total is compared with the bare
read of the same run, and peak RSS is `getrusage`'s. `--check-rows N` (default 1000; 0: none)
then runs the real `UploadProcessor` and this prototype on the N-row bench workbook and compares
every stored item field by field (ids and time stamps apart) and every rejection.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from bench.common import POOL_SIZE, ensure_workbook, enterprise_pool, enterprises_of_pool, set_env
from bench.intake import SinkCounters, SinkRecords, SinkRegistry, sink_submissions

MAX_BYTES, MAX_ROWS = 60 * 1024 * 1024, 100_000
BLOCK = 2_000            # rows planned at once (one block's hashes and items alive at a time; 10,000: +53 MB peak)
LANE_CHUNK = 500         # the row path's rows per submit, as the upload loop's chunks
TIMES = ("record_id", "rid", "sk", "received_at", "updated_at", "changed_at", "at")   # ignored by `compare`


def _table(name: str):
    return SimpleNamespace(name=name, meta=SimpleNamespace(client=None))


class CapturingRecords(SinkRecords):
    """The counting sink, keeping what `RecordRepository._items` would send for each change."""

    def __init__(self):
        super().__init__()
        from chalicelib.dal.records import RecordRepository

        self.repo = RecordRepository(_table("records"), _table("versions"))
        self.ops: list[list[dict]] = []

    def write(self, changes, extra=None):
        self.ops += [self.repo._items(c) for c in changes]
        return super().write(changes, extra)


class Clock:
    """CPU seconds per stage (process_time) and the peak RSS after each."""

    def __init__(self):
        self.cpu: dict[str, float] = {}
        self.rss: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str):
        t0 = time.process_time()
        yield
        self.cpu[stage] = self.cpu.get(stage, 0.0) + time.process_time() - t0
        self.rss[stage] = peak_rss_mb()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def per_distinct(frame, keys: list[str], compute, schema: dict, where):
    """`compute(row)` (a dict of the `keys` columns) once per distinct row of `frame[keys]` among the rows
    `where` is True, joined back: a frame of `schema`'s columns, one row per row of `frame` (nulls equal,
    order kept; null for the other rows)."""
    import polars as pl

    uniq = frame.select(keys).filter(where).unique(maintain_order=True)
    results = [compute(row) for row in uniq.iter_rows(named=True)]
    table = uniq.with_columns(pl.DataFrame(results, schema=schema, orient="row"))
    return frame.select(keys).join(table, on=keys, how="left", nulls_equal=True,
                                   maintain_order="left").select(list(schema))


def plan(path: Path, pool_size: int, *, upload_id: str, actor: str, department: str = "d12",
         feedback: Path | None = None, keep_items: bool = False, wire: bool = False, clock: Clock | None = None,
         registry=None, block_rows: int = BLOCK) -> dict:
    """The pipeline with the plan on columns over the workbook at `path`; returns counts (and, with
    `keep_items`, the stored items per row and the rejections)."""
    import polars as pl

    from chalicelib.adapters.spreadsheet import (
        check_headers,
        field_labels,
        inspect_xlsx,
        map_headers,
        required_fields,
        write_feedback,
    )
    from chalicelib.adapters.spreadsheet.columnar import read_frame
    from chalicelib.catalog import load_catalog
    from chalicelib.clock import now_iso, today
    from chalicelib.domain.columnar_checks import _ESCAPED, columnar_checker
    from chalicelib.domain.field_checks import MASKED_FIELDS
    from chalicelib.domain.identifiers import INDIVIDUAL_PLACEHOLDER
    from chalicelib.domain.validation import FieldError, validate_record
    from chalicelib.models.principal import Principal
    from chalicelib.services.upload_rows import _plain

    clock = clock or Clock()
    catalog = load_catalog()
    category = catalog.category("admin_penalty")
    key_map = catalog.key_map(category.id)
    records = CapturingRecords()
    registry = registry or SinkRegistry(enterprises_of_pool(enterprise_pool(pool_size)))
    submissions = sink_submissions(catalog, records, registry, SinkCounters())
    principal = Principal(username=actor, role="operator", department=department)
    day, stamp = today(), now_iso()

    with clock("pre-flight (inspect_xlsx)"):
        info = inspect_xlsx(path, key_map=key_map, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    with clock("read (read_frame + headers)"):
        frame = read_frame(path, info)
        hmap = map_headers(frame.header, key_map, required_fields(category))
        check_headers(hmap, field_labels(category))
        n = len(frame.numbers)
    with clock("columnar checks (prepare + repeated 编号)"):
        columns = {name: frame.column(index) for index, name in hmap.columns.items()}
        checked = columnar_checker(category).prepare(columns, n, day, key_map=key_map)
        ref_col = next((c for c, name in hmap.columns.items() if name == category.source_ref_field), None)
        repeated = frame.repeated(ref_col)

    # the canonical columns stay whole (no copy of the clean rows): a block of rows is filtered when planned
    with clock("rules per distinct value (match, deadlines, period)"):
        canon = pl.DataFrame([v.rename(name) for name, v in zip(checked.names, checked.values, strict=True)])
        escaped = pl.any_horizontal([
            (pl.col(name).str.contains(_ESCAPED) if dt == pl.String else pl.col(name).list.join("").str.contains(_ESCAPED))
            for name, dt in canon.schema.items()]).fill_null(False)
        clean = ~(pl.Series(checked.flagged) | pl.Series(repeated) | canon.select(escaped).to_series())
        u, r, nm = category.uscc_field, category.regno_field, category.name_field
        codes = canon.select(
            pl.when(pl.col(u) == INDIVIDUAL_PLACEHOLDER).then(None).otherwise(pl.col(u)).alias("_u"),
            pl.col(r).alias("_r"), pl.col(nm).alias("_n"))
        refs = canon.select(pl.col(category.source_ref_field).alias("_ref"), pl.col(nm).alias("_name"))
        matched = _matches(category, codes, registry, clean)
        dated = _dates(submissions, canon.get_column(category.decision_date_field), stamp[:10], clean)
        inputs = [name for name in _period_inputs(category) if name in canon.columns]
        publishable = per_distinct(canon, inputs, lambda row: (_publishable(category, row, day),),
                                   {"publishable": pl.Boolean}, clean)
        plan_cols = pl.concat([canon, codes, refs, matched, dated, publishable], how="horizontal")
        # a match rejected or `elsewhere` (its held name depends on row order): the row path decides it
        clean = clean & ~plan_cols.get_column("match").is_in(["rejected", "elsewhere"]).fill_null(True)
        lane_rows = (~clean).arg_true().to_list()
        m = int(clean.sum())

    from chalicelib.domain.columnar_checks import canonical_hashes
    from chalicelib.ids import new_ids

    names = checked.names
    ids = iter(new_ids(m))
    items_out: dict[str, list[dict]] = {}
    counted = {"items": 0, "bytes": 0}
    base = {"department": department, "category": category.id, "upload_id": upload_id, "stamp": stamp,
            "actor": actor, "masked": MASKED_FIELDS, "identity": f"{department}|{category.id}|"}
    for start in range(0, n, block_rows):
        with clock("ids + content hashes (canonical columns)"):
            block = plan_cols.slice(start, block_rows).filter(clean.slice(start, block_rows))
            hashes = canonical_hashes(names, [block.get_column(name) for name in names])
            assert None not in hashes, "a planned row the canonical columns do not hash"
            block = block.with_columns(pl.Series("record_id", [next(ids) for _ in hashes], dtype=pl.String),
                                       pl.Series("content_hash", hashes, dtype=pl.String))
        with clock("items (wire JSON text, column-wise)" if wire else "items (dicts for the writer)"):
            if wire:
                texts = _wire_texts(block, names, base)
                counted["items"] += 3 * block.height
                counted["bytes"] += int(texts.select(pl.all().str.len_bytes().sum()).sum_horizontal().item())
                continue
            wired = _wire_texts(block, names, base).iter_rows() if keep_items else None
            for ops in _item_dicts(block, names, base):
                counted["items"] += len(ops)
                if keep_items:
                    items_out[ops[0]["Put"]["Item"]["source_ref"]] = ops
                    texts = next(wired)
                    counted["wire_mismatches"] = counted.get("wire_mismatches", 0) + (
                        [_untyped(json.loads(t)) for t in texts] != ops)

    rejected: list[tuple[int, list, list[FieldError]]] = []
    with clock("row path (flagged, repeated, escaped, match rejected/elsewhere)"):
        duplicate = [FieldError(field=category.source_ref_field, code="DUPLICATE_IN_BATCH",
                                message="同一文件中该编号重复出现，仅第一次出现的行有效")]
        for start in range(0, len(lane_rows), LANE_CHUNK):
            part = lane_rows[start:start + LANE_CHUNK]
            cells = dict(zip(part, _cells(frame, part), strict=True))
            dicts = [{name: cells[i][index] for index, name in hmap.columns.items()} for i in part]
            checks = [validate_record(category, d, day, key_map) for d in dicts]
            out = submissions.submit(principal, department, category.id, dicts, upload_id=upload_id, count=False,
                                     channel="upload", row_numbers=[frame.numbers[i] for i in part],
                                     refused={k: duplicate for k, i in enumerate(part) if repeated[i]}, checks=checks)
            for rej in out.rejected:
                i = part[rej["index"]]
                rejected.append((frame.numbers[i], cells[i], [FieldError(**e) for e in rej["errors"]]))
        lane_ops = records.ops
        counted["items"] += sum(map(len, lane_ops))
        if keep_items:
            items_out.update({ops[0]["Put"]["Item"]["source_ref"]: ops for ops in lane_ops})

    date_cols = {c for c, name in hmap.columns.items() if category.field(name).type.value == "date"}

    def plain(cells: list) -> list:
        return [_plain(c, k in date_cols) for k, c in enumerate(cells)]

    with clock("回退 file (write_feedback)"), tempfile.TemporaryDirectory() as tmp:
        write_feedback(feedback or Path(tmp) / "feedback.xlsx", list(frame.header), (
            (number, plain(cells), errs) for number, cells, errs in sorted(rejected, key=lambda x: x[0])),
            field_labels(category))

    result = {"rows": n, "accepted": m + len(lane_ops), "accepted_on_columns": m, "row_path": len(lane_rows),
              "rejected": len(rejected), **counted}
    if keep_items:
        result["items_by_ref"] = items_out
        # as the upload loop keeps them for the 回退 file: cells as shown (dates as text), errors
        result["rejections"] = json.loads(json.dumps({number: [plain(cells), [e.model_dump() for e in errs]]
                                                      for number, cells, errs in rejected}, ensure_ascii=False))
    return result


def _cells(frame, rows: list[int]) -> list[list]:
    """The cells of frame rows `rows` as `Frame.row` gives them, gathered from the columns at once."""
    from chalicelib.domain.columnar_checks import python_value

    pad = [None] * frame.first_column
    return [pad + [python_value(v) for v in row] for row in frame.frame[rows].iter_rows()]


def _period_inputs(category) -> tuple[str, ...]:
    from chalicelib.domain.periods import period_inputs

    return period_inputs(category)


def _publishable(category, row: dict, day) -> bool:
    from chalicelib.domain.periods import publication_period

    return publication_period(category, {k: v for k, v in row.items() if v is not None}, day).publishable


def _matches(category, codes, registry, where):
    """match() per distinct (uscc, regno, name) of the clean rows, after one registry look-up."""
    import polars as pl

    from chalicelib.domain.validation import RecordCheck
    from chalicelib.services.matching import match

    found, held = registry.lookup_all(
        c for col in ("_u", "_r") for c in codes.get_column(col).filter(where).drop_nulls().unique().to_list())

    def one(row: dict) -> tuple:
        check = RecordCheck(ok=True, uscc=row["_u"], regno=row["_r"], name=row["_n"])
        mt = match(category, check, found, dict(held), lambda: True)
        ent = mt.enterprise
        return (mt.outcome, mt.code, ent.uscc if ent else row["_u"],
                ent.regno if ent and ent.regno else row["_r"], mt.enterprise_name, mt.name_conflict)

    return per_distinct(codes, ["_u", "_r", "_n"], one, {
        "match": pl.String, "enterprise_code": pl.String, "uscc": pl.String, "regno": pl.String,
        "enterprise_name": pl.String, "name_conflict": pl.Boolean}, where)


def _dates(submissions, decision, received_on: str, where):
    """A record's decision date, deadlines and 迟报 per distinct decision date (submissions._dated)."""
    from datetime import date

    import polars as pl

    from chalicelib.services.submissions import _dated

    distinct = decision.filter(where).drop_nulls().unique().to_list()
    cal = submissions._calendar(date.fromisoformat(d) for d in distinct)
    keyed = pl.DataFrame({"_d": decision})
    return per_distinct(keyed, ["_d"], lambda row: tuple(_dated(
        date.fromisoformat(row["_d"]) if row["_d"] else None, received_on, cal).values()), {
        "decision_date": pl.String, "collect_deadline": pl.String, "publish_deadline": pl.String,
        "provisional": pl.Boolean, "late": pl.Boolean}, where)


def _item_dicts(block, names: list[str], base: dict):
    """The TransactWriteItems entries of each row's new record (RecordRepository._items of its Change:
    record Put, identity Put, version Put), from the block's columns."""
    from chalicelib.dal.records import SEARCH_KEY_CHARS

    keys = [n for n in names if block.get_column(n).null_count() < block.height]
    gaps = [n for n in keys if block.get_column(n).null_count()]
    fields_rows = zip(*(block.get_column(n).to_list() for n in keys), strict=True)
    meta = ("record_id", "_ref", "match", "enterprise_code", "uscc", "regno", "_name", "content_hash",
            "decision_date", "collect_deadline", "publish_deadline", "provisional", "late", "publishable",
            "enterprise_name", "name_conflict")
    cat, src = base["category"], base["identity"]
    dept, up, stamp, actor, masked_key = base["department"], base["upload_id"], base["stamp"], base["actor"], base["masked"]
    lists = [block.get_column(k).to_list() for k in meta]
    for fvals, (rid, ref, match_, code, uscc, regno, name, h, dd, cd, pd_, prov, late, pub, ename, conflict) in zip(
            fields_rows, zip(*lists, strict=True), strict=True):
        fields = dict(zip(keys, fvals, strict=True))
        for k in gaps:
            if fields[k] is None:
                del fields[k]
        masked = fields.get(masked_key) or []
        rec = {"record_id": rid, "department": dept, "category": cat, "source_ref": ref, "version": 1,
               "state": "accepted", "match": match_, "enterprise_code": code, "name": name, "fields": fields,
               "masked_fields": masked, "content_hash": h, "provisional": prov, "late": late,
               "publishable": pub, "received_at": stamp, "updated_at": stamp, "updated_by": actor,
               "upload_id": up, "name_conflict": conflict, "pk": code, "sk": "R#" + rid,
               "ref_key": ref[:SEARCH_KEY_CHARS]}
        for k, v in (("uscc", uscc), ("regno", regno), ("decision_date", dd), ("collect_deadline", cd),
                     ("publish_deadline", pd_), ("enterprise_name", ename)):
            if v is not None:
                rec[k] = v
        if name:
            rec["name_key"] = name[:SEARCH_KEY_CHARS]
        if match_ == "pending":
            rec["pending_code"] = code
            rec["deadline_state"] = "pending"
        elif pub:
            rec["forward_due"], rec["changed_at"] = "due", stamp
            if pd_:
                rec["deadline_state"] = "open"
        yield [
            {"Put": {"TableName": "records", "Item": rec, "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"TableName": "records", "Item": {"pk": "ID#" + src + ref, "sk": "ID", "rid": rid, "epk": code,
                                                       "version": 1},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"TableName": "versions", "Item": {
                "record_id": rid, "version": 1, "op": "create", "fields": fields, "masked_fields": masked,
                "content_hash": h, "by": actor, "at": stamp, "upload_id": up},
                "ConditionExpression": "attribute_not_exists(record_id)"}}]


def _wire_texts(block, names: list[str], base: dict):
    """The same three TransactWriteItems entries per row as DynamoDB-JSON text (UTF-8, as a writer
    would send them), built column-wise: no Python object per row. Rows whose values JSON would
    escape are not here (the row path takes them), so values go into the text as they are."""
    import polars as pl

    from chalicelib.dal.records import SEARCH_KEY_CHARS

    def lit(text: str):
        return pl.lit(text)

    def const(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    def s(key: str, expr):          # a text attribute; a null value leaves it out
        return pl.concat_str([lit(f'"{key}":{{"S":"'), expr, lit('"}')])

    def c(key: str, value):         # an attribute of the same value on every row
        return lit(f'"{key}":' + json.dumps(_typed(value), ensure_ascii=False, separators=(",", ":")))

    def b(key: str, expr):
        return pl.concat_str([lit(f'"{key}":{{"BOOL":'), pl.when(expr).then(lit("true")).otherwise(lit("false")), lit("}")])

    def text_list(expr):            # a list of text (not null) → L
        return pl.when(expr.list.len() == 0).then(lit("[]")).otherwise(
            pl.concat_str([lit('[{"S":"'), expr.list.join('"},{"S":"'), lit('"}]')]))

    def obj(parts):
        return pl.concat_str([lit("{"), pl.concat_str(parts, separator=",", ignore_nulls=True), lit("}")])

    def put(table: str, item, cond: str):
        return pl.concat_str([lit(f'{{"Put":{{"TableName":{const(table)},"Item":'), item,
                              lit(f',"ConditionExpression":{const(cond)}}}}}')])

    col = pl.col
    dtypes = block.schema
    fields = obj([s(n, col(n)) if dtypes[n] == pl.String else
                  pl.concat_str([lit(f'"{n}":{{"L":'), text_list(col(n)), lit("}")]) for n in names])
    masked_key = base["masked"]
    masked = (pl.when(col(masked_key).is_null()).then(lit("[]")).otherwise(text_list(col(masked_key)))
              if masked_key in dtypes else lit("[]"))
    fields_attr = pl.concat_str([lit('"fields":{"M":'), fields, lit("}")])
    masked_attr = pl.concat_str([lit('"masked_fields":{"L":'), masked, lit("}")])
    pending = col("match") == "pending"
    due = ~pending & col("publishable")
    stamp, up, actor = base["stamp"], base["upload_id"], base["actor"]
    record = obj([
        s("record_id", col("record_id")), c("department", base["department"]), c("category", base["category"]),
        s("source_ref", col("_ref")), c("version", 1), c("state", "accepted"), s("match", col("match")),
        s("enterprise_code", col("enterprise_code")), s("uscc", col("uscc")), s("regno", col("regno")),
        s("name", col("_name")), fields_attr, masked_attr, s("content_hash", col("content_hash")),
        s("decision_date", col("decision_date")), s("collect_deadline", col("collect_deadline")),
        s("publish_deadline", col("publish_deadline")), b("provisional", col("provisional")), b("late", col("late")),
        b("publishable", col("publishable")), c("received_at", stamp), c("updated_at", stamp),
        c("updated_by", actor), c("upload_id", up), b("name_conflict", col("name_conflict")),
        s("enterprise_name", col("enterprise_name")), s("pk", col("enterprise_code")),
        s("sk", pl.concat_str([lit("R#"), col("record_id")])),
        s("ref_key", col("_ref").str.head(SEARCH_KEY_CHARS)),
        s("name_key", pl.when(col("_name") != "").then(col("_name").str.head(SEARCH_KEY_CHARS))),
        s("pending_code", pl.when(pending).then(col("enterprise_code"))),
        s("deadline_state", pl.when(pending).then(lit("pending"))
          .when(due & col("publish_deadline").is_not_null()).then(lit("open"))),
        s("forward_due", pl.when(due).then(lit("due"))), s("changed_at", pl.when(due).then(lit(stamp)))])
    identity = obj([pl.concat_str([lit('"pk":{"S":"ID#' + const(base["identity"])[1:-1]), col("_ref"), lit('"}')]),
                    c("sk", "ID"), s("rid", col("record_id")), s("epk", col("enterprise_code")), c("version", 1)])
    version = obj([s("record_id", col("record_id")), c("version", 1), c("op", "create"), fields_attr, masked_attr,
                   s("content_hash", col("content_hash")), c("by", actor), c("at", stamp), c("upload_id", up)])
    return block.select(put("records", record, "attribute_not_exists(pk)").alias("record"),
                        put("records", identity, "attribute_not_exists(pk)").alias("identity"),
                        put("versions", version, "attribute_not_exists(record_id)").alias("version"))


def _typed(value) -> dict:
    """A constant as DynamoDB JSON (text, number or boolean)."""
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int):
        return {"N": str(value)}
    return {"S": value}


def _untyped(op: dict) -> dict:
    """A TransactWriteItems entry in DynamoDB JSON back to Python values (what boto3's resource layer takes)."""
    from boto3.dynamodb.types import TypeDeserializer

    load = TypeDeserializer().deserialize
    put = op["Put"]
    item = {k: load(v) for k, v in put["Item"].items()}
    return {"Put": {**put, "Item": _plain_numbers(item)}}


def _plain_numbers(value):
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _plain_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_numbers(v) for v in value]
    return int(value) if isinstance(value, Decimal) else value


# --- the comparison with the real pipeline ---------------------------------------------------------
def real_pipeline(path: Path, pool_size: int, upload) -> tuple[dict, dict]:
    """The real UploadProcessor on `path` with a capturing sink: (items by source_ref, rejections by
    Excel row number: their errors as stored in the 回退 chunks)."""
    from bench.intake import SinkS3, SinkUploads
    from chalicelib.catalog import load_catalog
    from chalicelib.dal.files import UploadFiles
    from chalicelib.services.upload_worker import UploadProcessor

    catalog = load_catalog()
    records = CapturingRecords()
    submissions = sink_submissions(catalog, records, SinkRegistry(enterprises_of_pool(enterprise_pool(pool_size))),
                                   SinkCounters())
    uploads, s3 = SinkUploads(upload), SinkS3(upload.object_key, path)
    with tempfile.TemporaryDirectory() as workdir:
        UploadProcessor(uploads, submissions, catalog, UploadFiles(s3, "uploads"), MAX_BYTES, MAX_ROWS,
                        SinkCounters(), workdir=workdir).process_object("uploads", upload.object_key)
    rejections = {str(number): [cells, errs] for key, body in s3.objects.items() if key.endswith(".json")
                  for number, cells, errs in json.loads(body)}
    return {ops[0]["Put"]["Item"]["source_ref"]: ops for ops in records.ops}, rejections


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in TIMES}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def compare(path: Path, pool_size: int) -> dict:
    """Every row's stored items and every rejection: the prototype against the real pipeline."""
    from bench.intake import new_upload

    upload = new_upload()
    expected, rejections = real_pipeline(path, pool_size, upload)
    got = plan(path, pool_size, upload_id=upload.upload_id, actor=upload.actor, keep_items=True)
    mine = got["items_by_ref"]
    diffs = []
    for ref in sorted(set(expected) | set(mine)):
        a, b = _strip(expected.get(ref)), _strip(mine.get(ref))
        if a != b:
            diffs.append({"source_ref": ref, "real": a, "prototype": b})
    rej_diffs = [number for number in sorted(set(rejections) | set(got["rejections"]))
                 if rejections.get(number) != got["rejections"].get(number)]
    return {"records": len(expected), "compared_items": sum(map(len, expected.values())),
            "rows_on_columns": got["accepted_on_columns"], "row_path": got["row_path"],
            "rejections": len(rejections), "wire_mismatches": got.get("wire_mismatches"), "differences": diffs[:3], "n_differences": len(diffs),
            "rejection_differences": rej_diffs[:10], "n_rejection_differences": len(rej_diffs)}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int)
    parser.add_argument("--pool", type=int, default=POOL_SIZE)
    parser.add_argument("--check-rows", type=int, default=1000)
    parser.add_argument("--wire", action="store_true", help="items as DynamoDB-JSON text built column-wise")
    parser.add_argument("--block", type=int, default=BLOCK, help="rows planned at once")
    parser.add_argument("--out", help="also write the numbers and the check as JSON here")
    args = parser.parse_args(argv)
    set_env()
    import polars  # noqa: F401  (imports before the clocks start)

    import chalicelib.services.upload_worker  # noqa: F401
    from bench.intake import _bare_calamine, _bare_fastexcel, new_upload
    from chalicelib.gcpause import PausedGC

    path = ensure_workbook(args.rows, args.pool)
    upload = new_upload()
    registry = SinkRegistry(enterprises_of_pool(enterprise_pool(args.pool)))
    t0 = time.process_time()
    _bare_calamine(path)
    bare = time.process_time() - t0
    bare_rss = peak_rss_mb()
    t0 = time.process_time()
    _bare_fastexcel(path)
    fastest = time.process_time() - t0
    clock = Clock()
    with PausedGC():
        result = plan(path, args.pool, upload_id=upload.upload_id, actor=upload.actor, wire=args.wire, clock=clock,
                      registry=registry, block_rows=args.block)
    total = sum(clock.cpu.values())
    print(f"bare python-calamine read: {bare:.2f} s CPU (peak RSS {bare_rss:.0f} MB); "
          f"bare fastexcel read (the fastest): {fastest:.2f} s CPU")
    print(f"{'stage':<66} {'CPU s':>6} {'× bare':>7} {'peak MB':>8}")
    for stage, cpu in clock.cpu.items():
        print(f"{stage:<66} {cpu:6.2f} {cpu / bare:6.2f}× {clock.rss[stage]:8.0f}")
    print(f"{'total':<66} {total:6.2f} {total / bare:6.2f}× {peak_rss_mb():8.0f}   "
          f"({total / fastest:.2f}× the fastexcel read)")
    print(json.dumps(result, ensure_ascii=False))
    out = {"bare_cpu": bare, "fastexcel_cpu": fastest, "stages": clock.cpu, "total_cpu": total, "ratio": total / bare,
           "peak_rss_mb": peak_rss_mb(), **result}
    if args.check_rows:
        out["check"] = compare(ensure_workbook(args.check_rows, args.pool), args.pool)
        print("check against the real pipeline:", json.dumps(out["check"], ensure_ascii=False, default=str)[:3000])
    if args.out:
        Path(args.out).write_text(json.dumps(out, ensure_ascii=False, default=str), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
