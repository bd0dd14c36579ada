"""openapi.yaml: the whole API, kept in sync with the app's routes, and fuzzed with schemathesis against
the real local stack (`python -m chalicelib.local.run`: `chalice local` + the emulator + seed data).

The fuzzing asks, for every operation: no 5xx, and every response conforms to the document (status
code declared, content type declared, body matches the schema — the error schema included).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import app as app_module
from chalicelib.identity import policy
from tests.load.stack import LocalStack

OPENAPI = Path(__file__).resolve().parents[2] / "openapi.yaml"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
# Not fuzzed: a valid watchlist makes later forward runs POST to whatever callback URL was generated
# (traffic must stay on this machine); creating one is covered by the corpus and the watchlist tests.
NOT_FUZZED = {("POST", "/v1/watchlists")}
MAX_EXAMPLES = 25
NEGATIVE_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def documented() -> set[tuple[str, str]]:
    doc = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    return {(m.upper(), path) for path, item in doc["paths"].items() for m in item if m in METHODS}


def registered() -> set[tuple[str, str]]:
    return {(m, path) for path, entries in app_module.app.routes.items() for m in entries}


def test_every_route_is_documented_and_every_documented_operation_exists():
    assert registered() - documented() == set(), "routes missing from openapi.yaml"
    assert documented() - registered() == set(), "openapi.yaml documents routes the app does not have"
    assert set(policy.ROUTES) == registered()


def test_document_is_valid_openapi_with_the_error_schema_and_bearer_security():
    from openapi_spec_validator import validate

    doc = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    validate(doc)
    assert doc["components"]["securitySchemes"]["bearer"] == {**doc["components"]["securitySchemes"]["bearer"],
                                                               "type": "http", "scheme": "bearer"}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            rule = policy.rule(method.upper(), path)
            assert (op.get("security") == []) == rule.public, f"{method} {path}: security vs policy"
            refs = {str(r) for code, r in op["responses"].items() if code != "200"}
            assert refs and all("Error" in r for r in refs), f"{method} {path}: errors must use the Error schema"


@pytest.fixture(scope="module")
def live():
    with LocalStack() as stack:
        tokens = {"admin": stack.token("admin"), "op-d12": stack.token("op-d12")}
        yield {"base_url": stack.base_url, "tokens": tokens}


SCHEMA = schemathesis.openapi.from_path(OPENAPI)
OPERATIONS = {f"{op.method.upper()} {op.path}": op for op in (r.ok() for r in SCHEMA.get_all_operations())
              if (op.method.upper(), op.path) not in NOT_FUZZED}


def plausible_job_day(case) -> bool:
    """Jobs only for days within a year of today: a far-off `as_of` makes open_data walk every day in
    between (BUG, see tests/reliability/test_job_inputs.py) and would stall the fuzzing run."""
    body = case.body if isinstance(case.body, dict) else {}
    as_of = body.get("as_of") if case.operation.path == "/v1/admin/jobs/{job}" else None
    try:
        return as_of is None or abs((date.fromisoformat(str(as_of)) - date.today()).days) <= 366
    except ValueError:
        return True


def token_for(method: str, path: str, tokens: dict) -> str:
    """The admin's token where an admin may call the route, else an operator's (d12)."""
    rule = policy.rule(method, path)
    return tokens["admin"] if "admin" in rule.roles or rule.public else tokens["op-d12"]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_api_conforms_to_openapi_and_never_answers_5xx(live, label, mode):
    """Generated requests for one operation: valid per the document (positive) or violating it
    (negative: wrong types, missing required fields, values out of range)."""
    operation = OPERATIONS[label]
    token = token_for(operation.method.upper(), operation.path, live["tokens"])

    @given(case=operation.as_strategy(generation_mode=mode).filter(plausible_job_day))
    @settings(max_examples=MAX_EXAMPLES if mode == GenerationMode.POSITIVE else NEGATIVE_EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(base_url=live["base_url"], headers={"Authorization": f"Bearer {token}"},
                               timeout=30, checks=CHECKS)

    try:
        check()
    except Unsatisfiable:
        pytest.skip("nothing in this operation's input can be made invalid")
