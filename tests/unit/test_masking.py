"""The public copy: 非公示项 dropped, natural-person IDs partly masked, 屏蔽字段 as ***, per category."""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.catalog import load_catalog
from chalicelib.catalog.model import Masking
from chalicelib.domain.masking import MASK, partial_mask, public_copy
from chalicelib.domain.validation import validate_record
from chalicelib.local.demo_data import sample_record

CATALOG = load_catalog()
TODAY = date(2026, 10, 1)


def checked(category_id: str, **overrides):
    result = validate_record(CATALOG.category(category_id), sample_record(category_id, **overrides), TODAY)
    assert result.ok, result.errors
    return result


@pytest.mark.parametrize("category_id", list(CATALOG.categories))
def test_given_a_record_with_masked_fields_then_the_public_copy_hides_them(category_id):
    category = CATALOG.category(category_id)
    # Given a record that asks (by Chinese label) to mask one of its ordinary content fields
    target = next(f for f in category.fields if f.json_name in sample_record(category_id)
                  and f.json_name not in (category.name_field, category.source_ref_field)
                  and f.masking is Masking.NONE and f.maskable and not f.bookkeeping)
    result = checked(category_id, masked_fields=target.label, disclosure="公开")
    # When the public copy is built
    copy = public_copy(category, result.fields, result.masked_fields)
    # Then the masked field reads ***, the identity is intact and no bookkeeping key leaks
    assert copy[target.json_name] == MASK
    assert copy[category.name_field] == result.name
    assert not {"disclosure", "masked_fields", "procedure"} & set(copy)
    for f in category.fields:
        if f.masking is Masking.NEVER:
            assert f.json_name not in copy
    # And the department's own copy (the fields) is untouched
    assert result.fields[target.json_name] != MASK


@pytest.mark.parametrize("category_id, field", [
    ("admin_penalty", "CF_FR_ZJHM"), ("admin_penalty", "CF_XDR_ZJHM"), ("admin_license", "XK_FR_ZJHM"),
])
def test_given_legal_representative_and_party_ids_then_never_published(category_id, field):
    result = checked(category_id, **{field: "510802198001011234"})
    assert result.fields[field] == "510802198001011234"
    assert field not in public_copy(CATALOG.category(category_id), result.fields, [])


def test_given_pledge_party_ids_then_first_six_and_last_four():
    result = checked("equity_pledge", pledgee_id_no="510802197001015678")
    copy = public_copy(CATALOG.category("equity_pledge"), result.fields, result.masked_fields)
    assert copy["pledgor_id_no"] == "510802********3456"
    assert copy["pledgee_id_no"] == "510802********5678"
    assert copy["pledgor"] == "李某"


def test_given_short_values_then_partial_masking_hides_all():
    assert partial_mask("12345") == "*****"
    assert partial_mask("12345678901234") == "*" * 14
    assert partial_mask("123456789012345") == "123456********2345"
    assert partial_mask(None) == ""


def test_given_a_field_both_partial_and_listed_then_fully_masked():
    result = checked("equity_pledge", masked_fields="出质人证照号码")
    copy = public_copy(CATALOG.category("equity_pledge"), result.fields, result.masked_fields)
    assert copy["pledgor_id_no"] == MASK


def test_given_keys_the_category_does_not_know_then_dropped():
    copy = public_copy(CATALOG.category("other"), {"title": "t", "secret_extra": "x", "disclosure": "公开"}, [])
    assert copy == {"title": "t"}


@pytest.mark.parametrize("category_id", list(CATALOG.categories))
def test_given_an_unmasked_record_then_only_never_fields_and_bookkeeping_differ(category_id):
    category = CATALOG.category(category_id)
    result = checked(category_id)
    copy = public_copy(category, result.fields, [])
    expected = {k: v for k, v in result.fields.items()
                if category.field(k).masking is Masking.NONE and not category.field(k).bookkeeping}
    assert {k: v for k, v in copy.items() if category.field(k).masking is Masking.NONE} == expected
