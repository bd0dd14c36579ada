"""The upload API and worker on fakes (repositories and the uploads bucket, tests/fakes.py): a CSV
goes through RowPipeline's explicit dependencies — rows to records, rejected rows to the 回退 file,
the checkpoint per chunk — with no emulator."""
from __future__ import annotations

import csv
import io

import pytest

from chalicelib.config import Settings
from chalicelib.container import Container
from chalicelib.local.demo_data import sample_record
from tests.fakes import FakeUploadFiles, fake_repositories
from tests.services.conftest import operator, register


@pytest.fixture
def c(tmp_path) -> Container:
    c = Container(Settings(stage="local"), upload_files=FakeUploadFiles(), **fake_repositories())
    c.upload_processor.workdir = str(tmp_path)
    c.upload_processor.chunk_size = 2
    return c


def csv_bytes(rows: list[dict]) -> bytes:
    names = list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=names)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def upload(c: Container, rows: list[dict], state: str = "done") -> str:
    created = c.upload_service.create(operator("d12"), "d12", {"category": "admin_penalty", "filename": "处罚.csv"})
    key = created["fields"]["key"]
    c.upload_files.objects[key] = csv_bytes(rows)
    assert c.upload_processor.process_object("uploads", key) == state
    return created["upload_id"]


def test_rows_become_records_and_rejected_rows_the_feedback_file(c):
    register(c)
    upload_id = upload(c, [
        sample_record("admin_penalty"),
        sample_record("admin_penalty", CF_WSH="广环罚〔2026〕13号", CF_JDRQ="2026/13/45"),
        sample_record("admin_penalty"),                                   # the same 文号 again
        sample_record("admin_penalty", CF_WSH="广环罚〔2026〕14号"),
    ])
    status = c.upload_service.status(operator("d12"), upload_id)
    assert (status["state"], status["accepted"], status["rejected"]) == ("done", 2, 2)
    assert status["feedback_url"].endswith("回退-处罚.xlsx")
    stored = c.uploads.get(upload_id)
    assert stored.next_row == 4 and stored.chunks == 2                    # two chunks, each with a rejected row
    assert c.upload_files.objects[stored.feedback_key][:2] == b"PK"       # an xlsx


def test_a_missing_required_column_fails_the_file(c):
    register(c)
    row = sample_record("admin_penalty", CF_WSH=None)
    upload_id = upload(c, [row], state="failed")
    stored = c.uploads.get(upload_id)
    assert stored.state == "failed" and stored.error.code == "MISSING_HEADERS"
    assert stored.error.details[0]["field"] == "CF_WSH" and stored.accepted == 0 and stored.rows_total is None


# --- issue #27: the columnar check stage (xlsx) against the row path ---------------------------------
def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _run_xlsx(tmp_path, data: bytes, columnar: bool) -> tuple:
    c = Container(Settings(stage="local"), upload_files=FakeUploadFiles(), **fake_repositories())
    tmp_path.mkdir()
    c.upload_processor.workdir = str(tmp_path)
    c.upload_processor.chunk_size = 3
    c.upload_processor.columnar = columnar
    register(c)
    created = c.upload_service.create(operator("d12"), "d12", {"category": "admin_penalty", "filename": "处罚.xlsx"})
    c.upload_files.objects[created["fields"]["key"]] = data
    assert c.upload_processor.process_object("uploads", created["fields"]["key"]) == "done"
    up = c.uploads.get(created["upload_id"])
    feedback = [row for i in range(up.chunks) for row in c.upload_files.feedback_chunk(up.upload_id, i)]
    hashes = sorted((i["source_ref"], i["content_hash"]) for i in c.record_repo.table.items.values()
                    if i.get("content_hash") and i.get("category") == "admin_penalty")
    return (up.rows_total, up.accepted, up.unchanged, up.rejected, up.next_row), feedback, hashes


def _sheet(*, typed_dates: bool) -> tuple[list[str], list[list]]:
    from datetime import date

    s = sample_record("admin_penalty")
    header = list(s)
    day = date(2026, 9, 28) if typed_dates else s["CF_JDRQ"]

    def row(**kw):
        r = {**s, "CF_JDRQ": day, **kw}
        return [r[k] if r[k] != "" else None for k in header]
    return header, [
        row(),
        row(CF_WSH="广环罚〔2026〕13号", CF_YXQ="2026/13/45"),               # BAD_DATE
        row(),                                                          # the same 文号 again
        row(CF_WSH="广环罚〔2026〕14号", CF_XDR_SHXYM="91510802MA62XK0Q76"),  # check character: unknown code
        row(CF_WSH="广环罚〔2026〕15号", CF_XDR_LB="自然人"),                  # OUT_OF_SCOPE
        row(CF_WSH="  广环罚〔2026〕16号 ", CF_SY="字" * 4001),                 # TOO_LONG
        row(CF_WSH="广环罚〔2026〕17号", CF_NR_FK="1,200.50万元", BZ="   "),
        [None] * len(header),                                           # an empty row: skipped
        row(CF_WSH="广环罚〔2026〕18号", CF_CFLB="罚款、警告"),
    ]


@pytest.mark.parametrize("typed_dates", [False, True], ids=["text dates", "date cells"])
def test_the_columnar_stage_gives_what_the_row_path_gives(tmp_path, typed_dates):
    header, rows = _sheet(typed_dates=typed_dates)
    data = xlsx_bytes(header, rows)
    columnar = _run_xlsx(tmp_path / "c", data, columnar=True)
    assert columnar == _run_xlsx(tmp_path / "r", data, columnar=False)
    counts, feedback, hashes = columnar
    assert counts == (8, 3, 0, 5, 8) and len(hashes) == 3       # the empty Excel row 9 is skipped
    assert [(n, [e["code"] for e in errs]) for n, _, errs in feedback] == [
        (3, ["BAD_DATE"]), (4, ["DUPLICATE_IN_BATCH"]), (5, ["USCC_CHECKSUM"]), (6, ["OUT_OF_SCOPE"]), (7, ["TOO_LONG"])]


def test_the_worker_reads_xlsx_through_the_columnar_stage(tmp_path, monkeypatch):
    """The worker's xlsx path is the columnar one (the frame is read), and a column mixing cell
    types (a number among text) keeps the row path, with the same outcome."""
    from chalicelib.services import upload_rows

    frames = []
    real = upload_rows.read_frame        # a spy: the real reader, its result noted
    monkeypatch.setattr(upload_rows, "read_frame", lambda *a: frames.append(real(*a)) or frames[-1])
    header, rows = _sheet(typed_dates=False)
    _run_xlsx(tmp_path / "a", xlsx_bytes(header, rows), columnar=True)
    assert frames and frames[-1] is not None
    rows[1][header.index("CF_WSH")] = 12345
    mixed = xlsx_bytes(header, rows)
    got = _run_xlsx(tmp_path / "b", mixed, columnar=True)
    assert frames[-1] is None
    assert got == _run_xlsx(tmp_path / "c", mixed, columnar=False)
