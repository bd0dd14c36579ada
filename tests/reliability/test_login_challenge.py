"""The first login of an account with a temporary password (Cognito's NEW_PASSWORD_REQUIRED challenge):
whatever Cognito answers the challenge step is a 4xx in the platform's error body — a new password the
pool's policy refuses, a bad parameter, a session Cognito no longer accepts — or a 503 when Cognito
itself fails; never a 500. A refused new password counts no failed login (the password was right),
changes nothing, and the same request with an acceptable new password then logs in.
"""
from __future__ import annotations

import json
import re

import pytest

from tests.reliability.state import scan

JSON = {"Content-Type": "application/json"}
TEMPORARY, NEW = "Temp#2026abc", "Zhang#2026new"


@pytest.fixture
def newcomer(stack):
    stack.auth.create_user({"username": "zhang", "role": "operator", "department": "d12",
                            "temporary_password": TEMPORARY})
    return stack


def first_login(client, new_password, password: str = TEMPORARY):
    return client.http.post("/v1/auth/token", headers=JSON, body=json.dumps(
        {"username": "zhang", "password": password, "new_password": new_password}))


def refused(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, (resp.status_code, resp.body[:300])
    err = resp.json_body["error"]
    assert set(resp.json_body) == {"error"} and err["code"] == code, resp.json_body
    assert re.search(r"[\u4e00-\u9fff]", err["message"]) and isinstance(err["details"], list), err
    return err


def logs_in(resp) -> None:
    assert resp.status_code == 200 and resp.json_body["access_token"], resp.body[:300]


@pytest.mark.parametrize("weak", ["Ab#1x", "zhang#2026new", "Zhang2026new", "ZHANG#NEWPASS"])
def test_a_new_password_the_policy_refuses_is_400_weak_password_and_counts_no_failure(client, newcomer, weak):
    err = refused(first_login(client, weak), 400, "BAD_REQUEST")
    assert err["details"] == [{"field": "new_password", "code": "WEAK_PASSWORD"}], err
    assert scan(newcomer.settings, "throttle") == []                 # the password was right: no failure
    logs_in(first_login(client, NEW))                                # the temporary password still works
    logs_in(client.http.post("/v1/auth/token", headers=JSON,
                             body=json.dumps({"username": "zhang", "password": NEW})))


def test_a_refused_new_password_is_audited(client, newcomer):
    refused(first_login(client, "weak"), 400, "BAD_REQUEST")
    outcomes = [e["outcome"] for e in scan(newcomer.settings, "audit") if e.get("action") == "auth.login"]
    assert "new_password_rejected" in outcomes, outcomes


CHALLENGE_REFUSALS = [
    ("InvalidPasswordException", 400, "BAD_REQUEST", [{"field": "new_password", "code": "WEAK_PASSWORD"}]),
    ("InvalidParameterException", 400, "BAD_REQUEST", [{"field": "new_password", "code": "BAD_VALUE"}]),
    ("NotAuthorizedException", 400, "BAD_REQUEST", [{"challenge": "NEW_PASSWORD_REQUIRED", "code": "BAD_CHALLENGE"}]),
    ("CodeMismatchException", 400, "BAD_REQUEST", [{"challenge": "NEW_PASSWORD_REQUIRED", "code": "BAD_CHALLENGE"}]),
    ("ExpiredCodeException", 400, "BAD_REQUEST", [{"challenge": "NEW_PASSWORD_REQUIRED", "code": "BAD_CHALLENGE"}]),
    ("ResourceNotFoundException", 400, "BAD_REQUEST",
     [{"challenge": "NEW_PASSWORD_REQUIRED", "code": "BAD_CHALLENGE"}]),
    ("UserNotFoundException", 400, "BAD_REQUEST", [{"challenge": "NEW_PASSWORD_REQUIRED", "code": "BAD_CHALLENGE"}]),
    ("InternalErrorException", 503, "SERVICE_UNAVAILABLE", []),
    ("TooManyRequestsException", 503, "SERVICE_UNAVAILABLE", []),
]


@pytest.mark.parametrize(("cognito", "status", "code", "details"), CHALLENGE_REFUSALS,
                         ids=[c[0] for c in CHALLENGE_REFUSALS])
def test_each_cognito_error_of_the_challenge_step_is_mapped(client, newcomer, faults, cognito, status, code,
                                                            details):
    faults.fail(newcomer.aws.client("cognito-idp"), "RespondToAuthChallenge", code=cognito)
    err = refused(first_login(client, NEW), status, code)
    assert err["details"] == details, err
    assert faults.injected[("RespondToAuthChallenge", "fail")] == 1
    assert scan(newcomer.settings, "throttle") == []
    logs_in(first_login(client, NEW))                                # the same request, once more: works


@pytest.mark.parametrize("outage", ["internal-error", "unreachable"])
def test_cognito_failing_on_the_challenge_step_is_503(client, newcomer, faults, outage):
    idp = newcomer.aws.client("cognito-idp")
    if outage == "unreachable":
        faults.unreachable(idp, operations={"RespondToAuthChallenge"})
    else:
        faults.throttle(idp, 1.0, operations={"RespondToAuthChallenge"}, errors=(("InternalErrorException", 500),))
    err = refused(first_login(client, NEW), 503, "SERVICE_UNAVAILABLE")
    assert err["details"] == [] and sum(faults.injected.values()) >= 2, faults.injected   # retried, given up
    faults.clear()
    logs_in(first_login(client, NEW))

