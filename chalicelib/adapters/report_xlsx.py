"""The 督查考核 report as a real xlsx: title, period, generated-at, Chinese headers, percentages,
frozen header row, column widths."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

COLUMNS = [  # (key, header, width, number format)
    ("department", "部门编号", 12, None), ("name", "部门名称", 26, None), ("submitted", "报送条数", 10, "0"),
    ("accepted", "接收条数", 10, "0"), ("rejected", "回退条数", 10, "0"), ("rejection_rate", "回退率", 10, "0.00%"),
    ("top_rejection_codes", "主要回退原因", 34, None), ("late", "迟报条数", 10, "0"),
    ("published_on_time", "按时公示", 10, "0"), ("published_late", "超时公示", 10, "0"),
    ("pending_overdue", "待关联超期", 12, "0"), ("push_overdue", "逾期未报送", 12, "0"),
    ("name_conflicts", "名称冲突", 10, "0"), ("last_submission", "最近报送时间", 22, None),
]
HEADER_ROW = 4


def _cell(key: str, value):
    if key == "top_rejection_codes":
        return "；".join(f"{code}×{n}" for code, n in value or [])
    if key == "push_overdue":
        return int(value or 0)
    return value


def department_report_xlsx(report: dict, title: str = "涉企信息归集公示督查考核报表") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "部门统计"
    ws["A1"] = title
    ws["A1"].font = Font(size=14, bold=True)
    ws["A2"] = f"统计期间：{report['from']} 至 {report['to']}" + (f"（区县 {report['region']}）" if report.get("region") else "")
    ws["A3"] = f"生成时间：{report['generated_at']}"
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, (_, header, width, _) in enumerate(COLUMNS, start=1):
        c = ws.cell(row=HEADER_ROW, column=col, value=header)
        c.font, c.fill, c.alignment = Font(bold=True), fill, Alignment(horizontal="center", wrap_text=True)
        ws.column_dimensions[c.column_letter].width = width
    rows = [*report["items"], {"department": "合计", "name": "", **report["total"]}]
    for r, item in enumerate(rows, start=HEADER_ROW + 1):
        for col, (key, _, _, fmt) in enumerate(COLUMNS, start=1):
            c = ws.cell(row=r, column=col, value=_cell(key, item.get(key)))
            if fmt:
                c.number_format = fmt
        if item["department"] == "合计":
            for col in range(1, len(COLUMNS) + 1):
                ws.cell(row=r, column=col).font = Font(bold=True)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
