"""Pre-flight check of an uploaded .xls (BIFF8 in an OLE compound file, MS-CFB), before calamine.

1. size ≤ `max_bytes`                                                      → FILE_TOO_LARGE
2. the compound-file header: signature, byte order, sector sizes           → UNSUPPORTED_FORMAT
3. the sector allocation table (DIFAT → FAT) and every chain followed (directory, mini FAT,
   mini stream, the Workbook stream): a sector past the end of the file or a chain shorter than
   its stream (a truncated file)                                           → UNSUPPORTED_FORMAT;
   a chain that comes back to a sector it used (cycle) or runs longer than the file has sectors
                                                                           → UNSAFE_CONTENT
4. the Workbook stream's BIFF records: BOF first, no FILEPASS (encrypted), the first worksheet
   found through BOUNDSHEET; its cell records give the rows and columns in use: more non-empty
   rows than `max_rows` + 2 → TOO_MANY_ROWS; a used range (last row × last column) over
   `max_cells` → UNSAFE_CONTENT (calamine allocates the whole range).
The row count is exact for rows holding a value record; calamine's pass (formats.py) then counts
the rows that are non-empty after normalisation (a cell of spaces is empty there). Memory: the
FAT (≤ 4 bytes per 512-byte sector) and the Workbook stream (≤ the file size) are read whole.
"""
from __future__ import annotations

import os
import struct
import sys
from array import array
from pathlib import Path
from typing import Any

from .errors import FILE_TOO_LARGE, TOO_MANY_ROWS, UNSAFE_CONTENT, UNSUPPORTED_FORMAT, SpreadsheetError

SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENDOFCHAIN, FREESECT = 0xFFFFFFFE, 0xFFFFFFFF
MAX_REGSECT = 0xFFFFFFFA
MAX_CELLS = 4_000_000            # (last row + 1) × (last column + 1) that calamine may allocate

# BIFF8 record types
BOF, EOF, FILEPASS, BOUNDSHEET = 0x0809, 0x000A, 0x002F, 0x0085
CELL_RECORDS = frozenset({0x00FD, 0x0204, 0x0203, 0x027E, 0x00BD, 0x0006, 0x0205, 0x00D6})
MULRK = 0x00BD


def broken(reason: str, **extra: Any) -> SpreadsheetError:
    return SpreadsheetError(UNSUPPORTED_FORMAT, "文件已损坏或不是有效的 .xls 工作簿，请用 Excel、WPS 或 LibreOffice 重新另存后上传",
                            [{"reason": reason, **extra}])


def hostile(reason: str, **extra: Any) -> SpreadsheetError:
    return SpreadsheetError(UNSAFE_CONTENT, "文件结构异常（疑似恶意构造），已拒绝", [{"reason": reason, **extra}])


def _u32(raw: bytes) -> array:
    out = array("I")
    out.frombytes(raw[:len(raw) // 4 * 4])
    if sys.byteorder == "big":
        out.byteswap()
    return out


class Compound:
    """The sectors of one compound file, its FAT and its chains, each checked while followed."""

    def __init__(self, data: memoryview) -> None:
        self.data = data
        if len(data) < 512 or bytes(data[:8]) != SIGNATURE:
            raise broken("not an OLE compound file")
        (byte_order, shift, mini_shift) = struct.unpack_from("<3H", data, 0x1C)
        if byte_order != 0xFFFE or shift not in (9, 12) or mini_shift != 6:
            raise broken("bad compound-file header")
        self.ss = 1 << shift
        self.sectors = (len(data) - self.ss) // self.ss if len(data) > self.ss else 0
        (_, n_fat, self.dir_start, _, self.cutoff, self.minifat_start, n_minifat,
         difat_start, n_difat) = struct.unpack_from("<9L", data, 0x28)
        self.n_minifat = n_minifat
        fat_sectors = [s for s in struct.unpack_from("<109L", data, 0x4C) if s <= MAX_REGSECT]
        per = self.ss // 4 - 1
        seen: set[int] = set()
        sector = difat_start
        for _ in range(n_difat):
            if sector > MAX_REGSECT:
                break
            self._check(sector, seen, "DIFAT")
            entries = struct.unpack_from(f"<{per + 1}L", data, self._offset(sector))
            fat_sectors += [s for s in entries[:per] if s <= MAX_REGSECT]
            sector = entries[per]
        if len(fat_sectors) < n_fat or not fat_sectors:
            raise broken("FAT sectors missing", declared=n_fat, found=len(fat_sectors))
        self.fat = _u32(b"".join(bytes(data[self._offset(s):self._offset(s) + self.ss])
                                 for s in fat_sectors[:n_fat] if self._check(s, None, "FAT") is None))

    def _offset(self, sector: int) -> int:
        return (sector + 1) * self.ss

    def _check(self, sector: int, seen: set[int] | None, what: str) -> None:
        if sector >= self.sectors:
            raise broken("truncated: a sector lies past the end of the file", stream=what,
                         sector=sector, sectors=self.sectors)
        if seen is not None:
            if sector in seen:
                raise hostile("cyclic sector chain", stream=what, sector=sector)
            seen.add(sector)

    def chain(self, start: int, what: str) -> list[int]:
        """The sectors of a chain, checked: in the file, acyclic, no longer than the file."""
        out: list[int] = []
        seen: set[int] = set()
        sector = start
        while sector != ENDOFCHAIN:
            if sector > MAX_REGSECT or sector >= len(self.fat):
                raise broken("bad sector number in a chain", stream=what, sector=sector)
            self._check(sector, seen, what)
            out.append(sector)
            sector = self.fat[sector]
        return out

    def read(self, start: int, size: int, what: str) -> bytes:
        sectors = self.chain(start, what)
        if len(sectors) * self.ss < size:
            raise broken("truncated: a stream is longer than its sectors", stream=what)
        data = self.data
        return b"".join(bytes(data[self._offset(s):self._offset(s) + self.ss]) for s in sectors)[:size]

    def entries(self) -> list[tuple[str, int, int, int]]:
        """(name, type, start sector, size) of every directory entry."""
        raw = self.read(self.dir_start, len(self.chain(self.dir_start, "directory")) * self.ss, "directory")
        out = []
        for at in range(0, len(raw) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", raw, at + 64)
            start, size = struct.unpack_from("<LQ", raw, at + 116)
            name = raw[at:at + max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
            out.append((name, kind, start, size if self.ss == 4096 else size & 0xFFFFFFFF))
        return out

    def stream(self, name: str) -> bytes | None:
        entries = self.entries()
        found = next(((s, n) for nm, kind, s, n in entries if kind == 2 and nm == name), None)
        if found is None:
            return None
        start, size = found
        if size > len(self.data):
            raise broken("stream larger than the file", stream=name, size=size)
        if size >= self.cutoff:
            return self.read(start, size, name)
        root = entries[0]
        mini = self.read(root[2], root[3], "mini stream")
        minifat = _u32(self.read(self.minifat_start, self.n_minifat * self.ss, "mini FAT"))
        out, seen, sector = [], set(), start
        while sector != ENDOFCHAIN:
            if sector in seen:
                raise hostile("cyclic sector chain", stream=name, sector=sector)
            if sector >= len(minifat) or (sector + 1) * 64 > len(mini):
                raise broken("truncated mini stream", stream=name, sector=sector)
            seen.add(sector)
            out.append(mini[sector * 64:(sector + 1) * 64])
            sector = minifat[sector]
        data = b"".join(out)
        if len(data) < size:
            raise broken("truncated: a stream is longer than its sectors", stream=name)
        return data[:size]


def _records(book: bytes, at: int):
    end = len(book)
    while at + 4 <= end:
        kind, length = struct.unpack_from("<HH", book, at)
        body = at + 4
        if body + length > end:
            raise broken("truncated BIFF record", offset=at)
        yield kind, body, length
        at = body + length


def inspect_xls(path: str | Path, *, max_bytes: int, max_rows: int, max_cells: int = MAX_CELLS) -> int:
    """Check `path` (see module doc); returns the number of rows holding a value record."""
    size = os.stat(path).st_size
    if size > max_bytes:
        raise SpreadsheetError(FILE_TOO_LARGE, f"文件超过 {max_bytes // (1024 * 1024)} MB 上限",
                               [{"size": size, "limit": max_bytes}])
    with open(path, "rb") as fp:
        compound = Compound(memoryview(fp.read()))
    book = compound.stream("Workbook") or compound.stream("Book")
    if book is None:
        raise broken("no Workbook stream (not a spreadsheet)")
    records = _records(book, 0)
    first = next(records, None)
    if first is None or first[0] != BOF:
        raise broken("the Workbook stream does not start with BOF")
    sheet_at = None
    for kind, body, length in records:
        if kind == FILEPASS:
            raise SpreadsheetError(UNSUPPORTED_FORMAT, "文件已加密，请取消密码后上传", [{"reason": "encrypted"}])
        if kind == BOUNDSHEET and length >= 6 and sheet_at is None and book[body + 5] == 0:
            sheet_at = struct.unpack_from("<L", book, body)[0]
        if kind == EOF:
            break
    if sheet_at is None or sheet_at + 4 > len(book):
        raise broken("no worksheet")
    rows: set[int] = set()
    last_col = 0
    sheet = _records(book, sheet_at)
    head = next(sheet, None)
    if head is None or head[0] != BOF:
        raise broken("worksheet does not start with BOF")
    for kind, body, length in sheet:
        if kind == EOF:
            break
        if kind in CELL_RECORDS and length >= 4:
            row, col = struct.unpack_from("<HH", book, body)
            if kind == MULRK and length >= 6:
                col = max(col, struct.unpack_from("<H", book, body + length - 2)[0])
            rows.add(row)
            last_col = max(last_col, col)
            if len(rows) > max_rows + 2:
                raise SpreadsheetError(TOO_MANY_ROWS, f"数据超过 {max_rows} 行上限，请拆分为多个文件上传",
                                       [{"limit": max_rows}])
    if rows and (max(rows) + 1) * (last_col + 1) > max_cells:
        raise hostile("used range too large", rows=max(rows) + 1, columns=last_col + 1, limit=max_cells)
    return len(rows)
