"""Clients from chalicelib/aws.py come with their exception classes built: botocore builds them lazily,
and two threads meeting their first error at once each build a set, so `except client.exceptions.X`
from one set missed the X raised from the other (tests/contract/test_identity.py's parallel logins
on the emulator failed so, now and then, with an uncaught ConditionalCheckFailedException)."""
from __future__ import annotations

from chalicelib.aws import Aws
from chalicelib.config import Settings


def test_clients_and_resources_have_their_exceptions_built():
    aws = Aws(Settings())
    for client in (aws.client("dynamodb"), aws.client("sqs"), aws.resource("dynamodb").meta.client,
                   aws.table("throttle").meta.client):
        assert client._exceptions is not None
        assert client.exceptions is client.exceptions
