"""Department scorecards (GLEIF-style): per department and month, from the supervision counters.

Summing a
month of counters costs two Queries per department (~87 for the 43 departments), so a month is
built by the daily `deadlines` job (08:00, after `forward`) and kept as ONE item; the public route
answers from it with one GetItem, stamped `built_at` and `through` (the last day counted). The job
rebuilds the month of its day — and, on the 1st, the month before, so a finished month holds its
last day. A month nobody built yet (a past month, or the current one before its first run) is built
on demand once and stored; a past month built before its end (the job missed the 1st) is built once
more on its first read. So reads cost 1 request, and builds are bounded by the months the `month`
parameter accepts (each built once; a month after this one is a 400 before any build). Concurrent
first reads of an unbuilt month may each build it (same result, last write wins); the API stage's
method limits bound them.
"""
from __future__ import annotations

from datetime import date, timedelta

from chalicelib.clock import parse_month, today


class Scorecards:
    def __init__(self, reports, store):
        self.reports = reports
        self.store = store           # CounterRepository: one item per built month

    def month(self, month: str | None) -> dict:
        """The stored scorecards of `month` (default: this month); built once if none is stored yet."""
        first = _month_start(month)
        stored = self.store.scorecards(first.strftime("%Y-%m"))
        last = _month_end(first)
        if stored and (last >= today() or stored["through"] >= last.isoformat()):
            return stored
        return self.build(first, min(last, today()))

    def rebuild(self, as_of: date) -> dict:
        """The job's step: the month of `as_of`, and the month before when `as_of` is the 1st."""
        built = [self.build(first, min(_month_end(first), as_of))
                 for first in sorted({(as_of - timedelta(days=1)).replace(day=1), as_of.replace(day=1)})]
        return {"scorecards": [{"month": b["month"], "through": b["through"]} for b in built]}

    def build(self, first: date, through: date) -> dict:
        """Per department: published on time share, median days to publication, rejection rate — stored."""
        report = self.reports.departments(first, through, inbox=False)   # (no 回退 inbox columns here)
        items = []
        for row in report["items"]:
            published = row["published_on_time"] + row["published_late"]
            items.append({
                "department": row["department"], "name": row["name"], "month": first.strftime("%Y-%m"),
                "submitted": row["submitted"], "published": published,
                "published_on_time_share": round(row["published_on_time"] / published, 4) if published else None,
                "median_days_to_publication": row["median_days_to_publication"],
                "rejection_rate": row["rejection_rate"], "top_rejection_codes": row["top_rejection_codes"]})
        body = {"month": first.strftime("%Y-%m"), "items": items, "through": through.isoformat(),
                "built_at": report["generated_at"]}
        self.store.put_scorecards(body["month"], body)
        return body


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _month_start(month: str | None) -> date:
    return parse_month(month) or today().replace(day=1)
