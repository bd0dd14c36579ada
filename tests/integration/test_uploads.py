"""Spreadsheet uploads through the real path: pre-signed POST → bucket → SQS → worker → records."""
from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest
import requests

import app as app_module
from chalicelib.local.demo_data import sample_record
from chalicelib.local.pump import drain
from tests.integration.helpers import crash_after_first_checkpoint, register


def workbook(rows: list[dict], category="admin_penalty", headers: list[str] | None = None) -> bytes:
    """An xlsx keyed by Chinese labels (as a department fills in the template)."""
    from chalicelib.catalog import load_catalog

    cat = load_catalog().category(category)
    labels = {f.json_name: f.label for f in cat.fields}
    headers = headers or [labels[k] for k in rows[0]]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append(headers)
    back = {v: k for k, v in labels.items()}
    for r in rows:
        ws.append([r.get(back.get(h, h)) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, headers, stack, content: bytes, filename="处罚.xlsx", category="admin_penalty") -> dict:
    resp = client.http.post("/v1/uploads", headers=headers,
                            body=json.dumps({"category": category, "filename": filename}))
    assert resp.status_code == 200, resp.body
    ticket = resp.json_body
    posted = requests.post(ticket["url"], data=ticket["fields"], files={"file": (filename, content)}, timeout=30)
    assert posted.status_code in (200, 204), posted.text
    sqs = stack.aws.client("sqs")
    url = sqs.get_queue_url(QueueName=stack.settings.queue("upload-events"))["QueueUrl"]
    drain(sqs, url, app_module.upload_worker)
    return client.http.get(f"/v1/uploads/{ticket['upload_id']}", headers=headers).json_body


@pytest.fixture
def op(client, login):
    register(client, login)
    return login("op-d12", "operator", "d12")


def mixed_rows(n: int) -> list[dict]:
    rows = []
    for i in range(n):
        over = {"CF_WSH": f"广环罚〔2026〕{1000 + i}号"}
        if i % 10 == 3:
            over["CF_JDRQ"] = "2026/02/30"          # BAD_DATE
        if i % 10 == 7:
            over["CF_XDR_LB"] = "自然人"             # OUT_OF_SCOPE
        if i % 50 == 9:
            over["CF_WSH"] = "广环罚〔2026〕1000号"   # duplicate of row 0
        rows.append(sample_record("admin_penalty", **over))
    return rows


def test_5000_row_file_with_mixed_errors(client, op, stack):
    status = upload(client, op, stack, workbook(mixed_rows(5000)))
    assert status["state"] == "done", status
    assert status["rows_total"] == 5000 == status["rows_done"]
    assert status["accepted"] + status["rejected"] == 5000
    assert status["rejected"] == 500 + 500 + 100
    body = requests.get(status["feedback_url"], timeout=30).content
    ws = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert len(data) == status["rejected"]
    reason = header.index("错误原因")
    assert {c for r in data for c in ("BAD_DATE", "OUT_OF_SCOPE", "DUPLICATE_IN_BATCH") if c in r[reason]} == {
        "BAD_DATE", "OUT_OF_SCOPE", "DUPLICATE_IN_BATCH"}
    listing = client.http.get("/v1/records?category=admin_penalty&limit=200", headers=op).json_body
    assert len(listing["items"]) == 200 and listing["next_cursor"]


def test_same_event_delivered_twice_changes_nothing(client, op, stack):
    status = upload(client, op, stack, workbook(mixed_rows(40)))
    processor = stack.upload_processor
    upload_item = stack.uploads.get(status["upload_id"])
    assert processor.process_object(stack.settings.bucket("uploads"), upload_item.object_key) == "done"
    again = client.http.get(f"/v1/uploads/{status['upload_id']}", headers=op).json_body
    assert (again["accepted"], again["rejected"]) == (status["accepted"], status["rejected"])


def test_crash_half_way_resumes_without_double_counting(client, op, stack, monkeypatch):
    rows = mixed_rows(1200)
    resp = client.http.post("/v1/uploads", headers=op, body=json.dumps({"category": "admin_penalty",
                                                                        "filename": "a.xlsx"}))
    ticket = resp.json_body
    stack.upload_processor.chunk_size = 500
    with crash_after_first_checkpoint(stack.record_repo.client):
        requests.post(ticket["url"], data=ticket["fields"], files={"file": ("a.xlsx", workbook(rows))}, timeout=30)
        key = stack.uploads.get(ticket["upload_id"]).object_key
        with pytest.raises(RuntimeError):
            stack.upload_processor.process_object(stack.settings.bucket("uploads"), key)
    half = stack.uploads.get(ticket["upload_id"])
    assert half.state == "processing" and half.rows_done == 500
    assert stack.upload_processor.process_object(stack.settings.bucket("uploads"), key) == "done"
    done = stack.uploads.get(ticket["upload_id"])
    assert done.rows_done == 1200 and done.accepted + done.rejected == 1200
    listing, n, cursor = None, 0, None
    while True:
        url = "/v1/records?category=admin_penalty&limit=200" + (f"&cursor={cursor}" if cursor else "")
        listing = client.http.get(url, headers=op).json_body
        n += len(listing["items"])
        cursor = listing["next_cursor"]
        if not cursor:
            break
    assert n == done.accepted                      # every accepted row stored once


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _sheet_xml(body: bytes, prolog: bytes = b"") -> bytes:
    return (b'<?xml version="1.0"?>' + prolog +
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + body + b"</sheetData></worksheet>")


def _with_sheet(sheet: bytes) -> bytes:
    """A real workbook whose first sheet XML is replaced."""
    src = zipfile.ZipFile(io.BytesIO(workbook([sample_record("admin_penalty")])))
    members = {n: src.read(n) for n in src.namelist()}
    sheet_name = next(n for n in members if n.startswith("xl/worksheets/"))
    members[sheet_name] = sheet
    return _zip(members)


def _header_only() -> bytes:
    from chalicelib.catalog import load_catalog

    required = [f.label for f in load_catalog().category("admin_penalty").fields if f.required]
    return workbook([], headers=required)


def _many_rows() -> bytes:
    row = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>'
    return _with_sheet(_sheet_xml(b"".join(row % (i, i) for i in range(1, 300_002))))


HOSTILE = {  # name → (builder, expected error code); built one at a time
    "zip bomb": (lambda: _with_sheet(_sheet_xml(b'<row r="1"/>' + b" " * 60_000_000)), "UNSAFE_CONTENT"),
    "xxe": (lambda: _with_sheet(_sheet_xml(b"", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>')),
            "UNSAFE_CONTENT"),
    "billion laughs": (lambda: _with_sheet(_sheet_xml(b"", b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>')),
                       "UNSAFE_CONTENT"),
    "300000 rows": (_many_rows, "TOO_MANY_ROWS"),
    "wrong headers": (lambda: workbook([{"姓名": "张三", "年龄": 30}], headers=["姓名", "年龄"]), "MISSING_HEADERS"),
    "empty file": (lambda: b"", "NOT_XLSX"),
    "header only": (_header_only, "NO_DATA"),
    "pdf renamed": (lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "NOT_XLSX"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_fails_with_a_reason_and_the_next_good_upload_works(client, op, stack, name):
    build, code = HOSTILE[name]
    status = upload(client, op, stack, build())
    assert status["state"] == "failed" and status["error"]["code"] == code, status
    assert status["error"]["message"]
    assert client.http.get("/v1/records?category=admin_penalty", headers=op).json_body["items"] == []
    good = upload(client, op, stack, workbook([sample_record("admin_penalty")]))
    assert (good["state"], good["accepted"]) == ("done", 1)


def test_upload_of_a_category_outside_the_catalog_is_refused(client, op):
    resp = client.http.post("/v1/uploads", headers=op, body=json.dumps({"category": "trademark",
                                                                        "filename": "a.xlsx"}))
    assert resp.status_code == 403
    resp = client.http.post("/v1/uploads", headers=op, body=json.dumps({"category": "admin_penalty",
                                                                        "filename": "a.pdf"}))
    assert resp.status_code == 400 and resp.json_body["error"]["details"][0]["code"] == "UNSUPPORTED_FORMAT"


def test_template_has_chinese_headers_codes_dropdowns_and_instructions(client):
    resp = client.http.get("/v1/templates/admin_penalty", headers={"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    assert resp.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(resp.body))
    ws = wb["数据"]
    headers = [c.value for c in ws[1]]
    assert "行政处罚决定书文号" in headers and [c.value for c in ws[2]][headers.index("行政处罚决定书文号")] == "CF_WSH"
    assert ws.data_validations.dataValidation, "enum columns have dropdowns"
    assert "填表说明" in wb.sheetnames
    assert client.http.get("/v1/templates/nope").status_code == 404


def test_filled_template_uploads_cleanly(client, op, stack):
    resp = client.http.get("/v1/templates/admin_penalty", headers={"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    wb = openpyxl.load_workbook(io.BytesIO(resp.body))
    ws = wb["数据"]
    headers = [c.value for c in ws[1]]
    from chalicelib.catalog import load_catalog

    labels = {f.label: f.json_name for f in load_catalog().category("admin_penalty").fields}
    record = sample_record("admin_penalty")
    ws.append([record.get(labels.get(h)) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    status = upload(client, op, stack, out.getvalue())
    assert (status["state"], status["rows_total"], status["accepted"], status["rejected"]) == ("done", 1, 1, 0)
