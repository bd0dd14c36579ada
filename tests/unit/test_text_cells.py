"""Every file writer keeps user text as text (SPEC §6.5, issue 19): for each prefix a spreadsheet takes
for a formula (=, +, -, @, tab, CR), the 回退 file, the template, the report xlsx and the open-data CSV
hold the text as a text cell / quoted field — read back with openpyxl, calamine and csv."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.adapters.report_xlsx import department_report_xlsx
from chalicelib.adapters.spreadsheet.feedback import build_feedback
from chalicelib.adapters.spreadsheet.template import build_template
from chalicelib.adapters.text_cells import FORMULA_PREFIXES, clean, csv_text, put
from chalicelib.catalog import load_catalog
from chalicelib.services.open_data import CSV_COLUMNS, _csv
from tests.textcheck import HOSTILE, assert_csv_text, assert_xlsx_text


def test_feedback_file_keeps_every_hostile_cell_as_text():
    rows = [(3 + i, [text, "x"], [SimpleNamespace(field="CF_WSH", code="REQUIRED", message=text, suggestion=text)]) for i, text in enumerate(HOSTILE)]
    assert_xlsx_text(build_feedback(["行政处罚决定书文号", HOSTILE[0]], rows))


def test_template_keeps_catalog_text_as_text():
    cat = load_catalog().category("admin_penalty")
    fields = [f.model_copy(update={"label": text, "help": text}) for f, text in zip(cat.fields, HOSTILE, strict=False)]
    enum_field = next(f for f in cat.fields if f.enum)
    fields.append(enum_field.model_copy(update={"json_name": "extra", "label": "选项", "enum": HOSTILE}))
    assert_xlsx_text(build_template(cat.model_copy(update={"fields": fields, "name": HOSTILE[0]})))


def test_report_xlsx_keeps_department_names_as_text():
    items = [{"department": f"d{i:02d}", "name": text, "submitted": 1, "top_rejection_codes": [[text, 1]]}
             for i, text in enumerate(HOSTILE, start=1)]
    report = {"from": "2026-11-01", "to": "2026-11-30", "generated_at_text": HOSTILE[3], "region_name": HOSTILE[1],
              "items": items, "total": {"name": "合计"}}
    assert_xlsx_text(department_report_xlsx(report, title=HOSTILE[2]))


def test_open_data_csv_quotes_formula_like_text():
    rows = [{c: text for c in CSV_COLUMNS if c != "fields"} | {"fields": {"CF_WSH": text}} for text in HOSTILE]
    assert_csv_text(_csv(rows))


@pytest.mark.parametrize("value,expected", [("-12.5", "-12.5"), ("+3", "+3"), ("-", "'-"), ("公司", "公司"),
                                            (None, ""), (5, "5"), ("=1", "'=1")])
def test_csv_text_leaves_plain_numbers_and_plain_text(value, expected):
    assert csv_text(value) == expected


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(FORMULA_PREFIXES), st.text(max_size=40))
def test_any_formula_like_text_stays_text_in_openpyxl_and_csv(prefix, rest):
    from openpyxl import Workbook

    text = prefix + rest
    cell = put(Workbook().active, 1, 1, text)
    assert (cell.data_type, cell.value) == ("s", clean(text))
    field = csv_text(text)
    assert field == text if re.fullmatch(r"[+-]?\d+(\.\d+)?", text) else field == "'" + text
