"""SQS messages carrying S3 upload notifications → the upload processor, one object at a time.

Powertools' BatchProcessor reports per-message failures (ReportBatchItemFailures), so one bad
message is retried (and ends in the DLQ) without re-running the rest of the batch.
"""
from __future__ import annotations

import json
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


def s3_objects(body: str) -> list[tuple[str, str]]:
    """(bucket, key) pairs of an S3 event notification; the s3:TestEvent yields none."""
    message = json.loads(body)
    objects = []
    for rec in message.get("Records", []):
        if not str(rec.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = rec["s3"]
        objects.append((s3["bucket"]["name"], unquote_plus(s3["object"]["key"])))
    return objects


class UploadEventHandler:
    def __init__(self, processor):
        self.processor = processor

    def handle(self, event: dict, context) -> dict:
        """Process an SQS batch; returns {"batchItemFailures": [...]} for the failed messages."""
        def record_handler(record: SQSRecord) -> None:
            for bucket, key in s3_objects(record.body):
                self.processor.process_object(bucket, key)

        return process_partial_response(
            event=event, record_handler=record_handler,
            processor=BatchProcessor(event_type=EventType.SQS), context=context,
        )
