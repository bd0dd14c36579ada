"""Composition root: builds the real adapters once per process and hands them to services.

The Lambda entry points ask `get_container()` for the process's one Container, built from the
environment. Tests build their own: `Container(settings, record_repo=fake, ...)` — any cached
dependency named as a keyword is used as given instead of being built (tests/fakes.py holds
in-memory repositories), and `install()` makes a Container the process's one.
"""
from __future__ import annotations

from functools import cached_property

from chalicelib.aws import Aws
from chalicelib.config import Settings, get_settings


class Container:
    def __init__(self, settings: Settings, *, aws: Aws | None = None, **overrides):
        """`overrides`: name of a cached dependency (a `cached_property` below) → the object to use."""
        unknown = sorted(k for k in overrides if not isinstance(getattr(type(self), k, None), cached_property))
        if unknown:
            raise TypeError(f"Container has no dependency named {', '.join(unknown)}")
        self.settings = settings
        self.aws = aws or Aws(settings)
        self.__dict__.update(overrides)      # a cached_property reads the instance's value first

    @cached_property
    def health(self):
        from chalicelib.adapters.health import HealthService
        return HealthService(self.aws)

    @cached_property
    def uploads(self):
        from chalicelib.dal.uploads import UploadRepository
        return UploadRepository(self.aws.table("uploads"))

    @cached_property
    def upload_service(self):
        from chalicelib.services.upload_api import UploadService
        s = self.settings
        return UploadService(self.uploads, self.submissions, self.upload_files, s.upload_max_bytes,
                             s.upload_url_expires)

    @cached_property
    def upload_files(self):
        from chalicelib.dal.files import UploadFiles
        return UploadFiles(self.aws.client("s3"), self.settings.bucket("uploads"))

    @cached_property
    def exchange_files(self):
        from chalicelib.dal.files import ExchangeFiles
        return ExchangeFiles(self.aws.client("s3"), self.settings.bucket("exchange"))

    @cached_property
    def webhook_dead_letters(self):
        from chalicelib.adapters.dead_letters import DeadLetterQueue
        return DeadLetterQueue(self.aws.client("sqs"), self.settings.queue("webhook-dlq"))

    @cached_property
    def upload_processor(self):
        from chalicelib.services.upload_worker import UploadProcessor
        s = self.settings
        return UploadProcessor(self.uploads, self.submissions, self.catalog, self.upload_files,
                               s.upload_max_bytes, s.upload_max_rows, self.counter_repo,
                               write_threads=s.upload_write_threads)

    @cached_property
    def verifier(self):
        from chalicelib.identity.tokens import TokenVerifier
        s = self.settings
        return TokenVerifier(s.jwks, s.issuer, s.user_pool_client_id, cutoffs=self.throttle.tokens_valid_after)

    @cached_property
    def throttle(self):
        from chalicelib.dal.throttle import ThrottleRepository
        return ThrottleRepository(self.aws.table("throttle"))

    @cached_property
    def audit_repo(self):
        from chalicelib.dal.audit import AuditRepository
        return AuditRepository(self.aws.table("audit"))

    @cached_property
    def audit(self):
        from chalicelib.services.audit import AuditService
        return AuditService(self.audit_repo)

    @cached_property
    def identity_pool(self):
        from chalicelib.adapters.cognito import CognitoPool
        s = self.settings
        return CognitoPool(self.aws.client("cognito-idp"), s.user_pool_id, s.user_pool_client_id)

    @cached_property
    def auth(self):
        from chalicelib.services.auth import AuthService
        return AuthService(self.identity_pool, self.throttle, self.audit,
                           departments=lambda d: self.departments.resolve(d) is not None)

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
    def public_side(self):
        """The public side's writes, the name index kept in step (services/public_side.py)."""
        from chalicelib.services.public_side import PublicSide
        return PublicSide(self.public_repo, self.registry_repo)

    @cached_property
    def calendar_repo(self):
        from chalicelib.dal.calendar import CalendarRepository
        return CalendarRepository(self.aws.table("calendar"))

    @cached_property
    def counter_repo(self):
        from chalicelib.dal.counters import CounterRepository
        return CounterRepository(self.aws.table("counters"))

    @cached_property
    def department_repo(self):
        from chalicelib.dal.departments import DepartmentRepository
        return DepartmentRepository(self.aws.table("departments"))

    @cached_property
    def departments(self):
        from chalicelib.services.admin import DepartmentService
        return DepartmentService(self.catalog, self.department_repo)

    @cached_property
    def drilldown(self):
        from chalicelib.services.drilldown import DrillDownService
        return DrillDownService(self.departments, self.rejection_repo, self.record_repo, self.catalog)

    @cached_property
    def preferences(self):
        from chalicelib.dal.preferences import PreferencesStore
        from chalicelib.services.preferences import PreferencesService
        return PreferencesService(self.catalog, PreferencesStore(self.aws.table("departments")), self.departments)

    @cached_property
    def calendar(self):
        from chalicelib.services.admin import CalendarService
        return CalendarService(self.calendar_repo)

    @cached_property
    def notice_repo(self):
        from chalicelib.dal.notices import NoticeRepository
        return NoticeRepository(self.aws.table("notices"))

    @cached_property
    def registry(self):
        from chalicelib.services.registry import RegistryService
        return RegistryService(self.catalog, self.registry_repo, self.record_repo, self.notice_repo)

    @cached_property
    def submissions(self):
        from chalicelib.services.forward import retract
        from chalicelib.services.submissions import SubmissionService
        return SubmissionService(self.catalog, self.record_repo, self.registry_repo, self.calendar_repo,
                                 self.counter_repo, self.registry, self.departments,
                                 lambda records, stamp, day, op: retract(self.public_side, self.changes, records,
                                                                         stamp, day, op), self.rejections,
                                 items=self.catalog_items)

    @cached_property
    def rejection_repo(self):
        from chalicelib.dal.rejections import RejectionRepository
        return RejectionRepository(self.aws.table("rejections"))

    @cached_property
    def rejections(self):
        from chalicelib.services.rejections import RejectionService
        return RejectionService(self.rejection_repo, self.catalog)

    @cached_property
    def records(self):
        from chalicelib.services.records import RecordService
        return RecordService(self.record_repo, self.submissions, self.public_side, self.changes)

    @cached_property
    def open_data_index(self):
        from chalicelib.dal.changes import OpenDataIndex
        return OpenDataIndex(self.aws.table("jobs"))

    @cached_property
    def change_log(self):
        from chalicelib.dal.changes import ChangeLog
        return ChangeLog(self.aws.table("jobs"))

    @cached_property
    def changes(self):
        """Publishes public-side changes: the change log, then the watchlists' webhooks."""
        from chalicelib.services.changes import ChangePublisher
        return ChangePublisher(self.change_log, subscribers=[lambda changes: self.watchlists.notify(changes)])

    @cached_property
    def callback_resolver(self):
        """host, port → addresses of a watchlist callback (tests put in their own DNS)."""
        from chalicelib.adapters.callbacks import system_resolver
        return system_resolver

    @cached_property
    def watchlist_repo(self):
        from chalicelib.dal.watchlists import WatchlistRepository
        return WatchlistRepository(self.aws.table("watchlists"))

    @cached_property
    def watchlists(self):
        from chalicelib.adapters.callbacks import CallbackGuard, pinned_sender
        from chalicelib.services.watchlists import WatchlistService
        s = self.settings
        guard = CallbackGuard(lambda host, port: self.callback_resolver(host, port),
                              allow_private=s.callbacks_may_be_private)
        return WatchlistService(self.watchlist_repo, self.public, guard,
                                pinned_sender(), self.webhook_dead_letters.send)

    @cached_property
    def attestation_cache(self):
        from chalicelib.dal.attestations import AttestationCache
        return AttestationCache(self.aws.table("attestations"))

    @cached_property
    def attestation_signer(self):
        from chalicelib.adapters.kms import KmsSigner
        return KmsSigner(self.aws.client("kms"), self.settings.key_alias("attestation"))

    @cached_property
    def attestation(self):
        from chalicelib.services.attestation import AttestationService
        return AttestationService(self.attestation_signer, self.public.credit_check, self.attestation_cache)

    @cached_property
    def case_repo(self):
        from chalicelib.dal.objections import CaseRepository
        return CaseRepository(self.aws.table("objections"))

    @cached_property
    def cases(self):
        """异议 / 信用修复 (SPEC §5.2)."""
        from chalicelib.services.forward import retract
        from chalicelib.services.objections import CaseService
        return CaseService(self.catalog, self.record_repo, self.case_repo, self.throttle, self.calendar_repo,
                           self.audit,
                           lambda records, stamp, day, op: retract(self.public_side, self.changes, records,
                                                                   stamp, day, op))

    @cached_property
    def catalog_item_repo(self):
        from chalicelib.dal.catalog_items import CatalogItemRepository
        return CatalogItemRepository(self.aws.table("catalog_items"))

    @cached_property
    def catalog_items(self):
        """目录事项, the compiled 目录 and the 数据格式规范 (SPEC §5.3)."""
        from chalicelib.services.catalog_items import CatalogItemService
        return CatalogItemService(self.catalog, self.catalog_item_repo, self.departments)

    @cached_property
    def sharing(self):
        from chalicelib.services.sharing import SharingService
        return SharingService(self.catalog, self.record_repo, self.registry_repo)

    @cached_property
    def public(self):
        from chalicelib.services.public import PublicService
        return PublicService(self.catalog, self.public_repo, self.registry_repo)

    @cached_property
    def publicity_sender(self):
        from chalicelib.adapters import publicity
        s = self.settings
        if s.publicity_endpoint:
            return publicity.HttpPublicitySender(s.publicity_endpoint, publicity.secret_reader(
                self.aws.client("secretsmanager"), s.publicity_secret_id))
        return publicity.S3OutboxSender(self.aws.client("s3"), s.bucket("exchange"))

    @cached_property
    def job_state_repo(self):
        from chalicelib.dal.jobs import JobStateRepository
        return JobStateRepository(self.aws.table("jobs"))

    @cached_property
    def forward_dead_letters(self):
        """callable(batch, error): the batch to a file of the exchange bucket, a pointer to the forward DLQ."""
        from chalicelib.adapters.dead_letters import DeadLetterQueue
        from chalicelib.services.forward import dead_letter_sender
        return dead_letter_sender(DeadLetterQueue(self.aws.client("sqs"), self.settings.queue("forward-dlq")),
                                  self.exchange_files)

    @cached_property
    def forward(self):
        from chalicelib.services.forward import ForwardJob
        return ForwardJob(self.catalog, self.record_repo, self.registry_repo, self.public_side, self.changes,
                          self.publicity_sender, self.job_state_repo, self.forward_dead_letters,
                          self.counter_repo)

    @cached_property
    def open_data(self):
        from chalicelib.services.open_data import OpenDataJob
        return OpenDataJob(self.exchange_files, self.change_log, self.open_data_index)

    @cached_property
    def reports(self):
        from chalicelib.services.reports import ReportService
        return ReportService(self.departments, self.counter_repo, self.rejections.open_stats,
                             item_names=lambda: {it.item_code: it.name for it in self.catalog_item_repo.approved()})

    @cached_property
    def feed(self):
        from chalicelib.services.feed import ChangeFeed
        return ChangeFeed(self.change_log, self.public_repo)

    @cached_property
    def scorecards(self):
        from chalicelib.services.scorecards import Scorecards
        return Scorecards(self.reports, self.counter_repo)

    @cached_property
    def monthly_store(self):
        from chalicelib.dal.monthly import MonthlyReportStore
        return MonthlyReportStore(self.exchange_files, self.aws.table("jobs"))

    @cached_property
    def monthly(self):
        from chalicelib.services.monthly import MonthlyReportJob
        return MonthlyReportJob(self.reports, self.monthly_store)

    @cached_property
    def jobs(self):
        from chalicelib.services.jobs import JobRunner
        from chalicelib.services.sweeps import DeadlinesJob, ExpireJob
        def forward(day, **options):
            retried = self.watchlists.retry_pending()      # deliveries that failed last time first
            return {**self.forward(day, **options), "webhooks": retried}

        sweep = DeadlinesJob(self.catalog, self.record_repo, self.calendar_repo, self.counter_repo,
                             answers_overdue=self.cases.overdue, departments=self.departments.all)

        def deadlines(day, **options):
            return {**sweep(day, **options), **self.scorecards.rebuild(day)}   # the public scorecards, once a day

        return JobRunner({
            "forward": forward,
            "expire": ExpireJob(self.record_repo, self.public_side, self.changes),
            "deadlines": deadlines,
            "open_data": self.open_data,
            "monthly_report": self.monthly,
        }, audit=self.audit, settings=self.settings)


_container: Container | None = None


def get_container() -> Container:
    global _container
    if _container is None:
        _container = Container(get_settings())
    return _container


def install(c: Container) -> Container:
    """Make `c` the process's Container (tests: one built from the emulator's settings)."""
    global _container
    _container = c
    return c


def reset() -> None:
    """Forget settings and clients (tests change the environment between runs)."""
    global _container
    _container = None
    get_settings.cache_clear()
