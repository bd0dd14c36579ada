"""Each test's stack (tests/conftest.py `fresh_stack`) is the emulator as provisioning leaves it: the
provisioned state is copied back after a reset instead of provisioned again, so nothing a test wrote —
an item, an object, a message, an account — may reach the next test's stack."""
from __future__ import annotations

from chalicelib import resources
from chalicelib.services.auth import DEPARTMENT
from tests.conftest import PASSWORD, fresh_stack


def _counts(c) -> dict:
    ddb, s3, sqs = c.aws.client("dynamodb"), c.aws.client("s3"), c.aws.client("sqs")
    tables = {t.name: ddb.scan(TableName=c.settings.table(t.name), Select="COUNT")["Count"]
              for t in resources.TABLES}
    objects = {b: s3.list_object_versions(Bucket=c.settings.bucket(b)).get("Versions", [])
               for b in resources.BUCKETS}
    url = sqs.get_queue_url(QueueName=c.settings.queue("upload-events"))["QueueUrl"]
    queued = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    users = c.aws.client("cognito-idp").list_users(UserPoolId=c.settings.user_pool_id)["Users"]
    return {"tables": tables, "objects": objects, "queued": int(queued["Attributes"]["ApproximateNumberOfMessages"]),
            "users": [u["Username"] for u in users]}


def _write_everywhere(c) -> None:
    for t in resources.TABLES:
        key = {k: {"N": "1"} if t.key_types.get(k) == "N" else {"S": "x"} for k in (t.hash_key, t.range_key) if k}
        c.aws.client("dynamodb").put_item(TableName=c.settings.table(t.name), Item=key)
    c.aws.client("s3").put_object(Bucket=c.settings.bucket("uploads"), Key="uploads/d12/u1/a.xlsx", Body=b"x")
    c.auth.ensure_user("op-d12", "operator", "d12", PASSWORD)


def test_what_one_stack_wrote_is_gone_from_the_next(emulator):
    empty = _counts(fresh_stack(emulator)[0])
    assert not any(empty["tables"].values()) and not any(empty["objects"].values()) and empty["users"] == []
    # (the queue holds the test event S3 sends when provisioning sets the upload bucket's notification)
    for _ in range(2):          # the process's first stack keeps the provisioned state; the next ones restore it
        c, _env = fresh_stack(emulator)
        assert _counts(c) == empty
        _write_everywhere(c)
        dirty = _counts(c)
        assert all(dirty["tables"].values()) and dirty["objects"]["uploads"] and dirty["users"] == ["op-d12"]
        assert dirty["queued"] > empty["queued"]        # the upload's notification reached the queue
    c, _env = fresh_stack(emulator)
    assert _counts(c) == empty
    c.auth.ensure_user("op-d12", "operator", "d12", PASSWORD)          # the same pool, working
    assert c.identity_pool.user("op-d12")["attributes"][DEPARTMENT] == "d12"
