"""RecordService and RegistryService on fakes: a department's own records only (谁产生、谁提供、谁负责),
the list's pages and filters, re-matching of pending records when their registration arrives."""
from __future__ import annotations

import pytest

from chalicelib.domain.identifiers import make_regno, make_uscc
from chalicelib.errors import BadRequest, Forbidden, NotFound
from chalicelib.local.demo_data import ENTERPRISE_USCC, sample_record
from tests.services.conftest import ADMIN, accepted, operator, register

ZHAOHUA = make_uscc("91510811MA6ABCDE1")          # 昭化区, not yet registered


def pending_penalty(c, ref="罚-p", name="昭化某农业合作社") -> dict:
    acc = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_XDR_SHXYM=ZHAOHUA, CF_XDR_GSZC=None,
                                                             CF_XDR_MC=name, CF_WSH=ref)])[0]
    assert acc["match"] == "pending"
    return acc


def test_another_department_may_neither_read_nor_change_a_record(c):
    register(c)
    acc = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty")])[0]
    other = operator("d23")
    with pytest.raises(Forbidden):
        c.records.get(other, acc["record_id"])
    with pytest.raises(Forbidden):
        c.records.modify(other, acc["record_id"], sample_record("admin_penalty"))
    with pytest.raises(Forbidden):
        c.records.withdraw(other, acc["record_id"], {"reason": "x"})
    with pytest.raises(Forbidden):
        c.records.list(other, "d12", None, None, 10, None)
    assert c.records.list(other, None, None, None, 10, None)["items"] == []
    full = c.records.get(ADMIN, acc["record_id"])                       # an admin reads every department's
    assert [(v["version"], v["op"], v["by"]) for v in full["versions"]] == [(1, "create", "op-d12")]
    assert "content_hash" not in full
    with pytest.raises(NotFound):
        c.records.get(operator("d12"), "no-such-record")


def test_the_records_list_pages_newest_first_and_filters(c):
    register(c)
    accs = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_WSH=f"罚-{i}") for i in range(5)])
    me = operator("d12")
    c.records.withdraw(me, accs[1]["record_id"], {"reason": "x"})
    seen, cursor = [], None
    while True:
        page = c.records.list(me, None, None, None, 2, cursor)
        seen += [i["record_id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(a["record_id"] for a in accs) and len(seen) == 5
    withdrawn = c.records.list(me, None, None, "withdrawn", 50, None)["items"]
    assert [i["record_id"] for i in withdrawn] == [accs[1]["record_id"]]
    with pytest.raises(BadRequest):
        c.records.list(me, None, None, "no-such-state", 50, None)
    with pytest.raises(BadRequest):
        c.records.withdraw(me, accs[0]["record_id"], {"reason": "  "})


def test_a_pending_record_is_rematched_when_its_registration_arrives(c):
    acc = pending_penalty(c)
    assert c.record_repo.pending_markers([ZHAOHUA]) != {}
    register(c, uscc=ZHAOHUA, regno=make_regno("51081100000001"), name="昭化某农业合作社")
    rec = c.record_repo.get(acc["record_id"])
    assert (rec.match, rec.enterprise_code, rec.version) == ("local", ZHAOHUA, 2)
    assert c.record_repo.history(acc["record_id"])[-1].op == "rematch"
    assert c.record_repo.all_in_index("by_pending", "pending_code", ZHAOHUA) == []


def test_a_pending_record_naming_someone_else_stays_pending(c):
    acc = pending_penalty(c, name="别的合作社")
    register(c, uscc=ZHAOHUA, regno=make_regno("51081100000001"), name="昭化某农业合作社")
    assert c.record_repo.get(acc["record_id"]).match == "pending"
    assert c.record_repo.pending_markers([ZHAOHUA]) != {}               # still something waiting under the code


def test_a_renamed_enterprise_keeps_its_former_names_and_matches_them(c):
    register(c)
    register(c, name="广元市利州区新名食品有限公司")
    e = c.registry_repo.get(ENTERPRISE_USCC)
    assert (e.name, e.former_names) == ("广元市利州区新名食品有限公司", ["广元市利州区示例食品有限公司"])
    acc = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty")])[0]    # the former name
    assert acc["match"] == "local"


def test_admin_edits_departments_and_adds_county_ones(c):
    out = c.departments.put("d12", {"push_mode": "batch", "office": "法规科"})
    assert (out["push_mode"], out["office"]) == ("batch", "法规科")
    assert c.departments.resolve("d12").office == "法规科"
    county = c.departments.put("510802-d12", {})
    assert county["region"] == "510802"
    assert "510802-d12" in [d.id for d in c.departments.all()]
    with pytest.raises(NotFound):
        c.departments.put("510802-d99", {})
    with pytest.raises(BadRequest):
        c.departments.put("d12", {"categories": ["no_such_category"]})
    with pytest.raises(BadRequest):
        c.departments.put("d12", {"push_mode": "sometimes"})


def test_an_admin_calendar_moves_deadlines(c):
    register(c)
    before = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty")])[0]["publish_deadline"]
    assert c.calendar.put(ADMIN, "2026", {"holidays": [f"2026-10-{d:02d}" for d in range(12, 31)]})["holidays"] == 19
    after = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_WSH="罚-2")])[0]["publish_deadline"]
    assert after > before
    with pytest.raises(BadRequest):
        c.calendar.put(ADMIN, "2026", {"holidays": ["2027-01-01"]})
    with pytest.raises(BadRequest):
        c.calendar.put(ADMIN, "2026", {"holidays": ["2026-10-01"], "workdays": ["2026-10-01"]})


def test_sharing_shows_every_department_s_records_but_no_withdrawn_one(c):
    register(c)
    kept, gone = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_WSH=f"罚-{i}")
                                                      for i in range(2)])
    c.records.withdraw(operator("d12"), gone["record_id"], {"reason": "x"})
    shared = c.sharing.enterprise(ENTERPRISE_USCC.lower())
    assert shared["enterprise"]["code"] == ENTERPRISE_USCC
    ids = {r["record_id"] for r in shared["records"]}
    assert kept["record_id"] in ids and gone["record_id"] not in ids
    penalty = next(r for r in shared["records"] if r["record_id"] == kept["record_id"])
    assert penalty["fields"]["CF_FR_ZJHM"] != sample_record("admin_penalty")["CF_FR_ZJHM"]    # the ID number masked
    with pytest.raises(NotFound):
        c.sharing.enterprise(ZHAOHUA)
