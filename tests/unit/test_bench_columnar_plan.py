"""The prototype of the plan stage on columns (bench/columnar_plan.py, issue #27 design B) stores what
the real pipeline stores: run as the bench runs it (a child process, 300 rows), its transaction items
for every accepted row — record, identity and version Puts — equal, field by field, those the real
`UploadProcessor` hands `RecordRepository` for the same workbook (`_items` of each Change; generated
ids and time stamps apart) — also when built as DynamoDB-JSON text column-wise — and its rejections
are the real 回退 rows (cells as kept for the file, and errors)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_columnar_plan_stores_the_items_and_rejections_of_the_real_pipeline(tmp_path):
    out = tmp_path / "plan.json"
    proc = subprocess.run([sys.executable, "-m", "bench.columnar_plan", "300", "--pool", "50", "--check-rows", "300",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    check = result["check"]
    assert check["n_differences"] == 0, check["differences"]
    assert check["n_rejection_differences"] == 0, check["rejection_differences"]
    # the items as DynamoDB-JSON text built column-wise (`--wire`) read back as the same items
    assert check["wire_mismatches"] == 0, check
    # the comparison covered the rows the columns planned, and the row path's rejections
    assert check["rows_on_columns"] > 250 and check["rejections"] > 0, check
    assert check["records"] == result["accepted"] and check["compared_items"] == 3 * check["records"], check
    assert result["accepted"] + result["rejected"] == result["rows"] == 300, result
    assert result["items"] == 3 * result["accepted"], result
