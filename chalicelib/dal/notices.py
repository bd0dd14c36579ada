"""双告知 notices: per department, newest registrations whose business scope concerns it."""
from __future__ import annotations

from boto3.dynamodb.conditions import Key

from chalicelib.dal.batch import Put, query_page


class NoticeRepository:
    def __init__(self, table):
        self.table = table

    def puts(self, notices: list[dict]) -> dict[str, list[Put]]:
        """code → the puts of its notices (idempotent), for the transaction of its enterprise."""
        out: dict[str, list[Put]] = {}
        for n in notices:
            item = {**n, "sk": f"{n['notified_at']}#{n['code']}"}
            out.setdefault(n["code"], []).append(Put(self.table, item, ("department", "sk")))
        return out

    def since(self, department: str, since: str | None, limit: int, after: dict | None) -> tuple[list, dict | None]:
        cond = Key("department").eq(department)
        if since:
            cond = cond & Key("sk").gte(since)
        items, last = query_page(self.table, after, KeyConditionExpression=cond, Limit=limit, ScanIndexForward=False)
        return [{k: v for k, v in i.items() if k not in ("department", "sk")} for i in items], last
