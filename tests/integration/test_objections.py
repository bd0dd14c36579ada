"""异议 and 信用修复 end to end through the real routes (SPEC §5.2): file → list → answer/decide →
follow, what each decision does to the public side, deadlines counting overdue answers, the hourly
limits (429 with Retry-After), another department, a wrong token."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from chalicelib.clock import today
from chalicelib.local.demo_data import ENTERPRISE_USCC, sample_record
from tests.integration.helpers import accepted, register, run_job

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def op(login):
    return login("op-d12", "operator", "d12")


def post(client, path, body, headers=JSON):
    return client.http.post(path, headers=headers, body=json.dumps(body, ensure_ascii=False))


def published_penalty(client, login, op, **overrides) -> str:
    register(client, login)
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty", **overrides)])
    run_job(client, login, "forward")
    return acc["record_id"]


def public_ids(client, category="admin_penalty") -> list[str]:
    page = client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}").json_body
    return [r["record_id"] for g in page["categories"] if g["category"] == category for r in g["records"]]


def objection(record_id, **overrides):
    return {"record_id": record_id, "reason": "处罚金额与决定书不符", "contact_name": "李某",
            "contact_phone": "0839-3260000", "evidence": "决定书扫描件已寄送", **overrides}


def from_address(client, address):
    """Requests from another client address, as the gateway reports it (sourceIp)."""
    client.http._local_gateway.event_converter.LOCAL_SOURCE_IP = address


def test_objection_is_filed_listed_answered_and_followed(client, login, op):
    rid = published_penalty(client, login, op)
    resp = post(client, "/v1/public/objections", objection(rid, reason="<script>alert(1)</script><b>金额有误</b>"))
    assert resp.status_code == 201, resp.body
    filed = resp.json_body
    assert filed["state"] == "open" and filed["due"] > today().isoformat() and len(filed["follow_token"]) >= 24
    oid, token = filed["objection_id"], filed["follow_token"]

    # the applicant follows it; the contact is never shown on the public side
    seen = client.http.get(f"/v1/public/objections/{oid}?token={token}").json_body
    assert seen["state"] == "open" and seen["reason"] == "金额有误" and seen["record_id"] == rid
    assert "李某" not in json.dumps(seen, ensure_ascii=False) and "0839" not in json.dumps(seen)
    # a wrong token, no token, an unknown id: 404 alike
    for path in (f"/v1/public/objections/{oid}?token=x{token}", f"/v1/public/objections/{oid}",
                 f"/v1/public/objections/01ARZ3NDEKTSV4RRFFQ69G5FAV?token={token}",
                 f"/v1/public/repairs/{oid}?token={token}"):
        assert client.http.get(path).status_code == 404, path
    # the public record is unchanged while the objection is open
    assert public_ids(client) == [rid]

    # the department's inbox: with the contact and the due day
    inbox = client.http.get("/v1/objections?state=open", headers=op).json_body
    (item,) = inbox["items"]
    assert (item["objection_id"], item["contact_name"], item["contact_phone"], item["due"], item["overdue"]) == (
        oid, "李某", "0839-3260000", filed["due"], False)
    # another department sees nothing and may not answer
    other = login("op-d23", "operator", "d23")
    assert client.http.get("/v1/objections", headers=other).json_body["items"] == []
    assert client.http.get("/v1/objections?department=d12", headers=other).status_code == 403
    resp = post(client, f"/v1/objections/{oid}/answer", {"decision": "maintained", "reply": "维持"}, other)
    assert resp.status_code == 403
    # the public may not read the inbox
    assert client.http.get("/v1/objections").status_code == 401

    resp = post(client, f"/v1/objections/{oid}/answer", {"decision": "maintained", "reply": "经复核，<i>维持</i>原决定"}, op)
    assert resp.status_code == 200, resp.body
    assert (resp.json_body["state"], resp.json_body["decision"]) == ("answered", "maintained")
    again = post(client, f"/v1/objections/{oid}/answer", {"decision": "maintained", "reply": "再次"}, op)
    assert again.status_code == 409
    seen = client.http.get(f"/v1/public/objections/{oid}?token={token}").json_body
    assert (seen["state"], seen["decision"], seen["reply"]) == ("answered", "maintained", "经复核，维持原决定")
    assert public_ids(client) == [rid]                      # maintained: nothing changes

    # every step audited (the filing by the public, the answer by the operator)
    audit = client.http.get(f"/v1/admin/audit?target={oid}", headers=login("root", "admin")).json_body["items"]
    assert {(e["action"], e["actor"], e["outcome"]) for e in audit} == {
        ("objections.file", "public", "201"), ("objections.answer", "op-d23", "403 FORBIDDEN"),
        ("objections.answer", "op-d12", "ok"), ("objections.answer", "op-d12", "409 VERSION_CONFLICT")}
    # a supervisor reads every department's objections, may not answer
    sup = login("sup", "supervisor")
    assert [i["objection_id"] for i in client.http.get("/v1/objections", headers=sup).json_body["items"]] == [oid]
    assert post(client, f"/v1/objections/{oid}/answer", {"decision": "maintained", "reply": "x"}, sup).status_code == 403


def test_corrected_and_withdrawn_answers_must_match_the_record(client, login, op):
    rid = published_penalty(client, login, op)
    first = post(client, "/v1/public/objections", objection(rid)).json_body["objection_id"]
    second = post(client, "/v1/public/objections", objection(rid)).json_body["objection_id"]

    resp = post(client, f"/v1/objections/{first}/answer", {"decision": "corrected", "reply": "已更正"}, op)
    assert resp.status_code == 400 and resp.json_body["error"]["details"][0]["code"] == "DECISION_MISMATCH"
    resp = post(client, f"/v1/objections/{second}/answer", {"decision": "withdrawn", "reply": "已撤销"}, op)
    assert resp.status_code == 400 and resp.json_body["error"]["details"][0]["code"] == "DECISION_MISMATCH"

    accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_NR_FK="4")])   # a corrected version
    resp = post(client, f"/v1/objections/{first}/answer", {"decision": "corrected", "reply": "已更正金额"}, op)
    assert resp.status_code == 200 and resp.json_body["decision"] == "corrected"
    run_job(client, login, "forward")
    page = client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}").json_body
    (copy,) = [r for g in page["categories"] for r in g["records"] if r["record_id"] == rid]
    assert copy["fields"]["CF_NR_FK"] == "4"

    assert post(client, f"/v1/records/{rid}/withdraw", {"reason": "异议成立，撤销"}, op).status_code == 200
    resp = post(client, f"/v1/objections/{second}/answer", {"decision": "withdrawn", "reply": "已撤销该记录"}, op)
    assert resp.status_code == 200 and resp.json_body["decision"] == "withdrawn"
    assert public_ids(client) == []


def test_repair_of_an_abnormal_list_entry_takes_it_off_the_public_side_and_forward_sends_repair(
        client, login, stack):
    reg = login("op-d21", "operator", "d21")
    register(client, login)
    (acc,) = accepted(client, reg, "abnormal_list", [sample_record("abnormal_list")])
    rid = acc["record_id"]
    run_job(client, login, "forward")
    check = client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}/credit-check").json_body
    assert check["restricted"] is True and [r["record_id"] for r in check["reasons"]] == [rid]

    body = {"code": ENTERPRISE_USCC, "record_id": rid, "applicant_name": "张某", "applicant_phone": "13800000000",
            "commitment": True, "evidence": "已补报 2025 年度报告"}
    assert post(client, "/v1/public/repairs", {**body, "commitment": False}).status_code == 400
    resp = post(client, "/v1/public/repairs", body)
    assert resp.status_code == 201, resp.body
    repair_id, token = resp.json_body["repair_id"], resp.json_body["follow_token"]
    (item,) = client.http.get("/v1/repairs?state=open", headers=reg).json_body["items"]
    assert (item["repair_id"], item["applicant_phone"]) == (repair_id, "13800000000")
    other = login("op-d12", "operator", "d12")
    assert post(client, f"/v1/repairs/{repair_id}/decide", {"approve": True, "reply": "x"}, other).status_code == 403
    assert public_ids(client, "abnormal_list") == [rid]                 # unchanged until decided

    resp = post(client, f"/v1/repairs/{repair_id}/decide", {"approve": True, "reply": "准予信用修复"}, reg)
    assert resp.status_code == 200 and resp.json_body["state"] == "approved"
    # off the public side at once: page, credit check; still stored, visible to its department
    assert public_ids(client, "abnormal_list") == []
    check = client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}/credit-check").json_body
    assert check["restricted"] is False and check["reasons"] == []
    record = client.http.get(f"/v1/records/{rid}", headers=reg).json_body
    assert record["state"] == "repaired" and record["versions"][-1]["op"] == "repair"
    followed = client.http.get(f"/v1/public/repairs/{repair_id}?token={token}").json_body
    assert (followed["state"], followed["reply"]) == ("approved", "准予信用修复")

    summary = run_job(client, login, "forward")
    assert summary["repaired"] == 1
    s3, bucket = stack.aws.client("s3"), stack.settings.bucket("exchange")
    lines = [json.loads(line) for o in s3.list_objects_v2(Bucket=bucket, Prefix="exchange/outbox/")["Contents"]
             for line in s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read().decode().splitlines()]
    assert sorted((line["op"], line["enterprise"]["code"]) for line in lines if line["record_id"] == rid) == [
        ("repair", ENTERPRISE_USCC), ("upsert", ENTERPRISE_USCC)]
    assert run_job(client, login, "forward")["due"] == 0              # sent once
    # a later 移出 version keeps it off the public side
    accepted(client, reg, "abnormal_list", [sample_record("abnormal_list", removal_date="2026-10-20",
                                                          removal_reason="已补报", removal_authority="广元市工商行政管理局")])
    run_job(client, login, "forward")
    assert public_ids(client, "abnormal_list") == []


def test_repair_eligibility_is_data_and_not_eligible_names_the_date(client, login, op, stack):
    rid = published_penalty(client, login, op)                          # 5 万元: the 3-year tier
    body = {"code": ENTERPRISE_USCC, "record_id": rid, "applicant_name": "张某", "applicant_phone": "13800000000",
            "commitment": True, "evidence": "已缴纳罚款并整改"}
    resp = post(client, "/v1/public/repairs", body)
    assert resp.status_code == 400, resp.body
    published = date.fromisoformat(client.http.get(f"/v1/records/{rid}", headers=op).json_body["published_at"][:10])
    assert resp.json_body["error"]["code"] == "NOT_ELIGIBLE"
    assert resp.json_body["error"]["details"] == [{"field": "record_id", "code": "NOT_ELIGIBLE",
                                                   "eligible_from": published.replace(year=published.year + 1).isoformat()}]
    assert published.replace(year=published.year + 1).isoformat() in resp.json_body["error"]["message"]
    assert post(client, "/v1/public/repairs", {**body, "code": "91510802MA62XK0Q7X"}).status_code == 404

    # a 3-month penalty (通报批评): never
    (minor,) = accepted(client, op, "admin_penalty", [sample_record(
        "admin_penalty", CF_WSH="广环罚〔2026〕13号", CF_CFLB="通报批评", CF_NR="通报批评", CF_NR_FK=None)])
    run_job(client, login, "forward")
    resp = post(client, "/v1/public/repairs", {**body, "record_id": minor["record_id"]})
    assert resp.status_code == 400 and resp.json_body["error"]["details"][0]["eligible_from"] is None

    # published over a year ago (the stored publication day moved back): eligible; refused leaves it public
    table = stack.aws.table("records")
    key = {"pk": ENTERPRISE_USCC, "sk": f"R#{rid}"}
    table.update_item(Key=key, UpdateExpression="SET published_at = :p",
                      ExpressionAttributeValues={":p": (today() - timedelta(days=400)).isoformat() + "T10:00:00+08:00"})
    resp = post(client, "/v1/public/repairs", body)
    assert resp.status_code == 201, resp.body
    resp = post(client, f"/v1/repairs/{resp.json_body['repair_id']}/decide",
                {"approve": False, "reply": "整改材料不全"}, op)
    assert resp.status_code == 200 and resp.json_body["state"] == "refused"
    assert rid in public_ids(client)


def test_deadlines_count_overdue_answers_per_department(client, login, op, local_stage):
    rid = published_penalty(client, login, op)
    filed = post(client, "/v1/public/objections", objection(rid)).json_body
    due = date.fromisoformat(filed["due"])
    assert run_job(client, login, "deadlines", due.isoformat())["objections_overdue"] == 0   # due today: not yet
    after = (due + timedelta(days=1)).isoformat()
    assert run_job(client, login, "deadlines", after)["objections_overdue"] == 1
    sup = login("sup", "supervisor")
    report = client.http.get(f"/v1/reports/departments?from={today().isoformat()}&to={after}", headers=sup).json_body
    rows = {i["department"]: i for i in report["items"]}
    assert rows["d12"]["objections_overdue"] == 1 and report["total"]["objections_overdue"] == 1
    assert "异议/修复逾期未答复" in [c["label"] for c in report["columns"]]
    # answered: no longer counted
    post(client, f"/v1/objections/{filed['objection_id']}/answer", {"decision": "maintained", "reply": "维持"}, op)
    assert run_job(client, login, "deadlines", after)["objections_overdue"] == 0


def test_public_filings_are_limited_per_address_and_per_record(client, login, op):
    rid = published_penalty(client, login, op)
    # per address: every attempt counts, refused ones too
    from_address(client, "198.51.100.7")
    for n in range(5):
        assert post(client, "/v1/public/objections", objection(f"NO-SUCH-{n}")).status_code == 404
    resp = post(client, "/v1/public/objections", objection(rid))
    assert resp.status_code == 429 and resp.json_body["error"]["code"] == "TOO_MANY_ATTEMPTS"
    assert 0 < int(resp.headers["Retry-After"]) <= 3600
    # another address may still file; the repairs of the first address have their own count
    from_address(client, "198.51.100.8")
    assert post(client, "/v1/public/objections", objection(rid)).status_code == 201
    # per record: five filings on one record from five addresses, the sixth refused wherever it comes from
    for n in range(4):
        from_address(client, f"203.0.113.{n}")
        assert post(client, "/v1/public/objections", objection(rid)).status_code == 201
    from_address(client, "203.0.113.99")
    resp = post(client, "/v1/public/objections", objection(rid))
    assert resp.status_code == 429 and resp.json_body["error"]["details"][0]["field"] == "record_id"
    assert "Retry-After" in resp.headers


def test_every_field_is_bounded(client, login, op):
    rid = published_penalty(client, login, op)
    resp = post(client, "/v1/public/objections", objection(rid, reason="理" * 2001, contact_phone="call me",
                                                           contact_name=None))
    assert resp.status_code == 400
    assert {(d["field"], d["code"]) for d in resp.json_body["error"]["details"]} == {
        ("reason", "TOO_LONG"), ("contact_phone", "BAD_PHONE"), ("contact_name", "REQUIRED")}
    resp = post(client, "/v1/public/objections", objection(rid, reason=["x"]))
    assert resp.status_code == 400 and resp.json_body["error"]["details"][0]["code"] == "BAD_TYPE"
    assert post(client, "/v1/public/objections", objection(rid, reason="<p></p>")).status_code == 400
    audit = client.http.get(f"/v1/admin/audit?target={rid}", headers=login("root", "admin")).json_body["items"]
    assert [(e["action"], e["actor"], e["outcome"]) for e in audit] == [
        ("objections.file", "public", "400 BAD_REQUEST")] * 3                # refused attempts are audited too
