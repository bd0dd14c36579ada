"""read_frame keeps the memory of what it returns, not of the calamine range it read through
(issue #27: the upload worker's peak RSS). Measured as the resident set of a fresh child process
(the C and Rust heaps are invisible to tracemalloc), after a warm-up read so that the libraries'
one-off set-up is not counted."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastexcel")
pytest.importorskip("polars")
if not Path("/proc/self/status").exists():  # pragma: no cover - Linux only, like the worker
    pytest.skip("needs /proc", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[3]
CHILD = r"""
import json, sys
from chalicelib.adapters.spreadsheet import inspect_xlsx
from chalicelib.adapters.spreadsheet.columnar import read_frame

def rss():
    with open("/proc/self/status") as f:
        return int(next(line for line in f if line.startswith("VmRSS:")).split()[1]) * 1024

read_frame(sys.argv[2], inspect_xlsx(sys.argv[2]))            # warm-up: thread pools, allocators
info = inspect_xlsx(sys.argv[1])
before = rss()
frame = read_frame(sys.argv[1], info)
print(json.dumps({"growth": rss() - before, "frame": frame.frame.estimated_size(), "rows": len(frame.numbers)}))
"""


def workbook(path: Path, rows: int) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("数据")
    ws.write_row(0, 0, [f"列{i}" for i in range(20)])
    for r in range(1, rows + 1):
        ws.write_row(r, 0, [f"广元市朝天区某某商贸有限公司{r}-{c}" for c in range(20)])
    wb.close()
    return path


def test_given_a_40000_row_sheet_when_read_into_columns_then_the_process_keeps_little_more_than_the_frame(tmp_path):
    """Before #27's memory work the process kept ≈ 2.7× the frame (the freed calamine range stayed
    in the C heap, where polars' own allocator never reuses it); now ≈ 1.4×."""
    big, small = workbook(tmp_path / "big.xlsx", 40_000), workbook(tmp_path / "small.xlsx", 50)
    out = subprocess.run([sys.executable, "-c", CHILD, str(big), str(small)], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["rows"] == 40_000
    assert got["growth"] < 2 * got["frame"], got
