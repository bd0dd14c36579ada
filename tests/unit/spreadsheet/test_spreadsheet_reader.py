"""iter_rows (calamine) and iter_rows_openpyxl: same rows, same normalisation, true row numbers;
and the readers never see a file that inspect_xlsx refuses."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from chalicelib.adapters.spreadsheet import SpreadsheetError
from chalicelib.adapters.spreadsheet.reader import iter_rows, iter_rows_openpyxl, normalise, read_checked


def workbook(path, cells: dict[str, object], title: str = "数据"):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)
    return path


@pytest.mark.parametrize("raw, expected", [
    ("", None), ("   ", None), ("\u3000", None), (" a ", " a "), (1.0, 1), (1e17, 10**17),
    (1.5, 1.5), (0.0, 0), (True, True), (dt.date(2024, 1, 2), dt.date(2024, 1, 2)), (None, None),
])
def test_given_a_raw_cell_when_normalised_then_empty_is_none_and_whole_floats_are_ints(raw, expected):
    value = normalise(raw)
    assert value == expected and type(value) is type(expected)


def test_given_a_sheet_with_gaps_and_an_offset_when_read_then_rows_keep_excel_numbers_and_columns(tmp_path):
    path = workbook(tmp_path / "gaps.xlsx", {
        "B3": "名称", "C3": "日期", "D3": "代码",
        "B5": "甲公司", "C5": dt.datetime(2024, 3, 15), "D5": "0012345",
        "B6": "  ",                                   # whitespace only: an empty row
        "B8": "乙公司", "C8": dt.datetime(2024, 3, 16, 9, 30), "D8": 110108000000016,          # a 注册号 typed as a number
    })
    rows = list(iter_rows(path))
    assert [n for n, _ in rows] == [3, 5, 8]
    assert rows[0][1] == [None, "名称", "日期", "代码"]
    assert rows[1][1] == [None, "甲公司", dt.date(2024, 3, 15), "0012345"]
    assert rows[2][1][3] == 110108000000016 and isinstance(rows[2][1][3], int)
    assert rows[2][1][2] == dt.datetime(2024, 3, 16, 9, 30)


def test_given_the_same_file_when_read_by_both_readers_then_rows_agree_except_midnight_dates(tmp_path):
    path = workbook(tmp_path / "both.xlsx", {
        "A1": "a", "B1": "b", "C1": "c", "A2": "x", "B2": 2, "C2": 2.25,
        "A4": "=1+1", "B4": dt.datetime(2024, 1, 2), "C4": False,
    })
    calamine = list(iter_rows(path))
    opx = list(iter_rows_openpyxl(path))
    assert [n for n, _ in calamine] == [n for n, _ in opx] == [1, 2, 4]
    assert calamine[:2] == opx[:2]
    # a formula without a cached value (openpyxl never computes one) reads as empty in both
    assert calamine[2][1] == [None, dt.date(2024, 1, 2), False]
    assert opx[2][1] == [None, dt.datetime(2024, 1, 2), False]


def test_given_a_named_sheet_when_read_then_that_sheet_is_read(tmp_path):
    wb = Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "not data"
    ws = wb.create_sheet("数据")
    ws.append(["h"])
    ws.append(["v"])
    wb.save(tmp_path / "two.xlsx")
    assert list(iter_rows(tmp_path / "two.xlsx", "数据")) == [(1, ["h"]), (2, ["v"])]
    assert list(iter_rows(tmp_path / "two.xlsx")) == [(1, ["not data"])]
    assert list(iter_rows_openpyxl(tmp_path / "two.xlsx", "数据")) == [(1, ["h"]), (2, ["v"])]


def test_given_a_broken_file_when_read_directly_then_not_xlsx(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 definitely not a workbook")
    with pytest.raises(SpreadsheetError) as err:
        list(iter_rows(path))
    assert err.value.code == "NOT_XLSX"


@pytest.fixture
def readers_spied(monkeypatch):
    """Replaces both readers' entry points with spies that fail the test if called."""
    import openpyxl
    import python_calamine

    calls: list[str] = []

    def spy(name):
        def called(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"{name} was reached")
        return called

    class SpyWorkbook:
        from_path = staticmethod(spy("calamine"))

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", SpyWorkbook)
    monkeypatch.setattr(openpyxl, "load_workbook", spy("openpyxl"))
    return calls


@pytest.mark.parametrize("case", ["xxe", "billion-laughs"])
def test_given_an_entity_attack_when_read_checked_then_refused_before_any_reader_opens_it(
        tmp_path, xl, readers_spied, case):
    if case == "xxe":
        path = xl.write_xlsx(tmp_path / "xxe.xlsx", xl.XXE)
    else:
        sheet = xl.SHEET_HEAD + xl.row_xml(1, ["h"]) + xl.row_xml(2, ["v"]) + xl.SHEET_TAIL
        path = xl.write_xlsx(tmp_path / "lol.xlsx", sheet, shared=xl.LAUGHS)
    with pytest.raises(SpreadsheetError) as err:
        info, rows = read_checked(path)
        list(rows)
    assert err.value.code == "UNSAFE_CONTENT"
    assert readers_spied == []


def test_given_a_good_file_when_read_checked_then_info_and_rows_come_from_the_same_sheet(tmp_path, xl):
    sheet = b"".join(xl.sheet_chunks([["名称", "代码"], ["甲", "0012"], ["乙", None]]))
    info, rows = read_checked(xl.write_xlsx(tmp_path / "ok.xlsx", sheet))
    assert info.rows_total == 2
    assert list(rows) == [(1, ["名称", "代码"]), (2, ["甲", "0012"]), (3, ["乙", None])]
