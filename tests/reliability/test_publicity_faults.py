"""The national publicity system times out, answers 500 or 429, or drops the connection: `forward` is
run again (as the hourly retry schedule does) until it succeeds, and the final state equals a run
against a receiver that never failed — same records, versions, public copies, and every change
accepted by the receiver exactly once per idempotency key (resends carry the same keys)."""
from __future__ import annotations

import http.server
import json
import socket
import time

import pytest
import urllib3

from chalicelib import container as container_module
from chalicelib.local.demo_data import ENTERPRISE_USCC
from tests.reliability import scenarios as sc
from tests.reliability.state import diff, scan, snapshot

CLIENT_TIMEOUT = 1.0


class Receiver(http.server.BaseHTTPRequestHandler):
    """Loopback stand-in for the publicity system; `script` holds the next answers: a status code,
    "timeout" (answers after the client gave up), "drop" (closes the connection unanswered) or
    {"reject": n} (accepts the batch but rejects its first n records)."""
    script: list = []
    accepted: list[dict] = []
    attempts = 0

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.attempts += 1
        action = Receiver.script.pop(0) if Receiver.script else 200
        if action == "drop":
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if action == "timeout":
            time.sleep(CLIENT_TIMEOUT + 0.5)
            action = 200                    # too late: the client has gone
        answer = {}
        if isinstance(action, dict):
            answer = {"rejected": [{"record_id": r["record_id"], "reason": "字段不符合接口规范"}
                                   for r in json.loads(body)["records"][:action["reject"]]]}
            action = 200
        if action == 200:
            Receiver.accepted.append({"key": self.headers["Idempotency-Key"], "batch": json.loads(body)})
        self.send_response(action)
        self.end_headers()
        self.wfile.write(json.dumps(answer).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(monkeypatch, stack):
    with sc.loopback(Receiver) as port:
        monkeypatch.setenv("PUBLICITY_ENDPOINT", f"http://127.0.0.1:{port}/batches")
        monkeypatch.setenv("PUBLICITY_SECRET_ID", "publicity-hmac")
        yield Receiver


def fresh(rebuild):
    c = rebuild()
    c.aws.client("secretsmanager").create_secret(Name="publicity-hmac", SecretString="s3cr3t")
    container_module.reset()
    c = container_module.get_container()
    # the adapter's 20 s timeout, shortened so that a test can wait for it
    c.publicity_sender.http.connection_pool_kw["timeout"] = urllib3.Timeout(total=CLIENT_TIMEOUT)
    Receiver.script, Receiver.accepted, Receiver.attempts = [], [], 0
    return c


def scenario(client, auth, scripts: list[list]) -> list[dict]:
    """Two rounds of changes, each forwarded; a round's forward is re-run while batches fail."""
    api = sc.Retrying(client)
    op = auth("op-d12", "operator", "d12")
    summaries = []
    api.call("POST", "/v1/records", auth("op-d21", "operator", "d21"),
             {"category": "registration", "records": [sc.sample_record("registration")]})
    api.call("POST", "/v1/records", op, {"category": sc.PENALTY, "records": sc.penalties(12)})
    for round_no, script in enumerate(scripts):
        if round_no == 1:
            api.call("POST", "/v1/records", op, {"category": sc.PENALTY, "records": sc.penalties(3, 0, CF_NR="改")})
            ids = [r["record_id"] for r in client.http.get("/v1/records?category=admin_penalty&limit=200",
                                                           headers=op).json_body["items"]
                   if r["source_ref"] in ("广环罚〔2026〕10号", "广环罚〔2026〕11号")]
            for rid in ids:
                api.call("POST", f"/v1/records/{rid}/withdraw", op, {"reason": "撤销"})
        Receiver.script = list(script)
        for _attempt in range(4):                           # the hourly retries
            summary = sc.run_job(api, auth, "forward", "2026-11-20")
            summaries.append(summary)
            if not summary["failed_batches"]:
                break
        assert not summary["failed_batches"], summaries
    return summaries


def accepted_changes(c) -> list[tuple]:
    """(identity, version, op) of every record the receiver accepted, and how often per idempotency key."""
    ident = {r["record_id"]: f"{r['department']}|{r['category']}|{r['source_ref']}"
             for r in scan(c.settings, "records") if r["sk"] != "ID"}
    seen: dict[str, tuple] = {}
    for a in Receiver.accepted:
        for r in a["batch"]["records"]:
            seen.setdefault(r["idempotency_key"], (ident[r["record_id"]], r["version"], r["op"]))
    return sorted(seen.values())


def test_forward_reaches_the_fault_free_state_through_timeouts_500_429_and_dropped_connections(
        client, auth, rebuild, receiver):
    c = fresh(rebuild)
    scenario(client, auth, [[], []])
    base, base_changes = snapshot(c), accepted_changes(c)
    assert len(base_changes) == 13 + 3 + 2

    c = fresh(rebuild)
    summaries = scenario(client, auth, [
        ["timeout", "timeout", "timeout", 500],        # 3 timeouts (urllib3 retries twice): run 1 fails, run 2 gets 500
        ["drop", "drop", "drop", 429]])                # 3 dropped connections, then 429; the 3rd run succeeds
    assert sum(s["failed_batches"] for s in summaries) == 4, summaries
    assert sum(s["published"] for s in summaries) == 13 + 3
    faulted = snapshot(c)
    problems = diff(base, faulted)
    assert not problems, "\n".join(problems[:40])
    assert accepted_changes(c) == base_changes                 # nothing lost, nothing extra
    by_key: dict[str, list] = {}
    for a in Receiver.accepted:                     # a batch the client gave up on was resent identically
        by_key.setdefault(a["key"], []).append(a["batch"])
    assert all(all(b == bodies[0] for b in bodies) for bodies in by_key.values())
    assert any(len(bodies) > 1 for bodies in by_key.values())      # the timed-out batch arrived twice
    assert not scan(c.settings, "jobs") or not [j for j in scan(c.settings, "jobs")
                                                  if j["pk"] == "FORWARD" and j["sk"].startswith("FAILED#")]
    page = client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}").json_body
    assert sum(len(g["records"]) for g in page["categories"]) == 12 + 1 - 2   # penalties + registration − withdrawn
