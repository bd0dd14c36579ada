"""双告知 notices: per department, newest registrations whose business scope concerns it."""
from __future__ import annotations

from boto3.dynamodb.conditions import Key


class NoticeRepository:
    def __init__(self, table):
        self.table = table

    def add(self, notices: list[dict]) -> None:
        with self.table.batch_writer() as batch:
            for n in notices:
                batch.put_item(Item={**n, "sk": f"{n['notified_at']}#{n['code']}"})

    def since(self, department: str, since: str | None, limit: int, after: dict | None) -> tuple[list, dict | None]:
        cond = Key("department").eq(department)
        if since:
            cond = cond & Key("sk").gte(since)
        kwargs = {"KeyConditionExpression": cond, "Limit": limit, "ScanIndexForward": False}
        if after:
            kwargs["ExclusiveStartKey"] = after
        resp = self.table.query(**kwargs)
        items = [{k: v for k, v in i.items() if k not in ("department", "sk")} for i in resp["Items"]]
        return items, resp.get("LastEvaluatedKey")
