"""Identity: login, token verification, the route × role table, audit entries."""
from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import jwt
import moto.cognitoidp
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import app as app_module
from chalicelib.identity import policy

JSON = {"Content-Type": "application/json"}


def _post(client, path, body, headers=None):
    return client.http.post(path, headers={**JSON, **(headers or {})}, body=json.dumps(body))


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _moto_private_key() -> dict:
    path = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"
    return json.loads(gzip.decompress(path.read_bytes()))


def _forge(claims: dict, key=None, kid: str | None = None, alg="RS256") -> str:
    """A token with given claims, signed by moto's own key (valid signature) or another key."""
    jwk = _moto_private_key()
    if key is None:
        key = jwt.PyJWK(jwk).key
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid or jwk["kid"]})


def test_login_returns_an_id_token_with_role_and_department(stack, client, login):
    headers = login("op-d12", "operator", "d12")
    claims = _claims(headers["Authorization"].split()[1])
    assert claims["token_use"] == "id"
    assert claims["cognito:groups"] == ["operator"]
    assert claims["custom:department"] == "d12"


def test_wrong_password_is_401_in_chinese_and_throttled_after_five(stack, client, login):
    login("op-d01", "operator", "d01")
    for _ in range(5):
        resp = _post(client, "/v1/auth/token", {"username": "op-d01", "password": "wrong"})
        assert resp.status_code == 401
        assert resp.json_body["error"]["code"] == "UNAUTHENTICATED"
        assert "密码" in resp.json_body["error"]["message"]
    # the sixth attempt is refused before Cognito is asked, even with the right password
    resp = _post(client, "/v1/auth/token", {"username": "op-d01", "password": "Test#Pass2026"})
    assert resp.status_code == 429
    assert resp.json_body["error"]["code"] == "TOO_MANY_ATTEMPTS"


def test_login_with_missing_fields_is_400(client):
    resp = _post(client, "/v1/auth/token", {"username": "x"})
    assert resp.status_code == 400
    assert resp.json_body["error"]["details"] == [{"field": "password", "code": "REQUIRED"}]


@pytest.mark.parametrize("make_token", [
    pytest.param(lambda c: "not-a-jwt", id="garbage"),
    pytest.param(lambda c: _forge({**c, "exp": int(time.time()) - 3600}), id="expired"),
    pytest.param(lambda c: _forge(c, key=rsa.generate_private_key(public_exponent=65537, key_size=2048)),
                 id="other-key"),
    pytest.param(lambda c: jwt.encode(c, None, algorithm="none"), id="alg-none"),
    pytest.param(lambda c: _forge({**c, "aud": "another-client"}), id="wrong-audience"),
    pytest.param(lambda c: _forge({**c, "iss": "https://evil.example/pool"}), id="wrong-issuer"),
    pytest.param(lambda c: _forge({**c, "token_use": "access"}), id="access-token"),
    pytest.param(lambda c: _forge({**c, "cognito:groups": ["admin"]}, key=rsa.generate_private_key(
        public_exponent=65537, key_size=2048)), id="forged-admin"),
])
def test_flawed_tokens_are_401(stack, client, login, make_token):
    good = login("sup", "supervisor")["Authorization"].split()[1]
    claims = _claims(good)
    resp = client.http.get("/v1/admin/audit", headers={"Authorization": f"Bearer {make_token(claims)}"})
    assert resp.status_code == 401
    assert resp.json_body["error"]["code"] == "UNAUTHENTICATED"


def test_a_validly_signed_fresh_token_is_accepted(stack, client, login):
    # guards the forged-token tests: the same forging with moto's key and good claims passes
    claims = _claims(login("sup", "supervisor")["Authorization"].split()[1])
    resp = client.http.get("/v1/admin/audit", headers={"Authorization": f"Bearer {_forge(claims)}"})
    assert resp.status_code == 200


def _registered_routes():
    for path, entries in app_module.app.routes.items():
        for method in entries:
            yield method, path


def test_every_registered_route_has_an_access_rule():
    for method, path in _registered_routes():
        assert (method, path) in policy.ROUTES, (method, path)


ROLES = {"operator": "d12", "system": "d21", "supervisor": None, "admin": None}


def test_route_by_role_walk(stack, client, login):
    """Every registered route × every role: allowed → neither 401 nor 403; else 401/403."""
    headers = {role: login(f"u-{role}", role, dept) for role, dept in ROLES.items()}
    headers["public"] = dict(JSON)
    for method, path in _registered_routes():
        rule = policy.ROUTES[(method, path)]
        url = path.replace("{", "").replace("}", "")  # placeholder values: record_id → "record_id"
        for role, hdrs in headers.items():
            resp = client.http.request(method, url, headers=hdrs, body=b"{}")
            allowed = rule.public or role in rule.roles
            if allowed:
                assert resp.status_code not in (401, 403), (method, path, role, resp.body)
            elif role == "public":
                assert resp.status_code == 401, (method, path, role)
            else:
                assert resp.status_code == 403, (method, path, role)
            assert resp.status_code < 500, (method, path, role, resp.body)


def test_admin_creates_and_disables_an_account_and_it_is_audited(stack, client, login):
    admin = login("root", "admin")
    resp = _post(client, "/v1/admin/users", {"username": "zhang", "department": "d12", "role": "operator",
                                             "temporary_password": "Temp#2026abc"}, admin)
    assert resp.status_code == 200, resp.body
    # first login must set a new password
    resp = _post(client, "/v1/auth/token", {"username": "zhang", "password": "Temp#2026abc"})
    assert resp.status_code == 401
    assert resp.json_body["error"]["details"] == [{"challenge": "NEW_PASSWORD_REQUIRED"}]
    resp = _post(client, "/v1/auth/token", {"username": "zhang", "password": "Temp#2026abc",
                                            "new_password": "Zhang#2026new"})
    assert resp.status_code == 200
    assert _claims(resp.json_body["access_token"])["custom:department"] == "d12"
    assert _post(client, "/v1/admin/users/zhang/disable", {}, admin).status_code == 200
    resp = _post(client, "/v1/auth/token", {"username": "zhang", "password": "Zhang#2026new"})
    assert resp.status_code == 401
    trail = client.http.get("/v1/admin/audit?target=zhang", headers=admin).json_body["items"]
    actions = sorted((e["action"], e["outcome"]) for e in trail)
    assert actions == sorted([("users.create", "ok"), ("users.disable", "ok"), ("auth.login", "ok"),
                              ("auth.login", "new_password_required"), ("auth.login", "failed")])


def test_operator_cannot_create_accounts(stack, client, login):
    resp = _post(client, "/v1/admin/users", {"username": "x", "role": "admin", "temporary_password": "A#1aaaaa"},
                 login("op", "operator", "d12"))
    assert resp.status_code == 403


def test_audit_entries_cannot_be_changed_through_the_api(stack, client, login):
    admin = login("root", "admin")
    for method in ("PUT", "DELETE", "PATCH"):
        resp = client.http.request(method, "/v1/admin/audit", headers=admin, body=b"{}")
        assert resp.status_code == 405
        assert "error" in resp.json_body
