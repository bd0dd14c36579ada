"""Working-day override tables, one item per year (admin-loaded)."""
from __future__ import annotations

from datetime import date

from chalicelib.domain.workdays import YearOverride


class CalendarRepository:
    def __init__(self, table):
        self.table = table

    def overrides(self, years: set[int]) -> dict[int, YearOverride]:
        if not years:
            return {}
        client = self.table.meta.client
        resp = client.batch_get_item(RequestItems={self.table.name: {
            "Keys": [{"year": str(y)} for y in sorted(years)]}})
        out = {}
        for item in resp["Responses"].get(self.table.name, []):
            out[int(item["year"])] = YearOverride(
                holidays={date.fromisoformat(d) for d in item.get("holidays", set())},
                workdays={date.fromisoformat(d) for d in item.get("workdays", set())})
        return out

    def put(self, year: int, override: YearOverride, by: str, at: str) -> None:
        item = {"year": str(year), "updated_by": by, "updated_at": at}
        if override.holidays:
            item["holidays"] = {d.isoformat() for d in override.holidays}
        if override.workdays:
            item["workdays"] = {d.isoformat() for d in override.workdays}
        self.table.put_item(Item=item)
