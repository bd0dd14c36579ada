"""督查 drill-down (#23): a click on a department in the report opens its open rejections, counted
by error code, and its late records of the period. Read-only; contents of rejections are not shown
(only codes, 文号 and dates), so a supervisor sees the work to be done, not the rejected rows."""
from __future__ import annotations

from collections import Counter
from datetime import date

from chalicelib.clock import today
from chalicelib.errors import BadRequest, NotFound

MAX_REJECTIONS = 2000     # open rejections read for the counts (more: `rejections_more` is true)
MAX_LATE = 500
LISTED = 50               # open rejections listed one by one (the oldest)


class DrillDownService:
    def __init__(self, departments, rejections, records, catalog):
        self.departments = departments
        self.rejections = rejections     # dal.rejections.RejectionRepository
        self.records = records           # dal.records.RecordRepository
        self.catalog = catalog

    def department(self, department_id: str, start: date | None, end: date | None) -> dict:
        dept = self.departments.resolve(department_id)
        if dept is None:
            raise NotFound("部门不存在")
        end = end or today()
        start = start or end.replace(day=1)
        if start > end:
            raise BadRequest("from 不得晚于 to", details=[{"field": "from", "code": "DATE_ORDER"}])
        open_rej, rej_more = self.rejections.oldest_open(dept.id, MAX_REJECTIONS)
        late, late_more = self.records.late_received(dept.id, start.isoformat(), end.isoformat(), MAX_LATE)
        codes: Counter = Counter()
        oldest: dict[str, str] = {}
        for r in open_rej:
            for code in dict.fromkeys(r.codes or [e.get("code") for e in r.errors if e.get("code")]):
                codes[code] += 1
                oldest[code] = min(oldest.get(code, r.first_seen), r.first_seen)
        names = {c.id: c.name for c in self.catalog.categories.values()}
        return {
            "department": dept.id, "name": dept.name, "from": start.isoformat(), "to": end.isoformat(),
            "rejections_open": len(open_rej), "rejections_more": rej_more,
            "by_code": [{"code": c, "count": n, "oldest_first_seen": oldest[c]} for c, n in codes.most_common()],
            "rejections": [{"rejection_id": r.rejection_id, "category": r.category, "category_name": names.get(r.category),
                            "source_ref": r.source_ref, "codes": list(dict.fromkeys(r.codes)), "first_seen": r.first_seen,
                            "times_seen": r.times_seen} for r in open_rej[:LISTED]],
            "late": [{"record_id": r.record_id, "category": r.category, "category_name": names.get(r.category),
                      "source_ref": r.source_ref, "name": r.name, "decision_date": r.decision_date,
                      "collect_deadline": r.collect_deadline, "received_at": r.received_at, "state": r.state}
                     for r in late],
            "late_more": late_more,
        }
