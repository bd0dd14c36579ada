"""The downloadable xlsx template of a category (GET /v1/templates/{category}).

Sheet "数据": row 1 the Chinese labels exactly as the catalog has them (so they map back),
required ones red and bold with a "必填" comment; row 2 the national codes / json names (grey,
small; `is_code_row` skips it on upload); data start on row 3. Enum columns get a dropdown fed
from a hidden sheet "选项" (no 255-character limit, values may hold commas); code-like and text
columns are formatted as text ('@') so Excel keeps leading zeros and long digit strings; date
columns show yyyy/mm/dd. Sheet "填表说明" describes every field. Every text cell goes through
text_cells.put: catalog text (labels, options, notes) never becomes a formula.
"""
from __future__ import annotations

import io
import unicodedata

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from chalicelib.adapters.text_cells import put
from chalicelib.catalog.model import TYPE_NAMES, Category, FieldDef, FieldType

from .safety import MAX_BYTES, MAX_ROWS

DATA_SHEET = "数据"
HELP_SHEET = "填表说明"
OPTIONS_SHEET = "选项"
FIRST_DATA_ROW = 3
MULTI_SEPARATOR = "、"

TEXT_TYPES = {FieldType.TEXT, FieldType.CODE, FieldType.USCC, FieldType.REGNO,
              FieldType.ENUM, FieldType.MULTI_ENUM}
TYPE_HINTS = {
    FieldType.DATE: "格式 YYYY/MM/DD 或 YYYY-MM-DD，2099/12/31 表示长期",
    FieldType.MULTI_ENUM: f"可填多个值，以“{MULTI_SEPARATOR}”分隔",
    FieldType.USCC: "18 位统一社会信用代码",
    FieldType.REGNO: "15 位工商注册号",
    FieldType.DECIMAL: "填写非负数字",
}

_RED_BOLD = Font(bold=True, color="C00000")
_BOLD = Font(bold=True)
_GREY_SMALL = Font(color="808080", size=9)
_HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _max_len(f: FieldDef) -> str:
    if f.type is FieldType.USCC:
        return "18"
    if f.type is FieldType.REGNO:
        return "15"
    return str(f.max_len) if f.type in (FieldType.TEXT, FieldType.CODE) else ""


def _note(f: FieldDef) -> str:
    """The field's own help from the catalog; the type's general hint only where it has none (the
    catalog's help already says the format, so both would repeat it)."""
    return f.help or TYPE_HINTS.get(f.type, "")


def build_template(category: Category) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    wb.properties.title = f"{category.name}导入模板"
    options = wb.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    last_row = MAX_ROWS + FIRST_DATA_ROW - 1
    option_col = 0
    for col, f in enumerate(category.fields, start=1):
        letter = get_column_letter(col)
        head = put(ws, 1, col, f.label)
        head.fill = _HEAD_FILL
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.font = _RED_BOLD if f.required else _BOLD
        comment = "\n".join(p for p in ("必填" if f.required else "", _note(f)) if p)
        if comment:
            head.comment = Comment(comment, "模板")
        code = put(ws, 2, col, f.code or f.json_name)
        code.font = _GREY_SMALL
        code.alignment = Alignment(horizontal="center")
        dim = ws.column_dimensions[letter]
        dim.width = min(max(_display_width(f.label), len(code.value), 10) + 4, 50)
        if f.type is FieldType.DATE:
            dim.number_format = "yyyy/mm/dd"
        elif f.type in TEXT_TYPES:
            dim.number_format = "@"
        if f.type in (FieldType.ENUM, FieldType.MULTI_ENUM) and f.enum:
            option_col += 1
            opt_letter = get_column_letter(option_col)
            put(options, 1, option_col, f.label)
            for i, value in enumerate(f.enum, start=2):
                put(options, i, option_col, value).number_format = "@"
            ref = f"'{OPTIONS_SHEET}'!${opt_letter}$2:${opt_letter}${len(f.enum) + 1}"
            dv = DataValidation(type="list", formula1=ref, allow_blank=True)
            if f.type is FieldType.MULTI_ENUM:
                dv.showErrorMessage = False   # several values typed in one cell must stay possible
                dv.promptTitle = "可多选"
                dv.prompt = f"可选一个值，或填写多个值并以“{MULTI_SEPARATOR}”分隔，例如：" + \
                    MULTI_SEPARATOR.join(f.enum[:2])
                dv.showInputMessage = True
            else:
                dv.showErrorMessage = True
                dv.errorTitle = "取值无效"
                dv.error = "请从下拉列表中选择"
            dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
            ws.add_data_validation(dv)
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.row_dimensions[1].height = 30
    _help_sheet(wb, category)
    wb.move_sheet(OPTIONS_SHEET, offset=1)   # order: 数据, 填表说明, 选项 (hidden)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _help_sheet(wb: Workbook, category: Category) -> None:
    ws = wb.create_sheet(HELP_SHEET)
    headers = ["中文名称", "字段代码", "是否必填", "类型", "最大长度", "可选值", "说明"]
    widths = [28, 18, 10, 16, 10, 40, 50]
    for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = put(ws, 1, col, text)
        cell.font, cell.fill = _BOLD, _HEAD_FILL
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, f in enumerate(category.fields, start=2):
        values = [f.label, f.code or f.json_name, "是" if f.required else "否", TYPE_NAMES[f.type],
                  _max_len(f), MULTI_SEPARATOR.join(f.enum), _note(f)]
        for col, value in enumerate(values, start=1):
            cell = put(ws, row, col, value)
            cell.number_format = "@"
            cell.alignment = _WRAP
            if col == 1 and f.required:
                cell.font = _RED_BOLD
    notes = [
        f"1. 请在“{DATA_SHEET}”工作表第 {FIRST_DATA_ROW} 行起逐行填写，每行一条记录；"
        "第 1 行为中文表头、第 2 行为字段代码，请勿修改或删除，列的顺序可以调整。",
        "2. 红色加粗的列为必填项。",
        "3. 日期按 YYYY/MM/DD 填写（如 2024/03/15）；长期有效填写 2099/12/31。",
        "4. 代码、文号、证件号码等列已设为文本格式，请勿改为数值格式，以免丢失前导零或变成科学计数法。",
        f"5. 多选项可填写多个值，以“{MULTI_SEPARATOR}”分隔。",
        f"6. 单个文件不超过 {MAX_BYTES // (1024 * 1024)} MB、{MAX_ROWS} 行数据；只读取第一个工作表。",
    ]
    names = {f.json_name for f in category.fields}
    if category.uscc_field in names and category.regno_field in names:
        notes.append(f"7. {category.field(category.uscc_field).label}与"
                     f"{category.field(category.regno_field).label}至少填写一项。")
    start = len(category.fields) + 3
    for i, text in enumerate(notes):
        put(ws, start + i, 1, text)
