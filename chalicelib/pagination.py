"""Opaque list cursors: the one place a cursor is encoded, decoded and validated.

A cursor is base64url of JSON: either a DynamoDB LastEvaluatedKey itself (`Shape(key=…)`), or
`{"d": day, "k": key}` for lists that walk day partitions (`Shape(key=…, dated=True)`), or `{"k": key}`
(`Shape(key=…, wrapped=True)`). `read` gives a `Position` whose start key has exactly the list's
key attributes (and any of its optional ones), each a non-empty string of at most MAX_KEY_BYTES, each satisfying what the caller's
query allows (`where`: a value, or a test of the value — a key outside the query's key condition is
a ValidationException in DynamoDB) and whose day lies in 2004–2099. Anything else — bad base64,
bad JSON, huge numbers, a cursor of another list, a tampered key — is `BadCursor` (400 BAD_CURSOR),
so no cursor reaches boto3 unchecked.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from chalicelib.errors import BadRequest

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_CURSOR_CHARS = 4096
MAX_KEY_BYTES = 1024       # DynamoDB's limit for a sort key value (a partition key's is 2048)


class BadCursor(BadRequest):
    code = "BAD_CURSOR"
    message = "分页游标无效，请从第一页重新查询"

    def __init__(self, reason: str):
        super().__init__(details=[{"field": "cursor", "code": "BAD_CURSOR", "reason": reason}])


@dataclass(frozen=True)
class Shape:
    """What a list's cursor holds: the start key's attribute names, and how it is wrapped."""
    key: frozenset[str]
    dated: bool = False       # {"d": "YYYY-MM-DD", "k"?: key}
    wrapped: bool = False     # {"k": key}
    optional: frozenset[str] = frozenset()    # attributes a position may add to the key (strings too)

    def __init__(self, key: Iterable[str], *, dated: bool = False, wrapped: bool = False,
                 optional: Iterable[str] = ()):
        object.__setattr__(self, "key", frozenset(key))
        object.__setattr__(self, "dated", dated)
        object.__setattr__(self, "wrapped", wrapped)
        object.__setattr__(self, "optional", frozenset(optional))


@dataclass(frozen=True)
class Position:
    day: date | None = None
    key: dict | None = None


Where = dict   # key attribute → the value it must have, or a test of the value


def encode(position: dict | None) -> str | None:
    if not position:
        return None
    raw = json.dumps(position, separators=(",", ":"), ensure_ascii=False, default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> dict | None:
    """The cursor's JSON object, parsed like a request body (bounded numbers and depth), or None."""
    from chalicelib.errors import DomainError
    from chalicelib.http import parse_json

    if not cursor:
        return None
    if len(cursor) > MAX_CURSOR_CHARS:
        raise BadCursor("too long")
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise BadCursor("not base64url") from None
    try:
        value = parse_json(raw)
    except DomainError:
        raise BadCursor("not JSON") from None
    if not isinstance(value, dict):
        raise BadCursor("not an object")
    return value


def read(cursor: str | None, shape: Shape, where: Where | Callable[[date | None], Where] | None = None
         ) -> Position:
    """The position a cursor of this list continues from (an empty Position without a cursor).

    `where` names what each key attribute must be for this query — a value, or a test of the value;
    for a dated shape it may be a function of the cursor's day."""
    value = _decode(cursor)
    if value is None:
        return Position()
    day = None
    if shape.dated or shape.wrapped:
        allowed = {"d", "k"} if shape.dated else {"k"}
        if not set(value) <= allowed or (shape.dated and "d" not in value) or (shape.wrapped and "k" not in value):
            raise BadCursor("not a cursor of this list")
        if shape.dated:
            day = _day(value["d"])
        key = value.get("k")
        if key is None and shape.dated:
            return Position(day=day)
    else:
        key = value
    rules = where(day) if callable(where) else (where or {})
    return Position(day=day, key=_key(key, shape.key, rules, shape.optional))


def _day(value) -> date:
    from chalicelib.clock import FIRST_YEAR, LAST_YEAR

    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadCursor("bad day")
    return day


def _key(key, names: frozenset[str], rules: Where, optional: frozenset[str] = frozenset()) -> dict:
    if not isinstance(key, dict) or not names <= set(key) <= names | optional:
        raise BadCursor("not a key of this list")
    for name, v in key.items():
        if not isinstance(v, str) or not v or len(v.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
            raise BadCursor(f"bad {name}")
        rule = rules.get(name)
        if rule is not None and not (rule(v) if callable(rule) else v == rule):
            raise BadCursor(f"{name} outside this list")
    return key


def limit_of(value: str | None) -> int:
    if value in (None, ""):
        return DEFAULT_LIMIT
    n = int(value) if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 4 else 0
    if not 1 <= n <= MAX_LIMIT:
        raise BadRequest(f"limit 应为 1 到 {MAX_LIMIT} 的整数", details=[{"field": "limit", "code": "BAD_REQUEST"}])
    return n
