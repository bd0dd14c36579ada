"""Audit trail: one entry per request for writes, logins, jobs and reads of non-public data."""
from __future__ import annotations

from datetime import date, timedelta

from chalicelib import pagination
from chalicelib.clock import now_iso, today
from chalicelib.errors import BadRequest
from chalicelib.models.audit import AuditEntry
from chalicelib.models.principal import Principal

MAX_DAYS = 366
MAX_TARGET_CHARS = 256     # the target is an index key (≤ 2048 bytes); a hostile path or body may name anything
BY_DAY = pagination.Shape({"day", "sk"}, dated=True)


class AuditService:
    def __init__(self, repo):
        self.repo = repo

    def record(self, principal: Principal, action: str, *, target: str = "-", request_id: str,
               outcome: str, details: dict | None = None) -> None:
        self.repo.append(AuditEntry(
            actor=principal.username, role=principal.role, department=principal.department,
            action=action, target=(target or "-")[:MAX_TARGET_CHARS], at=now_iso(), request_id=request_id,
            outcome=outcome, details=details or {}))

    def search(self, *, actor: str | None, target: str | None, start: date | None, end: date | None,
               limit: int, cursor: str | None) -> dict:
        """Entries newest first, by actor or target index, else day by day over [start, end]."""
        end = end or today()
        start = start or end - timedelta(days=30)
        if start > end or (end - start).days > MAX_DAYS:
            raise BadRequest("查询区间无效：from 不得晚于 to，且不超过一年",
                             details=[{"field": "from", "code": "BAD_REQUEST"}])
        if actor or target:
            key, value, index = ("actor", actor, "by_actor") if actor else ("target", target, "by_target")
            lo, hi = start.isoformat(), end.isoformat() + "\uffff"
            after = pagination.read(cursor, pagination.Shape({"day", "sk", key, "at"}, wrapped=True),
                                    {key: value, "at": lambda at: lo <= at <= hi}).key
            items, last = self.repo.by_index(index, key, value, lo, hi, limit, after)
            return {"items": [i.model_dump() for i in items],
                    "next_cursor": pagination.encode({"k": last} if last else None)}
        pos = pagination.read(cursor, BY_DAY, lambda d: {"day": d.isoformat()})
        day, after = pos.day or end, pos.key
        out: list[AuditEntry] = []
        while day >= start and len(out) < limit:
            items, last = self.repo.by_day(day.isoformat(), limit - len(out), after)
            out += items
            if last:
                return {"items": [i.model_dump() for i in out],
                        "next_cursor": pagination.encode({"d": day.isoformat(), "k": last})}
            day, after = day - timedelta(days=1), None
        more = day >= start and len(out) >= limit
        return {"items": [i.model_dump() for i in out],
                "next_cursor": pagination.encode({"d": day.isoformat()}) if more else None}
