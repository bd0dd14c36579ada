"""forward, expire, deadlines, the public reads and the change feed on fakes (SPEC §5, §6.4)."""
from __future__ import annotations

import pytest

from chalicelib.domain.identifiers import make_regno, make_uscc
from chalicelib.errors import Conflict, NotFound
from chalicelib.local.demo_data import ENTERPRISE_REGNO, ENTERPRISE_USCC, sample_record
from tests.services.conftest import accepted, operator, register, run_job

BAN = "责令停产停业、罚款"
OTHER_USCC = make_uscc("91510811MA6XYW0A1")


def registered(c, **overrides) -> None:
    """The enterprise registered and its registration forwarded (so what follows sends only the test's records)."""
    register(c, **overrides)
    run_job(c, "forward")


def published(c, category="admin_penalty", **fields) -> dict:
    acc = accepted(c, "d12", category, [sample_record(category, **fields)])[0]
    run_job(c, "forward")
    return acc


def test_forward_publishes_a_masked_copy_and_marks_the_record(c):
    registered(c)
    sent_before = len(c.publicity_sender.ops())
    acc = published(c, CF_SY="不公开的事实", masked_fields="违法事实")
    assert c.publicity_sender.ops()[sent_before:] == [("upsert", ENTERPRISE_USCC, acc["record_id"])]
    rec = c.record_repo.get(acc["record_id"])
    assert (rec.state, rec.published_version, rec.forwarded_code) == ("published", 1, ENTERPRISE_USCC)
    page = c.public.enterprise(ENTERPRISE_USCC)
    copies = {g["category"]: g["records"] for g in page["categories"]}["admin_penalty"]
    assert [r["fields"]["CF_SY"] for r in copies] == ["***"]
    assert c.public.enterprise(ENTERPRISE_REGNO)["enterprise"]["code"] == ENTERPRISE_USCC
    assert run_job(c, "forward")["due"] == 0                           # nothing left to send


def test_a_warning_only_penalty_is_stored_but_never_sent(c):
    registered(c)
    acc = published(c, CF_CFLB="警告", CF_NR_FK=None)
    rec = c.record_repo.get(acc["record_id"])
    assert rec.publishable is False and rec.state == "accepted"
    assert acc["record_id"] not in {rid for _, _, rid in c.publicity_sender.ops()}


def test_a_withdrawal_leaves_the_public_side_at_once_and_is_forwarded_next(c):
    registered(c)
    acc = published(c)
    out = c.records.withdraw(operator("d12"), acc["record_id"], {"reason": "录入错误"})
    assert (out["state"], out["version"]) == ("withdrawn", 2)
    assert c.public.enterprise(ENTERPRISE_USCC)["total"] == 1          # the registration is still public
    assert c.public_repo.current_versions([(ENTERPRISE_USCC, "admin_penalty", acc["record_id"])]) == {}
    run_job(c, "forward")
    assert c.publicity_sender.ops()[-1] == ("withdraw", ENTERPRISE_USCC, acc["record_id"])
    assert c.record_repo.get(acc["record_id"]).forwarded_op == "withdraw"


def test_a_move_to_another_enterprise_withdraws_under_the_old_code_and_publishes_under_the_new(c):
    registered(c)
    registered(c, uscc=OTHER_USCC, regno=make_regno("51081100000001"), name="昭化某公司")
    acc = published(c)
    moved = accepted(c, "d12", "admin_penalty", [sample_record(
        "admin_penalty", CF_XDR_SHXYM=OTHER_USCC, CF_XDR_GSZC=None, CF_XDR_MC="昭化某公司")])[0]
    assert moved["record_id"] == acc["record_id"] and moved["version"] == 2
    assert c.public.enterprise(ENTERPRISE_USCC)["total"] == 1       # off the old enterprise's side at once
    assert [c["op"] for c in c.change_log.day(_today())[0]][-1] == "withdraw"
    sent = len(c.publicity_sender.ops())
    run_job(c, "forward")
    assert c.publicity_sender.ops()[sent:] == [("withdraw", ENTERPRISE_USCC, acc["record_id"]),
                                                ("upsert", OTHER_USCC, acc["record_id"])]
    assert c.public.enterprise(OTHER_USCC)["total"] == 2              # its registration and the penalty


def test_a_withdrawal_of_a_moved_record_takes_it_off_under_both_codes(c):
    registered(c)
    registered(c, uscc=OTHER_USCC, regno=make_regno("51081100000001"), name="昭化某公司")
    acc = published(c)
    accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_XDR_SHXYM=OTHER_USCC, CF_XDR_GSZC=None,
                                                       CF_XDR_MC="昭化某公司")])
    c.records.withdraw(operator("d12"), acc["record_id"], {"reason": "错报"})
    keys = [(code, "admin_penalty", acc["record_id"]) for code in (ENTERPRISE_USCC, OTHER_USCC)]
    assert c.public_repo.current_versions(keys) == {}
    sent = len(c.publicity_sender.ops())
    run_job(c, "forward")
    assert c.publicity_sender.ops()[sent:] == [("withdraw", ENTERPRISE_USCC, acc["record_id"])]


def test_a_refused_record_is_parked_and_a_failed_batch_retried_with_the_same_id(c):
    registered(c)
    accs = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_WSH=f"罚-{i}") for i in range(2)])
    c.publicity_sender.error = "503"
    assert run_job(c, "forward")["failed_batches"] == 1
    c.publicity_sender.error = None
    c.publicity_sender.rejected = {accs[0]["record_id"]: "字段不全"}
    summary = run_job(c, "forward")
    assert (summary["published"], summary["rejected"]) == (1, 1)
    assert c.publicity_sender.batches[-1]["batch_id"] == c.publicity_sender.batches[-2]["batch_id"]
    assert c.record_repo.get(accs[0]["record_id"]).forward_failed_version == 1
    refused = {accs[0]["record_id"]: "字段不全"}
    assert c.forward_dead_letters == [(c.publicity_sender.batches[-1]["batch_id"], f"rejected: {refused}", 2)]
    assert run_job(c, "forward")["due"] == 0


def test_three_failed_runs_send_the_batch_to_the_dead_letters(c):
    registered(c)
    accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty")])
    c.publicity_sender.error = "503"
    assert [run_job(c, "forward")["dead_batches"] for _ in range(3)] == [0, 0, 1]
    assert [error for _, error, _ in c.forward_dead_letters] == ["503"]
    assert c.job_state_repo.open_failures() == {}
    assert run_job(c, "forward")["due"] == 0                          # parked until an operator replays it


def test_expire_archives_what_passed_publish_until(c):
    registered(c)
    acc = published(c)                                   # CF_YXQ 2027/09/28
    until = c.record_repo.get(acc["record_id"]).publish_until
    assert run_job(c, "expire", until)["archived"] == 0  # still public on its last day
    after = _next_day(until)
    assert run_job(c, "expire", after)["archived"] == 1
    assert c.record_repo.get(acc["record_id"]).state == "archived"
    assert c.public_repo.current_versions([(ENTERPRISE_USCC, "admin_penalty", acc["record_id"])]) == {}
    assert [(e["op"], e["record_id"]) for e in c.change_log.day(after)[0]][-1] == ("expire", acc["record_id"])


def test_deadlines_count_missed_publication_and_long_pending_matches(c):
    registered(c)
    accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty")])          # publish_deadline 2026-10-30
    pending = make_uscc("91510811MA6ABCDE1")
    accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_XDR_SHXYM=pending, CF_XDR_GSZC=None,
                                                       CF_WSH="罚-p", CF_XDR_MC="昭化某合作社")])
    summary = run_job(c, "deadlines", "2027-01-04")
    assert (summary["missed"], summary["at_risk"], summary["pending_overdue"]) == (1, 0, 1)
    rows = c.counter_repo.deadlines("2027-01-04")
    assert (rows["d12"]["missed"], rows["d12"]["pending_overdue"]) == (1, 1)
    assert rows.get("d21", {}).get("missed", 0) == 0


def test_credit_check_restricts_while_a_ban_is_public(c):
    registered(c)
    assert c.public.credit_check(ENTERPRISE_USCC)["restricted"] is False
    acc = published(c, CF_CFLB=BAN)
    check = c.public.credit_check(ENTERPRISE_USCC)
    assert check["restricted"] is True and [r["record_id"] for r in check["reasons"]] == [acc["record_id"]]
    c.records.withdraw(operator("d12"), acc["record_id"], {"reason": "撤销处罚"})
    assert c.public.credit_check(ENTERPRISE_USCC)["restricted"] is False
    with pytest.raises(NotFound):
        c.public.credit_check(OTHER_USCC)


def test_search_by_a_name_fragment_and_by_code(c):
    registered(c)
    published(c)
    by_name = c.public.search("示例食品", 10, None)
    assert [i["code"] for i in by_name["items"]] == [ENTERPRISE_USCC] and by_name["items"][0]["region"] == "510802"
    assert [i["code"] for i in c.public.search(ENTERPRISE_REGNO, 10, None)["items"]] == [ENTERPRISE_USCC]
    assert c.public.search("不存在的公司", 10, None)["items"] == []


def test_the_feed_replays_from_a_cursor_without_gaps_or_repeats(c):
    registered(c)
    accs = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty", CF_WSH=f"罚-{i}") for i in range(5)])
    run_job(c, "forward")
    c.records.withdraw(operator("d12"), accs[0]["record_id"], {"reason": "x"})
    seen, cursor = [], None
    for _ in range(10):
        page = c.feed.page(cursor, 2)
        seen += [(i["op"], i["record_id"]) for i in page["items"]]
        cursor = page["next_cursor"]
        if not page["items"]:
            break
    mine = {a["record_id"] for a in accs}
    seen = [(op, rid) for op, rid in seen if rid in mine]
    assert sorted(seen[:5]) == sorted(("publish", rid) for rid in mine)
    assert seen[5:] == [("withdraw", accs[0]["record_id"])]
    assert len(set(seen)) == len(seen)
    again = c.feed.page(cursor, 10)                      # polling later: nothing new, nothing repeated
    assert again["items"] == []


def test_modify_rules_version_conflict_identity_and_withdrawn(c):
    from chalicelib.errors import BadRequest, Withdrawn
    registered(c)
    acc = accepted(c, "d12", "admin_penalty", [sample_record("admin_penalty")])[0]
    me = operator("d12")
    with pytest.raises(Conflict):
        c.records.modify(me, acc["record_id"], {**sample_record("admin_penalty", CF_NR_FK="7"), "version": 9})
    with pytest.raises(BadRequest) as changed:
        c.records.modify(me, acc["record_id"], sample_record("admin_penalty", CF_WSH="别的文号"))
    assert changed.value.details[0]["code"] == "SOURCE_REF_CHANGED"
    assert c.records.modify(me, acc["record_id"], sample_record("admin_penalty", CF_NR_FK="7"))["version"] == 2
    c.records.withdraw(me, acc["record_id"], {"reason": "错报"})
    with pytest.raises(Withdrawn):
        c.records.modify(me, acc["record_id"], sample_record("admin_penalty", CF_NR_FK="8"))
    with pytest.raises(Withdrawn):
        c.records.withdraw(me, acc["record_id"], {"reason": "again"})
    rejected = accepted_or_rejected(c, sample_record("admin_penalty"))
    assert rejected == "WITHDRAWN"


def accepted_or_rejected(c, row) -> str:
    from tests.services.conftest import submit
    out = submit(c, "d12", "admin_penalty", [row])
    return out.rejected[0]["errors"][0]["code"] if out.rejected else "accepted"


def _today() -> str:
    from chalicelib.clock import today
    return today().isoformat()


def _next_day(day: str) -> str:
    from datetime import date, timedelta
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
