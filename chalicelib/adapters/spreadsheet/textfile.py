"""CSV uploads: pre-flight (size, NUL bytes, line length, encoding, row count) and the row reader.

Encoding (SPEC §5): UTF-8 with or without BOM, else GB18030 (a superset of GBK), else
BAD_ENCODING. Decided line by line over the whole file before any row is read: every line that
is not plain ASCII must decode in at least one of the two; a file with lines only UTF-8 reads
AND lines only GB18030 reads (a GBK export appended to a UTF-8 one) is BAD_ENCODING too, since
decoding it either way garbles a part. Lines both read (a short GBK line can be valid UTF-8 by
chance) decide nothing: GB18030 as soon as one line needs it, else UTF-8.
Lines are read with a length limit, so a 60 MB line never sits in memory whole. Separator:
comma, or tab when the first line holds more tabs than commas. Rows come from the standard `csv`
module, numbered by record (1 = the header), empty records skipped, cells normalised like the
spreadsheet readers ('' → None); every cell stays text (dates are parsed by the validation).
"""
from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .errors import BAD_ENCODING, FILE_TOO_LARGE, UNSAFE_CONTENT, SpreadsheetError
from .safety import SheetInfo, describe

MAX_LINE = 1 << 20           # bytes in one physical line
MAX_FIELD = MAX_LINE         # characters in one field (csv's own default is 128 KiB)
UTF8, GB18030 = "utf-8-sig", "gb18030"


def _bad_encoding(reason: str, **extra: Any) -> SpreadsheetError:
    return SpreadsheetError(BAD_ENCODING, "CSV 文件编码无法识别，请另存为 UTF-8 或 GBK（GB18030）编码后上传",
                            [{"reason": reason, **extra}])


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _encoding(path: str | Path, max_line: int) -> str:
    utf8 = gb = 0
    first_utf8 = first_gb = None
    with open(path, "rb") as fp:
        if fp.read(2) in (b"\xff\xfe", b"\xfe\xff"):
            raise _bad_encoding("UTF-16 (byte order mark)")
        fp.seek(0)
        number = 0
        while True:
            line = fp.readline(max_line + 1)
            if not line:
                break
            number += 1
            if len(line) > max_line and not line.endswith(b"\n"):
                raise SpreadsheetError(UNSAFE_CONTENT, f"CSV 文件第 {number} 行超过 {max_line // 1024} KB，已拒绝",
                                       [{"reason": "line too long", "line": number, "limit": max_line}])
            if b"\x00" in line:
                raise _bad_encoding("NUL bytes (binary data or UTF-16)", line=number)
            if line.isascii():
                continue
            is_utf8, is_gb = _decodes(line, "utf-8"), _decodes(line, GB18030)
            if not (is_utf8 or is_gb):
                raise _bad_encoding("neither UTF-8 nor GB18030", line=number)
            if is_utf8 and not is_gb:       # only UTF-8 reads this line
                utf8, first_utf8 = utf8 + 1, first_utf8 or number
            elif is_gb and not is_utf8:     # only GB18030 reads it (a short GBK line may read as both)
                gb, first_gb = gb + 1, first_gb or number
    if utf8 and gb:
        raise _bad_encoding("mixed encodings: UTF-8 and GB18030 lines in one file",
                            utf8_line=first_utf8, gb18030_line=first_gb)
    return GB18030 if gb else UTF8


def _records(path: str | Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, strict=False)
        try:
            for number, raw in enumerate(reader, start=1):
                cells = [c if c and not c.isspace() else None for c in raw]
                if any(c is not None for c in cells):
                    yield number, cells
        except csv.Error as exc:
            raise SpreadsheetError(UNSAFE_CONTENT, "CSV 文件格式错误，无法读取",
                                   [{"reason": str(exc)[:200], "line": reader.line_num}]) from None


def _delimiter(path: str | Path, encoding: str, max_line: int) -> str:
    with open(path, encoding=encoding, newline="") as fh:
        first = fh.readline(max_line)
    return "\t" if first.count("\t") > first.count(",") else ","


def inspect_csv(path: str | Path, *, max_bytes: int, max_rows: int,
                key_map: Mapping[str, str] | None = None, max_line: int = MAX_LINE) -> SheetInfo:
    """Check `path` and describe it (see module doc); raises SpreadsheetError."""
    size = os.stat(path).st_size
    if size > max_bytes:
        raise SpreadsheetError(FILE_TOO_LARGE, f"文件超过 {max_bytes // (1024 * 1024)} MB 上限",
                               [{"size": size, "limit": max_bytes}])
    encoding = _encoding(path, max_line)
    delimiter = _delimiter(path, encoding, max_line)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD))
    nonempty, first = 0, []
    for row in _records(path, encoding, delimiter):
        nonempty += 1
        if nonempty <= 2:
            first.append(row)
        if nonempty > max_rows + 2:
            break
    return describe(nonempty, first, sheet_name="CSV", key_map=key_map, max_rows=max_rows,
                    file_size=size, file_format="csv", encoding=encoding, delimiter=delimiter)


def iter_csv_rows(path: str | Path, info: SheetInfo) -> Iterator[tuple[int, list[Any]]]:
    """The rows of a CSV file that `inspect_csv` accepted, header first."""
    return _records(path, info.encoding or UTF8, info.delimiter or ",")

