"""The validator, the period rules and the working-day sums remember what they worked out (a sheet
repeats its cells). What they remember must never change an answer: each memoised result equals
the one worked out afresh, for any input, and a memo never outlives what it depends on."""
from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.catalog import load_catalog
from chalicelib.domain import periods
from chalicelib.domain.field_checks import compiled
from chalicelib.domain.validation import validate_record
from chalicelib.domain.workdays import WorkCalendar, YearOverride
from chalicelib.local.demo_data import sample_record

CATALOG = load_catalog()
TODAY = date(2026, 10, 1)
CATEGORY_IDS = st.sampled_from(list(CATALOG.categories))
cells = (st.none() | st.text(max_size=12) | st.sampled_from(["罚款", "警告", "罚款、警告", "2026/09/01", "2026-10-02",
                                                             "长期", "1.5万元", "91510823MA00004812", "法人及非法人组织",
                                                             " 一般 ", "涉密", "0", "2099/12/31"])
         | st.integers(-5, 50000) | st.floats(allow_nan=False) | st.dates())


def fresh(category_id: str, raw: dict, today: date):
    """The same check with every memo of the category emptied first."""
    for plan in compiled(CATALOG.category(category_id)).plans:
        plan.memo.clear()
        plan.clean.clear()
    return validate_record(CATALOG.category(category_id), raw, today, CATALOG.key_map(category_id))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), CATEGORY_IDS)
def test_given_any_record_then_a_remembered_check_equals_a_fresh_one(data, category_id):
    base = sample_record(category_id)
    raw = {**base, **data.draw(st.dictionaries(st.sampled_from(sorted(base)), cells, max_size=6))}
    category, key_map = CATALOG.category(category_id), CATALOG.key_map(category_id)
    first = fresh(category_id, raw, TODAY)
    again = validate_record(category, raw, TODAY, key_map)     # now served from the memos
    assert again == first
    assert again.fields is not first.fields
    for name, value in again.fields.items():                   # no list shared between records
        assert not isinstance(value, list) or value is not first.fields[name]


def test_given_another_day_then_a_remembered_future_date_is_checked_again():
    category, key_map = CATALOG.category("admin_penalty"), CATALOG.key_map("admin_penalty")
    raw = {**sample_record("admin_penalty"), "CF_JDRQ": "2026/10/05"}
    assert [e.code for e in validate_record(category, raw, TODAY, key_map).errors] == ["FUTURE_DATE"]
    assert validate_record(category, raw, date(2026, 10, 6), key_map).ok
    assert [e.code for e in validate_record(category, raw, TODAY, key_map).errors] == ["FUTURE_DATE"]


@settings(max_examples=300)
@given(st.data(), CATEGORY_IDS, st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_given_any_fields_then_the_remembered_period_equals_a_fresh_one(data, category_id, published_on):
    category = CATALOG.category(category_id)
    result = fresh(category_id, {**sample_record(category_id), **data.draw(
        st.dictionaries(st.sampled_from(sorted(sample_record(category_id))), cells, max_size=6))}, TODAY)
    expected = periods._period(category, result.fields, published_on)
    assert periods.publication_period(category, result.fields, published_on) == expected
    assert periods.publication_period(category, dict(result.fields), published_on) == expected


def test_given_overrides_then_sums_are_remembered_per_override_table():
    plain = WorkCalendar()
    start = date(2026, 9, 28)
    assert plain.add_working_days(start, 7) == plain._add_working_days(start, 7)
    holiday = WorkCalendar({2026: YearOverride(holidays={date(2026, 9, 29), date(2026, 9, 30)})})
    assert holiday.add_working_days(start, 7) == holiday._add_working_days(start, 7)
    assert holiday.add_working_days(start, 7)[0] > plain.add_working_days(start, 7)[0]   # not the plain sum
    assert WorkCalendar().add_working_days(start, 7) == plain.add_working_days(start, 7)


def test_given_a_value_of_the_calendar_then_it_is_remembered_per_override_table():
    """WorkCalendar.remember (the submissions' deadline fields per decision date): computed once for
    every calendar with the same overrides, again for other overrides."""
    calls = []

    def compute(cal):
        calls.append(cal)
        return cal.add_working_days(date(2026, 9, 28), 7)

    plain, again = WorkCalendar(), WorkCalendar()
    holiday = WorkCalendar({2026: YearOverride(holidays={date(2026, 9, 29), date(2026, 9, 30)})})
    key = ("test remember", date(2026, 9, 28))
    assert plain.remember(key, lambda: compute(plain)) == again.remember(key, lambda: compute(again))
    assert holiday.remember(key, lambda: compute(holiday))[0] > plain.remember(key, lambda: compute(plain))[0]
    assert calls == [plain, holiday]


@settings(max_examples=300)
@given(st.data(), CATEGORY_IDS)
def test_given_raw_values_of_any_type_then_the_remembered_period_equals_a_fresh_one(data, category_id):
    category = CATALOG.category(category_id)
    names = sorted(f.json_name for f in category.fields)
    fields = data.draw(st.dictionaries(st.sampled_from(names), cells | st.booleans() | st.lists(cells, max_size=3),
                                       max_size=8))
    for value in (fields, {k: (str(v) if isinstance(v, (bool, int)) else v) for k, v in fields.items()}):
        assert periods.publication_period(category, value, TODAY) == periods._period(category, value, TODAY)


FAST_PATH_FIELDS = [(cid, plan.name) for cid in CATALOG.categories
                    for plan in compiled(CATALOG.category(cid)).plans if plan.plain_text or plan.plain_code]


@settings(max_examples=400)
@given(st.sampled_from(FAST_PATH_FIELDS),
       st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
       | st.sampled_from(["广环罚〔2026〕1号", " ａｂ１２３ ", "粤A-12345", "x" * 129, "　", "ß" * 64, "A\tB"]))
def test_given_any_text_then_the_fast_path_of_a_text_or_code_field_equals_its_full_check(field, text):
    """Free text and codes skip the memo: what they give must be what the field's own check gives."""
    category_id, name = field
    category = CATALOG.category(category_id)
    plan = compiled(category).plan[name]
    full = plan._outcome(text, TODAY)              # the field's check, as a memo miss runs it
    result = validate_record(category, {**sample_record(category_id), name: text}, TODAY, CATALOG.key_map(category_id))
    assert result.fields.get(name) == (None if full.empty or full.errors else full.value)
    mine = [e for e in result.errors if e.field == name]
    if full.empty:
        assert [e.code for e in mine] == (["REQUIRED"] if plan.required else [])
    else:
        assert mine == list(full.errors)
    assert any(p.plain_code for p in compiled(CATALOG.category("admin_penalty")).plans)
