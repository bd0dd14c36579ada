"""Intake rules of issue 18 through POST /v1/records: 屏蔽字段 may not hide what decides 联合惩戒 or
identifies the party (MASK_NOT_ALLOWED)."""
from __future__ import annotations

import pytest

from chalicelib.domain.samples import ENTERPRISE_USCC, sample_record
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
