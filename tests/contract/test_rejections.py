"""Contracts of the rejections repository (回退, SPEC §5.1): conditional sightings, the ref items that
name a source_ref's open rejections, closing once, the inbox page and the open statistics."""
from __future__ import annotations

import pytest

from chalicelib.models.rejection import Rejection
from tests.contract.conftest import drain

IDENT = "d12|admin_penalty|罚-1号"


def rejection(n: int, **over) -> Rejection:
    stamp = f"2030-01-01T09:00:{n:02d}"
    return Rejection(**{"rejection_id": f"rj-{n:04d}", "department": "d12", "category": "admin_penalty",
                        "source_ref": "罚-1号", "channel": "batch", "row": n, "content": {"CF_WSH": "罚-1号", "n": n},
                        "errors": [{"field": "CF_JDRQ", "code": "BAD_DATE", "message": "日期"}], "codes": ["BAD_DATE"],
                        "first_seen": stamp, "last_seen": stamp, **over})


@pytest.fixture
def rejections(repos):
    return repos["rejection_repo"]


def test_a_new_rejection_is_written_once_and_a_sighting_only_over_the_count_read(rejections):
    a = rejection(1)
    assert rejections.save([(a, None)], {IDENT: [a.rejection_id]}) == []
    assert rejections.save([(a, None)], {}) == [a]                                  # exists: lost
    assert rejections.get("rj-0001") == a and rejections.get("rj-9999") is None
    seen = a.model_copy(update={"times_seen": 2})
    assert rejections.save([(seen, 5)], {}) == [seen]                               # not the count read
    assert rejections.save([(seen, 1)], {}) == []
    assert rejections.get_many(["rj-0001", "rj-9999"]) == {"rj-0001": seen}
    assert rejections.open_refs([IDENT, "d12|admin_penalty|other"]) == {IDENT: ["rj-0001"]}
    assert rejections.get(f"REF#{IDENT}") is None


def test_closing_removes_it_from_its_ref_and_the_open_index_once(rejections):
    a, b = rejection(1), rejection(2)
    assert not rejections.any_open("d12")
    rejections.save([(a, None), (b, None)], {IDENT: ["rj-0001", "rj-0002"]})
    assert rejections.any_open("d12") and rejections.open_stats("d12") == (2, a.first_seen)
    assert rejections.close([("rj-0001", IDENT, {"state": "resolved", "record_id": "R1"})], 99) == []
    assert rejections.close([("rj-0001", IDENT, {"state": "dismissed"})], 99) == ["rj-0001"]  # closed already
    got = rejections.get("rj-0001")
    assert (got.state, got.record_id, got.expires_at) == ("resolved", "R1", 99)
    assert rejections.open_refs([IDENT]) == {IDENT: ["rj-0002"]}
    assert rejections.open_stats("d12") == (1, b.first_seen)
    rejections.close([("rj-0002", IDENT, {"state": "dismissed", "dismissed_reason": "x"})], 99)
    assert rejections.open_refs([IDENT]) == {} and not rejections.any_open("d12")
    assert rejections.open_stats("d12") == (0, None)


def test_the_inbox_newest_last_seen_first_in_pages_with_filters(rejections):
    rows = [rejection(n, source_ref=None, uploads=["U1"] if n % 2 else [],
                      codes=["BAD_DATE"] if n < 4 else ["REQUIRED"]) for n in range(1, 7)]
    rejections.save([(r, None) for r in rows], {})
    rejections.save([(rejection(7, department="d23", source_ref=None), None)], {})
    pages = drain(lambda limit, after: rejections.by_department("d12", limit, after), 4)
    assert [r.rejection_id for page in pages for r in page] == [f"rj-{n:04d}" for n in range(6, 0, -1)]
    found = drain(lambda limit, after: rejections.by_department("d12", limit, after, code="BAD_DATE", upload_id="U1"), 2)
    assert [r.rejection_id for page in found for r in page] == ["rj-0003", "rj-0001"]
    assert rejections.by_department("d12", 10, None, state="resolved")[0] == []


def test_oldest_open_lists_open_ones_oldest_first_up_to_a_cap(rejections):
    rows = [rejection(n, source_ref=None) for n in (3, 1, 2)]
    rejections.save([(r, None) for r in rows], {})
    rejections.save([(rejection(9, department="d23", source_ref=None), None)], {})
    rejections.close([("rj-0002", None, {"state": "dismissed", "dismissed_reason": "x"})], 99)
    got, more = rejections.oldest_open("d12", 5)
    assert [r.rejection_id for r in got] == ["rj-0001", "rj-0003"] and not more
    got, more = rejections.oldest_open("d12", 1)
    assert [r.rejection_id for r in got] == ["rj-0001"] and more
    assert rejections.oldest_open("d99", 5) == ([], False)
