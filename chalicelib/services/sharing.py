"""信息共享 for 协同监管: every accepted record of one enterprise, from every department."""
from __future__ import annotations

from chalicelib.domain.identifiers import normalize_code
from chalicelib.domain.masking import shared_copy
from chalicelib.errors import NotFound


class SharingService:
    def __init__(self, catalog, records, registry):
        self.catalog = catalog
        self.records = records
        self.registry = registry

    def enterprise(self, code: str) -> dict:
        """Not yet published, published and archived records (never withdrawn); IDs masked."""
        code = normalize_code(code)
        enterprise = self.registry.get(code)
        partition = enterprise.code if enterprise else code
        records = [r for r in self.records.of_enterprise(partition) if r.state != "withdrawn"]
        if enterprise is None and not records:
            raise NotFound("未找到该企业")
        items = [{**r.summary(), "fields": shared_copy(self.catalog.category(r.category), r.fields)}
                 for r in sorted(records, key=lambda r: (r.category, r.decision_date or ""), reverse=True)]
        return {"enterprise": enterprise.model_dump() if enterprise else {"code": partition},
                "records": items}
