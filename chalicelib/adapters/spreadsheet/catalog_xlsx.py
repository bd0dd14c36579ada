"""The compiled 目录 and the 数据格式规范 as xlsx (GET /v1/public/catalog-items|format-rules?format=xlsx).

Both are the JSON answers laid out as tables: a bold header row on the templates' grey fill, frozen,
column widths set, text cells wrapped, a list of values one per line. Every cell goes through text_cells.put (a department's
事项名称 `=…` stays text)."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from chalicelib.adapters.text_cells import put

from .template import _BOLD, _HEAD_FILL, _WRAP

CATALOG_SHEET = "归集公示目录"
RULES_SHEET = "数据格式规范"
PERIODS_SHEET = "公示期限"

CATALOG_COLUMNS: list[tuple[str, str, int]] = [   # (key, header, width)
    ("item_code", "事项编码", 14), ("department", "部门编号", 12), ("department_name", "部门", 24),
    ("name", "事项名称", 36), ("category", "信息类别代码", 18), ("category_name", "信息类别", 22),
    ("legal_basis", "设定依据", 50), ("office", "责任科室", 18), ("period_rule", "公示期限", 40),
    ("approved_version", "批准版本", 10), ("approved_at", "批准时间", 24),
]
RULE_COLUMNS: list[tuple[str, str, int]] = [
    ("category", "信息类别代码", 18), ("category_name", "信息类别", 22), ("json_name", "字段代码", 18),
    ("code", "国家标准代码", 16), ("label", "中文名称", 30), ("type", "类型代码", 12), ("type_name", "类型", 16),
    ("max_len", "最大长度", 10), ("required", "是否必填", 10), ("enum", "可选值", 40), ("example", "示例", 28),
]
PERIOD_COLUMNS: list[tuple[str, str, int]] = [
    ("id", "信息类别代码", 18), ("name", "信息类别", 24), ("period_rule", "公示期限规则", 70),
    ("item_period_months", "目录事项可设定的公示期限（月）", 20),
]


def _cell(value: Any) -> Any:
    """Booleans 是/否; a list of values one per line (an enum value may hold 、); bounds as 3–36."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return ("–" if value and all(isinstance(v, int) for v in value) else "\n").join(map(str, value))
    return "" if value is None else value


def table(ws, columns: Sequence[tuple[str, str, int]], rows: Iterable[dict]) -> None:
    """A sheet of `rows` under a bold, filled, frozen header: `columns` are (key, header, width)."""
    for col, (_, header, width) in enumerate(columns, start=1):
        c = put(ws, 1, col, header)
        c.font, c.fill, c.alignment = _BOLD, _HEAD_FILL, _WRAP
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, row in enumerate(rows, start=2):
        for col, (key, _, _) in enumerate(columns, start=1):
            put(ws, r, col, _cell(row.get(key))).alignment = _WRAP
    ws.freeze_panes = "A2"


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def catalog_items_xlsx(catalog: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = CATALOG_SHEET
    wb.properties.title = "广元市政府部门涉企信息归集公示目录"
    table(ws, CATALOG_COLUMNS, catalog["items"])
    if not catalog["items"]:
        put(ws, 2, 1, "暂无已批准的目录事项")
    return _save(wb)


def format_rules_xlsx(rules: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = RULES_SHEET
    wb.properties.title = "广元市政府部门涉企信息归集数据格式规范"
    table(ws, RULE_COLUMNS, ({**f, "category": c["id"], "category_name": c["name"]}
                              for c in rules["categories"] for f in c["fields"]))
    table(wb.create_sheet(PERIODS_SHEET), PERIOD_COLUMNS, rules["categories"])
    return _save(wb)
