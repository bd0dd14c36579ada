"""CounterRepository contract: atomic adds per (department, day), 迟报 tallies, findings, scorecards."""
from __future__ import annotations

import pytest

from tests.contract.test_records import create, record


@pytest.fixture
def counters(repos):
    return repos["counter_repo"]


def test_adds_accumulate_per_day_and_read_back_in_order(counters):
    counters.add("d12", "2026-10-02", {"submitted": 3, "accepted": 2, "rejected": 1, "rej_REQUIRED": 1}, "s1")
    counters.add("d12", "2026-10-02", {"submitted": 1, "accepted": 1, "rejected": 0}, "s2")
    counters.add("d12", "2026-10-01", {"submitted": 5, "accepted": 5})
    counters.add("d12", "2026-10-09", {"submitted": 1})
    counters.add("d13", "2026-10-02", {"submitted": 7})
    counters.add("d12", "2026-10-03", {"submitted": 0})               # nothing to add: no bucket
    days = counters.days("d12", "2026-10-01", "2026-10-05")
    assert [d["sk"] for d in days] == ["2026-10-01", "2026-10-02"]
    assert {k: days[1][k] for k in ("submitted", "accepted", "rejected", "rej_REQUIRED", "last_submission")} == {
        "submitted": 4, "accepted": 3, "rejected": 1, "rej_REQUIRED": 1, "last_submission": "s2"}
    assert counters.last_submission("d12") == "s2" and counters.last_submission("d99") is None
    assert counters.update_op("d12", "2026-10-02", {"submitted": 0}) is None


def test_a_late_tally_is_only_an_item_for_a_transaction(counters):
    for day, ids in (("2026-10-01", ["a", "b"]), ("2026-10-02", ["c"]), ("2026-10-05", ["d"])):
        assert counters.late_tally("d12", day, ids) is not None
    assert counters.late_tally("d12", "2026-10-01", []) is None
    assert counters.late("d12", "2026-10-01", "2026-10-05") == 0      # an uncommitted tally counts nothing


def test_pending_counts_settle_once_into_their_days(repos, counters):
    """A request's pending counts (written by the transactions of what they count) move to the day
    buckets with the settling request's own deltas; a settle of what changed since it was read
    moves nothing; an empty settle writes nothing."""
    assert counters.pending_op("d12", "REQ1", "2026-10-01", "t1", {"accepted": 0}) is None
    records = repos["record_repo"]

    def commit(n: int, day: str, request: str, deltas: dict, refs: list[str], late=()) -> None:
        op = counters.pending_op("d12", request, day, "t", deltas, refs, late)
        assert records.write([create(record(n))], extra=lambda _: op) == []

    commit(1, "2026-10-01", "REQ1", {"submitted": 2, "accepted": 2}, ["a#1", "b#1"], ["a"])
    commit(2, "2026-10-01", "REQ1", {"submitted": 1, "rejected": 1, "rej_REQUIRED": 1}, [])
    commit(3, "2026-10-02", "REQ2", {"submitted": 1, "accepted": 1}, ["c#2"])
    pending = {p.sk: p for p in counters.pending("d12")}
    assert {sk: (p.day, p.deltas, p.refs, p.late) for sk, p in pending.items()} == {
        "REQ1": ("2026-10-01", {"submitted": 3, "accepted": 2, "rejected": 1, "rej_REQUIRED": 1}, {"a#1", "b#1"},
                 {"a"}),
        "REQ2": ("2026-10-02", {"submitted": 1, "accepted": 1}, {"c#2"}, set())}
    assert counters.pending("d13") == []
    commit(4, "2026-10-02", "REQ2", {"accepted": 1}, [])                           # REQ2 changed since read
    assert counters.settle("d12", "2026-10-02", {"unchanged": 1}, "s1", list(pending.values())) is False
    assert counters.days("d12", "2026-10-01", "2026-10-09") == []                  # nothing moved
    assert counters.late("d12", "2026-10-01", "2026-10-09") == 0
    assert counters.settle("d12", "2026-10-02", {"unchanged": 1}, "s1", counters.pending("d12")) is True
    assert counters.pending("d12") == [] and counters.late("d12", "2026-10-01", "2026-10-01") == 1
    days = {d["sk"]: {k: v for k, v in d.items() if k not in ("pk", "sk")}
            for d in counters.days("d12", "2026-10-01", "2026-10-09")}
    assert days == {"2026-10-01": {"submitted": 3, "accepted": 2, "rejected": 1, "rej_REQUIRED": 1},
                    "2026-10-02": {"submitted": 1, "accepted": 2, "unchanged": 1, "last_submission": "s1"}}
    assert counters.settle("d12", "2026-10-02", {"unchanged": 0}, None, []) is True  # nothing to write


def test_deadlines_findings_latest_on_or_before(counters):
    counters.put_deadlines("2026-10-01", {"d12": {"missed": 1}})
    counters.put_deadlines("2026-10-03", {"d12": {"missed": 2}})
    assert counters.deadlines("2026-10-01") == {"d12": {"missed": 1}} and counters.deadlines("2026-10-02") == {}
    assert counters.latest_deadlines("2026-10-02") == {"d12": {"missed": 1}}
    assert counters.latest_deadlines("2026-10-09") == {"d12": {"missed": 2}}
    assert counters.latest_deadlines("2026-09-30") == {}
    assert counters.first_deadlines_day() == "2026-10-01"            # when the platform started


def test_scorecards_round_trip_with_floats(counters):
    body = {"month": "2026-10", "rows": [{"department": "d12", "share": 0.8333333333333334}]}
    counters.put_scorecards("2026-10", body)
    assert counters.scorecards("2026-10") == body and counters.scorecards("2026-11") is None


def test_parallel_adds_lose_nothing(counters, busy_threads):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: counters.add("d12", "2030-01-01", {"submitted": 1, "accepted": n % 2}), range(100)))
    (bucket,) = counters.days("d12", "2030-01-01", "2030-01-01")
    assert (bucket["submitted"], bucket["accepted"]) == (100, 50)
