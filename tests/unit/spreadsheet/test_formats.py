"""Pre-flight of .xls, .ods and .csv (formats.open_checked): the LibreOffice-made fixtures read as
their xlsx twin; hostile files — generated here, none committed — are refused with their code,
before any reader runs, in bounded memory."""
from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from chalicelib.adapters.spreadsheet import SpreadsheetError
from chalicelib.adapters.spreadsheet.formats import format_of, looks_like, open_checked
from chalicelib.catalog import load_catalog
from chalicelib.domain.normalize import parse_date
from tests.fixtures.uploads import hostile

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "uploads"
LIMITS = {"max_bytes": 60 << 20, "max_rows": 100_000}
KEYS = load_catalog().key_map("admin_penalty")


def refused(path: Path, fmt: str | None = None, **limits) -> SpreadsheetError:
    with pytest.raises(SpreadsheetError) as info:
        open_checked(path, fmt or path.suffix[1:], key_map=KEYS, **{**LIMITS, **limits})
    return info.value


def refused_measured(path: Path, content: bytes | None = None) -> tuple[SpreadsheetError, int]:
    """The refusal of a file (written first if `content`) and the peak memory traced while checking."""
    if content is not None:
        path.write_bytes(content)
    tracemalloc.start()
    try:
        err = refused(path)
        return err, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def rows(path: Path) -> list:
    info, it = open_checked(path, path.suffix[1:], key_map=KEYS, **LIMITS)
    return info, list(it)


# --- good files -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["处罚.xls", "处罚.ods", "处罚.csv", "处罚-gbk.csv", "处罚-bom.csv", "处罚-tab.csv"])
def test_given_a_libreoffice_file_when_read_then_rows_equal_its_xlsx_twins(name):
    twin_info, twin = rows(FIXTURES / "处罚.xlsx")
    info, got = rows(FIXTURES / name)
    assert (info.rows_total, info.code_row, info.header_row) == (twin_info.rows_total, twin_info.code_row, 1) == (24, 2, 1)
    assert [n for n, _ in got] == [n for n, _ in twin]
    width = len(twin[0][1])
    as_text = [[("" if c is None else str(c)) for c in (cells + [None] * width)[:width]] for _, cells in twin]
    got_text = [[("" if c is None else str(c)) for c in (cells + [None] * width)[:width]] for _, cells in got]
    if name.endswith(".csv"):   # CSV holds text: dates as shown (yyyy/mm/dd) — the same date once parsed
        date_col = [str(c) for c in twin[0][1]].index("处罚决定日期")
        for mine, theirs in zip(got_text[2:], as_text[2:], strict=True):
            assert parse_date(mine[date_col]) == parse_date(theirs[date_col]), (mine, theirs)
            mine[date_col] = theirs[date_col]
    assert got_text == as_text


def test_formats_are_named_by_the_extension():
    assert [format_of(n) for n in ("a.XLSX", "b.xls", "c.ods", "d.CSV", "e.xlsb", "f")] == [
        "xlsx", "xls", "ods", "csv", None, None]
    assert [looks_like(FIXTURES / n) for n in ("处罚.xlsx", "处罚.ods", "处罚.csv")] == ["xlsx", "ods", "text"]


@pytest.mark.parametrize("source, fmt, detected", [
    ("处罚.xlsx", "xls", "xlsx"), ("处罚.ods", "xls", "ods"), ("处罚.xls", "ods", "ole (xls, or an encrypted xlsx)"),
    ("处罚.xlsx", "ods", "xlsx"), ("处罚.xlsx", "csv", "xlsx"), ("处罚.xls", "csv", "ole (xls, or an encrypted xlsx)"),
])
def test_given_content_of_another_format_when_checked_then_unsupported_format_naming_it(tmp_path, source, fmt, detected):
    path = tmp_path / f"renamed.{fmt}"
    path.write_bytes((FIXTURES / source).read_bytes())
    err = refused(path)
    assert err.code == "UNSUPPORTED_FORMAT" and err.details[0]["detected"] == detected
    assert detected.split(" ")[0] in err.message


# --- xls ------------------------------------------------------------------------------------

def test_given_a_truncated_xls_when_checked_then_unsupported_format(tmp_path):
    size = (FIXTURES / "处罚.xls").stat().st_size
    for cut in (600, size // 3, size - 4096):
        path = tmp_path / "cut.xls"
        path.write_bytes(hostile.truncated_xls(cut))
        err = refused(path)
        assert err.code == "UNSUPPORTED_FORMAT" and "truncated" in err.details[0]["reason"], err


@pytest.mark.parametrize("stream", ["directory", "Workbook"])
def test_given_an_xls_with_a_cyclic_sector_chain_when_checked_then_unsafe_content(tmp_path, stream):
    path = tmp_path / "cycle.xls"
    path.write_bytes(hostile.cyclic_xls(stream))
    err = refused(path)
    assert err.code == "UNSAFE_CONTENT" and err.details[0]["reason"] == "cyclic sector chain"


def test_given_an_xls_over_the_row_limit_when_checked_then_too_many_rows():
    assert refused(FIXTURES / "处罚.xls", max_rows=10).code == "TOO_MANY_ROWS"


def test_given_an_ole_file_without_a_workbook_when_checked_then_unsupported_format(tmp_path):
    path = tmp_path / "empty.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert refused(path).code == "UNSUPPORTED_FORMAT"


# --- ods ------------------------------------------------------------------------------------

CELL, ODS_HEAD = hostile.CELL, hostile.ODS_HEAD


def write_ods(path: Path, content: bytes, prefix: bytes = ODS_HEAD) -> Path:
    path.write_bytes(hostile.ods(content, prefix))
    return path


def test_given_an_ods_zip_bomb_when_checked_then_unsafe_content(tmp_path):
    err, peak = refused_measured(tmp_path / "bomb.ods", hostile.ods_bomb())
    assert err.code == "UNSAFE_CONTENT" and "ratio" in err.details[0]["reason"]
    assert peak < 16 << 20


def test_given_an_ods_with_an_entity_declaration_when_checked_then_unsafe_content(tmp_path):
    doctype = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    path = write_ods(tmp_path / "xxe.ods", b"<table:table-row>" + CELL + b"</table:table-row>",
                     prefix=doctype + ODS_HEAD.split(b"?>", 1)[1])
    assert refused(path).code == "UNSAFE_CONTENT"


def test_given_an_ods_repeating_a_row_past_the_limit_when_checked_then_too_many_rows(tmp_path):
    row = b'<table:table-row table:number-rows-repeated="300000">' + CELL + b"</table:table-row>"
    assert refused(write_ods(tmp_path / "rep.ods", row)).code == "TOO_MANY_ROWS"


def test_given_an_ods_repeating_a_cell_across_a_huge_range_when_checked_then_unsafe_content(tmp_path):
    cell = CELL.replace(b"<table:table-cell ", b'<table:table-cell table:number-columns-repeated="16384" ')
    row = b'<table:table-row table:number-rows-repeated="5000">' + cell + b"</table:table-row>"
    err = refused(write_ods(tmp_path / "wide.ods", row))
    assert err.code == "UNSAFE_CONTENT" and err.details[0]["reason"] == "used range too large"


def test_given_ods_trailing_empty_rows_repeated_when_checked_then_they_do_not_count(tmp_path):
    rows_xml = b"".join(b"<table:table-row>" + CELL * 3 + b"</table:table-row>" for _ in range(3))
    rows_xml += b'<table:table-row table:number-rows-repeated="1048570"><table:table-cell/></table:table-row>'
    from chalicelib.adapters.spreadsheet.formats import inspect_ods

    assert inspect_ods(write_ods(tmp_path / "tail.ods", rows_xml), **LIMITS) == 3


# --- csv ------------------------------------------------------------------------------------

def test_given_a_csv_with_mixed_encodings_when_checked_then_bad_encoding(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(hostile.mixed_csv())
    err = refused(path)
    assert err.code == "BAD_ENCODING" and "mixed" in err.details[0]["reason"]


@pytest.mark.parametrize("content, reason", [
    ("名称,代码\n张三,1\n".encode("utf-16"), "UTF-16"),
    (b"a,b\n\xff\xfe\xff,1\n", "neither"),
    (b"a,b\nx\x00y,1\n", "NUL"),
])
def test_given_a_csv_in_another_encoding_when_checked_then_bad_encoding(tmp_path, content, reason):
    path = tmp_path / "enc.csv"
    path.write_bytes(content)
    err = refused(path)
    assert err.code == "BAD_ENCODING" and reason in err.details[0]["reason"]


def test_given_a_csv_of_300000_rows_when_checked_then_too_many_rows_in_bounded_memory(tmp_path):
    err, peak = refused_measured(tmp_path / "big.csv", hostile.many_rows_csv())
    assert err.code == "TOO_MANY_ROWS" and err.details == [{"limit": 100_000}]
    assert peak < 16 << 20


def test_given_a_csv_with_a_10mb_line_when_checked_then_unsafe_content_in_bounded_memory(tmp_path):
    err, peak = refused_measured(tmp_path / "long.csv", hostile.long_line_csv())
    assert err.code == "UNSAFE_CONTENT" and err.details[0]["reason"] == "line too long" and err.details[0]["line"] == 2
    assert peak < 8 << 20


def test_given_a_csv_with_only_a_header_when_checked_then_no_data(tmp_path):
    path = tmp_path / "head.csv"
    path.write_bytes((FIXTURES / "处罚.csv").read_bytes().split(b"\n")[0] + b"\n\n,,\n")
    assert refused(path).code == "NO_DATA"


def test_given_a_csv_over_the_size_limit_when_checked_then_file_too_large():
    assert refused(FIXTURES / "处罚.csv", max_bytes=1000).code == "FILE_TOO_LARGE"


def test_given_gbk_lines_that_also_read_as_utf8_when_checked_then_gb18030_not_mixed(tmp_path):
    content = "名称,数量\n牛,1\n张三,2\n".encode("gbk")
    assert "牛,1\n".encode("gbk").decode("utf-8")        # b"\xc5\xa3": valid UTF-8 by chance
    path = tmp_path / "short.csv"
    path.write_bytes(content)
    info, it = open_checked(path, "csv", **LIMITS)
    assert info.encoding == "gb18030" and [cells for _, cells in it] == [["名称", "数量"], ["牛", "1"], ["张三", "2"]]


def test_given_a_password_protected_xls_when_checked_then_refused_before_calamine(tmp_path):
    path = tmp_path / "locked.xls"
    path.write_bytes(hostile.encrypted_xls())
    err = refused(path)
    assert err.code == "UNSUPPORTED_FORMAT" and err.details == [{"reason": "encrypted"}] and "密码" in err.message
