"""The exchange with the national publicity system (国家企业信用信息公示系统), SPEC §6.4.

HttpPublicitySender: HTTPS POST of a JSON batch, signed with HMAC-SHA256 over
"<timestamp>.<body>", Idempotency-Key = batch id. S3OutboxSender: the same batch as a JSONL
file in the exchange bucket, for when no endpoint is configured.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field

import urllib3


@dataclass
class SendResult:
    ok: bool
    rejected: dict[str, str] = field(default_factory=dict)   # record_id → reason
    error: str | None = None


def batch_body(batch: dict) -> bytes:
    return json.dumps(batch, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class HttpPublicitySender:
    def __init__(self, endpoint: str, secret_provider, timeout: float = 20.0):
        self.endpoint = endpoint
        self.secret_provider = secret_provider   # callable → the shared secret (Secrets Manager)
        self.http = urllib3.PoolManager(timeout=urllib3.Timeout(total=timeout),
                                        retries=urllib3.Retry(total=2, backoff_factor=0.5,
                                                              status_forcelist=(502, 503, 504),
                                                              allowed_methods=None))

    def send(self, batch: dict) -> SendResult:
        body = batch_body(batch)
        ts = str(int(time.time()))
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": batch["batch_id"],
                   "X-Timestamp": ts, "X-Signature": signature(self.secret_provider(), ts, body)}
        try:
            resp = self.http.request("POST", self.endpoint, body=body, headers=headers)
        except urllib3.exceptions.HTTPError as exc:
            return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}")
        if not 200 <= resp.status < 300:
            return SendResult(ok=False, error=f"HTTP {resp.status}")
        rejected: dict[str, str] = {}
        try:
            payload = json.loads(resp.data or b"{}")
            for r in payload.get("rejected", []) if isinstance(payload, dict) else []:
                rejected[str(r.get("record_id"))] = str(r.get("reason", ""))
        except ValueError:
            pass
        return SendResult(ok=True, rejected=rejected)


def secret_reader(secretsmanager, secret_id: str):
    """callable → the shared secret, read from Secrets Manager at each call (a rotation takes effect)."""
    def secret() -> str:
        return secretsmanager.get_secret_value(SecretId=secret_id)["SecretString"]
    return secret


class S3OutboxSender:
    def __init__(self, s3, bucket: str):
        self.s3 = s3
        self.bucket = bucket

    def send(self, batch: dict) -> SendResult:
        lines = "\n".join(json.dumps({"batch_id": batch["batch_id"], **r}, ensure_ascii=False, sort_keys=True)
                          for r in batch["records"])
        key = f"exchange/outbox/{batch['day']}/{batch['batch_id']}.jsonl"
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=(lines + "\n").encode(),
                           ContentType="application/x-ndjson")
        return SendResult(ok=True)
