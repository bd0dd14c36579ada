"""Departments as admins edit them (seeded from the catalog). A directory item lists every id,
so listing departments is one GetItem plus one BatchGetItem, never a scan."""
from __future__ import annotations

from chalicelib.catalog.model import Department
from chalicelib.dal.items import from_item, to_item

DIRECTORY = "#all"


class DepartmentRepository:
    def __init__(self, table):
        self.table = table

    def get(self, department_id: str) -> Department | None:
        item = self.table.get_item(Key={"id": department_id}).get("Item")
        if not item or department_id.startswith("#"):     # meta items: the directory, preferences
            return None
        return Department.model_validate(from_item(item))

    def put(self, dept: Department) -> None:
        self.table.put_item(Item=to_item(dept.model_dump()))
        self.table.update_item(Key={"id": DIRECTORY}, UpdateExpression="ADD ids :id",
                               ExpressionAttributeValues={":id": {dept.id}})

    def put_many(self, depts: list[Department]) -> None:
        with self.table.batch_writer(overwrite_by_pkeys=["id"]) as batch:
            for d in depts:
                batch.put_item(Item=to_item(d.model_dump()))
        if depts:
            self.table.update_item(Key={"id": DIRECTORY}, UpdateExpression="ADD ids :ids",
                                   ExpressionAttributeValues={":ids": {d.id for d in depts}})

    def all(self) -> list[Department]:
        directory = self.table.get_item(Key={"id": DIRECTORY}).get("Item")
        ids = sorted(directory["ids"]) if directory else []
        client, out = self.table.meta.client, []
        for start in range(0, len(ids), 100):
            request = {self.table.name: {"Keys": [{"id": i} for i in ids[start:start + 100]]}}
            while request:
                resp = client.batch_get_item(RequestItems=request)
                out += [Department.model_validate(from_item(i)) for i in resp["Responses"].get(self.table.name, [])]
                request = resp.get("UnprocessedKeys") or None
        return sorted(out, key=lambda d: d.id)
