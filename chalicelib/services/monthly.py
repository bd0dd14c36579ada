"""`monthly_report`: on the 1st, the previous month's department report as xlsx in S3."""
from __future__ import annotations

from datetime import date, timedelta

from boto3.dynamodb.conditions import Key

from chalicelib.adapters.report_xlsx import department_report_xlsx
from chalicelib.http import XLSX


class MonthlyReportJob:
    def __init__(self, reports, s3, bucket: str, jobs_table):
        self.reports = reports
        self.s3 = s3
        self.bucket = bucket
        self.table = jobs_table

    def __call__(self, as_of: date, **_) -> dict:
        end = as_of.replace(day=1) - timedelta(days=1)
        start = end.replace(day=1)
        month = start.strftime("%Y-%m")
        report = self.reports.departments(start, end)
        key = f"reports/monthly/{month}.xlsx"
        self.s3.put_object(Bucket=self.bucket, Key=key, ContentType=XLSX, Body=department_report_xlsx(
            report, title=f"涉企信息归集公示督查考核月报（{start.year}年{start.month}月）"))
        self.table.put_item(Item={"pk": "MONTHLY", "sk": month, "key": key, "generated_at": report["generated_at"]})
        return {"month": month, "key": key, "departments": len(report["items"])}

    def listing(self, presign) -> dict:
        resp = self.table.query(KeyConditionExpression=Key("pk").eq("MONTHLY"), ScanIndexForward=False, Limit=36)
        return {"items": [{"month": i["sk"], "generated_at": i["generated_at"], "download": presign(i["key"])}
                          for i in resp["Items"]], "next_cursor": None}
