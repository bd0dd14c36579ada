"""Contracts of the 异议 / 信用修复 cases (dal/objections.py) and the hourly window's Retry-After,
on the fake and on the emulator."""
from __future__ import annotations

from chalicelib.dal.throttle import ThrottleRepository
from chalicelib.models.objection import Case
from tests.contract.conftest import drain
from tests.fakes import FakeThrottleRepository


def case(n: int, kind="objection", department="d12", state="open", due="2026-12-10") -> Case:
    return Case(id=f"01CASE{n:020d}", kind=kind, record_id=f"R{n}", department=department, category="admin_penalty",
                enterprise_code="91510802MA62XK0Q75", enterprise_name="示例公司", record_version=1, state=state,
                filed_at=f"2026-12-01T10:00:{n:02d}.000+08:00", due=due, token_hash="h", applicant_name="李某",
                applicant_phone="13800000000", reason="理由")


def test_a_case_is_added_once_read_back_and_closed_once(repos):
    cases = repos["case_repo"]
    c = case(1)
    cases.add(c)
    assert cases.get(c.id) == c and cases.get("01NONE") is None
    try:
        cases.add(c)
        raise AssertionError("a second add of the same id must fail")
    except Exception as exc:      # noqa: BLE001 — the conditional write's ClientError
        assert "ConditionalCheckFailed" in str(exc) or "conditional" in str(exc).lower()
    answered = c.model_copy(update={"state": "answered", "decision": "maintained", "reply": "维持"})
    assert cases.close(answered) is True
    assert cases.close(answered.model_copy(update={"reply": "再次"})) is False     # answered meanwhile
    assert cases.get(c.id).reply == "维持"


def test_inboxes_page_newest_first_by_department_or_kind_with_a_state_filter(repos):
    cases = repos["case_repo"]
    for n in range(5):
        cases.add(case(n, state="open" if n % 2 else "answered"))
    cases.add(case(7, department="d23"))
    cases.add(case(8, kind="repair"))
    pages = drain(lambda limit, after: cases.inbox("objection", "d12", None, limit, after), 2)
    assert [c.id for p in pages for c in p] == [case(n).id for n in (4, 3, 2, 1, 0)]
    opened = [c.id for p in drain(lambda limit, after: cases.inbox("objection", "d12", "open", limit, after), 2)
              for c in p]
    assert opened == [case(3).id, case(1).id]
    every = [c.id for p in drain(lambda limit, after: cases.inbox("objection", None, None, limit, after), 10) for c in p]
    assert every == [case(n).id for n in (7, 4, 3, 2, 1, 0)]


def test_open_cases_by_due_day_leave_the_index_when_closed(repos):
    cases = repos["case_repo"]
    cases.add(case(1, due="2026-12-10"))
    cases.add(case(2, due="2026-12-11"))
    cases.add(case(3, due="2026-12-01", state="answered"))
    assert sorted(c.id for c in cases.open_due_by("2026-12-10")) == [case(1).id]
    cases.close(case(1).model_copy(update={"state": "answered"}))
    assert [c.id for c in cases.open_due_by("2026-12-31")] == [case(2).id]


def test_retry_after_counts_down_the_window(repos):
    real = repos["throttle"]
    t = [1_900_000_000]
    throttle = FakeThrottleRepository(lambda: t[0]) if isinstance(real, FakeThrottleRepository) else \
        ThrottleRepository(real.table, lambda: t[0])
    assert throttle.retry_after("objection#addr#x") == 0
    assert throttle.admit("objection#addr#x", 1, 3600) and not throttle.admit("objection#addr#x", 1, 3600)
    t[0] += 600
    assert throttle.retry_after("objection#addr#x") == 3000
