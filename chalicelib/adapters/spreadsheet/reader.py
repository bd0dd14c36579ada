"""Row readers for the first worksheet: python-calamine (fast, used by intake) and openpyxl.

Only call them on a file that `inspect_xlsx` accepted (`read_checked` does both, in that order):
the readers parse XML themselves and rely on the pre-flight check to have refused entity
declarations, bombs and oversized sheets.

Both yield `(excel_row_number, cells)`, header row first, fully empty rows skipped (row numbers
stay the true Excel ones), cells by absolute column (index 0 = column A), normalised alike:
'' and whitespace-only strings → None; a float that is a whole number → int (so a long code
typed as a number is never rendered `1e+17`); dates stay `date`/`datetime`; bools stay bools.
Differences that remain: calamine gives `date` for a date cell at midnight where openpyxl gives
`datetime`; calamine rows all have the sheet's width, openpyxl rows end at their last cell.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .errors import NOT_XLSX, SpreadsheetError
from .safety import SheetInfo, inspect_xlsx

Row = tuple[int, list[Any]]


def normalise(value: Any) -> Any:
    t = type(value)
    if t is str:
        return None if not value or value.isspace() else value
    if t is float:
        return int(value) if value.is_integer() else value
    return value


def _unreadable(exc: BaseException) -> SpreadsheetError:
    return SpreadsheetError(NOT_XLSX, "文件无法读取，请用 Excel 另存为 .xlsx 格式后上传",
                            [{"reason": f"{type(exc).__name__}: {exc}"[:300]}])


def _first_worksheet_name(workbook: Any) -> str:
    for meta in workbook.sheets_metadata:
        if str(getattr(meta.typ, "name", meta.typ)).endswith("WorkSheet"):
            return meta.name
    raise SpreadsheetError("NO_DATA", "工作簿中没有工作表", [{"reason": "no worksheet"}])


def iter_rows(path: str | Path, sheet_name: str | None = None) -> Iterator[Row]:
    """Rows of `sheet_name` (default: the first worksheet) read with python-calamine."""
    from python_calamine import CalamineWorkbook

    norm = normalise
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # CalamineError, ZipError, XmlError, OSError …
        raise _unreadable(exc) from None
    try:
        name = sheet_name or _first_worksheet_name(workbook)
        try:
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.iter_rows()
        except Exception as exc:
            raise _unreadable(exc) from None
        # calamine pads rows from row 1 but starts columns at the first used one
        pad = [None] * sheet.start[1] if sheet.start else []
        for index, raw in enumerate(rows):
            cells = [norm(c) for c in raw]
            if not any(c is not None for c in cells):
                continue
            yield index + 1, (pad + cells if pad else cells)
    finally:
        workbook.close()


def iter_rows_openpyxl(path: str | Path, sheet_name: str | None = None) -> Iterator[Row]:
    """Same rows read with openpyxl (read_only, values_only): the slow reference reader."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:
        raise _unreadable(exc) from None
    try:
        if sheet_name is not None:
            sheet = workbook[sheet_name]
        elif workbook.worksheets:
            sheet = workbook.worksheets[0]
        else:
            raise SpreadsheetError("NO_DATA", "工作簿中没有工作表", [{"reason": "no worksheet"}])
        norm = normalise
        for number, raw in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [norm(c) for c in raw]
            if any(c is not None for c in cells):
                yield number, cells
    finally:
        workbook.close()


def read_checked(path: str | Path, *, key_map: Mapping[str, str] | None = None,
                 **limits: Any) -> tuple[SheetInfo, Iterator[Row]]:
    """`inspect_xlsx` first (raises on a bad file), then the calamine rows of the same sheet."""
    info = inspect_xlsx(path, key_map=key_map, **limits)
    return info, iter_rows(path, info.sheet_name)
