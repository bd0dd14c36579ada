"""Report counters in daily buckets: one item per (department, day), updated once per batch.

迟报 (late) records are counted apart, one tally item per record-writing transaction (pk
"L#<department>", sk "<day>#<first late record_id>", n = how many, records = their ids) written in
the transaction that creates them: the creates are conditional, so a tally commits exactly when its
records are created — a resent batch or a re-applied upload chunk finds its records stored and adds
no tally, and each late record is counted exactly once. No transaction touches a shared (hot) item.
(Items without `n`, one per record as written before, count 1 each.)
"""
from __future__ import annotations

import json

from boto3.dynamodb.conditions import Key

from chalicelib.dal.batch import query_all
from chalicelib.dal.items import from_item


class CounterRepository:
    def __init__(self, table):
        self.table = table

    def update_op(self, department: str, day: str, deltas: dict[str, int],
                  last_submission: str | None = None) -> dict | None:
        """The UpdateItem of one (department, day) bucket: ADD every non-zero delta."""
        deltas = {k: v for k, v in deltas.items() if v}
        if not deltas and not last_submission:
            return None
        names = {f"#a{i}": k for i, k in enumerate(deltas)}
        values = {f":v{i}": v for i, v in enumerate(deltas.values())}
        expr = "ADD " + ", ".join(f"#a{i} :v{i}" for i in range(len(deltas))) if deltas else ""
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
