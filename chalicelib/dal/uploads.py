"""Upload items in the `uploads` table."""
from __future__ import annotations

from boto3.dynamodb.conditions import Key

from chalicelib.dal.items import from_item, to_item
from chalicelib.models.upload import Upload


class UploadRepository:
    def __init__(self, table):
        self.table = table

    def create(self, upload: Upload) -> None:
        self.table.put_item(Item=to_item(upload.model_dump()),
                            ConditionExpression="attribute_not_exists(upload_id)")

    def get(self, upload_id: str) -> Upload | None:
        item = self.table.get_item(Key={"upload_id": upload_id}, ConsistentRead=True).get("Item")
        return Upload.model_validate(from_item(item)) if item else None

    def save(self, upload: Upload) -> None:
        self.table.put_item(Item=to_item(upload.model_dump()))

    def list_for_department(self, department: str, limit: int = 50) -> list[Upload]:
        resp = self.table.query(IndexName="by_department", KeyConditionExpression=Key(
            "department").eq(department), ScanIndexForward=False, Limit=limit)
        return [Upload.model_validate(from_item(i)) for i in resp["Items"]]
