"""The 回退 feedback workbook: the rejected rows exactly as sent, plus 原行号, 错误原因, 修改建议.

Written with XlsxWriter (about twice as fast as openpyxl's write-only mode for this; with a path,
its constant-memory mode keeps one row in memory, fine for 100,000 rows). Every string is written
as a string cell — never as a formula, a number or a link — and one that a spreadsheet program
would take for a formula when edited (leading `=`, `+`, `-`, `@`, tab, CR) also gets the
quotePrefix style: a CSV/formula injection planted in an upload never runs in the operator's Excel
(the rule of every writer: chalicelib/adapters/text_cells.py).
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from chalicelib.adapters.text_cells import XLSXWRITER_OPTIONS, clean, looks_like_formula

SHEET_NAME = "回退数据"
EXTRA_HEADERS = ("原行号", "错误原因", "修改建议")
SEPARATOR = "；"
_DATES = (dt.datetime, dt.date, dt.time, dt.timedelta)


class FieldErrorLike(Protocol):
    field: str
    code: str
    message: str
    suggestion: str | None


FeedbackRow = tuple[int, list[Any], list[FieldErrorLike]]


class _Sheet:
    """One worksheet and the few cell formats the feedback needs (made once each)."""

    def __init__(self, workbook: Any) -> None:
        self.wb = workbook
        self.ws = workbook.add_worksheet(SHEET_NAME)
        self.formats: dict[tuple[str, bool, bool], Any] = {}

    def format(self, font: str, quoted: bool, date: bool) -> Any:
        key = (font, quoted, date)
        if key not in self.formats:
            spec: dict[str, Any] = {"bold": True} if font else {}
            if font == "red":
                spec["font_color"] = "#C00000"
            if quoted:
                spec["quote_prefix"] = True
            if date:
                spec["num_format"] = "yyyy-mm-dd"
            self.formats[key] = self.wb.add_format(spec) if spec else None
        return self.formats[key]

    def write(self, row: int, col: int, value: Any, font: str = "") -> None:
        ws = self.ws
        if value is None:
            if font:
                ws.write_blank(row, col, None, self.format(font, False, False))
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, self.format(font, False, False))
        elif isinstance(value, (int, float, Decimal)):
            ws.write_number(row, col, value, self.format(font, False, False))
        elif isinstance(value, _DATES):
            ws.write_datetime(row, col, value, self.format(font, False, True))
        else:
            text = clean(value if isinstance(value, str) else str(value))
            quoted = looks_like_formula(text)
            ws.write_string(row, col, text, self.format(font, quoted, False) if quoted or font else None)


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
    import xlsxwriter

    on_disk = isinstance(target, (str, Path))
    workbook = xlsxwriter.Workbook(str(target) if on_disk else target,
                                   {**XLSXWRITER_OPTIONS, "constant_memory" if on_disk else "in_memory": True})
    sheet = _Sheet(workbook)
    width = len(header_cells)
    for col, value in enumerate(header_cells):
        sheet.write(0, col, value, "bold")
    for col, value in enumerate(EXTRA_HEADERS, start=width):
        sheet.write(0, col, value, "red")
    sheet.ws.freeze_panes(1, 0)
    count = 0
    for count, (row_number, cells, errors) in enumerate(rows, start=1):
        reason, hint = describe(errors, labels)
        padded = list(cells[:width]) + [None] * (width - len(cells))
        extra = list(cells[width:])       # cells beyond the header: kept, after the extra columns
        for col, value in enumerate([*padded, row_number, reason, hint or None, *extra]):
            sheet.write(count, col, value)
    workbook.close()
    return count


def build_feedback(header_cells: list[Any], rows: Iterable[FeedbackRow],
                   labels: Mapping[str, str] | None = None) -> bytes:
    """The feedback workbook as bytes (use `write_feedback` with a path for big files)."""
    out = io.BytesIO()
    write_feedback(out, header_cells, rows, labels)
    return out.getvalue()
