"""The upload worker's entry point (chalicelib/routes/events.py): an SQS batch of S3 notifications
becomes typed UploadedObject items, and a message that fails is reported alone (partial batch)."""
from __future__ import annotations

import json

from chalicelib.models.upload import UploadedObject
from chalicelib.routes.events import s3_objects, upload_batch


def notification(*records) -> str:
    return json.dumps({"Records": list(records)})


def created(key: str, bucket: str = "qygs-uploads", version: str | None = "v1", etag: str | None = '"abc"',
            event: str = "ObjectCreated:Post") -> dict:
    obj = {"key": key, **({"versionId": version} if version else {}), **({"eTag": etag} if etag else {})}
    return {"eventName": event, "s3": {"bucket": {"name": bucket}, "object": obj}}


def test_created_objects_are_typed_with_the_key_decoded():
    body = notification(created("uploads/d12/01J/%E5%A4%84%E7%BD%9A+2026.xlsx"),
                        created("uploads/d12/01K/a.csv", version=None, etag=None),
                        created("uploads/d12/01L/b.xlsx", event="ObjectRemoved:Delete"))
    assert s3_objects(body) == [
        UploadedObject(bucket="qygs-uploads", key="uploads/d12/01J/处罚 2026.xlsx", version="v1", etag="abc"),
        UploadedObject(bucket="qygs-uploads", key="uploads/d12/01K/a.csv", version=None, etag=None)]


def test_the_s3_test_event_names_no_object():
    assert s3_objects(json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"})) == []


def test_a_failing_message_is_reported_alone():
    seen: list[UploadedObject] = []

    def process(obj: UploadedObject) -> str:
        if obj.key.endswith("bad.xlsx"):
            raise RuntimeError("boom")
        seen.append(obj)
        return "done"

    messages = [("m1", notification(created("uploads/d12/1/a.xlsx"))),
                ("m2", notification(created("uploads/d12/2/bad.xlsx"))),
                ("m3", "not json"),
                ("m4", notification(created("uploads/d12/4/c.xlsx")))]
    event = {"Records": [{"messageId": mid, "body": body, "receiptHandle": mid, "eventSource": "aws:sqs",
                          "attributes": {}, "messageAttributes": {}, "md5OfBody": "", "awsRegion": "cn-north-1",
                          "eventSourceARN": "arn:aws-cn:sqs:cn-north-1:000000000000:upload-events"}
                         for mid, body in messages]}
    assert upload_batch(event, None, process) == {"batchItemFailures": [{"itemIdentifier": "m2"},
                                                                         {"itemIdentifier": "m3"}]}
    assert [o.key for o in seen] == ["uploads/d12/1/a.xlsx", "uploads/d12/4/c.xlsx"]
