"""Working days (工作日): Mon–Fri minus statutory holidays plus 调休 makeup days (SPEC §4).

Sources, first match wins for a date:
1. a year override loaded by the admin (`PUT /v1/admin/calendar/{year}`): its holidays and makeup
   workdays;
2. `chinesecalendar` for the years it covers (1.11.0: 2004–2026);
3. Mon–Fri. For a year with neither an override nor library data the answer is `provisional`.
Nothing here raises: chinesecalendar's NotImplementedError for uncovered years never escapes.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from pydantic import BaseModel, Field

try:  # the library's own tables: one dict lookup per day instead of its per-call range scan
    from chinese_calendar.constants import holidays as _CC_HOLIDAYS
    from chinese_calendar.constants import workdays as _CC_WORKDAYS
    _CC_YEARS = range(min(_CC_HOLIDAYS).year, max(_CC_HOLIDAYS).year + 1)
except Exception:  # pragma: no cover - library missing or reorganised: Mon–Fri, provisional
    _CC_HOLIDAYS, _CC_WORKDAYS, _CC_YEARS = {}, {}, range(0)

ONE_DAY = timedelta(days=1)
_ADDED: dict[tuple, dict[tuple[date, int], tuple[date, bool]]] = {}   # overrides → (start, n) → sum
_ADDED_CALENDARS, _ADDED_SUMS = 16, 20_000


class YearOverride(BaseModel):
    """One year's table: statutory holidays and makeup working days (调休上班)."""
    holidays: set[date] = Field(default_factory=set)
    workdays: set[date] = Field(default_factory=set)


def library_covers(year: int) -> bool:
    return year in _CC_YEARS


class WorkCalendar:
    def __init__(self, overrides: Mapping[int, YearOverride] | None = None) -> None:
        self.overrides: dict[int, YearOverride] = dict(overrides or {})
        # Sums already worked out, shared by every calendar with the same overrides: the batches
        # of an upload repeat their decision dates.
        key = tuple(sorted((y, frozenset(o.holidays), frozenset(o.workdays)) for y, o in self.overrides.items()))
        if len(_ADDED) > _ADDED_CALENDARS and key not in _ADDED:
            _ADDED.clear()
        self._added = _ADDED.setdefault(key, {})

    def remember(self, key: tuple, compute):
        """A value that follows from this calendar alone (`compute()`), remembered with its sums:
        shared by every calendar with the same overrides (`key` apart from the sums' (date, n))."""
        hit = self._added.get(key)
        if hit is None:
            if len(self._added) >= _ADDED_SUMS:
                self._added.clear()
            hit = self._added[key] = compute()
        return hit

    def is_working_day(self, d: date) -> tuple[bool, bool]:
        """(is a working day, provisional)."""
        override = self.overrides.get(d.year)
        if override is not None:
            if d in override.holidays:
                return False, False
            if d in override.workdays:
                return True, False
        if d.year in _CC_YEARS:
            if d in _CC_WORKDAYS:
                return True, False
            return d.weekday() < 5 and d not in _CC_HOLIDAYS, False
        return d.weekday() < 5, override is None

    def add_working_days(self, start: date, n: int) -> tuple[date, bool]:
        """The n-th working day after `start` (counting starts the day after), and whether any
        day counted was provisional. n <= 0 returns `start`; past date.max clamps to date.max."""
        return self.remember((start, n), lambda: self._add_working_days(start, n))

    def _add_working_days(self, start: date, n: int) -> tuple[date, bool]:
        d, provisional, left = start, False, n
        while left > 0:
            if d == date.max:
                return d, True
            d += ONE_DAY
            working, prov = self.is_working_day(d)
            provisional |= prov
            left -= working
        return d, provisional

    def working_days_between(self, a: date, b: date) -> tuple[int, bool]:
        """Working days in (a, b] — negative when b is before a — and whether any was provisional."""
        if b < a:
            count, provisional = self.working_days_between(b, a)
            return -count, provisional
        count, provisional = 0, False
        d = a + ONE_DAY if a < date.max else a
        while d <= b:
            year_end = date(d.year, 12, 31)
            stop = min(b, year_end)
            if d.year in self.overrides or d.year in _CC_YEARS:
                while True:
                    working, prov = self.is_working_day(d)
                    count += working
                    provisional |= prov
                    if d >= stop:
                        break
                    d += ONE_DAY
            else:  # no data for the year: count Mon–Fri arithmetically, provisional
                count += _weekdays_inclusive(d, stop)
                provisional = True
            if stop == date.max:
                break
            d = stop + ONE_DAY
        return count, provisional


def _weekdays_inclusive(a: date, b: date) -> int:
    """Mon–Fri days in [a, b]."""
    days = (b - a).days + 1
    weeks, rest = divmod(days, 7)
    start = a.weekday()
    return weeks * 5 + sum(1 for i in range(rest) if (start + i) % 7 < 5)
