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
        return self._session.client(
            service, endpoint_url=self.settings.aws_endpoint_url, config=_RETRIES
        )

    @cache  # noqa: B019
    def resource(self, service: str):
        return self._session.resource(
            service, endpoint_url=self.settings.aws_endpoint_url, config=_RETRIES
        )

    def table(self, logical: str):
        return self.resource("dynamodb").Table(self.settings.table(logical))
