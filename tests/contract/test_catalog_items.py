"""Contract of the 目录事项 store (dal/catalog_items.py), on the fake and on the emulator: codes per
department, conditional saves, the lists by department / state, every approved version kept and
the latest approved copy in the public list."""
from __future__ import annotations

from chalicelib.models.catalog_item import CatalogItem


def item(code: str, department: str = "d12", state: str = "draft", at: str = "2026-12-01T10:00:00.000+08:00",
         **kw) -> CatalogItem:
    return CatalogItem(item_code=code, department=department, name=f"事项{code}", category="admin_penalty",
                       legal_basis="《行政处罚法》", state=state, created_at=at, created_by="op",
                       updated_at=at, updated_by="op", **kw)


def test_codes_are_numbered_per_department_and_never_reused(repos):
    r = repos["catalog_item_repo"]
    assert [r.next_code("d12"), r.next_code("d12"), r.next_code("d23"), r.next_code("d12")] == [
        "d12-001", "d12-002", "d23-001", "d12-003"]


def test_an_item_is_added_once_and_saved_only_at_the_version_read(repos):
    r = repos["catalog_item_repo"]
    it = item("d12-001")
    r.add(it)
    assert r.get("d12-001") == it and r.get("d12-999") is None
    try:
        r.add(it)
        raise AssertionError("a second add of the same code must fail")
    except Exception as exc:      # noqa: BLE001 — the conditional write's ClientError
        assert "ConditionalCheckFailed" in str(exc) or "conditional" in str(exc).lower()
    edited = it.model_copy(update={"name": "改", "version": 2})
    assert r.save(edited, 1) is True
    assert r.save(edited.model_copy(update={"name": "晚", "version": 2}), 1) is False   # changed meanwhile
    assert r.get("d12-001").name == "改"


def test_lists_by_department_and_state_and_the_approved_copies(repos):
    r = repos["catalog_item_repo"]
    r.add(item("d12-001", at="2026-12-01T10:00:02.000+08:00", state="submitted"))
    r.add(item("d12-002"))
    r.add(item("d23-001", department="d23", state="submitted", at="2026-12-01T10:00:01.000+08:00"))
    assert [i.item_code for i in r.by_department("d12")] == ["d12-001", "d12-002"]
    assert [i.item_code for i in r.by_state("submitted")] == ["d23-001", "d12-001"]   # oldest change first
    assert r.approved() == []
    first = r.get("d12-001").model_copy(update={"state": "approved", "approved_version": 1, "version": 2})
    assert r.save(first, 1)
    assert [i.item_code for i in r.by_state("submitted")] == ["d23-001"]
    revised = first.model_copy(update={"state": "draft", "name": "修订中", "version": 3})
    assert r.save(revised, 2)
    assert [(i.item_code, i.name) for i in r.approved()] == [("d12-001", "事项d12-001")]   # the approved copy stays
    second = revised.model_copy(update={"state": "approved", "approved_version": 2, "version": 4})
    assert r.save(second, 3)
    d23 = r.get("d23-001").model_copy(update={"state": "approved", "approved_version": 1, "version": 2})
    assert r.save(d23, 1)
    assert [(i.item_code, i.name) for i in r.approved()] == [("d12-001", "修订中"), ("d23-001", "事项d23-001")]
    assert [i.item_code for i in r.approved("d23")] == ["d23-001"]
    assert [(v.approved_version, v.name) for v in r.versions("d12-001")] == [(1, "事项d12-001"), (2, "修订中")]
