"""Contracts of the upload items (create once, lease, pinned object, checkpoint) and watchlists."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from chalicelib.models.upload import Upload
from tests.contract.conftest import drain


def upload(n: int, department="d12") -> Upload:
    return Upload(upload_id=f"U{n:04d}", department=department, category="admin_penalty", filename="a.xlsx",
                  created_at=f"2030-01-01T09:00:{n:02d}", object_key=f"uploads/{department}/U{n:04d}/a.xlsx")


@pytest.fixture
def uploads(repos):
    return repos["uploads"]


def test_an_upload_is_created_once(uploads):
    u = upload(1)
    uploads.create(u)
    with pytest.raises(ClientError) as refused:
        uploads.create(u)
    assert refused.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert uploads.get("U0001") == u and uploads.get("U9999") is None


def test_one_lease_at_a_time_until_it_expires_or_is_released(uploads):
    uploads.create(upload(1))
    a, b = uploads.get("U0001"), uploads.get("U0001")
    assert uploads.acquire(a, "A", now=1000, seconds=60)
    assert (a.lease, a.lease_until) == ("A", 1060)
    assert not uploads.acquire(b, "B", now=1010, seconds=60)
    assert uploads.acquire(a, "A", now=1020, seconds=60)                  # the holder renews
    assert uploads.acquire(b, "B", now=2000, seconds=60)                  # expired: taken over
    uploads.release(a)                                                    # no longer a's: nothing happens
    assert not uploads.acquire(a, "A", now=2001, seconds=60)
    uploads.release(b)
    assert uploads.acquire(a, "A", now=2002, seconds=60)


def test_the_first_object_version_is_pinned(uploads):
    uploads.create(upload(1))
    u = uploads.get("U0001")
    assert uploads.pin_object(u, "v1", "e1") and (u.object_version, u.object_etag) == ("v1", "e1")
    other = uploads.get("U0001")
    assert not uploads.pin_object(other, "v2", "e2")
    assert uploads.get("U0001").object_version == "v1"


def test_a_checkpoint_needs_the_lease_and_the_progress_read(repos, uploads):
    counters = repos["counter_repo"]
    uploads.create(upload(1))
    u = uploads.get("U0001")
    uploads.acquire(u, "A", now=1000, seconds=60)
    u.next_row, u.rows_done = 500, 500
    assert uploads.checkpoint(u, 0, also=counters.update_op("d12", "2030-01-01", {"accepted": 500}))
    assert uploads.get("U0001").next_row == 500
    assert counters.days("d12", "2030-01-01", "2030-01-01")[0]["accepted"] == 500
    u.next_row = 1000
    assert not uploads.checkpoint(u, 0, also=counters.update_op("d12", "2030-01-01", {"accepted": 500}))
    assert counters.days("d12", "2030-01-01", "2030-01-01")[0]["accepted"] == 500    # not counted twice
    thief = uploads.get("U0001")
    uploads.acquire(thief, "B", now=5000, seconds=60)
    assert not uploads.checkpoint(u, 500)                                 # lease lost
    assert uploads.get("U0001").next_row == 500


def test_uploads_of_a_department_newest_first(uploads):
    for n in (2, 1, 3):
        uploads.create(upload(n))
    uploads.create(upload(4, department="d13"))
    assert [u.upload_id for u in uploads.by_department("d12", 50, None)[0]] == ["U0003", "U0002", "U0001"]
    page, last = uploads.by_department("d12", 2, None)
    assert [u.upload_id for u in page] == ["U0003", "U0002"]
    assert [u.upload_id for u in uploads.by_department("d12", 2, last)[0]] == ["U0001"]


@pytest.fixture
def watchlists(repos):
    return repos["watchlist_repo"]


def test_watched_codes_and_their_watchers(watchlists):
    watchlists.create({"id": "w1", "department": "d12", "callback": "https://a"}, ["C1", "C2"])
    watchlists.create({"id": "w2", "department": "d13", "callback": "https://b"}, ["C2"])
    assert watchlists.get("w1")["callback"] == "https://a" and watchlists.get("w9") is None
    assert watchlists.watched(["C1", "C2", "C3", "C1"]) == {"C1", "C2"}
    assert [w["watchlist_id"] for w in watchlists.watchers("C2")] == ["w1", "w2"]
    watchlists.set_restricted("C2", "w1", True)
    assert [w.get("restricted", False) for w in watchlists.watchers("C2")] == [True, False]


def test_deliveries_pending_until_done_and_listed_newest_first(watchlists):
    watchlists.create({"id": "w1"}, ["C1"])
    for n in range(1, 6):
        watchlists.put_delivery({"id": f"D{n}", "watchlist_id": "w1", "status": "pending", "events": [n]})
    watchlists.put_delivery({"id": "D2", "watchlist_id": "w1", "status": "delivered", "events": [2]})
    assert [d["id"] for d in watchlists.pending()] == ["D1", "D3", "D4", "D5"]
    pages = drain(lambda limit, after: watchlists.deliveries("w1", limit, after), 2)
    listed = [d for p in pages for d in p]
    assert [d["id"] for d in listed] == ["D5", "D4", "D3", "D2", "D1"]
    assert listed[3]["status"] == "delivered" and "events" not in listed[0]
