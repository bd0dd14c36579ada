"""An answer of 500 or more (an outage: 503 SERVICE_UNAVAILABLE) is logged at warning level or above
with its error code, so that operators see it; a refusal below 500 (the client's fault) is not."""
from __future__ import annotations

import json
import logging

from tests.reliability.conftest import PASSWORD

JSON = {"Content-Type": "application/json"}


def login(client, password: str = PASSWORD):
    return client.http.post("/v1/auth/token", headers=JSON,
                            body=json.dumps({"username": "op-d12", "password": password}))


def problems(caplog) -> list[tuple[str, str, dict]]:
    return [(r.levelname, r.getMessage(), {k: getattr(r, k, None) for k in ("code", "status")})
            for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_503_is_logged_with_its_code(client, stack, faults, caplog):
    stack.auth.ensure_user("op-d12", "operator", "d12", PASSWORD)
    faults.fail(stack.aws.client("cognito-idp"), "InitiateAuth", code="InternalErrorException")
    with caplog.at_level(logging.INFO, logger="qygs-platform"):
        resp = login(client)
    assert resp.status_code == 503, resp.body
    logged = problems(caplog)
    assert len(logged) == 1 and "SERVICE_UNAVAILABLE" in logged[0][1], logged
    assert logged[0][2] == {"code": "SERVICE_UNAVAILABLE", "status": 503}, logged


def test_a_refusal_below_500_is_not_logged_as_a_problem(client, stack, caplog):
    stack.auth.ensure_user("op-d12", "operator", "d12", PASSWORD)
    with caplog.at_level(logging.INFO, logger="qygs-platform"):
        assert login(client, "wrong-password").status_code == 401
        assert client.http.get("/v1/records").status_code == 401
    assert problems(caplog) == []
