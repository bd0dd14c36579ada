"""Pre-flight check of an uploaded .xlsx, run BEFORE any reader (calamine, openpyxl) loads it.

Order of the checks (each failure raises `SpreadsheetError` with a stable code, SPEC §5):
1. file size ≤ `max_bytes`                                              → FILE_TOO_LARGE
2. a zip archive with `[Content_Types].xml`, `xl/workbook.xml` and its relationships → NOT_XLSX
3. one end record, no duplicate member names (zip libraries must not disagree on the content),
   every member's declared size and their sum ≤ `max_uncompressed`, compression ratio ≤
   `max_ratio` (members over 1 MB)                                       → UNSAFE_CONTENT
   (an encrypted member, or a compression other than deflate/stored       → NOT_XLSX)
4. every member inflated in bounded chunks: local header ≠ central directory, more bytes than
   declared (lying header), or a `<!DOCTYPE`/`<!ENTITY` (XXE, billion laughs) in any part, in
   UTF-8 or UTF-16/32                                                     → UNSAFE_CONTENT
5. the first worksheet's rows counted from its streamed XML; stops as soon as the count passes
   the limit (more than 1,048,576 row elements of any kind → UNSAFE_CONTENT) → TOO_MANY_ROWS / NO_DATA
Memory stays constant (≈ a few MB) whatever the file holds.
"""
from __future__ import annotations

import os
import posixpath
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from defusedxml import ElementTree as SafeET

from ._xmlscan import RowCapture, RowCounter, SharedStrings, parse_cells, resolve_cells, shared_indices
from ._zipstream import DeclScanner, corrupt, iter_member, read_small, unsafe
from .errors import FILE_TOO_LARGE, NO_DATA, NOT_XLSX, TOO_MANY_ROWS, UNSAFE_CONTENT, SpreadsheetError
from .headers import is_code_row, map_headers

MAX_BYTES = 60 * 1024 * 1024
MAX_ROWS = 100_000
MAX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 10_000
RATIO_FLOOR = 1 << 20        # members smaller than this cannot inflate past anything: ratio not checked
STRUCTURE_CAP = 16 << 20     # workbook.xml, its rels and [Content_Types].xml are read whole
CAPTURE_PIECE = 1 << 16      # the header rows are looked for in pieces this big
EOCD_WINDOW = 22 + 65535     # an end-of-central-directory record and the longest zip comment

CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class SheetInfo:
    rows_total: int                 # data rows: non-empty rows after the header (and code) row
    sheet_name: str                 # the first worksheet, in workbook order
    header_row: int                 # Excel row number of the header (first non-empty row)
    header_cells: list[Any] | None  # header values by column index (None if not resolvable)
    second_row: int | None = None   # Excel row number of the first row after the header
    second_cells: list[Any] | None = None
    code_row: int | None = None     # == second_row when it is a code row (needs `key_map`)
    sheet_part: str = ""            # its zip member, e.g. "xl/worksheets/sheet1.xml" (xlsx)
    file_format: str = "xlsx"       # xlsx | xls | ods | csv
    encoding: str | None = None     # csv: utf-8-sig | gb18030
    delimiter: str | None = None    # csv: "," | "\t"
    file_size: int = 0
    uncompressed_size: int = 0
    members: list[str] = field(default_factory=list)


def _mb(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.0f}" if mb == int(mb) else f"{mb:.1f}"


def sniff(head: bytes) -> str:
    """What the first bytes of a file look like (for messages naming what was uploaded)."""
    if not head:
        return "empty"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole (xls, or an encrypted xlsx)"
    if head.startswith(b"PK"):
        return "zip"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "text"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3:
                return "text"
    return "unknown"


def zip_kind(names: Any) -> str:
    """What a zip archive holds, from its member names: xlsx, ods or a plain zip."""
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    if WORKBOOK in names:
        return "xlsx"
    return "zip"


def _not_xlsx(reason: str, **extra: Any) -> SpreadsheetError:
    return SpreadsheetError(NOT_XLSX, "文件不是有效的 xlsx 工作簿，请用 Excel 另存为 .xlsx 格式后上传",
                            [{"reason": reason, **extra}])


def _check_members(infos: list[zipfile.ZipInfo], max_uncompressed: int, max_ratio: float,
                   max_members: int) -> int:
    if len(infos) > max_members:
        raise unsafe("", f"{len(infos)} members (limit {max_members})")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise unsafe(dup[0], "duplicate member name")
    problems: list[dict[str, Any]] = []
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise SpreadsheetError(NOT_XLSX, "文件已加密，请取消密码后上传", [{"part": info.filename}])
        size, packed = info.file_size, info.compress_size
        total += size
        if size > max_uncompressed:
            problems.append({"part": info.filename, "reason": "declared size over limit",
                             "size": size, "limit": max_uncompressed})
        if size > RATIO_FLOOR and size > max_ratio * max(packed, 1):
            problems.append({"part": info.filename, "reason": "compression ratio over limit",
                             "ratio": round(size / max(packed, 1)), "limit": max_ratio})
    if total > max_uncompressed:
        problems.append({"part": "", "reason": "total size over limit", "size": total,
                         "limit": max_uncompressed})
    if problems:
        raise SpreadsheetError(
            UNSAFE_CONTENT,
            f"文件解压后超过 {_mb(max_uncompressed)} MB 或压缩比超过 {max_ratio}:1（疑似压缩炸弹），已拒绝",
            problems)
    return total


def _first_sheet(workbook: bytes, rels: bytes) -> tuple[str, str, str | None]:
    """(sheet name, worksheet part, shared-strings part or None) from workbook.xml + its rels."""
    try:
        wb_root = SafeET.fromstring(workbook)
        rel_root = SafeET.fromstring(rels)
    except Exception as exc:  # ParseError or a defusedxml refusal
        raise corrupt(WORKBOOK, f"unreadable workbook: {type(exc).__name__}") from None
    targets: dict[str, tuple[str, str]] = {}
    shared: str | None = None
    for rel in rel_root.iter():
        if not rel.tag.endswith("Relationship"):
            continue
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        targets[rel.get("Id", "")] = (kind, part)
        if kind == "sharedStrings":
            shared = part
    for sheet in wb_root.iter():
        if not (sheet.tag == "sheet" or sheet.tag.endswith("}sheet")):
            continue
        kind, part = targets.get(sheet.get(_REL_NS, ""), ("", ""))
        if kind == "worksheet":
            return sheet.get("name", ""), part, shared
    raise SpreadsheetError(NO_DATA, "工作簿中没有工作表", [{"reason": "no worksheet"}])


def _scan(fp: BinaryIO, info: zipfile.ZipInfo) -> None:
    scanner = DeclScanner(info.filename)
    for data in iter_member(fp, info):
        scanner.feed(data)
    scanner.finish()


def _too_many(max_rows: int) -> SpreadsheetError:
    return SpreadsheetError(TOO_MANY_ROWS, f"数据超过 {max_rows} 行上限，请拆分为多个文件上传",
                            [{"limit": max_rows}])


def inspect_xlsx(path: str | Path, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS,
                 max_uncompressed: int = MAX_UNCOMPRESSED, max_ratio: float = MAX_RATIO,
                 key_map: Mapping[str, str] | None = None,
                 max_members: int = MAX_MEMBERS) -> SheetInfo:
    """Check `path` and describe its first worksheet, without loading it (see module doc).

    With `key_map` (header key → json_name) a template's second header row of codes is
    recognised and not counted as data.
    """
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise _not_xlsx(f"cannot open: {type(exc).__name__}") from None
    if size > max_bytes:
        raise SpreadsheetError(FILE_TOO_LARGE, f"文件超过 {_mb(max_bytes)} MB 上限",
                               [{"size": size, "limit": max_bytes}])
    with open(path, "rb") as fp:
        infos = open_zip(fp, size, _not_xlsx)
        by_name = {i.filename: i for i in infos}
        absent = [n for n in (CONTENT_TYPES, WORKBOOK, WORKBOOK_RELS) if n not in by_name]
        if absent:
            raise _not_xlsx("missing parts", parts=absent, detected=zip_kind(by_name))
        total = _check_members(infos, max_uncompressed, max_ratio, max_members)

        read_small(fp, by_name[CONTENT_TYPES], STRUCTURE_CAP)
        workbook = read_small(fp, by_name[WORKBOOK], STRUCTURE_CAP)
        rels = read_small(fp, by_name[WORKBOOK_RELS], STRUCTURE_CAP)
        sheet_name, sheet_part, sst_part = _first_sheet(workbook, rels)
        if sheet_part not in by_name:
            raise _not_xlsx("worksheet part missing", parts=[sheet_part])
        scan_members(fp, infos, {CONTENT_TYPES, WORKBOOK, WORKBOOK_RELS, sheet_part})

        sheet = by_name[sheet_part]
        scanner, counter, capture = DeclScanner(sheet_part), RowCounter(sheet_part), RowCapture(sheet_part)
        stop_at = max_rows + 2      # header + a possible code row + max_rows
        for data in iter_member(fp, sheet):
            scanner.feed(data)
            counter.feed(data)
            if counter.nonempty > stop_at:
                raise _too_many(max_rows)
            for at in range(0, len(data), CAPTURE_PIECE):
                if capture.done:
                    break
                capture.feed(data[at:at + CAPTURE_PIECE])
        scanner.finish()
        counter.finish()
        if not capture.done:
            capture.finish()

        if counter.nonempty < 2:
            raise _no_data(sheet_name)
        rows = _resolve_rows(fp, capture.captured, by_name.get(sst_part) if sst_part else None)
        return describe(counter.nonempty, rows, sheet_name=sheet_name, key_map=key_map, max_rows=max_rows,
                        sheet_part=sheet_part, file_size=size, uncompressed_size=total,
                        members=list(by_name))


def _no_data(sheet_name: str) -> SpreadsheetError:
    return SpreadsheetError(NO_DATA, "工作表没有数据行（只有表头或为空）", [{"sheet": sheet_name, "rows": 0}])


def describe(nonempty: int, rows: list[tuple[int | None, list[Any] | None]], *, sheet_name: str,
             key_map: Mapping[str, str] | None, max_rows: int, **extra: Any) -> SheetInfo:
    """The SheetInfo of a sheet with `nonempty` non-empty rows whose first two are `rows`, in any
    format: a template's code row is recognised (with `key_map`) and not counted as data."""
    if nonempty < 2:
        raise _no_data(sheet_name)
    rows = list(rows) + [(None, None)] * (2 - len(rows))  # the capture never outruns the count; be safe
    (header_row, header_cells), (second_row, second_cells) = rows[0], rows[1]
    code_row = None
    if key_map is not None and header_cells is not None and second_cells is not None:
        columns = map_headers(header_cells, key_map, ()).columns
        if is_code_row(second_cells, key_map, columns):
            code_row = second_row
    data_rows = nonempty - (2 if code_row else 1)
    if data_rows > max_rows:
        raise _too_many(max_rows)
    if data_rows == 0:
        raise _no_data(sheet_name)
    return SheetInfo(rows_total=data_rows, sheet_name=sheet_name, header_row=header_row or 0,
                     header_cells=header_cells, second_row=second_row, second_cells=second_cells,
                     code_row=code_row, **extra)


def open_zip(fp: BinaryIO, size: int, refuse: Any) -> list[zipfile.ZipInfo]:
    """The members of a zip file (xlsx, ods) after the structural checks every zip format shares;
    `refuse(reason, **details)` makes the error for a file that is no zip at all."""
    head = fp.read(8)
    fp.seek(0)
    if not zipfile.is_zipfile(fp):
        raise refuse("not a zip archive", detected=sniff(head))
    fp.seek(max(0, size - EOCD_WINDOW))
    if fp.read().count(b"PK\x05\x06") > 1:
        # two end records: zip libraries may disagree on which central directory is real
        raise unsafe("", "several end-of-central-directory records", "压缩包结构异常，已拒绝")
    fp.seek(0)
    try:
        return zipfile.ZipFile(fp).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise refuse(f"bad zip: {exc}") from None


def scan_members(fp: BinaryIO, infos: list[zipfile.ZipInfo], skip: set[str]) -> None:
    """Every member not in `skip` inflated in bounded chunks and searched for DOCTYPE/ENTITY."""
    for info in infos:
        if info.filename not in skip:
            _scan(fp, info)


def _resolve_rows(fp: BinaryIO, captured: list[tuple[int, bytes | None]],
                  sst: zipfile.ZipInfo | None) -> list[tuple[int | None, list[Any] | None]]:
    parsed = [(rowno, parse_cells(body) if body is not None else None) for rowno, body in captured]
    needed: set[int] = set()
    for _, cells in parsed:
        if cells is not None:
            needed |= shared_indices(cells)
    strings: dict[int, str] = {}
    if needed and sst is not None:
        reader = SharedStrings(sst.filename, needed)
        for data in iter_member(fp, sst):
            reader.feed(data)
            if reader.done:
                break
        reader.finish()
        strings = reader.found
    out: list[tuple[int | None, list[Any] | None]] = [
        (rowno, resolve_cells(cells, strings) if cells is not None else None) for rowno, cells in parsed]
    return out
