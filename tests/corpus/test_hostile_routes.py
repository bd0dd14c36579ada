"""Every operation of openapi.yaml, fed hostile values (tests/corpus/hostile.py) in each path parameter,
query parameter and body property, authenticated with a role the route allows: no 5xx, ever, and every
4xx in the platform's error body, no error logged, and no DynamoDB key that AWS would refuse though
moto takes it (SPEC §6.5, issue 19). One test per operation; each reports all of its requests that
failed, not only the first."""
from __future__ import annotations

import json
import logging
from collections import defaultdict

import pytest

from tests.corpus.hostile import requests_for_every_operation
from tests.corpus.runner import check_error_body, path_of

_IDS = {"RECORD_ID": "$RECORD_ID", "UPLOAD_ID": "$UPLOAD_ID", "CODE": "$CODE"}
BY_OPERATION: dict[str, list] = defaultdict(list)
for _r in requests_for_every_operation(_IDS):
    BY_OPERATION[_r.id.split(":", 1)[0]].append(_r)


def test_the_generator_covers_every_operation_with_many_requests():
    from tests.reliability.test_openapi_sync import documented

    assert len(BY_OPERATION) == len(documented())
    assert sum(len(v) for v in BY_OPERATION.values()) >= 1000


KEY_OPERATIONS = {"Query", "GetItem", "BatchGetItem", "DeleteItem", "UpdateItem"}
MAX_KEY_BYTES = 2048    # DynamoDB's limit for a partition key value (a sort key's is 1024)


def _strings(value):
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "S" and isinstance(v, str):
                yield v
            else:
                yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@pytest.fixture
def dynamodb_keys(corpus_stack):
    """What DynamoDB would refuse but moto lets through: a key value over 2048 bytes or an empty one in
    a key (a ValidationException, i.e. a 500, on AWS). Collected from every DynamoDB request's body."""
    seen: list[str] = []

    def check(params, model, **_):
        if model.name not in KEY_OPERATIONS:
            return
        body = json.loads(params.get("body") or b"{}")
        keys = [body.get("Key"), body.get("ExclusiveStartKey"),
                *[t.get("Keys") for t in (body.get("RequestItems") or {}).values()]]
        for s in _strings(keys):
            if not s or len(s.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
                seen.append(f"{model.name} key {s[:40]!r}… ({len(s)} chars)")
        for s in _strings(body.get("ExpressionAttributeValues") if model.name == "Query" else None):
            if len(s.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
                seen.append(f"Query value {s[:40]!r}… ({len(s)} chars)")

    aws = corpus_stack["container"].aws
    clients = {id(c): c for c in (aws.client("dynamodb"), aws.resource("dynamodb").meta.client)}.values()
    for c in clients:
        c.meta.events.register("before-call.dynamodb", check, unique_id="hostile-keys")
    yield seen
    for c in clients:
        c.meta.events.unregister("before-call.dynamodb", unique_id="hostile-keys")


@pytest.mark.parametrize("operation", sorted(BY_OPERATION))
def test_no_hostile_request_gets_a_5xx(corpus_stack, operation, caplog, dynamodb_keys):
    client, ids = corpus_stack["client"], corpus_stack["ids"]
    failures = []
    for req in BY_OPERATION[operation]:
        headers = dict(corpus_stack["headers"].get(req.account, {}))
        if req.body is not None:
            headers["Content-Type"] = "application/json"
        if req.headers:
            headers = {**({} if "Authorization" in req.headers else headers), **req.headers}
        path = path_of({"path": req.path}, ids)
        resp = client.http.request(req.method, path, headers=headers, body=req.body or b"")
        if resp.status_code >= 500:
            failures.append((req.id, resp.status_code, resp.body[:300]))
        elif resp.status_code >= 400:
            try:
                check_error_body(resp)
            except (AssertionError, json.JSONDecodeError) as exc:
                failures.append((req.id, resp.status_code, f"not the error body: {exc}"[:300]))
    swallowed = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not swallowed, f"errors logged (e.g. an audit entry lost): {sorted(set(swallowed))}"
    assert not dynamodb_keys, f"keys DynamoDB would refuse (a 500 on AWS): {sorted(set(dynamodb_keys))[:20]}"
    assert not failures, f"{len(failures)} of {len(BY_OPERATION[operation])} requests failed:\n" + "\n".join(
        map(repr, failures[:40]))
