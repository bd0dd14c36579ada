"""The one place boto3 clients and resources are built (region and endpoint from Settings)."""
from __future__ import annotations

from functools import cache

import boto3
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
        return resource

    def table(self, logical: str):
        return self.resource("dynamodb").Table(self.settings.table(logical))


def _with_exceptions(client):
    """A client whose modelled exception classes are built now: botocore builds them lazily, and two
    threads meeting their first error at once each build a set, so an `except client.exceptions.X`
    taken from one set misses the X raised from the other (a parallel login's conditional update)."""
    client.exceptions  # noqa: B018 - the property builds and keeps them
    return client
