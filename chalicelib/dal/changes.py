"""The public change log: every publication, withdrawal and expiry, per day, in order.

Open-data snapshots are built from it (previous snapshot + the day's changes), so no job ever
has to read the whole public table.
"""
from __future__ import annotations

from boto3.dynamodb.conditions import Key

from chalicelib.clock import today
from chalicelib.dal.batch import query_all, query_page
from chalicelib.dal.items import from_item, to_item
from chalicelib.observability import logger


def day_partition(day: str) -> str:
    """The partition key of a day's changes."""
    return f"CHANGES#{day}"


class ChangeLog:
    def __init__(self, table, listeners=()):
        self.table = table
        self.listeners = list(listeners)   # called with the appended changes (watchlists)

    def append(self, day: str, changes: list[dict]) -> None:
        """changes: {"at", "op" (publish/withdraw/expire), "code", "category", "record_id", "version", "copy"?,
        "replaces"? (a publish that replaces an earlier public copy of the record; not stored)}.

        A change that takes content off the public side (withdraw, expire, a replacing publish) also
        moves the RETRACTED mark: open-data files built before it may hold content no longer public.

        A change happens when it is made: a job run for a past day (`as_of` before today) logs under
        today, so the feed and the next open-data run read it (logged under the past day, before
        the log's first day or an already built snapshot, it was never read). Only a run ahead of
        today (time travel, local stage) logs under its own day."""
        if not changes:
            return
        day = max(day, today().isoformat())
        retracted = max((c["at"] for c in changes if c["op"] != "publish" or c.get("replaces")), default=None)
        changes = [{k: v for k, v in c.items() if k != "replaces"} for c in changes]
        try:  # remember the first day that has changes: open-data snapshots start there
            self.table.put_item(Item={"pk": "CHANGES", "sk": "FIRST", "day": day},
                                ConditionExpression="attribute_not_exists(pk)")
        except self.table.meta.client.exceptions.ConditionalCheckFailedException:
            pass
        try:  # and the last: a job run with a later `as_of` (local stage) logs ahead of today
            self.table.put_item(Item={"pk": "CHANGES", "sk": "LAST", "day": day},
                                ConditionExpression="attribute_not_exists(pk) OR #d < :d",
                                ExpressionAttributeNames={"#d": "day"}, ExpressionAttributeValues={":d": day})
        except self.table.meta.client.exceptions.ConditionalCheckFailedException:
            pass
        with self.table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
            for c in changes:
                batch.put_item(Item=to_item({**c, "pk": day_partition(day),
                                             "sk": f"{c['at']}#{c['record_id']}#{c['version']}#{c['op']}"}))
        if retracted:
            try:
                self.table.put_item(Item={"pk": "CHANGES", "sk": "RETRACTED", "at": retracted, "day": day},
                                    ConditionExpression="attribute_not_exists(pk) OR #at < :at",
                                    ExpressionAttributeNames={"#at": "at"}, ExpressionAttributeValues={":at": retracted})
            except self.table.meta.client.exceptions.ConditionalCheckFailedException:
                pass    # a later retraction is marked already
        for listener in self.listeners:
            try:
                listener(changes)
            except Exception:  # a listener must never undo or block a publication
                logger.exception("change listener failed")

    def day(self, day: str, after: dict | None = None, limit: int = 1000) -> tuple[list[dict], dict | None]:
        """One page of a day's changes, in order, after the key `after`."""
        items, last = query_page(self.table, after, KeyConditionExpression=Key("pk").eq(day_partition(day)), Limit=limit)
        return [_change(i) for i in items], last

    def whole_day(self, day: str) -> list[dict]:
        """Every change of a day, in order (Query pages of 1000)."""
        return [_change(i) for i in query_all(self.table, KeyConditionExpression=Key("pk").eq(day_partition(day)),
                                              Limit=1000)]

    def retracted(self) -> dict | None:
        """{"at", "day"} of the latest change that took content off the public side, if any."""
        item = self.table.get_item(Key={"pk": "CHANGES", "sk": "RETRACTED"}).get("Item")
        return {"at": item["at"], "day": item["day"]} if item else None

    def last_day(self) -> str | None:
        item = self.table.get_item(Key={"pk": "CHANGES", "sk": "LAST"}).get("Item")
        return item["day"] if item else None

    def first_day(self) -> str | None:
        item = self.table.get_item(Key={"pk": "CHANGES", "sk": "FIRST"}).get("Item")
        return item["day"] if item else None


def _change(item: dict) -> dict:
    return {k: v for k, v in from_item(item).items() if k != "pk"}


class OpenDataIndex:
    """Which days have open-data snapshots (jobs table, pk OPEN_DATA)."""

    def __init__(self, table):
        self.table = table

    def put(self, day: str, entry: dict) -> None:
        self.table.put_item(Item=to_item({"pk": "OPEN_DATA", "sk": day, "day": day, **entry}))

    def latest(self, before: str) -> dict | None:
        resp = self.table.query(KeyConditionExpression=Key("pk").eq("OPEN_DATA") & Key("sk").lt(before),
                                ScanIndexForward=False, Limit=1)
        return from_item(resp["Items"][0]) if resp["Items"] else None

    def recent(self, limit: int) -> list[dict]:
        resp = self.table.query(KeyConditionExpression=Key("pk").eq("OPEN_DATA"), ScanIndexForward=False,
                                Limit=limit)
        return [from_item(i) for i in resp["Items"]]
