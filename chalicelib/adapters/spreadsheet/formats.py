"""The four upload formats (SPEC §5): the extension names the format, the content must agree,
each has its pre-flight before any reader runs, and all end in the same rows.

    fmt = format_of("处罚.xls")                      # xlsx | xls | ods | csv, or None
    info, rows = open_checked(path, fmt, key_map=…, max_bytes=…, max_rows=…)

- xlsx: `inspect_xlsx` (safety.py), then calamine.
- xls:  `inspect_xls` (ole.py: compound file, sector chains, BIFF rows), then calamine.
- ods:  the zip rules of xlsx (members' sizes and ratio, DOCTYPE/ENTITY in any part, bounded
        inflation), the mimetype, and content.xml's first table streamed through expat (no text kept):
        rows with content counted (× table:number-rows-repeated) → TOO_MANY_ROWS, and the used
        range (rows × columns, repeats included) bounded → UNSAFE_CONTENT; then calamine.
- csv:  `inspect_csv` (textfile.py), then the csv module.
For xls and ods the exact count of non-empty rows (after the readers' normalisation) and the
header/code rows come from one pass over calamine's sheet, which the pre-flight has bounded.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from xml.parsers import expat

from ._zipstream import DeclScanner, iter_member, read_small
from .errors import NO_DATA, TOO_MANY_ROWS, UNSAFE_CONTENT, UNSUPPORTED_FORMAT, SpreadsheetError
from .ole import MAX_CELLS, inspect_xls
from .reader import Row
from .safety import (
    MAX_RATIO,
    MAX_UNCOMPRESSED,
    SheetInfo,
    _check_members,
    describe,
    open_zip,
    scan_members,
    sniff,
    zip_kind,
)
from .textfile import inspect_csv, iter_csv_rows

FORMATS = ("xlsx", "xls", "ods", "csv")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_T = "urn:oasis:names:tc:opendocument:xmlns:table:1.0}"     # expat's names: uri + "}" + local
_O = "urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE, _ROW, _CELL, _COVERED = _T + "table", _T + "table-row", _T + "table-cell", _T + "covered-table-cell"
_ROWS_REPEATED, _COLS_REPEATED, _VALUE_TYPE = _T + "number-rows-repeated", _T + "number-columns-repeated", _O + "value-type"


def format_of(filename: str) -> str | None:
    """The format named by a file name's extension, or None."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return ext if ext in FORMATS else None


def looks_like(path: str | Path) -> str:
    """What a file's content looks like: xlsx, ods, zip, ole (xls), pdf, text, empty, unknown."""
    with open(path, "rb") as fp:
        head = fp.read(8)
        kind = sniff(head)
        if kind == "zip":
            try:
                return zip_kind(zipfile.ZipFile(fp).namelist())
            except (zipfile.BadZipFile, ValueError, EOFError, OSError):
                return "zip"
    return kind


def mismatch(fmt: str, detected: str) -> SpreadsheetError:
    return SpreadsheetError(
        UNSUPPORTED_FORMAT, f"文件内容看起来是 {detected}，与扩展名 .{fmt} 不符；请用 Excel、WPS 或 LibreOffice 另存为所选格式后上传",
        [{"reason": "content does not match the extension", "extension": fmt, "detected": detected}])


def _refuse_ods(reason: str, **extra: Any) -> SpreadsheetError:
    return SpreadsheetError(UNSUPPORTED_FORMAT, "文件不是有效的 .ods 工作簿，请用 LibreOffice 或 WPS 重新另存后上传",
                            [{"reason": reason, **extra}])


def _too_many(max_rows: int) -> SpreadsheetError:
    return SpreadsheetError(TOO_MANY_ROWS, f"数据超过 {max_rows} 行上限，请拆分为多个文件上传", [{"limit": max_rows}])


class _OdsRows:
    """Counts the rows with content of the first table of a streamed content.xml.

    expat with element handlers only: character data is never kept (whatever a part holds
    between tags, memory stays constant); a cell has content if it has a value type or any child
    element (text:p); repeats multiply rows and columns."""

    def __init__(self, max_rows: int, max_cells: int) -> None:
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.max_rows, self.max_cells = max_rows, max_cells
        self.depth = 0              # table nesting; > 0 inside the first table
        self.done = False
        self.nonempty = 0
        self.row_at = 0             # rows seen (repeats included)
        self.used_rows = 0          # 1 + the last row with content
        self.used_cols = 0
        self.col = 0
        self.row_has = False
        self.row_repeat = 1
        self.cell: tuple[int, bool] | None = None   # (columns repeated, has content) of the open cell

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        if self.done:
            return
        if tag == _TABLE:
            self.depth += 1
        elif not self.depth:
            return
        elif self.cell is not None:
            self.cell = (self.cell[0], True)
        elif tag == _ROW:
            self.col, self.row_has = 0, False
            self.row_repeat = int(attrs.get(_ROWS_REPEATED) or 1)
        elif tag in (_CELL, _COVERED):
            self.cell = (int(attrs.get(_COLS_REPEATED) or 1), bool(attrs.get(_VALUE_TYPE)))

    def _end(self, tag: str) -> None:
        if self.done or not self.depth:
            return
        if tag == _TABLE:
            self.depth -= 1
            self.done = self.depth == 0
        elif tag in (_CELL, _COVERED) and self.cell is not None:
            repeat, has = self.cell
            self.cell = None
            if has:
                self.row_has = True
                self.used_cols = max(self.used_cols, self.col + repeat)
            self.col += repeat
        elif tag == _ROW and self.cell is None:
            self.row_at += self.row_repeat
            if self.row_has:
                self.nonempty += self.row_repeat
                self.used_rows = self.row_at
                if self.nonempty > self.max_rows + 2:
                    raise _too_many(self.max_rows)
                if self.used_rows * self.used_cols > self.max_cells:
                    raise SpreadsheetError(UNSAFE_CONTENT, "表格范围过大（疑似恶意构造），已拒绝",
                                           [{"reason": "used range too large", "rows": self.used_rows,
                                             "columns": self.used_cols, "limit": self.max_cells}])

    def feed(self, data: bytes) -> None:
        if not self.done:
            self.parser.Parse(data, False)

    def close(self) -> None:
        if not self.done:
            self.parser.Parse(b"", True)


def inspect_ods(path: str | Path, *, max_bytes: int, max_rows: int, max_uncompressed: int = MAX_UNCOMPRESSED,
                max_ratio: float = MAX_RATIO, max_members: int = 10_000, max_cells: int = MAX_CELLS) -> int:
    """Check an .ods (see module doc); returns the rows with content of its first table."""
    import os

    size = os.stat(path).st_size
    if size > max_bytes:
        raise SpreadsheetError("FILE_TOO_LARGE", f"文件超过 {max_bytes // (1024 * 1024)} MB 上限",
                               [{"size": size, "limit": max_bytes}])
    with open(path, "rb") as fp:
        infos = open_zip(fp, size, _refuse_ods)
        by_name = {i.filename: i for i in infos}
        if zip_kind(by_name) != "ods":
            raise mismatch("ods", zip_kind(by_name))
        _check_members(infos, max_uncompressed, max_ratio, max_members)
        if read_small(fp, by_name["mimetype"], 1024).strip() != ODS_MIMETYPE:
            raise mismatch("ods", "an OpenDocument file that is not a spreadsheet")
        scan_members(fp, infos, {"content.xml"})
        content = by_name["content.xml"]
        scanner, rows = DeclScanner("content.xml"), _OdsRows(max_rows, max_cells)
        try:
            for data in iter_member(fp, content):
                scanner.feed(data)      # before the parser sees the bytes: no DOCTYPE reaches it
                rows.feed(data)
            scanner.finish()
            rows.close()
        except expat.ExpatError as exc:
            raise _refuse_ods(f"content.xml: {exc}"[:200]) from None
    return rows.nonempty


def _calamine_info(path: str | Path, fmt: str, key_map: Mapping[str, str] | None, max_rows: int,
                   size: int) -> SheetInfo:
    """Exact non-empty row count and the first two rows of the first worksheet, by calamine."""
    from .reader import iter_rows

    nonempty, first = 0, []
    for row in iter_rows(path):
        nonempty += 1
        if nonempty <= 2:
            first.append(row)
    return describe(nonempty, first, sheet_name="", key_map=key_map, max_rows=max_rows,
                    file_size=size, file_format=fmt)


def open_checked(path: str | Path, fmt: str, *, key_map: Mapping[str, str] | None = None,
                 max_bytes: int, max_rows: int) -> tuple[SheetInfo, Iterator[Row]]:
    """The pre-flight of `fmt` (raises SpreadsheetError), then the rows, header first."""
    from .reader import iter_rows, read_checked

    if fmt == "xlsx":
        return read_checked(path, key_map=key_map, max_bytes=max_bytes, max_rows=max_rows)
    detected = looks_like(path)
    if fmt == "csv":
        if detected not in ("text", "unknown", "empty"):
            raise mismatch(fmt, detected)
        info = inspect_csv(path, key_map=key_map, max_bytes=max_bytes, max_rows=max_rows)
        return info, iter_csv_rows(path, info)
    if fmt == "xls":
        if not detected.startswith("ole"):
            raise mismatch(fmt, detected)
        counted = inspect_xls(path, max_bytes=max_bytes, max_rows=max_rows)
    elif fmt == "ods":
        if detected not in ("ods", "zip"):
            raise mismatch(fmt, detected)
        counted = inspect_ods(path, max_bytes=max_bytes, max_rows=max_rows)
    else:
        raise SpreadsheetError(UNSUPPORTED_FORMAT, f"不支持 .{fmt} 格式", [{"extension": fmt}])
    if counted < 2:
        raise SpreadsheetError(NO_DATA, "工作表没有数据行（只有表头或为空）", [{"rows": counted}])
    info = _calamine_info(path, fmt, key_map, max_rows, Path(path).stat().st_size)
    return info, iter_rows(path)


def rows_of(path: str | Path, fmt: str) -> Iterator[Row]:
    """The normalised rows of a file already checked (tests, tools)."""
    if fmt == "csv":
        return iter_csv_rows(path, inspect_csv(path, max_bytes=1 << 40, max_rows=1 << 30))
    from .reader import iter_rows

    return iter_rows(path)


__all__ = ["FORMATS", "format_of", "looks_like", "open_checked", "inspect_ods", "inspect_xls",
           "inspect_csv", "rows_of"]
