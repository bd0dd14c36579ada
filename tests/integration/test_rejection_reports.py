"""督查 counts per SPEC §5.1 for a scripted week of one department's submissions (issue #23 "Must
show"), every number of its report row asserted; `push_overdue` for a department that never pushed;
a reinstated record published again by the next `forward`.

(The platform counts rows on the day it receives them, and the intake takes "today" from the
clock: the week's five working days are five steps of the script received on one day.)"""
from __future__ import annotations

import json
from datetime import timedelta

from chalicelib.clock import today
from chalicelib.local.demo_data import ENTERPRISE_USCC, sample_record
from tests.integration.helpers import register, run_job, submit
from tests.integration.test_uploads import upload, workbook


def penalty(ref: str, **over) -> dict:
    return sample_record("admin_penalty", CF_WSH=f"周罚〔2026〕{ref}号", **over)


def report(client, sup, query: str = "") -> dict:
    resp = client.http.get(f"/v1/reports/departments?region=510800{query}", headers=sup)
    assert resp.status_code == 200, resp.body
    return {r["department"]: r for r in resp.json_body["items"]}


def test_a_scripted_week_is_counted_once_per_row(client, login, stack):
    register(client, login)
    op, sup = login("op-d12", "operator", "d12"), login("sup", "supervisor")
    monday = [penalty("A"), penalty("B"), penalty("C", CF_JDRQ="2026/02/30"), penalty("D", CF_XDR_MC="别的公司")]
    out = submit(client, op, "admin_penalty", monday).json_body                 # Mon: 2 accepted, 2 rejected
    assert [len(out[k]) for k in ("accepted", "unchanged", "rejected")] == [2, 0, 2]
    out = submit(client, op, "admin_penalty", monday).json_body                 # Tue: the system sends it again
    assert [len(out[k]) for k in ("accepted", "unchanged", "rejected")] == [0, 2, 2]
    status = upload(client, op, stack, workbook([penalty("C"), penalty("E", CF_JDRQ="2026/13/01")]))  # Wed
    assert (status["accepted"], status["unchanged"], status["rejected"]) == (1, 0, 1)
    fixed = submit(client, op, "admin_penalty", [penalty("D")], channel="form").json_body     # Thu: the form
    assert len(fixed["accepted"]) == 1
    empty = [submit(client, op, "admin_penalty", [penalty("F", CF_XDR_MC=None)], channel="form").json_body
             for _ in range(2)]                                                  # the same empty name, twice
    assert empty[0]["rejected"][0]["rejection_id"] == empty[1]["rejected"][0]["rejection_id"]
    inbox = client.http.get("/v1/rejections?code=BAD_DATE", headers=op).json_body["items"]
    e = next(i for i in inbox if i["source_ref"] == "周罚〔2026〕E号")
    assert client.http.post(f"/v1/rejections/{e['rejection_id']}/dismiss", headers=op,
                            body=json.dumps({"reason": "该案已撤案"})).status_code == 200     # Fri
    assert len(submit(client, op, "admin_penalty", [penalty("A", CF_NR_FK="6")]).json_body["accepted"]) == 1
    row = report(client, sup)["d12"]
    assert {k: row[k] for k in ("submitted", "accepted", "unchanged", "rejected", "rejection_rate", "late",
                                "published_on_time", "published_late", "pending_overdue", "push_overdue",
                                "rejections_open", "oldest_open_rejection_days", "name_conflicts")} == {
        "submitted": 9, "accepted": 5, "unchanged": 2, "rejected": 4, "rejection_rate": 0.4444,
        "late": 4,                          # A, B, C, D created late (decided 2026-09-28); A's new version is no new record
        "published_on_time": 0, "published_late": 0, "pending_overdue": 0, "push_overdue": 0,
        "rejections_open": 1,               # F's empty name; C and D resolved, E dismissed
        "oldest_open_rejection_days": 0, "name_conflicts": 0}
    required = empty[0]["rejected"][0]["errors"][0]["code"]
    assert sorted(map(tuple, row["top_rejection_codes"])) == sorted(
        [("BAD_DATE", 2), ("NAME_MISMATCH", 1), (required, 1)])
    assert row["last_submission"] is not None
    labels = [c["label"] for c in client.http.get("/v1/reports/departments", headers=sup).json_body["columns"]]
    assert {"重复报送（未变）", "待处理回退", "最久未处理回退（天）"} <= set(labels)
    idle = report(client, sup)["d01"]
    assert (idle["submitted"], idle["rejection_rate"], idle["rejections_open"], idle["oldest_open_rejection_days"]) \
        == (0, None, 0, None)


def test_a_department_that_never_pushed_is_overdue_seven_working_days_after_set_up(client, login, local_stage):
    sup = login("sup", "supervisor")
    start = today()
    run_job(client, login, "deadlines", start.isoformat())                     # the platform's first day
    assert report(client, sup)["d01"]["push_overdue"] == 0                     # set up today: not yet
    later = start + timedelta(days=30)
    found = run_job(client, login, "deadlines", later.isoformat())
    assert "d01" in found["push_overdue"] and "d02" not in found["push_overdue"]   # d02 enters by hand
    row = report(client, sup, f"&to={later.isoformat()}")["d01"]
    assert row["push_overdue"] == 1 and row["rejection_rate"] is None


def test_a_reinstated_record_is_published_again_by_the_next_forward(client, login, stack):
    register(client, login)
    op = login("op-d12", "operator", "d12")
    rec = submit(client, op, "admin_penalty", [sample_record("admin_penalty")]).json_body["accepted"][0]
    run_job(client, login, "forward")

    def public_records() -> int:
        page = client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}").json_body
        return sum(len(c["records"]) for c in page["categories"] if c["category"] == "admin_penalty")
    assert public_records() == 1
    url = f"/v1/records/{rec['record_id']}"
    client.http.post(url + "/withdraw", headers=op, body=json.dumps({"reason": "误撤"}))
    assert public_records() == 0
    run_job(client, login, "forward")
    assert client.http.post(url + "/reinstate", headers=op, body=json.dumps({"reason": "撤销有误"})).status_code == 200
    assert public_records() == 0 and stack.record_repo.get(rec["record_id"]).state == "accepted"
    assert run_job(client, login, "forward")["published"] == 1
    assert public_records() == 1 and stack.record_repo.get(rec["record_id"]).state == "published"
