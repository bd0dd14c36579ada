"""Public change feed and department scorecards — built from what the platform already keeps.

Change feed: every publication, withdrawal and expiry in order (the change log, one partition per
day), resumable from an opaque cursor: a page ends at a change, and the next page starts right
after it — no gaps, no repeats, also when a client polls again later. Retention: the change log
is kept as long as the jobs table keeps it (no expiry configured); the documented window is
400 days.

Scorecards (GLEIF-style): per department and month, from the supervision counters. Summing a
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

from chalicelib import pagination
from chalicelib.clock import today
from chalicelib.domain.projection import compacted
from chalicelib.errors import BadRequest

RETENTION_DAYS = 400
MAX_EMPTY_DAYS = 62       # a page walks at most this many days without changes


class ChangeFeed:
    """The change log as the public may read it: a `publish` entry keeps its content only while it
    is the record's current public copy (domain.projection.compacted), checked on each page."""

    def __init__(self, changes, public):
        self.changes = changes
        self.public = public

    def page(self, cursor: str | None, limit: int) -> dict:
        pos = pagination.decode(cursor) or {}
        start = pos.get("d") or self.changes.first_day() or today().isoformat()
        try:
            day = date.fromisoformat(start)
        except (ValueError, TypeError):
            raise BadRequest("分页游标无效", details=[{"field": "cursor", "code": "BAD_CURSOR"}]) from None
        day = max(day, today() - timedelta(days=RETENTION_DAYS))
        after = pos.get("k")
        items: list[dict] = []
        empty = 0
        end = max(today(), date.fromisoformat(self.changes.last_day() or today().isoformat()))  # as_of jobs log ahead
        while day <= end and len(items) < limit and empty < MAX_EMPTY_DAYS:
            page, last = self.changes.day(day.isoformat(), after, limit - len(items))
            items += page
            if page:
                after = {"pk": f"CHANGES#{day.isoformat()}", "sk": page[-1]["sk"]}
            if last and len(items) >= limit:
                break
            if not last:
                if day == end:
                    break
                day, after, empty = day + timedelta(days=1), None, (0 if page else empty + 1)
        position = {"d": day.isoformat(), **({"k": after} if after else {})}
        versions = self.public.current_versions([(i["code"], i["category"], i["record_id"]) for i in items
                                                 if i["op"] == "publish"])
        current = {(code, rid): v for (code, _, rid), v in versions.items()}
        items = [compacted(i, current) for i in items]
        return {"items": [{**{k: v for k, v in i.items() if k != "sk"}, "seq": i["sk"]} for i in items],
                "next_cursor": pagination.encode(position), "retention_days": RETENTION_DAYS}


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
        report = self.reports.departments(first, through)
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
    if not month:
        return today().replace(day=1)
    try:
        return date.fromisoformat(f"{month}-01")
    except ValueError:
        raise BadRequest("month 应为 YYYY-MM", details=[{"field": "month", "code": "BAD_DATE"}]) from None
