"""Time: "today" is always the date in Asia/Shanghai (Lambda clocks are UTC)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(CHINA)


def today() -> date:
    return now().date()


def now_iso() -> str:
    return now().isoformat(timespec="milliseconds")


def parse_day(value: str | None, field: str = "as_of") -> date | None:
    """YYYY-MM-DD → date; None passes; anything else is a BadRequest naming the field."""
    from chalicelib.errors import BadRequest

    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BadRequest(f"「{field}」应为 YYYY-MM-DD 格式的日期", code="BAD_REQUEST",
                         details=[{"field": field, "code": "BAD_DATE"}]) from None
