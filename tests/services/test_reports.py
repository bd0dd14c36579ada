"""Reports and scorecards on fakes: what the counters hold, summed per department and month."""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.clock import today
from chalicelib.errors import BadRequest
from chalicelib.local.demo_data import sample_record
from tests.services.conftest import accepted, register, run_job, submit


def rows(report: dict) -> dict:
    return {r["department"]: r for r in report["items"]}


def test_the_report_sums_the_batches_of_a_department(c):
    register(c)
    submit(c, "d12", "admin_penalty", [sample_record("admin_penalty"), {"CF_WSH": "x"}])
    accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_WSH="罚-2")])
    d12 = rows(c.reports.departments(None, None))["d12"]
    assert (d12["submitted"], d12["accepted"], d12["rejected"], d12["late"]) == (3, 2, 1, 2)
    assert d12["rejection_rate"] == round(1 / 3, 4) and d12["last_submission"] is not None
    total = c.reports.departments(None, None)["total"]
    assert total["submitted"] == 3 + 1                                    # + the registration of d21
    assert "d12" not in rows(c.reports.departments(None, None, region="510802"))   # a county's departments only


def test_publication_timeliness_and_days_to_publication(c):
    register(c)
    accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty")])    # decided 2026-09-28, deadline 10-30
    run_job(c, "forward")
    d12 = rows(c.reports.departments(None, None))["d12"]
    on_time = today().isoformat() <= "2026-10-30"
    assert (d12["published_on_time"], d12["published_late"]) == ((1, 0) if on_time else (0, 1))
    assert d12["median_days_to_publication"] == (today() - date(2026, 9, 28)).days


def test_bad_report_periods_are_refused(c):
    with pytest.raises(BadRequest):
        c.reports.departments(date(2026, 10, 2), date(2026, 10, 1))
    with pytest.raises(BadRequest):
        c.reports.departments(date(2020, 1, 1), date(2026, 1, 1))
    with pytest.raises(BadRequest):
        c.reports.departments(None, None, region="999999")


def test_scorecards_equal_the_report_and_are_stored_once_built(c):
    register(c)
    accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty")])
    run_job(c, "forward")
    month = today().strftime("%Y-%m")
    assert c.counter_repo.scorecards(month) is None
    built = c.scorecards.month(None)
    assert c.counter_repo.scorecards(month) == built
    card = {i["department"]: i for i in built["items"]}["d12"]
    report = rows(c.reports.departments(today().replace(day=1), today()))["d12"]
    assert (card["submitted"], card["published"], card["rejection_rate"]) == (
        report["submitted"], report["published_on_time"] + report["published_late"], report["rejection_rate"])
    assert run_job(c, "deadlines")["scorecards"][-1]["month"] == month
