"""PublicRepository contract: copies and profiles of an enterprise, its 注册号 alias, refresh/delete."""
from __future__ import annotations

import pytest


def copy(n: int, code="USCC-1", category="admin_penalty", version=1) -> dict:
    return {"code": code, "category": category, "record_id": f"R{n:04d}", "version": version, "title": f"第{n}号"}


PROFILE = {"code": "USCC-1", "uscc": "USCC-1", "regno": "REGNO-1", "name": "示例公司"}


@pytest.fixture
def public(repos):
    return repos["public_repo"]


def test_an_enterprise_page_holds_its_profile_and_copies_in_order(public):
    public.put([copy(2), copy(1), copy(3, category="admin_license")])
    public.refresh(["USCC-1"], {"USCC-1": PROFILE})
    profile, copies = public.enterprise("USCC-1")
    assert {k: profile[k] for k in PROFILE} == PROFILE
    assert [(c["category"], c["record_id"]) for c in copies] == [
        ("admin_license", "R0003"), ("admin_penalty", "R0001"), ("admin_penalty", "R0002")]
    assert public.enterprise("REGNO-1") == (profile, copies)              # by the 注册号 too
    assert public.profiles(["USCC-1", "NOPE"]) == {"USCC-1": profile}
    assert public.enterprise("NOPE") == (None, [])


def test_current_versions_of_existing_copies_only(public):
    public.put([copy(1, version=3)])
    assert public.current_versions([("USCC-1", "admin_penalty", "R0001"), ("USCC-1", "admin_penalty", "R0002"),
                                    ("USCC-1", "admin_penalty", "R0001")]) == {
        ("USCC-1", "admin_penalty", "R0001"): 3}
    public.put([copy(1, version=4)])                                       # a newer copy replaces it
    assert public.current_versions([("USCC-1", "admin_penalty", "R0001")]) == {("USCC-1", "admin_penalty", "R0001"): 4}


def test_an_enterprise_without_copies_leaves_the_public_side(public):
    public.put([copy(1), copy(2)])
    public.refresh(["USCC-1"], {"USCC-1": PROFILE})
    public.delete([("USCC-1", "admin_penalty", "R0001")])
    assert public.refresh(["USCC-1"]) == []                                # a copy left: the profile stays
    assert public.enterprise("USCC-1")[0] is not None
    public.delete([("USCC-1", "admin_penalty", "R0002")])
    assert public.refresh(["USCC-1"]) == ["USCC-1"]                        # it says who left (PublicSide unindexes)
    assert public.enterprise("USCC-1") == (None, [])
    assert public.enterprise("REGNO-1") == (None, [])
    assert public.profiles(["USCC-1"]) == {}
