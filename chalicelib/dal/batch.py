"""Batched DynamoDB requests: BatchGetItem over any number of keys (100 keys a request, unprocessed
keys asked again), one page or every page of one Query, and unconditional puts in transactions of up to 100 items."""
from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

MAX_TRANSACTION = 100       # items of one TransactWriteItems


def batch_get(table, keys: list[dict], *, consistent: bool = False) -> list[dict]:
    """The items of `table` (a boto3 Table) that exist among `keys`, in no particular order.

    Through the resource's client, which (de)serialises attribute values itself: plain Python."""
    client, name = table.meta.client, table.name
    options: dict = {"ConsistentRead": True} if consistent else {}
    items: list[dict] = []
    for start in range(0, len(keys), 100):
        request = {name: {"Keys": keys[start:start + 100], **options}}
        while request:
            resp = client.batch_get_item(RequestItems=request)
            items += resp["Responses"].get(name, [])
            request = resp.get("UnprocessedKeys") or None
    return items


def query_page(table, after: dict | None = None, **kwargs) -> tuple[list[dict], dict | None]:
    """One page of a Query of `table` (a boto3 Table) starting after the key `after` (None: from the
    start): its items and the key to continue from (None after the last page). The one place a
    Query's ExclusiveStartKey and LastEvaluatedKey are handled."""
    if after:
        kwargs["ExclusiveStartKey"] = after
    resp = table.query(**kwargs)
    return resp["Items"], resp.get("LastEvaluatedKey")


def query_all(table, *, cap: int | None = None, **kwargs) -> list[dict]:
    """Every item of one Query of `table` (a boto3 Table), page after page (a page holds ≤ 1 MB, or
    `Limit` items); with `cap`, pages stop once more than `cap` items are read (see query_upto)."""
    items, after = query_page(table, **kwargs)
    while after and (cap is None or len(items) <= cap):
        page, after = query_page(table, after, **kwargs)
        items += page
    return items


def query_upto(table, cap: int, **kwargs) -> tuple[list[dict], bool]:
    """At most `cap` items of one Query, and whether there were more."""
    items = query_all(table, cap=cap, **kwargs)     # reads past `cap` while pages remain
    return items[:cap], len(items) > cap


def query_count(table, **kwargs) -> int:
    """How many items one Query matches (Select=COUNT, page after page)."""
    n, after = 0, None
    while True:
        if after:
            kwargs["ExclusiveStartKey"] = after
        resp = table.query(Select="COUNT", **kwargs)
        n += resp["Count"]
        if not (after := resp.get("LastEvaluatedKey")):
            return n


@dataclass(frozen=True, eq=False)
class Put:
    """An unconditional put of `item` into `table` (a boto3 Table); `key`: the item's key attributes."""
    table: object
    item: dict
    key: tuple[str, ...]

    def ident(self) -> tuple:
        return (self.table.name, *(self.item[k] for k in self.key))


def put_all(groups: list[list[Put]]) -> None:
    """Unconditional, idempotent puts in TransactWriteItems of up to 100 items; a group (the items of
    one enterprise, say: its first put last to commit) goes into one transaction whole.

    A quarter of the requests of BatchWriteItem (25 items a request) for twice the write units (a
    transactional write costs 2 WCU per KB). Of puts with the same key, only the last is written
    (as BatchWriteItem with overwrite_by_pkeys did): a transaction may not touch an item twice.
    A transaction cancelled only by a conflict with another writer or by throttling is written
    again without a transaction (see _transact)."""
    last = {p.ident(): p for group in groups for p in group}
    chunk: list[Put] = []
    for group in groups:
        group = [p for p in group if last[p.ident()] is p]
        if len(chunk) + len(group) > MAX_TRANSACTION:
            _transact(chunk)
            chunk = []
        chunk += group
        while len(chunk) > MAX_TRANSACTION:       # a group larger than a transaction: in pieces
            _transact(chunk[:MAX_TRANSACTION])
            chunk = chunk[MAX_TRANSACTION:]
    _transact(chunk)


def transact(client, ops: list[dict]) -> bool:
    """One TransactWriteItems; False when it was cancelled (a condition failed, or another writer
    got in its way) — nothing of it is written then. Other errors raise."""
    try:
        client.transact_write_items(TransactItems=ops)
        return True
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        return False


def _transact(puts: list[Put]) -> None:
    """One transaction of puts. Cancelled by contention only (rare: another writer of the same items,
    or throttling), the same puts are written one PutItem each — no item conflicts outside a
    transaction, throttling retried by botocore — in reverse order: a group's first put (the
    enterprise, which makes a resend skip the group) is written after the rest of its group, so a
    failure half-way still leaves the whole group to the resend (whose puts may repeat some of
    this try's: at least once, e.g. a 双告知 notice under the resend's time)."""
    if not puts:
        return
    client = puts[0].table.meta.client
    try:
        client.transact_write_items(TransactItems=[{"Put": {"TableName": p.table.name, "Item": p.item}}
                                                   for p in puts])
        return
    except ClientError as exc:
        if not _contended(exc):
            raise
    for put in reversed(puts):
        put.table.put_item(Item=put.item)


def _contended(exc: ClientError) -> bool:
    """A transaction cancelled only because another writer or the throughput got in its way."""
    reasons = {r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])}
    return (exc.response["Error"]["Code"] == "TransactionCanceledException"
            and reasons <= {"None", "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})
