"""Service unit tests: the real services, wired by the real composition root, over the in-memory
fakes of tests/fakes.py — no emulator, no HTTP. The emulator tests keep covering the wiring to AWS."""
from __future__ import annotations

import pytest

from chalicelib.aws import Aws
from chalicelib.config import Settings
from chalicelib.container import Container
from chalicelib.local.demo_data import sample_record
from chalicelib.models.principal import Principal
from tests.fakes import FakeDeadLetters, FakePublicitySender, fake_repositories

ADMIN = Principal(username="root", role="admin")


def operator(department: str) -> Principal:
    return Principal(username=f"op-{department}", role="operator", department=department)


SETTINGS = Settings(stage="local")


@pytest.fixture(scope="session")
def aws() -> Aws:
    """One Aws for every test's Container: services not yet behind a port (the open-data files, the
    webhook dead letters) are built with boto3 clients that these tests never call; built once, as
    a boto3 session parses its service models again for every new session."""
    return Aws(SETTINGS)


@pytest.fixture
def c(aws) -> Container:
    """A Container whose every repository is a fake and whose publicity system is a fake sender; on the
    `local` stage, so jobs may run for a later day (time travel, as the emulator tests' `local_stage`)."""
    return Container(SETTINGS, aws=aws, publicity_sender=FakePublicitySender(),
                     forward_dead_letters=FakeDeadLetters(), **fake_repositories())


def submit(c: Container, department: str, category: str, rows: list, **options):
    return c.submissions.submit(operator(department), department, category, rows, **options)


def accepted(c: Container, department: str, category: str, rows: list, **options) -> list[dict]:
    out = submit(c, department, category, rows, **options)
    assert not out.rejected, out.rejected
    return out.accepted


def run_job(c: Container, job: str, as_of: str | None = None) -> dict:
    return c.jobs.run(job, as_of)


def register(c: Container, **overrides) -> dict:
    """The registry authority (d21) registers the sample enterprise (or another one)."""
    out = submit(c, "d21", "registration", [sample_record("registration", **overrides)])
    assert not out.rejected, out.rejected
    return (out.accepted or out.unchanged)[0]          # a resend is `unchanged` (SPEC §5.1)
