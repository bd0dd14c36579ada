"""Scenarios run twice — once fault-free, once with faults — and the steps that drive them the way the
platform's callers do: an HTTP client that resends after a 5xx, SQS that redelivers a message whose
invocation failed, EventBridge that runs a failed job again."""
from __future__ import annotations

import http.server
import json
import threading
from contextlib import contextmanager

import requests

import app as app_module
from chalicelib.local.demo_data import sample_record
from chalicelib.local.pump import drain

PENALTY = "admin_penalty"


@contextmanager
def loopback(handler):
    """A threaded HTTP server on a free loopback port answering with `handler`; yields the port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


def ddb(container):
    """The DynamoDB client every repository uses (the resource's client)."""
    return container.record_repo.client


def s3(container):
    return container.aws.client("s3")


class Retrying:
    """A well-behaved API client: on a 5xx it sends the same request again (at most `tries` times)."""

    def __init__(self, client, tries: int = 8):
        self.client = client
        self.tries = tries
        self.server_errors: list[tuple[str, int, dict]] = []

    def call(self, method: str, path: str, headers: dict, body=None):
        for _ in range(self.tries):
            resp = self.client.http.request(method, path, headers=headers,
                                            body=json.dumps(body, ensure_ascii=False) if body is not None else b"")
            if resp.status_code < 500:
                return resp
            self.server_errors.append((f"{method} {path}", resp.status_code, resp.json_body))
        raise AssertionError(f"{method} {path} still failing after {self.tries} tries: {resp.body[:300]}")


def penalties(n: int, start: int = 0, **over) -> list[dict]:
    return [sample_record(PENALTY, CF_WSH=f"广环罚〔2026〕{start + i}号", CF_NR_FK=str(1 + (start + i) % 9), **over)
            for i in range(n)]


def taken(resp) -> list[dict]:
    """The rows a batch holds stored, in row order: accepted, and `unchanged` (SPEC §5.1) — what a
    resend after a failed request answers for the rows the failed attempt had already stored."""
    body = resp.json_body
    return sorted(body["accepted"] + body.get("unchanged", []), key=lambda a: a["index"])


def json_batches(api: Retrying, auth) -> dict:
    """Registration, then penalties in batches (several transactions each), changes, resends, withdrawals."""
    d21, op = auth("op-d21", "operator", "d21"), auth("op-d12", "operator", "d12")
    out = {}
    resp = api.call("POST", "/v1/records", d21, {"category": "registration", "records": [sample_record("registration")]})
    out["registration"] = resp.status_code, len(taken(resp))
    first = penalties(40) + [sample_record(PENALTY, CF_WSH="坏-1号", CF_JDRQ="2026/02/30")]
    resp = api.call("POST", "/v1/records", op, {"category": PENALTY, "records": first})
    out["first"] = resp.status_code, len(taken(resp)), len(resp.json_body["rejected"])
    ids = [a["record_id"] for a in taken(resp)]
    second = [dict(r, CF_NR_FK="7.5") for r in penalties(15)] + penalties(10, 200) + penalties(10, 20)
    resp = api.call("POST", "/v1/records", op, {"category": PENALTY, "records": second})
    out["second"] = resp.status_code, len(taken(resp)), len(resp.json_body["rejected"])
    for rid in ids[30:33]:
        resp = api.call("POST", f"/v1/records/{rid}/withdraw", op, {"reason": "复议撤销"})
        assert resp.status_code == 200 or (resp.status_code == 409 and api.server_errors), resp.body
    return out


def run_job(api: Retrying, auth, job: str, as_of: str | None = None) -> dict:
    resp = api.call("POST", f"/v1/admin/jobs/{job}", auth("root", "admin"), {"as_of": as_of} if as_of else {})
    assert resp.status_code == 200, resp.body
    return resp.json_body


def post_file(client, headers, content: bytes, filename: str, category: str = PENALTY) -> str:
    """POST /v1/uploads and the browser's multipart POST to S3; the S3 event waits on the queue."""
    resp = client.http.post("/v1/uploads", headers=headers, body=json.dumps({"category": category,
                                                                           "filename": filename}))
    assert resp.status_code == 200, resp.body
    ticket = resp.json_body
    posted = requests.post(ticket["url"], data=ticket["fields"], files={"file": (filename, content)}, timeout=60)
    assert posted.status_code in (200, 204), posted.text
    return ticket["upload_id"]


def upload_queue(container) -> str:
    sqs = container.aws.client("sqs")
    return sqs.get_queue_url(QueueName=container.settings.queue("upload-events"))["QueueUrl"]


def redeliver_at_once(container) -> None:
    """A failed invocation's messages come back immediately (instead of after the 16-minute timeout)."""
    container.aws.client("sqs").set_queue_attributes(QueueUrl=upload_queue(container),
                                                     Attributes={"VisibilityTimeout": "0"})


def deliver(container, rounds: int = 50) -> int:
    """What the SQS event source mapping does: receive, invoke upload_worker, delete what succeeded."""
    return drain(container.aws.client("sqs"), upload_queue(container), app_module.upload_worker, max_rounds=rounds)


def dlq_depth(container) -> int:
    sqs = container.aws.client("sqs")
    url = sqs.get_queue_url(QueueName=container.settings.queue("upload-events-dlq"))["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                                                  "ApproximateNumberOfMessagesNotVisible"])
    return sum(int(v) for v in attrs["Attributes"].values())


def upload_rows(n: int, start: int = 0, fine: str | None = None) -> list[dict]:
    """`n` penalty rows numbered from `start`, one in ten with a bad date, one in ten out of scope,
    and one in fifty a duplicate of the file's first row."""
    rows = []
    for i in range(n):
        over = {"CF_WSH": f"广环罚〔2026〕{5000 + start + i}号"}
        if fine:
            over["CF_NR_FK"] = fine
        if i % 10 == 3:
            over["CF_JDRQ"] = "2026/02/30"
        if i % 10 == 7:
            over["CF_XDR_LB"] = "自然人"
        if i % 50 == 9:
            over["CF_WSH"] = f"广环罚〔2026〕{5000 + start}号"
        rows.append(sample_record(PENALTY, **over))
    return rows


def prepare_uploads(client, auth, container, files: dict[str, bytes], chunk_size: int = 100) -> dict[str, str]:
    """Register the enterprise, then POST each file; their S3 events wait on the queue (not delivered)."""
    d21, op = auth("op-d21", "operator", "d21"), auth("op-d12", "operator", "d12")
    resp = client.http.post("/v1/records", headers=d21, body=json.dumps(
        {"category": "registration", "records": [sample_record("registration")]}))
    assert resp.status_code == 200, resp.body
    container.upload_processor.chunk_size = chunk_size
    redeliver_at_once(container)
    return {name: post_file(client, op, content, name) for name, content in files.items()}


def receive_all(container) -> list[dict]:
    """Take every message off the upload queue (without deleting them: they come back at once)."""
    sqs = container.aws.client("sqs")
    url = upload_queue(container)
    seen: dict[str, dict] = {}
    for _ in range(10):
        resp = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])
        for m in resp.get("Messages", []):
            seen.setdefault(m["MessageId"], m)
        if not resp.get("Messages"):
            break
    return list(seen.values())


def invoke(container, messages: list[dict]) -> dict:
    """One upload_worker invocation with exactly these messages (as the event source mapping builds it)."""
    from chalicelib.local.pump import lambda_context, sqs_event

    sqs = container.aws.client("sqs")
    arn = sqs.get_queue_attributes(QueueUrl=upload_queue(container), AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    return app_module.upload_worker(sqs_event(messages, arn), lambda_context("upload_worker"))
