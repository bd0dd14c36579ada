"""The 回退 feedback workbook: 原行号, 错误原因, 修改建议 first, then the rejected rows exactly as sent.

The three feedback columns come FIRST (SPEC §5.1, issue #23: reasons hidden in columns 32–34 were
not read), frozen with the header row and given widths, so the reason is next to the row number
on any screen; the data columns get widths from their header's length. Re-uploading the file
works as before: the reader ignores headers that name no field.

Written with XlsxWriter (about twice as fast as openpyxl's write-only mode for this; with a path,
its constant-memory mode keeps one row in memory, fine for 100,000 rows); text cells, nearly all of
them, skip the per-value dispatch (bench/preflight.py `feedback`; PERFORMANCE.md, "Intake:
pre-flight, 回退 file and memory", for the faster writers measured and why they are not used). Every string is written
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

from .headers import FEEDBACK_HEADERS

SHEET_NAME = "回退数据"
EXTRA_HEADERS = FEEDBACK_HEADERS
SEPARATOR = "；"
EXTRA_WIDTHS = (8, 60, 40)            # 原行号, 错误原因, 修改建议 (characters)
DATA_WIDTH = (10, 30)                 # a data column: from its header's length, within these bounds
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
            self.text(row, col, value if isinstance(value, str) else str(value), font)

    def text(self, row: int, col: int, value: str, font: str = "") -> None:
        """A text cell: cleaned for XML, and quoted (quotePrefix) when it looks like a formula."""
        text = clean(value)
        quoted = looks_like_formula(text)
        self.ws.write_string(row, col, text, self.format(font, quoted, False) if quoted or font else None)


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


def _data_width(header: Any) -> int:
    """A data column's width: a CJK character is two units wide."""
    text = "" if header is None else str(header)
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) + 2
    return max(DATA_WIDTH[0], min(DATA_WIDTH[1], units))


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
    lead = len(EXTRA_HEADERS)
    for col, value in enumerate(EXTRA_HEADERS):
        sheet.write(0, col, value, "red")
        sheet.ws.set_column(col, col, EXTRA_WIDTHS[col])
    for col, value in enumerate(header_cells, start=lead):
        sheet.write(0, col, value, "bold")
        sheet.ws.set_column(col, col, _data_width(value))
    sheet.ws.freeze_panes(1, lead)
    count = 0
    write, text = sheet.write, sheet.text
    for count, (row_number, cells, errors) in enumerate(rows, start=1):
        reason, hint = describe(errors, labels)
        # cells beyond the header are kept, after the header's columns; None is no cell at all
        for col, value in enumerate([row_number, reason, hint or None, *cells]):
            if type(value) is str:      # nearly every cell: plain text, written without the type dispatch
                text(count, col, value)
            elif value is not None:
                write(count, col, value)
    workbook.close()
    return count


def build_feedback(header_cells: list[Any], rows: Iterable[FeedbackRow],
                   labels: Mapping[str, str] | None = None) -> bytes:
    """The feedback workbook as bytes (use `write_feedback` with a path for big files)."""
    out = io.BytesIO()
    write_feedback(out, header_cells, rows, labels)
    return out.getvalue()
