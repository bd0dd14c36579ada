"""MASK_NOT_ALLOWED is catalog data: fields that decide 联合惩戒 or identify the party carry maskable=false."""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.catalog import load_catalog
from chalicelib.domain.validation import validate_record
from chalicelib.local.demo_data import sample_record

CATALOG = load_catalog()
TODAY = date(2026, 10, 1)
DECIDING = {"admin_penalty": {"CF_CFLB", "CF_JDRQ", "CF_YXQ", "CF_XDR_ZZJG", "CF_XDR_SWDJ"},
            "admin_license": {"XK_JDRQ", "XK_XDR_ZZJG", "XK_XDR_SWDJ"},
            "abnormal_list": {"listed_date", "removal_date"},
            "serious_violation": {"listed_date", "removal_date"}}
UNMASKABLE = [(c.id, f.json_name) for c in CATALOG.categories.values() for f in c.fields if not f.maskable]


@pytest.mark.parametrize("category_id", list(CATALOG.categories))
def test_the_party_and_the_deciding_fields_are_flagged_and_nothing_else(category_id):
    c = CATALOG.category(category_id)
    flagged = {f.json_name for f in c.fields if not f.maskable}
    assert flagged == {c.name_field, c.uscc_field, c.regno_field} | DECIDING.get(category_id, set())


@pytest.mark.parametrize("category_id, json_name", UNMASKABLE)
def test_naming_an_unmaskable_field_in_masked_fields_rejects_the_row(category_id, json_name):
    category = CATALOG.category(category_id)
    label = category.field(json_name).label
    for named in (label, json_name):
        result = validate_record(category, sample_record(category_id, masked_fields=named), TODAY)
        assert not result.ok and result.masked_fields == []
        assert [(e.field, e.code, e.message) for e in result.errors] == [
            ("masked_fields", "MASK_NOT_ALLOWED", f"「{label}」用于联合惩戒或标识当事人，必须公示，不能列入「屏蔽字段」")]


def test_the_same_masked_fields_text_masks_every_row_that_carries_it():
    """屏蔽字段 is checked against the other fields on every row, never taken from the per-text memo."""
    category = CATALOG.category("admin_penalty")
    for _ in range(3):
        result = validate_record(category, sample_record("admin_penalty", masked_fields="违法事实"), TODAY)
        assert result.masked_fields == ["CF_SY"] and result.fields["masked_fields"] == ["CF_SY"]
