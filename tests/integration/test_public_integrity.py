"""Issue 18: the public side is exactly the projection of the current published versions (SPEC §5).

Moves between enterprises, withdrawal, expiry, archived edits, masking of derived attributes, the
compacted change feed and open data — each through the real routes and jobs, with the exact public
bodies asserted.
"""
from __future__ import annotations

import json

import pytest

from chalicelib.domain.identifiers import make_regno, make_uscc
from chalicelib.local.demo_data import ELSEWHERE_USCC, ENTERPRISE_REGNO, ENTERPRISE_USCC, sample_record
from tests.integration.helpers import accepted, register, run_job

OTHER_USCC = make_uscc("91510802MA62XK1Q7")
OTHER_REGNO = make_regno("51080200012346")
OTHER_NAME = "广元市利州区另一示例商贸有限公司"
SAMPLE_NAME = "广元市利州区示例食品有限公司"
BAN = "责令停产停业、罚款"


@pytest.fixture
def op(login):
    return login("op-d12", "operator", "d12")


@pytest.fixture
def two_enterprises(client, login):
    register(client, login)
    register(client, login, name=OTHER_NAME, uscc=OTHER_USCC, regno=OTHER_REGNO)


def page(client, code):
    resp = client.http.get(f"/v1/public/enterprises/{code}")
    assert resp.status_code == 200, resp.body
    return {g["category"]: g["records"] for g in resp.json_body["categories"] if g["records"]}


def credit(client, code):
    body = client.http.get(f"/v1/public/enterprises/{code}/credit-check").json_body
    assert body.pop("checked_at")
    return body


def record(client, headers, record_id):
    return client.http.get(f"/v1/records/{record_id}", headers=headers).json_body


def feed(client):
    """The whole change feed, page after page (a page walks at most 62 days without changes)."""
    items, cursor = [], None
    for _ in range(20):
        page = client.http.get("/v1/public/changes?limit=200" + (f"&cursor={cursor}" if cursor else "")).json_body
        items += page["items"]
        if cursor == page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    return [{k: v for k, v in i.items() if k != "seq"} for i in items]


def search(client, q):
    resp = client.http.get(f"/v1/public/enterprises?q={q}")
    assert resp.status_code == 200, resp.body
    return resp.json_body["items"]


def search_item(code, **flags):
    """A search result of one of the two registered enterprises (SPEC §6.3 search items)."""
    name, regno = {ENTERPRISE_USCC: (SAMPLE_NAME, ENTERPRISE_REGNO), OTHER_USCC: (OTHER_NAME, OTHER_REGNO)}[code]
    return {"code": code, "name": name, "uscc": code, "regno": regno, "registered_elsewhere": False,
            "status": "存续", "former_names": [], "abnormal": False, "region": "510802", **flags}


def outbox(stack, before: frozenset = frozenset()) -> tuple[frozenset, list[dict]]:
    """The outbox files (exchange bucket) and the entries of those not in `before`: what the
    publicity system was sent since (one forward run writes one file per batch)."""
    s3, bucket = stack.aws.client("s3"), stack.settings.bucket("exchange")
    keys = frozenset(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="exchange/outbox/").get("Contents", []))
    out = []
    for key in sorted(keys - before):
        out += [json.loads(line) for line in s3.get_object(Bucket=bucket, Key=key)["Body"].read()
                .decode().splitlines() if line.strip()]
    return keys, out


def penalty_copy(rec: dict, code: str, name: str, **overrides) -> dict:
    """The public copy of a sample penalty as the enterprise page serves it (SPEC §5 masking)."""
    fields = {k: v for k, v in rec["fields"].items() if k not in ("CF_FR_ZJHM", "CF_XDR_ZJHM", "procedure",
                                                                     "disclosure", "masked_fields")}
    return {"category": "admin_penalty", "category_name": "行政处罚信息", "record_id": rec["record_id"],
            "version": rec["version"], "name": name, "source_ref": rec["source_ref"],
            "decision_date": rec["decision_date"], "fields": fields, "department": "d12",
            "department_name": "市环保局", "published_at": rec["published_at"],
            "publish_until": rec["publish_until"], "registered_elsewhere": False, **overrides}


def ban_reason(rec: dict) -> dict:
    return {"category": "admin_penalty", "reason": "责令停产停业", "record_id": rec["record_id"],
            "since": "2026-09-28", "until": "2027-09-28"}


def moved_to_other(**extra):
    return sample_record("admin_penalty", CF_CFLB=BAN, CF_XDR_MC=OTHER_NAME, CF_XDR_SHXYM=OTHER_USCC,
                         CF_XDR_GSZC=OTHER_REGNO, **extra)


def test_a_move_leaves_the_old_enterprise_at_once_and_forward_sends_withdraw_then_upsert(
        client, login, op, stack, two_enterprises):
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_CFLB=BAN)])
    run_job(client, login, "forward")
    rec = record(client, op, acc["record_id"])
    assert page(client, ENTERPRISE_USCC)["admin_penalty"] == [penalty_copy(rec, ENTERPRISE_USCC, SAMPLE_NAME)]
    assert credit(client, ENTERPRISE_USCC) == {"code": ENTERPRISE_USCC, "name": SAMPLE_NAME, "restricted": True,
                                               "reasons": [ban_reason(rec)]}
    assert search(client, ENTERPRISE_USCC) == [search_item(ENTERPRISE_USCC, restricted=True, records=2)]
    # the party is corrected to another enterprise (a PUT; a batch resend does the same)
    resp = client.http.put(f"/v1/records/{acc['record_id']}", headers=op, body=json.dumps(moved_to_other()))
    assert resp.status_code == 200, resp.body
    # at once: off the old enterprise's page and credit check, not yet on the new one's
    assert "admin_penalty" not in page(client, ENTERPRISE_USCC)
    assert credit(client, ENTERPRISE_USCC) == {"code": ENTERPRISE_USCC, "name": SAMPLE_NAME, "restricted": False,
                                               "reasons": []}
    assert "admin_penalty" not in page(client, OTHER_USCC)
    assert credit(client, OTHER_USCC)["restricted"] is False
    assert search(client, ENTERPRISE_USCC) == [search_item(ENTERPRISE_USCC, restricted=False, records=1)]
    assert record(client, op, acc["record_id"])["state"] == "accepted"
    before, _ = outbox(stack)
    summary = run_job(client, login, "forward")
    assert (summary["published"], summary["withdrawn"]) == (1, 1)
    sent = [(e["op"], e["enterprise"]["code"], e["idempotency_key"]) for e in outbox(stack, before)[1]]
    assert sent == [("withdraw", ENTERPRISE_USCC, f"{acc['record_id']}:2:withdraw"),
                    ("upsert", OTHER_USCC, f"{acc['record_id']}:2:upsert")]
    moved = record(client, op, acc["record_id"])
    assert (moved["state"], moved["enterprise_code"], moved["forwarded_code"]) == ("published", OTHER_USCC,
                                                                                   OTHER_USCC)
    assert page(client, OTHER_USCC)["admin_penalty"] == [penalty_copy(moved, OTHER_USCC, OTHER_NAME)]
    assert credit(client, OTHER_USCC) == {"code": OTHER_USCC, "name": OTHER_NAME, "restricted": True,
                                          "reasons": [ban_reason(moved)]}
    assert "admin_penalty" not in page(client, ENTERPRISE_USCC)
    assert search(client, "另一示例商贸") == [search_item(OTHER_USCC, restricted=True, records=2)]
    assert run_job(client, login, "forward")["due"] == 0
    # withdrawn: off every side; nobody stays restricted
    client.http.post(f"/v1/records/{acc['record_id']}/withdraw", headers=op, body=json.dumps({"reason": "复议撤销"}))
    for code, name in ((ENTERPRISE_USCC, SAMPLE_NAME), (OTHER_USCC, OTHER_NAME)):
        assert "admin_penalty" not in page(client, code)
        assert credit(client, code) == {"code": code, "name": name, "restricted": False, "reasons": []}
    before, _ = outbox(stack)
    run_job(client, login, "forward")
    assert [(e["op"], e["enterprise"]["code"]) for e in outbox(stack, before)[1]] == [("withdraw", OTHER_USCC)]
    # the feed: every entry of the record is a stub now, and replaying it leaves nothing of it
    mine = [e for e in feed(client) if e["record_id"] == acc["record_id"]]
    assert [e["op"] for e in mine] == ["publish", "withdraw", "publish", "withdraw"]
    assert all(set(e) == {"record_id", "op", "at"} for e in mine)


def test_a_move_of_a_record_not_yet_forwarded_again_still_withdraws_under_the_old_code(
        client, login, op, stack, two_enterprises):
    """Moved, then withdrawn before any forward: the publicity system still gets the withdrawal under
    the code it holds the record by; the record never appears under the new one."""
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_CFLB=BAN)])
    run_job(client, login, "forward")
    accepted(client, op, "admin_penalty", [moved_to_other()])        # the move as a batch resend
    assert credit(client, ENTERPRISE_USCC)["restricted"] is False
    client.http.post(f"/v1/records/{acc['record_id']}/withdraw", headers=op, body=json.dumps({"reason": "撤销"}))
    before, _ = outbox(stack)
    run_job(client, login, "forward")
    assert [(e["op"], e["enterprise"]["code"]) for e in outbox(stack, before)[1]] == [("withdraw", ENTERPRISE_USCC)]
    assert "admin_penalty" not in page(client, OTHER_USCC)
    assert run_job(client, login, "forward")["due"] == 0


def test_expiry_removes_the_copy_of_a_moved_record_where_it_is(client, login, op, two_enterprises, local_stage):
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_CFLB=BAN, CF_GSJZQ="2027-03-01")])
    run_job(client, login, "forward")
    accepted(client, op, "admin_penalty", [moved_to_other(CF_GSJZQ="2027-03-01")])
    run_job(client, login, "forward")
    assert credit(client, OTHER_USCC)["restricted"] is True
    assert run_job(client, login, "expire", "2027-03-02")["archived"] == 1
    # the feed serves the expiry although the job logged it on its (later) as_of day
    last = feed(client)[-1]
    assert last == {"record_id": acc["record_id"], "op": "expire", "at": last["at"]}
    for code in (ENTERPRISE_USCC, OTHER_USCC):
        assert "admin_penalty" not in page(client, code)
        assert credit(client, code)["reasons"] == []          # CF_YXQ 2027-09-28 would still ban today


def test_masked_source_ref_and_decision_date_appear_nowhere_on_the_public_side(client, login, op, stack):
    register(client, login)
    d21 = login("op-d21", "operator", "d21")
    (insp,) = accepted(client, d21, "inspection", [sample_record(
        "inspection", inspection_no="JC-SECRET-77", inspection_date="2026-09-13",
        masked_fields="inspection_no、inspection_date")])
    (pen,) = accepted(client, op, "admin_penalty", [sample_record(
        "admin_penalty", CF_WSH="广环罚〔2026〕秘77号", masked_fields="CF_WSH")])
    run_job(client, login, "forward")
    run_job(client, login, "open_data")
    got = page(client, ENTERPRISE_USCC)
    (copy,) = got["inspection"]
    assert copy["source_ref"] == insp["record_id"]                       # the label is the record_id
    assert "decision_date" not in copy and "publish_until" not in copy  # both derived from the date (null)
    assert copy["fields"]["inspection_no"] == copy["fields"]["inspection_date"] == "***"
    rec = record(client, op, pen["record_id"])
    assert got["admin_penalty"] == [penalty_copy(rec, ENTERPRISE_USCC, SAMPLE_NAME, source_ref=pen["record_id"],
                                                 fields={**penalty_copy(rec, "", "")["fields"], "CF_WSH": "***"})]
    listing = client.http.get("/v1/public/open-data").json_body
    bodies = [client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}").body,
              client.http.get("/v1/public/changes?limit=200").body, json.dumps(listing).encode()]
    s3, bucket = stack.aws.client("s3"), stack.settings.bucket("exchange")
    for key in ("records.jsonl", "records.csv", "delta.jsonl"):
        day = listing["items"][0]["day"]
        bodies.append(s3.get_object(Bucket=bucket, Key=f"open-data/{day}/{key}")["Body"].read())
    text = b"\n".join(bodies).decode("utf-8")
    for secret in ("JC-SECRET-77", "2026-09-13", "秘77号"):
        assert secret not in text, secret
    assert insp["record_id"] in text and pen["record_id"] in text


def test_feed_keeps_content_only_while_it_is_the_public_copy_and_replays_to_the_public_side(
        client, login, op, stack):
    register(client, login)
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty")])
    run_job(client, login, "forward")
    accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_NR_FK="6")])
    entries = feed(client)
    assert entries[-1]["copy"]["fields"]["CF_NR_FK"] == "5"             # still the public copy
    run_job(client, login, "forward")
    rec = record(client, op, acc["record_id"])
    mine = [e for e in feed(client) if e["record_id"] == acc["record_id"]]
    assert [set(e) for e in mine] == [{"record_id", "op", "at"},
                                      {"record_id", "op", "at", "code", "category", "version", "copy"}]
    assert mine[1]["copy"] == {**penalty_copy(rec, ENTERPRISE_USCC, SAMPLE_NAME), "code": ENTERPRISE_USCC}
    # replaying the whole feed ends with exactly today's public side
    replay: dict[str, dict] = {}
    for e in feed(client):
        if "copy" in e:
            replay[e["record_id"]] = e["copy"]
        else:
            replay.pop(e["record_id"], None)
    public = [c for group in page(client, ENTERPRISE_USCC).values() for c in group]
    assert sorted(replay) == sorted(c["record_id"] for c in public)
    assert replay[acc["record_id"]] == {**public[[c["record_id"] for c in public].index(acc["record_id"])],
                                        "code": ENTERPRISE_USCC}
    # open data of today holds the current copy; after the withdrawal its files leave the listing
    run_job(client, login, "open_data")
    s3, bucket = stack.aws.client("s3"), stack.settings.bucket("exchange")
    (item,) = client.http.get("/v1/public/open-data").json_body["items"]
    delta = [json.loads(x) for x in s3.get_object(Bucket=bucket, Key=f"open-data/{item['day']}/delta.jsonl")
             ["Body"].read().decode().splitlines()]
    assert [set(e) for e in delta if e["record_id"] == acc["record_id"]] == [
        {"record_id", "op", "at"}, {"record_id", "op", "at", "code", "category", "version", "copy"}]
    client.http.post(f"/v1/records/{acc['record_id']}/withdraw", headers=op, body=json.dumps({"reason": "撤销"}))
    assert client.http.get("/v1/public/open-data").json_body["items"] == []
    assert all(set(e) == {"record_id", "op", "at"} for e in feed(client) if e["record_id"] == acc["record_id"])
    rebuilt = run_job(client, login, "open_data")
    (item,) = client.http.get("/v1/public/open-data").json_body["items"]
    assert (item["day"], item["records"]) == (rebuilt["as_of"], 1)       # the registration only
    rows = s3.get_object(Bucket=bucket, Key=f"open-data/{item['day']}/records.jsonl")["Body"].read().decode()
    assert acc["record_id"] not in rows


def test_an_archived_record_stays_archived_when_edited_unless_its_period_moves_after_today(client, login, op):
    register(client, login)
    fields = {"CF_GSJZQ": "2026-12-01"}           # the department's 公示截止期: already passed
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty", **fields)])
    run_job(client, login, "forward")
    assert run_job(client, login, "expire")["archived"] == 1
    accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_NR="罚款人民币伍万元整", **fields)])
    rec = record(client, op, acc["record_id"])
    assert (rec["state"], rec["version"]) == ("archived", 2)
    assert run_job(client, login, "forward")["due"] == 0
    assert page(client, ENTERPRISE_USCC).get("admin_penalty") is None
    # a new 公示截止期 after today publishes it again with the next forward
    accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_GSJZQ="2027-06-01")])
    assert record(client, op, acc["record_id"])["state"] == "accepted"
    assert page(client, ENTERPRISE_USCC).get("admin_penalty") is None
    run_job(client, login, "forward")
    rec = record(client, op, acc["record_id"])
    assert (rec["state"], rec["publish_until"]) == ("published", "2027-06-01")
    assert page(client, ENTERPRISE_USCC)["admin_penalty"] == [penalty_copy(rec, ENTERPRISE_USCC, SAMPLE_NAME)]


def test_open_data_after_a_retraction_logged_on_the_snapshot_day_leaves_it_out(client, login, op, stack):
    """A snapshot of today, then an expiry logged today after it was built (a run for a past day
    logs when it runs): the next run applies that expiry; the earlier files leave the listing."""
    from datetime import timedelta

    from chalicelib.clock import today
    d, end = (today() - timedelta(days=n) for n in (4, 6))
    register(client, login)
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_GSJZQ=end.isoformat())])
    run_job(client, login, "forward")
    assert run_job(client, login, "open_data")["records"] == 2
    assert run_job(client, login, "expire", d.isoformat())["archived"] == 1
    assert client.http.get("/v1/public/open-data").json_body["items"] == []
    assert run_job(client, login, "open_data")["records"] == 1
    (item,) = client.http.get("/v1/public/open-data").json_body["items"]
    assert (item["day"], item["records"]) == (today().isoformat(), 1)
    s3, bucket = stack.aws.client("s3"), stack.settings.bucket("exchange")
    body = s3.get_object(Bucket=bucket, Key=f"open-data/{item['day']}/records.jsonl")["Body"].read().decode()
    assert acc["record_id"] not in body


def test_an_enterprise_left_with_no_public_record_leaves_the_public_side(client, login, op, two_enterprises):
    """An `elsewhere` enterprise known to the public side only through one penalty: when that penalty
    is corrected to another enterprise, its page, search result and credit check go at once."""
    elsewhere = {"CF_XDR_MC": "福州示例贸易有限公司", "CF_XDR_SHXYM": ELSEWHERE_USCC, "CF_XDR_GSZC": None}
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_CFLB=BAN, **elsewhere)])
    assert acc["match"] == "elsewhere"
    run_job(client, login, "forward")
    (item,) = search(client, ELSEWHERE_USCC)
    assert (item["registered_elsewhere"], item["restricted"], item["records"]) == (True, True, 1)
    accepted(client, op, "admin_penalty", [moved_to_other()])
    assert search(client, ELSEWHERE_USCC) == []
    for path in ("", "/credit-check"):
        assert client.http.get(f"/v1/public/enterprises/{ELSEWHERE_USCC}{path}").status_code == 404
    run_job(client, login, "forward")
    assert search(client, OTHER_USCC) == [search_item(OTHER_USCC, restricted=True, records=2)]


def test_search_items_carry_abnormal_and_the_list_reasons_keep_until(client, login):
    register(client, login)
    d21 = login("op-d21", "operator", "d21")
    (acc,) = accepted(client, d21, "abnormal_list", [sample_record("abnormal_list")])
    run_job(client, login, "forward")
    assert search(client, "示例食品") == [search_item(ENTERPRISE_USCC, restricted=True, abnormal=True, records=2)]
    assert credit(client, ENTERPRISE_USCC)["reasons"] == [
        {"category": "abnormal_list", "reason": "列入经营异常名录", "record_id": acc["record_id"],
         "since": "2026-07-01", "until": None}]


def test_a_move_to_a_pending_enterprise_withdraws_now_and_publishes_once_it_is_registered(
        client, login, op, stack):
    register(client, login)
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_CFLB=BAN)])
    run_job(client, login, "forward")
    (moved,) = accepted(client, op, "admin_penalty", [moved_to_other()])   # OTHER is not registered yet
    assert moved["match"] == "pending"
    assert credit(client, ENTERPRISE_USCC)["restricted"] is False
    before, _ = outbox(stack)
    assert run_job(client, login, "forward")["withdrawn"] == 1
    assert [(e["op"], e["enterprise"]["code"]) for e in outbox(stack, before)[1]] == [("withdraw", ENTERPRISE_USCC)]
    assert run_job(client, login, "forward")["due"] == 0
    register(client, login, name=OTHER_NAME, uscc=OTHER_USCC, regno=OTHER_REGNO)   # rematched: local
    before, _ = outbox(stack)
    run_job(client, login, "forward")
    assert ("upsert", OTHER_USCC, acc["record_id"]) in [(e["op"], e["enterprise"]["code"], e["record_id"])
                                                        for e in outbox(stack, before)[1]]
    assert credit(client, OTHER_USCC)["reasons"] == [ban_reason(record(client, op, acc["record_id"]))]
    assert "admin_penalty" not in page(client, ENTERPRISE_USCC)


def test_expiry_run_for_a_past_day_reaches_the_next_open_data_and_the_feed(client, login, op, stack):
    """An `expire` run for a past day (legal on every stage) archives now: its entry is logged
    under today, so today's open data leaves the record out and the feed serves the expiry
    (logged under the past day, before the log's first day, it was never read)."""
    from datetime import timedelta

    from chalicelib.clock import today
    register(client, login)
    (acc,) = accepted(client, op, "admin_penalty", [sample_record(
        "admin_penalty", CF_GSJZQ=(today() - timedelta(days=60)).isoformat())])
    run_job(client, login, "forward")
    assert run_job(client, login, "expire", (today() - timedelta(days=30)).isoformat())["archived"] == 1
    assert run_job(client, login, "open_data")["records"] == 1             # the registration only
    (item,) = client.http.get("/v1/public/open-data").json_body["items"]
    s3, bucket = stack.aws.client("s3"), stack.settings.bucket("exchange")
    body = s3.get_object(Bucket=bucket, Key=f"open-data/{item['day']}/records.jsonl")["Body"].read().decode()
    assert acc["record_id"] not in body
    mine = [e for e in feed(client) if e["record_id"] == acc["record_id"]]
    assert [(e["op"], set(e)) for e in mine] == [("publish", {"record_id", "op", "at"}),
                                                 ("expire", {"record_id", "op", "at"})]
