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
