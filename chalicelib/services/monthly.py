"""`monthly_report`: on the 1st, the previous month's department report as xlsx in S3."""
from __future__ import annotations

from datetime import date, timedelta

from chalicelib.adapters.report_xlsx import department_report_xlsx


class MonthlyReportJob:
    def __init__(self, reports, store):
        self.reports = reports
        self.store = store     # dal.monthly.MonthlyReportStore

    def __call__(self, as_of: date, **_) -> dict:
        end = as_of.replace(day=1) - timedelta(days=1)
        start = end.replace(day=1)
        month = start.strftime("%Y-%m")
        report = self.reports.departments(start, end)
        key = self.store.put(month, department_report_xlsx(
            report, title=f"涉企信息归集公示督查考核月报（{start.year}年{start.month}月）"), report["generated_at"])
        return {"month": month, "key": key, "departments": len(report["items"])}

    def listing(self) -> dict:
        return {"items": [{"month": i["month"], "generated_at": i["generated_at"], "download": self.store.presign(i["key"])}
                          for i in self.store.recent()], "next_cursor": None}
