"""异议 / 信用修复 (SPEC §5.2) on fakes: the repair's effects through forward and the credit check,
overdue answers counted by `deadlines`, every filing counted against the hourly windows."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from chalicelib.clock import today
from chalicelib.dal.records import Change
from chalicelib.errors import BadRequest, NotEligible, TooManyFilings
from chalicelib.local.demo_data import ENTERPRISE_USCC, sample_record
from tests.services.conftest import accepted, operator, register, run_job

BAN = "罚款、责令停产停业"


def repair_body(record_id: str) -> dict:
    return {"code": ENTERPRISE_USCC, "record_id": record_id, "applicant_name": "张某", "applicant_phone": "13800000000",
            "commitment": True, "evidence": "已整改"}


def test_an_approved_repair_ends_publication_at_once_and_forward_sends_repair(c):
    register(c)
    run_job(c, "forward")
    acc = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_CFLB=BAN, CF_YXQ="2099/12/31")])[0]
    run_job(c, "forward")
    assert c.public.credit_check(ENTERPRISE_USCC)["restricted"] is True
    with pytest.raises(NotEligible) as refused:                       # published today: a year to wait
        c.cases.file("repair", repair_body(acc["record_id"]), "192.0.2.1", "req-1")
    first_day = date.fromisoformat(refused.value.details[0]["eligible_from"])
    assert first_day == today().replace(year=today().year + 1)

    rec = c.record_repo.get(acc["record_id"])                        # published 400 days ago
    long_ago = (today() - timedelta(days=400)).isoformat() + "T09:00:00+08:00"
    c.record_repo.write([Change(record=rec.model_copy(update={"published_at": long_ago}), previous=rec)])
    filed = c.cases.file("repair", repair_body(acc["record_id"]), "192.0.2.1", "req-2")
    sent = len(c.publicity_sender.ops())
    c.cases.decide(operator("d12"), filed["repair_id"], {"approve": True, "reply": "准予修复"})
    assert c.public.credit_check(ENTERPRISE_USCC)["restricted"] is False        # at once
    assert c.record_repo.get(acc["record_id"]).state == "repaired"
    assert run_job(c, "forward")["repaired"] == 1
    assert c.publicity_sender.ops()[sent:] == [("repair", ENTERPRISE_USCC, acc["record_id"])]
    assert run_job(c, "forward")["due"] == 0
    assert c.public.credit_check(ENTERPRISE_USCC)["restricted"] is False


def test_deadlines_count_open_cases_past_their_due_day(c):
    register(c)
    acc = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty")])[0]
    run_job(c, "forward")
    filed = c.cases.file("objection", {"record_id": acc["record_id"], "reason": "有误", "contact_name": "李某",
                                       "contact_phone": "13800000000"}, "192.0.2.1", "req")
    due = date.fromisoformat(filed["due"])
    assert run_job(c, "deadlines", due.isoformat())["objections_overdue"] == 0
    assert run_job(c, "deadlines", (due + timedelta(days=1)).isoformat())["objections_overdue"] == 1
    assert c.counter_repo.deadlines((due + timedelta(days=1)).isoformat())["d12"]["objections_overdue"] == 1


def test_every_attempt_counts_against_the_address(c):
    for n in range(5):
        with pytest.raises(Exception) as exc:
            c.cases.file("objection", {"record_id": f"NONE{n}"}, "192.0.2.9", f"req-{n}")
        assert not isinstance(exc.value, TooManyFilings)
    with pytest.raises(TooManyFilings) as exc:
        c.cases.file("objection", {"record_id": "NONE9"}, "192.0.2.9", "req-9")
    assert 0 < int(exc.value.headers["Retry-After"]) <= 3600
    with pytest.raises(TooManyFilings):                               # a fresh record: the address is the cause
        c.cases.file("objection", {"record_id": "NONE10"}, "192.0.2.9", "req-10")
    with pytest.raises(BadRequest):                                  # repairs have their own count: 400, not 429
        c.cases.file("repair", {"record_id": "NONE11"}, "192.0.2.9", "req-11")
