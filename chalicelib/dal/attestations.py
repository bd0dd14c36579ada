"""Signed credit-check attestations, cached per (code, hash of the signed facts) until their TTL."""
from __future__ import annotations

import time


class AttestationCache:
    def __init__(self, table):
        self.table = table

    def get(self, key: str) -> dict | None:
        item = self.table.get_item(Key={"key": key}).get("Item")
        if not item or int(item["expires_at"]) <= int(time.time()):   # TTL deletes lazily
            return None
        return item

    def put(self, key: str, item: dict, ttl_seconds: int) -> None:
        self.table.put_item(Item={**item, "key": key, "expires_at": int(time.time()) + ttl_seconds})
