"""The 归集公示目录 (catalog): categories with their fields, departments, time limits.

The data lives in JSON beside this module (`data/`); `load_catalog()` reads it once.
Everything else asks the `Catalog` — which keys a field accepts, which categories a
department may submit, which departments a business scope concerns (双告知).
"""
from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from chalicelib.catalog.model import Category, Contact, Department, FieldDef, FieldType, TimeLimits
from chalicelib.domain.normalize import normalize_key

__all__ = [
    "Catalog", "Category", "Department", "FieldDef", "FieldType", "TimeLimits", "COUNTY_REGIONS",
    "build_key_map", "load_catalog", "make_county_department", "normalize_key",
]

DATA_DIR = Path(__file__).with_name("data")

# 广元市 counties/districts (SPEC §3): region code → name, for county departments.
COUNTY_REGIONS: Mapping[str, str] = MappingProxyType({
    "510802": "利州区", "510811": "昭化区", "510812": "朝天区", "510821": "旺苍县",
    "510822": "青川县", "510823": "剑阁县", "510824": "苍溪县",
})


def build_key_map(category: Category) -> dict[str, str]:
    """Every accepted key of a category (json_name, national code, label, aliases, and their
    loose forms) → json_name. Raises ValueError when one key would name two fields."""
    out: dict[str, str] = {}
    for f in category.fields:
        names = [f.json_name, f.label, *f.aliases] + ([f.code] if f.code else [])
        for name in names:
            for k in (name, normalize_key(name)):
                if out.setdefault(k, f.json_name) != f.json_name:
                    raise ValueError(f"{category.id}: key {k!r} names {out[k]} and {f.json_name}")
    return out


class Catalog:
    """Read-only view over categories, departments, time limits and 双告知 keywords."""

    def __init__(self, categories: Mapping[str, Category], departments: Mapping[str, Department],
                 scope_keywords: Mapping[str, list[str]], time_limits: TimeLimits) -> None:
        self.categories: dict[str, Category] = dict(categories)
        self.departments: dict[str, Department] = dict(departments)
        self.scope_keywords: dict[str, list[str]] = {k: list(v) for k, v in scope_keywords.items()}
        self.time_limits = time_limits
        self._key_maps = {cid: build_key_map(c) for cid, c in self.categories.items()}

    # --- look-ups -------------------------------------------------------------------------
    def category(self, category_id: str) -> Category:
        return self.categories[category_id]

    def department(self, department_id: str) -> Department:
        return self.departments[department_id]

    def allowed_categories(self, department_id: str) -> set[str]:
        """Categories the department may submit (谁产生、谁提供); empty for an unknown one."""
        dept = self.departments.get(department_id)
        return set(dept.categories) if dept else set()

    def key_map(self, category_id: str) -> dict[str, str]:
        """Accepted key → json_name for one category (KeyError if the category is unknown)."""
        return self._key_maps[category_id]

    def registry_department(self) -> Department:
        return next(d for d in self.departments.values() if d.is_registry and d.level == "市级")

    def scope_departments(self, business_scope: str) -> set[str]:
        """双告知: departments whose keywords occur in a business scope (经营范围)."""
        if not isinstance(business_scope, str) or not business_scope:
            return set()
        text = unicodedata.normalize("NFKC", business_scope)
        return {d for kw, ids in self.scope_keywords.items() if kw in text for d in ids}

    # --- changes (return a new Catalog; the loaded one is shared and never mutated) ------------
    def with_department(self, dept: Department) -> Catalog:
        unknown = set(dept.categories) - set(self.categories)
        if unknown:
            raise ValueError(f"unknown categories {sorted(unknown)}")
        return Catalog(self.categories, {**self.departments, dept.id: dept}, self.scope_keywords,
                       self.time_limits)

    def with_category(self, category: Category) -> Catalog:
        return Catalog({**self.categories, category.id: category}, self.departments,
                       self.scope_keywords, self.time_limits)

    # --- the public catalog (GET /v1/catalog) ---------------------------------------------
    def public_view(self) -> dict[str, Any]:
        """JSON-able catalog for anyone: departments without contacts, categories with all fields."""
        return {
            "departments": [d.model_dump(mode="json", include={
                "id", "name", "level", "region", "push_mode", "is_registry", "categories", "strict_items"})
                for d in self.departments.values()],
            "categories": [public_category(c) for c in self.categories.values()],
            "time_limits": self.time_limits.model_dump(),
            "regions": dict(COUNTY_REGIONS),
        }


def public_category(c: Category) -> dict[str, Any]:
    return {
        "id": c.id, "name": c.name, "registry_only": c.registry_only,
        "source_ref_field": c.source_ref_field, "decision_date_field": c.decision_date_field,
        "name_field": c.name_field, "uscc_field": c.uscc_field, "regno_field": c.regno_field,
        "party_type_field": c.party_type_field,
        "repairable": "repair_after" in (c.period or {}),   # 信用修复 may be applied for (SPEC §5.2)
        "period_rule": c.period_rule,
        "item_period_months": list(c.item_period_months) if c.item_period_months else None,
        "fields": [{
            "json_name": f.json_name, "label": f.label, "code": f.code, "type": f.type.value,
            "max_len": f.max_len, "required": f.required, "enum": list(f.enum),
            "accepted_values": [*f.enum_aliases, *f.legacy_values], "aliases": list(f.aliases),
            "default": f.default, "help": f.help, "maskable": f.maskable,
        } for f in c.fields],
    }


def make_county_department(region: str, base_id: str, catalog: Catalog | None = None) -> Department:
    """A county/district department `<region>-dNN` derived from the city one (e.g. `510802-d12`
    利州区环保局): same categories and registry role, county level, manual entry, no contacts yet."""
    catalog = catalog or load_catalog()
    county = COUNTY_REGIONS.get(region)
    if county is None:
        raise ValueError(f"unknown county/district region {region!r}")
    base = catalog.department(base_id)
    name = base.name
    if name.startswith("市"):
        name = county + name[1:]
    else:
        name = name.replace("广元市", county).replace("广元", county)
    return Department(
        id=f"{region}-{base_id}", name=name, level="县区级", region=region, push_mode="manual",
        is_registry=base.is_registry, categories=list(base.categories), leader=Contact(),
        office=base.office, operators=[],
    )


def _read(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@cache
def load_catalog() -> Catalog:
    """The catalog as shipped (data/*.json), read once per process."""
    common = [FieldDef.model_validate(f) for f in _read("common_fields.json")]
    categories: dict[str, Category] = {}
    for path in sorted((DATA_DIR / "categories").glob("*.json")):
        cat = Category.model_validate_json(path.read_bytes())
        have = {f.json_name for f in cat.fields}
        cat.fields.extend(f.model_copy(deep=True) for f in common if f.json_name not in have)
        categories[cat.id] = cat
    order = ["registration", "admin_license", "admin_penalty", "inspection", "abnormal_list",
             "serious_violation", "chattel_mortgage", "equity_pledge", "trademark", "other"]
    categories = {k: categories[k] for k in sorted(categories, key=lambda k: (
        order.index(k) if k in order else len(order), k))}
    departments = {d["id"]: Department.model_validate(d) for d in _read("departments.json")}
    return Catalog(categories, departments, _read("business_scope_keywords.json"),
                   TimeLimits.model_validate(_read("periods.json")))
