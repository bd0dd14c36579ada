"""Time: "today" is always the date in Asia/Shanghai (Lambda clocks are UTC)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
FIRST_YEAR, LAST_YEAR = 2004, 2099     # every date and month a request may name (SPEC §6.5)


def now() -> datetime:
    return datetime.now(CHINA)


def today() -> date:
    return now().date()


def now_iso() -> str:
    return now().isoformat(timespec="milliseconds")


def parse_day(value: str | None, field: str = "as_of") -> date | None:
    """YYYY-MM-DD in 2004–2099 → date; None passes; anything else is a BadRequest naming the field."""
    return _parse(value, field, "", "YYYY-MM-DD 格式的日期")


def parse_month(value: str | None, field: str = "month") -> date | None:
    """YYYY-MM in 2004–2099 → the month's first day; None passes; else a BadRequest naming the field."""
    return _parse(value, field, "-01", "YYYY-MM 格式的月份")


def _parse(value, field: str, suffix: str, what: str) -> date | None:
    from chalicelib.errors import BadRequest

    if value in (None, ""):
        return None
    day = None
    if isinstance(value, str) and len(value) + len(suffix) == 10:
        try:
            day = date.fromisoformat(value + suffix)
        except ValueError:
            pass
    if day is None:
        raise BadRequest(f"「{field}」应为 {what}", code="BAD_REQUEST", details=[{"field": field, "code": "BAD_DATE"}])
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadRequest(f"{field} 应在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间", code="BAD_REQUEST",
                         details=[{"field": field, "code": "OUT_OF_RANGE"}])
    return day
