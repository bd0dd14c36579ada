"""Text stays text: the one rule every xlsx and CSV writer of the platform applies (SPEC §6.5).

A spreadsheet program takes a cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage
return for a formula (CSV/formula injection: `=HYPERLINK(…)`, `=cmd|…`, `@SUM(…)`). Whatever a user
typed — a department name, a record field, a catalog label — is written so that it never is one:

- openpyxl (`put`): the cell is a string cell (openpyxl would make `=…` a formula cell), and text
  that looks like a formula also gets the quotePrefix style, so re-editing it in Excel keeps it text;
- XlsxWriter (`xlsxwriter_options`, `looks_like_formula`): strings are never turned into formulas,
  numbers or links, and the writer adds the quote_prefix format to formula-like text;
- CSV (`csv_text`): CSV has no types, so formula-like text gets a leading apostrophe (OWASP's advice);
  plain numbers such as `-12.5` stay as they are.
"""
from __future__ import annotations

import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32767           # Excel's limit per cell
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")   # not allowed in XML 1.0 (as openpyxl's ILLEGAL_CHARACTERS_RE)
XLSXWRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def clean(text: str) -> str:
    """Text an xlsx cell can hold: no characters XML 1.0 forbids, at most MAX_CELL_CHARS."""
    text = _ILLEGAL.sub("", text)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def put(ws: Any, row: int, column: int, value: Any) -> Any:
    """openpyxl: `ws.cell(row, column, value)`, with any string stored as a string, never a formula."""
    if isinstance(value, str):
        value = clean(value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value):
            from openpyxl.styles.cell_style import StyleArray

            if not cell._style:
                cell._style = StyleArray()
            cell._style.quotePrefix = 1
    return cell


def csv_text(value: Any) -> str:
    """A CSV field: the value as text, with a leading apostrophe when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    if looks_like_formula(text) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text
