"""Contracts of the jobs table's repositories: the change log, the open-data index, forward
failures, the monthly report store."""
from __future__ import annotations

import pytest

from chalicelib.clock import today
from tests.contract.conftest import drain


def change(n: int, op="publish", **more) -> dict:
    return {"at": f"2030-01-01T09:00:{n:02d}", "op": op, "code": "USCC-1", "category": "admin_penalty",
            "record_id": f"R{n:04d}", "version": 1, **more}


@pytest.fixture
def log(repos):
    return repos["change_log"]


def test_changes_of_a_day_in_order_and_in_pages(log):
    assert log.first_day() is None and log.last_day() is None and log.retracted() is None
    log.append("2030-01-01", [change(n) for n in (3, 1, 2, 5, 4)])
    pages = drain(lambda limit, after: log.day("2030-01-01", after, limit), 2)
    assert [c["record_id"] for p in pages for c in p] == [f"R{n:04d}" for n in range(1, 6)]
    assert "pk" not in pages[0][0] and pages[0][0]["code"] == "USCC-1"
    assert log.whole_day("2030-01-01") == [c for p in pages for c in p] and log.whole_day("2030-01-09") == []
    assert log.first_day() == log.last_day() == "2030-01-01" and log.retracted() is None


def test_marks_first_last_and_latest_retraction(log):
    log.append("2030-01-02", [change(1), change(2, op="withdraw")])
    log.append("2030-01-05", [change(3, op="publish", replaces=True)])
    log.append("2030-01-03", [change(0, op="expire")])                  # an earlier retraction: the mark stays
    assert log.first_day() == "2030-01-02" and log.last_day() == "2030-01-05"
    assert log.retracted() == {"at": change(3)["at"], "day": "2030-01-05"}
    assert all("replaces" not in c for c in log.day("2030-01-05")[0])


def test_a_change_for_a_past_day_is_logged_under_today(log):
    log.append("2005-01-01", [change(1)])
    assert log.day("2005-01-01")[0] == []
    assert [c["record_id"] for c in log.day(today().isoformat())[0]] == ["R0001"]


def test_open_data_index_latest_before_and_recent(repos):
    index = repos["open_data_index"]
    for day in ("2030-01-01", "2030-01-03", "2030-01-02"):
        index.put(day, {"records": 3, "key": f"open-data/{day}.jsonl"})
    assert index.latest("2030-01-03")["day"] == "2030-01-02"
    assert index.latest("2030-01-01") is None
    assert [e["day"] for e in index.recent(2)] == ["2030-01-03", "2030-01-02"]
    assert index.recent(5)[0]["records"] == 3


def test_forward_failures_count_attempts_until_dead(repos):
    jobs = repos["job_state_repo"]
    assert jobs.fail("b1", "boom", "t1") == 1
    assert jobs.fail("b1", "boom again", "t2") == 2
    jobs.fail("b2", "x" * 600, "t3")
    failures = jobs.open_failures()
    assert set(failures) == {"b1", "b2"}
    assert (failures["b1"]["attempts"], failures["b1"]["last_error"]) == (2, "boom again")
    assert len(failures["b2"]["last_error"]) == 500
    jobs.dead("b1", "gave up", "t4", 3)
    jobs.clear("b2")
    assert jobs.open_failures() == {}


def test_monthly_reports_newest_first(repos):
    store = repos["monthly_store"]
    for month in ("2030-01", "2030-03", "2030-02"):
        assert store.put(month, b"xlsx", f"{month}-01T09:00") == f"reports/monthly/{month}.xlsx"
    store.put("2030-02", b"again", "later")                              # a re-run overwrites
    assert [r["month"] for r in store.recent()] == ["2030-03", "2030-02", "2030-01"]
    assert store.recent(1) == [{"month": "2030-03", "key": "reports/monthly/2030-03.xlsx",
                                "generated_at": "2030-03-01T09:00"}]
    assert store.recent()[1]["generated_at"] == "later"
