"""Publication: forward, the public side, expiry, withdrawal, credit check, open data."""
from __future__ import annotations

import http.server
import json
import threading
from datetime import date

import pytest

from chalicelib.adapters.publicity import signature
from chalicelib.local.demo_data import ENTERPRISE_REGNO, ENTERPRISE_USCC, sample_record
from tests.integration.helpers import accepted, register, run_job

PENALTY_ID = "广环罚〔2026〕12号"


@pytest.fixture
def op(login):
    return login("op-d12", "operator", "d12")


def public_records(client, code=ENTERPRISE_USCC, category="admin_penalty"):
    resp = client.http.get(f"/v1/public/enterprises/{code}")
    if resp.status_code == 404:
        return None
    groups = {g["category"]: g["records"] for g in resp.json_body["categories"]}
    return groups[category]


def test_forward_publishes_to_the_outbox_and_the_public_page(client, login, op, stack):
    register(client, login)
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty")])
    assert public_records(client) is None                     # nothing public before forward
    summary = run_job(client, login, "forward", "2026-10-10")
    assert summary["published"] == 2 and summary["batches"] == 1   # the registration and the penalty
    (copy,) = public_records(client)
    assert copy["record_id"] == acc["record_id"] and copy["fields"]["CF_WSH"] == PENALTY_ID
    assert copy["publish_until"] == "2029-10-10"               # a 5 万元 fine: 3 years from publication
    s3 = stack.aws.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=stack.settings.bucket("exchange"),
                                                 Prefix="exchange/outbox/2026-10-10/")["Contents"]]
    lines = [json.loads(x) for x in s3.get_object(Bucket=stack.settings.bucket("exchange"), Key=keys[0])
             ["Body"].read().decode().splitlines()]
    assert {(line["op"], line["idempotency_key"]) for line in lines} >= {
        ("upsert", f"{acc['record_id']}:1:upsert")}
    # the same page by 注册号, and nothing more to forward
    assert public_records(client, ENTERPRISE_REGNO)[0]["record_id"] == acc["record_id"]
    assert run_job(client, login, "forward", "2026-10-10")["due"] == 0
    record = client.http.get(f"/v1/records/{acc['record_id']}", headers=op).json_body
    assert record["state"] == "published" and record["published_version"] == 1


def test_warning_only_penalty_is_stored_but_never_public(client, login, op):
    register(client, login)
    (acc,) = accepted(client, op, "admin_penalty", [sample_record(
        "admin_penalty", CF_CFLB="警告", CF_NR="警告", CF_NR_FK=None)])
    run_job(client, login, "forward")
    assert public_records(client) == []
    record = client.http.get(f"/v1/records/{acc['record_id']}", headers=op).json_body
    assert record["state"] == "accepted" and record["publishable"] is False


def test_change_is_published_by_the_next_forward_and_withdrawal_at_once(client, login, op, stack):
    register(client, login)
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty")])
    run_job(client, login, "forward")
    accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_NR_FK="6")])
    assert public_records(client)[0]["fields"]["CF_NR_FK"] == "5"      # old copy until forward
    run_job(client, login, "forward")
    assert public_records(client)[0]["fields"]["CF_NR_FK"] == "6"
    resp = client.http.post(f"/v1/records/{acc['record_id']}/withdraw", headers=op,
                            body=json.dumps({"reason": "复议撤销"}))
    assert resp.status_code == 200
    assert public_records(client) == []                                 # off the public side at once
    summary = run_job(client, login, "forward")
    assert summary["withdrawn"] == 1


def test_expiry_archives_with_as_of(client, login, op):
    register(client, login)
    (acc,) = accepted(client, op, "admin_penalty", [sample_record(
        "admin_penalty", CF_CFLB="通报批评", CF_NR="通报批评", CF_NR_FK=None, CF_JDRQ="2026/07/28")])
    run_job(client, login, "forward", "2026-08-10")                    # 3 months: until 2026-11-10
    assert run_job(client, login, "expire", "2026-11-10")["archived"] == 0
    assert public_records(client)
    assert run_job(client, login, "expire", "2026-11-11")["archived"] == 1
    assert public_records(client) == []
    record = client.http.get(f"/v1/records/{acc['record_id']}", headers=op).json_body
    assert record["state"] == "archived"                                # still stored, still visible


def test_credit_check_true_and_false(client, login, op):
    register(client, login)
    run_job(client, login, "forward")
    check = client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}/credit-check").json_body
    assert check["restricted"] is False and check["reasons"] == []
    accepted(client, login("op-d21", "operator", "d21"), "serious_violation", [sample_record("serious_violation")])
    accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_CFLB="责令停产停业、罚款")])
    run_job(client, login, "forward")
    check = client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}/credit-check").json_body
    assert check["restricted"] is True
    assert sorted(r["category"] for r in check["reasons"]) == ["admin_penalty", "serious_violation"]
    assert client.http.get("/v1/public/enterprises/91510800MA0000000X/credit-check").status_code == 404


def test_public_search_by_name_fragment_and_code(client, login):
    register(client, login)
    run_job(client, login, "forward")
    found = client.http.get("/v1/public/enterprises?q=示例食品").json_body["items"]
    assert [e["code"] for e in found] == [ENTERPRISE_USCC]
    assert client.http.get("/v1/public/enterprises?q=不存在的名字").json_body["items"] == []
    assert client.http.get(f"/v1/public/enterprises?q={ENTERPRISE_USCC}").json_body["items"][0]["name"]
    assert client.http.get("/v1/public/enterprises?q=示").status_code == 400


def test_no_secret_or_unpublished_value_reaches_any_public_response(client, login, op, stack):
    register(client, login)
    secret_id = "510802198001011234"
    accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_FR_ZJHM=secret_id,
                                                         CF_WFXW="商业秘密的违法行为描述", masked_fields="CF_WFXW")])
    accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_WSH="未公示-1号",
                                                         CF_SY="尚未转发的事实")])
    pledge = login("op-d21", "operator", "d21")
    accepted(client, pledge, "equity_pledge", [sample_record("equity_pledge", pledgor_id_no="510802198502023456")])
    run_job(client, login, "forward")
    accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_WSH="后来的-2号", CF_SY="转发后才提交")])
    run_job(client, login, "open_data")
    bodies = [client.http.get(p).body for p in (
        f"/v1/public/enterprises/{ENTERPRISE_USCC}", f"/v1/public/enterprises/{ENTERPRISE_REGNO}",
        f"/v1/public/enterprises/{ENTERPRISE_USCC}/credit-check", "/v1/public/enterprises?q=示例食品",
        "/v1/public/open-data")]
    listing = json.loads(bodies[-1])
    s3 = stack.aws.client("s3")
    for key in ("jsonl", "csv"):
        url = listing["items"][0]["downloads"][key]
        bodies.append(s3.get_object(Bucket=stack.settings.bucket("exchange"),
                                    Key=url.split(stack.settings.bucket("exchange") + "/")[1].split("?")[0])["Body"].read())
    text = b"\n".join(bodies).decode("utf-8")
    for leaked in (secret_id, "510802198502023456", "商业秘密的违法行为描述", "转发后才提交"):
        assert leaked not in text
    assert "510802********3456" in text            # a natural person's ID, partially masked


def test_enterprise_page_costs_at_most_two_dynamodb_requests(client, login, stack):
    register(client, login)
    run_job(client, login, "forward")
    calls = []
    client_ddb = stack.public_repo.table.meta.client
    client_ddb.meta.events.register("before-call.dynamodb", lambda **kw: calls.append(kw["event_name"]))
    for code in (ENTERPRISE_USCC, ENTERPRISE_REGNO):
        calls.clear()
        assert client.http.get(f"/v1/public/enterprises/{code}").status_code == 200
        assert 1 <= len(calls) <= 2, calls


class Receiver(http.server.BaseHTTPRequestHandler):
    """A stand-in for the national publicity system on loopback: fails first, then accepts."""
    script: list[int] = []
    seen: list[dict] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.seen.append({"headers": dict(self.headers), "body": body})
        status = Receiver.script.pop(0) if Receiver.script else 200
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(stack):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Receiver.seen, Receiver.script = [], []
    stack.aws.client("secretsmanager").create_secret(Name="publicity-hmac", SecretString="s3cr3t")
    from chalicelib import container
    container.install(container.Container(stack.settings.model_copy(update={
        "publicity_endpoint": f"http://127.0.0.1:{server.server_port}/batches",
        "publicity_secret_id": "publicity-hmac"})))
    yield Receiver
    server.shutdown()


def test_forward_failure_is_retried_with_the_same_keys_and_nothing_lost(client, login, op, receiver):
    register(client, login)
    accepted(client, op, "admin_penalty", [sample_record("admin_penalty")])
    receiver.script = [500]
    first = run_job(client, login, "forward")
    assert first["failed_batches"] == 1 and first["published"] == 0
    assert public_records(client) is None
    assert run_job(client, login, "forward")["published"] == 2            # the hourly retry
    assert run_job(client, login, "forward")["due"] == 0
    bodies = [json.loads(s["body"]) for s in receiver.seen]
    assert len(bodies) == 2 and bodies[0] == bodies[1]                      # same batch, same keys
    keys = {s["headers"]["Idempotency-Key"] for s in receiver.seen}
    assert keys == {bodies[0]["batch_id"]}
    h = receiver.seen[1]["headers"]
    assert h["X-Signature"] == signature("s3cr3t", h["X-Timestamp"], receiver.seen[1]["body"])
    assert len(public_records(client)) == 1


def test_three_failed_runs_send_the_batch_to_the_dlq(client, login, op, receiver, stack):
    register(client, login)
    receiver.script = [500, 503, 429, 500, 500, 500, 500, 500, 500]
    for _ in range(3):
        run_job(client, login, "forward")
    sqs = stack.aws.client("sqs")
    url = sqs.get_queue_url(QueueName=stack.settings.queue("forward-dlq"))["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=url).get("Messages", [])
    assert len(messages) == 1 and json.loads(messages[0]["Body"])["records"] == 1
    assert run_job(client, login, "forward")["due"] == 0                  # parked, not resent forever


def test_open_data_snapshot_and_delta(client, login, op, stack):
    register(client, login)
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty")])
    run_job(client, login, "forward")
    first = run_job(client, login, "open_data")
    assert first["records"] == 2
    assert [(i["day"], i["records"]) for i in client.http.get("/v1/public/open-data").json_body["items"]] == [
        (first["as_of"], 2)]
    client.http.post(f"/v1/records/{acc['record_id']}/withdraw", headers=op, body=json.dumps({"reason": "撤销"}))
    today = run_job(client, login, "open_data")
    assert today["records"] == 1 and today["changes"] >= 1
    listing = client.http.get("/v1/public/open-data").json_body["items"]
    # the first files hold the withdrawn penalty: off the listing (SPEC §5) until rebuilt
    assert [(i["day"], i["records"]) for i in listing] == [(today["as_of"], 1)]
    csv_key = f"open-data/{today['as_of']}/records.csv"
    body = stack.aws.client("s3").get_object(Bucket=stack.settings.bucket("exchange"), Key=csv_key)["Body"].read()
    assert body.startswith("\ufeff".encode()) and "示例食品".encode() in body


def test_credit_check_attestation_verifies_and_fails_after_any_change(client, login):
    register(client, login)
    run_job(client, login, "forward")
    attested = client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}/credit-check?attest=1").json_body
    att = attested["attestation"]
    assert json.loads(att["payload"])["code"] == ENTERPRISE_USCC
    verify = client.http.post("/v1/public/attestations/verify", headers={"Content-Type": "application/json"},
                              body=json.dumps(attested))
    assert verify.json_body["valid"] is True and verify.json_body["attested"]["restricted"] is False
    key = client.http.get("/v1/public/attestation-key").json_body
    assert key["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    # anyone can check it offline with the public key
    import base64

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    public = serialization.load_pem_public_key(key["public_key_pem"].encode())
    public.verify(base64.b64decode(att["signature"]), att["payload"].encode(), ec.ECDSA(hashes.SHA256()))
    payload = att["payload"].encode()
    for i in range(0, len(payload), max(1, len(payload) // 7)):
        tampered = payload[:i] + bytes([payload[i] ^ 0x01]) + payload[i + 1:]
        body = {"payload": tampered.decode("utf-8", "replace"), "signature": att["signature"]}
        resp = client.http.post("/v1/public/attestations/verify", headers={"Content-Type": "application/json"},
                                body=json.dumps(body))
        assert resp.json_body["valid"] is False
    sig = bytearray(base64.b64decode(att["signature"]))
    sig[-1] ^= 0x01
    resp = client.http.post("/v1/public/attestations/verify", headers={"Content-Type": "application/json"},
                            body=json.dumps({"payload": att["payload"], "signature": base64.b64encode(sig).decode()}))
    assert resp.json_body["valid"] is False


def test_change_feed_replays_from_a_cursor_without_gaps_or_repeats(client, login, op):
    register(client, login)
    accs = accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_WSH=f"feed-{i}")
                                                   for i in range(4)])
    run_job(client, login, "forward")                      # 5 publications
    client.http.post(f"/v1/records/{accs[0]['record_id']}/withdraw", headers=op,
                     body=json.dumps({"reason": "撤销"}))  # 1 withdrawal
    everything = client.http.get("/v1/public/changes?limit=200").json_body
    assert [i["op"] for i in everything["items"]].count("publish") == 5
    assert everything["items"][-1]["op"] == "withdraw"
    seen, cursor = [], None
    for _ in range(10):
        page = client.http.get("/v1/public/changes?limit=2" + (f"&cursor={cursor}" if cursor else "")).json_body
        seen += page["items"]
        cursor = page["next_cursor"]
        if not page["items"]:
            break
    assert [i["seq"] for i in seen] == [i["seq"] for i in everything["items"]]
    # a client that polls later from its cursor gets exactly what happened since
    accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_WSH="feed-new")])
    run_job(client, login, "forward")
    later = client.http.get(f"/v1/public/changes?cursor={cursor}").json_body["items"]
    assert [(i["op"], i["copy"]["source_ref"]) for i in later] == [("publish", "FEED-NEW")]  # codes normalised
    assert "CF_FR_ZJHM" not in json.dumps(later, ensure_ascii=False)


def test_scorecards_equal_the_supervision_report(client, login, op):
    register(client, login)
    accepted(client, op, "admin_penalty", [sample_record("admin_penalty")])
    run_job(client, login, "forward")
    cards = {c["department"]: c for c in client.http.get("/v1/public/scorecards").json_body["items"]}
    report = {r["department"]: r for r in client.http.get(
        "/v1/reports/departments", headers=login("sup", "supervisor")).json_body["items"]}
    for dept in ("d12", "d21", "d01"):
        published = report[dept]["published_on_time"] + report[dept]["published_late"]
        assert cards[dept]["published"] == published
        assert cards[dept]["rejection_rate"] == report[dept]["rejection_rate"]
        assert cards[dept]["median_days_to_publication"] == report[dept]["median_days_to_publication"]
    assert cards["d12"]["published_on_time_share"] == 0.0             # decided 09-28, published now: late
    from chalicelib.clock import today
    assert cards["d12"]["median_days_to_publication"] == (today() - date(2026, 9, 28)).days
    assert cards["d01"]["published_on_time_share"] is None


class Callback(http.server.BaseHTTPRequestHandler):
    """A bidding office's system on loopback: answers 500 once, then 200."""
    script: list[int] = []
    seen: list[dict] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Callback.seen.append({"headers": dict(self.headers), "body": body})
        self.send_response(Callback.script.pop(0) if Callback.script else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_watchlist_delivery_on_serious_violation_retried_after_a_500(client, login, op, stack):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Callback)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Callback.seen, Callback.script = [], [500]
    try:
        register(client, login)
        run_job(client, login, "forward")
        bidding = login("op-d09", "operator", "d09")
        resp = client.http.post("/v1/watchlists", headers=bidding, body=json.dumps({
            "codes": [ENTERPRISE_USCC], "callback_url": f"http://127.0.0.1:{server.server_port}/hook"}))
        assert resp.status_code == 200, resp.body
        wl = resp.json_body
        accepted(client, login("op-d21", "operator", "d21"), "serious_violation", [sample_record("serious_violation")])
        run_job(client, login, "forward")            # publication → delivery → 500
        run_job(client, login, "forward")            # the retry → 200
        run_job(client, login, "forward")            # nothing new, nothing resent
        assert len(Callback.seen) == 2
        first, second = (json.loads(s["body"]) for s in Callback.seen)
        assert first == second                       # same delivery, same id
        assert Callback.seen[0]["headers"]["Idempotency-Key"] == Callback.seen[1]["headers"]["Idempotency-Key"]
        h = Callback.seen[1]["headers"]
        assert h["X-Signature"] == signature(wl["secret"], h["X-Timestamp"], Callback.seen[1]["body"])
        types = sorted(e["type"] for e in second["events"])
        assert types == ["record_published", "restriction_changed"]
        change = next(e for e in second["events"] if e["type"] == "restriction_changed")
        assert change["restricted"] is True
        deliveries = client.http.get(f"/v1/watchlists/{wl['id']}/deliveries", headers=bidding).json_body["items"]
        assert [(d["status"], d["attempts"]) for d in deliveries] == [("delivered", 2)]
        other = client.http.get(f"/v1/watchlists/{wl['id']}/deliveries", headers=op)
        assert other.status_code == 403
    finally:
        server.shutdown()


def test_scorecard_page_is_served(client):
    page = client.http.get("/pages/scorecards.html")
    assert page.status_code == 200 and "部门公示时效记分卡" in page.body.decode()
    assert client.http.get("/pages/scorecards.js").status_code == 200
