"""Public change feed and department scorecards — built from what the platform already keeps.

Change feed: every publication, withdrawal and expiry in order (the change log, one partition per
day), resumable from an opaque cursor: a page ends at a change, and the next page starts right
after it — no gaps, no repeats, also when a client polls again later. Retention: the change log
is kept as long as the jobs table keeps it (no expiry configured); the documented window is
400 days.

Scorecards (GLEIF-style): per department and month, from the supervision counters.
"""
from __future__ import annotations

from datetime import date, timedelta

from chalicelib import pagination
from chalicelib.clock import parse_month, today

RETENTION_DAYS = 400
CURSOR = pagination.Shape({"pk", "sk"}, dated=True)
MAX_EMPTY_DAYS = 62       # a page walks at most this many days without changes


class ChangeFeed:
    def __init__(self, changes):
        self.changes = changes

    def page(self, cursor: str | None, limit: int) -> dict:
        pos = pagination.read(cursor, CURSOR, lambda d: {"pk": f"CHANGES#{d.isoformat()}"})
        day = pos.day or date.fromisoformat(self.changes.first_day() or today().isoformat())
        if day < today() - timedelta(days=RETENTION_DAYS):
            day, pos = today() - timedelta(days=RETENTION_DAYS), pagination.Position()
        after = pos.key
        items: list[dict] = []
        empty = 0
        while day <= today() and len(items) < limit and empty < MAX_EMPTY_DAYS:
            page, last = self.changes.day(day.isoformat(), after, limit - len(items))
            items += page
            if page:
                after = {"pk": f"CHANGES#{day.isoformat()}", "sk": page[-1]["sk"]}
            if last and len(items) >= limit:
                break
            if not last:
                if day == today():
                    break
                day, after, empty = day + timedelta(days=1), None, (0 if page else empty + 1)
        position = {"d": day.isoformat(), **({"k": after} if after else {})}
        return {"items": [{**{k: v for k, v in i.items() if k != "sk"}, "seq": i["sk"]} for i in items],
                "next_cursor": pagination.encode(position), "retention_days": RETENTION_DAYS}


class Scorecards:
    def __init__(self, reports):
        self.reports = reports

    def month(self, month: str | None) -> dict:
        """Per department: published on time share, median days to publication, rejection rate."""
        first = _month_start(month)
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        report = self.reports.departments(first, min(last, today()))
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


def _month_start(month: str | None) -> date:
    return parse_month(month) or today().replace(day=1)
