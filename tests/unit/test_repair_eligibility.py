"""信用修复 eligibility is catalog data (`period.repair_after`, SPEC §5.2)."""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.catalog import load_catalog
from chalicelib.domain.periods import repair_eligible_from
from chalicelib.local.demo_data import sample_record

CATALOG = load_catalog()
PUBLISHED = date(2026, 2, 28)


@pytest.mark.parametrize(("category", "fields", "expected"), [
    ("admin_penalty", {}, date(2027, 2, 28)),                                     # 5 万元: 3 years → after 1
    ("admin_penalty", {"CF_CFLB": "通报批评", "CF_NR_FK": None}, None),              # 3 months: never
    ("admin_penalty", {"CF_CFLB": "罚款", "CF_NR_FK": "0.5"}, None),                # small fine: 3 months
    ("abnormal_list", {}, PUBLISHED),                                             # at any time
    ("inspection", {}, None), ("admin_license", {}, None), ("serious_violation", {}, None),
])
def test_repair_after_per_category(category, fields, expected):
    record = {k: v for k, v in {**sample_record(category), **fields}.items() if v is not None}
    assert repair_eligible_from(CATALOG.category(category), record, PUBLISHED) == expected


def test_the_rule_is_data():
    penalty = CATALOG.category("admin_penalty").model_copy(deep=True)
    penalty.period["repair_after"] = {"tiers": ["standard", "minor"], "months": 6}
    assert repair_eligible_from(penalty, {"CF_CFLB": "通报批评"}, PUBLISHED) == date(2026, 8, 28)
    del penalty.period["repair_after"]
    assert repair_eligible_from(penalty, {}, PUBLISHED) is None
    shown = {c["id"]: c["repairable"] for c in CATALOG.public_view()["categories"]}   # what the page offers
    assert {k for k, v in shown.items() if v} == {"admin_penalty", "abnormal_list"}
