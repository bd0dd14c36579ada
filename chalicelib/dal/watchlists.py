"""Watchlists, the codes they watch, their deliveries and the deliveries waiting for a retry.

A watched code's partition (pk "CODE#<code>") holds one item per watchlist (sk "WL#<id>") and one
marker (sk "#watched"): which codes of a change batch are watched at all comes from BatchGetItem,
100 codes a request, and only the watched ones are queried for their watchers.
"""
from __future__ import annotations

from boto3.dynamodb.conditions import Key

from chalicelib.dal.batch import batch_get, query_all, query_page
from chalicelib.dal.items import from_item, to_item


class WatchlistRepository:
    def __init__(self, table):
        self.table = table

    def create(self, watchlist: dict, codes: list[str]) -> None:
        with self.table.batch_writer() as batch:
            batch.put_item(Item=to_item({**watchlist, "pk": f"WL#{watchlist['id']}", "sk": "#config"}))
            for code in codes:
                batch.put_item(Item={"pk": f"CODE#{code}", "sk": f"WL#{watchlist['id']}", "code": code,
                                     "watchlist_id": watchlist["id"]})
                batch.put_item(Item={**_watched_key(code), "code": code})

    def get(self, watchlist_id: str) -> dict | None:
        item = self.table.get_item(Key={"pk": f"WL#{watchlist_id}", "sk": "#config"}).get("Item")
        return from_item(item) if item else None

    def watched(self, codes) -> set[str]:
        """The codes, among `codes`, that some watchlist watches (BatchGetItem of their markers)."""
        keys = [_watched_key(c) for c in dict.fromkeys(codes)]
        return {i["code"] for i in batch_get(self.table, keys)}

    def watchers(self, code: str) -> list[dict]:
        return [from_item(i) for i in query_all(
            self.table, KeyConditionExpression=Key("pk").eq(f"CODE#{code}") & Key("sk").begins_with("WL#"))]

    def set_restricted(self, code: str, watchlist_id: str, restricted: bool) -> None:
        self.table.update_item(Key={"pk": f"CODE#{code}", "sk": f"WL#{watchlist_id}"},
                               UpdateExpression="SET restricted = :r", ExpressionAttributeValues={":r": restricted})

    def put_delivery(self, delivery: dict) -> None:
        """The delivery's record under its watchlist, and under PENDING while it waits for a retry."""
        item = to_item(delivery)
        self.table.put_item(Item={**item, "pk": f"WL#{delivery['watchlist_id']}", "sk": f"D#{delivery['id']}"})
        pending_key = {"pk": "PENDING", "sk": delivery["id"]}
        if delivery["status"] == "pending":
            self.table.put_item(Item={**item, **pending_key})
        else:
            self.table.delete_item(Key=pending_key)

    def pending(self) -> list[dict]:
        return [from_item(i) for i in query_all(self.table, KeyConditionExpression=Key("pk").eq("PENDING"))]

    def deliveries(self, watchlist_id: str, limit: int, after: dict | None) -> tuple[list[dict], dict | None]:
        items, last = query_page(self.table, after, ScanIndexForward=False, Limit=limit,
                                 KeyConditionExpression=Key("pk").eq(f"WL#{watchlist_id}") & Key("sk").begins_with("D#"))
        return [{k: v for k, v in from_item(i).items() if k not in ("pk", "sk", "events")} for i in items], last


def _watched_key(code: str) -> dict:
    return {"pk": f"CODE#{code}", "sk": "#watched"}
