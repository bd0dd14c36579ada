"""Intake rules of issue 18 through POST /v1/records: 屏蔽字段 may not hide what decides 联合惩戒 or
identifies the party (MASK_NOT_ALLOWED); a registration's codes must pass their check unless marked as a
known legacy code (历史代码 / legacy_code), so a typo never enters the registry."""
from __future__ import annotations

import pytest

from chalicelib.domain.identifiers import make_regno, make_uscc
from chalicelib.local.demo_data import ENTERPRISE_USCC, sample_record
from tests.integration.helpers import accepted, register, run_job, submit

CHECK = f"/v1/public/enterprises/{ENTERPRISE_USCC}/credit-check"
BAN = "责令停产停业、罚款"


@pytest.fixture
def op(login):
    return login("op-d12", "operator", "d12")


def mask_refused(label: str) -> dict:
    return {"field": "masked_fields", "code": "MASK_NOT_ALLOWED",
            "message": f"「{label}」用于联合惩戒或标识当事人，必须公示，不能列入「屏蔽字段」",
            "suggestion": f"请从「屏蔽字段」中删除「{label}」"}


@pytest.mark.parametrize("masked, labels", [
    ("处罚类别", ["处罚类别"]),
    ("CF_YXQ", ["处罚有效期"]),
    ("处罚决定日期、违法事实", ["处罚决定日期"]),
    ("行政相对人名称、统一社会信用代码、工商注册号", ["行政相对人名称", "统一社会信用代码", "工商注册号"]),
])
def test_masking_a_field_that_decides_joint_punishment_is_refused(client, login, op, masked, labels):
    register(client, login)
    resp = submit(client, op, "admin_penalty", [sample_record("admin_penalty", CF_CFLB=BAN, masked_fields=masked)])
    assert resp.status_code == 200
    body = resp.json_body
    assert body["accepted"] == []
    (rejected,) = body["rejected"]
    assert rejected["index"] == 0 and rejected["errors"] == [mask_refused(label) for label in labels]
    run_job(client, login, "forward")
    check = client.http.get(CHECK).json_body
    assert (check["restricted"], check["reasons"]) == (False, [])   # nothing of it was stored or published


def test_a_ban_with_an_allowed_mask_still_restricts(client, login, op):
    """Before MASK_NOT_ALLOWED, 屏蔽字段 处罚类别 published CF_CFLB as *** and the ban vanished from the
    credit check; masking an ordinary field keeps the ban (and the same 屏蔽字段 text twice masks twice)."""
    register(client, login)
    accs = accepted(client, op, "admin_penalty", [
        sample_record("admin_penalty", CF_CFLB=BAN, CF_WSH=f"罚-{i}", CF_SY=f"不公开的事实{i}", masked_fields="违法事实")
        for i in range(2)])
    run_job(client, login, "forward")
    check = client.http.get(CHECK).json_body
    assert check["restricted"] is True
    assert sorted(r["record_id"] for r in check["reasons"]) == sorted(a["record_id"] for a in accs)
    page = client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}")
    assert "不公开的事实" not in page.body.decode("utf-8")
    copies = {g["category"]: g["records"] for g in page.json_body["categories"]}["admin_penalty"]
    assert [c["fields"]["CF_SY"] for c in copies] == ["***", "***"]


# 昭化区 codes of a second enterprise, each with a wrong check character
TYPO_USCC = make_uscc("91510811MA6XYW0A1")[:17] + "0"
TYPO_REGNO = make_regno("51081100054321")[:14] + "0"
assert make_uscc(TYPO_USCC[:17]) != TYPO_USCC and make_regno(TYPO_REGNO[:14]) != TYPO_REGNO
SECOND = {"name": "广元市昭化区第二示例商贸有限公司", "uscc": TYPO_USCC, "regno": TYPO_REGNO}
LEGACY_MSG = "校验位错误，不能登记；登记机关确认的历史代码请在「历史代码」中填「是」"


def test_a_registration_whose_codes_fail_their_check_is_rejected_and_never_matches(client, login, op):
    registry = login("op-d21", "operator", "d21")
    for overrides, errors in (
        ({"uscc": TYPO_USCC, "regno": None}, [{
            "field": "uscc", "code": "USCC_CHECKSUM", "message": "「统一社会信用代码」" + LEGACY_MSG,
            "suggestion": f"按前面各位计算，末位校验码应为「{make_uscc(TYPO_USCC[:17])[17]}」，请核对代码是否录入有误"}]),
        ({"uscc": "00000000000000000X", "regno": TYPO_REGNO, "legacy_code": "否"}, [{
            "field": "regno", "code": "REGNO_CHECKSUM", "message": "「注册号」" + LEGACY_MSG,
            "suggestion": f"按前面各位计算，末位校验码应为「{make_regno(TYPO_REGNO[:14])[14]}」，请核对代码是否录入有误"}]),
    ):
        resp = submit(client, registry, "registration", [sample_record("registration", **{**SECOND, **overrides})])
        assert resp.status_code == 200 and resp.json_body["accepted"] == []
        assert resp.json_body["rejected"][0]["errors"] == errors, overrides
    # the typo is not in the registry: a penalty naming it is rejected, not matched
    resp = submit(client, op, "admin_penalty", [sample_record(
        "admin_penalty", CF_XDR_MC=SECOND["name"], CF_XDR_SHXYM=TYPO_USCC, CF_XDR_GSZC=None)])
    assert [e["code"] for e in resp.json_body["rejected"][0]["errors"]] == ["USCC_CHECKSUM"]
    assert client.http.get(f"/v1/public/enterprises/{TYPO_USCC}").status_code == 404


def test_a_known_legacy_code_enters_the_registry_deliberately_and_then_matches(client, login, op):
    registry = login("op-d21", "operator", "d21")
    record = {**sample_record("registration", **SECOND), "历史代码": "是"}
    (acc,) = accepted(client, registry, "registration", [record])
    assert acc["match"] == "local"
    (pen,) = accepted(client, op, "admin_penalty", [sample_record(
        "admin_penalty", CF_XDR_MC=SECOND["name"], CF_XDR_SHXYM=TYPO_USCC, CF_XDR_GSZC=TYPO_REGNO)])
    assert pen["match"] == "local"
    stored = client.http.get(f"/v1/records/{acc['record_id']}", headers=registry).json_body
    assert stored["fields"]["legacy_code"] == "是"
    run_job(client, login, "forward")
    page = client.http.get(f"/v1/public/enterprises/{TYPO_USCC}").json_body
    assert page["enterprise"]["name"] == SECOND["name"]
    registration_copy = {g["category"]: g["records"] for g in page["categories"]}["registration"][0]
    assert "legacy_code" not in registration_copy["fields"]            # intake control, not public
