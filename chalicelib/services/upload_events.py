"""SQS messages carrying S3 upload notifications → the upload processor, one object at a time.

Powertools' BatchProcessor reports per-message failures (ReportBatchItemFailures), so one bad
message is retried (and ends in the DLQ) without re-running the rest of the batch.
"""
from __future__ import annotations

import json
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


def s3_objects(body: str) -> list[tuple[str, str, str | None, str | None]]:
    """(bucket, key, version id, ETag) of an S3 event notification; the s3:TestEvent yields none."""
    message = json.loads(body)
    objects = []
    for rec in message.get("Records", []):
        if not str(rec.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = rec["s3"]
        obj = s3["object"]
        objects.append((s3["bucket"]["name"], unquote_plus(obj["key"]), obj.get("versionId") or None,
                        str(obj["eTag"]).strip('"') if obj.get("eTag") else None))
    return objects


class UploadEventHandler:
    def __init__(self, processor):
        self.processor = processor

    def handle(self, event: dict, context) -> dict:
        """Process an SQS batch; returns {"batchItemFailures": [...]} for the failed messages."""
        def record_handler(record: SQSRecord) -> None:
            for bucket, key, version, etag in s3_objects(record.body):
                self.processor.process_object(bucket, key, version=version, etag=etag)

        return process_partial_response(
            event=event, record_handler=record_handler,
            processor=BatchProcessor(event_type=EventType.SQS), context=context,
        )
