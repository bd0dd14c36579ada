"""Rejections (回退, SPEC §5.1) in the `rejections` table. Key builders live here only.

rejection item  id = rejection_id (+ `open_department` while open: the sparse `by_open` index)
ref item        id = "REF#<department>|<category>|<source_ref>", `open` = the string set of the open
                rejections of that identity: a batch's accepted records find what they resolve with
                one BatchGetItem per 100 identities, however many rejections the department keeps
                (and none when the sparse `by_open` index shows the department has nothing open).
Writes go in transactions of up to 100 items, each rejection conditional on what was read
(new: absent; seen again: the `times_seen` read), so concurrent sightings never count twice.
"""
from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable, Iterable

from boto3.dynamodb.conditions import Attr, Key

from chalicelib.dal.batch import MAX_TRANSACTION, batch_get, query_count, query_page, query_upto, transact
from chalicelib.dal.items import from_item, to_item
from chalicelib.models.rejection import Rejection


def ref_key(identity: str) -> dict:
    return {"id": f"REF#{identity}"}


def rejection_item(rej: Rejection) -> dict:
    data = rej.model_dump(exclude={"rejection_id", "content"})
    item = {**to_item(data), "id": rej.rejection_id,
            "content_json": json.dumps(rej.content, ensure_ascii=False, default=str)}
    if rej.state == "open":
        item["open_department"] = rej.department
    if not item.get("uploads"):
        item.pop("uploads", None)
    return item


def _rejection(item: dict) -> Rejection:
    data = from_item(item)
    data["rejection_id"] = data.pop("id")
    data.pop("open_department", None)
    data["content"] = json.loads(data.pop("content_json", "null"))
    return Rejection.model_validate(data)


class RejectionRepository:
    def __init__(self, table):
        self.table = table
        self.client = table.meta.client

    # --- reads ------------------------------------------------------------------------------
    def get(self, rejection_id: str) -> Rejection | None:
        if rejection_id.startswith("REF#"):
            return None
        item = self.table.get_item(Key={"id": rejection_id}, ConsistentRead=True).get("Item")
        return _rejection(item) if item else None

    def get_many(self, ids: Iterable[str]) -> dict[str, Rejection]:
        found = batch_get(self.table, [{"id": i} for i in dict.fromkeys(ids)], consistent=True)
        return {r.rejection_id: r for r in map(_rejection, found)}

    def open_refs(self, identities: Iterable[str]) -> dict[str, list[str]]:
        """identity → ids of its open rejections, for the identities that have any (BatchGetItem)."""
        found = batch_get(self.table, [ref_key(i) for i in dict.fromkeys(identities)], consistent=True)
        return {item["id"][4:]: sorted(item["open"]) for item in found if item.get("open")}

    def by_department(self, department: str, limit: int, after: dict | None, *, state: str | None = None,
                      category: str | None = None, code: str | None = None, upload_id: str | None = None
                      ) -> tuple[list[Rejection], dict | None]:
        """A department's rejections, newest `last_seen` first; the filters narrow the page."""
        kwargs = {"IndexName": "by_department", "KeyConditionExpression": Key("department").eq(department),
                  "ScanIndexForward": False, "Limit": limit}
        wanted = [Attr(name).eq(value) for name, value in (("state", state), ("category", category)) if value]
        wanted += [Attr(name).contains(value) for name, value in (("codes", code), ("uploads", upload_id)) if value]
        if wanted:
            kwargs["FilterExpression"] = functools.reduce(operator.and_, wanted)
        items, last = query_page(self.table, after, **kwargs)
        return [_rejection(i) for i in items], last

    def any_open(self, department: str) -> bool:
        """Whether the department has an open rejection (one Query of the sparse index, 1 item)."""
        return bool(self.table.query(IndexName="by_open", KeyConditionExpression=Key("open_department").eq(department),
                                     Limit=1, ProjectionExpression="id")["Items"])

    def open_stats(self, department: str) -> tuple[int, str | None]:
        """(how many are open, the oldest open one's first_seen) — two Queries of the sparse index."""
        cond = Key("open_department").eq(department)
        first = self.table.query(IndexName="by_open", KeyConditionExpression=cond, Limit=1,
                                 ProjectionExpression="first_seen")["Items"]
        if not first:
            return 0, None
        return query_count(self.table, IndexName="by_open", KeyConditionExpression=cond), first[0]["first_seen"]

    def oldest_open(self, department: str, cap: int) -> tuple[list[Rejection], bool]:
        """The department's open rejections, oldest first (at most `cap`; whether there were more)."""
        items, more = query_upto(self.table, cap, IndexName="by_open",
                                 KeyConditionExpression=Key("open_department").eq(department))
        return [_rejection(i) for i in items], more

    # --- writes -----------------------------------------------------------------------------
    def save(self, writes: list[tuple[Rejection, int | None]], refs: dict[str, list[str]],
             extra: Callable[[list[Rejection]], dict | None] | None = None) -> list[Rejection]:
        """Put every rejection — new ones (expected None) only if absent, others only if their
        `times_seen` is still the one read — with the ref items naming the open ones, in
        transactions of up to 100 items. `extra(new rejections of a transaction)`: one more item (of
        any table) for that transaction, e.g. their counts. Returns the rejections of transactions
        that lost a race."""
        by_id = {rej_id: ident for ident, ids in refs.items() for rej_id in ids}
        lost: list[Rejection] = []
        group: list[tuple[Rejection, int | None]] = []
        group_refs: set[str] = set()
        counted = False                    # the group holds a new rejection: room for the extra item
        for rej, expected in writes:
            ident = by_id.get(rej.rejection_id)
            counts = bool(extra) and expected is None
            n = 1 + (1 if ident and ident not in group_refs else 0)
            if len(group) + len(group_refs) + (counted or counts) + n > MAX_TRANSACTION:
                lost += self._commit(group, group_refs, refs, extra)
                group, group_refs, counted = [], set(), False
            counted = counted or counts
            group.append((rej, expected))
            if ident:
                group_refs.add(ident)
        lost += self._commit(group, group_refs, refs, extra)
        return lost

    def _commit(self, group, idents: set[str], refs: dict[str, list[str]], extra=None) -> list[Rejection]:
        if not group:
            return []
        t = self.table.name
        in_group = {r.rejection_id for r, _ in group}
        ops = []
        for rej, expected in group:
            cond = ({"ConditionExpression": "attribute_not_exists(id)"} if expected is None else {
                "ConditionExpression": "times_seen = :t", "ExpressionAttributeValues": {":t": expected}})
            ops.append({"Put": {"TableName": t, "Item": rejection_item(rej), **cond}})
        for ident in idents:
            ids = {i for i in refs[ident] if i in in_group}
            ops.append({"Update": {"TableName": t, "Key": ref_key(ident), "UpdateExpression": "ADD #o :ids",
                                   "ExpressionAttributeNames": {"#o": "open"},
                                   "ExpressionAttributeValues": {":ids": ids}}})
        if extra and (more := extra([r for r, expected in group if expected is None])):
            ops.append(more)
        return [] if transact(self.client, ops) else [r for r, _ in group]

    def close(self, closes: list[tuple[str, str | None, dict]], expires_at: int) -> list[str]:
        """Close open rejections: (rejection_id, identity of its ref item or None, what to set —
        state and its fields), each only if still open, in transactions of up to 100 items;
        returns the ids found no longer open (closed meanwhile by someone else)."""
        done_elsewhere: list[str] = []
        group: list[tuple[str, str | None, dict]] = []
        idents: set[str] = set()
        for close in [*closes, None]:
            if close is None or len(group) + len(idents) + 2 > MAX_TRANSACTION:
                if group and not transact(self.client, self._close_ops(group, expires_at)):
                    for one in group:      # one of them was closed meanwhile: one by one
                        if not transact(self.client, self._close_ops([one], expires_at)):
                            done_elsewhere.append(one[0])
                group, idents = [], set()
            if close is not None:
                group.append(close)
                if close[1]:
                    idents.add(close[1])
        return done_elsewhere

    def _close_ops(self, group: list[tuple[str, str | None, dict]], expires_at: int) -> list[dict]:
        t = self.table.name
        ops, removed = [], {}
        for rej_id, ident, values in group:
            values = {**values, "expires_at": expires_at}
            names = {f"#a{i}": k for i, k in enumerate(values)}
            vals = {f":v{i}": v for i, v in enumerate(values.values())}
            ops.append({"Update": {
                "TableName": t, "Key": {"id": rej_id},
                "UpdateExpression": "SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(values)))
                + " REMOVE open_department",
                "ConditionExpression": "#st = :open", "ExpressionAttributeNames": {**names, "#st": "state"},
                "ExpressionAttributeValues": {**vals, ":open": "open"}}})
            if ident:
                removed.setdefault(ident, set()).add(rej_id)
        ops += [{"Update": {"TableName": t, "Key": ref_key(ident), "UpdateExpression": "DELETE #o :ids",
                            "ExpressionAttributeNames": {"#o": "open"}, "ExpressionAttributeValues": {":ids": ids}}}
                for ident, ids in removed.items()]
        return ops
