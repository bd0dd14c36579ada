"""Records, their identity items and versions in DynamoDB. Key builders live here only.

records table: record item  pk = enterprise code, sk = "R#<record_id>" (+ sparse index attributes)
               identity item pk = "ID#<department>|<category>|<source_ref>", sk = "ID"
               pending marker pk = "PENDING#<code>", sk = "PENDING": written with every pending
               record of that code, so a registration learns with one BatchGetItem per 100 codes
               which of its codes have anything waiting in `by_pending`
versions table: record_id + version.
Writes go in transactions of up to 100 items, conditional on the version read (optimistic lock).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from chalicelib.dal.batch import batch_get
from chalicelib.dal.items import from_item, to_item
from chalicelib.models.record import Record, RecordVersion

MAX_TRANSACTION = 100
INDEX_ATTRS = ("forward_due", "changed_at", "public_state", "publish_until", "deadline_state",
               "pending_code")


def record_key(record: Record) -> dict:
    return {"pk": record.enterprise_code, "sk": f"R#{record.record_id}"}


def identity_item_key(identity: str) -> dict:
    return {"pk": f"ID#{identity}", "sk": "ID"}


def pending_marker_key(code: str) -> dict:
    return {"pk": f"PENDING#{code}", "sk": "PENDING"}


def record_item(record: Record) -> dict:
    """The stored item: the record plus the sparse attributes its indexes select on."""
    item = {**to_item(record.model_dump()), **record_key(record)}
    if record.needs_forward():
        item["forward_due"], item["changed_at"] = "due", record.updated_at
    if record.state == "published" and record.publish_until:
        item["public_state"] = "published"
    if record.deadline_open() and record.publish_deadline:
        item["deadline_state"] = "open"
    if record.match == "pending":
        item["pending_code"] = record.enterprise_code
        if record.state != "withdrawn":
            item["deadline_state"] = "pending"       # the deadlines job reports long-pending ones
    return item


def _record(item: dict) -> Record:
    data = from_item(item)
    for k in ("pk", "sk", *INDEX_ATTRS):
        if k != "publish_until":
            data.pop(k, None)
    return Record.model_validate(data)


@dataclass
class Change:
    """One record write: `record` replaces `previous` (None for a new record).

    `version` is the history entry of a content change; state changes (published, archived)
    write none. `also`: further items (of any table) that commit in the same transaction.
    """
    record: Record
    previous: Record | None
    version: RecordVersion | None = None
    also: list[dict] = field(default_factory=list)


class RecordRepository:
    def __init__(self, records_table, versions_table):
        self.table = records_table
        self.versions = versions_table
        # The resource's client (de)serialises attribute values itself: plain Python in and out.
        self.client = records_table.meta.client

    # --- reads ------------------------------------------------------------------------------
    def identities(self, identities: Iterable[str]) -> dict[str, dict]:
        """identity → {"rid", "epk", "version"} for those that exist (BatchGetItem, 100 a call)."""
        return {item["pk"][3:]: from_item(item)
                for item in self._batch_get([identity_item_key(i) for i in dict.fromkeys(identities)])}

    def get_many(self, keys: Iterable[tuple[str, str]]) -> dict[str, Record]:
        """record_id → Record for (enterprise code, record_id) pairs (BatchGetItem)."""
        wanted = [{"pk": code, "sk": f"R#{rid}"} for code, rid in dict.fromkeys(keys)]
        return {rec.record_id: rec for rec in map(_record, self._batch_get(wanted))}

    def pending_markers(self, codes: Iterable[str]) -> dict[str, str]:
        """code → `touched` of the pending marker, for the codes that have one (BatchGetItem).

        A code without a marker has no pending record; one with a marker may have (query
        `by_pending` to know)."""
        keys = [pending_marker_key(c) for c in dict.fromkeys(codes) if c]
        return {item["pk"].removeprefix("PENDING#"): item["touched"] for item in self._batch_get(keys)}

    def _batch_get(self, keys: list[dict]) -> list[dict]:
        return batch_get(self.table, keys, consistent=True)

    def get(self, record_id: str) -> Record | None:
        resp = self.table.query(IndexName="by_record_id", KeyConditionExpression=Key("record_id").eq(record_id))
        if not resp["Items"]:
            return None
        item = resp["Items"][0]
        fresh = self.table.get_item(Key={"pk": item["pk"], "sk": item["sk"]}, ConsistentRead=True).get("Item")
        return _record(fresh) if fresh else None

    def of_enterprise(self, code: str) -> list[Record]:
        """Every record in one enterprise's partition (one Query, paginated)."""
        out, kwargs = [], {"KeyConditionExpression": Key("pk").eq(code) & Key("sk").begins_with("R#")}
        while True:
            resp = self.table.query(**kwargs)
            out += [_record(i) for i in resp["Items"]]
            if "LastEvaluatedKey" not in resp:
                return out
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def history(self, record_id: str) -> list[RecordVersion]:
        resp = self.versions.query(KeyConditionExpression=Key("record_id").eq(record_id))
        return [RecordVersion.model_validate(from_item(i)) for i in resp["Items"]]

    def by_department(self, department: str, limit: int, after: dict | None, filters=None
                      ) -> tuple[list[Record], dict | None]:
        kwargs = {"IndexName": "by_department", "KeyConditionExpression": Key("department").eq(department),
                  "ScanIndexForward": False, "Limit": limit}
        if filters is not None:
            kwargs["FilterExpression"] = filters
        if after:
            kwargs["ExclusiveStartKey"] = after
        resp = self.table.query(**kwargs)
        return [_record(i) for i in resp["Items"]], resp.get("LastEvaluatedKey")

    def query_index(self, index: str, hash_name: str, hash_value: str, *, upper: str | None = None,
                    range_name: str | None = None, limit: int = 500, after: dict | None = None
                    ) -> tuple[list[Record], dict | None]:
        """One page of a sparse index, optionally with range key <= upper."""
        cond = Key(hash_name).eq(hash_value)
        if upper is not None and range_name:
            cond = cond & Key(range_name).lte(upper)
        kwargs = {"IndexName": index, "KeyConditionExpression": cond, "Limit": limit}
        if after:
            kwargs["ExclusiveStartKey"] = after
        resp = self.table.query(**kwargs)
        return [_record(i) for i in resp["Items"]], resp.get("LastEvaluatedKey")

    # --- writes -----------------------------------------------------------------------------
    def _items(self, change: Change) -> list[dict]:
        rec, prev = change.record, change.previous
        t = self.table.name
        ident = {"pk": f"ID#{rec.identity}", "sk": "ID", "rid": rec.record_id, "epk": rec.enterprise_code,
                 "version": rec.version}
        ops: list[dict] = []
        if prev is None:
            ops.append({"Put": {"TableName": t, "Item": record_item(rec),
                                "ConditionExpression": "attribute_not_exists(pk)"}})
            ops.append({"Put": {"TableName": t, "Item": ident, "ConditionExpression": "attribute_not_exists(pk)"}})
        else:
            same_place = prev.enterprise_code == rec.enterprise_code
            cond = {"ConditionExpression": "#v = :v", "ExpressionAttributeNames": {"#v": "version"},
                    "ExpressionAttributeValues": {":v": prev.version}}
            ops.append({"Put": {"TableName": t, "Item": record_item(rec), **(cond if same_place else {
                "ConditionExpression": "attribute_not_exists(pk)"})}})
            if not same_place:
                ops.append({"Delete": {"TableName": t, "Key": record_key(prev), **cond}})
            ops.append({"Put": {"TableName": t, "Item": ident, **cond}})
        if change.version is not None:
            ops.append({"Put": {"TableName": self.versions.name, "Item": to_item(change.version.model_dump()),
                                "ConditionExpression": "attribute_not_exists(record_id)"}})
        return ops + change.also

    def _markers(self, group: list[Change]) -> list[dict]:
        """One pending-marker Put per code that a pending record of the group is stored under.

        Unconditional and idempotent; `touched` changes with every write, so a registration only
        deletes a marker that nothing has rewritten since it read it."""
        latest = {c.record.enterprise_code: c.record for c in group if c.record.match == "pending"}
        return [{"Put": {"TableName": self.table.name, "Item": {
            **pending_marker_key(code), "code": code,
            "touched": f"{rec.updated_at}#{rec.record_id}#{rec.version}"}}} for code, rec in latest.items()]

    def clear_pending_markers(self, markers: dict[str, str], touched_before: str) -> int:
        """Delete the markers (code → `touched` as read) of codes found with nothing pending left,
        unless rewritten since or touched at/after `touched_before` (the index may lag behind a
        fresh write: a young marker is kept for a later registration to check again)."""
        cleared = 0
        for code, touched in markers.items():
            if touched >= touched_before:
                continue
            try:
                self.client.delete_item(TableName=self.table.name, Key=pending_marker_key(code),
                                        ConditionExpression="touched = :t", ExpressionAttributeValues={":t": touched})
                cleared += 1
            except self.client.exceptions.ConditionalCheckFailedException:
                pass        # a pending record of this code was written meanwhile: the marker stays
        return cleared

    def write(self, changes: list[Change]) -> list[Change]:
        """Apply changes in as few transactions as fit; returns the changes that lost a race."""
        lost: list[Change] = []
        group: list[Change] = []
        size = 0
        marked: set[str] = set()
        for change in changes:
            code = change.record.enterprise_code if change.record.match == "pending" else None
            n = len(self._items(change)) + (1 if code and code not in marked else 0)
            if size + n > MAX_TRANSACTION:
                lost += self._commit(group)
                group, size, marked = [], 0, set()
                n = len(self._items(change)) + (1 if code else 0)
            group.append(change)
            size += n
            if code:
                marked.add(code)
        lost += self._commit(group)
        return lost

    def _commit(self, group: list[Change]) -> list[Change]:
        if not group:
            return []
        ops = [op for c in group for op in self._items(c)] + self._markers(group)
        try:
            self.client.transact_write_items(TransactItems=ops)
            return []
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
        if len(group) == 1:
            return group
        # Someone else wrote one of these meanwhile: apply the others alone, report the losers.
        return [c for single in group for c in self._commit([single])]

