"""Contract fuzzing: schemathesis (pinned in requirements-test.txt) generates requests from openapi.yaml
and sends them to the real local stack (`python -m chalicelib.local.run`: `chalice local` + the
emulator + the seed data). For every operation: no 5xx, and every response conforms to the document
(status code declared, content type declared, body matches the schema — the error schema included).
"""
from __future__ import annotations

from datetime import date

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="pip install -r requirements-test.txt")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation.modes import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chalicelib.identity import policy  # noqa: E402
from tests.load.stack import LocalStack  # noqa: E402
from tests.reliability.test_openapi_sync import OPENAPI  # noqa: E402

# Not fuzzed: a valid watchlist makes later forward runs POST to whatever callback URL was generated
# (traffic must stay on this machine); creating one is covered by the corpus and the watchlist tests.
NOT_FUZZED = {("POST", "/v1/watchlists")}
MAX_EXAMPLES = 25
NEGATIVE_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def live():
    with LocalStack() as stack:
        tokens = {"admin": stack.token("admin"), "op-d12": stack.token("op-d12")}
        yield {"base_url": stack.base_url, "tokens": tokens}


SCHEMA = schemathesis.openapi.from_path(OPENAPI)
OPERATIONS = {f"{op.method.upper()} {op.path}": op for op in (r.ok() for r in SCHEMA.get_all_operations())
              if (op.method.upper(), op.path) not in NOT_FUZZED}


def plausible_job_day(case) -> bool:
    """Jobs only for days within a year of today, to keep the run short: open_data walks every day between
    its last snapshot and `as_of` (up to 400 days back; beyond, or after today, 400 — see tests/reliability/test_job_inputs.py)."""
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


# Known bugs the fuzzing can hit, but not on every run ((label, mode) → reason; non-strict xfail): the
# corpus pins each with a strict xfail case. Found so far, now fixed: {"attestation": null} → 500.
KNOWN: dict[tuple[str, GenerationMode], str] = {}


def _cases():
    for label in sorted(OPERATIONS):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            marks = [pytest.mark.xfail(strict=False, reason=KNOWN[(label, mode)])] if (label, mode) in KNOWN else []
            yield pytest.param(label, mode, id=f"{label}-{mode.value}", marks=marks)


@pytest.mark.parametrize(("label", "mode"), list(_cases()))
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
