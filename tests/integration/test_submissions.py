"""Submissions: JSON batches, versions, withdrawal, registry matching (SPEC §3, §5, §6)."""
from __future__ import annotations

import json
import threading

from chalicelib.container import Container
from chalicelib.domain.identifiers import make_regno, make_uscc
from chalicelib.local.demo_data import ELSEWHERE_USCC, ENTERPRISE_REGNO, ENTERPRISE_USCC, sample_record
from chalicelib.models.principal import Principal
from tests.integration.helpers import register, submit


def test_new_penalty_for_a_registered_enterprise_is_accepted_as_local(client, login):
    register(client, login)
    resp = submit(client, login("op-d12", "operator", "d12"), "admin_penalty", [sample_record("admin_penalty")])
    assert resp.status_code == 200
    (acc,) = resp.json_body["accepted"]
    assert acc["index"] == 0 and acc["match"] == "local" and acc["version"] == 1
    assert acc["collect_deadline"] == "2026-10-13" and acc["publish_deadline"] == "2026-10-30"
    assert acc["late"] is True  # decided 2026-09-28, received now (after 2026-10-13)
    assert acc["provisional"] is False


def test_batch_mixes_accepted_and_rejected_rows_with_field_level_codes(client, login):
    register(client, login)
    good = sample_record("admin_penalty")
    rows = [
        good,
        sample_record("admin_penalty", CF_WSH="广环罚〔2026〕13号", CF_JDRQ="2026/13/45"),
        sample_record("admin_penalty", CF_WSH="广环罚〔2026〕12号"),           # same source_ref as row 0
        sample_record("admin_penalty", CF_WSH="广环罚〔2026〕14号", CF_XDR_MC="别的公司"),
        sample_record("admin_penalty", CF_WSH="广环罚〔2026〕15号", CF_XDR_LB="自然人"),
        "not an object",
    ]
    body = submit(client, login("op-d12", "operator", "d12"), "admin_penalty", rows).json_body
    assert [a["index"] for a in body["accepted"]] == [0]
    codes = {r["index"]: [e["code"] for e in r["errors"]] for r in body["rejected"]}
    assert codes[1] == ["BAD_DATE"]
    assert codes[2] == ["DUPLICATE_IN_BATCH"]
    assert codes[3] == ["NAME_MISMATCH"]
    assert codes[4] == ["OUT_OF_SCOPE"]
    assert 5 in codes
    mismatch = next(r for r in body["rejected"] if r["index"] == 3)["errors"][0]
    assert mismatch["suggestion"] == "广元市利州区示例食品有限公司"
    assert len(body["accepted"]) + len(body["rejected"]) == len(rows)


def test_identical_resend_makes_no_new_version_and_changed_content_does(client, login):
    register(client, login)
    op = login("op-d12", "operator", "d12")
    first = submit(client, op, "admin_penalty", [sample_record("admin_penalty")]).json_body["accepted"][0]
    again = submit(client, op, "admin_penalty", [sample_record("admin_penalty")]).json_body
    assert again["accepted"] == [] and again["unchanged"] == [                      # SPEC §5.1 `unchanged`
        {"index": 0, "record_id": first["record_id"], "version": 1}]
    changed = submit(client, op, "admin_penalty", [sample_record("admin_penalty", CF_NR_FK="6")]).json_body
    assert (changed["accepted"][0]["record_id"], changed["accepted"][0]["version"]) == (first["record_id"], 2)
    full = client.http.get(f"/v1/records/{first['record_id']}", headers=op).json_body
    assert [(v["version"], v["op"], v["by"]) for v in full["versions"]] == [(1, "create", "op-d12"),
                                                                             (2, "modify", "op-d12")]
    assert full["fields"]["CF_NR_FK"] == "6"


def test_regno_only_record_is_tied_to_the_enterprise_uscc(client, login, stack):
    register(client, login)
    rec = sample_record("admin_penalty", CF_XDR_SHXYM=None, CF_XDR_GSZC=ENTERPRISE_REGNO)
    acc = submit(client, login("op-d12", "operator", "d12"), "admin_penalty", [rec]).json_body["accepted"][0]
    assert acc["match"] == "local"
    stored = stack.record_repo.get(acc["record_id"])
    assert stored.enterprise_code == ENTERPRISE_USCC and stored.uscc == ENTERPRISE_USCC


def test_code_registered_elsewhere_is_accepted_as_elsewhere(client, login):
    rec = sample_record("admin_penalty", CF_XDR_SHXYM=ELSEWHERE_USCC, CF_XDR_GSZC=None, CF_XDR_MC="福州某公司")
    acc = submit(client, login("op-d12", "operator", "d12"), "admin_penalty", [rec]).json_body["accepted"][0]
    assert acc["match"] == "elsewhere"


def test_unknown_local_code_with_bad_check_char_is_rejected_but_a_registered_one_is_accepted(client, login):
    bad = ENTERPRISE_USCC[:17] + ("0" if ENTERPRISE_USCC[17] != "0" else "1")
    op = login("op-d12", "operator", "d12")
    body = submit(client, op, "admin_penalty", [sample_record("admin_penalty", CF_XDR_SHXYM=bad,
                                                              CF_XDR_GSZC=None)]).json_body
    assert body["rejected"][0]["errors"][0]["code"] == "USCC_CHECKSUM"
    # a matching 注册号 does not make up for it
    body = submit(client, op, "admin_penalty", [sample_record("admin_penalty", CF_XDR_SHXYM=bad)]).json_body
    assert body["rejected"][0]["errors"][0]["code"] == "USCC_CHECKSUM"
    # an early pilot code in the registry is accepted although its check character fails
    register(client, login, uscc=bad, regno=None, legacy_code="是")    # marked as a known legacy code
    body = submit(client, op, "admin_penalty", [sample_record("admin_penalty", CF_XDR_SHXYM=bad,
                                                              CF_XDR_GSZC=None)]).json_body
    assert body["accepted"][0]["match"] == "local"


def test_pending_record_becomes_local_when_its_registration_arrives(client, login, stack):
    uscc = make_uscc("91510811MA6ABCDE1")   # 昭化区, not yet in the registry
    rec = sample_record("admin_penalty", CF_XDR_SHXYM=uscc, CF_XDR_GSZC=None, CF_XDR_MC="昭化某农业合作社")
    acc = submit(client, login("op-d12", "operator", "d12"), "admin_penalty", [rec]).json_body["accepted"][0]
    assert acc["match"] == "pending"
    register(client, login, uscc=uscc, regno=make_regno("51081100000001"), name="昭化某农业合作社")
    stored = stack.record_repo.get(acc["record_id"])
    assert (stored.match, stored.record_id, stored.enterprise_code) == ("local", acc["record_id"], uscc)
    assert stack.record_repo.history(acc["record_id"])[-1].op == "rematch"


def test_registration_tells_departments_whose_licences_the_scope_concerns(client, login):
    register(client, login)  # business scope 食品销售；餐饮服务 → 食品药品监管局 d23
    notices = client.http.get("/v1/notices/registrations", headers=login("op-d23", "operator", "d23")).json_body
    assert [n["code"] for n in notices["items"]] == [ENTERPRISE_USCC]
    other = client.http.get("/v1/notices/registrations", headers=login("op-d41", "operator", "d41")).json_body
    assert other["items"] == []


def test_department_cannot_touch_another_departments_records(client, login):
    register(client, login)
    acc = submit(client, login("op-d12", "operator", "d12"), "admin_penalty",
                 [sample_record("admin_penalty")]).json_body["accepted"][0]
    other = login("op-d23", "operator", "d23")
    url = f"/v1/records/{acc['record_id']}"
    assert client.http.get(url, headers=other).status_code == 403
    assert client.http.put(url, headers=other, body=json.dumps(sample_record("admin_penalty"))).status_code == 403
    assert client.http.post(url + "/withdraw", headers=other, body=json.dumps({"reason": "x"})).status_code == 403
    assert client.http.get("/v1/records?department=d12", headers=other).status_code == 403
    mine = client.http.get("/v1/records", headers=other).json_body
    assert mine["items"] == []


def test_operator_cannot_submit_outside_its_catalog(client, login):
    resp = submit(client, login("op-d12", "operator", "d12"), "abnormal_list", [sample_record("abnormal_list")])
    assert resp.status_code == 403
    assert resp.json_body["error"]["code"] == "NOT_ALLOWED_CATEGORY"


def test_admin_submits_for_a_named_department_only(client, login):
    admin = login("root", "admin")
    assert submit(client, admin, "admin_penalty", [sample_record("admin_penalty")]).status_code == 400
    resp = submit(client, admin, "admin_penalty", [sample_record("admin_penalty")], department="d12")
    assert resp.status_code == 200


def test_withdrawal_is_recorded_and_undone_only_on_purpose(client, login):
    register(client, login)
    op = login("op-d12", "operator", "d12")
    acc = submit(client, op, "admin_penalty", [sample_record("admin_penalty")]).json_body["accepted"][0]
    url = f"/v1/records/{acc['record_id']}"
    assert client.http.post(url + "/withdraw", headers=op, body=json.dumps({})).status_code == 400
    resp = client.http.post(url + "/withdraw", headers=op, body=json.dumps({"reason": "文书撤销"}))
    assert resp.status_code == 200 and resp.json_body["state"] == "withdrawn"
    resp = client.http.put(url, headers=op, body=json.dumps(sample_record("admin_penalty", CF_NR_FK="7")))
    assert resp.status_code == 409 and resp.json_body["error"]["code"] == "WITHDRAWN"
    # SPEC §5: a changed resend is refused WITHDRAWN, saying how to reinstate; an identical one is unchanged
    resend = submit(client, op, "admin_penalty", [sample_record("admin_penalty", CF_NR_FK="7")]).json_body
    error = resend["rejected"][0]["errors"][0]
    assert error["code"] == "WITHDRAWN" and "恢复" in error["message"] and error["suggestion"] == acc["record_id"]
    same = submit(client, op, "admin_penalty", [sample_record("admin_penalty")]).json_body
    assert (same["accepted"], same["rejected"]) == ([], []) and same["unchanged"][0]["version"] == 2
    assert client.http.delete(url, headers=op, body=json.dumps({"reason": "again"})).status_code == 409
    full = client.http.get(url, headers=op).json_body
    assert full["state"] == "withdrawn" and full["withdrawn_reason"] == "文书撤销"
    assert full["versions"][-1]["op"] == "withdraw"
    # reinstate: own department only, a reason, only a withdrawn record
    other = login("op-d23", "operator", "d23")
    assert client.http.post(url + "/reinstate", headers=other, body=json.dumps({"reason": "x"})).status_code == 403
    assert client.http.post(url + "/reinstate", headers=op, body=json.dumps({})).status_code == 400
    resp = client.http.post(url + "/reinstate", headers=op, body=json.dumps({"reason": "撤销有误"}))
    assert resp.status_code == 200 and resp.json_body == {"record_id": acc["record_id"], "state": "accepted",
                                                          "version": 3}
    again = client.http.post(url + "/reinstate", headers=op, body=json.dumps({"reason": "撤销有误"}))
    assert again.status_code == 409 and again.json_body["error"]["code"] == "NOT_WITHDRAWN"
    full = client.http.get(url, headers=op).json_body
    assert full["state"] == "accepted" and full["withdrawn_reason"] is None
    assert (full["versions"][-1]["op"], full["versions"][-1]["reason"]) == ("reinstate", "撤销有误")
    # the changed content is accepted now, as a new version
    changed = submit(client, op, "admin_penalty", [sample_record("admin_penalty", CF_NR_FK="7")]).json_body
    assert changed["accepted"][0]["version"] == 4


def test_put_revalidates_and_keeps_the_identity(client, login):
    register(client, login)
    op = login("op-d12", "operator", "d12")
    acc = submit(client, op, "admin_penalty", [sample_record("admin_penalty")]).json_body["accepted"][0]
    url = f"/v1/records/{acc['record_id']}"
    bad = client.http.put(url, headers=op, body=json.dumps(sample_record("admin_penalty", CF_JDRQ="2099/01/01")))
    assert bad.status_code == 400 and bad.json_body["error"]["details"][0]["code"] == "FUTURE_DATE"
    moved = client.http.put(url, headers=op, body=json.dumps(sample_record("admin_penalty", CF_WSH="另一个号")))
    assert moved.status_code == 400 and moved.json_body["error"]["details"][0]["code"] == "SOURCE_REF_CHANGED"
    stale = client.http.put(url, headers=op, body=json.dumps({**sample_record("admin_penalty", CF_NR_FK="8"),
                                                                "version": 7}))
    assert stale.status_code == 409
    ok = client.http.put(url, headers=op, body=json.dumps(sample_record("admin_penalty", CF_NR_FK="8")))
    assert ok.status_code == 200 and ok.json_body["version"] == 2


def test_three_concurrent_puts_never_lose_an_update(client, login, stack):
    register(client, login)
    acc = submit(client, login("op-d12", "operator", "d12"), "admin_penalty",
                 [sample_record("admin_penalty")]).json_body["accepted"][0]
    who = Principal(username="op-d12", role="operator", department="d12")
    results: list[str] = []
    barrier = threading.Barrier(3)

    def put(amount: str) -> None:
        service = Container(stack.settings).records   # own clients per thread
        barrier.wait()
        try:
            service.modify(who, acc["record_id"], sample_record("admin_penalty", CF_NR_FK=amount))
            results.append("ok")
        except Exception as exc:  # noqa: BLE001 - the test records which error it was
            results.append(getattr(exc, "code", repr(exc)))

    threads = [threading.Thread(target=put, args=(a,)) for a in ("11", "12", "13")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert set(results) <= {"ok", "VERSION_CONFLICT"}
    history = stack.record_repo.history(acc["record_id"])
    assert len(history) == 1 + results.count("ok")
    assert [v.version for v in history] == list(range(1, len(history) + 1))
    current = stack.record_repo.get(acc["record_id"])
    assert current.version == len(history) and current.fields == history[-1].fields


def test_bad_payloads_get_precise_400s(client, login):
    op = login("op-d12", "operator", "d12")
    resp = client.http.post("/v1/records", headers=op, body=b"{not json")
    assert resp.status_code == 400 and resp.json_body["error"]["code"] == "BAD_JSON"
    resp = client.http.post("/v1/records", headers=op, body=json.dumps({"category": "admin_penalty"}))
    assert resp.status_code == 400 and resp.json_body["error"]["details"][0]["field"] == "records"
    resp = client.http.post("/v1/records", headers=op, body=json.dumps({"category": "nope", "records": [{}]}))
    assert resp.status_code == 400 and resp.json_body["error"]["details"][0]["code"] == "BAD_ENUM"
    resp = submit(client, op, "admin_penalty", [{}] * 1001)
    assert resp.status_code == 413 and resp.json_body["error"]["code"] == "PAYLOAD_TOO_LARGE"
    resp = client.http.post("/v1/records", headers={**op, "Content-Type": "text/plain"}, body=b"x")
    assert resp.status_code == 415 and resp.json_body["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
