"""Department preferences, one item per department in the departments table under `#prefs/<id>`
(a meta key: DepartmentRepository never reads it as a department, nor lists it)."""
from __future__ import annotations

from chalicelib.dal.items import from_item, to_item
from chalicelib.models.preferences import DepartmentPreferences

PREFIX = "#prefs/"


class PreferencesStore:
    def __init__(self, table):
        self.table = table

    def get(self, department: str) -> DepartmentPreferences | None:
        item = self.table.get_item(Key={"id": PREFIX + department}).get("Item")
        if not item:
            return None
        data = from_item(item)
        data.pop("id", None)
        return DepartmentPreferences.model_validate(data)

    def put(self, prefs: DepartmentPreferences) -> None:
        self.table.put_item(Item=to_item({"id": PREFIX + prefs.department, **prefs.model_dump()}))
