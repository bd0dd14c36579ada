"""Seeded fault injection on the container's boto3 clients (botocore event hooks; no code under test changes).

Kinds of fault:
- `throttle(...)`: a fraction of HTTP attempts answer 400 ProvisionedThroughputExceededException or 500
  InternalServerError *on the wire* (a `before-send` hook returns the response), so botocore's own
  retry policy (standard mode, 5 attempts) sees them exactly as it would see AWS's.
- `unreachable(...)`: every HTTP attempt fails to connect (retried by botocore, then raised).
- `fail(...)`: an operation raises a ClientError before it is sent (a `before-parameter-build` hook), i.e. the
  retries are exhausted or the process dies there — nothing of that call reaches the backend.
- `fail_after(...)`: the call reaches the backend and succeeds, then the caller sees an exception
  (a crash right after a write: the write happened, the caller never learnt it).
- `slow(...)`: every HTTP attempt waits before it is sent (network latency); the returned `InFlight`
  records how many attempts were waiting at once — overlap proves calls were concurrent.

Every injector is deterministic: one `random.Random(seed)` decides which attempts fail.
"""
from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

THROTTLED = ("ProvisionedThroughputExceededException", 400)
INTERNAL = ("InternalServerError", 500)


class _Raw:
    def __init__(self, body: bytes):
        self.body = body

    def stream(self, **_):
        yield self.body


def dynamodb_error_response(url: str, code: str, status: int) -> AWSResponse:
    body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "injected fault"})
    return AWSResponse(url, status, {"Content-Type": "application/x-amz-json-1.0",
                                     "x-amzn-RequestId": "injected"}, _Raw(body.encode()))


def s3_error_response(url: str, code: str, status: int) -> AWSResponse:
    body = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
            f"<Message>injected fault</Message><RequestId>injected</RequestId></Error>")
    return AWSResponse(url, status, {"Content-Type": "application/xml"}, _Raw(body.encode()))


class InFlight:
    """Attempts inside a `slow` hook: how many at once now, the most ever, and the total."""

    def __init__(self):
        self.lock = threading.Lock()
        self.now = self.most = self.total = 0

    def wait(self, seconds: float) -> None:
        with self.lock:
            self.now += 1
            self.total += 1
            self.most = max(self.most, self.now)
        try:
            time.sleep(seconds)
        finally:
            with self.lock:
                self.now -= 1


class Injected(RuntimeError):
    """A crash injected by a test (not a ClientError: the process just died there)."""


class Faults:
    """Registers hooks on clients and removes them all on `clear()`."""

    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.injected: Counter = Counter()
        self.calls: Counter = Counter()
        self._hooks: list[tuple[object, str, Callable, str]] = []

    # --- registration helpers ---------------------------------------------------------------
    def _register(self, client, event: str, handler: Callable) -> None:
        uid = f"fault-{id(handler)}"
        client.meta.events.register(event, handler, unique_id=uid)
        self._hooks.append((client, event, handler, uid))

    def clear(self) -> None:
        for client, event, _handler, uid in self._hooks:
            client.meta.events.unregister(event, unique_id=uid)
        self._hooks.clear()

    # --- wire-level faults, retried by botocore ----------------------------------------------
    def throttle(self, client, rate: float, *, operations: set[str] | None = None,
                 errors=(THROTTLED, INTERNAL)) -> None:
        """A `rate` fraction of HTTP attempts of `operations` (all if None) answer an error."""
        service = client.meta.service_model.service_id.hyphenize()
        make = s3_error_response if service == "s3" else dynamodb_error_response

        def before_send(request, **kwargs):
            op = kwargs.get("event_name", "").rsplit(".", 1)[-1]
            if operations is not None and op not in operations:
                return None
            with self.lock:
                self.calls[op] += 1
                if self.rng.random() >= rate:
                    return None
                code, status = self.rng.choice(errors)
                self.injected[(op, code)] += 1
            return make(request.url, code, status)

        self._register(client, f"before-send.{service}", before_send)

    def unreachable(self, client, *, operations: set[str] | None = None) -> None:
        """Every HTTP attempt of `operations` (all if None) fails to connect, as to a service that is
        down or cut off; botocore retries it like any connection error, then raises."""
        from botocore.exceptions import EndpointConnectionError

        service = client.meta.service_model.service_id.hyphenize()

        def before_send(request, **kwargs):
            op = kwargs.get("event_name", "").rsplit(".", 1)[-1]
            if operations is not None and op not in operations:
                return None
            with self.lock:
                self.injected[(op, "unreachable")] += 1
            raise EndpointConnectionError(endpoint_url=request.url)

        self._register(client, f"before-send.{service}", before_send)

    def slow(self, client, seconds: float, *, operations: set[str] | None = None) -> InFlight:
        """Every HTTP attempt of `operations` (all if None) waits `seconds` before it is sent."""
        service = client.meta.service_model.service_id.hyphenize()
        flight = InFlight()

        def before_send(request, **kwargs):
            op = kwargs.get("event_name", "").rsplit(".", 1)[-1]
            if operations is None or op in operations:
                flight.wait(seconds)

        self._register(client, f"before-send.{service}", before_send)
        return flight

    # --- call-level faults, not retried -----------------------------------------------------
    def fail(self, client, operation: str, *, times: int = 1, when: Callable[[dict], bool] | None = None,
             code: str = "ProvisionedThroughputExceededException", exc: Exception | None = None) -> None:
        """The next `times` calls of `operation` (matching `when(params)`) raise before being sent."""
        service = client.meta.service_model.service_id.hyphenize()
        left = {"n": times}

        def before_build(params, **kwargs):
            with self.lock:
                if left["n"] <= 0 or (when is not None and not when(params)):
                    return None
                left["n"] -= 1
                self.injected[(operation, "fail")] += 1
            if exc is not None:
                raise exc
            raise ClientError({"Error": {"Code": code, "Message": "injected: retries exhausted"},
                               "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)

        self._register(client, f"before-parameter-build.{service}.{operation}", before_build)

    def fail_after(self, client, operation: str, *, times: int = 1,
                   when: Callable[[dict], bool] | None = None) -> None:
        """The next `times` calls of `operation` succeed on the backend, then the caller crashes."""
        service = client.meta.service_model.service_id.hyphenize()
        left = {"n": times}
        pending: dict[int, bool] = {}

        def before_build(params, **kwargs):
            with self.lock:
                if left["n"] > 0 and (when is None or when(params)):
                    left["n"] -= 1
                    pending[threading.get_ident()] = True

        def after_call(**kwargs):
            if pending.pop(threading.get_ident(), False):
                self.injected[(operation, "crash-after")] += 1
                raise Injected(f"injected crash after {operation}")

        self._register(client, f"before-parameter-build.{service}.{operation}", before_build)
        self._register(client, f"after-call.{service}.{operation}", after_call)


def table_is(suffix: str) -> Callable[[dict], bool]:
    """`when=` predicate: the call targets the table whose name ends with -<suffix>."""
    def check(params: dict) -> bool:
        names = [params.get("TableName", "")]
        names += list((params.get("RequestItems") or {}).keys())
        names += [next(iter(i.values())).get("TableName", "") for i in params.get("TransactItems", [])]
        return any(n.endswith(f"-{suffix}") for n in names)
    return check


def settling_counts(params: dict) -> bool:
    """`when=` predicate for TransactWriteItems: the transaction that settles a request's pending
    counts into the report counters (every item on the counters table)."""
    items = params.get("TransactItems", [])
    return bool(items) and all(next(iter(i.values())).get("TableName", "").endswith("-counters") for i in items)


class _BrokenStream:
    """A response body that delivers `good` bytes, then fails like a dropped connection."""

    def __init__(self, body, good: int):
        self._body, self._left = body, good

    def read(self, amt=None):
        from botocore.exceptions import ReadTimeoutError

        if self._left <= 0:
            raise ReadTimeoutError(endpoint_url="injected: connection dropped mid-file")
        data = self._body.read(min(amt, self._left) if amt else self._left)
        self._left -= len(data)
        return data

    def __getattr__(self, name):
        return getattr(self._body, name)


def break_downloads(faults: Faults, client, *, times: int = 1, good_bytes: int = 2048) -> None:
    """The next `times` GetObject responses break after `good_bytes` bytes of the body."""
    left = {"n": times}

    def after_call(parsed, **kwargs):
        with faults.lock:
            if left["n"] <= 0 or "Body" not in parsed:
                return
            left["n"] -= 1
            faults.injected[("GetObject", "mid-file")] += 1
        parsed["Body"] = _BrokenStream(parsed["Body"], good_bytes)

    faults._register(client, "after-call.s3.GetObject", after_call)
