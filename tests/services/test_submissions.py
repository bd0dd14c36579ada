"""SubmissionService on fakes: rows in = accepted + unchanged + rejected, resends, versions, duplicate 文号,
masking, the catalog a department may use, 迟报 counted once, `elsewhere` names (SPEC §3, §5)."""
from __future__ import annotations

import pytest

from chalicelib.domain.identifiers import make_uscc
from chalicelib.errors import BadRequest, NotAllowedCategory
from chalicelib.local.demo_data import ELSEWHERE_USCC, ENTERPRISE_REGNO, ENTERPRISE_USCC, sample_record
from tests.services.conftest import accepted, register, submit

BAN = "责令停产停业、罚款"


def day_counts(c, department="d12") -> dict:
    from chalicelib.clock import today
    (bucket,) = c.counter_repo.days(department, today().isoformat(), today().isoformat())
    return {k: v for k, v in bucket.items() if k not in ("pk", "sk", "last_submission")}


def test_every_row_is_accepted_or_rejected_with_its_code_and_counted(c):
    register(c)
    rows = [
        sample_record("admin_penalty"),
        sample_record("admin_penalty", CF_WSH="广环罚〔2026〕13号", CF_JDRQ="2026/13/45"),
        sample_record("admin_penalty", CF_WSH="广环罚〔2026〕12号"),           # same 文号 as row 0
        sample_record("admin_penalty", CF_WSH="广环罚〔2026〕14号", CF_XDR_MC="别的公司"),
        "not an object",
    ]
    out = submit(c, "d12", "admin_penalty", rows)
    assert [a["index"] for a in out.accepted] == [0]
    codes = {r["index"]: r["errors"][0]["code"] for r in out.rejected}
    assert (codes[1], codes[2], codes[3]) == ("BAD_DATE", "DUPLICATE_IN_BATCH", "NAME_MISMATCH")
    assert len(out.accepted) + len(out.rejected) == len(rows)
    counts = day_counts(c)
    assert (counts["submitted"], counts["accepted"], counts["rejected"]) == (5, 1, 4)
    assert counts["rej_DUPLICATE_IN_BATCH"] == counts["rej_NAME_MISMATCH"] == counts["rej_BAD_DATE"] == 1


def test_an_identical_resend_is_no_new_version_and_a_change_is(c):
    register(c)
    first = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty")])[0]
    again = submit(c, "d12", "admin_penalty", [sample_record("admin_penalty")])
    assert again.accepted == [] and again.unchanged == [{"index": 0, "record_id": first["record_id"], "version": 1}]
    assert (day_counts(c)["accepted"], day_counts(c)["unchanged"]) == (1, 1)          # SPEC §5.1
    changed = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_NR_FK="6")])[0]
    assert (changed["record_id"], changed["version"]) == (first["record_id"], 2)
    assert [(v.version, v.op) for v in c.record_repo.history(first["record_id"])] == [(1, "create"), (2, "modify")]
    assert c.record_repo.get(first["record_id"]).fields["CF_NR_FK"] == "6"


def test_late_records_are_tallied_once_whatever_the_resends(c):
    from chalicelib.clock import today
    register(c)
    rows = [sample_record("admin_penalty", CF_WSH=f"罚-{i}") for i in range(3)]
    assert all(a["late"] for a in accepted(c, "d12", "admin_penalty", rows))     # decided 2026-09, received later
    accepted(c, "d12", "admin_penalty", rows)
    accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_WSH="罚-0", CF_NR_FK="9")])
    day = today().isoformat()
    assert c.counter_repo.late("d12", day, day) == 3


def test_a_regno_only_record_is_tied_to_the_enterprise_uscc(c):
    register(c)
    rec = sample_record("admin_penalty", CF_XDR_SHXYM=None, CF_XDR_GSZC=ENTERPRISE_REGNO)
    acc = accepted(c, "d12", "admin_penalty", [rec])[0]
    stored = c.record_repo.get(acc["record_id"])
    assert (acc["match"], stored.enterprise_code, stored.uscc) == ("local", ENTERPRISE_USCC, ENTERPRISE_USCC)


def test_a_local_code_not_yet_registered_is_pending_and_a_bad_check_character_rejected(c):
    uscc = make_uscc("91510811MA6ABCDE1")
    rec = sample_record("admin_penalty", CF_XDR_SHXYM=uscc, CF_XDR_GSZC=None, CF_XDR_MC="昭化某农业合作社")
    assert accepted(c, "d12", "admin_penalty", [rec])[0]["match"] == "pending"
    bad = uscc[:17] + ("0" if uscc[17] != "0" else "1")
    out = submit(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_XDR_SHXYM=bad, CF_XDR_GSZC=None,
                                                             CF_WSH="罚-2")])
    assert out.rejected[0]["errors"][0]["code"] == "USCC_CHECKSUM"


def test_the_first_name_given_names_an_elsewhere_enterprise_and_later_ones_are_flagged(c):
    def penalty(ref, name):
        return sample_record("admin_penalty", CF_XDR_SHXYM=ELSEWHERE_USCC, CF_XDR_GSZC=None, CF_XDR_MC=name, CF_WSH=ref)

    first, second = accepted(c, "d12", "admin_penalty", [penalty("罚-1", "福州某公司"), penalty("罚-2", "福州别名公司")])
    assert first["match"] == second["match"] == "elsewhere"
    one, two = (c.record_repo.get(a["record_id"]) for a in (first, second))
    assert (one.enterprise_name, one.name_conflict) == ("福州某公司", False)
    assert (two.enterprise_name, two.name_conflict) == ("福州某公司", True)
    assert c.registry_repo.lookup_all([ELSEWHERE_USCC])[1] == {ELSEWHERE_USCC: "福州某公司"}
    assert day_counts(c)["name_conflicts"] == 1


def test_masking_a_field_that_decides_joint_punishment_is_refused_and_an_allowed_mask_kept(c):
    register(c)
    out = submit(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_CFLB=BAN, masked_fields="处罚类别")])
    assert out.accepted == [] and out.rejected[0]["errors"][0]["code"] == "MASK_NOT_ALLOWED"
    assert c.record_repo.identities(["d12|admin_penalty|广环罚〔2026〕12号"]) == {}
    acc = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_CFLB=BAN, masked_fields="违法事实")])
    assert c.record_repo.get(acc[0]["record_id"]).masked_fields == ["CF_SY"]


def test_a_department_submits_only_its_catalog(c):
    with pytest.raises(NotAllowedCategory):
        submit(c, "d12", "abnormal_list", [sample_record("abnormal_list")])
    with pytest.raises(BadRequest):
        submit(c, "d12", "no_such_category", [{}])
    with pytest.raises(BadRequest):
        submit(c, "d99", "admin_penalty", [sample_record("admin_penalty")])


def test_registration_notifies_the_departments_its_scope_concerns(c):
    register(c)                                      # business scope 食品销售；餐饮服务 → d23
    assert [n["code"] for n in c.notice_repo.since("d23", None, 10, None)[0]] == [ENTERPRISE_USCC]
    assert c.notice_repo.since("d41", None, 10, None)[0] == []
    register(c)                                      # a resend notifies nobody again
    assert len(c.notice_repo.since("d23", None, 10, None)[0]) == 1
