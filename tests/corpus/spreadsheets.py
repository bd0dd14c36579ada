"""Builders of hostile spreadsheets for the corpus's upload cases (cases/uploads.json names them).

The integration tests' builders (tests/integration/test_uploads.py: HOSTILE, workbook, _with_sheet,
_sheet_xml, _zip) are reused; the ones below add what those do not cover.
"""
from __future__ import annotations

import io
import zipfile

from chalicelib.local.demo_data import sample_record
from tests.integration.test_uploads import HOSTILE, _sheet_xml, _with_sheet, _zip, workbook


def _valid() -> bytes:
    return workbook([sample_record("admin_penalty")])


def _truncated() -> bytes:
    data = _valid()
    return data[: len(data) // 2]


def _no_workbook_part() -> bytes:
    src = zipfile.ZipFile(io.BytesIO(_valid()))
    return _zip({n: src.read(n) for n in src.namelist() if n != "xl/workbook.xml"})


def _garbage_sheet_xml() -> bytes:
    return _with_sheet(b"<worksheet><sheetData><row><c>unclosed")


def _control_characters() -> bytes:
    """Every text cell of the one data row carries escaped control characters (_x0000_, _x0007_)."""
    rows = [{k: (f"{v}_x0000__x0007_" if isinstance(v, str) and v else v)
             for k, v in sample_record("admin_penalty", CF_XDR_MC="不存在的公司").items()}]
    return workbook(rows)


def _huge_cell() -> bytes:
    """One data row whose 违法事实 is 1 MB (and the name matches no enterprise)."""
    return workbook([sample_record("admin_penalty", CF_SY="长" * 350_000, CF_XDR_MC="不存在的公司")])


def _formula_and_script() -> bytes:
    return workbook([sample_record("admin_penalty", CF_XDR_MC="=HYPERLINK(\"http://x\",\"<script>alert(1)</script>\")",
                                   CF_WSH="'; DROP TABLE records;--")])


def _all_rows_invalid() -> bytes:
    return workbook([sample_record("admin_penalty", CF_WSH=f"坏-{i}号", CF_JDRQ="2026/02/30") for i in range(20)])


def _shared_string_out_of_range() -> bytes:
    """Cells point at shared string #999999 of a table that has a handful."""
    row = b'<row r="1"><c r="A1" t="s"><v>999999</v></c></row><row r="2"><c r="A2" t="s"><v>999998</v></c></row>'
    return _with_sheet(_sheet_xml(row))


def _not_a_zip_but_xml() -> bytes:
    return b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'


BUILDERS = {
    **{name: build for name, (build, _code) in HOSTILE.items() if name not in ("zip bomb", "300000 rows")},
    "truncated zip": _truncated,
    "zip without workbook part": _no_workbook_part,
    "malformed sheet xml": _garbage_sheet_xml,
    "control characters": _control_characters,
    "1 MB cell": _huge_cell,
    "formula and script text": _formula_and_script,
    "every row invalid": _all_rows_invalid,
    "shared string out of range": _shared_string_out_of_range,
    "bare xml with external entity": _not_a_zip_but_xml,
}
