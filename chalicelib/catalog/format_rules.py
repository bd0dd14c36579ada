"""The 数据格式规范 (SPEC §5.3): every category's fields as `GET /v1/catalog` gives them (the same
function builds both), with the type's Chinese name, an example value and the category's
publication-period rule. Generated from the catalog data, never written by hand."""
from __future__ import annotations

from typing import Any

from chalicelib.catalog import Catalog, public_category
from chalicelib.catalog.model import TYPE_NAMES, Category, FieldDef, FieldType
from chalicelib.domain.identifiers import regno_check_digit, uscc_check_char

RULE_FIELDS = ("json_name", "code", "label", "type", "max_len", "required", "enum")

_USCC = "91510802MA62XK0Q7"
_REGNO = "51080200001234"
EXAMPLES = {
    FieldType.DATE: "2026/09/28", FieldType.DECIMAL: "1.5", FieldType.USCC: _USCC + (uscc_check_char(_USCC) or ""),
    FieldType.REGNO: _REGNO + str(regno_check_digit(_REGNO)), FieldType.CODE: "广元〔2026〕12号",
}


def example(f: FieldDef) -> str:
    """The field's example: from the catalog when it has one, else the first allowed value, else by type."""
    if f.example is not None:
        return f.example
    if f.enum:
        return f.enum[0]
    return EXAMPLES.get(f.type) or f"（{f.label}）"


def category_rules(c: Category) -> dict[str, Any]:
    by_name = {f.json_name: f for f in c.fields}
    pub = public_category(c)
    return {
        **{k: pub[k] for k in ("id", "name", "registry_only", "period_rule", "item_period_months")},
        "fields": [{**{k: f[k] for k in RULE_FIELDS}, "type_name": TYPE_NAMES[by_name[f["json_name"]].type],
                    "example": example(by_name[f["json_name"]])} for f in pub["fields"]],
    }


def format_rules(catalog: Catalog) -> dict[str, Any]:
    return {"categories": [category_rules(c) for c in catalog.categories.values()]}
