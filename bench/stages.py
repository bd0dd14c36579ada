"""Where the upload pipeline's CPU goes: `python -m bench.stages [ROWS]` (default 100000).

Runs the counting-sink pipeline (bench.intake's `sink`: UploadProcessor.process_object with every
store replaced by an in-memory sink) once, with the stages timed by wrapping the functions that
do them (CPU time, no profiler: cProfile inflates Python-heavy stages several times), and the
bare python-calamine read of the same workbook for scale. Prints each stage as a share of the
bare read. Run by hand; the numbers go to bench/PERFORMANCE.md.
"""
from __future__ import annotations

import contextlib
import os
import sys
import time


def _timed(owner, name: str, label: str, acc: dict) -> None:
    inner = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            acc[label] = acc.get(label, 0.0) + time.process_time() - started

    setattr(owner, name, wrapper)


def main(rows: int) -> None:
    from bench.common import ensure_workbook, set_env

    set_env()
    path = ensure_workbook(rows, 1000)
    import bench.intake as intake
    import chalicelib.domain.validation as validation
    import chalicelib.services.submissions as submissions
    import chalicelib.services.upload_rows as upload_rows

    acc: dict[str, float] = {}
    _timed(upload_rows, "inspect_xlsx", "pre-flight inspect_xlsx", acc)
    _timed(upload_rows, "write_feedback", "回退 feedback workbook", acc)
    _timed(submissions.SubmissionService, "submit", "submit (validate + match + plan + rest)", acc)
    _timed(validation, "validate_record", "  validate_record", acc)
    submissions.validate_record = validation.validate_record
    _timed(submissions.SubmissionService, "_plan", "  plan (hash, deadlines, period, Record, version)", acc)
    bare = []
    for _ in range(2):
        started = time.process_time()
        intake._bare_calamine(path)
        bare.append(time.process_time() - started)
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        result = intake._sink(path, 1000, False)
    base = min(bare)
    rest = result["cpu"] - sum(v for k, v in acc.items() if not k.startswith("  "))
    print(f"{rows} rows: bare calamine read {base:.2f} s CPU; pipeline (counting sink) {result['cpu']:.2f} s CPU "
          f"= {result['cpu'] / base:.2f}× the bare read")
    for label, seconds in [*acc.items(), ("read rows + row loop + rejected-row chunks", rest)]:
        print(f"  {label:52s} {seconds:6.2f} s  {seconds / base:5.2f}×")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
