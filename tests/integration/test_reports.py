"""督查考核: the department report counts what happened, in JSON and in the xlsx export."""
from __future__ import annotations

import io

import openpyxl
from boto3.dynamodb.conditions import Key

from chalicelib.clock import today
from chalicelib.domain.samples import sample_record
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
    # the xlsx carries the same numbers
    resp = client.http.get("/v1/reports/departments?format=xlsx",
                           headers={**sup, "Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(resp.body)).active
    assert ws["A1"].value.startswith("涉企信息")
    header = [c.value for c in ws[4]]
    table = {r[0]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=5, values_only=True)}
    assert (table["d12"]["报送条数"], table["d12"]["回退条数"], table["d12"]["迟报条数"]) == (3, 1, 1)
    assert abs(table["d12"]["回退率"] - 0.3333) < 1e-9
    assert table["合计"]["报送条数"] == 6
    assert ws.freeze_panes == "C5"
    assert ws.cell(row=5, column=6).number_format == "0.00%"


def test_reports_are_for_supervisors_and_admins(client, login):
    resp = client.http.get("/v1/reports/departments", headers=login("op-d12", "operator", "d12"))
    assert resp.status_code == 403
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


def test_late_records_are_tallied_once_per_transaction_and_counted_once(client, login, stack):
    """迟报: one tally item per record-writing transaction (n = its late records), summed by the
    report; a resend adds none; per-record mark items written before the tallies count 1 each."""
    register(client, login)                                        # the records match: 3 items each
    d12 = login("op-d12", "operator", "d12")
    batch = [sample_record("admin_penalty", CF_WSH=f"迟-{i}号") for i in range(70)]   # all late; 33 a transaction
    assert all(a["late"] for a in accepted(client, d12, "admin_penalty", batch))
    day = today().isoformat()
    tallies = stack.counter_repo.table.query(KeyConditionExpression=Key("pk").eq("L#d12"))["Items"]
    assert sorted(int(t["n"]) for t in tallies) == [4, 33, 33]
    assert sorted(r for t in tallies for r in t["records"]) == sorted(
        r.record_id for r in stack.record_repo.by_department("d12", 100, None)[0])
    accepted(client, d12, "admin_penalty", batch)                  # the same batch again: nothing new
    stack.counter_repo.table.put_item(Item={"pk": "L#d12", "sk": f"{day}#01LEGACYMARK"})   # an older mark item
    sup = login("sup", "supervisor")
    rows = {i["department"]: i for i in client.http.get("/v1/reports/departments", headers=sup).json_body["items"]}
    assert rows["d12"]["late"] == 71 and rows["d12"]["accepted"] == 140
