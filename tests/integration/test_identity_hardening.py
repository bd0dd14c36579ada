"""Issue 19: revocation that takes effect, login throttling that holds, case-insensitive usernames.

Through the real routes on the emulator; time is the verifier's injected clock (no sleeping), and
the tries at Cognito are counted with a botocore event hook on the real client.
"""
from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import jwt
import pytest
from chalice.local import LocalChalice

import app as app_module
from chalicelib.identity.tokens import CUTOFF_CACHE_SECONDS
from tests.conftest import PASSWORD

JSON = {"Content-Type": "application/json"}


def _post(client, path, body, headers=None):
    return client.http.post(path, headers={**JSON, **(headers or {})}, body=json.dumps(body))


@pytest.fixture
def clock(stack):
    """The verifier's clock, moved by hand."""
    now = [1000.0]
    stack.verifier.clock = lambda: now[0]
    return now


def _records(client, headers):
    return client.http.get("/v1/records?category=admin_penalty", headers=headers)


@pytest.mark.parametrize("change", ["disable", "role", "department"])
def test_old_token_is_refused_after_the_cache_window(stack, client, login, clock, change):
    admin = login("root", "admin")
    op = login("op-d12", "operator", "d12")
    assert _records(client, op).status_code == 200          # the cut-off (none) is now cached
    if change == "disable":
        resp = _post(client, "/v1/admin/users/OP-D12/disable", {}, admin)    # any case: the same account
    elif change == "role":
        resp = client.http.put("/v1/admin/users/op-d12", headers=admin, body=json.dumps({"role": "system"}))
    else:
        resp = client.http.put("/v1/admin/users/Op-D12", headers=admin, body=json.dumps({"department": "d01"}))
    assert resp.status_code == 200, resp.body
    clock[0] += CUTOFF_CACHE_SECONDS + 1                     # ≤ 60 s after the change
    resp = _records(client, op)
    assert resp.status_code == 401, resp.body
    assert resp.json_body["error"]["code"] == "UNAUTHENTICATED"
    if change != "disable":                                  # a new login carries the new role/department
        fresh = _post(client, "/v1/auth/token", {"username": "op-d12", "password": PASSWORD})
        claims = jwt.decode(fresh.json_body["access_token"], options={"verify_signature": False})
        assert (claims["cognito:groups"], claims["custom:department"]) == (
            (["system"], "d12") if change == "role" else (["operator"], "d01"))


def test_other_users_tokens_are_untouched(stack, client, login, clock):
    admin = login("root", "admin")
    other = login("op-d01", "operator", "d01")
    login("op-d12", "operator", "d12")
    assert _post(client, "/v1/admin/users/op-d12/disable", {}, admin).status_code == 200
    clock[0] += CUTOFF_CACHE_SECONDS + 1
    assert client.http.get("/v1/records", headers=other).status_code == 200
    assert client.http.get("/v1/admin/audit", headers=admin).status_code == 200


def test_user_changes_are_validated_and_audited(stack, client, login):
    admin = login("root", "admin")
    login("op-d12", "operator", "d12")
    bad = [({"role": "root"}, "role", "BAD_ENUM"), ({"department": "d99"}, "department", "NOT_FOUND"),
           ({"role": "supervisor", "department": ""}, "department", "NOT_FOUND"),
           ({"password": "x"}, "password", "NOT_EDITABLE"), ({}, "role", "REQUIRED")]
    for body, field, code in bad:
        resp = client.http.put("/v1/admin/users/op-d12", headers=admin, body=json.dumps(body))
        assert resp.status_code == 400, (body, resp.body)
        assert {(d["field"], d["code"]) for d in resp.json_body["error"]["details"]} >= {(field, code)}
    resp = client.http.put("/v1/admin/users/nobody", headers=admin, body=json.dumps({"role": "operator",
                                                                                     "department": "d12"}))
    assert resp.status_code == 404
    resp = client.http.put("/v1/admin/users/op-d12", headers=admin, body=json.dumps({"role": "supervisor"}))
    assert resp.json_body == {"username": "op-d12", "role": "supervisor", "department": None, "enabled": True}
    trail = client.http.get("/v1/admin/audit?target=op-d12", headers=admin).json_body["items"]
    assert ("users.update", "ok") in {(e["action"], e["outcome"]) for e in trail}


class ThreadLocalApp(LocalChalice):
    """The app with a per-thread current_request (as `chalice local` serves it), for parallel requests."""


@pytest.fixture
def parallel_app(stack):
    original = app_module.app.__class__
    app_module.app.__class__ = ThreadLocalApp
    yield app_module.app
    app_module.app.__class__ = original


@pytest.fixture
def cognito_tries(stack):
    """Every InitiateAuth the login service sends to Cognito, counted on the real client."""
    seen, lock = [], threading.Lock()

    def count(params, **kwargs):
        with lock:
            seen.append(params["AuthParameters"]["USERNAME"])

    stack.aws.client("cognito-idp").meta.events.register("before-parameter-build.cognito-idp.InitiateAuth", count)
    yield seen
    stack.aws.client("cognito-idp").meta.events.unregister("before-parameter-build.cognito-idp.InitiateAuth", count)


def test_20_parallel_wrong_logins_reach_cognito_at_most_5_times(stack, client, login, parallel_app, cognito_tries):
    login("op-d05", "operator", "d05")
    cognito_tries.clear()
    names = ["op-d05", "OP-D05", "Op-D05", "op-D05"]

    def attempt(i):
        return _post(client, "/v1/auth/token", {"username": names[i % 4], "password": f"wrong-{i}"}).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(attempt, range(20)))
    assert len(cognito_tries) <= 5, cognito_tries
    assert statuses.count(401) == len(cognito_tries)
    assert statuses.count(429) == 20 - len(cognito_tries)
    assert set(cognito_tries) == {"op-d05"}                  # case variants are the same account
    # the right password is refused too now: the window is full, Cognito is not asked
    resp = _post(client, "/v1/auth/token", {"username": "op-d05", "password": PASSWORD})
    assert resp.status_code == 429
    assert len(cognito_tries) <= 5


def test_case_variants_share_one_counter(stack, client, login, cognito_tries):
    login("op-d05", "operator", "d05")
    cognito_tries.clear()
    for name in ("OP-D05", "op-d05", "Op-d05", "oP-D05", "OP-d05"):
        assert _post(client, "/v1/auth/token", {"username": name, "password": "wrong"}).status_code == 401
    resp = _post(client, "/v1/auth/token", {"username": "op-D05", "password": PASSWORD})
    assert resp.status_code == 429
    assert len(cognito_tries) == 5


def test_login_in_any_case_is_the_same_account(stack, client, login):
    login("op-d05", "operator", "d05")
    resp = _post(client, "/v1/auth/token", {"username": "OP-D05", "password": PASSWORD})
    assert resp.status_code == 200, resp.body
    token = {"Authorization": f"Bearer {resp.json_body['access_token']}", **JSON}
    assert client.http.get("/v1/records", headers=token).status_code == 200


def test_an_outage_of_cognito_counts_no_attempt(stack, client, login, cognito_tries):
    from botocore.exceptions import EndpointConnectionError

    login("op-d05", "operator", "d05")

    def down(**kwargs):
        raise EndpointConnectionError(endpoint_url="https://cognito-idp.invalid")

    stack.aws.client("cognito-idp").meta.events.register("before-call.cognito-idp.InitiateAuth", down)
    try:
        for _ in range(7):
            assert _post(client, "/v1/auth/token", {"username": "op-d05", "password": "x"}).status_code == 503
    finally:
        stack.aws.client("cognito-idp").meta.events.unregister("before-call.cognito-idp.InitiateAuth", down)
    assert _post(client, "/v1/auth/token", {"username": "op-d05", "password": PASSWORD}).status_code == 200


def test_accounts_created_in_any_case_are_one_lower_case_account(stack, client, login):
    admin = login("root", "admin")
    resp = _post(client, "/v1/admin/users", {"username": "Wang.Li", "department": "d12", "role": "operator",
                                             "temporary_password": "Temp#2026abc"}, admin)
    assert resp.status_code == 200 and resp.json_body["username"] == "wang.li"
    again = _post(client, "/v1/admin/users", {"username": "WANG.LI", "department": "d12", "role": "operator",
                                              "temporary_password": "Temp#2026abc"}, admin)
    assert again.status_code == 400 and again.json_body["error"]["details"][0]["code"] == "EXISTS"
    resp = _post(client, "/v1/auth/token", {"username": "wAnG.lI", "password": "Temp#2026abc"})
    assert resp.json_body["error"]["details"] == [{"challenge": "NEW_PASSWORD_REQUIRED"}]
