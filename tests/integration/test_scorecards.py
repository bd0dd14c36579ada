"""Public scorecards: built once a day by `deadlines`, stored as one item a month, read with one GetItem.

The body is what the old per-request computation gave (the supervision report of the month,
reshaped), plus `through` and `built_at`; the DynamoDB calls of a read are counted with the
botocore hook of test_request_costs.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from chalicelib.clock import today
from chalicelib.local.demo_data import sample_record
from tests.integration.helpers import accepted, register, run_job, submit
from tests.integration.test_request_costs import Requests

ONE_READ = {"GetItem counters": 1}


@pytest.fixture
def counter(stack):
    return Requests(stack)


def scripted(client, login) -> None:
    """Two departments: accepted, late, on time and rejected records, then forwarded."""
    register(client, login)
    recent = today().replace(day=max(1, today().day - 1)).strftime("%Y/%m/%d")
    submit(client, login("op-d12", "operator", "d12"), "admin_penalty", [
        sample_record("admin_penalty"),                                               # late
        sample_record("admin_penalty", CF_WSH="新-1号", CF_JDRQ=recent, CF_YXQ="2030/01/01"),  # on time
        sample_record("admin_penalty", CF_WSH="坏-1号", CF_JDRQ="2026/02/30"),          # BAD_DATE
    ])
    submit(client, login("op-d23", "operator", "d23"), "admin_license", [
        sample_record("admin_license"), sample_record("admin_license", XK_WSH="x-2", XK_XDR_MC="别家公司")])
    run_job(client, login, "forward")


def old_scorecards(client, login, first: date, through: date) -> dict:
    """What GET /v1/public/scorecards computed on every request before: the month's report, reshaped.

    A copy of the old route's reshaping on purpose (the oracle must not call the code under test).
    """
    report = client.http.get(f"/v1/reports/departments?from={first}&to={through}",
                             headers=login("sup", "supervisor")).json_body
    items = []
    for row in report["items"]:
        published = row["published_on_time"] + row["published_late"]
        items.append({
            "department": row["department"], "name": row["name"], "month": first.strftime("%Y-%m"),
            "submitted": row["submitted"], "published": published,
            "published_on_time_share": round(row["published_on_time"] / published, 4) if published else None,
            "median_days_to_publication": row["median_days_to_publication"],
            "rejection_rate": row["rejection_rate"], "top_rejection_codes": row["top_rejection_codes"]})
    return {"month": first.strftime("%Y-%m"), "items": items}


def read(client, month: str | None = None) -> dict:
    resp = client.http.get("/v1/public/scorecards" + (f"?month={month}" if month else ""))
    assert resp.status_code == 200, resp.body
    return resp.json_body


def test_a_read_after_the_daily_job_is_one_getitem_and_equals_the_old_computation(client, login, counter):
    scripted(client, login)
    summary = run_job(client, login, "deadlines")
    first = today().replace(day=1)
    assert {"month": first.strftime("%Y-%m"), "through": today().isoformat()} in summary["scorecards"]
    with counter.measure() as calls:
        body = read(client)
    assert dict(calls) == ONE_READ
    assert {k: body[k] for k in ("month", "items")} == old_scorecards(client, login, first, today())
    assert body["through"] == today().isoformat() and body["built_at"].startswith(today().isoformat())
    cards = {c["department"]: c for c in body["items"]}
    assert len(cards) == 43
    assert (cards["d12"]["submitted"], cards["d12"]["published"], cards["d12"]["rejection_rate"]) == (3, 2, 0.3333)
    assert cards["d12"]["published_on_time_share"] == 0.5
    assert cards["d12"]["top_rejection_codes"] == [["BAD_DATE", 1]]
    assert cards["d23"]["top_rejection_codes"] == [["NAME_MISMATCH", 1]]
    assert cards["d01"]["published_on_time_share"] is None
    with counter.measure() as calls:                      # the same month named: the same one item
        assert read(client, first.strftime("%Y-%m")) == body
    assert dict(calls) == ONE_READ


def test_the_stored_month_is_what_reads_see_until_the_next_daily_build(client, login, counter):
    scripted(client, login)
    run_job(client, login, "deadlines")
    before = read(client)
    accepted(client, login("op-d12", "operator", "d12"), "admin_penalty",
             [sample_record("admin_penalty", CF_WSH="再-1号")])
    run_job(client, login, "forward")
    assert read(client) == before                         # no recomputation on a public read
    run_job(client, login, "deadlines")                   # the next day's 08:00 run
    after = read(client)
    first = today().replace(day=1)
    assert {k: after[k] for k in ("month", "items")} == old_scorecards(client, login, first, today())
    d12 = next(c for c in after["items"] if c["department"] == "d12")
    assert (d12["submitted"], d12["published"]) == (4, 3)


def test_a_month_nobody_built_is_built_once_on_its_first_read(client, login, counter):
    scripted(client, login)                               # no `deadlines` run: nothing stored yet
    first = today().replace(day=1)
    with counter.measure() as calls:
        body = read(client)
    assert calls["GetItem counters"] == 1 and calls["PutItem counters"] == 1
    assert sum(calls.values()) > 40                       # the month's counters, summed once
    assert {k: body[k] for k in ("month", "items")} == old_scorecards(client, login, first, today())
    with counter.measure() as calls:
        assert read(client) == body
    assert dict(calls) == ONE_READ
    past = (first - timedelta(days=1)).replace(day=1)     # a finished month: built once, then kept
    with counter.measure() as calls:
        built = read(client, past.strftime("%Y-%m"))
    assert calls["PutItem counters"] == 1 and built["through"] == (first - timedelta(days=1)).isoformat()
    with counter.measure() as calls:
        assert read(client, past.strftime("%Y-%m")) == built
    assert dict(calls) == ONE_READ


def test_a_finished_month_built_before_its_end_is_built_again_once(client, login, counter, stack):
    first = today().replace(day=1)
    past = (first - timedelta(days=1)).replace(day=1)
    stack.scorecards.build(past, past + timedelta(days=9))    # as if the job last ran on the 10th
    with counter.measure() as calls:
        body = read(client, past.strftime("%Y-%m"))
    assert calls["PutItem counters"] == 1 and body["through"] == (first - timedelta(days=1)).isoformat()
    with counter.measure() as calls:
        read(client, past.strftime("%Y-%m"))
    assert dict(calls) == ONE_READ


def test_the_run_on_the_first_of_a_month_also_finishes_the_month_before(client, login):
    first = today().replace(day=1)
    if first == today():
        pytest.skip("today is the 1st: the run on the 1st is the run of today (the other tests cover it)")
    summary = run_job(client, login, "deadlines", first.isoformat())
    last = first - timedelta(days=1)
    assert summary["scorecards"] == [{"month": last.strftime("%Y-%m"), "through": last.isoformat()},
                                     {"month": first.strftime("%Y-%m"), "through": first.isoformat()}]
    assert read(client, last.strftime("%Y-%m"))["through"] == last.isoformat()


def test_a_month_after_this_one_is_still_a_400(client):
    nxt = (today().replace(day=28) + timedelta(days=4)).strftime("%Y-%m")
    resp = client.http.get(f"/v1/public/scorecards?month={nxt}")
    assert resp.status_code == 400 and resp.json_body["error"]["code"] == "BAD_REQUEST"
