"""督查考核: the department report counts what happened, in JSON and in the xlsx export."""
from __future__ import annotations

import io
import re
from urllib.parse import quote

import openpyxl
from boto3.dynamodb.conditions import Key

from chalicelib.clock import today
from chalicelib.local.demo_data import sample_record
from tests.integration.helpers import accepted, register, run_job, submit


def test_department_report_counts_a_two_department_scenario(client, login):
    register(client, login)                                        # d21: 1 accepted, late (approved 09-01)
    recent = today().replace(day=max(1, today().day - 1)).strftime("%Y/%m/%d")
    d12 = login("op-d12", "operator", "d12")
    body = submit(client, d12, "admin_penalty", [
        sample_record("admin_penalty"),                                               # late
        sample_record("admin_penalty", CF_WSH="新-1号", CF_JDRQ=recent, CF_YXQ="2030/01/01"),  # on time
        sample_record("admin_penalty", CF_WSH="坏-1号", CF_JDRQ="2026/02/30"),          # BAD_DATE
    ]).json_body
    assert len(body["accepted"]) == 2
    d23 = login("op-d23", "operator", "d23")
    submit(client, d23, "admin_license", [sample_record("admin_license"),
                                          sample_record("admin_license", XK_WSH="x-2", XK_XDR_MC="别家公司")])
    run_job(client, login, "forward")
    sup = login("sup", "supervisor")
    report = client.http.get("/v1/reports/departments", headers=sup).json_body
    rows = {i["department"]: i for i in report["items"]}
    assert len(rows) == 43                                           # also departments with nothing
    assert {k: rows["d12"][k] for k in ("submitted", "accepted", "rejected", "late", "published_on_time",
                                        "published_late")} == {
        "submitted": 3, "accepted": 2, "rejected": 1, "late": 1, "published_on_time": 1, "published_late": 1}
    assert rows["d12"]["rejection_rate"] == 0.3333
    assert rows["d12"]["top_rejection_codes"] == [["BAD_DATE", 1]]
    assert rows["d23"]["top_rejection_codes"] == [["NAME_MISMATCH", 1]]
    assert (rows["d23"]["accepted"], rows["d23"]["published_late"], rows["d23"]["late"]) == (1, 1, 1)
    assert (rows["d21"]["submitted"], rows["d21"]["published_late"]) == (1, 1)
    assert rows["d01"]["submitted"] == 0 and rows["d01"]["last_submission"] is None
    assert rows["d12"]["last_submission"] is not None
    assert report["total"]["submitted"] == 6 and report["total"]["rejected"] == 2
    # a range before anything happened counts nothing
    empty = client.http.get("/v1/reports/departments?from=2026-01-01&to=2026-01-31", headers=sup).json_body
    assert empty["total"]["submitted"] == 0
    # the page's cells: Chinese reasons, "—"/"无数据" for a department with nothing submitted
    labels = [c["label"] for c in report["columns"]]
    page = {r["cells"][0]: dict(zip(labels, r["cells"], strict=True)) for r in [*report["items"], report["total"]]}
    assert page["市环保局"]["主要回退原因"] == "日期格式错误（1）"
    assert page["市食品药品监管局"]["主要回退原因"] == "名称与登记不符（1）"
    assert page["市环保局"]["回退率"] == "33.3%"
    idle = page[rows["d01"]["name"]]
    assert (idle["回退率"], idle["逾期未报送"], idle["最近报送"], idle["主要回退原因"]) == ("—", "—", "无数据", "—")
    assert re.fullmatch(r"\d{4}年\d{2}月\d{2}日 \d{2}:\d{2}", report["generated_at_text"])
    # the xlsx carries the same rows under the same labels (one column definition)
    resp = client.http.get("/v1/reports/departments?format=xlsx",
                           headers={**sup, "Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    assert resp.status_code == 200
    disposition = resp.headers["Content-Disposition"]
    assert "filename*=UTF-8''" + quote("督查考核报表_全市_") in disposition
    ws = openpyxl.load_workbook(io.BytesIO(resp.body)).active
    assert ws["A1"].value.startswith("涉企信息")
    assert re.fullmatch(r"生成时间：\d{4}年\d{2}月\d{2}日 \d{2}:\d{2}", ws["A3"].value)
    header = [c.value for c in ws[4]]
    assert header == labels
    table = {r[0]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=5, values_only=True)}
    assert (table["市环保局"]["报送条数"], table["市环保局"]["回退"], table["市环保局"]["迟报"]) == (3, 1, 1)
    assert abs(table["市环保局"]["回退率"] - 0.3333) < 1e-9
    assert table["市环保局"]["主要回退原因"] == "日期格式错误（1）"
    assert table[rows["d01"]["name"]]["回退率"] == "—"
    assert table[rows["d01"]["name"]]["最近报送"] == "无数据"
    assert table["合计"]["报送条数"] == 6
    assert ws.freeze_panes == "B5"
    d12_row = next(r for r in ws.iter_rows(min_row=5) if r[0].value == "市环保局")
    assert d12_row[header.index("回退率")].number_format == "0.0%"
    # a county with no departments is an empty report, an unknown region a 400
    county = client.http.get("/v1/reports/departments?region=510824", headers=sup)
    assert county.status_code == 200 and county.json_body["items"] == []
    assert county.json_body["region_name"] == "苍溪县"
    assert client.http.get("/v1/reports/departments?region=999999", headers=sup).status_code == 400


def test_reports_are_for_supervisors_and_admins(client, login):
    resp = client.http.get("/v1/reports/departments", headers=login("op-d12", "operator", "d12"))
    assert resp.status_code == 403
    assert "部门操作员" in resp.json_body["error"]["message"]             # the role in Chinese
    resp = client.http.get("/v1/reports/departments?format=pdf", headers=login("sup", "supervisor"))
    assert resp.status_code == 400


def test_monthly_report_is_written_and_listed(client, login, stack):
    register(client, login)
    summary = run_job(client, login, "monthly_report", "2026-12-01")
    assert summary["month"] == "2026-11"
    listing = client.http.get("/v1/reports/monthly", headers=login("sup", "supervisor")).json_body
    assert listing["items"][0]["month"] == "2026-11"
    body = stack.aws.client("s3").get_object(Bucket=stack.settings.bucket("exchange"),
                                             Key="reports/monthly/2026-11.xlsx")["Body"].read()
    ws = openpyxl.load_workbook(io.BytesIO(body)).active
    assert "2026年11月" in ws["A1"].value


def test_late_records_are_tallied_once_per_request_and_counted_once(client, login, stack):
    """迟报: a request's late records ride its pending counts through its 3 transactions and get one
    tally item when they settle (n = its late records), summed by the report; a resend adds none;
    per-record mark items written before the tallies count 1 each."""
    register(client, login)                                        # the records match: 3 items each
    d12 = login("op-d12", "operator", "d12")
    batch = [sample_record("admin_penalty", CF_WSH=f"迟-{i}号") for i in range(70)]   # all late; 33 a transaction
    assert all(a["late"] for a in accepted(client, d12, "admin_penalty", batch))
    day = today().isoformat()
    tallies = stack.counter_repo.table.query(KeyConditionExpression=Key("pk").eq("L#d12"))["Items"]
    assert sorted(int(t["n"]) for t in tallies) == [70]
    assert sorted(r for t in tallies for r in t["records"]) == sorted(
        r.record_id for r in stack.record_repo.by_department("d12", 100, None)[0])
    accepted(client, d12, "admin_penalty", batch)                  # the same batch again: nothing new
    stack.counter_repo.table.put_item(Item={"pk": "L#d12", "sk": f"{day}#01LEGACYMARK"})   # an older mark item
    sup = login("sup", "supervisor")
    rows = {i["department"]: i for i in client.http.get("/v1/reports/departments", headers=sup).json_body["items"]}
    assert rows["d12"]["late"] == 71 and (rows["d12"]["accepted"], rows["d12"]["unchanged"]) == (70, 70)   # SPEC §5.1
