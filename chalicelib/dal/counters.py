"""Report counters in daily buckets: one item per (department, day), updated once per batch.

迟报 (late) records are counted apart, in tally items (pk "L#<department>", sk "<day>#<first late
record_id>", n = how many, records = their ids): an upload chunk's tally is written in the
transaction that creates its records; a request's late records ride in its pending counts (below)
and their tally is written when those settle. The creates are conditional, so either commits
exactly when its records are created — a resent batch or a re-applied upload chunk finds its
records stored and adds nothing — and each late record is counted exactly once. No records
transaction touches a shared (hot) item.
(Items without `n`, one per record as written before, count 1 each.)

A JSON batch's or form's counts are first held in a *pending* item (pk "P#<department>", sk the
request's id), ADDed in each transaction that stores its records or new rejections, so they commit
exactly with what they count; the request then *settles* it: one transaction ADDs the pending
counts to the day buckets and deletes the pending item (conditional on the last write it read).
A request that fails before settling leaves its pending item; the next request of the department
(its resend, typically) settles it, and counts a resent row whose record a pending item holds as
accepted, not `unchanged` (SPEC §5.1): counts are never lost nor doubled under at-least-once
delivery. (Uploads move their counts with their checkpoint instead, see dal.uploads.)
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from boto3.dynamodb.conditions import Key

from chalicelib.dal.batch import MAX_TRANSACTION, query_all, query_upto, transact
from chalicelib.dal.items import from_item

PENDING_PREFIX = "P#"
PENDING_ATTRS = {"pk", "sk", "day", "at", "last", "refs", "late", "groups"}   # the rest of a pending item: counts
MAX_SETTLE = (MAX_TRANSACTION - 10) // 2   # pending items settled by one transaction (the rest: next time)


@dataclass(frozen=True)
class Pending:
    """A request's counts not yet in the day buckets: `refs` are the "record_id#version" it stored,
    `late` the ids of the late records it created (their 迟报 tally is written when it settles)."""
    sk: str
    day: str
    deltas: dict[str, int]
    refs: frozenset[str]
    late: frozenset[str] = frozenset()
    guard: tuple[str, object] = ("last", "")   # the attribute and value it must still have to be settled
    at: str = ""                                # when the request first wrote it (ISO stamp)


def _adds(deltas: dict[str, int]) -> tuple[dict, dict, list[str]]:
    """Placeholders and ADD clauses for counter deltas (counter names are attribute names)."""
    return ({f"#a{i}": k for i, k in enumerate(deltas)}, {f":v{i}": v for i, v in enumerate(deltas.values())},
            [f"#a{i} :v{i}" for i in range(len(deltas))])


class CounterRepository:
    def __init__(self, table):
        self.table = table

    def update_op(self, department: str, day: str, deltas: dict[str, int],
                  last_submission: str | None = None) -> dict | None:
        """The UpdateItem of one (department, day) bucket: ADD every non-zero delta."""
        deltas = {k: v for k, v in deltas.items() if v}
        if not deltas and not last_submission:
            return None
        names, values, adds = _adds(deltas)
        expr = "ADD " + ", ".join(adds) if adds else ""
        if last_submission:
            names["#ls"] = "last_submission"
            values[":ls"] = last_submission
            expr += " SET #ls = :ls"
        return {"TableName": self.table.name, "Key": {"pk": f"D#{department}", "sk": day},
                "UpdateExpression": expr.strip(), "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values}

    def add(self, department: str, day: str, deltas: dict[str, int], last_submission: str | None = None) -> None:
        """ADD every non-zero delta (attribute names are counter names) in one UpdateItem."""
        op = self.update_op(department, day, deltas, last_submission)
        if op:
            op.pop("TableName")
            self.table.update_item(**op)

    def late_tally(self, department: str, day: str, record_ids: list[str]) -> dict | None:
        """The transaction item that counts the late records one transaction creates (None: none)."""
        if not record_ids:
            return None
        return {"Put": {"TableName": self.table.name, "Item": {
            "pk": f"L#{department}", "sk": f"{day}#{record_ids[0]}", "n": len(record_ids), "records": record_ids}}}

    def pending_op(self, department: str, request: str, day: str, stamp: str, deltas: dict[str, int],
                   refs: list[str] = (), late: list[str] = ()) -> dict | None:
        """The transaction item that adds one write's counts (and the records it stored, the late
        ones it created) to the request's pending item (None: nothing to count)."""
        deltas = {k: v for k, v in deltas.items() if v}
        if not deltas:
            return None
        names, values, adds = _adds(deltas)
        names |= {"#g": "groups", "#d": "day", "#t": "at", "#l": "last"}
        values |= {":one": 1, ":d": day, ":t": stamp, ":l": secrets.token_hex(8)}
        adds.append("#g :one")
        for name, ids in (("refs", refs), ("late", late)):
            if ids:
                names[f"#{name}"], values[f":{name}"] = name, set(ids)
                adds.append(f"#{name} :{name}")
        return {"Update": {"TableName": self.table.name, "Key": {"pk": f"{PENDING_PREFIX}{department}", "sk": request},
                           "UpdateExpression": "ADD " + ", ".join(adds)
                           + " SET #d = if_not_exists(#d, :d), #t = if_not_exists(#t, :t), #l = :l",
                           "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}}

    def pending(self, department: str) -> list[Pending]:
        """The department's pending counts, at most MAX_SETTLE of them (one consistent Query; the
        partition is empty when all is settled)."""
        items, _ = query_upto(self.table, MAX_SETTLE, ConsistentRead=True,
                              KeyConditionExpression=Key("pk").eq(f"{PENDING_PREFIX}{department}"))
        return [Pending(sk=i["sk"], day=i["day"], guard=("last", i["last"]), refs=frozenset(i.get("refs", ())),
                        late=frozenset(i.get("late", ())), at=i.get("at", ""),
                        deltas={k: int(v) for k, v in i.items() if k not in PENDING_ATTRS}) for i in items]

    def settle(self, department: str, day: str, deltas: dict[str, int], last_submission: str | None,
               pending: list[Pending]) -> bool:
        """One transaction: the day buckets ADD `deltas` (on `day`) and the pending counts (on their
        days), each pending item deleted if it is still as read (its `guard`: the token of its last
        write, or for the request's own item, not read, its `submitted` total — an item taken over and
        written again holds less), with the 迟报 tally of its late records. False: one changed or
        went meanwhile (read again)."""
        buckets: dict[str, dict[str, int]] = {day: dict(deltas)}
        for p in pending:
            bucket = buckets.setdefault(p.day, {})
            for k, v in p.deltas.items():
                bucket[k] = bucket.get(k, 0) + v
        ops = [{"Update": op} for d, b in buckets.items()
               if (op := self.update_op(department, d, b, last_submission if d == day else None))]
        ops += [{"Delete": {"TableName": self.table.name, "Key": {"pk": f"{PENDING_PREFIX}{department}", "sk": p.sk},
                            "ConditionExpression": "#g = :g", "ExpressionAttributeNames": {"#g": p.guard[0]},
                            "ExpressionAttributeValues": {":g": p.guard[1]}}} for p in pending]
        ops += [tally for p in pending if (tally := self.late_tally(department, p.day, sorted(p.late)))]
        return not ops or transact(self.table.meta.client, ops)

    def late(self, department: str, start: str, end: str) -> int:
        """Late records counted on days start..end (the tallies' sum; one query, paginated)."""
        return sum(int(item.get("n", 1)) for item in query_all(
            self.table, KeyConditionExpression=Key("pk").eq(f"L#{department}") & Key("sk").between(start, f"{end}~"),
            ProjectionExpression="#n", ExpressionAttributeNames={"#n": "n"}))

    def days(self, department: str, start: str, end: str) -> list[dict]:
        return [from_item(i) for i in query_all(
            self.table, KeyConditionExpression=Key("pk").eq(f"D#{department}") & Key("sk").between(start, end))]

    def last_submission(self, department: str) -> str | None:
        """The newest day bucket that recorded an accepted submission."""
        resp = self.table.query(KeyConditionExpression=Key("pk").eq(f"D#{department}"), ScanIndexForward=False,
                                FilterExpression="attribute_exists(last_submission)", Limit=60)
        items = resp["Items"]
        return items[0]["last_submission"] if items else None

    def put_deadlines(self, day: str, rows: dict[str, dict]) -> None:
        """The deadlines job's per-department findings for `day` (read by the reports)."""
        self.table.put_item(Item={"pk": "DEADLINES", "sk": day, "rows": rows})

    def deadlines(self, day: str) -> dict[str, dict]:
        item = self.table.get_item(Key={"pk": "DEADLINES", "sk": day}).get("Item")
        return from_item(item["rows"]) if item else {}

    def first_deadlines_day(self) -> str | None:
        """The day the first `deadlines` findings were stored for (when the platform started)."""
        resp = self.table.query(KeyConditionExpression=Key("pk").eq("DEADLINES"), Limit=1,
                                ProjectionExpression="sk")
        return resp["Items"][0]["sk"] if resp["Items"] else None

    def latest_deadlines(self, day: str) -> dict[str, dict]:
        """The newest deadlines findings on or before `day`."""
        resp = self.table.query(KeyConditionExpression=Key("pk").eq("DEADLINES") & Key("sk").lte(day),
                                ScanIndexForward=False, Limit=1)
        return from_item(resp["Items"][0]["rows"]) if resp["Items"] else {}

    def put_scorecards(self, month: str, body: dict) -> None:
        """A month's built scorecards as one item (JSON text: its shares stay floats, well under 400 KB)."""
        self.table.put_item(Item={"pk": "SCORECARDS", "sk": month,
                                  "body": json.dumps(body, ensure_ascii=False, separators=(",", ":"))})

    def scorecards(self, month: str) -> dict | None:
        item = self.table.get_item(Key={"pk": "SCORECARDS", "sk": month}).get("Item")
        return json.loads(item["body"]) if item else None
