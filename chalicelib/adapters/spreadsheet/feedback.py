"""The 回退 feedback workbook: the rejected rows exactly as sent, plus 原行号, 错误原因, 修改建议.

Written with openpyxl's write-only mode (constant memory, fine for 100,000 rows). Every string
that a spreadsheet program would take for a formula (leading `=`, `+`, `-`, `@`, tab, CR) is
written as a text cell (data type 's', quotePrefix style): a CSV/formula injection planted in an
upload never runs in the operator's Excel.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

SHEET_NAME = "回退数据"
EXTRA_HEADERS = ("原行号", "错误原因", "修改建议")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32767           # Excel's limit per cell
SEPARATOR = "；"
_PLAIN = (int, float, Decimal, bool, dt.date, dt.datetime, dt.time, dt.timedelta)


class FieldErrorLike(Protocol):
    field: str
    code: str
    message: str
    suggestion: str | None


FeedbackRow = tuple[int, list[Any], list[FieldErrorLike]]


def _clean(text: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _cell(ws: Any, value: Any, font: Font | None = None) -> Any:
    """A value for `ws.append`: plain values as they are (openpyxl makes their cells), a cell
    object only where it needs a style or must be kept from being read as a formula."""
    if not (value is None or isinstance(value, _PLAIN)):
        value = _clean(value if isinstance(value, str) else str(value))
        if value.startswith(FORMULA_PREFIXES):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"        # openpyxl would otherwise store '=…' as a formula
            cell.quotePrefix = True
            if font is not None:
                cell.font = font
            return cell
    if font is None:
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.font = font
    return cell


def _label(field: str, labels: Mapping[str, str]) -> str:
    return labels.get(field, field) if field else "整行"


def describe(errors: Iterable[FieldErrorLike], labels: Mapping[str, str] | None = None
             ) -> tuple[str, str]:
    """(错误原因, 修改建议) of one row: "字段名：消息 [CODE]" joined by "；"."""
    labels = labels or {}
    reasons: list[str] = []
    hints: list[str] = []
    for err in errors:
        name = _label(getattr(err, "field", "") or "", labels)
        reasons.append(f"{name}：{err.message} [{err.code}]")
        suggestion = getattr(err, "suggestion", None)
        if suggestion:
            hints.append(f"{name}：{suggestion}")
    return SEPARATOR.join(reasons), SEPARATOR.join(hints)


def write_feedback(target: str | Path | BinaryIO, header_cells: list[Any],
                   rows: Iterable[FeedbackRow], labels: Mapping[str, str] | None = None) -> int:
    """Write the feedback workbook to a path or binary file object; returns the rows written.

    `rows`: (excel row number, cells as read, errors) — may be a generator; `labels` turns the
    errors' json field names into the Chinese labels operators know.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_NAME)
    bold, red = Font(bold=True), Font(bold=True, color="C00000")
    width = len(header_cells)
    header = [_cell(ws, v, bold) for v in header_cells]
    header += [_cell(ws, v, red) for v in EXTRA_HEADERS]
    ws.freeze_panes = "A2"
    ws.append(header)
    count = 0
    for row_number, cells, errors in rows:
        reason, hint = describe(errors, labels)
        padded = list(cells[:width]) + [None] * (width - len(cells))
        extra = list(cells[width:])       # cells beyond the header: kept, after the extra columns
        ws.append([_cell(ws, v) for v in padded]
                  + [_cell(ws, row_number), _cell(ws, reason), _cell(ws, hint or None)]
                  + [_cell(ws, v) for v in extra])
        count += 1
    wb.save(target)
    return count


def build_feedback(header_cells: list[Any], rows: Iterable[FeedbackRow],
                   labels: Mapping[str, str] | None = None) -> bytes:
    """The feedback workbook as bytes (use `write_feedback` with a path for big files)."""
    out = io.BytesIO()
    write_feedback(out, header_cells, rows, labels)
    return out.getvalue()
