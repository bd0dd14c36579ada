"""RecordRepository contract: conditional versioned writes, moves, identities, indexes, pages."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.dal.records import Change
from chalicelib.models.record import Record, RecordVersion
from tests.contract.conftest import drain

STAMP = "2026-10-01T09:00:00.000+08:00"


def record(n: int, *, code="CODE-A", version=1, match="local", department="d12", category="admin_penalty",
           received_at=None, **more) -> Record:
    return Record(record_id=f"R{n:04d}", department=department, category=category, source_ref=f"REF-{n}",
                  version=version, match=match, enterprise_code=code, name="示例公司", fields={"n": n},
                  content_hash=f"h{n}-{version}", received_at=received_at or f"2026-10-01T09:{n // 60:02d}:{n % 60:02d}",
                  updated_at=STAMP, updated_by="op", **more)


def create(rec: Record) -> Change:
    return Change(record=rec, previous=None, version=RecordVersion(
        record_id=rec.record_id, version=rec.version, op="create", fields=rec.fields, content_hash=rec.content_hash,
        by="op", at=STAMP))


def modify(prev: Record, **update) -> Change:
    rec = prev.model_copy(update={"version": prev.version + 1, **update})
    return Change(record=rec, previous=prev, version=RecordVersion(
        record_id=rec.record_id, version=rec.version, op="modify", fields=rec.fields, content_hash=rec.content_hash,
        by="op", at=STAMP))


@pytest.fixture
def records(repos):
    return repos["record_repo"]


def test_round_trip(records):
    rec = record(1)
    assert records.write([create(rec)]) == []
    assert records.get("R0001") == rec
    assert records.get_many([("CODE-A", "R0001"), ("CODE-A", "R9999"), ("NOPE", "R0001")]) == {"R0001": rec}
    ident = records.identities([rec.identity, "d12|admin_penalty|missing"])
    assert set(ident) == {rec.identity}
    assert (ident[rec.identity]["rid"], ident[rec.identity]["epk"], ident[rec.identity]["version"]) == \
        ("R0001", "CODE-A", 1)
    assert records.of_enterprise("CODE-A") == [rec]
    assert [v.version for v in records.history("R0001")] == [1]
    assert records.get("R9999") is None


def test_a_second_create_of_the_same_identity_loses(records):
    first = create(record(1))
    assert records.write([first]) == []
    again = create(record(1).model_copy(update={"record_id": "R0002"}))   # same department/category/source_ref
    assert records.write([again]) == [again]
    assert records.get("R0002") is None


def test_a_stale_version_loses_and_the_right_one_wins(records):
    rec = record(1)
    records.write([create(rec)])
    v2 = modify(rec, fields={"n": 2})
    assert records.write([v2]) == []
    stale = modify(rec, fields={"n": 3})               # built from version 1 again
    assert records.write([stale]) == [stale]
    assert records.get("R0001").fields == {"n": 2}
    assert [v.version for v in records.history("R0001")] == [1, 2]


def test_losers_of_a_batch_are_reported_and_the_others_written(records):
    a, b = record(1), record(2)
    records.write([create(a), create(b)])
    fresh = modify(a, fields={"n": 10})
    stale = Change(record=b.model_copy(update={"version": 5}), previous=b.model_copy(update={"version": 4}))
    new = create(record(3))
    assert records.write([fresh, stale, new]) == [stale]
    assert records.get("R0001").version == 2 and records.get("R0002").version == 1 and records.get("R0003")


def test_a_move_leaves_the_old_partition(records):
    rec = record(1)
    records.write([create(rec)])
    assert records.write([modify(rec, enterprise_code="CODE-B")]) == []
    assert records.of_enterprise("CODE-A") == []
    assert [r.version for r in records.of_enterprise("CODE-B")] == [2]
    assert records.identities([rec.identity])[rec.identity]["epk"] == "CODE-B"


def test_by_department_newest_first_in_pages_without_gaps_or_repeats(records):
    recs = [record(n, category="admin_penalty" if n % 2 else "admin_license") for n in range(1, 8)]
    recs.append(record(50, department="d13"))
    records.write([create(r) for r in recs])
    pages = drain(lambda limit, after: records.by_department("d12", limit, after), 3)
    ids = [r.record_id for page in pages for r in page]
    assert ids == [f"R{n:04d}" for n in range(7, 0, -1)]
    assert all(len(p) <= 3 for p in pages)
    penalties = drain(lambda limit, after: records.by_department("d12", limit, after, category="admin_penalty"), 2)
    assert [r.record_id for p in penalties for r in p] == ["R0007", "R0005", "R0003", "R0001"]
    _, last = records.by_department("d12", 3, None)
    assert set(last) == {"pk", "sk", "department", "received_at"}      # the cursor shape services check


def test_sparse_indexes_hold_what_services_query(records):
    due = record(1)                                              # accepted, never forwarded: due
    pending = record(2, match="pending", code="REGNO-P")
    published = record(3, state="published", published_version=1, publish_until="2027-01-01")
    late_until = record(4, state="published", published_version=1, publish_until="2028-01-01")
    records.write([create(r) for r in (due, pending, published, late_until)])
    assert [r.record_id for r in records.all_in_index("by_forward", "forward_due", "due")] == ["R0001"]
    expiring = records.all_in_index("by_public_until", "public_state", "published", upper="2027-06-30",
                                    range_name="publish_until")
    assert [r.record_id for r in expiring] == ["R0003"]
    everything = records.all_in_index("by_public_until", "public_state", "published")
    assert [r.record_id for r in everything] == ["R0003", "R0004"]                 # in range-key order
    assert [r.record_id for r in records.all_in_index("by_pending", "pending_code", "REGNO-P")] == ["R0002"]


def test_every_record_of_an_index_across_pages(records):
    """More than one Query page (500 items): every record once."""
    records.write([create(record(n)) for n in range(1, 521)])
    due = records.all_in_index("by_forward", "forward_due", "due")
    assert len(due) == len({r.record_id for r in due}) == 520


def test_pending_markers_are_written_and_cleared_only_as_read(records):
    rec = record(1, match="pending", code="REGNO-P")
    records.write([create(rec)])
    markers = records.pending_markers(["REGNO-P", "REGNO-X", ""])
    assert set(markers) == {"REGNO-P"}
    assert records.clear_pending_markers({"REGNO-P": "not-as-read"}, touched_before="9999") == 0
    assert records.clear_pending_markers(markers, touched_before="0000") == 0       # too young
    assert records.pending_markers(["REGNO-P"]) == markers
    assert records.clear_pending_markers(markers, touched_before="9999") == 1
    assert records.pending_markers(["REGNO-P"]) == {}


def test_extra_item_commits_with_the_creates_only(repos, records):
    counters = repos["counter_repo"]

    def tally(group):
        return counters.late_tally("d12", "2026-10-01", [c.record.record_id for c in group if c.previous is None])

    changes = [create(record(n)) for n in (1, 2)]
    assert records.write(changes, extra=tally) == []
    assert records.write([create(record(1))], extra=tally) != []          # a resend creates nothing
    assert counters.late("d12", "2026-10-01", "2026-10-01") == 2


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(limit=st.integers(min_value=1, max_value=9), category=st.sampled_from([None, "admin_penalty"]))
def test_any_page_size_reads_every_record_once_in_order(records, limit, category):
    """Pages of any size, filtered or not, join up to the whole list: no gap, no repeat, newest first."""
    if not records.get("R0001"):            # the same 8 records for every example (reads are idempotent)
        records.write([create(record(n, category="admin_penalty" if n % 2 else "admin_license"))
                       for n in range(1, 9)])
    pages = drain(lambda lim, after: records.by_department("d12", lim, after, category=category), limit)
    ids = [r.record_id for p in pages for r in p]
    assert ids == [f"R{n:04d}" for n in range(8, 0, -1) if category is None or n % 2]


def test_late_received_keeps_the_late_ones_of_the_days_newest_first_up_to_a_cap(records):
    rows = [record(1, late=True, received_at="2026-10-01T09:00:01"),
            record(2, late=False, received_at="2026-10-02T09:00:00"),
            record(3, late=True, received_at="2026-10-03T23:59:59"),
            record(4, late=True, received_at="2026-10-04T00:00:00"),                  # after the range
            record(5, late=True, department="d23", received_at="2026-10-02T09:00:00")]
    records.write([create(r) for r in rows])
    got, more = records.late_received("d12", "2026-10-01", "2026-10-03", 10)
    assert [r.record_id for r in got] == ["R0003", "R0001"] and not more
    got, more = records.late_received("d12", "2026-10-01", "2026-10-03", 1)
    assert [r.record_id for r in got] == ["R0003"] and more
