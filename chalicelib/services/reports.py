"""督查考核 reports: per-department timeliness and quality from daily counters (no scan).

COLUMNS is the one definition of the report's table: the page (its JSON carries `columns` and
each row's `cells`) and the xlsx (adapters/report_xlsx.py) are both built from it, so they show
the same rows under the same labels. A department with nothing submitted in the period shows
"—" / "无数据", not a 0.0 % rejection rate (`rejection_rate` is null).

Counting per SPEC §5.1: submitted = accepted + rejected; identical resends are `unchanged` (in
neither); a rejection seen again is not counted again. `rejections_open` and
`oldest_open_rejection_days` are the 回退 inbox as it stands when the report is made.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.catalog import COUNTY_REGIONS
from chalicelib.clock import now_iso, today
from chalicelib.domain.messages import code_name
from chalicelib.errors import BadRequest
from chalicelib.models.catalog_item import ITEM_COUNTER

FIELDS = ("submitted", "accepted", "unchanged", "rejected", "late", "published_on_time", "published_late", "name_conflicts")
MAX_DAYS = 366 * 3
CITY_REGION = "510800"          # 市级部门
REGIONS = {CITY_REGION: "市级部门", **COUNTY_REGIONS}
NONE = "—"                      # nothing to show (no submissions, so no rate, no reasons)
NO_DATA = "无数据"               # never submitted in the period


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str          # text | count | rate | codes | flag | time | days


COLUMNS = (
    Column("name", "部门", "text"),
    Column("submitted", "报送条数", "count"),
    Column("accepted", "通过", "count"),
    Column("unchanged", "重复报送（未变）", "count"),
    Column("rejected", "回退", "count"),
    Column("rejection_rate", "回退率", "rate"),
    Column("top_rejection_codes", "主要回退原因", "codes"),
    Column("late", "迟报", "count"),
    Column("published_on_time", "按时公示", "count"),
    Column("published_late", "逾期公示", "count"),
    Column("pending_overdue", "待关联超期", "count"),
    Column("push_overdue", "逾期未报送", "flag"),
    Column("rejections_open", "待处理回退", "count"),
    Column("oldest_open_rejection_days", "最久未处理回退（天）", "days"),
    Column("objections_overdue", "异议/修复逾期未答复", "count"),
    Column("name_conflicts", "名称冲突", "count"),
    Column("last_submission", "最近报送", "time"),
)


def cn_datetime(iso: str | None) -> str | None:
    """ISO time (Asia/Shanghai) → 2026年12月07日 16:36."""
    if not iso:
        return None
    t = datetime.fromisoformat(iso)
    return f"{t.year}年{t.month:02d}月{t.day:02d}日 {t.hour:02d}:{t.minute:02d}"


def cell(column: Column, row: dict):
    """The value of one cell as the report shows it: int for counts, a fraction for rates
    (the page shows it as a percentage, the xlsx with a percent format), text otherwise."""
    value = row.get(column.key)
    idle = not row.get("submitted")
    if column.kind == "count":
        return int(value or 0)
    if column.kind == "days":
        return NONE if value is None else int(value)
    if column.kind == "rate":
        return NONE if idle or value is None else value
    if column.kind == "codes":
        return "、".join(f"{code_name(c)}（{n}）" for c, n in value or []) or NONE
    if column.kind == "flag":
        if value:
            return f"是（{value}）"
        return NONE if idle else "否"
    if column.kind == "time":
        return cn_datetime(value) or NO_DATA
    return value if value not in (None, "") else NONE


def cell_text(column: Column, row: dict) -> str:
    value = cell(column, row)
    if column.kind == "rate" and isinstance(value, float):
        return f"{value * 100:.1f}%"
    return str(value)


class ReportService:
    def __init__(self, directory, counters, open_rejections, item_names=lambda: {}):
        self.directory = directory   # DepartmentService: every department, county ones included
        self.counters = counters
        self.item_names = item_names   # () → 目录事项 code → name (the approved items)
        self.open_rejections = open_rejections   # department → (open rejections, oldest one's first_seen)

    def departments(self, start: date | None, end: date | None, region: str | None = None, *,
                    inbox: bool = True) -> dict:
        """The report; `inbox=False` leaves out the 回退 inbox's state (one or two Queries a department)
        and the 目录事项 names of `by_item` (a Query of the approved items), for readers that show
        neither (the public scorecards)."""
        end = end or today()
        start = start or end.replace(day=1)
        if start > end or (end - start).days > MAX_DAYS:
            raise BadRequest("统计区间无效：from 不得晚于 to，且不超过三年",
                             details=[{"field": "from", "code": "BAD_REQUEST"}])
        if region and region not in REGIONS:
            raise BadRequest("区域代码无效", details=[{"field": "region", "code": "BAD_ENUM",
                                                     "allowed": sorted(REGIONS)}])
        depts = [d for d in self.directory.all() if not region or d.region == region]
        findings = self.counters.latest_deadlines(end.isoformat()) if depts else {}
        rows = [self._row(d, start, end, findings.get(d.id, {}), inbox) for d in depts]
        items = [row for row, _ in rows]
        total = {k: sum(i[k] for i in items)
                 for k in (*FIELDS, "pending_overdue", "push_overdue", "rejections_open", "objections_overdue")}
        total["oldest_open_rejection_days"] = max((i["oldest_open_rejection_days"] for i in items
                                                   if i["oldest_open_rejection_days"] is not None), default=None)
        total["rejection_rate"] = _rate(total["rejected"], total["submitted"])
        codes = Counter()
        for i in items:
            codes.update(dict(i["top_rejection_codes"]))
        total["top_rejection_codes"] = [[c, n] for c, n in codes.most_common(5)]
        total["name"] = "合计"
        total["last_submission"] = max((i["last_submission"] for i in items if i["last_submission"]), default=None)
        generated = now_iso()
        by_item = self._by_item(rows, named=inbox)
        for row in (*items, total):
            row["cells"] = [cell_text(c, row) for c in COLUMNS]
        return {"from": start.isoformat(), "to": end.isoformat(), "region": region,
                "region_name": REGIONS.get(region) if region else "全市",
                "generated_at": generated, "generated_at_text": cn_datetime(generated),
                "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in COLUMNS],
                "items": items, "total": total, "by_item": by_item}

    def _by_item(self, rows: list[tuple[dict, Counter]], named: bool = True) -> list[dict]:
        """按事项: records accepted per 目录事项 (department, item_code, item name, records)."""
        counted = [(i, code, n) for i, per_item in rows for code, n in sorted(per_item.items())]
        names = self.item_names() if counted and named else {}
        return [{"department": i["department"], "name": i["name"], "item_code": code,
                 "item_name": names.get(code, ""), "records": n} for i, code, n in counted]

    def _row(self, dept, start: date, end: date, finding: dict, inbox: bool = True) -> tuple[dict, Counter]:
        """A department's row of the report, and its records accepted per 目录事项."""
        sums, codes, lags, per_item, last = Counter(), Counter(), Counter(), Counter(), None
        for day in self.counters.days(dept.id, start.isoformat(), end.isoformat()):
            for k in FIELDS:
                sums[k] += int(day.get(k, 0))
            for k, v in day.items():
                if k.startswith("rej_"):
                    codes[k[4:]] += int(v)
                elif k.startswith("lag_"):
                    lags[int(k[4:])] += int(v)
                elif k.startswith(ITEM_COUNTER):
                    per_item[k[len(ITEM_COUNTER):]] += int(v)
            if day.get("last_submission"):
                last = max(last or "", day["last_submission"])
        sums["late"] += self.counters.late(dept.id, start.isoformat(), end.isoformat())   # (+ older buckets' late)
        n_open, oldest = self.open_rejections(dept.id) if inbox else (0, None)
        return {"department": dept.id, "name": dept.name, "region": dept.region,
                **{k: sums[k] for k in FIELDS},
                "rejection_rate": _rate(sums["rejected"], sums["submitted"]),
                "top_rejection_codes": [[c, n] for c, n in codes.most_common(3)],
                "pending_overdue": int(finding.get("pending_overdue", 0)),
                "push_overdue": int(finding.get("push_overdue", 0)), "last_submission": last,
                "rejections_open": n_open,
                "oldest_open_rejection_days": (today() - date.fromisoformat(oldest[:10])).days if oldest else None,
                "objections_overdue": int(finding.get("objections_overdue", 0)),
                "median_days_to_publication": _median(lags)}, per_item


def _rate(part: int, whole: int) -> float | None:
    """part / whole, null when nothing was submitted (SPEC §5.1)."""
    return round(part / whole, 4) if whole else None


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
