"""Test fixtures: one embedded AWS emulator (moto server) per test session, reset per test.

Unit tests need none of this; any test that asks for `stack` gets every resource of
chalicelib/resources.py freshly created on the emulator and the app pointed at it.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import socket

import pytest
from hypothesis import settings

os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
    "STAGE": "test", "RESOURCE_PREFIX": "qygs-test", "BUCKET_PREFIX": "qygs-test",
    "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_NAMESPACE": "QYGS-test",
    "POWERTOOLS_SERVICE_NAME": "qygs-platform", "WEBHOOK_ALLOW_PRIVATE": "true",
})
os.environ.pop("AWS_PROFILE", None)
logging.getLogger("werkzeug").setLevel(logging.WARNING)

# Hypothesis: at most 100 examples where a test names no count (a test may name its own, bounded
# count), no per-example deadline (8 engineers share 2 cores: a slow example is not a failure), and in
# CI the same examples every run (derandomised, no example database), so a red CI is reproducible.
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("ci", settings.get_profile("dev"), derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


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
    _PROVISIONED.restore()
    settings, env = emulator_settings()
    _PROVISIONED.keep()
    os.environ.update(env)
    return container.install(container.Container(settings, aws=emulator_aws(settings))), env


def emulator_settings():
    """Every resource provisioned on the (reset) emulator: the Settings that find them, and the
    environment variables provisioning returned."""
    from chalicelib.config import settings_from_env
    from chalicelib.local.provision import provision

    base = settings_from_env()
    env = provision(emulator_aws(base))
    return settings_from_env({**os.environ, **env}), env


class _Provisioned:
    """The emulator's state right after the first provisioning, put back after each reset so that
    provisioning (idempotent) finds the resources there instead of creating them again — about
    0.5 s of CPU per test saved (tables, the user pool and its groups, buckets, schedules, keys).

    The moto server runs in this process, so its backends are at hand: the state of the services
    below is deep-copied once and copied back; the others (SQS: its queues hold locks, which do not
    copy) are created again by provisioning. What a test sees is what reset + provision gives."""

    SERVICES = ("dynamodb", "s3", "cognito-idp", "scheduler", "kms")

    def __init__(self):
        self.state: dict[tuple[str, str, str], dict] | None = None

    def keep(self) -> None:
        import copy

        from moto.backends import get_backend

        if self.state is None:
            self.state = {(service, account, region): copy.deepcopy(backend.__dict__)
                          for service in self.SERVICES
                          for account, regions in get_backend(service).items()
                          for region, backend in regions.items()}

    def restore(self) -> None:
        import copy

        from moto.backends import get_backend

        for (service, account, region), state in (self.state or {}).items():
            get_backend(service)[account][region].__dict__ = copy.deepcopy(state)


_PROVISIONED = _Provisioned()


def _botocore_session():
    """A botocore session sharing one loader of service models with every other test's: a new session
    parses the models (JSON) of each service again — about 0.3 s of CPU per Container of 7 clients."""
    import botocore.loaders
    import botocore.session

    global _LOADER
    if _LOADER is None:
        _LOADER = botocore.loaders.create_loader()
    session = botocore.session.Session()
    session.register_component("data_loader", _LOADER)
    return session


_LOADER = None


@functools.cache
def _test_aws_class():
    import boto3

    from chalicelib.aws import Aws

    class TestAws(Aws):
        """chalicelib.aws.Aws — its own clients, as each test's Container has — over the shared loader."""

        def __init__(self, settings):
            self.settings = settings
            self._session = boto3.session.Session(botocore_session=_botocore_session(),
                                                  region_name=settings.region)

    return TestAws


def emulator_aws(settings):
    """An Aws for the tests' Containers: chalicelib.aws.Aws with the shared loader of service models."""
    return _test_aws_class()(settings)


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



@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`make test` runs `-n 2 --dist loadfile` (pytest-xdist): each test file runs whole, in order, on
    one worker — as in a serial run, so a module-scoped fixture (a provisioned stack, a served gateway,
    a whole local stack) is built once. Refined here: the files of tests/browser run on one worker,
    together and first, as they share one session's local stack and Chromium and take longest.
    (Grouping by the xdist_group mark cannot be used: pytest 9.2's node ids no longer take the group
    suffix — pytest-xdist #1386.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    browser = "tests/browser/"

    class ByFileBrowserTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return browser if scope.startswith(browser) else scope

        def _assign_work_unit(self, node) -> None:
            # the browser files first: the longest unit (a local stack to start, then a page at a time);
            # the others come largest file first (xdist's order)
            if browser in self.workqueue:
                self.workqueue.move_to_end(browser, last=False)
            super()._assign_work_unit(node)

    return ByFileBrowserTogether(config, log)
