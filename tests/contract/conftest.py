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


@pytest.fixture(params=["fake", "emulator"])
def repos(request):
    """name → repository (Container dependency names: record_repo, public_repo, …)."""
    if request.param == "fake":
        return fake_repositories()
    return _Real(request.getfixturevalue("stack"))


def drain(page, limit: int) -> list[list]:
    """Every page of a paginated read `page(limit, after) → (items, last)`, in order."""
    pages, after = [], None
    while True:
        items, after = page(limit, after)
        pages.append(items)
        assert len(pages) < 100, "pagination does not end"
        if not after:
            return pages
