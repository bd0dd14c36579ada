"""ChangePublisher: the service that makes a public-side change logs it, then tells the subscribers
(the watchlists); the change log, a repository, calls nobody back."""
from __future__ import annotations

import inspect

from chalicelib.clock import today
from chalicelib.dal.changes import ChangeLog
from chalicelib.services.changes import ChangePublisher
from tests.fakes import FakeChangeLog


def change(n: int, op: str = "publish", **extra) -> dict:
    return {"at": f"2030-01-01T09:00:0{n}+08:00", "op": op, "code": "91110000000000000X", "category": "admin_penalty",
            "record_id": f"r{n}", "version": 1, **extra}


def test_changes_are_logged_then_every_subscriber_hears_them_even_after_one_fails():
    log, heard = FakeChangeLog(), []

    def broken(changes):
        raise RuntimeError("webhook store down")

    ChangePublisher(log, [broken, heard.append]).publish(today().isoformat(), [change(1), change(2, replaces=True)])
    assert [c["record_id"] for c in log.whole_day(today().isoformat())] == ["r1", "r2"]
    assert heard == [[change(1), change(2)]]                      # as logged: no `replaces`


def test_nothing_to_publish_tells_nobody():
    log, heard = FakeChangeLog(), []
    ChangePublisher(log, [heard.append]).publish(today().isoformat(), [])
    assert heard == [] and log.first_day() is None


def test_the_change_log_takes_no_listeners():
    assert list(inspect.signature(ChangeLog).parameters) == ["table"]
