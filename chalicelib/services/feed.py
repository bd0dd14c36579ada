"""Public change feed — built from what the platform already keeps.

Every publication, withdrawal and expiry in order (the change log, one partition per
day), resumable from an opaque cursor: a page ends at a change, and the next page starts right
after it — no gaps, no repeats, also when a client polls again later. Retention: the change log
is kept as long as the jobs table keeps it (no expiry configured); the documented window is
400 days.
"""
from __future__ import annotations

from datetime import date, timedelta

from chalicelib import pagination
from chalicelib.clock import today
from chalicelib.domain.projection import compacted

RETENTION_DAYS = 400
CURSOR = pagination.Shape({"pk", "sk"}, dated=True)
MAX_EMPTY_DAYS = 62       # a page walks at most this many days without changes


class ChangeFeed:
    """The change log as the public may read it: a `publish` entry keeps its content only while it
    is the record's current public copy (domain.projection.compacted), checked on each page."""

    def __init__(self, changes, public):
        self.changes = changes
        self.public = public

    def page(self, cursor: str | None, limit: int) -> dict:
        pos = pagination.read(cursor, CURSOR, lambda d: {"pk": f"CHANGES#{d.isoformat()}"})
        day = pos.day or date.fromisoformat(self.changes.first_day() or today().isoformat())
        if day < today() - timedelta(days=RETENTION_DAYS):
            day, pos = today() - timedelta(days=RETENTION_DAYS), pagination.Position()
        after = pos.key
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
