"""Settings, read once from the environment into one model.

Nothing else in chalicelib reads os.environ. Whether the backend is the embedded emulator or
AWS is decided only by AWS_ENDPOINT_URL (unset on AWS).
"""
from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel


class Settings(BaseModel):
    stage: str = "local"
    region: str = "us-east-1"
    aws_endpoint_url: str | None = None
    resource_prefix: str = "qygs-local"
    bucket_prefix: str = "qygs-local"
    user_pool_id: str = ""
    user_pool_client_id: str = ""
    jwks_url: str = ""            # the pool's JWKS; on AWS derived from the pool id
    token_issuer: str = ""        # expected `iss`; on AWS derived from the pool id
    publicity_endpoint: str = ""  # national publicity system; empty → JSONL files in the exchange bucket
    publicity_secret_id: str = ""
    demo_password: str = "Guangyuan#2026"
    metrics_namespace: str = "QYGS"
    upload_max_bytes: int = 60 * 1024 * 1024
    upload_max_rows: int = 100_000
    upload_url_expires: int = 900
    # chunks of an upload whose writes are in flight at once (the worker's thread pool; 1: one by one)
    upload_write_threads: int = 4
    # http:// and loopback/private watchlist callbacks: honoured only on the emulator (see below)
    webhook_allow_private: bool = False

    def table(self, logical: str) -> str:
        return f"{self.resource_prefix}-{logical}"

    def bucket(self, logical: str) -> str:
        return f"{self.bucket_prefix}-{logical}"

    def queue(self, logical: str) -> str:
        return f"{self.resource_prefix}-{logical}"

    def key_alias(self, logical: str) -> str:
        return f"alias/{self.resource_prefix}-{logical}"

    @property
    def callbacks_may_be_private(self) -> bool:
        """The SSRF escape hatch for `make run` and the tests (callbacks to a server on loopback):
        only on the emulator (AWS_ENDPOINT_URL set, never on AWS) of the local or test stage;
        Terraform does not even pass the variable."""
        return self.webhook_allow_private and bool(self.aws_endpoint_url) and self.stage in ("local", "test")

    @property
    def issuer(self) -> str:
        return self.token_issuer or f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks(self) -> str:
        return self.jwks_url or f"{self.issuer}/.well-known/jwks.json"


_ENV = {
    "stage": "STAGE",
    "region": "AWS_REGION",
    "aws_endpoint_url": "AWS_ENDPOINT_URL",
    "resource_prefix": "RESOURCE_PREFIX",
    "bucket_prefix": "BUCKET_PREFIX",
    "user_pool_id": "USER_POOL_ID",
    "user_pool_client_id": "USER_POOL_CLIENT_ID",
    "jwks_url": "JWKS_URL",
    "token_issuer": "TOKEN_ISSUER",
    "publicity_endpoint": "PUBLICITY_ENDPOINT",
    "publicity_secret_id": "PUBLICITY_SECRET_ID",
    "demo_password": "LOCAL_DEMO_PASSWORD",
    "metrics_namespace": "METRICS_NAMESPACE",
    "webhook_allow_private": "WEBHOOK_ALLOW_PRIVATE",
    "upload_write_threads": "UPLOAD_WRITE_THREADS",
}


def settings_from_env(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    values = {field: env[var] for field, var in _ENV.items() if env.get(var)}
    if "region" not in values and env.get("AWS_DEFAULT_REGION"):
        values["region"] = env["AWS_DEFAULT_REGION"]
    return Settings(**values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read lazily (Chalice sets stage variables late)."""
    return settings_from_env()
