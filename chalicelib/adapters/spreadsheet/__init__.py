"""Spreadsheet adapter: pre-flight safety check, row readers, header mapping, template, feedback.

Pure code (no AWS). The safety check and header mapping import only the standard library and
defusedxml; the readers, template and feedback import calamine/openpyxl when first used, so a
Lambda that only inspects or maps headers does not pay for them at cold start.

    info = inspect_xlsx(path, key_map=keys)               # raises SpreadsheetError
    rows = iter_rows(path, info.sheet_name)               # (excel_row_number, cells), header first
    header_row, header = next(rows)
    hmap = map_headers(header, keys, required)            # columns / ignored / missing
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

from .errors import SpreadsheetError
from .headers import (
    HeaderMap,
    check_headers,
    field_labels,
    header_key_map,
    is_code_row,
    map_headers,
    required_fields,
)
from .safety import SheetInfo, inspect_xlsx

_LAZY = {
    "iter_rows": "reader", "iter_rows_openpyxl": "reader", "read_checked": "reader",
    "normalise": "reader", "build_template": "template", "build_feedback": "feedback",
    "write_feedback": "feedback", "FieldErrorLike": "feedback",
}

__all__ = [
    "SpreadsheetError", "SheetInfo", "inspect_xlsx", "HeaderMap", "map_headers", "is_code_row",
    "check_headers", "header_key_map", "required_fields", "field_labels", *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
