"""Fixtures of the reliability tests: a stack that can be rebuilt inside one test (a fault-free run
and a faulted run of the same scenario are compared), logins that survive a rebuild, fault hooks
that are always removed, and botocore's retry back-off set to zero (retries stay, waiting goes)."""
from __future__ import annotations

import json

import pytest

from tests.reliability.faults import Faults

PASSWORD = "Test#Pass2026"


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.0)


@pytest.fixture
def rebuild(stack, emulator):
    """rebuild() → a fresh, fully provisioned container (the `stack` fixture's steps, again)."""
    from tests.conftest import fresh_stack

    def _rebuild():
        return fresh_stack(emulator)[0]

    return _rebuild


@pytest.fixture
def auth(client):
    """auth(username, role, department) → headers; creates the account in the current stack if needed."""
    from chalicelib.container import get_container

    def _auth(username: str, role: str, department: str | None = None) -> dict:
        get_container().auth.ensure_user(username, role, department, PASSWORD)
        resp = client.http.post("/v1/auth/token", headers={"Content-Type": "application/json"},
                                body=json.dumps({"username": username, "password": PASSWORD}))
        assert resp.status_code == 200, resp.body
        return {"Authorization": f"Bearer {resp.json_body['access_token']}", "Content-Type": "application/json"}

    return _auth


@pytest.fixture
def faults():
    f = Faults(seed=20261127)
    yield f
    f.clear()
