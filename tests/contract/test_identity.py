"""Contracts of the identity state: login throttle, token cut-offs, audit entries, attestations."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from chalicelib.dal.throttle import ThrottleRepository
from chalicelib.models.audit import AuditEntry
from tests.contract.conftest import drain
from tests.fakes import FakeThrottleRepository


class Clock:
    def __init__(self, t: float = 1_900_000_000):
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def throttle(repos, clock):
    real = repos["throttle"]
    return FakeThrottleRepository(clock) if isinstance(real, FakeThrottleRepository) else \
        ThrottleRepository(real.table, clock)


def test_a_window_admits_at_most_its_limit(throttle, clock):
    assert [throttle.admit("login#a", 3, 60) for _ in range(4)] == [True, True, True, False]
    assert throttle.admit("login#b", 3, 60)                               # another key, another window
    throttle.refund("login#a")
    assert throttle.admit("login#a", 3, 60) and not throttle.admit("login#a", 3, 60)
    clock.t += 61                                                         # the window expired: a new one
    assert throttle.admit("login#a", 3, 60)
    throttle.clear("login#a")
    assert [throttle.admit("login#a", 1, 60) for _ in range(2)] == [True, False]


def test_refund_of_the_only_attempt_leaves_nothing(throttle):
    throttle.admit("login#a", 1, 60)
    throttle.refund("login#a")
    throttle.refund("login#a")                                            # nothing left to give back: no-op
    assert [throttle.admit("login#a", 1, 60) for _ in range(2)] == [True, False]


def test_token_cutoffs(throttle, clock):
    assert throttle.tokens_valid_after("alice") is None
    assert throttle.revoke_tokens("alice") == int(clock.t)
    clock.t += 10
    assert throttle.revoke_tokens("alice") == int(clock.t) == throttle.tokens_valid_after("alice")


def entry(at: str, actor="alice", target="/v1/records", request_id="req") -> AuditEntry:
    return AuditEntry(actor=actor, role="operator", department="d12", action="POST /v1/records", target=target,
                      at=at, request_id=request_id, outcome="ok", details={"n": 1})


def test_audit_is_append_only(repos):
    audit = repos["audit_repo"]
    e = entry("2030-01-01T09:00:00.000+08:00")
    audit.append(e)
    audit.append(e, seq=1)
    with pytest.raises(ClientError) as refused:
        audit.append(e)
    assert refused.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert audit.by_day("2030-01-01", 10, None)[0] == [e, e]


def test_audit_newest_first_by_day_and_by_index(repos):
    audit = repos["audit_repo"]
    entries = [entry(f"2030-01-01T09:00:0{n}.000+08:00", actor="bob" if n % 2 else "alice", request_id=f"r{n}")
               for n in range(6)]
    for e in entries:
        audit.append(e)
    days = drain(lambda limit, after: audit.by_day("2030-01-01", limit, after), 4)
    assert [e for p in days for e in p] == entries[::-1]
    bob = drain(lambda limit, after: audit.by_index("by_actor", "actor", "bob", "2030-01-01", "2030-01-01\uffff",
                                                    limit, after), 2)
    assert [e for p in bob for e in p] == [entries[5], entries[3], entries[1]]
    _, last = audit.by_index("by_actor", "actor", "bob", "2030-01-01", "2030-01-01\uffff", 1, None)
    assert set(last) == {"day", "sk", "actor", "at"}                     # the cursor shape services check
    none, _ = audit.by_index("by_target", "target", "/v1/records", "2030-01-02", "2030-01-02\uffff", 10, None)
    assert none == []


def test_attestations_live_until_their_ttl(repos):
    cache = repos["attestation_cache"]
    cache.put("k1", {"signature": "abc", "payload": "{}"}, 3600)
    got = cache.get("k1")
    assert (got["signature"], got["payload"]) == ("abc", "{}")
    cache.put("k2", {"signature": "old"}, 0)                              # expires at once
    assert cache.get("k2") is None and cache.get("k3") is None


def test_parallel_attempts_admit_at_most_the_limit(throttle, busy_threads):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        admitted = list(pool.map(lambda _: throttle.admit("login#a", 3, 60), range(50)))
    assert admitted.count(True) == 3
