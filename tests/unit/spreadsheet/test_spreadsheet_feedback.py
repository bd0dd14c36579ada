"""build_feedback / write_feedback: rejected rows as sent, reasons, and never a formula."""
from __future__ import annotations

import datetime as dt
import io
import tracemalloc
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from chalicelib.adapters.spreadsheet import iter_rows
from chalicelib.adapters.spreadsheet.feedback import build_feedback, describe, write_feedback
from chalicelib.adapters.text_cells import clean, looks_like_formula


@dataclass
class Err:
    field: str
    code: str
    message: str
    suggestion: str | None = None


HEADER = ["行政相对人名称", "统一社会信用代码", "处罚决定日期", "罚款金额（万元）"]
LABELS = {"CF_XDR_MC": "行政相对人名称", "CF_XDR_SHXYM": "统一社会信用代码", "CF_JDRQ": "处罚决定日期"}
HOSTILE = ["=HYPERLINK(\"http://evil\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
           "=cmd|' /C calc'!A0"]
# A CR is stored escaped (_x000D_), as Excel does: Excel and calamine read the text back exactly;
# openpyxl shows the escape as it is.
AS_READ_BY_OPENPYXL = [text.replace("\r", "_x000D_") for text in HOSTILE]


def reread(data: bytes):
    return load_workbook(io.BytesIO(data))["回退数据"]


def test_given_rejected_rows_when_fed_back_then_row_number_and_reasons_come_first_then_the_row_as_sent():
    errors = [Err("CF_XDR_SHXYM", "USCC_CHECKSUM", "统一社会信用代码校验位错误", "请核对第 18 位"),
              Err("CF_JDRQ", "FUTURE_DATE", "处罚决定日期晚于今天")]
    rows = [(7, ["甲公司", "91350100M000100Y44", dt.date(2030, 1, 1), 2], errors)]
    ws = reread(build_feedback(HEADER, rows, LABELS))
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == ["原行号", "错误原因", "修改建议"] + HEADER
    assert values[1][0] == 7
    assert values[1][1] == ("统一社会信用代码：统一社会信用代码校验位错误 [USCC_CHECKSUM]；"
                            "处罚决定日期：处罚决定日期晚于今天 [FUTURE_DATE]")
    assert values[1][2] == "统一社会信用代码：请核对第 18 位"
    assert values[1][3:] == ["甲公司", "91350100M000100Y44", dt.datetime(2030, 1, 1), 2]
    assert ws.freeze_panes == "D2"       # the header row and the three feedback columns stay in view


def test_given_a_feedback_file_when_opened_then_every_column_has_a_width_fit_for_its_content():
    rows = [(2, ["甲公司", "91350100M000100Y44", "2030/01/01", 2], [Err("CF_JDRQ", "BAD_DATE", "日期格式错误")])]
    ws = reread(build_feedback(HEADER + ["x"], rows, LABELS))
    widths = {col: ws.column_dimensions[col].width for col in "ABCDEFGH"}
    assert widths["A"] < widths["C"] < widths["B"]            # 原行号 narrow, 错误原因 widest
    assert widths["B"] >= 50 and widths["C"] >= 30
    assert widths["D"] >= 14                                    # 行政相对人名称: 7 CJK characters
    assert widths["H"] >= 8                                     # a short header still gets a usable column
    assert all(w <= 61 for w in widths.values())


def test_given_a_feedback_file_when_read_back_as_an_upload_then_the_feedback_columns_are_skipped_silently(tmp_path):
    from chalicelib.adapters.spreadsheet import header_key_map, map_headers, required_fields
    from chalicelib.catalog import load_catalog

    category = load_catalog().category("admin_penalty")
    labels = [f.label for f in category.fields]
    path = tmp_path / "fb.xlsx"
    write_feedback(path, labels, [(2, ["x"] * len(labels), [Err("CF_JDRQ", "BAD_DATE", "日期格式错误")])])
    header = list(iter_rows(path))[0][1]
    mapped = map_headers(header, header_key_map(category), required_fields(category))
    assert mapped.ignored == []                     # the platform's own columns: no "ignored" note
    assert set(mapped.columns.values()) == {f.json_name for f in category.fields}
    assert min(mapped.columns) == 3 and not mapped.missing and not mapped.duplicates
    other = map_headers([*header, "内部备注"], header_key_map(category), required_fields(category))
    assert other.ignored == ["内部备注"]


def test_given_formula_like_strings_when_fed_back_then_no_cell_is_a_formula():
    header = HEADER[:1] + ["=HEADER()"]
    rows = [(i + 2, [text, text], [Err("CF_XDR_MC", "REQUIRED", text, text)]) for i, text in enumerate(HOSTILE)]
    ws = reread(build_feedback(header, rows))
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    assert [ws.cell(row=i + 2, column=4).value for i in range(len(HOSTILE))] == AS_READ_BY_OPENPYXL
    assert all(ws.cell(row=i + 2, column=4).quotePrefix for i in range(len(HOSTILE)))
    assert ws["E1"].value == "=HEADER()" and ws["E1"].data_type == "s"


def test_given_formula_like_strings_when_fed_back_then_calamine_reads_them_as_text(tmp_path):
    path = tmp_path / "fb.xlsx"
    write_feedback(path, ["a"], [(2, [text], []) for text in HOSTILE])
    assert [cells[3] for _, cells in list(iter_rows(path))[1:]] == HOSTILE


def test_given_control_characters_and_huge_text_when_fed_back_then_the_file_is_still_valid():
    rows = [(2, ["a\x00b\x07c", "x" * 40_000], [Err("", "BAD_ENUM", "错" * 40_000)])]
    ws = reread(build_feedback(["h1", "h2"], rows))
    assert ws["D2"].value == "abc"
    assert len(ws["E2"].value) == 32767 and len(ws["B2"].value) == 32767
    assert ws["B2"].value.startswith("整行：")


def test_given_errors_without_field_or_suggestion_when_described_then_the_row_is_named():
    reason, hint = describe([Err("", "DUPLICATE_IN_BATCH", "文号与第 3 行重复")])
    assert (reason, hint) == ("整行：文号与第 3 行重复 [DUPLICATE_IN_BATCH]", "")


@pytest.mark.parametrize("n", [3_000])
def test_given_many_rows_from_a_generator_when_written_to_a_path_then_memory_stays_small(tmp_path, n):
    rows = ((i, [f"公司{i}", "91350100M000100Y43", "2024/01/01", i], [Err("CF_JDRQ", "BAD_DATE", "日期格式错误")])
            for i in range(2, n + 2))
    tracemalloc.start()
    try:
        written = write_feedback(tmp_path / "big.xlsx", HEADER, rows, LABELS)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert written == n and peak < 20 * 1024 * 1024
    assert sum(1 for _ in iter_rows(tmp_path / "big.xlsx")) == n + 1


VALUE = st.one_of(st.none(), st.text("甲a =+-@\t\x01", max_size=8), st.integers(-10**6, 10**6), st.booleans(),
                  st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 3)),
                  st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)))
FB_ROW = st.tuples(st.integers(2, 10**5), st.lists(VALUE, max_size=6),
                   st.lists(st.builds(Err, st.sampled_from(["", "CF_XDR_MC", "X"]), st.just("C"),
                                      st.text("错a=", max_size=4), st.none() | st.text("改=", max_size=3)),
                            max_size=2))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.none() | st.text("甲a =+-@\t\x01", max_size=8), min_size=1, max_size=4),
       st.lists(FB_ROW, max_size=8))
def test_given_any_rows_when_fed_back_then_each_cell_holds_the_value_sent_as_its_own_type_and_style(header, rows):
    """Cell for cell, read back with openpyxl: the value as sent (text cleaned, dates as dates), text
    that looks like a formula quote-prefixed, dates formatted, nothing where the row had None."""
    ws = reread(build_feedback(header, rows, LABELS))
    got = {(c.row, c.column): c for row in ws.iter_rows() for c in row if c.value is not None}
    want: dict[tuple[int, int], object] = {}
    for col, value in enumerate(["原行号", "错误原因", "修改建议", *header], start=1):
        if value is not None:
            want[(1, col)] = clean(value)
    for r, (number, cells, errors) in enumerate(rows, start=2):
        reason, hint = describe(errors, LABELS)
        for col, value in enumerate([number, reason, hint or None, *cells], start=1):
            if value is not None:
                want[(r, col)] = clean(value) if isinstance(value, str) else value
    as_read = {k: (v.value.date() if isinstance(v.value, dt.datetime) else v.value) for k, v in got.items()}
    assert as_read == want
    for (r, col), cell in got.items():
        value = want[(r, col)]
        assert cell.data_type != "f"
        assert bool(cell.quotePrefix) == (isinstance(value, str) and looks_like_formula(value))
        assert (cell.number_format == "yyyy-mm-dd") == isinstance(value, dt.date)
        assert cell.font.b == (r == 1)
