"""Working days: chinesecalendar for 2004–2026, admin override tables, Mon–Fri provisional beyond."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.workdays import WorkCalendar, YearOverride, library_covers

CAL = WorkCalendar()
OVERRIDE_2027 = YearOverride(holidays={date(2027, 1, 1), date(2027, 1, 4), date(2027, 1, 5)},
                             workdays={date(2027, 1, 9)})  # 1/9 is a Saturday (调休上班)


def test_given_the_spec_example_then_plus_7_and_plus_20_working_days():
    # Given a decision on 2026-09-28 (national-day holidays 10/1–7, makeup Saturday 10/10)
    assert CAL.add_working_days(date(2026, 9, 28), 7) == (date(2026, 10, 13), False)
    assert CAL.add_working_days(date(2026, 9, 28), 20) == (date(2026, 10, 30), False)


def test_given_2026_holidays_then_they_are_not_working_days_and_makeup_days_are():
    assert CAL.is_working_day(date(2026, 10, 1)) == (False, False)
    assert CAL.is_working_day(date(2026, 10, 10)) == (True, False)   # Saturday makeup day
    assert CAL.is_working_day(date(2026, 2, 14)) == (True, False)
    assert CAL.is_working_day(date(2026, 10, 11)) == (False, False)  # plain Sunday
    assert library_covers(2004) and library_covers(2026) and not library_covers(2027)


def test_given_a_december_decision_when_2027_has_no_table_then_mon_to_fri_provisional():
    # When counting from 2026-12-28 (a Monday) into 2027, which chinesecalendar 1.11.0 does not cover
    assert CAL.add_working_days(date(2026, 12, 28), 7) == (date(2027, 1, 6), True)
    assert CAL.add_working_days(date(2026, 12, 28), 20) == (date(2027, 1, 25), True)
    assert CAL.is_working_day(date(2027, 1, 1)) == (True, True)  # a Friday, no data: provisional


def test_given_a_2027_table_then_the_same_call_is_exact_and_respects_it():
    cal = WorkCalendar({2027: OVERRIDE_2027})
    # Then 1/1, 1/4, 1/5 are skipped and Saturday 1/9 counts
    assert cal.add_working_days(date(2026, 12, 28), 7) == (date(2027, 1, 9), False)
    assert cal.add_working_days(date(2026, 12, 28), 20) == (date(2027, 1, 27), False)
    # And days the table does not list are plain Mon–Fri, not provisional
    assert cal.is_working_day(date(2027, 3, 1)) == (True, False)
    assert cal.is_working_day(date(2027, 3, 6)) == (False, False)


def test_given_an_override_for_a_covered_year_then_it_wins_over_the_library():
    cal = WorkCalendar({2026: YearOverride(workdays={date(2026, 10, 8)}, holidays={date(2026, 10, 12)})})
    assert cal.is_working_day(date(2026, 10, 8)) == (True, False)
    assert cal.is_working_day(date(2026, 10, 12)) == (False, False)
    assert cal.is_working_day(date(2026, 10, 1)) == (False, False)  # unlisted: library still applies


def test_given_an_override_from_json_then_iso_strings_are_accepted():
    ov = YearOverride.model_validate({"holidays": ["2027-01-01"], "workdays": ["2027-01-09"]})
    assert ov.holidays == {date(2027, 1, 1)} and ov.workdays == {date(2027, 1, 9)}


def test_given_ranges_then_working_days_between_counts_after_a_up_to_b():
    assert CAL.working_days_between(date(2026, 9, 28), date(2026, 10, 13)) == (7, False)
    assert CAL.working_days_between(date(2026, 10, 13), date(2026, 9, 28)) == (-7, False)
    assert CAL.working_days_between(date(2026, 9, 28), date(2026, 9, 28)) == (0, False)
    count, provisional = CAL.working_days_between(date(2026, 12, 28), date(2027, 1, 6))
    assert (count, provisional) == (7, True)
    assert WorkCalendar({2027: OVERRIDE_2027}).working_days_between(date(2026, 12, 28), date(2027, 1, 9)) == (7, False)


def test_given_extreme_dates_then_nothing_raises():
    assert CAL.add_working_days(date.max - timedelta(days=2), 10) == (date.max, True)
    assert CAL.add_working_days(date(2026, 9, 28), 0) == (date(2026, 9, 28), False)
    assert CAL.add_working_days(date(2026, 9, 28), -5) == (date(2026, 9, 28), False)
    count, provisional = CAL.working_days_between(date.min, date.max)
    assert count > 2_500_000 and provisional
    assert CAL.is_working_day(date(1, 1, 1))[1] is True


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)), st.integers(0, 60))
def test_given_any_start_then_adding_is_consistent_with_counting(start, n):
    # Given any start date and count, When adding n working days
    end, provisional = CAL.add_working_days(start, n)
    # Then exactly n working days lie in (start, end], and end itself is one of them
    assert CAL.working_days_between(start, end)[0] == n
    if n > 0:
        assert CAL.is_working_day(end)[0]
    assert provisional == any(CAL.is_working_day(start + timedelta(days=i))[1]
                              for i in range(1, (end - start).days + 1))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
       st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_given_any_two_dates_then_between_is_antisymmetric(a, b):
    forward, p1 = CAL.working_days_between(a, b)
    backward, p2 = CAL.working_days_between(b, a)
    assert forward == -backward and p1 == p2
