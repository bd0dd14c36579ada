"""The foundation: provisioning, /health, and the S3 → SQS → upload handler path."""
from __future__ import annotations

import json

import app as app_module
from chalicelib import resources as R
from chalicelib.local.provision import provision
from chalicelib.local.pump import drain
from chalicelib.models.upload import Upload


def test_given_fresh_emulator_when_provisioned_then_every_resource_exists(stack):
    aws = stack.aws
    tables = set(aws.client("dynamodb").list_tables()["TableNames"])
    assert {stack.settings.table(t.name) for t in R.TABLES} <= tables
    records = aws.client("dynamodb").describe_table(TableName=stack.settings.table("records"))["Table"]
    assert {ix["IndexName"] for ix in records["GlobalSecondaryIndexes"]} == {
        ix.name for ix in R.table_def("records").indexes}
    buckets = {b["Name"] for b in aws.client("s3").list_buckets()["Buckets"]}
    assert {stack.settings.bucket(b) for b in R.BUCKETS} <= buckets
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName=stack.settings.queue("upload-events"))["QueueUrl"]
    redrive = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])
                         ["Attributes"]["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"].endswith("upload-events-dlq")
    schedules = aws.client("scheduler").list_schedules()["Schedules"]
    assert len(schedules) == len(R.SCHEDULES)


def test_given_provisioned_backend_when_provisioned_again_then_nothing_changes(stack):
    first_pool = stack.settings.user_pool_id
    again = provision(stack.aws)
    assert again["USER_POOL_ID"] == first_pool
    pools = stack.aws.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
    assert len(pools) == 1


def test_health_touches_dynamodb_and_s3(client):
    resp = client.http.get("/health")
    assert resp.status_code == 200
    body = resp.json_body
    assert body["status"] == "ok"
    assert body["backends"]["dynamodb"] == "ACTIVE"


def test_health_reports_error_body_when_backend_missing(client, stack):
    stack.aws.client("dynamodb").delete_table(TableName=stack.settings.table("records"))
    resp = client.http.get("/health")
    assert resp.status_code == 500
    assert resp.json_body["error"]["code"] == "INTERNAL"


def test_object_put_in_upload_bucket_reaches_the_upload_handler_through_sqs(stack):
    # Given an upload registered for department d12
    key = "uploads/d12/U1/处罚.xlsx"
    stack.uploads.create(Upload(upload_id="U1", department="d12", category="admin_penalty",
                                filename="处罚.xlsx", created_at="2026-11-27T10:00:00+08:00",
                                object_key=key))
    # When the file lands in the bucket and the pump feeds the queue to the Lambda handler
    stack.aws.client("s3").put_object(Bucket=stack.settings.bucket("uploads"), Key=key, Body=b"x" * 10)
    sqs = stack.aws.client("sqs")
    url = sqs.get_queue_url(QueueName=stack.settings.queue("upload-events"))["QueueUrl"]
    delivered = drain(sqs, url, app_module.upload_worker)
    # Then the handler saw it, and the queue is empty
    assert delivered >= 1
    assert stack.uploads.get("U1").state != "waiting"
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
