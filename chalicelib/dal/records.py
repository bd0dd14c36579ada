"""Records, their identity items and versions in DynamoDB. Key builders live here only.

records table: record item  pk = enterprise code, sk = "R#<record_id>" (+ sparse index attributes)
               identity item pk = "ID#<department>|<category>|<source_ref>", sk = "ID"
               pending marker pk = "PENDING#<shard>", sk = code: written with every pending record
               of that code, in its transaction; the markers of all codes live in PENDING_SHARDS
               partitions, so a registration learns which of its codes have anything waiting in
               `by_pending` with one Query per shard whatever the size of its batch (or, for a
               batch of at most 100 × PENDING_SHARDS codes, one BatchGetItem per 100 codes)
versions table: record_id + version.
Writes go in transactions of up to 100 items, conditional on the version read (optimistic lock).
"""
from __future__ import annotations

import functools
import operator
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from boto3.dynamodb.conditions import Attr, Key

from chalicelib.dal.batch import MAX_TRANSACTION, batch_get, query_all, query_page, query_upto, transact
from chalicelib.dal.items import from_item, to_item
from chalicelib.models.record import Record, RecordVersion

INDEX_ATTRS = ("forward_due", "changed_at", "public_state", "publish_until", "deadline_state",
               "pending_code", "ref_key", "name_key")
SEARCH_KEY_CHARS = 300     # ref_key/name_key: what the list's prefix search compares (an index key ≤ 1 KB)

# Partitions holding the pending markers. What N buys: write headroom — one partition takes about
# 1000 WCU/s, i.e. ~500 marker puts/s inside transactions (2 WCU each), so N partitions take ~500·N
# pending records/s across the platform (a batch of 1000 pending records puts ≤ 1000 markers over
# some seconds; pending records are the exception, most codes are registered). What N costs: one
# Query per shard (plus a page per further MB of markers, ~10,000 markers a page) for every
# registration batch of more than 100·N codes. Changing N moves every marker to another shard:
# rewrite the markers (or read both layouts) before deploying a new N.
PENDING_SHARDS = 2


RECORD_PREFIX, IDENTITY_PREFIX, MARKER_PREFIX = "R#", "ID#", "PENDING#"


def record_key(record: Record) -> dict:
    return record_item_key(record.enterprise_code, record.record_id)


def record_item_key(code: str, record_id: str) -> dict:
    return {"pk": code, "sk": f"{RECORD_PREFIX}{record_id}"}


def identity_item_key(identity: str) -> dict:
    return {"pk": f"{IDENTITY_PREFIX}{identity}", "sk": "ID"}


def identity_of(item: dict) -> str:
    """The identity an identity item is the key of (the inverse of identity_item_key)."""
    return item["pk"].removeprefix(IDENTITY_PREFIX)


def marker_partition(shard: int) -> str:
    return f"{MARKER_PREFIX}{shard}"


def pending_marker_key(code: str) -> dict:
    """The marker of `code`: sort key `code` in the partition of its shard (a stable hash of the code)."""
    return {"pk": marker_partition(zlib.crc32(code.encode()) % PENDING_SHARDS), "sk": code}


def record_item(record: Record) -> dict:
    """The stored item: the record plus the sparse attributes its indexes select on."""
    item = {**to_item(record.model_dump()), **record_key(record)}
    if record.needs_forward():
        item["forward_due"], item["changed_at"] = "due", record.updated_at
    if record.state == "published" and record.publish_until:
        item["public_state"] = "published"
    if record.deadline_open() and record.publish_deadline:
        item["deadline_state"] = "open"
    if record.source_ref:                         # the records list's search (by_source_ref, by_name)
        item["ref_key"] = record.source_ref[:SEARCH_KEY_CHARS]
    if record.name:
        item["name_key"] = record.name[:SEARCH_KEY_CHARS]
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
    write none.
    """
    record: Record
    previous: Record | None
    version: RecordVersion | None = None


# One more item for the transaction of a group of changes, or None (see RecordRepository.write).
Extra = Callable[[list[Change]], "dict | None"]


class RecordRepository:
    def __init__(self, records_table, versions_table):
        self.table = records_table
        self.versions = versions_table
        # The resource's client (de)serialises attribute values itself: plain Python in and out.
        self.client = records_table.meta.client

    # --- reads ------------------------------------------------------------------------------
    def identities(self, identities: Iterable[str]) -> dict[str, dict]:
        """identity → {"rid", "epk", "version"} for those that exist (BatchGetItem, 100 a call)."""
        return {identity_of(item): from_item(item)
                for item in self._batch_get([identity_item_key(i) for i in dict.fromkeys(identities)])}

    def get_many(self, keys: Iterable[tuple[str, str]]) -> dict[str, Record]:
        """record_id → Record for (enterprise code, record_id) pairs (BatchGetItem)."""
        wanted = [record_item_key(code, rid) for code, rid in dict.fromkeys(keys)]
        return {rec.record_id: rec for rec in map(_record, self._batch_get(wanted))}

    def pending_markers(self, codes: Iterable[str]) -> dict[str, str]:
        """code → `touched` of the pending marker, for the codes that have one.

        A code without a marker has no pending record; one with a marker may have (query
        `by_pending` to know). At most 100 × PENDING_SHARDS codes: BatchGetItem of their markers;
        more: every marker of every shard (Query, consistent, paginated), intersected here — the
        cost of a large registration batch does not grow with the batch."""
        wanted = [c for c in dict.fromkeys(codes) if c]
        if len(wanted) <= 100 * PENDING_SHARDS:
            found = self._batch_get([pending_marker_key(c) for c in wanted])
        else:
            found = [item for shard in range(PENDING_SHARDS) for item in self._markers_of_shard(shard)]
        wanted_set = set(wanted)
        return {item["sk"]: item["touched"] for item in found if item["sk"] in wanted_set}

    def _markers_of_shard(self, shard: int) -> list[dict]:
        return query_all(self.table, KeyConditionExpression=Key("pk").eq(marker_partition(shard)),
                         ConsistentRead=True,
                         ProjectionExpression="sk, touched")

    def _batch_get(self, keys: list[dict]) -> list[dict]:
        return batch_get(self.table, keys, consistent=True)

    def get(self, record_id: str) -> Record | None:
        resp = self.table.query(IndexName="by_record_id", KeyConditionExpression=Key("record_id").eq(record_id))
        if not resp["Items"]:
            return None
        item = resp["Items"][0]
        fresh = self.table.get_item(Key=record_item_key(item["pk"], record_id), ConsistentRead=True).get("Item")
        return _record(fresh) if fresh else None

    def of_enterprise(self, code: str) -> list[Record]:
        """Every record in one enterprise's partition (one Query, paginated)."""
        return [_record(i) for i in query_all(
            self.table, KeyConditionExpression=Key("pk").eq(code) & Key("sk").begins_with(RECORD_PREFIX))]

    def history(self, record_id: str) -> list[RecordVersion]:
        return [RecordVersion.model_validate(from_item(i))
                for i in query_all(self.versions, KeyConditionExpression=Key("record_id").eq(record_id))]

    def by_department(self, department: str, limit: int, after: dict | None, *, category: str | None = None,
                      state: str | None = None) -> tuple[list[Record], dict | None]:
        """A department's records, newest first; category/state narrow the page (a filter on the index)."""
        return self.search(department, limit, after, category=category, state=state)

    def search(self, department: str, limit: int, after: dict | None, *, ref: str | None = None,
               code: str | None = None, name: str | None = None, start: str | None = None, end: str | None = None,
               category: str | None = None, state: str | None = None, late: bool | None = None
               ) -> tuple[list[Record], dict | None]:
        """A department's records found through an index (never a scan): the enterprise's partition
        for `code`, `by_source_ref` for a 文号 prefix, `by_name` for a name prefix, else
        `by_department` (newest first) over the received dates start..end; the other criteria
        narrow the page (a filter on what the index read)."""
        kwargs = self._search_query(department, ref=ref, code=code, name=name, start=start, end=end,
                                    category=category, state=state, late=late)
        items, last = query_page(self.table, after, Limit=limit, **kwargs)
        return [_record(i) for i in items], last

    def late_received(self, department: str, start: str, end: str, cap: int) -> tuple[list[Record], bool]:
        """Records received from `start` to `end` (YYYY-MM-DD, both included) that came late, newest
        first — at most `cap`, and whether there were more (the supervisor's drill-down)."""
        items, more = query_upto(self.table, cap, **self._search_query(department, start=start, end=end, late=True))
        return [_record(i) for i in items], more

    @staticmethod
    def _search_query(department: str, *, ref=None, code=None, name=None, start=None, end=None, category=None,
                      state=None, late=None) -> dict:
        """The Query of `search`: which index, its key condition and the filter."""
        received = Key("received_at")
        if code:
            kwargs = {"KeyConditionExpression": Key("pk").eq(code) & Key("sk").begins_with(RECORD_PREFIX)}
        elif ref:
            kwargs = {"IndexName": "by_source_ref",
                      "KeyConditionExpression": Key("department").eq(department) & Key("ref_key").begins_with(ref)}
        elif name:
            kwargs = {"IndexName": "by_name",
                      "KeyConditionExpression": Key("department").eq(department) & Key("name_key").begins_with(name)}
        else:
            cond = Key("department").eq(department)
            if start or end:
                cond = cond & received.between(start or "0", f"{end}T~" if end else "~")
            kwargs = {"IndexName": "by_department", "KeyConditionExpression": cond, "ScanIndexForward": False}
        wanted = [Attr(n).eq(v) for n, v in (("category", category), ("state", state)) if v]
        if late is not None:
            wanted.append(Attr("late").eq(late))
        if code:
            wanted.append(Attr("department").eq(department))
            wanted += [Attr(n).begins_with(v) for n, v in (("ref_key", ref), ("name_key", name)) if v]
        elif ref and name:
            wanted.append(Attr("name_key").begins_with(name))
        if (code or ref or name) and (start or end):
            wanted.append(Attr("received_at").between(start or "0", f"{end}T~" if end else "~"))
        if wanted:
            kwargs["FilterExpression"] = functools.reduce(operator.and_, wanted)
        return kwargs

    def all_in_index(self, index: str, hash_name: str, hash_value: str, *, upper: str | None = None,
                     range_name: str | None = None) -> list[Record]:
        """Every record of a sparse index under one hash key, optionally with range key <= upper
        (Query pages of 500)."""
        cond = Key(hash_name).eq(hash_value)
        if upper is not None and range_name:
            cond = cond & Key(range_name).lte(upper)
        return [_record(i) for i in query_all(self.table, IndexName=index, KeyConditionExpression=cond, Limit=500)]

    # --- writes -----------------------------------------------------------------------------
    def _items(self, change: Change) -> list[dict]:
        rec, prev = change.record, change.previous
        t = self.table.name
        ident = {**identity_item_key(rec.identity), "rid": rec.record_id, "epk": rec.enterprise_code,
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
        return ops

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

    def write(self, changes: list[Change], extra: Extra | None = None) -> list[Change]:
        """Apply changes in as few transactions as fit; returns the changes that lost a race.

        `extra(group)`: one more item (of any table) or None, to commit in the transaction of each
        group of changes written — e.g. the 迟报 tally of the records the group creates."""
        lost: list[Change] = []
        group: list[tuple[Change, list[dict]]] = []
        room = MAX_TRANSACTION - (1 if extra else 0)
        size = 0
        marked: set[str] = set()
        for change in changes:
            ops = self._items(change)          # built once: sized here, sent by _commit
            code = change.record.enterprise_code if change.record.match == "pending" else None
            n = len(ops) + (1 if code and code not in marked else 0)
            if size + n > room:
                lost += self._commit(group, extra)
                group, size, marked = [], 0, set()
                n = len(ops) + (1 if code else 0)
            group.append((change, ops))
            size += n
            if code:
                marked.add(code)
        lost += self._commit(group, extra)
        return lost

    def _commit(self, group: list[tuple[Change, list[dict]]], extra: Extra | None = None) -> list[Change]:
        if not group:
            return []
        changes = [c for c, _ in group]
        more = extra(changes) if extra else None
        ops = [op for _, items in group for op in items] + self._markers(changes) + ([more] if more else [])
        if transact(self.client, ops):
            return []
        if len(group) == 1:
            return changes
        # Someone else wrote one of these meanwhile: apply the others alone, report the losers.
        return [c for single in group for c in self._commit([single], extra)]
