"""Upload items in the `uploads` table."""
from __future__ import annotations

from boto3.dynamodb.conditions import Key

from chalicelib.dal.batch import query_page, transact
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

    def acquire(self, upload: Upload, token: str, now: int, seconds: int) -> bool:
        """Take the processing lease unless another live invocation holds it."""
        try:
            self.table.update_item(
                Key={"upload_id": upload.upload_id}, UpdateExpression="SET lease = :t, lease_until = :u",
                ConditionExpression="attribute_not_exists(lease_until) OR lease_until < :now OR lease = :t",
                ExpressionAttributeValues={":t": token, ":u": now + seconds, ":now": now})
        except self.table.meta.client.exceptions.ConditionalCheckFailedException:
            return False
        upload.lease, upload.lease_until = token, now + seconds
        return True

    def pin_object(self, upload: Upload, version: str, etag: str) -> bool:
        """Record the one object version this upload processes (first come); False if already pinned."""
        try:
            self.table.update_item(
                Key={"upload_id": upload.upload_id}, UpdateExpression="SET object_version = :v, object_etag = :e",
                ConditionExpression="attribute_not_exists(object_version)",
                ExpressionAttributeValues={":v": version, ":e": etag})
        except self.table.meta.client.exceptions.ConditionalCheckFailedException:
            return False
        upload.object_version, upload.object_etag = version, etag
        return True

    def release(self, upload: Upload) -> None:
        """Give the lease back (only if still ours)."""
        try:
            self.table.update_item(Key={"upload_id": upload.upload_id}, UpdateExpression="REMOVE lease, lease_until",
                                   ConditionExpression="lease = :t", ExpressionAttributeValues={":t": upload.lease})
        except self.table.meta.client.exceptions.ConditionalCheckFailedException:
            pass

    def checkpoint(self, upload: Upload, previous_next_row: int, also: dict | None = None) -> bool:
        """Save progress only if this invocation still holds the lease and nobody moved the
        checkpoint; `also` (the report counter update) commits in the same transaction."""
        ops = [{"Put": {"TableName": self.table.name, "Item": to_item(upload.model_dump()),
                        "ConditionExpression": "next_row = :prev AND lease = :t",
                        "ExpressionAttributeValues": {":prev": previous_next_row, ":t": upload.lease}}}]
        if also:
            ops.append({"Update": also})
        return transact(self.table.meta.client, ops)

    def by_department(self, department: str, limit: int, after: dict | None) -> tuple[list[Upload], dict | None]:
        """One page of a department's uploads, newest first."""
        items, last = query_page(self.table, after, IndexName="by_department", ScanIndexForward=False, Limit=limit,
                                 KeyConditionExpression=Key("department").eq(department))
        return [Upload.model_validate(from_item(i)) for i in items], last
