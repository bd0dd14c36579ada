"""Outages of the services around the data: Cognito (login), the pool's JWKS endpoint (token
verification), KMS (attestations), SQS (the forward job's dead-letter queue) — and clocks that disagree.

An outage is answered 503 SERVICE_UNAVAILABLE in the platform's error body (never a 500, never a 401 that
would make a client throw a good token away), writes nothing, and the same request works once the
service is back.
"""
from __future__ import annotations

import http.server
import json
import re
import time
import urllib.request
from datetime import timedelta

import jwt
import pytest

from chalicelib import container as container_module
from chalicelib.clock import today
from chalicelib.local.demo_data import ENTERPRISE_USCC, sample_record
from tests.integration.test_identity import _forge
from tests.reliability import scenarios as sc
from tests.reliability.conftest import PASSWORD
from tests.reliability.faults import INTERNAL
from tests.reliability.state import count_items, scan
from tests.reliability.test_publicity_faults import Receiver, fresh, receiver  # noqa: F401  (fixture)

JSON = {"Content-Type": "application/json"}
TABLES = ("records", "versions", "public", "uploads", "enterprises", "throttle", "counters")


def unavailable(resp) -> None:
    assert resp.status_code == 503, (resp.status_code, resp.body[:300])
    err = resp.json_body["error"]
    assert set(resp.json_body) == {"error"} and err["code"] == "SERVICE_UNAVAILABLE", resp.json_body
    assert re.search(r"[\u4e00-\u9fff]", err["message"]) and err["details"] == [], err


def login(client, username: str, password: str = PASSWORD):
    return client.http.post("/v1/auth/token", headers=JSON,
                            body=json.dumps({"username": username, "password": password}))


# --- Cognito ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("outage", ["internal-error", "unreachable"])
def test_login_during_a_cognito_outage_is_503_and_counts_no_failed_attempt(client, stack, faults, outage):
    stack.auth.ensure_user("op-d12", "operator", "d12", PASSWORD)
    idp = stack.aws.client("cognito-idp")
    before = count_items(stack.settings, TABLES)
    if outage == "unreachable":
        faults.unreachable(idp, operations={"InitiateAuth"})
    else:   # every attempt answers 500 (botocore retries, then gives up)
        faults.throttle(idp, 1.0, operations={"InitiateAuth"}, errors=(("InternalErrorException", 500),))
    for _ in range(6):                      # more than the 5 failed logins that lock an account
        unavailable(login(client, "op-d12"))
    assert sum(faults.injected.values()) >= 6 * 2, faults.injected        # retried, then given up
    assert count_items(stack.settings, TABLES) == before                  # no failure counted, nothing written
    faults.clear()
    resp = login(client, "op-d12")                                        # not 429: the outage locked nobody out
    assert resp.status_code == 200 and resp.json_body["access_token"], resp.body


def test_wrong_password_during_partial_cognito_trouble_is_still_401(client, stack, faults):
    """Only Cognito's own errors are an outage; a wrong password stays a 401 (and counts)."""
    stack.auth.ensure_user("op-d12", "operator", "d12", PASSWORD)
    faults.throttle(stack.aws.client("cognito-idp"), 0.5, operations={"InitiateAuth"}, errors=(INTERNAL,))
    resp = login(client, "op-d12", "wrong-password")
    assert resp.status_code == 401 and resp.json_body["error"]["code"] == "UNAUTHENTICATED", resp.body
    assert [i["key"] for i in scan(stack.settings, "throttle")] == ["login#op-d12"]


# --- JWKS -------------------------------------------------------------------------------------------
class Jwks(http.server.BaseHTTPRequestHandler):
    """The pool's JWKS behind a switch: "up" relays the emulator's, "error" answers 503, "drop" closes
    the connection unanswered."""
    upstream = ""
    mode = "up"
    fetches = 0

    def do_GET(self):  # noqa: N802
        Jwks.fetches += 1
        if Jwks.mode == "drop":
            self.close_connection = True
            return
        if Jwks.mode == "error":
            self.send_response(503)
            self.end_headers()
            return
        with urllib.request.urlopen(Jwks.upstream, timeout=10) as up:
            body = up.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def jwks(monkeypatch, stack):
    """The app's JWKS_URL pointed at the switch; a fresh container (no keys cached yet)."""
    Jwks.upstream, Jwks.mode, Jwks.fetches = stack.settings.jwks, "up", 0
    with sc.loopback(Jwks) as port:
        monkeypatch.setenv("JWKS_URL", f"http://127.0.0.1:{port}/jwks.json")
        container_module.reset()
        yield Jwks


@pytest.mark.parametrize("mode", ["error", "drop"])
def test_token_check_while_the_jwks_endpoint_is_down_is_503_and_writes_nothing(client, jwks, mode):
    c = container_module.get_container()
    c.auth.ensure_user("op-d12", "operator", "d12", PASSWORD)
    headers = {**JSON, "Authorization": f"Bearer {login(client, 'op-d12').json_body['access_token']}"}
    body = json.dumps({"category": sc.PENALTY, "records": [sample_record(sc.PENALTY)]})
    before = count_items(c.settings, TABLES)
    jwks.mode = mode
    unavailable(client.http.post("/v1/records", headers=headers, body=body))
    unavailable(client.http.get("/v1/records", headers=headers))
    assert jwks.fetches >= 2 and count_items(c.settings, TABLES) == before
    jwks.mode = "up"                                               # back: the same requests work
    resp = client.http.post("/v1/records", headers=headers, body=body)
    assert resp.status_code == 200 and len(resp.json_body["accepted"]) == 1, resp.body
    assert client.http.get("/v1/records", headers=headers).status_code == 200


def test_keys_fetched_before_the_jwks_outage_keep_verifying(client, jwks):
    c = container_module.get_container()
    c.auth.ensure_user("op-d12", "operator", "d12", PASSWORD)
    headers = {"Authorization": f"Bearer {login(client, 'op-d12').json_body['access_token']}"}
    assert client.http.get("/v1/records", headers=headers).status_code == 200
    jwks.mode = "drop"
    assert client.http.get("/v1/records", headers=headers).status_code == 200
    forged = _forge({**jwt.decode(headers["Authorization"][7:], options={"verify_signature": False})},
                    kid="not-a-key-of-the-pool")          # an unknown key id must not pass for lack of a check
    resp = client.http.get("/v1/records", headers={"Authorization": f"Bearer {forged}"})
    assert resp.status_code in (401, 503) and resp.json_body["error"]["code"] in ("UNAUTHENTICATED",
                                                                                   "SERVICE_UNAVAILABLE")


# --- KMS --------------------------------------------------------------------------------------------
def registered(client, auth, *, penalties: int = 0, forward: bool = False) -> sc.Retrying:
    """The sample enterprise registered (and published if `forward`), then `penalties` penalties of d12."""
    api = sc.Retrying(client)
    api.call("POST", "/v1/records", auth("op-d21", "operator", "d21"),
             {"category": "registration", "records": [sample_record("registration")]})
    if forward:
        sc.run_job(api, auth, "forward")
    if penalties:
        api.call("POST", "/v1/records", auth("op-d12", "operator", "d12"),
                 {"category": sc.PENALTY, "records": sc.penalties(penalties)})
    return api


@pytest.mark.parametrize("outage", ["sign-fails", "unreachable", "internal-errors"])
def test_attestation_while_kms_is_failing_is_503_and_the_retry_signs(client, auth, stack, faults, outage):
    registered(client, auth, forward=True)
    kms = stack.aws.client("kms")
    path = f"/v1/public/enterprises/{ENTERPRISE_USCC}/credit-check?attest=1"
    before = count_items(stack.settings, TABLES)
    if outage == "sign-fails":
        faults.fail(kms, "Sign", code="KMSInternalException")
    elif outage == "unreachable":
        faults.unreachable(kms)
    else:
        faults.throttle(kms, 1.0, errors=(("KMSInternalException", 500),))
    unavailable(client.http.get(path))                   # no credit check without its attestation
    if outage != "sign-fails":                           # (that fault fails one call)
        unavailable(client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}/report.pdf",   # nor a report
                                    headers={"Accept": "application/pdf"}))
        unavailable(client.http.get("/v1/public/attestation-key"))
        unavailable(client.http.post("/v1/public/attestations/verify", headers=JSON,
                                     body=json.dumps({"payload": "{}", "signature": "AAAA"})))
    assert sum(faults.injected.values()) >= 1 and count_items(stack.settings, TABLES) == before
    faults.clear()
    resp = client.http.get(path)
    assert resp.status_code == 200 and resp.json_body["attestation"]["signature"], resp.body
    verdict = client.http.post("/v1/public/attestations/verify", headers=JSON, body=json.dumps(resp.json_body))
    assert verdict.json_body["valid"] is True, verdict.body


# --- SQS: the forward job's dead-letter queue ---------------------------------------------------------
def _batches(c) -> dict[str, list[str]]:
    jobs = [j for j in scan(c.settings, "jobs") if j["pk"] == "FORWARD"]
    return {kind: sorted(j["sk"] for j in jobs if j["sk"].startswith(kind)) for kind in ("FAILED#", "DEAD#")}


def _dlq(c) -> list[dict]:
    sqs = c.aws.client("sqs")
    url = sqs.get_queue_url(QueueName=c.settings.queue("forward-dlq"))["QueueUrl"]
    return [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                                 WaitTimeSeconds=0).get("Messages", [])]


def test_dead_letter_send_failing_loses_no_batch(client, auth, rebuild, receiver, faults):  # noqa: F811
    """The publicity system fails a batch 3 times: the 3rd run dead-letters it — and SendMessage fails.
    The run reports the failure; the batch stays due; the next run dead-letters it and parks it."""
    c = fresh(rebuild)
    api = registered(client, auth, penalties=4)
    Receiver.script = [500] * 10
    admin = auth("root", "admin")
    for _ in range(2):
        assert client.http.post("/v1/admin/jobs/forward", headers=admin, body=b"{}").json_body["failed_batches"] == 1
    faults.fail(c.aws.client("sqs"), "SendMessage", code="AWS.SimpleQueueService.InternalError")
    third = client.http.post("/v1/admin/jobs/forward", headers=admin, body=b"{}")
    assert faults.injected == {("SendMessage", "fail"): 1}, faults.injected
    assert third.status_code >= 500 or third.json_body.get("dead_batches") == 0, third.body   # a failure
    assert _batches(c)["DEAD#"] == [] and len(_batches(c)["FAILED#"]) == 1 and _dlq(c) == []
    due = [r for r in scan(c.settings, "records") if r.get("forward_due") == "due"]
    assert len(due) == 5 and not any(r.get("forward_failed_version") for r in due)   # still due, none parked
    fourth = sc.run_job(api, auth, "forward")                      # SQS is back: dead-lettered and parked
    assert (fourth["dead_batches"], fourth["due"]) == (1, 5), fourth
    (message,) = _dlq(c)
    assert message["records"] == 5 and message["batch_id"] == _batches(c)["DEAD#"][0][5:]
    assert _batches(c)["FAILED#"] == [] and not [r for r in scan(c.settings, "records")
                                                 if r.get("forward_due") == "due"]


def test_rejected_records_are_not_lost_when_their_dead_letter_fails(client, auth, rebuild, receiver, faults):  # noqa: F811
    """The receiver accepts a batch but rejects two records; their dead letter (SendMessage) fails.
    The rejected records must reach the dead-letter queue on the re-run, not be parked unreported."""
    c = fresh(rebuild)
    api = registered(client, auth, penalties=4)
    Receiver.script = [{"reject": 2}, {"reject": 2}]
    faults.fail(c.aws.client("sqs"), "SendMessage", code="AWS.SimpleQueueService.InternalError")
    first = client.http.post("/v1/admin/jobs/forward", headers=auth("root", "admin"), body=b"{}")
    assert faults.injected == {("SendMessage", "fail"): 1} and first.status_code >= 500, first.body
    sc.run_job(api, auth, "forward")
    (message,) = _dlq(c)
    assert "rejected" in message["error"] and message["records"] >= 2, message
    parked = [r for r in scan(c.settings, "records") if r.get("forward_failed_version")]
    assert len(parked) == 2 and not [r for r in scan(c.settings, "records") if r.get("forward_due") == "due"]


# --- clocks -----------------------------------------------------------------------------------------
def _token_with(client, stack, **times) -> str:
    stack.auth.ensure_user("op-d12", "operator", "d12", PASSWORD)
    claims = jwt.decode(login(client, "op-d12").json_body["access_token"], options={"verify_signature": False})
    now = int(time.time())
    return _forge({**claims, **{k: now + v for k, v in times.items()}})


# An expired token is checked a moment after it is made (a login, then the request): 1 s past its
# `exp` leaves the 5 s leeway 3 s or more for that, even on a loaded machine (3 s past did not).
@pytest.mark.parametrize("times", [{"iat": 3}, {"iat": 3, "nbf": 3}, {"exp": -1}],
                         ids=["iat-3s-ahead", "nbf-3s-ahead", "expired-1s-ago"])
def test_a_token_from_a_slightly_skewed_clock_is_accepted(client, stack, times):
    token = _token_with(client, stack, **times)
    resp = client.http.get("/v1/records", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200, resp.body


@pytest.mark.parametrize("times", [{"iat": 600}, {"nbf": 600}, {"exp": -600}],
                         ids=["iat-10min-ahead", "nbf-10min-ahead", "expired-10min-ago"])
def test_a_token_from_a_far_skewed_clock_is_401(client, stack, times):
    token = _token_with(client, stack, **times)
    resp = client.http.get("/v1/records", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 401 and resp.json_body["error"]["code"] == "UNAUTHENTICATED", resp.body


def test_jobs_run_by_a_scheduler_whose_clock_is_a_day_off_publish_each_record_once(
        client, auth, stack, local_stage):
    """Around midnight a scheduler a few seconds ahead or behind names tomorrow or yesterday as `as_of`:
    on the `local` stage (`make run`'s scheduler; every other stage refuses a day after today) both are
    accepted, and a forward for tomorrow followed by one for today publishes, logs and counts each record
    once."""
    api = registered(client, auth, forward=True, penalties=5)
    ahead, behind = (today() + timedelta(days=1)).isoformat(), (today() - timedelta(days=1)).isoformat()
    first = sc.run_job(api, auth, "forward", ahead)
    again = sc.run_job(api, auth, "forward", today().isoformat())
    assert (first["published"], again["published"], again["due"]) == (5, 0, 0), (first, again)
    for day in (ahead, behind, today().isoformat()):
        assert sc.run_job(api, auth, "deadlines", day)["as_of"] == day
    logged = [j for j in scan(stack.settings, "jobs") if j["pk"].startswith("CHANGES#") and j["op"] == "publish"]
    assert len(logged) == 5 + 1 and len({j["record_id"] for j in logged}) == 6
    counted = sum(int(c.get("published_on_time", 0)) + int(c.get("published_late", 0))
                  for c in scan(stack.settings, "counters") if c["pk"].startswith("D#"))
    assert counted == 6
    # open data: each day's snapshot holds what was published as of that day
    assert [sc.run_job(api, auth, "open_data", day)["records"] for day in (ahead, today().isoformat(), ahead)
            ] == [6, 1, 6]
