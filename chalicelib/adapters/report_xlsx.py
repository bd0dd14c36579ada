"""The 督查考核 report as a real xlsx: title, period, generated-at (Chinese date-time), the
page's own columns and cells (services/reports.COLUMNS, one definition), percentages, frozen
header row, column widths. Only the layout lives here. Every cell goes through text_cells.put (a
department name `=HYPERLINK(…)` stays text)."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from chalicelib.adapters.spreadsheet.catalog_xlsx import table
from chalicelib.adapters.text_cells import put
from chalicelib.services.reports import COLUMNS, cell

WIDTHS = {"text": 26, "count": 10, "rate": 10, "codes": 36, "flag": 12, "time": 20, "days": 12}
FORMATS = {"count": "0", "rate": "0.0%", "days": "0"}
HEADER_ROW = 4


def report_filename(report: dict) -> str:
    """The Chinese file name of a report export (Content-Disposition filename*)."""
    return f"督查考核报表_{report.get('region_name') or '全市'}_{report['from']}至{report['to']}.xlsx"


def department_report_xlsx(report: dict, title: str = "涉企信息归集公示督查考核报表") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "部门统计"
    put(ws, 1, 1, title).font = Font(size=14, bold=True)
    put(ws, 2, 1, f"统计期间：{report['from']} 至 {report['to']}（{report.get('region_name') or '全市'}）")
    put(ws, 3, 1, f"生成时间：{report['generated_at_text']}")
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, column in enumerate(COLUMNS, start=1):
        c = put(ws, HEADER_ROW, col, column.label)
        c.font, c.fill, c.alignment = Font(bold=True), fill, Alignment(horizontal="center", wrap_text=True)
        ws.column_dimensions[c.column_letter].width = WIDTHS[column.kind]
    rows = [*report["items"], report["total"]]
    for r, item in enumerate(rows, start=HEADER_ROW + 1):
        for col, column in enumerate(COLUMNS, start=1):
            value = cell(column, item)
            c = put(ws, r, col, value)
            if column.kind in FORMATS and not isinstance(value, str):
                c.number_format = FORMATS[column.kind]
            if item is report["total"]:
                c.font = Font(bold=True)
    if not report["items"]:
        put(ws, HEADER_ROW + 2, 1, "该区域暂无部门")
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=2)
    by_item = wb.create_sheet("按事项")      # records accepted per 目录事项 in the period
    table(by_item, BY_ITEM, report.get("by_item", []))
    if not report.get("by_item"):
        put(by_item, 2, 1, "本期没有注明目录事项的记录")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


BY_ITEM = (("department", "部门编号", 12), ("name", "部门", 26), ("item_code", "目录事项编码", 16),
           ("item_name", "事项名称", 36), ("records", "报送通过条数", 14))
