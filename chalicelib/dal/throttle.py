"""Identity state kept in the `throttle` table: login-attempt counters and token cut-offs.

Login attempts (key "login#<username>"): counted atomically BEFORE the password is checked — one
conditional update admits an attempt only while the window holds fewer than the limit, so any
number of parallel tries admit at most `limit` (the table's TTL removes old windows).

Token cut-offs (key "user#<username>", no TTL): `tokens_valid_after`, epoch seconds; an ID token
issued at or before it is refused (disabled account, changed role or department).
"""
from __future__ import annotations

import time


class ThrottleRepository:
    def __init__(self, table, clock=time.time):
        self.table = table
        self.clock = clock

    def admit(self, key: str, limit: int, window_seconds: int) -> bool:
        """Count one attempt if the window has room (or has expired: a new window); False = refused."""
        failed = self.table.meta.client.exceptions.ConditionalCheckFailedException
        for _ in range(2):   # a window started again by a parallel attempt: count in it
            now = int(self.clock())
            try:
                self.table.update_item(
                    Key={"key": key}, UpdateExpression="ADD #c :one SET expires_at = if_not_exists(expires_at, :exp)",
                    ConditionExpression="attribute_not_exists(expires_at) OR (expires_at > :now AND #c < :limit)",
                    ExpressionAttributeNames={"#c": "count"},
                    ExpressionAttributeValues={":one": 1, ":exp": now + window_seconds, ":now": now, ":limit": limit})
                return True
            except failed:
                pass
            try:   # full, or an expired window: only an expired one is started again (conditionally)
                self.table.put_item(Item={"key": key, "count": 1, "expires_at": now + window_seconds},
                                    ConditionExpression="expires_at <= :now", ExpressionAttributeValues={":now": now})
                return True
            except failed:
                item = self.table.get_item(Key={"key": key}, ConsistentRead=True).get("Item")
                if item and int(item["count"]) >= limit and int(item["expires_at"]) > now:
                    return False
        return False

    def retry_after(self, key: str) -> int:
        """Seconds until the window of `key` ends (0: no window open)."""
        item = self.table.get_item(Key={"key": key}, ConsistentRead=True).get("Item")
        return max(int(item["expires_at"]) - int(self.clock()), 0) if item and "expires_at" in item else 0

    def refund(self, key: str) -> None:
        """Give back an attempt that was never tried (the identity service was out of reach); a
        window left with no attempt goes, so an outage leaves nothing behind."""
        failed = self.table.meta.client.exceptions.ConditionalCheckFailedException
        try:
            left = self.table.update_item(
                Key={"key": key}, UpdateExpression="ADD #c :minus", ConditionExpression="#c > :zero",
                ExpressionAttributeNames={"#c": "count"}, ExpressionAttributeValues={":minus": -1, ":zero": 0},
                ReturnValues="UPDATED_NEW")["Attributes"]["count"]
            if left <= 0:
                self.table.delete_item(Key={"key": key}, ConditionExpression="#c <= :zero",
                                       ExpressionAttributeNames={"#c": "count"}, ExpressionAttributeValues={":zero": 0})
        except failed:
            pass

    def clear(self, key: str) -> None:
        self.table.delete_item(Key={"key": key})

    def revoke_tokens(self, username: str) -> int:
        """Tokens of `username` issued up to now are no longer valid; returns the cut-off."""
        cutoff = int(self.clock())
        self.table.put_item(Item={"key": f"user#{username}", "tokens_valid_after": cutoff})
        return cutoff

    def tokens_valid_after(self, username: str) -> int | None:
        item = self.table.get_item(Key={"key": f"user#{username}"}).get("Item")
        return int(item["tokens_valid_after"]) if item else None
