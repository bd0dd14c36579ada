"""RegistryRepository and NoticeRepository contracts: enterprises and their 注册号 aliases, the first
name held for an `elsewhere` code, notices committed with their enterprise, the name index's pages."""
from __future__ import annotations

import pytest

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


def test_name_tokens_page_through_every_code(registry):
    registry.index_names([{"code": f"USCC-{n}", "name": f"广元示例{n}号公司"} for n in range(1, 6)])
    pages = drain(lambda limit, after: registry.search_token("广元", limit, after), 2)
    codes = [c for p in pages for c in p]
    assert sorted(codes) == codes == [f"USCC-{n}" for n in range(1, 6)]
    assert registry.search_token("无关", 10, None) == ([], None)
