"""The registry side of `registration` records: enterprises, re-matching of pending records, 双告知.

Re-matching is driven by the registration itself (an event on the write path): the pending
markers of the codes that just arrived are read (one BatchGetItem per 100 codes for a small batch,
one Query per marker shard for a large one: see dal/records.py), and the sparse `by_pending` index
is queried only for the codes that carry one — never a scan, and nothing more than the marker read
when nothing waits (the common case). The registry items and the 双告知 notices are idempotent puts
in transactions of up to 100, an enterprise's together with its notices (dal/batch.put_all).
"""
from __future__ import annotations

from datetime import timedelta

from chalicelib import pagination
from chalicelib.clock import now, now_iso
from chalicelib.dal.records import Change
from chalicelib.domain.identifiers import region_of, region_of_regno
from chalicelib.models.principal import Principal
from chalicelib.models.record import Enterprise, Record, RecordVersion
from chalicelib.services.matching import same_name

# A pending marker younger than this is kept even when `by_pending` shows nothing left under its
# code: the index may not show a record written a moment ago yet.
MARKER_GRACE = timedelta(minutes=10)
NOTICES = pagination.Shape({"department", "sk"})      # a 双告知 notice's key: department + time#code


class RegistryService:
    def __init__(self, catalog, registry, records, notices):
        self.catalog = catalog
        self.registry = registry
        self.records = records
        self.notice_store = notices

    def apply(self, registrations: list[Record], before: dict[str, Enterprise]) -> dict:
        """Create/update enterprises from registration records; re-match what waited for them."""
        stamp = now_iso()
        enterprises: list[Enterprise] = []
        for rec in registrations:
            code = rec.uscc or rec.regno
            old = before.get(code) or (before.get(rec.regno) if rec.regno else None)
            former = list(old.former_names) if old else []
            if old and not same_name(old.name, rec.name) and old.name not in former:
                former.append(old.name)
            enterprises.append(Enterprise(
                code=code, uscc=rec.uscc, regno=rec.regno or (old.regno if old else None), name=rec.name,
                former_names=[n for n in former if not same_name(n, rec.name)],
                region=region_of(rec.uscc) if rec.uscc else region_of_regno(rec.regno or ""),
                status=rec.fields.get("status"), business_scope=rec.fields.get("business_scope"),
                registered_on=rec.fields.get("established_date"), updated_at=stamp))
        new = [e for e in enterprises if e.code not in before]
        # an enterprise and its notices commit together: a failed write leaves the enterprise
        # unknown, so the resend applies it again, notices included
        self.registry.save(enterprises, also=self.notice_store.puts(self._notices(new, stamp)))
        return {"enterprises": len(enterprises), "rematched": self._rematch(enterprises, stamp),
                "notices": len(new)}

    def notices(self, principal: Principal, since: str | None, limit: int, cursor: str | None) -> dict:
        """双告知: the principal's department's notices of new registrations, newest first, from `since`
        on; a cursor of another list, department or range is BAD_CURSOR before any read."""
        department = principal.department
        after = pagination.read(cursor, NOTICES, {"department": department,
                                                  "sk": lambda sk: not since or sk >= since}).key
        items, last = self.notice_store.since(department, since, limit, after)
        return {"items": items, "next_cursor": pagination.encode(last)}

    def _rematch(self, enterprises: list[Enterprise], stamp: str) -> int:
        markers = self.records.pending_markers(c for e in enterprises for c in (e.uscc, e.regno) if c)
        changes: list[Change] = []
        left: set[str] = set()        # codes that still have pending records after this
        for e in enterprises:
            for code in sorted({c for c in (e.uscc, e.regno) if c} & markers.keys()):
                for prev in self.records.all_in_index("by_pending", "pending_code", code):
                    if not same_name(prev.name, e.name) and not any(same_name(prev.name, n) for n in e.former_names):
                        left.add(code)
                        continue  # stays pending; the department sees it in the pending report
                    rec = prev.model_copy(update={
                        "match": "local", "enterprise_code": e.code, "uscc": e.uscc, "regno": e.regno or prev.regno,
                        "version": prev.version + 1, "updated_at": stamp, "updated_by": "system"})
                    changes.append(Change(record=rec, previous=prev, version=RecordVersion(
                        record_id=rec.record_id, version=rec.version, op="rematch", fields=rec.fields,
                        masked_fields=rec.masked_fields, content_hash=rec.content_hash, by="system", at=stamp,
                        reason=f"企业登记信息已归集，关联至 {e.code}")))
        lost = self.records.write(changes)
        left |= {c.previous.enterprise_code for c in lost}
        self.records.clear_pending_markers({c: t for c, t in markers.items() if c not in left},
                                           touched_before=(now() - MARKER_GRACE).isoformat(timespec="milliseconds"))
        return len(changes) - len(lost)

    def _notices(self, enterprises: list[Enterprise], stamp: str) -> list[dict]:
        return [{"department": dept, "code": e.code, "name": e.name, "business_scope": e.business_scope or "",
                 "registered_on": e.registered_on or "", "notified_at": stamp}
                for e in enterprises for dept in sorted(self.catalog.scope_departments(e.business_scope or ""))]
