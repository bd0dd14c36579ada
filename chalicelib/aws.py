"""The one place boto3 clients and resources are built (region and endpoint from Settings)."""
from __future__ import annotations

import threading
from functools import cache

import boto3
from boto3.dynamodb.conditions import ConditionExpressionBuilder
from botocore.config import Config

from chalicelib.config import Settings

_RETRIES = Config(retries={"mode": "standard", "max_attempts": 5})


class Aws:
    """Builds and caches boto3 clients for one Settings; handed to repositories and services."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._session = boto3.session.Session(region_name=settings.region)

    @cache  # noqa: B019 - one Aws per process; clients are meant to be reused
    def client(self, service: str):
        return _with_exceptions(self._session.client(
            service, endpoint_url=self.settings.aws_endpoint_url, config=_RETRIES
        ))

    @cache  # noqa: B019
    def resource(self, service: str):
        resource = self._session.resource(
            service, endpoint_url=self.settings.aws_endpoint_url, config=_RETRIES
        )
        _with_exceptions(resource.meta.client)
        if service == "dynamodb":
            _per_thread_placeholders(resource)
        return resource

    def table(self, logical: str):
        return self.resource("dynamodb").Table(self.settings.table(logical))


def _with_exceptions(client):
    """A client whose modelled exception classes are built now: botocore builds them lazily, and two
    threads meeting their first error at once each build a set, so an `except client.exceptions.X`
    taken from one set misses the X raised from the other (a parallel login's conditional update)."""
    client.exceptions  # noqa: B018 - the property builds and keeps them
    return client


class _PerThreadPlaceholders(ConditionExpressionBuilder):
    """boto3's builder of condition expressions with its placeholder counters kept per thread.

    The DynamoDB resource's client turns Key(...)/Attr(...) conditions into expressions with one
    builder for every call: each call resets its counters, then numbers its placeholders #n0, :v0, …
    A reset from a call on another thread in the middle of a build numbers two names alike, and the
    request asks for the wrong items (or is refused). The upload worker writes chunks on a thread
    pool over the one resource: counters per thread make the shared client safe for that."""

    def __init__(self):
        self._counts = threading.local()
        super().__init__()

    @property
    def _name_count(self) -> int:
        return getattr(self._counts, "names", 0)

    @_name_count.setter
    def _name_count(self, value: int) -> None:
        self._counts.names = value

    @property
    def _value_count(self) -> int:
        return getattr(self._counts, "values", 0)

    @_value_count.setter
    def _value_count(self, value: int) -> None:
        self._counts.values = value


def _per_thread_placeholders(resource) -> None:
    """Give the resource's condition-expression injector (registered on its client once, by the
    first resource built on it) a builder whose counters are per thread. The names are boto3's own,
    not public: if a boto3 release moves them, fail here at start-up rather than let threads share
    the counters again (tests/reliability/test_concurrent_chunk_writes.py builds across threads)."""
    injector = getattr(resource, "_injector", None)
    if not isinstance(getattr(injector, "_condition_builder", None), ConditionExpressionBuilder):
        raise RuntimeError("boto3's DynamoDB condition builder is not where aws.py expects it")
    injector._condition_builder = _PerThreadPlaceholders()
