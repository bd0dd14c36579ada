"""RegistryRepository and NoticeRepository contracts: enterprises and their 注册号 aliases, the first
name held for an `elsewhere` code, notices committed with their enterprise, the name index's pages."""
from __future__ import annotations

import pytest

from chalicelib.domain.name_search import TOTAL
from chalicelib.models.record import Enterprise
from tests.contract.conftest import drain


def enterprise(code="USCC-1", regno="REGNO-1", name="示例公司", **more) -> Enterprise:
    return Enterprise(code=code, uscc=code, regno=regno, name=name, updated_at="2026-10-01T09:00:00", **more)


@pytest.fixture
def registry(repos):
    return repos["registry_repo"]


def test_an_enterprise_is_found_by_its_code_and_its_regno(registry):
    e = enterprise()
    registry.save([e])
    assert registry.lookup(["USCC-1", "REGNO-1", "MISSING", ""]) == {"USCC-1": e, "REGNO-1": e}
    assert registry.get("REGNO-1") == e and registry.get("MISSING") is None
    renamed = e.model_copy(update={"name": "新名公司", "former_names": ["示例公司"]})
    registry.save([renamed])
    assert registry.get("USCC-1") == renamed


def test_the_first_name_given_to_an_elsewhere_code_is_held(registry):
    assert registry.hold_elsewhere_names({"ELSE-1": "甲公司"}) == {}
    assert registry.hold_elsewhere_names({"ELSE-1": "乙公司", "ELSE-2": "丙公司"}) == {"ELSE-1": "甲公司"}
    found, elsewhere = registry.lookup_all(["ELSE-1", "ELSE-2", "ELSE-3"])
    assert found == {} and elsewhere == {"ELSE-1": "甲公司", "ELSE-2": "丙公司"}
    registry.save([enterprise(code="ELSE-1", regno=None)])     # registered later: the registry item replaces it
    found, elsewhere = registry.lookup_all(["ELSE-1"])
    assert set(found) == {"ELSE-1"} and elsewhere == {}


def test_notices_commit_with_their_enterprise_and_list_newest_first(repos, registry):
    notices = repos["notice_repo"]
    rows = [{"department": "d12", "code": f"USCC-{n}", "name": f"公司{n}", "business_scope": "食品",
             "registered_on": "2026-01-01", "notified_at": f"2026-10-0{n}T09:00:00"} for n in range(1, 6)]
    registry.save([enterprise(code=f"USCC-{n}", regno=None) for n in range(1, 6)], also=notices.puts(rows))
    pages = drain(lambda limit, after: notices.since("d12", None, limit, after), 2)
    assert [n["code"] for p in pages for n in p] == [f"USCC-{n}" for n in range(5, 0, -1)]
    assert pages[0][0] == {k: v for k, v in rows[4].items() if k != "department"}
    recent, _ = notices.since("d12", "2026-10-04", 10, None)
    assert [n["code"] for n in recent] == ["USCC-5", "USCC-4"]
    assert notices.since("d13", None, 10, None) == ([], None)


def test_name_entries_page_through_every_code_and_carry_the_names(registry):
    registry.index_names([{"code": f"USCC-{n}", "name": f"广元示例{n}号公司", "status": "存续"} for n in range(1, 6)])
    pages, after = [], None
    while True:
        items, after = registry.name_page("广元", after)
        pages.append(items)
        if not after:
            break
    assert [(e["code"], e["name"], e["status"]) for p in pages for e in p] == [
        (f"USCC-{n}", f"广元示例{n}号公司", "存续") for n in range(1, 6)]
    assert registry.name_page("无关", None) == ([], None)


def test_name_counts_and_exact_keys_follow_renames(registry):
    registry.index_names([{"code": "USCC-1", "name": "甲乙公司"}, {"code": "USCC-2", "name": "丙乙公司"}])
    assert registry.name_keys(["乙公", "甲乙", "丙乙", "无关"], "甲乙公司") == ({"乙公": 2, "甲乙": 1, "丙乙": 1, TOTAL: 2},
                                                                        ["USCC-1"])
    registry.index_names([{"code": "USCC-1", "name": "丁戊公司", "former_names": ["甲乙公司"]}])
    registry.index_names([{"code": "USCC-1", "name": "丁戊公司", "former_names": ["甲乙公司"]}])   # unchanged
    assert registry.name_keys(["乙公", "丁戊", "甲乙"], "甲乙公司") == ({"乙公": 2, "丁戊": 1, "甲乙": 1, TOTAL: 2},
                                                                   ["USCC-1"])
    registry.index_names([{"code": "USCC-1", "name": "丁戊公司"}])       # the former name dropped
    assert registry.name_keys(["乙公", "丁戊", "甲乙"], "甲乙公司") == ({"乙公": 1, "丁戊": 1, "甲乙": 0, TOTAL: 2}, [])
    assert registry.name_keys([], "丁戊公司")[1] == ["USCC-1"]
    items, _ = registry.name_page("甲乙", None)
    assert items == []
    (entry,) = registry.name_page("丁戊", None)[0]
    assert (entry["code"], entry["name"], entry.get("former")) == ("USCC-1", "丁戊公司", None)


def test_unindexed_names_leave_entries_counts_exact_keys_and_come_back_in_full(registry):
    registry.index_names([{"code": "USCC-1", "name": "甲乙公司"}, {"code": "USCC-2", "name": "丙乙公司"}])
    registry.unindex_names(["USCC-1", "USCC-9"])            # USCC-9 was never indexed: nothing
    registry.unindex_names(["USCC-1"])                      # again: nothing
    assert registry.name_keys(["乙公", "甲乙"], "甲乙公司") == ({"乙公": 1, "甲乙": 0, TOTAL: 1}, [])
    assert registry.name_page("甲乙", None) == ([], None)
    assert [e["code"] for e in registry.name_page("乙公", None)[0]] == ["USCC-2"]
    registry.index_names([{"code": "USCC-1", "name": "甲乙公司"}])
    assert registry.name_keys(["乙公", "甲乙"], "甲乙公司") == ({"乙公": 2, "甲乙": 1, TOTAL: 2}, ["USCC-1"])
    assert [e["code"] for e in registry.name_page("甲乙", None)[0]] == ["USCC-1"]
