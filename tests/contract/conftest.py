"""Contract tests: each repository's behaviour that services rely on, asserted twice — on its
in-memory fake (tests/fakes.py) and on the real dal class over the emulator's tables.

`-k fake` runs only the fakes (no emulator); `-k emulator` only the real repositories.
"""
from __future__ import annotations

import pytest

from tests.fakes import fake_repositories


class _Real:
    """The repositories of a Container over the emulator, by the Container's dependency names."""

    def __init__(self, container):
        self.container = container

    def __getitem__(self, name: str):
        return getattr(self.container, name)


@pytest.fixture(scope="module")
def provisioned(emulator):
    """The emulator reset and provisioned, once per module. Not provisioning over whatever the module
    before left: a queue a test changed (its attributes) makes CreateQueue refuse with
    QueueAlreadyExists — under xdist any module may come before this one."""
    from tests.conftest import fresh_stack

    container, _ = fresh_stack(emulator)
    return container


@pytest.fixture
def emulated(provisioned):
    """Real repositories over empty emulator tables: a fresh Container each test, its tables emptied
    before (cheaper than resetting and provisioning the whole emulator for every test)."""
    from chalicelib import resources
    from chalicelib.container import Container

    c = Container(provisioned.settings, aws=provisioned.aws)
    for t in resources.TABLES:
        table = c.aws.table(t.name)
        keys = [k for k in (t.hash_key, t.range_key) if k]
        kwargs = {"ProjectionExpression": ", ".join(f"#{i}" for i in range(len(keys))),
                  "ExpressionAttributeNames": {f"#{i}": k for i, k in enumerate(keys)}}
        with table.batch_writer() as batch:
            while True:
                resp = table.scan(**kwargs)
                for item in resp["Items"]:
                    batch.delete_item(Key=item)
                if "LastEvaluatedKey" not in resp:
                    break
                kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
    return c


@pytest.fixture(params=["fake", "emulator"])
def repos(request):
    """name → repository (Container dependency names: record_repo, public_repo, …)."""
    if request.param == "fake":
        return fake_repositories()
    return _Real(request.getfixturevalue("emulated"))


def drain(page, limit: int) -> list[list]:
    """Every page of a paginated read `page(limit, after) → (items, last)`, in order."""
    pages, after = [], None
    while True:
        items, after = page(limit, after)
        pages.append(items)
        assert len(pages) < 100, "pagination does not end"
        if not after:
            return pages


@pytest.fixture
def busy_threads():
    """Threads switch as often as the interpreter allows, so a read-then-write without its lock races."""
    import sys

    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)
