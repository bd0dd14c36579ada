"""The pre-flight and the 回退 workbook writer, each alone (issue #27): `python -m bench.preflight
{inspect,feedback} [ROWS]` (default 100000) on the bench's workbook (bench/.data, made by
bench.common.ensure_workbook). CPU seconds, least of `--repeat` runs in this process, against the
bare python-calamine read of the same workbook. Run by hand; the numbers go to bench/PERFORMANCE.md.

- inspect: `inspect_xlsx` with each inflater (ISA-L when installed, zlib).
- feedback: the 回退 rows the counting-sink pipeline hands to `write_feedback` (captured once from
  a real run, 5,117 rows at 100k), written to a file as the worker does.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import tempfile
import time
from pathlib import Path


def _least(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best


def _bare(path: Path) -> float:
    from bench.intake import _bare_calamine

    return _least(lambda: _bare_calamine(path), 1)


def inspect(path: Path, repeat: int) -> dict[str, float]:
    import zlib

    from chalicelib.adapters.spreadsheet import _zipstream, inspect_xlsx

    out: dict[str, float] = {}
    libs = {"zlib": zlib}
    with contextlib.suppress(ImportError):
        from isal import isal_zlib
        libs["isal"] = isal_zlib
    saved = _zipstream.INFLATE
    try:
        for name, lib in libs.items():
            _zipstream.INFLATE = lib
            out[f"inspect_xlsx ({name})"] = _least(lambda: inspect_xlsx(path), repeat)
    finally:
        _zipstream.INFLATE = saved
    return out


def captured_feedback(path: Path, rows: int, pool: int) -> tuple:
    """(header, rows, labels) as the upload worker passes them to write_feedback, from one run of
    the counting-sink pipeline (cached beside the workbook)."""
    cache = path.with_suffix(".feedback.pickle")
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    import bench.intake as intake
    import chalicelib.services.upload_rows as upload_rows

    real = upload_rows.write_feedback
    got: list = []

    def capture(target, header, fb_rows, labels=None):
        fb_rows = list(fb_rows)
        got.append((header, fb_rows, labels))
        return real(target, header, fb_rows, labels)

    upload_rows.write_feedback = capture
    try:
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            intake._sink(path, pool, False)
    finally:
        upload_rows.write_feedback = real
    header, fb_rows, labels = got[0]
    plain = (header, [(n, cells, [SimpleError(e.field, e.code, e.message, e.suggestion) for e in errs])
                      for n, cells, errs in fb_rows], labels)
    cache.write_bytes(pickle.dumps(plain))
    return plain


class SimpleError:
    """A FieldErrorLike that pickles without the domain model."""

    def __init__(self, field, code, message, suggestion):
        self.field, self.code, self.message, self.suggestion = field, code, message, suggestion


def feedback(path: Path, rows: int, pool: int, repeat: int) -> dict[str, float]:
    from chalicelib.adapters.spreadsheet import feedback as fb

    header, fb_rows, labels = captured_feedback(path, rows, pool)
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        target = Path(tmp) / "feedback.xlsx"
        out[f"write_feedback (XlsxWriter, {len(fb_rows)} rows)"] = _least(
            lambda: fb.write_feedback(target, header, fb_rows, labels), repeat)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["inspect", "feedback"])
    parser.add_argument("rows", type=int, nargs="?", default=100_000)
    parser.add_argument("--pool", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from bench.common import ensure_workbook, set_env

    set_env()
    path = ensure_workbook(args.rows, args.pool)
    results = (inspect(path, args.repeat) if args.what == "inspect"
               else feedback(path, args.rows, args.pool, args.repeat))
    base = _bare(path)
    print(f"{args.rows} rows: bare calamine read {base:.2f} s CPU")
    for label, seconds in results.items():
        print(f"  {label:48s} {seconds:6.2f} s CPU  {seconds / base:5.2f}× the bare read")


if __name__ == "__main__":
    main()
