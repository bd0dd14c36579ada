"""Constant-memory byte scanners over streamed OOXML parts (no DOM, no XML parser).

They run only on parts that passed the DOCTYPE/ENTITY scan, so the only references left in the
text are XML's predefined and numeric ones. Tags may carry a namespace prefix (`<x:row>`), as
some generators write them. In XML `<` cannot occur inside attribute values or escaped text, so
finding tags by bytes is exact for everything Excel, LibreOffice, WPS and openpyxl produce.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ._zipstream import unsafe

_P = rb"(?:[A-Za-z_][\w.-]{0,31}:)?"            # optional namespace prefix (bounded length)
_KEEP = 256                                     # bytes carried over a chunk boundary
_MAX_TAG = 1 << 20                              # a start tag longer than this is hostile
_VALUE = re.compile(rb"<" + _P + rb"[vt](?:\s[^>]*)?>\s*[^<\s]")  # <v>/<t> with some text
_ROW_R = re.compile(rb'(?:^|\s)r\s*=\s*"(\d+)"')
_CELL = re.compile(rb"<" + _P + rb"c(?=[\s/>])([^>]*?)(?:/>|>(.*?)</" + _P + rb"c\s*>)", re.S)
_CELL_R = re.compile(rb'(?:^|\s)r\s*=\s*"([A-Za-z]{1,3})\d*"')
_CELL_T = re.compile(rb'(?:^|\s)t\s*=\s*"(\w+)"')
_V = re.compile(rb"<" + _P + rb"v(?:\s[^>]*)?>(.*?)</" + _P + rb"v\s*>", re.S)
_T = re.compile(rb"<" + _P + rb"t(?:\s[^>]*)?>(.*?)</" + _P + rb"t\s*>", re.S)
EXCEL_MAX_ROWS = 1_048_576
_RPH = re.compile(rb"<" + _P + rb"rPh(?=[\s/>]).*?</" + _P + rb"rPh\s*>", re.S)


class _ElementScanner:
    """Finds the elements named `tag` in a byte stream; calls open/body/close for each."""

    def __init__(self, part: str, tag: bytes) -> None:
        self.part = part
        self._start = re.compile(rb"<" + _P + tag + rb"(?=[\s/>])")
        self._end = re.compile(rb"</" + _P + tag + rb"\s*>")
        self._carry = b""
        self._inside = False

    def feed(self, chunk: bytes) -> None:
        buf = self._carry + chunk if self._carry else chunk
        self._carry = b""
        pos, n = 0, len(buf)
        while True:
            if not self._inside:
                m = self._start.search(buf, pos)
                if m is None:
                    self._carry = buf[max(pos, n - _KEEP):]
                    return
                gt = buf.find(b">", m.end())
                if gt == -1:
                    self._carry = buf[m.start():]
                    if len(self._carry) > _MAX_TAG:
                        raise unsafe(self.part, "start tag too long")
                    return
                attrs = buf[m.end():gt]
                pos = gt + 1
                if attrs.endswith(b"/"):
                    self.open(attrs[:-1])
                    self.close()
                else:
                    self.open(attrs)
                    self._inside = True
            else:
                e = self._end.search(buf, pos)
                if e is None:
                    cut = max(pos, n - _KEEP)
                    if cut > pos:
                        self.body(buf[pos:cut])
                    self._carry = buf[cut:]
                    return
                self.body(buf[pos:e.start()])
                self._inside = False
                self.close()
                pos = e.end()

    def finish(self) -> None:
        if self._inside:          # truncated part: deliver what is left
            self.body(self._carry)
            self._inside = False
            self.close()
        self._carry = b""

    def open(self, attrs: bytes) -> None: ...
    def body(self, seg: bytes) -> None: ...
    def close(self) -> None: ...


class RowCounter:
    """Counts the `<row>`s holding at least one non-empty `<v>`/`<t>`: per row one regex search
    in C between its start and the next row's start (values only occur inside rows), so about
    1 µs a row; the state carried over chunk boundaries is a few hundred bytes."""

    _PLAIN = re.compile(rb"<row[\s/>]")                         # literal prefix: fast search
    _PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]{0,31}:row[\s/>]")  # only run if ":row" occurs
    _COLON = re.compile(rb":row[\s/>]")    # sre's literal-prefix search: ~2× `bytes.__contains__`

    def __init__(self, part: str) -> None:
        self.part = part
        self.nonempty = 0
        self.elements = 0           # every row element, empty ones included
        self._carry = b""
        self._pending = False       # a row started before the buffer's first row start
        self._pending_has = False

    def feed(self, chunk: bytes, final: bool = False) -> None:
        buf = self._carry + chunk if self._carry else chunk
        n = len(buf)
        cut = n if final else max(0, n - _KEEP)   # row starts at/after `cut` wait for more data
        starts = self._starts(buf, n)
        done = [s for s in starts if s < cut]
        self.elements += len(done)
        if self.elements > EXCEL_MAX_ROWS:
            raise unsafe(self.part, f"more than {EXCEL_MAX_ROWS} row elements",
                         f"工作表的行数超过 Excel 上限（{EXCEL_MAX_ROWS} 行），文件已拒绝")
        nxt = starts[len(done)] if len(starts) > len(done) else n
        value = _VALUE.search
        if self._pending:
            end = done[0] if done else nxt
            if not self._pending_has and value(buf, 0, end):
                self._pending_has = True
            if done:
                self.nonempty += self._pending_has
                self._pending = False
        for i in range(len(done) - 1):
            if value(buf, done[i], done[i + 1]):
                self.nonempty += 1
        if done:
            self._pending = True
            self._pending_has = value(buf, done[-1], nxt) is not None
        self._carry = buf[cut:]

    def _starts(self, buf: bytes, n: int) -> list[int]:
        """Offsets of the `<row`/`<x:row` start tags, found by regexes in C (text cannot contain
        `<`, so every match is a real row). Over 1,048,576 row elements (Excel's maximum) the
        part is hostile: refused before the per-row work can add up."""
        starts = [m.start() for m in self._PLAIN.finditer(buf, 0, n)]
        if self._COLON.search(buf, 0, n):
            starts = sorted(starts + [m.start() for m in self._PREFIXED.finditer(buf, 0, n)])
        return starts

    def finish(self) -> None:
        self.feed(b"", final=True)
        if self._pending:
            self.nonempty += self._pending_has
            self._pending = False
        self._carry = b""


class RowCapture(_ElementScanner):
    """Keeps the first `capture` non-empty rows' XML (header and the row after it); feed it only
    until `done`."""

    def __init__(self, part: str, capture: int = 2, capture_cap: int = 1 << 20) -> None:
        super().__init__(part, b"row")
        self.captured: list[tuple[int, bytes | None]] = []  # (excel row number, row xml body)
        self._want, self._cap_limit = capture, capture_cap
        self._rowno = 0
        self._has = False
        self._tail = b""
        self._cap: bytearray | None = None
        self._overflow = False

    def open(self, attrs: bytes) -> None:
        self._has, self._tail = False, b""
        if len(self.captured) < self._want:
            m = _ROW_R.search(attrs)
            self._rowno = int(m.group(1)) if m else self._rowno + 1
            self._cap, self._overflow = bytearray(), False

    def body(self, seg: bytes) -> None:
        if not self._has:
            if _VALUE.search(self._tail + seg if self._tail else seg):
                self._has = True
            else:
                self._tail = seg[-_KEEP:]
        if self._cap is not None and not self._overflow:
            self._cap += seg
            if len(self._cap) > self._cap_limit:   # too long to keep: header left unknown
                self._cap, self._overflow = bytearray(), True

    @property
    def done(self) -> bool:
        return len(self.captured) >= self._want

    def close(self) -> None:
        if self._has and self._cap is not None:
            self.captured.append((self._rowno, None if self._overflow else bytes(self._cap)))
        self._cap = None


class SharedStrings(_ElementScanner):
    """Collects the shared strings whose index is in `needed`; `done` once the last is seen."""

    def __init__(self, part: str, needed: Iterable[int], cap: int = 1 << 20) -> None:
        super().__init__(part, b"si")
        self.needed = set(needed)
        self.last = max(self.needed, default=-1)
        self.found: dict[int, str] = {}
        self.done = self.last < 0
        self._idx = -1
        self._cap_limit = cap
        self._cap: bytearray | None = None

    def open(self, attrs: bytes) -> None:
        self._idx += 1
        self._cap = bytearray() if self._idx in self.needed else None

    def body(self, seg: bytes) -> None:
        if self._cap is not None and len(self._cap) <= self._cap_limit:
            self._cap += seg

    def close(self) -> None:
        if self._cap is not None:
            self.found[self._idx] = rich_text(bytes(self._cap[: self._cap_limit]))
            self._cap = None
        if self._idx >= self.last:
            self.done = True


def _text(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", "replace"))


def rich_text(body: bytes) -> str:
    """Text of an `<si>`/`<is>` body: the `<t>` runs, phonetic runs left out."""
    return "".join(_text(t) for t in _T.findall(_RPH.sub(b"", body)))


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n - 1


def parse_cells(body: bytes) -> list[tuple[int, str, str]]:
    """(column index, cell type, raw text) of the cells of a captured `<row>` body."""
    out: list[tuple[int, str, str]] = []
    col = -1
    for m in _CELL.finditer(body):
        attrs, inner = m.group(1), m.group(2) or b""
        r = _CELL_R.search(attrs)
        col = _col_index(r.group(1)) if r else col + 1
        t = _CELL_T.search(attrs)
        kind = t.group(1).decode() if t else "n"
        if kind == "inlineStr":
            out.append((col, "str", rich_text(inner)))
        else:
            v = _V.search(inner)
            if v is not None:
                out.append((col, kind, _text(v.group(1))))
    return out


def shared_indices(cells: Iterable[tuple[int, str, str]]) -> set[int]:
    return {int(raw) for _, kind, raw in cells if kind == "s" and raw.strip().isdigit()}


def resolve_cells(cells: list[tuple[int, str, str]], shared: Mapping[int, str]) -> list[Any]:
    """Cell values by column index (None where empty), like the readers' rows."""
    width = max((c for c, _, _ in cells), default=-1) + 1
    row: list[Any] = [None] * width
    for col, kind, raw in cells:
        value: Any = raw
        if kind == "s":
            value = shared.get(int(raw)) if raw.strip().isdigit() else None
        elif kind == "b":
            value = raw.strip() == "1"
        elif kind == "n":
            try:
                num = float(raw)
                value = int(num) if num.is_integer() else num
            except ValueError:
                value = raw
        if isinstance(value, str) and (not value or value.isspace()):
            value = None
        row[col] = value
    return row
