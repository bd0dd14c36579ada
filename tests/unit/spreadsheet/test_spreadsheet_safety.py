"""inspect_xlsx: every hostile or broken file is refused quickly, with bounded memory, with the
right code — and before any reader sees it."""
from __future__ import annotations

import os
import tracemalloc
import zipfile
import zlib

import pytest

from chalicelib.adapters.spreadsheet import SpreadsheetError, _zipstream, inspect_xlsx
from chalicelib.adapters.spreadsheet.headers import header_key_map

try:
    from isal import isal_zlib
except ImportError:  # pragma: no cover - isal ships with requirements-worker.txt
    isal_zlib = None


@pytest.fixture(autouse=True, params=["zlib", "isal"])
def inflater(request, monkeypatch):
    """Every test here runs with both inflaters the pre-flight may use (ISA-L in the worker, zlib
    without it): the same SheetInfo, the same refusals."""
    if request.param == "isal":
        if isal_zlib is None:
            pytest.skip("isal not installed")
        monkeypatch.setattr(_zipstream, "INFLATE", isal_zlib)
    else:
        monkeypatch.setattr(_zipstream, "INFLATE", zlib)
    return request.param


def refused(path, **kw) -> SpreadsheetError:
    with pytest.raises(SpreadsheetError) as info:
        inspect_xlsx(path, **kw)
    return info.value


def measured(path, **kw):
    """(error, peak traced bytes): refused once, then inspected again under tracemalloc. Time is not
    asserted here (no timed assertions in tests); the bench measures it."""
    err = refused(path, **kw)
    tracemalloc.start()
    try:
        again = refused(path, **kw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert again.to_dict() == err.to_dict()
    return err, peak


def rows(n: int, width: int = 3, header: bool = True):
    if header:
        yield [f"列{i}" for i in range(width)]
    for r in range(n):
        yield [f"值{r}-{i}" for i in range(width)]


# --- happy path -------------------------------------------------------------------------------

def test_given_a_small_workbook_when_inspected_then_rows_sheet_and_header_are_described(tmp_path, xl):
    path = xl.write_xlsx(tmp_path / "ok.xlsx", b"".join(xl.sheet_chunks(rows(5))))
    info = inspect_xlsx(path)
    assert info.rows_total == 5
    assert info.sheet_name == "数据"
    assert info.sheet_part == "xl/worksheets/sheet1.xml"
    assert info.header_row == 1
    assert info.header_cells == ["列0", "列1", "列2"]
    assert info.code_row is None


def test_given_shared_string_headers_and_gaps_when_inspected_then_headers_resolve_and_rows_keep_numbers(
        tmp_path, xl):
    sst = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b"<si><t>\xe6\x96\x87\xe5\x8f\xb7</t></si><si><r><t>A&amp;</t></r><r><t>B</t></r>"
           b"<rPh><t>x</t></rPh></si></sst>")
    sheet = (xl.SHEET_HEAD + b'<row r="2"/><row r="3"><c r="B3"/></row>'
             b'<row r="4"><c r="B4" t="s"><v>0</v></c><c r="D4" t="s"><v>1</v></c></row>'
             b'<row r="5"><c r="B5" t="inlineStr"><is><t>   </t></is></c></row>'
             b'<row r="9"><c r="B9"><v>12</v></c></row>' + xl.SHEET_TAIL)
    info = inspect_xlsx(xl.write_xlsx(tmp_path / "s.xlsx", sheet, shared=sst))
    assert (info.header_row, info.header_cells) == (4, [None, "文号", None, "A&B"])
    assert (info.second_row, info.second_cells, info.rows_total) == (9, [None, 12], 1)


def test_given_prefixed_tags_when_inspected_then_rows_are_counted(tmp_path, xl):
    sheet = (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b"<x:sheetData>" + b"".join(
                 b'<x:row r="%d"><x:c r="A%d" t="inlineStr"><x:is><x:t>v</x:t></x:is></x:c></x:row>'
                 % (i, i) for i in range(1, 8)) + b"</x:sheetData></x:worksheet>")
    assert inspect_xlsx(xl.write_xlsx(tmp_path / "p.xlsx", sheet)).rows_total == 6


# --- size, type --------------------------------------------------------------------------------

def test_given_a_61_mb_file_when_inspected_then_file_too_large_before_reading_it(tmp_path):
    path = tmp_path / "big.xlsx"
    with open(path, "wb") as f:
        f.truncate(61 * 1024 * 1024)          # sparse: nothing is written
    err = refused(path)
    assert err.code == "FILE_TOO_LARGE"
    assert err.message == "文件超过 60 MB 上限"
    assert err.details == [{"size": 61 * 1024 * 1024, "limit": 60 * 1024 * 1024}]


@pytest.mark.parametrize("content, detected", [
    (b"", "empty"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "pdf"),
    (os.urandom(4096), None),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "ole (xls, or an encrypted xlsx)"),
])
def test_given_a_non_zip_file_named_xlsx_when_inspected_then_not_xlsx(tmp_path, content, detected):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(content)
    err = refused(path)
    assert err.code == "NOT_XLSX"
    assert err.details[0]["reason"] == "not a zip archive"
    if detected:
        assert err.details[0]["detected"] == detected


def test_given_a_plain_zip_when_inspected_then_not_xlsx_listing_missing_parts(tmp_path):
    path = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    err = refused(path)
    assert err.code == "NOT_XLSX"
    assert err.details[0]["parts"] == ["[Content_Types].xml", "xl/workbook.xml",
                                       "xl/_rels/workbook.xml.rels"]


def test_given_a_corrupted_member_when_inspected_then_not_xlsx(tmp_path, xl):
    members = xl.standard_members(b"".join(xl.sheet_chunks(rows(3))))
    name, data, _ = members[-1]
    members[-1] = (name, data, {"crc": 12345})
    err = refused(xl.raw_zip(tmp_path / "crc.xlsx", members))
    assert err.code == "NOT_XLSX"
    assert err.details[0]["reason"] == "CRC mismatch"


def test_given_a_member_whose_deflate_stream_is_invalid_when_inspected_then_not_xlsx(tmp_path, xl):
    """A broken deflate stream is a corrupt file (NOT_XLSX), whichever inflater meets it, never a
    library's own exception escaping the pre-flight."""
    members = xl.standard_members(b"".join(xl.sheet_chunks(rows(3))))
    name, data, _ = members[-1]
    members[-1] = (name, xl.Packed(b"\xff" * 64, zlib.crc32(data), len(data)), {})
    err = refused(xl.raw_zip(tmp_path / "bad-deflate.xlsx", members))
    assert err.code == "NOT_XLSX"
    assert err.details == [{"part": name, "reason": "invalid or truncated deflate data"}]


# --- zip bombs ---------------------------------------------------------------------------------

def test_given_a_sheet_inflating_to_450_mb_when_inspected_then_unsafe_fast_and_in_bounded_memory(
        tmp_path, xl):
    members = xl.standard_members(xl.zero_bomb(450))
    path = xl.raw_zip(tmp_path / "bomb.xlsx", members)
    assert path.stat().st_size < 1024 * 1024
    err, peak = measured(path)
    assert err.code == "UNSAFE_CONTENT"
    reasons = {d["reason"] for d in err.details}
    assert reasons == {"declared size over limit", "compression ratio over limit", "total size over limit"}
    assert peak < 50 * 1024 * 1024


def test_given_a_high_ratio_member_under_the_size_limit_when_inspected_then_unsafe(tmp_path, xl):
    path = xl.raw_zip(tmp_path / "ratio.xlsx", xl.standard_members(xl.zero_bomb(20)))
    err = refused(path)
    assert err.code == "UNSAFE_CONTENT"
    assert [d["reason"] for d in err.details] == ["compression ratio over limit"]
    assert err.details[0]["part"] == "xl/worksheets/sheet1.xml"


def test_given_members_summing_past_the_limit_when_inspected_then_unsafe(tmp_path, xl):
    parts = {f"xl/media/blob{i}.bin": os.urandom(300_000) for i in range(4)}
    path = xl.write_xlsx(tmp_path / "sum.xlsx", b"".join(xl.sheet_chunks(rows(3))), parts=parts)
    err = refused(path, max_uncompressed=1_000_000)
    assert err.code == "UNSAFE_CONTENT"
    assert [d["reason"] for d in err.details] == ["total size over limit"]


def test_given_a_lying_header_when_inspected_then_unsafe_as_soon_as_inflation_passes_it(tmp_path, xl):
    """The central directory says 1,000 bytes (ratio looks harmless); the stream holds 200 MB."""
    members = xl.standard_members(xl.zero_bomb(200))
    name, packed, _ = members[-1]
    members[-1] = (name, packed, {"file_size": 1000})
    path = xl.raw_zip(tmp_path / "liar.xlsx", members)
    err, peak = measured(path)
    assert err.code == "UNSAFE_CONTENT"
    assert err.details == [{"part": name, "reason": "inflates past its declared size"}]
    assert peak < 50 * 1024 * 1024


def test_given_duplicate_member_names_when_inspected_then_unsafe(tmp_path, xl):
    members = xl.standard_members(b"".join(xl.sheet_chunks(rows(3))))
    members.append(("xl/worksheets/sheet1.xml", b"".join(xl.sheet_chunks(rows(9))), {}))
    err = refused(xl.raw_zip(tmp_path / "dup.xlsx", members))
    assert err.code == "UNSAFE_CONTENT"
    assert err.details[0]["reason"] == "duplicate member name"


def test_given_a_local_header_naming_another_member_when_inspected_then_unsafe(tmp_path, xl):
    members = xl.standard_members(b"".join(xl.sheet_chunks(rows(3))))
    name, data, _ = members[-1]
    members[-1] = (name, data, {"local_name": "xl/worksheets/sheet2.xml"})
    err = refused(xl.raw_zip(tmp_path / "twofaced.xlsx", members))
    assert err.code == "UNSAFE_CONTENT"
    assert err.details == [{"part": name, "reason": "local header differs from central directory"}]


def test_given_a_second_end_record_when_inspected_then_unsafe(tmp_path, xl):
    path = xl.write_xlsx(tmp_path / "two-ends.xlsx", b"".join(xl.sheet_chunks(rows(3))))
    with open(path, "ab") as f:
        f.write(b"PK\x05\x06" + bytes(18))
    err = refused(path)
    assert err.code == "UNSAFE_CONTENT"
    assert err.details[0]["reason"] == "several end-of-central-directory records"


# --- XML entities ------------------------------------------------------------------------------

def test_given_an_external_entity_in_the_sheet_when_inspected_then_unsafe(tmp_path, xl):
    err = refused(xl.write_xlsx(tmp_path / "xxe.xlsx", xl.XXE))
    assert err.code == "UNSAFE_CONTENT"
    assert err.details == [{"part": "xl/worksheets/sheet1.xml", "reason": "DOCTYPE"}]


def test_given_billion_laughs_in_shared_strings_when_inspected_then_unsafe(tmp_path, xl):
    path = xl.write_xlsx(tmp_path / "lol.xlsx", b"".join(xl.sheet_chunks(rows(2))), shared=xl.LAUGHS)
    err, peak = measured(path)
    assert err.code == "UNSAFE_CONTENT"
    assert err.details[0]["part"] == "xl/sharedStrings.xml"
    assert peak < 10 * 1024 * 1024


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_given_a_doctype_in_a_utf16_or_utf32_part_when_inspected_then_unsafe(tmp_path, xl, encoding):
    sheet = xl.XXE.decode().replace('version="1.0"', f'version="1.0" encoding="{encoding}"').encode(encoding)
    err = refused(xl.write_xlsx(tmp_path / "u16.xlsx", sheet))
    assert err.code == "UNSAFE_CONTENT"


@pytest.mark.parametrize("part", ["[Content_Types].xml", "xl/workbook.xml", "docProps/core.xml",
                                  "xl/_rels/workbook.xml.rels"])
def test_given_an_entity_declaration_in_any_part_when_inspected_then_unsafe(tmp_path, xl, part):
    decl = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "http://169.254.169.254/">]>\n'
    originals = {"[Content_Types].xml": xl.CT, "xl/workbook.xml": xl.WORKBOOK,
                 "xl/_rels/workbook.xml.rels": xl.WB_RELS, "docProps/core.xml": b"<core/>"}
    body = originals[part].split(b"?>", 1)[-1] if b"?>" in originals[part] else originals[part]
    path = xl.write_xlsx(tmp_path / "e.xlsx", b"".join(xl.sheet_chunks(rows(2))),
                         parts={part: decl + body})
    err = refused(path)
    assert err.code == "UNSAFE_CONTENT"
    assert err.details[0]["part"] == part


# --- rows --------------------------------------------------------------------------------------

def numbered_rows(n: int, xl):
    """The sheet XML of a header and n two-column rows, produced in batches (fast)."""
    yield xl.SHEET_HEAD + xl.row_xml(1, ["名称", "数额"])
    fmt = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>name %d</t></is></c><c r="B%d"><v>%d</v></c></row>'
    for first in range(2, n + 2, 10_000):
        yield b"".join(fmt % (i, i, i, i, i) for i in range(first, min(first + 10_000, n + 2)))
    yield xl.SHEET_TAIL


def test_given_300000_rows_when_inspected_then_too_many_rows_fast_and_in_bounded_memory(tmp_path, xl):
    path = xl.write_xlsx(tmp_path / "300k.xlsx", numbered_rows(300_000, xl))
    err, peak = measured(path)
    assert err.code == "TOO_MANY_ROWS"
    assert err.details == [{"limit": 100_000}]
    assert peak < 50 * 1024 * 1024


def test_given_over_a_million_empty_row_elements_when_inspected_then_unsafe_in_bounded_work(tmp_path, xl):
    """Empty rows are not data, but more row elements than Excel allows (1,048,576) is hostile."""
    def chunks():
        yield xl.SHEET_HEAD + xl.row_xml(1, ["h"]) + xl.row_xml(2, ["v"])
        for first in range(3, 1_100_000, 50_000):
            yield b"".join(b'<row r="%d"/>' % i for i in range(first, first + 50_000))
        yield xl.SHEET_TAIL
    path = xl.write_xlsx(tmp_path / "empty-rows.xlsx", chunks())
    err = refused(path)
    assert err.code == "UNSAFE_CONTENT"
    assert err.details[0]["reason"] == "more than 1048576 row elements"


def test_given_exactly_the_row_limit_when_inspected_then_accepted(tmp_path, xl):
    path = xl.write_xlsx(tmp_path / "limit.xlsx", xl.sheet_chunks(rows(1000)))
    assert inspect_xlsx(path, max_rows=1000).rows_total == 1000
    assert refused(path, max_rows=999).code == "TOO_MANY_ROWS"


def test_given_a_template_code_row_and_a_key_map_when_inspected_then_it_is_not_counted(
        tmp_path, xl, category):
    labels = [f.label for f in category.fields]
    codes = [f.code for f in category.fields]
    data = [["某某公司", "法人及非法人组织"] + [None] * (len(labels) - 2)] * 1000
    path = xl.write_xlsx(tmp_path / "tpl.xlsx", xl.sheet_chunks([labels, codes, *data]))
    keys = header_key_map(category)
    info = inspect_xlsx(path, max_rows=1000, key_map=keys)
    assert (info.rows_total, info.code_row) == (1000, 2)
    assert refused(path, max_rows=1000).code == "TOO_MANY_ROWS"    # no key map: row 2 is data


@pytest.mark.parametrize("sheet", [
    b"",                                                             # no row at all
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\x90\x8d\xe7\xa7\xb0</t></is></c></row>',
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row><row r="2"><c r="A2"/></row>'
    b'<row r="3"><c r="A3" t="inlineStr"><is><t> </t></is></c><c r="B3"><f>1+1</f></c></row>',
], ids=["empty", "header-only", "header-and-blank-rows"])
def test_given_no_data_rows_when_inspected_then_no_data(tmp_path, xl, sheet):
    err = refused(xl.write_xlsx(tmp_path / "nodata.xlsx", xl.SHEET_HEAD + sheet + xl.SHEET_TAIL))
    assert err.code == "NO_DATA"


def test_given_an_openpyxl_empty_workbook_when_inspected_then_no_data(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    assert refused(path).code == "NO_DATA"


def test_given_a_workbook_without_worksheets_when_inspected_then_no_data(tmp_path, xl):
    workbook = xl.WORKBOOK.replace(b'<sheet name="\xe6\x95\xb0\xe6\x8d\xae" sheetId="1" r:id="rId1"/>', b"")
    path = xl.write_xlsx(tmp_path / "nosheet.xlsx", b"", parts={"xl/workbook.xml": workbook},
                         skip=["xl/worksheets/sheet1.xml"])
    assert refused(path).code == "NO_DATA"
