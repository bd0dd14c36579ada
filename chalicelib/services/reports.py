"""督查考核 reports: per-department timeliness and quality from daily counters (no scan)."""
from __future__ import annotations

from collections import Counter
from datetime import date

from chalicelib.clock import now_iso, today
from chalicelib.errors import BadRequest

FIELDS = ("submitted", "accepted", "rejected", "late", "published_on_time", "published_late", "name_conflicts")
MAX_DAYS = 366 * 3


class ReportService:
    def __init__(self, directory, counters):
        self.directory = directory   # DepartmentService: every department, county ones included
        self.counters = counters

    def departments(self, start: date | None, end: date | None, region: str | None = None) -> dict:
        end = end or today()
        start = start or end.replace(day=1)
        if start > end or (end - start).days > MAX_DAYS:
            raise BadRequest("统计区间无效：from 不得晚于 to，且不超过三年",
                             details=[{"field": "from", "code": "BAD_REQUEST"}])
        depts = [d for d in self.directory.all() if not region or d.region == region]
        if region and not depts:
            raise BadRequest("没有该区县的部门", details=[{"field": "region", "code": "NOT_FOUND"}])
        findings = self.counters.latest_deadlines(end.isoformat())
        items = [self._row(d, start, end, findings.get(d.id, {})) for d in depts]
        total = {k: sum(i[k] for i in items) for k in (*FIELDS, "pending_overdue", "push_overdue")}
        total["rejection_rate"] = _rate(total["rejected"], total["submitted"])
        codes = Counter()
        for i in items:
            codes.update(dict(i["top_rejection_codes"]))
        total["top_rejection_codes"] = [[c, n] for c, n in codes.most_common(5)]
        return {"from": start.isoformat(), "to": end.isoformat(), "region": region, "generated_at": now_iso(),
                "items": items, "total": total}

    def _row(self, dept, start: date, end: date, finding: dict) -> dict:
        sums, codes, lags, last = Counter(), Counter(), Counter(), None
        for day in self.counters.days(dept.id, start.isoformat(), end.isoformat()):
            for k in FIELDS:
                sums[k] += int(day.get(k, 0))
            for k, v in day.items():
                if k.startswith("rej_"):
                    codes[k[4:]] += int(v)
                elif k.startswith("lag_"):
                    lags[int(k[4:])] += int(v)
            if day.get("last_submission"):
                last = max(last or "", day["last_submission"])
        sums["late"] += self.counters.late(dept.id, start.isoformat(), end.isoformat())   # (+ older buckets' late)
        return {"department": dept.id, "name": dept.name, "region": dept.region,
                **{k: sums[k] for k in FIELDS},
                "rejection_rate": _rate(sums["rejected"], sums["submitted"]),
                "top_rejection_codes": [[c, n] for c, n in codes.most_common(3)],
                "pending_overdue": int(finding.get("pending_overdue", 0)),
                "push_overdue": int(finding.get("push_overdue", 0)), "last_submission": last,
                "median_days_to_publication": _median(lags)}


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _median(histogram: Counter) -> float | None:
    """Median of a {value: count} histogram (None when empty)."""
    n = sum(histogram.values())
    if not n:
        return None
    ordered = sorted(histogram.items())

    def nth(k: int) -> int:
        seen = 0
        for value, c in ordered:
            seen += c
            if seen > k:
                return value
        return ordered[-1][0]
    return (nth((n - 1) // 2) + nth(n // 2)) / 2
