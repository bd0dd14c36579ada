"""AWS cron expressions (`cron(min hour dom month dow year)`): validation and matching.

Used by the local scheduler and by the infrastructure checks; AWS semantics: day-of-week 1-7 =
SUN-SAT, exactly one of day-of-month / day-of-week is `?`.
"""
from __future__ import annotations

import re
from datetime import datetime

_NAMES = {
    3: {m: i for i, m in enumerate(
        "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)},
    4: {d: i for i, d in enumerate("SUN MON TUE WED THU FRI SAT".split(), start=1)},
}
_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (1, 7), (1970, 2199)]


class CronError(ValueError):
    pass


def _values(field: str, pos: int) -> set[int] | None:
    """The set of values a field allows; None for `?`."""
    lo, hi = _RANGES[pos]
    if field == "?":
        if pos not in (2, 4):
            raise CronError(f"'?' only allowed in day fields, not field {pos + 1}")
        return None
    out: set[int] = set()
    for part in field.split(","):
        m = re.fullmatch(r"(\*|[0-9A-Z]+(?:-[0-9A-Z]+)?)(?:/(\d+))?", part.upper())
        if not m:
            raise CronError(f"bad cron field {field!r}")
        base, step = m.group(1), int(m.group(2) or 1)
        if base == "*":
            start, end = lo, hi
        else:
            bounds = [_NAMES.get(pos, {}).get(x) or (int(x) if x.isdigit() else None)
                      for x in base.split("-")]
            if None in bounds:
                raise CronError(f"bad cron value {base!r}")
            start, end = bounds[0], bounds[-1]
        if not (lo <= start <= hi and lo <= end <= hi) or step < 1 or start > end:
            raise CronError(f"cron value out of range in {field!r}")
        out.update(range(start, end + 1, step))
    return out


def parse(expression: str) -> list[set[int] | None]:
    m = re.fullmatch(r"cron\((.+)\)", expression.strip())
    if not m:
        raise CronError("expected cron(...)")
    fields = m.group(1).split()
    if len(fields) != 6:
        raise CronError("AWS cron takes 6 fields")
    parsed = [_values(f, i) for i, f in enumerate(fields)]
    if (parsed[2] is None) == (parsed[4] is None):
        raise CronError("exactly one of day-of-month and day-of-week must be '?'")
    return parsed


def matches(expression: str, when: datetime) -> bool:
    """Does the minute `when` (local time of the schedule's timezone) fire the expression?"""
    minute, hour, dom, month, dow, year = parse(expression)
    aws_dow = (when.isoweekday() % 7) + 1  # Sunday=1 … Saturday=7
    return (when.minute in minute and when.hour in hour and when.month in month
            and when.year in year and (dom is None or when.day in dom)
            and (dow is None or aws_dow in dow))
