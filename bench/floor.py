"""The floor under the intake ratio: `python -m bench.floor [ROWS]` (default 100000).

What the counting-sink pipeline can never do without, measured on the bench workbook as shares of
the bare python-calamine read (CPU seconds, least of 3 runs each, GC paused as in the upload row
loop), each step adding to the one before it:

  pre-flight   `inspect_xlsx` — the zip-bomb / XXE / row-limit check every upload must pass
               before a reader touches it (SPEC §5; issue #6)
  rows         our calamine reader (empty cells → None, whole floats → int) and one dict per row
               keyed by the fields' json names — what any per-record check is handed
  + look-ups   one dict look-up per field of every row (a memo hit: the least any per-field check
               can cost — the validator's fast path is this plus its bookkeeping)
  + hash       the record's content hash (the idempotency test of every resend) over that dict
  + item       one plain dict per record with the attributes a stored record has, and its id
               (no model, no deadlines, no period, no version, no matching, no 回退 file)

`floor` = pre-flight + rows + look-ups + hash + item. Everything else the pipeline does comes on
top, so the pipeline's ratio can not go below it. `make bench` reports the floor (variant
`floor` of bench.intake = the last step) next to the pipeline; this module prints every step.
Run by hand; the numbers go to bench/PERFORMANCE.md.
"""
from __future__ import annotations

import gc
import sys
import time

STEPS = ("rows (our reader + a dict per row)", "+ one look-up per field", "+ content hash",
         "+ plain item (= rows + look-ups + hash + item)")


def field_names() -> list[str]:
    """The json names of the bench workbook's columns (loads the catalog and the modules used)."""
    from bench.common import HEADERS
    from chalicelib.catalog import load_catalog

    key_map = load_catalog().key_map("admin_penalty")
    return [key_map.get(h, h) for h in HEADERS]


def floor_pass(path, rows: int, names: list[str], step: int = len(STEPS) - 1) -> int:
    """One pass over the workbook doing STEPS[0..step]; returns the data rows seen."""
    from chalicelib.adapters.spreadsheet import iter_rows
    from chalicelib.ids import new_ids
    from chalicelib.services.submissions import content_hash

    memo: dict[str, dict] = {name: {} for name in names}   # per field: value → outcome (the value)
    it = iter_rows(path)
    next(it)
    ids = iter(new_ids(rows))
    n = 0
    for _, cells in it:
        n += 1
        fields = dict(zip(names, cells, strict=False))
        if step >= 1:
            for name, value in fields.items():
                seen = memo[name]
                if seen.get(value) is None and len(seen) < 4096:
                    seen[value] = value
        if step >= 2:
            h = content_hash(fields, [])
        if step >= 3:
            {"pk": fields["CF_XDR_SHXYM"], "sk": next(ids), "department": "d1", "category": "admin_penalty",
             "source_ref": fields["CF_WSH"], "version": 1, "state": "accepted", "match": "local",
             "enterprise_code": fields["CF_XDR_SHXYM"], "uscc": fields["CF_XDR_SHXYM"],
             "regno": fields["CF_XDR_GSZC"], "name": fields["CF_XDR_MC"], "fields": fields,
             "masked_fields": [], "content_hash": h, "decision_date": fields["CF_JDRQ"],
             "collect_deadline": None, "publish_deadline": None, "provisional": False, "late": False,
             "publishable": True, "received_at": "", "updated_at": "", "updated_by": "", "upload_id": ""}
    return n


def _best(fn, runs: int = 3) -> float:
    """Least CPU seconds of `runs` runs, with the cyclic GC paused as the upload row loop has it."""
    out = []
    for _ in range(runs):
        gc.collect()
        gc.disable()
        started = time.process_time()
        try:
            fn()
        finally:
            out.append(time.process_time() - started)
            gc.enable()
    return min(out)


def main(rows: int) -> dict:
    from bench.common import ensure_workbook, set_env

    set_env()
    path = ensure_workbook(rows, 1000)
    import bench.intake as intake
    from chalicelib.adapters.spreadsheet import inspect_xlsx

    names = field_names()
    bare = _best(lambda: intake._bare_calamine(path))
    steps = {"pre-flight inspect_xlsx": _best(lambda: inspect_xlsx(path))}
    for step, label in enumerate(STEPS):
        steps[label] = _best(lambda step=step: floor_pass(path, rows, names, step))
    floor = steps["pre-flight inspect_xlsx"] + steps[STEPS[-1]]
    print(f"{rows} rows: bare calamine read {bare:.2f} s CPU")
    for label, seconds in steps.items():
        print(f"  {label:48s} {seconds:6.2f} s  {seconds / bare:5.2f}×")
    print(f"  {'floor = pre-flight + all of the above':48s} {floor:6.2f} s  {floor / bare:5.2f}×")
    return {"rows": rows, "bare": bare, **steps, "floor": floor, "floor_ratio": floor / bare}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
