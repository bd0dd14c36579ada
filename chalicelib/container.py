"""Composition root: builds the real adapters once per process and hands them to services.

app.py asks this module for services; tests call `reset()` after changing the environment.
"""
from __future__ import annotations

from functools import cached_property

from chalicelib.aws import Aws
from chalicelib.config import Settings, get_settings


class Container:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.aws = Aws(settings)

    @cached_property
    def health(self):
        from chalicelib.services.health import HealthService
        return HealthService(self.aws)

    @cached_property
    def uploads(self):
        from chalicelib.dal.uploads import UploadRepository
        return UploadRepository(self.aws.table("uploads"))

    @cached_property
    def upload_processor(self):
        from chalicelib.services.uploads import UploadProcessor
        return UploadProcessor(self.uploads, self.aws.client("s3"), self.settings.bucket("uploads"))

    @cached_property
    def upload_events(self):
        from chalicelib.services.upload_events import UploadEventHandler
        return UploadEventHandler(self.upload_processor)

    @cached_property
    def verifier(self):
        from chalicelib.identity.tokens import TokenVerifier
        s = self.settings
        return TokenVerifier(s.jwks, s.issuer, s.user_pool_client_id)

    @cached_property
    def audit(self):
        from chalicelib.dal.audit import AuditRepository
        from chalicelib.services.audit import AuditService
        return AuditService(AuditRepository(self.aws.table("audit")))

    @cached_property
    def auth(self):
        from chalicelib.dal.throttle import ThrottleRepository
        from chalicelib.services.auth import AuthService
        s = self.settings
        return AuthService(self.aws.client("cognito-idp"), s.user_pool_id, s.user_pool_client_id,
                           ThrottleRepository(self.aws.table("throttle")), self.audit)

    @cached_property
    def catalog(self):
        from chalicelib.catalog import load_catalog
        return load_catalog()

    @cached_property
    def record_repo(self):
        from chalicelib.dal.records import RecordRepository
        return RecordRepository(self.aws.table("records"), self.aws.table("versions"))

    @cached_property
    def registry_repo(self):
        from chalicelib.dal.registry import RegistryRepository
        return RegistryRepository(self.aws.table("enterprises"), self.aws.table("name_index"))

    @cached_property
    def public_repo(self):
        from chalicelib.dal.public import PublicRepository
        return PublicRepository(self.aws.table("public"))

    @cached_property
    def calendar_repo(self):
        from chalicelib.dal.calendar import CalendarRepository
        return CalendarRepository(self.aws.table("calendar"))

    @cached_property
    def counter_repo(self):
        from chalicelib.dal.counters import CounterRepository
        return CounterRepository(self.aws.table("counters"))

    @cached_property
    def registry(self):
        from chalicelib.dal.notices import NoticeRepository
        from chalicelib.services.registry import RegistryService
        return RegistryService(self.catalog, self.registry_repo, self.record_repo,
                               NoticeRepository(self.aws.table("notices")))

    @cached_property
    def submissions(self):
        from chalicelib.services.submissions import SubmissionService
        return SubmissionService(self.catalog, self.record_repo, self.registry_repo, self.calendar_repo,
                                 self.counter_repo, self.registry)

    @cached_property
    def records(self):
        from chalicelib.services.records import RecordService
        return RecordService(self.record_repo, self.submissions, self.public_repo)

    @cached_property
    def jobs(self):
        from chalicelib.services.jobs import JobRunner
        return JobRunner({})


_container: Container | None = None


def get_container() -> Container:
    global _container
    if _container is None:
        _container = Container(get_settings())
    return _container


def reset() -> None:
    """Forget settings and clients (tests change the environment between runs)."""
    global _container
    _container = None
    get_settings.cache_clear()
