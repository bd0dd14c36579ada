"""Monthly report files: the xlsx in the exchange bucket (dal.files.ExchangeFiles) and their index
(jobs table, pk MONTHLY)."""
from __future__ import annotations

from boto3.dynamodb.conditions import Key

from chalicelib.http import XLSX


class MonthlyReportStore:
    def __init__(self, files, jobs_table):
        self.files = files      # dal.files.ExchangeFiles
        self.table = jobs_table

    def put(self, month: str, body: bytes, generated_at: str) -> str:
        """Store one month's workbook (re-running the month overwrites it); its S3 key."""
        key = f"reports/monthly/{month}.xlsx"
        self.files.put(key, body, XLSX)
        self.table.put_item(Item={"pk": "MONTHLY", "sk": month, "key": key, "generated_at": generated_at})
        return key

    def presign(self, key: str) -> str:
        return self.files.presign(key)

    def recent(self, limit: int = 36) -> list[dict]:
        """{"month", "key", "generated_at"}, newest month first."""
        resp = self.table.query(KeyConditionExpression=Key("pk").eq("MONTHLY"), ScanIndexForward=False, Limit=limit)
        return [{"month": i["sk"], "key": i["key"], "generated_at": i["generated_at"]} for i in resp["Items"]]
