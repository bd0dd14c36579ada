"""DynamoDB requests of the hot write paths, counted (not timed) against the emulator.

A regression to one request per record (a Query per registered code for pending records, a Query
per changed code for watchlists) fails here; the bounds follow from the batching: 100 keys per
BatchGetItem, 100 items per transaction (records, registry items, 双告知 notices), the pending
markers of a large registration batch read with one Query per marker shard.
"""
from __future__ import annotations

import http.server
import json
import math
import threading
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest

from chalicelib.clock import today
from chalicelib.dal.records import PENDING_SHARDS
from chalicelib.domain.identifiers import make_regno, make_uscc
from chalicelib.local.demo_data import sample_record
from chalicelib.services import registry as registry_service
from tests.integration.helpers import accepted, run_job

N = 150       # crosses the 100-key BatchGetItem and 100-item transaction boundaries


class Requests:
    """DynamoDB calls as the app makes them, by "Operation table[/index]" (botocore before-call)."""

    def __init__(self, stack):
        self.prefix = stack.settings.table("x")[:-1]
        self.seen: Counter = Counter()
        self.active = False
        for client in (stack.aws.client("dynamodb"), stack.aws.resource("dynamodb").meta.client):
            client.meta.events.register("before-parameter-build.dynamodb", self._hook)

    def _hook(self, model, params, **_):
        if not self.active:
            return
        tables = [params["TableName"]] if "TableName" in params else sorted(params.get("RequestItems", {}))
        if model.name == "TransactWriteItems":
            tables = sorted({next(iter(op.values()))["TableName"] for op in params["TransactItems"]})
        where = "+".join(t.removeprefix(self.prefix) for t in tables)
        self.seen[f"{model.name} {where}" + (f"/{params['IndexName']}" if params.get("IndexName") else "")] += 1

    @contextmanager
    def measure(self):
        self.seen.clear()
        self.active = True
        try:
            yield self.seen
        finally:
            self.active = False


@pytest.fixture
def counter(stack):
    return Requests(stack)


def enterprises(n: int, district: str = "510802") -> list[dict]:
    return [{"name": f"广元市利州区计数{i}商贸有限公司", "uscc": make_uscc(f"91{district}MA{i:07d}"),
             "regno": make_regno(f"{district}{i:08d}")} for i in range(n)]


def registrations(pool: list[dict]) -> list[dict]:
    return [sample_record("registration", **e) for e in pool]


def penalties(pool: list[dict], prefix: str = "C", **fields) -> list[dict]:
    return [sample_record("admin_penalty", CF_XDR_MC=e["name"], CF_XDR_SHXYM=e["uscc"], CF_XDR_GSZC=e["regno"],
                          CF_WSH=f"广环罚〔2026〕{prefix}{i}号", **fields) for i, e in enumerate(pool)]


def test_registration_batch_with_nothing_pending_reads_markers_not_the_pending_index(client, login, counter):
    registry = login("op-d21", "operator", "d21")
    pool = enterprises(N)
    with counter.measure() as seen:
        accepted(client, registry, "registration", registrations(pool))
    assert seen["Query records/by_pending"] == 0
    codes = 2 * N                                     # USCC and 注册号 of every enterprise
    assert codes > 100 * PENDING_SHARDS               # so the markers are read shard by shard
    assert seen["Query records"] == PENDING_SHARDS    # every marker, one page a shard
    queries = {k: n for k, n in seen.items() if k.startswith("Query")}
    assert sum(n for k, n in queries.items() if not k.startswith("Query rejections")) == PENDING_SHARDS
    assert sum(n for k, n in queries.items() if k.startswith("Query rejections")) <= 1   # any open 回退 to resolve (§5.1)
    assert seen["BatchGetItem records"] <= math.ceil(N / 100)                # identities
    assert seen["BatchGetItem enterprises"] <= math.ceil(codes / 100)
    # enterprise, alias and notice (one department each) together: 33 enterprises a transaction
    assert seen["TransactWriteItems enterprises+notices"] == math.ceil(N / 33)
    assert not any(k.startswith("BatchWriteItem") for k in seen)
    records = sum(n for k, n in seen.items() if k.startswith("TransactWriteItems") and "records" in k)
    assert records <= math.ceil(N / 33) + 1           # record, identity, version; one 迟报 tally each
    reads = math.ceil(N / 100) + math.ceil(codes / 100) + PENDING_SHARDS
    writes = math.ceil(N / 33) + 1 + math.ceil(N / 33)
    assert sum(seen.values()) <= reads + writes + 5, seen      # + department, calendar, counters, audit, open 回退


@pytest.mark.parametrize("late", [False, True], ids=["on_time", "late"])
def test_a_registration_batch_of_1000_costs_about_a_tenth_of_a_request_per_record(client, login, counter, late):
    """Issue #11: ≤ 0.1 DynamoDB requests per accepted record for a JSON registration batch of 1000.

    31 record transactions (33 records of 3 items, and for late ones — 核准日期 long past, as in
    bench/costs.py's pool — the one 迟报 tally item of the transaction), 31 transactions of registry
    items and 双告知 notices (an enterprise, its alias and its notice together, 33 enterprises a
    transaction), 20 + 10 BatchGetItem (registry, identities), PENDING_SHARDS marker queries, 4 fixed
    (department, calendar, counters, audit) = 98 either way."""
    pool = enterprises(1000, district="510812")
    approved = (today() - timedelta(days=60 if late else 0)).isoformat()
    batch = [sample_record("registration", approval_date=approved, **e) for e in pool]
    registry = login("op-d21", "operator", "d21")
    with counter.measure() as seen:
        out = accepted(client, registry, "registration", batch)
    assert len(out) == 1000 and all(a["late"] is late for a in out)
    records = sum(n for k, n in seen.items() if k.startswith("TransactWriteItems") and "records" in k)
    assert records == 31, seen
    assert seen["TransactWriteItems enterprises+notices"] == 31, seen
    assert seen["Query records"] == PENDING_SHARDS and seen["Query records/by_pending"] == 0, seen
    assert seen["BatchGetItem enterprises"] == 20 and seen["BatchGetItem records"] == 10, seen
    assert sum(seen.values()) <= 100, seen     # ≤ 0.1 a record, late or not


def test_registration_queries_the_pending_index_only_for_codes_with_pending_records(
        client, login, stack, counter, monkeypatch):
    pool = enterprises(N, district="510811")
    waiting, misnamed = pool[7], pool[8]
    op = login("op-d12", "operator", "d12")
    records = penalties([waiting, misnamed])
    records[1]["CF_XDR_MC"] = "昭化某另一名称的公司"           # not the name its registration will carry
    first, second = accepted(client, op, "admin_penalty", records)
    assert first["match"] == second["match"] == "pending"
    monkeypatch.setattr(registry_service, "MARKER_GRACE", timedelta(0))   # no index lag on the emulator
    with counter.measure() as seen:
        accepted(client, login("op-d21", "operator", "d21"), "registration", registrations(pool))
    assert seen["Query records/by_pending"] == 2      # the two USCCs that have a pending record, no other
    rematched = stack.record_repo.get(first["record_id"])
    assert (rematched.match, rematched.enterprise_code) == ("local", waiting["uscc"])
    assert stack.record_repo.get(second["record_id"]).match == "pending"
    # the rematched code's marker is gone; the name-mismatch one stays for a later registration
    assert stack.record_repo.pending_markers([waiting["uscc"], misnamed["uscc"]]).keys() == {misnamed["uscc"]}
    with counter.measure() as seen:                  # the registry corrects the name: now it matches
        accepted(client, login("op-d21", "operator", "d21"), "registration",
                 registrations([{**misnamed, "name": "昭化某另一名称的公司"}]))
    assert seen["Query records/by_pending"] == 1
    assert stack.record_repo.get(second["record_id"]).match == "local"
    assert stack.record_repo.pending_markers([misnamed["uscc"]]) == {}


def test_a_fresh_pending_marker_outlives_the_rematch_and_costs_one_query_later(client, login, stack, counter):
    (e,) = enterprises(1, district="510811")
    (acc,) = accepted(client, login("op-d12", "operator", "d12"), "admin_penalty", penalties([e]))
    assert acc["match"] == "pending"
    registry = login("op-d21", "operator", "d21")
    accepted(client, registry, "registration", registrations([e]))
    assert stack.record_repo.get(acc["record_id"]).match == "local"
    # written moments ago: kept (the index may lag), so the next registration of the code looks again
    assert e["uscc"] in stack.record_repo.pending_markers([e["uscc"]])
    with counter.measure() as seen:                  # a changed registration of the same enterprise
        accepted(client, registry, "registration", [sample_record("registration", **e, business_scope="食品销售")])
    assert seen["Query records/by_pending"] == 1
    assert stack.record_repo.get(acc["record_id"]).version == 2       # rematched once, not again


class Callback(http.server.BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_POST(self):  # noqa: N802
        Callback.seen.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_forward_and_expire_query_watchers_only_for_watched_codes(client, login, counter, local_stage):
    """(The `local` stage: the expire sweep runs 200 days ahead, when the penalties' periods have passed.)"""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Callback)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Callback.seen = []
    try:
        pool = enterprises(N)
        accepted(client, login("op-d21", "operator", "d21"), "registration", registrations(pool))
        watched = pool[3]["uscc"]
        resp = client.http.post("/v1/watchlists", headers=login("op-d09", "operator", "d09"), body=json.dumps({
            "codes": [watched], "callback_url": f"http://127.0.0.1:{server.server_port}/hook"}))
        assert resp.status_code == 200, resp.body
        accepted(client, login("op-d12", "operator", "d12"), "admin_penalty", penalties(pool, CF_NR_FK="0.5"))
        with counter.measure() as seen:
            summary = run_job(client, login, "forward")
        assert summary["published"] == 2 * N             # the registrations are public too
        assert seen["Query watchlists"] == 1 + 1          # the retry queue, the one watched code
        assert seen["BatchGetItem watchlists"] <= math.ceil(N / 100) + 1
        (delivery,) = Callback.seen                      # one delivery, about the watched code only
        assert {e["code"] for e in delivery["events"]} == {watched}
        assert "record_published" in {e["type"] for e in delivery["events"]}
        with counter.measure() as seen:
            summary = run_job(client, login, "expire", (today() + timedelta(days=200)).isoformat())
        assert summary["archived"] == N
        assert seen["Query watchlists"] == 1
        assert seen["BatchGetItem watchlists"] <= math.ceil(N / 100)
    finally:
        server.shutdown()


def test_a_batch_of_1000_with_100_rejections_stays_under_a_tenth_of_a_request_per_row(client, login, counter):
    """Issue #23: every rejected row is kept in the 回退 inbox, and resolving the department's open
    rejections costs a read per 100 accepted records only while it has open ones — a batch of 1000
    rows of which 100 are rejected stays ≤ 0.1 DynamoDB requests per row, first sent and re-sent."""
    pool = enterprises(1000, district="510811")
    accepted(client, login("op-d21", "operator", "d21"), "registration", registrations(pool))
    batch = penalties(pool, prefix="R")
    for row in batch[::10]:
        row["CF_JDRQ"] = "2026/02/30"                                    # BAD_DATE: 100 rejected rows
    op = login("op-d12", "operator", "d12")
    for attempt in ("first", "again", "fixed"):
        if attempt == "fixed":                                           # the 100 corrected: resolves them
            for row in batch[::10]:
                row["CF_JDRQ"] = "2026/10/20"
        with counter.measure() as seen:
            resp = client.http.post("/v1/records", headers=op,
                                    body=json.dumps({"category": "admin_penalty", "records": batch}))
        body = resp.json_body
        rows = len(body["accepted"]) + len(body["unchanged"]) + len(body["rejected"])
        assert rows == 1000 and len(body["rejected"]) == (0 if attempt == "fixed" else 100), attempt
        assert sum(seen.values()) <= 100, (attempt, seen)
        rejections = sum(n for k, n in seen.items() if "rejections" in k)
        # first: 100 rejections and their ref items, and the item counting them in each transaction: 3
        assert rejections <= {"first": 5, "again": 4, "fixed": 14}[attempt], (attempt, seen)
    items = client.http.get("/v1/rejections?state=resolved&limit=200", headers=op).json_body["items"]
    assert len(items) == 100 and all(i["times_seen"] == 2 and i["record_id"] for i in items)
