"""Uploads of .xls, .ods and .csv through the real path (pre-signed POST → bucket → SQS → worker),
against their .xlsx twin: the fixtures of tests/fixtures/uploads were made by LibreOffice from the
same filled template (see its make_fixtures.py); hostile files of each format end `failed`."""
from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
import requests

from tests.fixtures.uploads import hostile
from tests.integration.helpers import register
from tests.integration.test_uploads import upload

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"
TWINS = ["处罚.xls", "处罚.ods", "处罚.csv", "处罚-gbk.csv", "处罚-bom.csv", "处罚-tab.csv"]


@pytest.fixture
def op(client, login):
    register(client, login)
    return login("op-d12", "operator", "d12")


def _feedback(status) -> list[list[str]]:
    body = requests.get(status["feedback_url"], timeout=30).content
    ws = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    return [["" if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)]


def _dates(client, op) -> dict[str, tuple[str, int]]:
    """CF_WSH → (CF_JDRQ, number of versions) of every record of the department."""
    items = client.http.get("/v1/records?category=admin_penalty&limit=100", headers=op).json_body["items"]
    out = {}
    for item in items:
        full = client.http.get(f"/v1/records/{item['record_id']}", headers=op).json_body
        fields = full["versions"][-1]["fields"]
        out[fields["CF_WSH"]] = (fields["CF_JDRQ"], len(full["versions"]))
    return out


@pytest.fixture
def twin(client, op, stack):
    status = upload(client, op, stack, (FIXTURES / "处罚.xlsx").read_bytes(), filename="处罚.xlsx")
    assert status["state"] == "done", status
    return status, _feedback(status), _dates(client, op)


@pytest.mark.parametrize("name", TWINS)
def test_each_format_gives_the_rows_feedback_and_dates_of_its_xlsx_twin(client, op, stack, twin, name):
    """After the xlsx twin, the same rows in another format are identical resends: not one accepted
    row differs in any field (dates included: serials, ODS date values and CSV text end the same),
    the same rows are rejected for the same reasons, and the 回退 files are equal cell by cell."""
    xlsx_status, xlsx_feedback, xlsx_dates = twin
    status = upload(client, op, stack, (FIXTURES / name).read_bytes(), filename=name)
    assert status["state"] == "done" and status["format"] == name.rsplit(".", 1)[-1], status
    assert status["rows_total"] == status["rows_done"] == xlsx_status["rows_total"] == 24
    assert status["rejected"] == xlsx_status["rejected"] == 10
    assert (xlsx_status["accepted"], xlsx_status["unchanged"]) == (14, 0)
    assert (status["accepted"], status["unchanged"]) == (0, 14)     # identical resends (SPEC §5.1)
    assert _feedback(status) == xlsx_feedback
    assert _dates(client, op) == xlsx_dates      # the same dates, and still one version each: nothing changed
    assert {n for _, n in xlsx_dates.values()} == {1}


@pytest.mark.parametrize("name", TWINS)
def test_each_format_alone_accepts_what_the_xlsx_accepts(client, op, stack, name):
    status = upload(client, op, stack, (FIXTURES / name).read_bytes(), filename=name)
    assert (status["state"], status["rows_total"], status["accepted"], status["rejected"]) == ("done", 24, 14, 10), status
    dates = _dates(client, op)
    assert dates["广环罚〔2026〕2000号"][0] == "2026-09-01" and dates["广环罚〔2026〕2023号"][0] == "2026-09-24"


HOSTILE = {
    "truncated.xls": (hostile.truncated_xls, "UNSUPPORTED_FORMAT"),
    "cyclic.xls": (hostile.cyclic_xls, "UNSAFE_CONTENT"),
    "renamed.xls": (lambda: (FIXTURES / "处罚.xlsx").read_bytes(), "UNSUPPORTED_FORMAT"),
    "bomb.ods": (hostile.ods_bomb, "UNSAFE_CONTENT"),
    "renamed.ods": (lambda: (FIXTURES / "处罚.xls").read_bytes(), "UNSUPPORTED_FORMAT"),
    "mixed.csv": (hostile.mixed_csv, "BAD_ENCODING"),
    "long-line.csv": (hostile.long_line_csv, "UNSAFE_CONTENT"),
    "300k-rows.csv": (hostile.many_rows_csv, "TOO_MANY_ROWS"),
    "renamed.csv": (lambda: (FIXTURES / "处罚.ods").read_bytes(), "UNSUPPORTED_FORMAT"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_bad_file_of_each_format_fails_with_its_code(client, op, stack, name):
    build, code = HOSTILE[name]
    status = upload(client, op, stack, build(), filename=name)
    assert status["state"] == "failed" and status["error"]["code"] == code, status
    assert client.http.get("/v1/records?category=admin_penalty", headers=op).json_body["items"] == []


def test_an_unknown_extension_is_refused_at_the_request_naming_the_formats(client, op):
    resp = client.http.post("/v1/uploads", headers=op, body=json.dumps({"category": "admin_penalty",
                                                                        "filename": "处罚.numbers"}))
    assert resp.status_code == 400
    detail = resp.json_body["error"]["details"][0]
    assert detail["code"] == "UNSUPPORTED_FORMAT" and detail["accepted"] == [".xlsx", ".xls", ".ods", ".csv"]


def test_the_portal_accepts_the_formats_the_api_accepts_and_names_the_programs(client, op):
    import re

    refused = client.http.post("/v1/uploads", headers=op, body=json.dumps({"category": "admin_penalty",
                                                                           "filename": "处罚.txt"}))
    accepted = refused.json_body["error"]["details"][0]["accepted"]
    html = client.http.get("/pages/portal.html").body.decode()
    accept = re.search(r'id="upload-file"[^>]*accept="([^"]+)"', html, re.S).group(1)
    assert [a for a in accept.split(",") if a.startswith(".")] == accepted
    formats = re.search(r'<p[^>]*id="upload-formats"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert all(ext in formats for ext in accepted) and all(p in formats for p in ("Excel", "WPS", "LibreOffice"))
    assert "GBK" in formats and "UTF-8" in formats
    script = client.http.get("/pages/portal.js").body.decode()
    check = re.search(r"if \(!/(.+?)/i\.test\(file\.name\)\)", script).group(1).replace("\\\\", "\\")
    assert [bool(re.search(check, f"a{ext}", re.I)) for ext in accepted] == [True] * 4
    assert not re.search(check, "a.xlsb", re.I) and "WPS" in script and "LibreOffice" in script
