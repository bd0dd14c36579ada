"""Job state in the `jobs` table: failed forward batches and their attempts."""
from __future__ import annotations

from boto3.dynamodb.conditions import Key

from chalicelib.dal.batch import query_all
from chalicelib.dal.items import from_item


class JobStateRepository:
    def __init__(self, table):
        self.table = table

    def open_failures(self) -> dict[str, dict]:
        return {i["sk"][7:]: from_item(i) for i in query_all(
            self.table, KeyConditionExpression=Key("pk").eq("FORWARD") & Key("sk").begins_with("FAILED#"))}

    def fail(self, batch_id: str, error: str, at: str) -> int:
        resp = self.table.update_item(
            Key={"pk": "FORWARD", "sk": f"FAILED#{batch_id}"},
            UpdateExpression="ADD attempts :one SET last_error = :e, last_at = :at",
            ExpressionAttributeValues={":one": 1, ":e": error[:500], ":at": at}, ReturnValues="UPDATED_NEW")
        return int(resp["Attributes"]["attempts"])

    def clear(self, batch_id: str) -> None:
        self.table.delete_item(Key={"pk": "FORWARD", "sk": f"FAILED#{batch_id}"})

    def dead(self, batch_id: str, error: str, at: str, records: int) -> None:
        self.table.put_item(Item={"pk": "FORWARD", "sk": f"DEAD#{batch_id}", "error": error[:500], "at": at,
                                  "records": records})
        self.clear(batch_id)
