"""Spreadsheet intake (measure 1): the upload pipeline against bare reads and a naive peer.

Every variant runs in a fresh child process (`python -m bench.intake VARIANT ROWS … --out F`), so
its peak RSS is its own; the emulator runs in a process of its own too. Variants:

  calamine     python-calamine iter_rows over the first sheet, nothing else (the fastest reader)
  openpyxl_ro  openpyxl load_workbook(read_only=True, data_only=True), iter_rows(values_only=True)
  inspect      inspect_xlsx alone: the pre-flight zip/XML safety scan + streamed row count
  reader       our calamine reader (normalised cells, empty rows skipped)
  fastexcel    fastexcel (calamine → Arrow) into a polars DataFrame, every column: the fastest bare read
  sink         UploadProcessor.process_object with every store replaced by an in-memory counting
               sink (records, registry, calendar, counters, uploads, S3): the pipeline's own cost —
               pre-flight, columnar read + checks (issue #27), plan, 回退 file
  sink_rows    the same on the row path (calamine rows + the row validator per row): the comparison
  e2e          container.upload_processor.process_object against the emulator, with the pool of
               enterprises registered first (rows match as `local`); DynamoDB requests counted
  naive        openpyxl normal mode (whole workbook in memory) + one PutItem per row, no checks
  bare:FMT     the bare read of the same rows saved as FMT (xls, ods: python-calamine iter_rows;
               csv: the csv module), nothing else
  sink:FMT     `sink` on the FMT file: the format's pre-flight, reader and the whole pipeline
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench.common import (
    POOL_SIZE,
    Emulator,
    RequestCounter,
    Timer,
    ensure_format,
    ensure_workbook,
    enterprise_pool,
    enterprises_of_pool,
    log,
    register_pool,
    run_child,
    set_env,
    write_result,
)

NAIVE_TABLE = "qygs-bench-naive"


# --- in-memory fakes for the counting sink ----------------------------------------------------
class SinkRecords:
    """RecordRepository stand-in: no record exists yet; writes are counted and dropped."""

    def __init__(self):
        self.written = 0
        self.write_calls = 0

    def identities(self, identities):
        list(identities)
        return {}

    def get_many(self, keys):
        list(keys)
        return {}

    def write(self, changes, extra=None):
        self.write_calls += 1
        self.written += len(changes)
        if extra:
            extra(changes)
        return []


class SinkRegistry:
    def __init__(self, enterprises):
        self.enterprises = enterprises

    def lookup(self, codes):
        return {c: e for c in codes if (e := self.enterprises.get(c)) is not None}

    def lookup_all(self, codes):     # the registry's lookup with `elsewhere` names (none in the bench)
        return self.lookup(codes), {}

    def hold_elsewhere_names(self, names):   # every code is new to the sink: nothing taken meanwhile
        return {}


class SinkCalendar:
    def overrides(self, years):
        return {}


class SinkCounters:
    def __init__(self):
        self.calls = 0

    def add(self, *args, **kwargs):
        self.calls += 1

    def late_tally(self, department, day, record_ids):
        """The item that counts the late records of a creating transaction (kept by the sink)."""
        return {"Put": {"Item": {"pk": f"L#{department}", "sk": f"{day}#{record_ids[0]}", "n": len(record_ids),
                                 "records": record_ids}}} if record_ids else None

    def update_op(self, *args, **kwargs):
        """The counter update that rides in the upload checkpoint's transaction."""
        self.calls += 1
        return {}


class SinkDepartments:
    """Departments as the catalog seeds them (no admin edits)."""

    def __init__(self, catalog):
        self.catalog = catalog

    def resolve(self, department_id):
        return self.catalog.departments.get(department_id)


class SinkRejections:
    """RejectionRepository stand-in: nothing stored yet; saves counted and dropped (none lost)."""

    def __init__(self):
        self.saved = 0

    def get_many(self, ids):
        list(ids)
        return {}

    def save(self, writes, refs, extra=None):
        self.saved += len(writes)
        return []

    def any_open(self, department):
        return False


def sink_submissions(catalog, records, registry, counters):
    """A SubmissionService whose stores are the sinks above. Its constructor is read by name, so
    a collaborator added to it later fails here loudly instead of being silently wrong."""
    import inspect

    from chalicelib.services.rejections import RejectionService
    from chalicelib.services.submissions import SubmissionService

    fakes = {"rejections": RejectionService(SinkRejections(), catalog), "items": None,   # no 目录事项 rules
             "catalog": catalog, "records": records, "registry": registry, "calendar": SinkCalendar(),
             "counters": counters, "registrations": None, "departments": SinkDepartments(catalog), "retract": None}
    names = [n for n in inspect.signature(SubmissionService.__init__).parameters if n != "self"]
    missing = [n for n in names if n not in fakes]
    if missing:
        raise SystemExit(f"bench/intake.py has no fake for SubmissionService({', '.join(missing)})")
    return SubmissionService(**{n: fakes[n] for n in names})


class SinkUploads:
    def __init__(self, upload):
        self.upload = upload
        self.saves = 0

    def get(self, upload_id):
        return self.upload if upload_id == self.upload.upload_id else None

    def save(self, upload):
        self.saves += 1
        self.upload = upload

    def acquire(self, upload, token, now, seconds):
        upload.lease, upload.lease_until = token, now + seconds
        return True

    def pin_object(self, upload, version, etag):
        upload.object_version, upload.object_etag = version, etag
        return True

    def release(self, upload):
        upload.lease, upload.lease_until = None, None

    def checkpoint(self, upload, previous, counters):
        self.save(upload)
        return True


class SinkS3:
    """The uploads bucket as a local file (download = copy) and a dict of written objects."""

    def __init__(self, key: str, path: Path):
        self.key, self.path = key, path
        self.objects: dict[str, bytes] = {}
        self.bytes_written = 0

    def head_object(self, Bucket, Key, **_):
        return {"ContentLength": self.path.stat().st_size, "ETag": '"sink"'}

    def download_file(self, bucket, key, path, ExtraArgs=None):
        shutil.copyfile(self.path, path)

    def put_object(self, Bucket, Key, Body, **_):
        self.objects[Key] = Body
        self.bytes_written += len(Body)

    def get_object(self, Bucket, Key):
        return {"Body": io.BytesIO(self.objects[Key])}

    def upload_file(self, local, bucket, key):
        self.bytes_written += os.path.getsize(local)


def new_upload(department: str = "d12", filename: str = "处罚.xlsx"):
    """An upload item as UploadService.create makes it (行政处罚). Each upload of a run names its
    own department, so no row of one is a resend of another's (identity = department + 文号)."""
    from ulid import ULID

    from chalicelib.clock import now_iso
    from chalicelib.models.upload import Upload
    from chalicelib.resources import UPLOAD_PREFIX

    upload_id = str(ULID())
    return Upload(upload_id=upload_id, department=department, category="admin_penalty", filename=filename,
                  actor=f"op-{department}", created_at=now_iso(),
                  object_key=f"{UPLOAD_PREFIX}{department}/{upload_id}/{filename}")


# --- profile summary ------------------------------------------------------------------------------
STAGES = [  # label → the functions (file suffix, name) whose cumulative time it is
    ("pre-flight inspect_xlsx", [("spreadsheet/safety.py", "inspect_xlsx")]),
    ("read rows (calamine + normalise)", [("spreadsheet/reader.py", "iter_rows")]),
    ("submit (everything below)", [("services/submissions.py", "submit")]),
    ("  validate_record", [("domain/validation.py", "validate_record")]),
    ("  registry lookup", [("dal/registry.py", "lookup"), ("bench/intake.py", "lookup")]),
    ("  match", [("services/matching.py", "match")]),
    ("  plan (identity reads, hash, deadlines, Record)", [("services/submissions.py", "_plan")]),
    ("  records.write", [("dal/records.py", "write"), ("bench/intake.py", "write")]),
    ("  counters.add", [("dal/counters.py", "add"), ("bench/intake.py", "add")]),
    ("checkpoint uploads.save", [("dal/uploads.py", "save"), ("bench/intake.py", "save")]),
    ("回退 feedback file", [("services/upload_rows.py", "_finish")]),
    ("botocore API calls (all)", [("botocore/client.py", "_make_api_call")]),
]


def profile_summary(prof, total: float) -> dict:
    import pstats

    stats = pstats.Stats(prof)
    by_func: dict[tuple, tuple] = {}
    for (filename, line, name), (_cc, nc, tt, ct, _callers) in stats.stats.items():
        by_func[(filename, line, name)] = (nc, tt, ct)

    def cum(suffix: str, name: str) -> float:
        # a generator is entered once per item, its cumulative time still adds up; none of these recurse
        return sum(ct for (f, _, n), (_, _, ct) in by_func.items() if f.endswith(suffix) and n == name)

    stages = {label: sum(cum(s, n) for s, n in funcs) for label, funcs in STAGES}
    top = sorted(by_func.items(), key=lambda kv: kv[1][1], reverse=True)[:12]
    return {
        "profiled_seconds": round(total, 2),
        "stages": {k: round(v, 2) for k, v in stages.items() if v},
        "top_tottime": [{"function": f"{Path(f).parent.name}/{Path(f).name}:{line}({name})",
                         "calls": nc, "tottime": round(tt, 2), "cumtime": round(ct, 2)}
                        for (f, line, name), (nc, tt, ct) in top],
    }


# --- the variants (run in the child) ------------------------------------------------------------
def _bare_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    n = 0
    with CalamineWorkbook.from_path(str(path)) as wb:
        for _ in wb.get_sheet_by_index(0).iter_rows():
            n += 1
    return n - 1


def _bare_openpyxl(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(str(path), read_only=True, data_only=True)
    n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True)) - 1
    wb.close()
    return n


def _bare_csv(path: Path) -> int:
    import csv

    with open(path, encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def _bare_fastexcel(path: Path) -> int:
    import fastexcel

    return len(fastexcel.read_excel(str(path)).load_sheet(0).to_polars())


def _sink(path: Path, pool_size: int, profile: bool, fmt: str = "xlsx", columnar: bool = True) -> dict:
    from chalicelib.catalog import load_catalog
    from chalicelib.dal.files import UploadFiles
    from chalicelib.services.upload_worker import UploadProcessor

    catalog = load_catalog()
    records, counters = SinkRecords(), SinkCounters()
    submissions = sink_submissions(catalog, records, SinkRegistry(enterprises_of_pool(enterprise_pool(pool_size))),
                                   counters)
    upload = new_upload(filename=f"处罚.{fmt}")
    upload.format = fmt
    uploads, s3 = SinkUploads(upload), SinkS3(upload.object_key, path)
    workdir = tempfile.mkdtemp(dir=path.parent)
    processor = UploadProcessor(uploads, submissions, catalog, UploadFiles(s3, "uploads"), 60 * 1024 * 1024, 100_000,
                                counters, workdir=workdir, columnar=columnar)
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
    with Timer() as t:
        if prof:
            prof.enable()
        state = processor.process_object("uploads", upload.object_key)
        if prof:
            prof.disable()
    shutil.rmtree(workdir, ignore_errors=True)
    up = uploads.upload
    out = {"seconds": t.seconds, "cpu": t.cpu, "state": state, "rows": up.rows_total,
           "accepted": up.accepted, "rejected": up.rejected, "records_written": records.written,
           "write_calls": records.write_calls, "counter_calls": counters.calls, "checkpoints": uploads.saves,
           "s3_bytes_written": s3.bytes_written, "error": up.error.model_dump() if up.error else None}
    if prof:
        out["profile"] = profile_summary(prof, t.seconds)
    return out


def _e2e(bucket: str, key: str, profile: bool) -> dict:
    from chalicelib.container import get_container

    c = get_container()
    counter = RequestCounter().attach(c.aws)
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
    with Timer() as t, counter.measure() as calls:
        if prof:
            prof.enable()
        state = c.upload_processor.process_object(bucket, key)
        if prof:
            prof.disable()
    up = c.uploads.get(key.split("/")[2])
    out = {"seconds": t.seconds, "cpu": t.cpu, "state": state, "rows": up.rows_total, "accepted": up.accepted,
           "rejected": up.rejected, "requests": calls,
           "api_call_seconds": round(sum(calls["call_seconds"].values()), 1)}
    if prof:
        out["profile"] = profile_summary(prof, t.seconds)
    return out


def _naive(path: Path, table_name: str) -> dict:
    import boto3
    from openpyxl import load_workbook

    table = boto3.resource("dynamodb", endpoint_url=os.environ["AWS_ENDPOINT_URL"]).Table(table_name)
    with Timer() as t:
        wb = load_workbook(str(path))           # normal mode: every cell object in memory
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = next(rows)
        n = 0
        for n, row in enumerate(rows, start=1):
            item = {h: v for h, v in zip(header, row, strict=False) if v not in (None, "")}
            item["pk"] = f"row-{n}"
            table.put_item(Item=item)
    return {"seconds": t.seconds, "cpu": t.cpu, "rows": n, "requests": {"dynamodb": n}}


def child_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("variant")
    parser.add_argument("rows", type=int)
    parser.add_argument("--bucket")
    parser.add_argument("--key")
    parser.add_argument("--table", default=NAIVE_TABLE)
    parser.add_argument("--pool", type=int, default=POOL_SIZE)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    set_env()
    v, _, fmt = args.variant.partition(":")
    path = ensure_format(args.rows, args.pool, fmt) if fmt else ensure_workbook(args.rows, args.pool)
    if fmt:
        if v == "bare":
            with Timer() as t:
                n = _bare_csv(path) if fmt == "csv" else _bare_calamine(path)
            result = {"rows": n, "seconds": t.seconds, "cpu": t.cpu}
        else:
            result = _sink(path, args.pool, False, fmt)
        result["variant"] = args.variant
        write_result(args.out, result)
        return
    if v in ("calamine", "fastexcel", "openpyxl_ro", "inspect", "reader", "floor"):
        if v == "floor":
            import chalicelib.ids
            import chalicelib.services.submissions  # noqa: F401  (imported before the clock starts)
            from bench.floor import field_names, floor_pass
            from chalicelib.gcpause import PausedGC
            names = field_names()
        with Timer() as t:
            if v == "calamine":
                n = _bare_calamine(path)
            elif v == "fastexcel":
                n = _bare_fastexcel(path)
            elif v == "floor":   # GC paused as the upload row loop has it
                with PausedGC():
                    n = floor_pass(path, args.rows, names)
            elif v == "openpyxl_ro":
                n = _bare_openpyxl(path)
            elif v == "inspect":
                from chalicelib.adapters.spreadsheet import inspect_xlsx
                n = inspect_xlsx(path).rows_total
            else:
                from chalicelib.adapters.spreadsheet import iter_rows
                n = sum(1 for _ in iter_rows(path)) - 1
        result = {"seconds": t.seconds, "cpu": t.cpu, "rows": n}
    elif v in ("sink", "sink_rows"):
        result = _sink(path, args.pool, args.profile, columnar=v == "sink")
    elif v == "e2e":
        result = _e2e(args.bucket, args.key, args.profile)
    elif v == "naive":
        result = _naive(path, args.table)
    else:
        raise SystemExit(f"unknown variant {v}")
    result["variant"] = v
    write_result(args.out, result)


# --- the orchestration (parent) -------------------------------------------------------------------
def _median_run(variant: str, rows: int, repeat: int, pool_size: int) -> dict:
    runs = [run_child("bench.intake", variant, str(rows), "--pool", str(pool_size)) for _ in range(repeat)]
    runs.sort(key=lambda r: r["seconds"])
    best = dict(runs[len(runs) // 2])
    best["rss_mb"] = max(r["rss_mb"] for r in runs)
    best["runs"] = len(runs)
    best["cpu"] = sorted(r["cpu"] for r in runs)[len(runs) // 2]
    best["all_seconds"] = [round(r["seconds"], 2) for r in runs]
    return best


UPLOAD_DEPARTMENTS = iter(["d12", "d13", "d14", "d15", "d16", "d17", "d18", "d19"])


def _put_upload(rows: int, pool_size: int) -> tuple[str, str]:
    """A new upload item (as UploadService.create makes it) with the workbook in the bucket."""
    from chalicelib.container import get_container

    c = get_container()
    upload = new_upload(next(UPLOAD_DEPARTMENTS))
    c.uploads.create(upload)
    bucket = c.settings.bucket("uploads")
    c.aws.client("s3").upload_file(str(ensure_workbook(rows, pool_size)), bucket, upload.object_key)
    return bucket, upload.object_key


def _naive_table(rows: int) -> str:
    from chalicelib.container import get_container

    name = f"{NAIVE_TABLE}-{rows}"
    get_container().aws.client("dynamodb").create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    return name


PARTS = ("reads", "e2e", "naive", "formats")
FORMATS = ("xls", "ods", "csv")


def run(sizes: list[int], *, repeat: int = 3, pool_size: int = POOL_SIZE, naive: bool = True,
        profile: bool = True, parts: tuple[str, ...] = PARTS, previous: dict | None = None) -> dict:
    """Every variant at every size; {"sizes": {rows: {variant: result}}, "pool": …}.

    `parts` ⊂ {"reads" (bare reads, reader, sink), "e2e", "naive"}: the other parts are taken
    from `previous` (the last results) when it was measured with the same sizes and pool."""
    from chalicelib.container import get_container

    out: dict = {"sizes": {}, "pool": pool_size}
    if previous and previous.get("pool") == pool_size and set(previous.get("sizes", {})) == {str(n) for n in sizes}:
        out = {**previous, "sizes": {k: dict(v) for k, v in previous["sizes"].items()}}
        out.pop("_meta", None)
    for rows in sizes:
        path = ensure_workbook(rows, pool_size)
        res: dict = out["sizes"].setdefault(str(rows), {})
        res["file_mb"] = round(path.stat().st_size / 2**20, 1)
        if "formats" in parts:
            _format_runs(res, rows, repeat, pool_size)
        if "reads" not in parts:
            continue
        for variant, n in (("calamine", repeat), ("fastexcel", repeat), ("reader", repeat), ("inspect", repeat),
                           ("floor", repeat), ("sink", repeat), ("sink_rows", repeat), ("openpyxl_ro", 1)):
            log(f"intake {rows} rows: {variant} ×{n}")
            res[variant] = _median_run(variant, rows, n, pool_size)
        if profile and rows == max(sizes):
            log(f"intake {rows} rows: sink under cProfile")
            res["sink_profile"] = run_child("bench.intake", "sink", str(rows), "--pool", str(pool_size),
                                            "--profile")["profile"]
    if "e2e" not in parts and not (naive and "naive" in parts):
        return out
    emu = Emulator()
    try:
        emu.reset()
        if "e2e" in parts:
            log(f"intake: registering {pool_size} enterprises through the registration category")
            with Timer() as t:
                register_pool(get_container(), enterprise_pool(pool_size))
            out["register_pool_seconds"] = round(t.seconds, 1)
        for rows in sizes:
            res = out["sizes"][str(rows)]
            if "e2e" in parts:
                _e2e_runs(res, rows, pool_size, profile=profile and rows == min(sizes))
            if naive and "naive" in parts:
                log(f"intake {rows} rows: naive peer (openpyxl normal mode + one PutItem per row)")
                res["naive"] = run_child("bench.intake", "naive", str(rows), "--pool", str(pool_size),
                                         "--table", _naive_table(rows))
        out["emulator_rss_mb"] = emu.rss_mb()
    finally:
        emu.stop()
    return out


def _format_runs(res: dict, rows: int, repeat: int, pool_size: int) -> None:
    """Per upload format: the pipeline (in-memory sink) against the bare read of the same file."""
    formats = res.setdefault("formats", {})
    for fmt in FORMATS:
        path = ensure_format(rows, pool_size, fmt)
        if path is None:
            formats[fmt] = {"skipped": "xls holds at most 65,535 data rows" if fmt == "xls" else "no soffice"}
            continue
        log(f"intake {rows} rows as {fmt}: bare read and pipeline ×{repeat}")
        formats[fmt] = {"file_mb": round(path.stat().st_size / 2**20, 1),
                        "bare": _median_run(f"bare:{fmt}", rows, repeat, pool_size),
                        "sink": _median_run(f"sink:{fmt}", rows, repeat, pool_size)}


def _e2e_runs(res: dict, rows: int, pool_size: int, profile: bool) -> None:
    log(f"intake {rows} rows: end to end on the emulator")
    bucket, key = _put_upload(rows, pool_size)
    res["e2e"] = run_child("bench.intake", "e2e", str(rows), "--pool", str(pool_size), "--bucket", bucket,
                           "--key", key)
    if profile:
        log(f"intake {rows} rows: end to end under cProfile")
        bucket, key = _put_upload(rows, pool_size)
        res["e2e_profile"] = run_child("bench.intake", "e2e", str(rows), "--pool", str(pool_size),
                                       "--bucket", bucket, "--key", key, "--profile")["profile"]


if __name__ == "__main__":
    child_main(sys.argv[1:])

