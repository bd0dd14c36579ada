"""Attested credit checks: verify compares what is shown with what was signed, and says what is true today;
`?attest=1` signs once per (code, public-side content)."""
from __future__ import annotations

import json

import pytest

from chalicelib.local.demo_data import ELSEWHERE_USCC, ENTERPRISE_USCC, sample_record
from tests.integration.helpers import accepted, register, run_job

JSON = {"Content-Type": "application/json"}
CHECK = f"/v1/public/enterprises/{ENTERPRISE_USCC}/credit-check"
NAME = "广元市利州区示例食品有限公司"


@pytest.fixture
def op(login):
    return login("op-d12", "operator", "d12")


def verify(client, body):
    return client.http.post("/v1/public/attestations/verify", headers=JSON, body=json.dumps(body))


def restricted_enterprise(client, login, op) -> str:
    """The sample enterprise under a published 责令停产停业 (active until 2027-09-28); its record_id."""
    register(client, login)
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_CFLB="责令停产停业、罚款")])
    run_job(client, login, "forward")
    return acc["record_id"]


def without_time(check: dict) -> dict:
    return {k: v for k, v in check.items() if k != "checked_at"}


def test_verify_untouched_is_valid_with_current_and_every_edited_field_is_not(client, login, op):
    record_id = restricted_enterprise(client, login, op)
    attested = client.http.get(CHECK + "?attest=1").json_body
    signed = {k: attested[k] for k in ("code", "name", "restricted", "reasons", "checked_at")}
    assert json.loads(attested["attestation"]["payload"]) == signed
    assert signed["restricted"] is True and signed["reasons"] == [
        {"category": "admin_penalty", "reason": "责令停产停业", "record_id": record_id,
         "since": "2026-09-28", "until": "2027-09-28"}]

    ok = verify(client, attested)
    assert ok.status_code == 200
    current = ok.json_body["current"]
    assert ok.json_body == {"valid": True, "attested": signed, "current": current}
    assert without_time(current) == without_time(signed) and current["checked_at"] >= signed["checked_at"]
    # the attestation block alone verifies too (nothing shown to compare)
    alone = verify(client, {"attestation": attested["attestation"]}).json_body
    assert alone == {"valid": True, "attested": signed, "current": alone["current"]}
    assert without_time(alone["current"]) == without_time(signed)

    forgeries = {
        "restricted": 1,                     # equal to True in Python, not in JSON
        "reasons": [],
        "name": "广元市另一家有限公司",
        "code": ELSEWHERE_USCC,
        "checked_at": "2099-01-01T00:00:00+08:00",
    }
    for field, value in forgeries.items():
        resp = verify(client, {**attested, field: value})
        assert resp.status_code == 200, resp.body
        body = resp.json_body
        assert body == {"valid": False, "attested": signed, "current": body["current"]}, field
        assert without_time(body["current"]) == without_time(signed)
        # a field left out of a whole check is not "shown equal" either
        dropped = {k: v for k, v in attested.items() if k != field}
        assert verify(client, dropped).json_body["valid"] is False, field
        # nor a field shown beside a bare {payload, signature}
        bare = {**attested["attestation"], field: value}
        assert verify(client, bare).json_body["valid"] is False, field
    assert verify(client, {**attested, "restricted": False}).json_body["valid"] is False


def test_a_stale_attestation_verifies_and_shows_todays_answer(client, login, op):
    record_id = restricted_enterprise(client, login, op)
    attested = client.http.get(CHECK + "?attest=1").json_body
    resp = client.http.post(f"/v1/records/{record_id}/withdraw", headers=op, body=json.dumps({"reason": "复议撤销"}))
    assert resp.status_code == 200
    body = verify(client, attested).json_body
    assert body["valid"] is True and body["attested"]["restricted"] is True
    assert without_time(body["current"]) == {"code": ENTERPRISE_USCC, "name": NAME, "restricted": False,
                                             "reasons": []}


def test_unknown_code_has_no_current_and_bad_shapes_are_400(client, login, op):
    restricted_enterprise(client, login, op)
    attested = client.http.get(CHECK + "?attest=1").json_body
    forged = {"code": ELSEWHERE_USCC, "name": "x", "restricted": False, "reasons": [], "checked_at": "2026-12-07"}
    payload = json.dumps(forged, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    resp = verify(client, {**forged, "attestation": {**attested["attestation"], "payload": payload}})
    assert resp.json_body == {"valid": False, "attested": forged, "current": None}
    resp = verify(client, {"payload": "[1, 2]", "signature": attested["attestation"]["signature"]})
    assert resp.json_body == {"valid": False, "attested": None, "current": None}
    resp = verify(client, {"payload": "[" * 100_000, "signature": "AAAA"})
    assert resp.json_body == {"valid": False, "attested": None, "current": None}
    resp = verify(client, {"payload": json.dumps({"code": "9" * 5000}), "signature": "!!"})
    assert resp.json_body == {"valid": False, "attested": {"code": "9" * 5000}, "current": None}

    bad_type = {"error": {"code": "BAD_REQUEST", "message": "attestation 应为对象",
                          "details": [{"field": "attestation", "code": "BAD_TYPE"}]}}
    for body in ({"attestation": None}, {"attestation": "MEUCIQ=="}, {"attestation": [attested["attestation"]]}):
        resp = verify(client, body)
        assert (resp.status_code, resp.json_body) == (400, bad_type), body
    for body, missing in (({}, ["payload", "signature"]), ({"payload": 1, "signature": []}, ["payload", "signature"]),
                          ({**attested, "attestation": {"payload": attested["attestation"]["payload"]}},
                           ["signature"])):
        resp = verify(client, body)
        assert (resp.status_code, resp.json_body) == (400, {"error": {
            "code": "BAD_REQUEST", "message": "请提供 payload 与 signature",
            "details": [{"field": f, "code": "REQUIRED"} for f in missing]}}), body
    resp = client.http.post("/v1/public/attestations/verify", headers=JSON, body="[1]")
    assert resp.status_code == 400


@pytest.fixture
def kms_calls(stack):
    """Every KMS operation the app's own KMS client sends (a botocore event hook, no mock)."""
    calls: list[str] = []
    kms = stack.aws.client("kms")

    def count(model, **_):
        calls.append(model.name)
    kms.meta.events.register("before-call.kms", count)
    yield calls
    kms.meta.events.unregister("before-call.kms", count)


def test_repeated_attest_signs_once_per_public_side_content(client, login, op, kms_calls):
    register(client, login)
    run_job(client, login, "forward")
    first = client.http.get(CHECK + "?attest=1").json_body
    assert kms_calls == ["Sign"]
    again = [client.http.get(CHECK + "?attest=1").json_body for _ in range(3)]
    assert kms_calls == ["Sign"]                              # unchanged public side: 0 more KMS calls
    assert again == [first] * 3                               # the signed checked_at with the signed facts
    assert verify(client, again[-1]).json_body["valid"] is True
    # the plain check still answers with the time of asking
    assert client.http.get(CHECK).json_body["checked_at"] >= first["checked_at"]

    accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_CFLB="责令停产停业、罚款")])
    assert client.http.get(CHECK + "?attest=1").json_body == first   # not public yet: same facts
    kms_calls.clear()
    run_job(client, login, "forward")
    changed = client.http.get(CHECK + "?attest=1").json_body
    assert changed["restricted"] is True and changed["attestation"]["signature"] != first["attestation"]["signature"]
    assert kms_calls.count("Sign") == 1                       # new facts → a new signature
    assert client.http.get(CHECK + "?attest=1").json_body == changed and kms_calls.count("Sign") == 1
    verdict = verify(client, changed).json_body
    assert verdict["valid"] is True and verdict["attested"]["restricted"] is True
