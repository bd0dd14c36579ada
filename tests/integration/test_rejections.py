"""The 回退 loop (SPEC §5.1) through the real routes: every channel's rejected rows in the inbox,
deduplicated by content, resolved by a later acceptance of the same source_ref, dismissed with a
reason, invisible to other departments; uploads listed with their counts."""
from __future__ import annotations

import json
import time

from chalicelib.local.demo_data import sample_record
from tests.integration.helpers import register, submit
from tests.integration.test_uploads import upload, workbook

BAD = {"CF_WSH": "广环罚〔2026〕77号", "CF_JDRQ": "2026/02/30"}          # BAD_DATE


def inbox(client, headers, **query) -> list[dict]:
    q = "&".join(f"{k}={v}" for k, v in query.items())
    resp = client.http.get(f"/v1/rejections?{q}", headers=headers)
    assert resp.status_code == 200, resp.body
    return resp.json_body["items"]


def test_each_channel_lands_once_in_the_inbox_with_its_origin(client, login, stack):
    register(client, login)
    op = login("op-d12", "operator", "d12")
    batch = submit(client, op, "admin_penalty", [sample_record("admin_penalty", **BAD)]).json_body
    form = submit(client, op, "admin_penalty", [sample_record("admin_penalty", CF_WSH="表-1号", CF_XDR_MC="")],
                  channel="form").json_body
    status = upload(client, op, stack, workbook([sample_record("admin_penalty", CF_WSH="表-2号", CF_JDRQ="2026/13/01")]))
    assert (status["accepted"], status["unchanged"], status["rejected"]) == (0, 0, 1)
    items = inbox(client, op)
    assert len(items) == 3
    by_channel = {i["channel"]: i for i in items}
    assert set(by_channel) == {"batch", "form", "upload"}
    assert by_channel["batch"]["rejection_id"] == batch["rejected"][0]["rejection_id"]
    assert by_channel["form"]["rejection_id"] == form["rejected"][0]["rejection_id"]
    assert (by_channel["batch"]["row"], by_channel["batch"]["source_ref"]) == (0, "广环罚〔2026〕77号")
    up = by_channel["upload"]
    assert (up["upload_id"], up["row"], up["source_ref"]) == (status["upload_id"], 2, "表-2号")
    assert all(i["state"] == "open" and i["times_seen"] == 1 for i in items)
    assert by_channel["batch"]["errors"][0]["code"] == "BAD_DATE"
    # filters: by upload, by code, by category
    assert [i["channel"] for i in inbox(client, op, upload_id=status["upload_id"])] == ["upload"]
    assert {i["channel"] for i in inbox(client, op, code="BAD_DATE")} == {"batch", "upload"}
    assert inbox(client, op, category="admin_license") == []
    # the detail carries the submitted content, keyed by the catalog's JSON names
    detail = client.http.get(f"/v1/rejections/{up['rejection_id']}", headers=op).json_body
    assert detail["content"]["CF_WSH"] == "表-2号" and detail["content"]["CF_JDRQ"] == "2026/13/01"
    # the upload history lists the upload with its counts
    history = client.http.get("/v1/uploads", headers=op).json_body
    assert [(u["upload_id"], u["rejected"], u["state"]) for u in history["items"]] == [
        (status["upload_id"], 1, "done")]


def test_the_same_bad_row_three_times_is_one_rejection_counted_once_and_a_fix_resolves_it(client, login, stack):
    register(client, login)
    op = login("op-d12", "operator", "d12")
    ids = {submit(client, op, "admin_penalty", [sample_record("admin_penalty", **BAD)]).json_body[
        "rejected"][0]["rejection_id"] for _ in range(3)}
    assert len(ids) == 1
    (item,) = inbox(client, op)
    assert (item["times_seen"], item["state"]) == (3, "open")
    sup = login("sup", "supervisor")
    row = {r["department"]: r for r in client.http.get("/v1/reports/departments", headers=sup).json_body["items"]}["d12"]
    assert (row["submitted"], row["rejected"], row["accepted"], row["rejections_open"]) == (1, 1, 0, 1)
    assert row["oldest_open_rejection_days"] == 0
    # corrected resend: accepted, and the rejection names the record
    fixed = submit(client, op, "admin_penalty", [sample_record("admin_penalty", CF_WSH=BAD["CF_WSH"])]).json_body
    record_id = fixed["accepted"][0]["record_id"]
    (item,) = inbox(client, op)
    assert (item["state"], item["record_id"]) == ("resolved", record_id)
    assert inbox(client, op, state="open") == []
    kept = stack.rejection_repo.get(item["rejection_id"]).expires_at - time.time()   # TTL: 180 days from now
    assert 179 * 86400 < kept <= 180 * 86400
    row = {r["department"]: r for r in client.http.get("/v1/reports/departments", headers=sup).json_body["items"]}["d12"]
    assert (row["submitted"], row["rejected"], row["accepted"], row["rejections_open"]) == (2, 1, 1, 0)
    assert row["oldest_open_rejection_days"] is None
    # seen again after it was resolved: the same rejection, times_seen grows, nothing else
    again = submit(client, op, "admin_penalty", [sample_record("admin_penalty", **BAD)]).json_body
    assert again["rejected"][0]["rejection_id"] == item["rejection_id"]
    (item,) = inbox(client, op)
    assert (item["times_seen"], item["state"], item["record_id"]) == (4, "resolved", record_id)


def test_dismiss_and_other_departments(client, login):
    register(client, login)
    op = login("op-d12", "operator", "d12")
    rid = submit(client, op, "admin_penalty", [sample_record("admin_penalty", **BAD)]).json_body["rejected"][0][
        "rejection_id"]
    other = login("op-d23", "operator", "d23")
    assert client.http.get(f"/v1/rejections/{rid}", headers=other).status_code == 404
    assert client.http.post(f"/v1/rejections/{rid}/dismiss", headers=other,
                            body=json.dumps({"reason": "x"})).status_code == 404
    assert inbox(client, other) == []
    assert client.http.get("/v1/rejections?department=d12", headers=other).status_code == 403
    sup = login("sup", "supervisor")                     # the inbox is the department's (§6.3); 督查: the drill-down
    assert client.http.get("/v1/rejections", headers=sup).status_code == 403
    assert client.http.get("/v1/rejections?department=d12&state=open", headers=sup).status_code == 403
    assert client.http.get(f"/v1/rejections/{rid}", headers=sup).status_code == 403
    assert client.http.post(f"/v1/rejections/{rid}/dismiss", headers=sup, body=json.dumps({"reason": "x"})).status_code == 403
    assert client.http.get(f"/v1/rejections/{rid}", headers=op).status_code == 200
    assert client.http.post(f"/v1/rejections/{rid}/dismiss", headers=op, body=json.dumps({})).status_code == 400
    resp = client.http.post(f"/v1/rejections/{rid}/dismiss", headers=op, body=json.dumps({"reason": "已线下更正"}))
    assert resp.status_code == 200
    assert (resp.json_body["state"], resp.json_body["dismissed_reason"]) == ("dismissed", "已线下更正")
    again = client.http.post(f"/v1/rejections/{rid}/dismiss", headers=op, body=json.dumps({"reason": "x"}))
    assert again.status_code == 409 and again.json_body["error"]["code"] == "NOT_OPEN"
    # a later acceptance of the same 文号 leaves a dismissed one as it is
    submit(client, op, "admin_penalty", [sample_record("admin_penalty", CF_WSH=BAD["CF_WSH"])])
    (item,) = inbox(client, op)
    assert (item["state"], item["record_id"]) == ("dismissed", None)
    admin = login("root", "admin")
    assert [i["rejection_id"] for i in inbox(client, admin, department="d12")] == [rid]
    assert client.http.get("/v1/rejections/rj-nope", headers=op).status_code == 404


def test_a_state_secret_row_keeps_nothing_of_its_content(client, login):
    register(client, login)
    op = login("op-d12", "operator", "d12")
    body = submit(client, op, "admin_penalty", [sample_record("admin_penalty", CF_WSH="密-1号", disclosure="涉密")]).json_body
    rid = body["rejected"][0]["rejection_id"]
    detail = client.http.get(f"/v1/rejections/{rid}", headers=op).json_body
    assert detail["content"] is None and detail["source_ref"] is None
    assert [e["code"] for e in detail["errors"]] == ["STATE_SECRET"]
    assert "密-1号" not in json.dumps(detail, ensure_ascii=False)


def test_an_oversized_row_is_kept_cut_and_a_huge_one_without_content(client, login):
    register(client, login)
    op = login("op-d12", "operator", "d12")
    long_row = sample_record("admin_penalty", CF_WSH="长-1号", CF_JDRQ="2026/02/30", CF_NR="违" * 40_000)
    huge_row = {f"k{i}": "x" * 400 for i in range(200)}                       # 80,000 characters of unknown keys
    body = submit(client, op, "admin_penalty", [long_row, huge_row]).json_body
    assert body and len(body["rejected"]) == 2
    long_, huge = (client.http.get(f"/v1/rejections/{r['rejection_id']}", headers=op).json_body for r in body["rejected"])
    assert long_["content"]["CF_WSH"] == "长-1号" and long_["content"]["CF_NR"] == "违" * 500 + "…"
    assert huge["content"] is None and huge["errors"]


def test_a_corrected_feedback_file_uploads_without_a_note_about_its_own_columns(client, login, stack):
    """The 回退 file puts 原行号 / 错误原因 / 修改建议 first; corrected and uploaded again (S3 → SQS →
    worker), those columns are the platform's own and ignored silently — a really unknown column
    still gets its note."""
    import io

    import openpyxl
    import requests

    register(client, login)
    op = login("op-d12", "operator", "d12")
    rows = [sample_record("admin_penalty", CF_WSH="广环罚〔2026〕90号"), sample_record("admin_penalty", **BAD)]
    first = upload(client, op, stack, workbook(rows))
    assert (first["state"], first["accepted"], first["rejected"], first["notes"]) == ("done", 1, 1, [])
    sheet = openpyxl.load_workbook(io.BytesIO(requests.get(first["feedback_url"], timeout=30).content)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["原行号", "错误原因", "修改建议"]
    sheet.cell(row=2, column=header.index("处罚决定日期") + 1, value="2026/10/20")     # the correction

    def saved(book) -> bytes:
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    fixed = upload(client, op, stack, saved(sheet.parent), filename="处罚_回退.xlsx")
    assert (fixed["state"], fixed["accepted"], fixed["rejected"], fixed["notes"]) == ("done", 1, 0, [])
    (item,) = inbox(client, op, state="resolved")
    assert item["source_ref"] == BAD["CF_WSH"]
    sheet.cell(row=1, column=len(header) + 1, value="内部备注")                    # not the platform's
    other = upload(client, op, stack, saved(sheet.parent), filename="处罚_备注.xlsx")
    assert other["notes"] == ["已忽略无法识别的列：内部备注"], other["notes"]
    assert (other["accepted"], other["unchanged"], other["rejected"]) == (0, 1, 0)
