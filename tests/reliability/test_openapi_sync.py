"""openapi.yaml documents the whole API: every route the app registers (and policy.ROUTES lists), no
route it does not have, request bodies, the error schema on every error response, bearer security on
exactly the non-public routes. (tests/reliability/test_contract_fuzz.py fuzzes the live stack with it.)
"""
from __future__ import annotations

from pathlib import Path

import yaml

import app as app_module
from chalicelib.identity import policy

OPENAPI = Path(__file__).resolve().parents[2] / "openapi.yaml"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
NO_BODY = {("POST", "/v1/admin/users/{username}/disable")}


def document() -> dict:
    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


def documented() -> set[tuple[str, str]]:
    return {(m.upper(), path) for path, item in document()["paths"].items() for m in item if m in METHODS}


def registered() -> set[tuple[str, str]]:
    return {(m, path) for path, entries in app_module.app.routes.items() for m in entries}


def test_every_route_is_documented_and_every_documented_operation_exists():
    assert registered() - documented() == set(), "routes missing from openapi.yaml"
    assert documented() - registered() == set(), "openapi.yaml documents routes the app does not have"
    assert set(policy.ROUTES) == registered()


def test_document_is_valid_openapi_with_bodies_the_error_schema_and_bearer_security():
    from openapi_spec_validator import validate

    doc = document()
    validate(doc)
    bearer = doc["components"]["securitySchemes"]["bearer"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    assert doc["security"] == [{"bearer": []}]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            rule = policy.rule(method.upper(), path)
            assert (op.get("security") == []) == rule.public, f"{method} {path}: security vs policy"
            errors = {code: r for code, r in op["responses"].items() if not code.startswith("2")}
            assert "default" in errors and all(r == {"$ref": "#/components/responses/Error"} for r in errors.values()), \
                f"{method} {path}: every error response is the Error schema"
            if method in ("post", "put") and (method.upper(), path) not in NO_BODY:
                assert "requestBody" in op, f"{method} {path}: request body"
