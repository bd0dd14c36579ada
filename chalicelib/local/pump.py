"""What AWS's SQS event-source mapping does, for `make run` and tests: receive, invoke, delete.

Messages reported in batchItemFailures stay on the queue (visible again after the timeout, and
moved to the DLQ by the redrive policy after maxReceiveCount) — the same contract as Lambda.
"""
from __future__ import annotations

import logging
import threading
from types import SimpleNamespace

log = logging.getLogger(__name__)


def lambda_context(name: str) -> SimpleNamespace:
    return SimpleNamespace(function_name=name, memory_limit_in_mb=1024, aws_request_id="local",
                           invoked_function_arn=f"arn:aws:lambda:local:0:function:{name}",
                           get_remaining_time_in_millis=lambda: 900_000)


def sqs_event(messages: list[dict], queue_arn: str) -> dict:
    return {"Records": [{
        "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
        "attributes": m.get("Attributes", {}), "messageAttributes": {},
        "md5OfBody": m.get("MD5OfBody", ""), "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn, "awsRegion": "local",
    } for m in messages]}


def pump_once(sqs, queue_url: str, handler, *, wait_seconds: int = 0, batch: int = 10) -> int:
    """Deliver one batch from the queue to `handler(event, context)`; returns messages seen."""
    resp = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=batch,
                               WaitTimeSeconds=wait_seconds, AttributeNames=["All"])
    messages = resp.get("Messages", [])
    if not messages:
        return 0
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    try:
        result = handler(sqs_event(messages, arn), lambda_context("upload_worker")) or {}
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
    except Exception:  # the whole invocation failed: every message comes back, as on Lambda
        log.exception("handler failed")
        failed = {m["MessageId"] for m in messages}
    done = [m for m in messages if m["MessageId"] not in failed]
    if done:
        sqs.delete_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
    return len(messages)


def drain(sqs, queue_url: str, handler, *, max_rounds: int = 50) -> int:
    """Pump until the queue answers empty (tests)."""
    total = 0
    for _ in range(max_rounds):
        n = pump_once(sqs, queue_url, handler)
        if n == 0:
            break
        total += n
    return total


class Pump(threading.Thread):
    """Background pump for `make run`."""

    def __init__(self, sqs, queue_url: str, handler):
        super().__init__(daemon=True, name="sqs-pump")
        self.sqs, self.queue_url, self.handler = sqs, queue_url, handler
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                pump_once(self.sqs, self.queue_url, self.handler, wait_seconds=1)
            except Exception:
                log.exception("pump round failed")
                self.stopping.wait(2)
