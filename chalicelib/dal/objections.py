"""异议 / 信用修复 cases in the `objections` table (SPEC §5.2). Key builders live here only.

item: id (ULID) + the case; index attributes:
  inbox    = "<kind>#<department>", filed_at  → by_inbox: a department's cases, newest first
  kind     = "<kind>", filed_at               → by_kind: every department's (admin, supervisor)
  open_due = "open" while unanswered, due     → by_open_due: sparse, the deadlines job reads it
Answers are conditional on the case still being open (two answers: one wins, one 409).
"""
from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key

from chalicelib.dal.batch import query_all
from chalicelib.dal.items import from_item, to_item
from chalicelib.models.objection import Case

INDEX_ATTRS = ("inbox", "open_due")


def case_item(case: Case) -> dict:
    item = to_item(case.model_dump())   # the stored item: the case plus its index attributes
    item["inbox"] = f"{case.kind}#{case.department}"
    if case.is_open:
        item["open_due"] = "open"
    return item


def case_of(item: dict) -> Case:
    data = from_item(item)
    for k in INDEX_ATTRS:
        data.pop(k, None)
    return Case.model_validate(data)


class CaseRepository:
    def __init__(self, table):
        self.table = table

    def add(self, case: Case) -> None:
        self.table.put_item(Item=case_item(case), ConditionExpression="attribute_not_exists(id)")

    def get(self, case_id: str) -> Case | None:
        item = self.table.get_item(Key={"id": case_id}, ConsistentRead=True).get("Item")
        return case_of(item) if item else None

    def close(self, case: Case) -> bool:
        """Store the answer of a case that was open; False when it was answered meanwhile."""
        try:
            self.table.put_item(Item=case_item(case), ConditionExpression=Attr("state").eq("open"))
            return True
        except self.table.meta.client.exceptions.ConditionalCheckFailedException:
            return False

    def inbox(self, kind: str, department: str | None, state: str | None, limit: int,
              after: dict | None) -> tuple[list[Case], dict | None]:
        """One page of a department's cases of a kind (every department's when None), newest first."""
        if department:
            kwargs = {"IndexName": "by_inbox", "KeyConditionExpression": Key("inbox").eq(f"{kind}#{department}")}
        else:
            kwargs = {"IndexName": "by_kind", "KeyConditionExpression": Key("kind").eq(kind)}
        kwargs.update(ScanIndexForward=False, Limit=limit)
        if state:
            kwargs["FilterExpression"] = Attr("state").eq(state)
        if after:
            kwargs["ExclusiveStartKey"] = after
        resp = self.table.query(**kwargs)
        return [case_of(i) for i in resp["Items"]], resp.get("LastEvaluatedKey")

    def open_due_by(self, last_day: str) -> list[Case]:
        """Every open case due on or before `last_day` (sparse index, paginated)."""
        return [case_of(i) for i in query_all(
            self.table, IndexName="by_open_due",
            KeyConditionExpression=Key("open_due").eq("open") & Key("due").lte(last_day))]


def inbox_key_names(department: str | None) -> set[str]:
    """The attributes of a page's LastEvaluatedKey (the cursor's shape) for `inbox`."""
    return {"id", "inbox", "filed_at"} if department else {"id", "kind", "filed_at"}
