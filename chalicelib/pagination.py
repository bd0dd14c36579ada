"""Opaque list cursors (base64 of a DynamoDB LastEvaluatedKey plus any extra position)."""
from __future__ import annotations

import base64
import json

from chalicelib.errors import BadRequest

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode(position: dict | None) -> str | None:
    if not position:
        return None
    raw = json.dumps(position, separators=(",", ":"), ensure_ascii=False, default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str | None) -> dict | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("分页游标无效", details=[{"field": "cursor", "code": "BAD_CURSOR"}]) from None
    if not isinstance(value, dict):
        raise BadRequest("分页游标无效", details=[{"field": "cursor", "code": "BAD_CURSOR"}])
    return value


def limit_of(value: str | None) -> int:
    if value in (None, ""):
        return DEFAULT_LIMIT
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_LIMIT:
        raise BadRequest(f"limit 应为 1 到 {MAX_LIMIT} 的整数", details=[{"field": "limit", "code": "BAD_REQUEST"}])
    return n


def start_key(after: dict | None, required: set[str], fixed: dict | None = None) -> dict | None:
    """A cursor's DynamoDB start key, checked against the list it continues (BAD_CURSOR otherwise)."""
    if after is None:
        return None
    ok = (isinstance(after, dict) and set(after) == required
          and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in after.values())
          and all(after.get(k) == v for k, v in (fixed or {}).items()))
    if not ok:
        raise BadRequest("分页游标无效", details=[{"field": "cursor", "code": "BAD_CURSOR"}])
    return after
