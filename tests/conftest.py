"""Test fixtures: one embedded AWS emulator (moto server) per test session, reset per test.

Unit tests need none of this; any test that asks for `stack` gets every resource of
chalicelib/resources.py freshly created on the emulator and the app pointed at it.
"""
from __future__ import annotations

import json
import logging
import os
import socket

import pytest

os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
    "STAGE": "test", "RESOURCE_PREFIX": "qygs-test", "BUCKET_PREFIX": "qygs-test",
    "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_NAMESPACE": "QYGS-test",
    "POWERTOOLS_SERVICE_NAME": "qygs-platform", "WEBHOOK_ALLOW_PRIVATE": "true",
})
os.environ.pop("AWS_PROFILE", None)
logging.getLogger("werkzeug").setLevel(logging.WARNING)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def emulator():
    from chalicelib.local import emulator as moto_emulator

    port = _free_port()
    server = moto_emulator.start(port)
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
    yield os.environ["AWS_ENDPOINT_URL"]
    server.stop()
    os.environ.pop("AWS_ENDPOINT_URL", None)


@pytest.fixture
def stack(emulator):
    """A fresh, fully provisioned backend; returns the app's container, built from the emulator's
    Settings and installed as the process's one (what the routes and event functions use)."""
    from chalicelib import container

    c, env = fresh_stack(emulator)
    yield c
    for key in env:
        os.environ.pop(key, None)
    container.reset()


def fresh_stack(emulator: str):
    """Reset the emulator, provision every resource and install a Container built from the Settings
    that find them as the process's one; (the Container, the environment provisioning returned).
    The environment is updated too, for the tests that rebuild a Container from it."""
    import requests

    from chalicelib import container

    requests.post(f"{emulator}/moto-api/reset", timeout=10)
    settings, env = emulator_settings()
    os.environ.update(env)
    return container.install(container.Container(settings)), env


def emulator_settings():
    """Every resource provisioned on the (reset) emulator: the Settings that find them, and the
    environment variables provisioning returned."""
    from chalicelib.aws import Aws
    from chalicelib.config import settings_from_env
    from chalicelib.local.provision import provision

    base = settings_from_env()
    env = provision(Aws(base))
    return settings_from_env({**os.environ, **env}), env


@pytest.fixture
def client(stack):
    import app as app_module
    from chalicelib.local.gateway import Client

    with Client(app_module.app, stage_name="test") as c:
        yield c


PASSWORD = "Test#Pass2026"


@pytest.fixture
def login(stack, client):
    """login(username, role, department) → Authorization header of a freshly made account."""
    made: set[str] = set()

    def _login(username: str, role: str, department: str | None = None) -> dict:
        if username not in made:
            stack.auth.ensure_user(username, role, department, PASSWORD)
            made.add(username)
        resp = client.http.post("/v1/auth/token", headers={"Content-Type": "application/json"},
                                body=json.dumps({"username": username, "password": PASSWORD}))
        assert resp.status_code == 200, resp.body
        return {"Authorization": f"Bearer {resp.json_body['access_token']}",
                "Content-Type": "application/json"}

    return _login


@pytest.fixture
def local_stage(stack, monkeypatch):
    """The `local` stage (SPEC §6.3): jobs take any as_of of 2004–2099 — deliberate time travel; every
    other stage (tests run as `test`) refuses an as_of after today."""
    monkeypatch.setattr(stack.settings, "stage", "local")
    return stack
