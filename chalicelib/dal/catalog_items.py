"""目录事项 (catalog items, SPEC §5.3) in the `catalog_items` table. Key builders live here only.

One table of its own: an item's working copy, each approved version and the latest approved copy
share its partition (`item_code`), so an approval is one transaction over one partition, and the
three reads the pages need are one Query each on sparse indexes:
  sk "item"          the working copy; owner = department → by_department (range item_code),
                     queue = state → by_state (range updated_at: the review queue, oldest first)
  sk "v#00001"…      every approved version, as approved (history, never changed)
  sk "approved"      the latest approved copy; catalog = "approved" → by_approved (range item_code:
                     the public 目录, and one department's approved codes by prefix "<dept>-")
  item_code "#seq", sk <department>: the department's counter of item numbers.
"""
from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key

from chalicelib.dal.batch import query_all
from chalicelib.dal.items import from_item, to_item
from chalicelib.models.catalog_item import CatalogItem

WORKING, LATEST, SEQ = "item", "approved", "#seq"
INDEX_ATTRS = ("sk", "owner", "queue", "catalog")
APPROVED = "approved"


def version_sk(n: int) -> str:
    return f"v#{n:05d}"


def item_of(item: dict) -> CatalogItem:
    data = from_item(item)
    for k in INDEX_ATTRS:
        data.pop(k, None)
    return CatalogItem.model_validate(data)


def working_item(it: CatalogItem) -> dict:
    return {**to_item(it.model_dump()), "sk": WORKING, "owner": it.department, "queue": it.state}


def approved_items(it: CatalogItem) -> list[dict]:
    """The stored copies of an approval: the version kept for ever, and the latest approved copy."""
    data = to_item(it.model_dump())
    return [{**data, "sk": version_sk(it.approved_version)}, {**data, "sk": LATEST, "catalog": APPROVED}]


class CatalogItemRepository:
    def __init__(self, table):
        self.table = table

    def next_code(self, department: str) -> str:
        """A new item code of the department (`<department>-NNN`; a counter, never reused)."""
        resp = self.table.update_item(Key={"item_code": SEQ, "sk": department}, UpdateExpression="ADD n :one",
                                      ExpressionAttributeValues={":one": 1}, ReturnValues="UPDATED_NEW")
        return f"{department}-{int(resp['Attributes']['n']):03d}"

    def add(self, it: CatalogItem) -> None:
        self.table.put_item(Item=working_item(it), ConditionExpression="attribute_not_exists(item_code)")

    def get(self, item_code: str) -> CatalogItem | None:
        item = self.table.get_item(Key={"item_code": item_code, "sk": WORKING}, ConsistentRead=True).get("Item")
        return item_of(item) if item else None

    def save(self, it: CatalogItem, expected_version: int) -> bool:
        """Store the working copy if it is still at `expected_version`; False when changed meanwhile.
        An approval (its `approved_version` new) also stores the approved copies, in one transaction."""
        client = self.table.meta.client
        current = {"Put": {"TableName": self.table.name, "Item": working_item(it),
                           "ConditionExpression": "version = :v", "ExpressionAttributeValues": {":v": expected_version}}}
        try:
            if it.state != "approved":
                self.table.put_item(Item=current["Put"]["Item"], ConditionExpression=Attr("version").eq(expected_version))
            else:
                client.transact_write_items(TransactItems=[current] + [
                    {"Put": {"TableName": self.table.name, "Item": i}} for i in approved_items(it)])
            return True
        except (client.exceptions.ConditionalCheckFailedException, client.exceptions.TransactionCanceledException):
            return False

    def by_department(self, department: str) -> list[CatalogItem]:
        return [item_of(i) for i in query_all(self.table, IndexName="by_department",
                                               KeyConditionExpression=Key("owner").eq(department))]

    def by_state(self, state: str) -> list[CatalogItem]:
        """Every department's items in a state, oldest change first (the review queue)."""
        return [item_of(i) for i in query_all(self.table, IndexName="by_state",
                                               KeyConditionExpression=Key("queue").eq(state))]

    def approved(self, department: str | None = None) -> list[CatalogItem]:
        """The latest approved copy of every item (of one department), by item code."""
        cond = Key("catalog").eq(APPROVED)
        if department:
            cond = cond & Key("item_code").begins_with(f"{department}-")
        return [item_of(i) for i in query_all(self.table, IndexName="by_approved", KeyConditionExpression=cond)]

    def versions(self, item_code: str) -> list[CatalogItem]:
        """Every approved version of an item, oldest first."""
        return [item_of(i) for i in query_all(self.table, KeyConditionExpression=Key("item_code").eq(item_code)
                                              & Key("sk").begins_with("v#"))]
