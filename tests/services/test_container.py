"""The composition root takes overrides: a dependency given at construction is used as is, and every
service built on it gets it; a name the Container does not have is refused."""
from __future__ import annotations

import pytest

from chalicelib.container import Container
from tests.fakes import FakeChangeLog, FakeRecordRepository
from tests.services.conftest import SETTINGS


def test_an_override_is_used_by_every_service_that_needs_it(aws):
    records, log = FakeRecordRepository(), FakeChangeLog()
    c = Container(SETTINGS, aws=aws, record_repo=records, change_log=log)
    assert c.record_repo is records and c.change_log is log
    assert c.records.records is records and c.submissions.records is records
    assert c.registry.records is records and c.forward.records is records
    assert c.feed.changes is log


def test_an_unknown_dependency_is_refused():
    with pytest.raises(TypeError, match="record_repository"):
        Container(SETTINGS, record_repository=FakeRecordRepository())
    with pytest.raises(TypeError, match="presign"):
        Container(SETTINGS, presign=lambda key: key)          # a method, not a dependency
