"""Failed-login counters with a sliding expiry (the table's TTL removes old ones)."""
from __future__ import annotations

import time


class ThrottleRepository:
    def __init__(self, table):
        self.table = table

    def failures(self, key: str) -> int:
        item = self.table.get_item(Key={"key": key}, ConsistentRead=True).get("Item")
        if not item or int(item["expires_at"]) <= int(time.time()):
            return 0
        return int(item["count"])

    def add_failure(self, key: str, window_seconds: int) -> int:
        """Count one failure; the window restarts when the previous one has expired."""
        now = int(time.time())
        try:
            resp = self.table.update_item(
                Key={"key": key}, UpdateExpression="ADD #c :one SET expires_at = if_not_exists(expires_at, :exp)",
                ConditionExpression="attribute_not_exists(expires_at) OR expires_at > :now",
                ExpressionAttributeNames={"#c": "count"},
                ExpressionAttributeValues={":one": 1, ":exp": now + window_seconds, ":now": now},
                ReturnValues="UPDATED_NEW")
            return int(resp["Attributes"]["count"])
        except self.table.meta.client.exceptions.ConditionalCheckFailedException:
            self.table.put_item(Item={"key": key, "count": 1, "expires_at": now + window_seconds})
            return 1

    def clear(self, key: str) -> None:
        self.table.delete_item(Key={"key": key})
