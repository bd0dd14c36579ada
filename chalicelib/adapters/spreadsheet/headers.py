"""Header row → catalog field mapping (SPEC §2.1: Chinese labels, national codes and JSON names).

Header cells are compared in the form `domain.normalize.normalize_key` gives them (the one
normaliser, also of JSON keys) — so `*行政处罚决定书文号 `, `罚款金额(万元)` and `cf_wsh` all map.
Columns may come in any order.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.domain.normalize import normalize_key

from .errors import MISSING_HEADERS, SpreadsheetError

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.catalog.model import Category

# The columns the platform's own 回退 file puts first (feedback.py): a corrected 回退 file uploaded
# again carries them; they are skipped silently (no "ignored columns" note).
FEEDBACK_HEADERS = ("原行号", "错误原因", "修改建议")
_FEEDBACK_KEYS = frozenset(normalize_key(h) for h in FEEDBACK_HEADERS)

def _lookup(key_map: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, json_name in key_map.items():
        out.setdefault(normalize_key(key), json_name)
    out.pop("", None)
    return out


@dataclass
class HeaderMap:
    columns: dict[int, str]                 # column index → json_name
    ignored: list[str]                      # headers that map to no field (kept for a note)
    missing: list[str]                      # required json_names without a column
    duplicates: list[str] = field(default_factory=list)  # headers naming a field already mapped

    @property
    def json_names(self) -> set[str]:
        return set(self.columns.values())


def map_headers(header_cells: list[Any], key_map: Mapping[str, str],
                required: Iterable[str]) -> HeaderMap:
    """Map each header cell to a json_name through `key_map` (label/code/json name → json_name).

    The first column naming a field wins; later ones are listed in `duplicates` and not mapped.
    """
    lookup = _lookup(key_map)
    columns: dict[int, str] = {}
    seen: set[str] = set()
    ignored: list[str] = []
    duplicates: list[str] = []
    for idx, cell in enumerate(header_cells):
        key = normalize_key(cell)
        if not key:
            continue
        name = lookup.get(key)
        if name is None:
            if key not in _FEEDBACK_KEYS:
                ignored.append(str(cell).strip())
        elif name in seen:
            duplicates.append(str(cell).strip())
        else:
            columns[idx] = name
            seen.add(name)
    missing = [name for name in dict.fromkeys(required) if name not in seen]
    return HeaderMap(columns=columns, ignored=ignored, missing=missing, duplicates=duplicates)


def is_code_row(cells: list[Any], key_map: Mapping[str, str],
                columns: Mapping[int, str] | None = None) -> bool:
    """True for a second header row (national codes / json names, as in the template's row 2).

    Every non-empty cell must be a known key; with `columns` (the header's mapping) a cell under a
    mapped column must name that same field. A row with no non-empty cell is not a code row.
    """
    lookup = _lookup(key_map)
    seen = False
    for idx, cell in enumerate(cells):
        key = normalize_key(cell)
        if not key:
            continue
        name = lookup.get(key)
        if name is None:
            return False
        if columns is not None and columns.get(idx, name) != name:
            return False
        seen = True
    return seen


def check_headers(header_map: HeaderMap, labels: Mapping[str, str] | None = None) -> None:
    """Raise MISSING_HEADERS (details: [{field, label}]) when required columns are absent."""
    if not header_map.missing:
        return
    labels = labels or {}
    details = [{"field": n, "label": labels.get(n, n)} for n in header_map.missing]
    names = "、".join(d["label"] for d in details)
    raise SpreadsheetError(MISSING_HEADERS, f"缺少必填列：{names}", details)


def header_key_map(category: Category, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """label, national code, json_name and aliases of every field → json_name (+ `extra`)."""
    out: dict[str, str] = {}
    for f in category.fields:
        for key in (f.json_name, f.label, f.code, *f.aliases):
            if key:
                out.setdefault(key, f.json_name)
    for key, name in (extra or {}).items():
        out.setdefault(key, name)
    return out


def required_fields(category: Category) -> list[str]:
    return [f.json_name for f in category.fields if f.required]


def field_labels(category: Category) -> dict[str, str]:
    return {f.json_name: f.label for f in category.fields}
