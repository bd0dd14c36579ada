"""归集/公示时限 and publication periods per category (SPEC §2 table, §4)."""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.catalog import load_catalog
from chalicelib.domain.periods import Period, add_months, deadlines, is_late, publication_period
from chalicelib.domain.validation import validate_record
from chalicelib.domain.workdays import WorkCalendar, YearOverride
from chalicelib.local.demo_data import sample_record

CATALOG = load_catalog()
TODAY = date(2026, 10, 1)
PUBLISHED = date(2026, 10, 20)


def period(category_id: str, **overrides) -> Period:
    category = CATALOG.category(category_id)
    check = validate_record(category, sample_record(category_id, **overrides), TODAY)
    assert check.ok, check.errors
    return publication_period(category, check.fields, PUBLISHED)


def test_given_a_decision_then_collect_and_publish_deadlines_are_7_and_20_working_days():
    d = deadlines(date(2026, 9, 28), WorkCalendar())
    assert (d.collect_deadline, d.publish_deadline, d.provisional) == (date(2026, 10, 13), date(2026, 10, 30), False)


def test_given_a_december_decision_then_deadlines_in_2027_are_provisional_until_a_table_is_loaded():
    assert deadlines(date(2026, 12, 28), WorkCalendar()).provisional
    cal = WorkCalendar({2027: YearOverride(holidays={date(2027, 1, 1)})})
    d = deadlines(date(2026, 12, 28), cal)
    assert (d.collect_deadline, d.provisional) == (date(2027, 1, 7), False)


def test_given_arrival_dates_then_late_only_after_the_collect_deadline():
    assert not is_late(date(2026, 10, 13), date(2026, 10, 13))
    assert not is_late(date(2026, 10, 12), date(2026, 10, 13))
    assert is_late(date(2026, 10, 14), date(2026, 10, 13))


def test_given_month_arithmetic_then_month_ends_clamp():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 10, 20), 36) == date(2029, 10, 20)


def test_given_registration_then_always_published():
    assert period("registration") == Period(publishable=True, until=None)


def test_given_licences_then_until_valid_to_long_term_open_and_invalid_off():
    assert period("admin_license") == Period(publishable=True, until=date(2031, 9, 27))
    assert period("admin_license", XK_YXQZI="2099/12/31") == Period(publishable=True, until=None)
    assert period("admin_license", XK_ZT="2") == Period(publishable=False)


@pytest.mark.parametrize("kinds, fine, until", [
    ("警告", None, "off"),
    ("通报批评", None, date(2027, 1, 20)),
    ("警告、通报批评", None, date(2027, 1, 20)),
    ("罚款", "0.5", date(2027, 1, 20)),
    ("警告、罚款", "0.99", date(2027, 1, 20)),
    ("罚款", "1", date(2029, 10, 20)),          # the threshold itself is not below it
    ("罚款", "5", date(2029, 10, 20)),
    ("罚款", None, date(2029, 10, 20)),          # a fine of unknown amount is not a small one
    ("罚款、责令停产停业", "0.5", date(2029, 10, 20)),
    ("没收违法所得", None, date(2029, 10, 20)),
    ("暂扣或者吊销许可证/执照", None, date(2029, 10, 20)),
])
def test_given_penalty_kinds_then_the_publication_tier(kinds, fine, until):
    p = period("admin_penalty", CF_CFLB=kinds, CF_NR_FK=fine)
    assert p == (Period(publishable=False) if until == "off" else Period(publishable=True, until=until))


def test_given_a_penalty_with_an_earlier_gsjzq_then_it_wins_and_a_later_one_does_not():
    assert period("admin_penalty", CF_GSJZQ="2027/06/30").until == date(2027, 6, 30)
    assert period("admin_penalty", CF_GSJZQ="2035/01/01").until == date(2029, 10, 20)
    assert period("admin_penalty", CF_CFLB="通报批评", CF_GSJZQ="2026/12/31").until == date(2026, 12, 31)


def test_given_the_fine_threshold_is_configured_then_it_decides():
    # Given a catalog whose 较低数额 is 10 万元 (and 2 万元 for 个体工商户)
    category = CATALOG.category("admin_penalty").model_copy(deep=True)
    category.period["penalty"]["fine_threshold_wan"] = "10"
    category.period["penalty"]["fine_threshold_wan_by_party_type"] = {"个体工商户": "2"}
    fields = validate_record(category, sample_record("admin_penalty", CF_NR_FK="5"), TODAY).fields
    assert publication_period(category, fields, PUBLISHED).until == date(2027, 1, 20)
    fields = {**fields, "CF_XDR_LB": "个体工商户"}
    assert publication_period(category, fields, PUBLISHED).until == date(2029, 10, 20)


def test_given_inspections_then_three_years_from_the_inspection_date():
    assert period("inspection") == Period(publishable=True, until=date(2029, 9, 15))


def test_given_abnormal_listings_then_until_removal():
    assert period("abnormal_list") == Period(publishable=True, until=None)
    assert period("abnormal_list", removal_date="2026-09-30").until == date(2026, 9, 30)


def test_given_serious_violations_then_until_removal_at_most_three_years():
    assert period("serious_violation").until == date(2029, 6, 30)
    assert period("serious_violation", removal_date="2026-09-01").until == date(2026, 9, 1)


def test_given_a_serious_violation_removed_late_then_capped_at_three_years():
    category = CATALOG.category("serious_violation")
    fields = {"listed_date": "2026-06-30", "removal_date": "2030-01-01"}
    assert publication_period(category, fields, PUBLISHED).until == date(2029, 6, 30)


def test_given_mortgages_and_pledges_then_published_until_cancelled():
    assert period("chattel_mortgage") == Period(publishable=True, until=None)
    assert period("chattel_mortgage", status="注销") == Period(publishable=False)
    assert period("equity_pledge") == Period(publishable=True, until=None)
    assert period("equity_pledge", status="无效") == Period(publishable=False)


def test_given_trademarks_then_until_the_end_of_the_exclusive_right():
    assert period("trademark").until == date(2036, 5, 13)


def test_given_other_information_then_the_departments_deadline_or_one_year():
    assert period("other").until == date(2027, 9, 10)
    assert period("other", publicity_deadline="2028/01/01").until == date(2028, 1, 1)


def test_given_garbage_fields_then_no_exception():
    for category in CATALOG.categories.values():
        p = publication_period(category, {"CF_CFLB": 5, "inspection_date": "x", "XK_YXQZI": []}, PUBLISHED)
        assert isinstance(p, Period)


# An approved 目录事项's own period (SPEC §5.3): the category's main span becomes the item's months.
def item_period(category_id: str, months: int | None, **overrides) -> Period:
    category = CATALOG.category(category_id)
    check = validate_record(category, sample_record(category_id, **overrides), TODAY)
    assert check.ok, check.errors
    return publication_period(category, check.fields, PUBLISHED, months)


def test_given_an_item_period_then_a_standard_penalty_is_public_that_many_months_and_the_rest_stays():
    fine = {"CF_CFLB": "罚款", "CF_NR_FK": "5", "CF_GSJZQ": ""}
    assert item_period("admin_penalty", None, **fine).until == add_months(PUBLISHED, 36)
    assert item_period("admin_penalty", 12, **fine).until == add_months(PUBLISHED, 12)
    assert item_period("admin_penalty", 12, CF_CFLB="警告", CF_GSJZQ="").publishable is False
    minor = item_period("admin_penalty", 12, CF_CFLB="罚款", CF_NR_FK="0.5", CF_GSJZQ="")
    assert minor.until == add_months(PUBLISHED, 3)      # the 3-month tier is the law's, not the item's


def test_given_an_item_period_then_inspection_cap_and_other_default_follow_it_from_their_own_start():
    ins = CATALOG.category("inspection")
    check = validate_record(ins, sample_record("inspection"), TODAY)
    start = date.fromisoformat(str(check.fields[ins.period["cap"]["from"]])[:10])
    assert item_period("inspection", 6).until == min(add_months(start, 6), add_months(start, 36))
    other = CATALOG.category("other")
    check = validate_record(other, sample_record("other", publicity_deadline=""), TODAY)
    start = date.fromisoformat(str(check.fields[other.period["default"]["from"]])[:10])
    assert item_period("other", 24, publicity_deadline="").until == add_months(start, 24)
    assert item_period("other", None, publicity_deadline="").until == add_months(start, 12)
