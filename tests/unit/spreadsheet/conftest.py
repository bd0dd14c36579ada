"""Fixtures for the spreadsheet adapter tests: every hostile or odd file is generated at test
time under tmp_path (no binary fixture is committed). Minimal xlsx files are assembled part by
part with zipfile, which is fast enough for 300,000-row sheets."""
from __future__ import annotations

import struct
import sys
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # the repo root, when pytest was not started with it on the path
    sys.path.insert(0, str(ROOT))

from chalicelib.catalog.model import Category, FieldDef, FieldType  # noqa: E402

CT = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      b'<Default Extension="xml" ContentType="application/xml"/>'
      b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
      b'officedocument.spreadsheetml.sheet.main+xml"/>'
      b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
      b'officedocument.spreadsheetml.worksheet+xml"/>'
      b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
      b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
ROOT_RELS = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.'
             b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
             b'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
             b'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (b'<?xml version="1.0" encoding="UTF-8"?>\n<workbook xmlns="http://schemas.openxmlformats'
            b'.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships"><sheets><sheet name="\xe6\x95\xb0\xe6\x8d\xae" sheetId="1" '
            b'r:id="rId1"/></sheets></workbook>')
WB_RELS = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.'
           b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
           b'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
           b'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
           b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
           b'Target="sharedStrings.xml"/></Relationships>')
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://'
              b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"
EMPTY_SST = (b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>')

XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
       b'<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
       b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<si><t>&lol9;</t></si></sst>")


def _esc(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()


def col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def row_xml(number: int, cells: list[Any]) -> bytes:
    parts = [b'<row r="%d">' % number]
    for i, v in enumerate(cells):
        ref = f"{col_letter(i)}{number}".encode()
        if v is None:
            continue
        if isinstance(v, (int, float)):
            parts.append(b'<c r="%s"><v>%s</v></c>' % (ref, str(v).encode()))
        else:
            parts.append(b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, _esc(str(v))))
    parts.append(b"</row>")
    return b"".join(parts)


def sheet_chunks(rows: Iterable[list[Any]], start: int = 1) -> Iterable[bytes]:
    yield SHEET_HEAD
    for n, cells in enumerate(rows, start=start):
        yield row_xml(n, cells)
    yield SHEET_TAIL


def write_xlsx(path: Path, sheet: bytes | Iterable[bytes], *, shared: bytes = EMPTY_SST,
               parts: dict[str, bytes] | None = None, skip: Iterable[str] = ()) -> Path:
    """A minimal, valid xlsx; `parts` adds or replaces members, `skip` leaves members out."""
    members = {"[Content_Types].xml": CT, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
               "xl/_rels/workbook.xml.rels": WB_RELS, "xl/sharedStrings.xml": shared,
               **(parts or {})}
    skip = set(skip)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            if name not in skip:
                zf.writestr(name, data)
        if "xl/worksheets/sheet1.xml" not in skip and "xl/worksheets/sheet1.xml" not in members:
            with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
                for chunk in ([sheet] if isinstance(sheet, bytes) else sheet):
                    out.write(chunk)
    return path


@dataclass
class Packed:
    """An already deflated member: raw deflate bytes, CRC and size of the inflated data."""
    data: bytes
    crc: int
    size: int


def zero_bomb(megabytes: int, prefix: bytes = SHEET_HEAD) -> Packed:
    """`prefix` then `megabytes` MB of NUL bytes, deflated in ~1 KB per MB without compressing
    them all: full-flushed deflate blocks of the same input are identical and can be repeated."""
    zeros = bytes(1 << 20)
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    unit = block.compress(zeros) + block.flush(zlib.Z_FULL_FLUSH)
    data = (head.compress(prefix) + head.flush(zlib.Z_FULL_FLUSH) + unit * megabytes
            + zlib.compressobj(9, zlib.DEFLATED, -15).flush())
    crc = zlib.crc32(prefix)
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    return Packed(data, crc, len(prefix) + megabytes * len(zeros))


def raw_zip(path: Path, members: list[tuple[str, Any, dict[str, Any]]]) -> Path:
    """A zip written by hand so headers can lie: per member, `lie` may override file_size, crc
    and the local header's name.
    Member data: bytes, an iterable of bytes, or a `Packed`."""
    out = open(path, "wb")
    central = []
    for name, data, lie in members:
        if isinstance(data, Packed):
            crc, size, packed = data.crc, data.size, data.data
        else:
            comp = zlib.compressobj(9, zlib.DEFLATED, -15)
            crc, size, packed = 0, 0, bytearray()
            for chunk in ([data] if isinstance(data, bytes) else data):
                crc, size = zlib.crc32(chunk, crc), size + len(chunk)
                packed += comp.compress(chunk)
            packed += comp.flush()
        size, crc = lie.get("file_size", size), lie.get("crc", crc)
        offset = out.tell()
        bname = name.encode()
        lname = lie.get("local_name", name).encode()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(packed), size,
                              len(lname), 0) + lname)
        out.write(packed)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc,
                                   len(packed), size, len(bname), 0, 0, 0, 0, 0, offset) + bname)
    cd_start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                          out.tell() - cd_start, cd_start, 0))
    out.close()
    return path


def standard_members(sheet: bytes, **replace: bytes) -> list[tuple[str, bytes, dict[str, int]]]:
    parts = {"[Content_Types].xml": CT, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
             "xl/_rels/workbook.xml.rels": WB_RELS, "xl/sharedStrings.xml": EMPTY_SST,
             "xl/worksheets/sheet1.xml": sheet}
    parts.update(replace)
    return [(n, d, {}) for n, d in parts.items()]


def small_category() -> Category:
    """A category shaped like admin_penalty, built here so the tests need no catalog data."""
    f = FieldDef
    return Category(
        id="admin_penalty", name="行政处罚信息", registry_only=False, source_ref_field="CF_WSH",
        decision_date_field="CF_JDRQ", name_field="CF_XDR_MC", uscc_field="CF_XDR_SHXYM",
        regno_field="CF_XDR_GSZC", party_type_field="CF_XDR_LB",
        fields=[
            f(json_name="CF_XDR_MC", label="行政相对人名称", code="CF_XDR_MC", required=True),
            f(json_name="CF_XDR_LB", label="行政相对人类别", code="CF_XDR_LB", required=True,
              type=FieldType.ENUM, enum=["法人及非法人组织", "自然人", "个体工商户"]),
            f(json_name="CF_XDR_SHXYM", label="统一社会信用代码", code="CF_XDR_SHXYM",
              type=FieldType.USCC, max_len=18),
            f(json_name="CF_XDR_GSZC", label="工商注册号", code="CF_XDR_GSZC",
              type=FieldType.REGNO, max_len=15),
            f(json_name="CF_WSH", label="行政处罚决定书文号", code="CF_WSH", required=True,
              type=FieldType.CODE, help="决定书上的文号"),
            f(json_name="CF_CFLB", label="处罚类别", code="CF_CFLB", required=True,
              type=FieldType.MULTI_ENUM, enum=["警告", "通报批评", "罚款", "没收违法所得"]),
            f(json_name="CF_NR_FK", label="罚款金额（万元）", code="CF_NR_FK", type=FieldType.DECIMAL),
            f(json_name="CF_JDRQ", label="处罚决定日期", code="CF_JDRQ", required=True,
              type=FieldType.DATE),
            f(json_name="BZ", label="备注", code="BZ", max_len=500),
        ])


@pytest.fixture(scope="session")
def category() -> Category:
    """Shared by every test (and usable under hypothesis): do not mutate it."""
    return small_category()


@pytest.fixture
def xl() -> SimpleNamespace:
    """The file builders above, for the test modules."""
    return SimpleNamespace(
        write_xlsx=write_xlsx, raw_zip=raw_zip, zero_bomb=zero_bomb, Packed=Packed, sheet_chunks=sheet_chunks, row_xml=row_xml,
        standard_members=standard_members, CT=CT, WORKBOOK=WORKBOOK, WB_RELS=WB_RELS,
        SHEET_HEAD=SHEET_HEAD, SHEET_TAIL=SHEET_TAIL, EMPTY_SST=EMPTY_SST, XXE=XXE, LAUGHS=LAUGHS)
