"""build_template: layout, formats, dropdowns, instructions — and a filled template reads back."""
from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from chalicelib.adapters.spreadsheet import (
    check_headers,
    header_key_map,
    inspect_xlsx,
    is_code_row,
    iter_rows,
    map_headers,
    required_fields,
)
from chalicelib.adapters.spreadsheet.template import build_template


def load(category):
    return load_workbook(io.BytesIO(build_template(category)))


def test_given_a_category_when_templated_then_data_sheet_has_labels_codes_and_frozen_header(category):
    wb = load(category)
    assert wb.sheetnames == ["数据", "填表说明", "选项"]
    assert wb["选项"].sheet_state == "hidden"
    ws = wb["数据"]
    assert [c.value for c in ws[1]] == [f.label for f in category.fields]
    assert [c.value for c in ws[2]] == [f.code for f in category.fields]
    assert ws.freeze_panes == "A3"
    assert all(c.font.color.rgb.endswith("808080") and c.font.sz < 11 for c in ws[2])


def test_given_required_fields_when_templated_then_their_headers_are_red_bold_with_a_comment(category):
    ws = load(category)["数据"]
    for cell, f in zip(ws[1], category.fields, strict=True):
        if f.required:
            assert cell.font.b and cell.font.color.rgb.endswith("C00000")
            assert cell.comment.text.startswith("必填")
        else:
            assert not cell.font.color or not cell.font.color.rgb.endswith("C00000")
            assert cell.comment is None or "必填" not in cell.comment.text


def test_given_typed_fields_when_templated_then_columns_carry_text_and_date_formats(category):
    ws = load(category)["数据"]
    fmt = {f.json_name: ws.column_dimensions[chr(65 + i)].number_format
           for i, f in enumerate(category.fields)}
    assert fmt["CF_XDR_SHXYM"] == fmt["CF_XDR_GSZC"] == fmt["CF_WSH"] == fmt["CF_XDR_MC"] == "@"
    assert fmt["CF_JDRQ"] == "yyyy/mm/dd"
    assert all(ws.column_dimensions[chr(65 + i)].width >= 10 for i in range(len(category.fields)))


def test_given_enum_fields_when_templated_then_dropdowns_read_from_the_options_sheet(category):
    wb = load(category)
    validations = {str(dv.sqref): dv for dv in wb["数据"].data_validations.dataValidation}
    single = validations["B3:B100002"]
    multi = validations["F3:F100002"]
    assert single.type == multi.type == "list"
    assert single.showErrorMessage and not multi.showErrorMessage
    assert "、" in multi.prompt
    options = wb["选项"]
    ref = single.formula1.split("!")[1].replace("$", "")
    assert [c.value for row in options[ref] for c in row] == ["法人及非法人组织", "自然人", "个体工商户"]


def test_given_a_category_when_templated_then_the_instructions_list_every_field(category):
    ws = load(category)["填表说明"]
    assert [c.value for c in ws[1]] == ["中文名称", "字段代码", "是否必填", "类型", "最大长度", "可选值", "说明"]
    by_label = {row[0].value: [c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=10)}
    assert set(by_label) == {f.label for f in category.fields}
    assert by_label["处罚类别"][2:4] == ["是", "多选"]
    assert by_label["处罚类别"][5] == "警告、通报批评、罚款、没收违法所得"
    assert by_label["统一社会信用代码"][4] == "18"
    assert "决定书上的文号" in by_label["行政处罚决定书文号"][6]
    notes = " ".join(str(c.value) for c in ws["A"][10:] if c.value)
    assert "至少填写一项" in notes and "2099/12/31" in notes


def test_given_a_filled_template_when_read_back_then_fields_map_and_leading_zeros_survive(tmp_path, category):
    wb = load(category)
    ws = wb["数据"]
    ws.append(["某某有限公司", "法人及非法人组织", "91350100M000100Y43", "011010800000016",
               "0012号", "警告、罚款", 1.5, dt.date(2024, 3, 15), None])
    ws.append(["乙公司", "个体工商户", None, "510802600012345", "2024-002", "罚款", 3,
               "2024/03/16", "备注"])
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    keys = header_key_map(category)

    info = inspect_xlsx(path, key_map=keys)
    assert (info.rows_total, info.code_row, info.sheet_name) == (2, 2, "数据")

    rows = iter(iter_rows(path, info.sheet_name))
    _, header = next(rows)
    hm = map_headers(header, keys, required_fields(category))
    check_headers(hm)
    _, second = next(rows)
    assert is_code_row(second, keys, hm.columns)
    records = [(n, {hm.columns[i]: v for i, v in enumerate(cells) if i in hm.columns and v is not None})
               for n, cells in rows]
    assert records[0] == (3, {"CF_XDR_MC": "某某有限公司", "CF_XDR_LB": "法人及非法人组织",
                              "CF_XDR_SHXYM": "91350100M000100Y43", "CF_XDR_GSZC": "011010800000016",
                              "CF_WSH": "0012号", "CF_CFLB": "警告、罚款", "CF_NR_FK": 1.5,
                              "CF_JDRQ": dt.date(2024, 3, 15)})
    assert records[1][0] == 4 and records[1][1]["CF_NR_FK"] == 3 and records[1][1]["CF_JDRQ"] == "2024/03/16"
