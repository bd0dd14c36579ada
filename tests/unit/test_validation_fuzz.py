"""Whatever arrives — any JSON value, odd keys, huge strings, control characters — nothing raises."""
from __future__ import annotations

import json
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.catalog import load_catalog
from chalicelib.domain.masking import public_copy
from chalicelib.domain.periods import publication_period
from chalicelib.domain.validation import RecordCheck, validate_record
from chalicelib.local.demo_data import sample_record

CATALOG = load_catalog()
TODAY = date(2026, 10, 1)
CATEGORY_IDS = st.sampled_from(list(CATALOG.categories))

scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
           | st.text() | st.text(alphabet="\x00\x01\x1f\x7f\u3000 ,;、，；*（）", max_size=20)
           | st.dates() | st.datetimes() | st.decimals(allow_nan=True, allow_infinity=True))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=8)


def known_keys(category_id: str) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(CATALOG.key_map(category_id)))


def assert_well_formed(result: RecordCheck) -> None:
    assert isinstance(result, RecordCheck)
    assert result.ok == (not result.errors)
    assert all(e.code and e.message and e.field is not None for e in result.errors)
    json.dumps([e.model_dump() for e in result.errors], ensure_ascii=False)  # the API can always send them
    json.dumps(result.fields, ensure_ascii=False)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(CATEGORY_IDS, st.dictionaries(st.text(max_size=30), json_values, max_size=12))
def test_given_arbitrary_dicts_then_no_exception(category_id, raw):
    assert_well_formed(validate_record(CATALOG.category(category_id), raw, TODAY, CATALOG.key_map(category_id)))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), CATEGORY_IDS)
def test_given_known_keys_with_arbitrary_values_then_no_exception(data, category_id):
    raw = data.draw(st.dictionaries(known_keys(category_id), json_values, max_size=20))
    result = validate_record(CATALOG.category(category_id), raw, TODAY, CATALOG.key_map(category_id))
    assert_well_formed(result)
    category = CATALOG.category(category_id)
    # And what comes out feeds the period rules and the public copy without surprises
    publication_period(category, result.fields, TODAY)
    public_copy(category, result.fields, result.masked_fields)


@settings(max_examples=200)
@given(st.data(), CATEGORY_IDS)
def test_given_a_valid_record_with_one_field_replaced_then_no_exception(data, category_id):
    record = sample_record(category_id)
    key = data.draw(st.sampled_from(sorted(record)))
    record[key] = data.draw(json_values)
    assert_well_formed(validate_record(CATALOG.category(category_id), record, TODAY))


def test_given_non_mapping_bodies_then_every_required_field_is_reported():
    category = CATALOG.category("admin_penalty")
    required = sum(f.required for f in category.fields)
    for raw in (None, [], "x", 5, [{"CF_WSH": "1"}]):
        result = validate_record(category, raw, TODAY)
        assert not result.ok and sum(e.code == "REQUIRED" for e in result.errors) == required


def test_given_huge_values_then_rejected_quickly_without_exception():
    huge = "字" * 1_000_000
    result = validate_record(CATALOG.category("admin_penalty"), sample_record(
        "admin_penalty", CF_SY=huge, CF_XDR_SHXYM=huge, CF_JDRQ=huge, CF_CFLB=huge, CF_NR_FK=huge,
        masked_fields=huge, CF_XDR_GSZC=10**400), TODAY)
    assert {e.code for e in result.errors} >= {"TOO_LONG", "USCC_CHECKSUM", "BAD_DATE", "BAD_ENUM", "BAD_VALUE"}


def test_given_odd_keys_then_listed_as_unknown():
    raw = {1: "a", None: "b", ("t",): "c", datetime(2026, 1, 1): "d"}
    result = validate_record(CATALOG.category("other"), raw, TODAY)  # type: ignore[arg-type]
    assert len(result.unknown_keys) == 4
