"""目录事项 rules on the fakes: the demo seed's items (approved ones in the public 目录, one in 市工商局's
queue), version conflicts between two editors, who reviews, a county department's items, the format
rules mirroring the catalog, UNKNOWN_ITEM's message when a department has no approved item."""
from __future__ import annotations

import pytest

from chalicelib.errors import DomainError
from chalicelib.local.seed import DEMO_ITEMS, demo_catalog_items
from tests.services.conftest import ADMIN, operator


def test_the_demo_seed_has_approved_items_of_two_departments_and_one_in_the_queue(c):
    demo_catalog_items(c)
    public = c.catalog_items.public_catalog()["items"]
    assert [(i["department"], i["name"]) for i in public] == [(d, n) for d, n, *_, ok in DEMO_ITEMS if ok]
    assert all(i["department_name"] and i["category_name"] and i["period_rule"] for i in public)
    queue = c.catalog_items.list(operator("d21"), None, "submitted")["items"]
    assert [(i["department"], i["state"]) for i in queue] == [("d23", "submitted")]


def test_two_editors_of_one_version_one_wins(c):
    it = c.catalog_items.create(operator("d12"), {"name": "甲", "category": "admin_penalty", "legal_basis": "法"})
    c.catalog_items.edit(operator("d12"), it["item_code"], {"version": 1, "name": "乙"})
    with pytest.raises(DomainError) as err:
        c.catalog_items.edit(operator("d12"), it["item_code"], {"version": 1, "name": "丙"})
    assert (err.value.status, err.value.code) == (409, "VERSION_CONFLICT")
    assert c.catalog_items.get(operator("d12"), it["item_code"])["name"] == "乙"


def test_an_admin_drafts_for_a_named_department_and_reviews(c):
    with pytest.raises(DomainError) as err:
        c.catalog_items.create(ADMIN, {"name": "甲", "category": "other", "legal_basis": "法"})
    assert err.value.code == "BAD_REQUEST" and err.value.details[0]["field"] == "department"
    it = c.catalog_items.create(ADMIN, {"name": "甲", "category": "other", "legal_basis": "法", "department": "d05"})
    assert it["item_code"] == "d05-001"
    c.catalog_items.submit(ADMIN, it["item_code"], {})
    assert c.catalog_items.approve(ADMIN, it["item_code"], {})["state"] == "approved"
    assert c.catalog_items.is_reviewer(operator("d21")) and not c.catalog_items.is_reviewer(operator("d12"))
    assert [i["item_code"] for i in c.catalog_items.list(ADMIN, "d05", None)["items"]] == ["d05-001"]
    assert [i["item_code"] for i in c.catalog_items.list(ADMIN, None, "approved")["items"]] == ["d05-001"]
    with pytest.raises(DomainError) as err:
        c.catalog_items.list(ADMIN, None, None)
    assert err.value.code == "BAD_REQUEST" and "department" in err.value.message


def test_format_rules_mirror_the_catalog_and_give_every_period_rule(c):
    rules = c.catalog_items.format_rules()["categories"]
    view = c.catalog.public_view()["categories"]
    assert [(r["id"], [f["json_name"] for f in r["fields"]]) for r in rules] == [
        (v["id"], [f["json_name"] for f in v["fields"]]) for v in view]
    assert all(r["period_rule"] for r in rules)
    assert all(any(f["json_name"] == "item_code" for f in r["fields"]) for r in rules)
