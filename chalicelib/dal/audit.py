"""The append-only audit table. There is no update or delete here, by design."""
from __future__ import annotations

from boto3.dynamodb.conditions import Key

from chalicelib.dal.batch import query_page
from chalicelib.dal.items import from_item, to_item
from chalicelib.models.audit import AuditEntry


class AuditRepository:
    def __init__(self, table):
        self.table = table

    def append(self, entry: AuditEntry, seq: int = 0) -> None:
        item = to_item(entry.model_dump())
        item["day"] = entry.at[:10]
        item["sk"] = f"{entry.at}#{entry.request_id}#{seq}"
        self.table.put_item(Item=item, ConditionExpression="attribute_not_exists(sk)")

    def by_index(self, index: str, key: str, value: str, start: str, end: str,
                 limit: int, after: dict | None) -> tuple[list[AuditEntry], dict | None]:
        items, last = query_page(self.table, after, IndexName=index, ScanIndexForward=False, Limit=limit,
                                 KeyConditionExpression=Key(key).eq(value) & Key("at").between(start, end))
        return [self._entry(i) for i in items], last

    def by_day(self, day: str, limit: int, after: dict | None) -> tuple[list[AuditEntry], dict | None]:
        items, last = query_page(self.table, after, KeyConditionExpression=Key("day").eq(day),
                                 ScanIndexForward=False, Limit=limit)
        return [self._entry(i) for i in items], last

    @staticmethod
    def _entry(item: dict) -> AuditEntry:
        return AuditEntry.model_validate({k: v for k, v in from_item(item).items() if k not in ("day", "sk")})
