"""Where the upload events enter: an SQS batch of S3 event notifications → typed objects → the
upload worker, one object at a time.

Powertools' BatchProcessor reports per-message failures (ReportBatchItemFailures), so one bad
message is retried (and ends in the DLQ) without re-running the rest of the batch.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import unquote_plus

from chalicelib.models.upload import UploadedObject


def s3_objects(body: str) -> list[UploadedObject]:
    """The objects an S3 event notification names as created; the s3:TestEvent names none."""
    message = json.loads(body)
    objects = []
    for rec in message.get("Records", []):
        if not str(rec.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = rec["s3"]
        obj = s3["object"]
        objects.append(UploadedObject(bucket=s3["bucket"]["name"], key=unquote_plus(obj["key"]),
                                      version=obj.get("versionId") or None,
                                      etag=str(obj["eTag"]).strip('"') if obj.get("eTag") else None))
    return objects


def upload_batch(event: dict, context, process: Callable[[UploadedObject], object]) -> dict:
    """Process an SQS batch; returns {"batchItemFailures": [...]} for the failed messages."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    def record_handler(record) -> None:
        for obj in s3_objects(record.body):
            process(obj)

    return process_partial_response(event=event, record_handler=record_handler,
                                    processor=BatchProcessor(event_type=EventType.SQS), context=context)
