"""Administration: departments (incl. county ones), the working-day calendar, the audit trail."""
from __future__ import annotations

import json
from datetime import date

from chalicelib.domain.periods import deadlines
from chalicelib.domain.workdays import WorkCalendar
from chalicelib.local.demo_data import sample_record
from tests.integration.helpers import accepted, register, run_job, submit


def put(client, headers, path, body):
    return client.http.put(path, headers=headers, body=json.dumps(body))


def test_admin_adds_a_county_department_that_can_then_submit(client, login):
    admin = login("root", "admin")
    resp = put(client, admin, "/v1/admin/departments/510802-d12", {"office": "法规科", "push_mode": "batch"})
    assert resp.status_code == 200, resp.body
    dept = resp.json_body
    assert dept["region"] == "510802" and "利州区" in dept["name"] and dept["push_mode"] == "batch"
    register(client, login)
    op = login("op-lz12", "operator", "510802-d12")
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty")])
    assert acc["match"] == "local"
    report = client.http.get("/v1/reports/departments?region=510802", headers=login("sup", "supervisor")).json_body
    assert [(i["department"], i["accepted"]) for i in report["items"]] == [("510802-d12", 1)]
    sup = client.http.get("/v1/admin/departments/510802-d12", headers=login("sup", "supervisor"))
    assert sup.status_code == 200 and sup.json_body["office"] == "法规科"


def test_department_changes_are_validated_and_contacts_stay_private(client, login):
    admin = login("root", "admin")
    assert put(client, admin, "/v1/admin/departments/d12", {"categories": ["nope"]}).status_code == 400
    assert put(client, admin, "/v1/admin/departments/d12", {"id": "d99"}).status_code == 400
    assert put(client, admin, "/v1/admin/departments/999999-d12", {}).status_code == 404
    resp = put(client, admin, "/v1/admin/departments/d12", {
        "leader": {"name": "王某", "title": "副局长", "phone": "0839-1234567"}, "categories": ["inspection"]})
    assert resp.status_code == 200
    # the narrowed catalog applies at once
    op = login("op-d12", "operator", "d12")
    assert submit(client, op, "admin_penalty", [sample_record("admin_penalty")]).status_code == 403
    catalog = client.http.get("/v1/catalog").body.decode("unicode_escape")
    assert "王某" not in catalog and "0839-1234567" not in catalog


def test_calendar_override_makes_2027_deadlines_definite(client, login, stack):
    # Given a decision on 2026-12-28 (chinesecalendar 1.11.0 has no 2027 data)
    decided = date(2026, 12, 28)
    cal = WorkCalendar(stack.calendar_repo.overrides({2026, 2027}))
    assert deadlines(decided, cal).provisional is True
    # When the admin loads the 2027 table (New Year's Day off, Saturday 2027-01-09 a makeup day)
    admin = login("root", "admin")
    resp = put(client, admin, "/v1/admin/calendar/2027", {"holidays": ["2027-01-01"], "workdays": ["2027-01-09"]})
    assert resp.status_code == 200, resp.body
    # Then the same deadlines are definite and respect it
    loaded = WorkCalendar(stack.calendar_repo.overrides({2026, 2027}))
    d = deadlines(decided, loaded)
    assert d.provisional is False
    assert d.collect_deadline == date(2027, 1, 7)   # 12-29,30,31, (01-01 off), 01-04..07
    assert d.publish_deadline == date(2027, 1, 25)  # with the makeup Saturday 01-09 (else 01-26)
    # and today's submissions read the same table (not provisional, 2026 data from the library)
    register(client, login)
    acc = submit(client, login("op-d12", "operator", "d12"), "admin_penalty",
                 [sample_record("admin_penalty", CF_JDRQ="2026/11/20")]).json_body["accepted"][0]
    assert acc["provisional"] is False
    bad = put(client, admin, "/v1/admin/calendar/2027", {"holidays": ["2028-01-01", "x"]})
    assert bad.status_code == 400 and {d["code"] for d in bad.json_body["error"]["details"]} == {"BAD_DATE"}
    assert put(client, login("op-d12", "operator", "d12"), "/v1/admin/calendar/2027", {}).status_code == 403


def test_every_write_and_login_leaves_one_audit_entry(client, login, stack):
    register(client, login)                                     # login op-d21 + 1 write
    op = login("op-d12", "operator", "d12")                      # login
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty")])   # write
    client.http.put(f"/v1/records/{acc['record_id']}", headers=op,
                    body=json.dumps(sample_record("admin_penalty", CF_NR_FK="9")))         # write
    client.http.get(f"/v1/records/{acc['record_id']}", headers=op)                        # department read
    client.http.post("/v1/auth/token", headers={"Content-Type": "application/json"},
                     body=json.dumps({"username": "op-d12", "password": "wrong"}))      # failed login
    run_job(client, login, "forward")                            # login root + job run
    entries = client.http.get("/v1/admin/audit?limit=200", headers=login("root", "admin")).json_body["items"]
    actions = sorted((e["action"], e["actor"], e["outcome"]) for e in entries)
    assert actions == sorted([
        ("auth.login", "op-d21", "ok"), ("records.submit", "op-d21", "ok"),
        ("auth.login", "op-d12", "ok"), ("records.submit", "op-d12", "ok"), ("records.modify", "op-d12", "ok"),
        ("records.read", "op-d12", "ok"), ("auth.login", "op-d12", "failed"),
        ("auth.login", "root", "ok"), ("jobs.run", "root", "ok"), ("auth.login", "root", "ok")])
    assert all(e["request_id"] and e["at"] for e in entries)


def test_shared_view_shows_every_departments_records_with_ids_masked_and_is_audited(client, login):
    register(client, login)
    op = login("op-d12", "operator", "d12")
    accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_FR_ZJHM="510802198001011234")])
    resp = client.http.get("/v1/shared/enterprises/91510802MA62XK0Q75",
                           headers=login("op-d23", "operator", "d23"))
    assert resp.status_code == 200
    body = resp.json_body
    cats = sorted(r["category"] for r in body["records"])
    assert cats == ["admin_penalty", "registration"]               # not yet published, other departments
    penalty = next(r for r in body["records"] if r["category"] == "admin_penalty")
    assert penalty["fields"]["CF_FR_ZJHM"] == "510802********1234"
    assert client.http.get("/v1/shared/enterprises/91510802MA62XK0Q75").status_code == 401
    trail = client.http.get("/v1/admin/audit?actor=op-d23", headers=login("root", "admin")).json_body["items"]
    assert [e["action"] for e in trail if e["action"] == "shared.read"] == ["shared.read"]
