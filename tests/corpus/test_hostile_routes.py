"""Every operation of openapi.yaml, fed hostile values (tests/corpus/hostile.py) in each path parameter,
query parameter and body property, authenticated with a role the route allows: no 5xx, ever, and every
4xx in the platform's error body (SPEC §6.5, issue 19). One test per operation; each reports all of
its requests that failed, not only the first."""
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


@pytest.mark.parametrize("operation", sorted(BY_OPERATION))
def test_no_hostile_request_gets_a_5xx(corpus_stack, operation, caplog):
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
    assert not failures, f"{len(failures)} of {len(BY_OPERATION[operation])} requests failed:\n" + "\n".join(
        map(repr, failures[:40]))
