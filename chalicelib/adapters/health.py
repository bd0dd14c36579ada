"""GET /health: proves the backends answer."""
from __future__ import annotations

import boto3
import botocore


class HealthService:
    def __init__(self, aws):
        self.aws = aws

    def check(self) -> dict:
        """Touch DynamoDB and S3 once each; raise if either does not answer."""
        settings = self.aws.settings
        table = self.aws.client("dynamodb").describe_table(TableName=settings.table("records"))
        self.aws.client("s3").head_bucket(Bucket=settings.bucket("uploads"))
        return {
            "status": "ok",
            "stage": settings.stage,
            "backends": {"dynamodb": table["Table"]["TableStatus"], "s3": "ok"},
            "versions": {"boto3": boto3.__version__, "botocore": botocore.__version__},
        }
