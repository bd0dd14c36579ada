"""Spreadsheet read benchmark: pre-flight check vs readers on a 100,000-row × 20-column workbook.

    .venv/bin/python bench/bench_read.py [--rows 100000] [--repeat 3] [--repeat-slow 1]

The workbook (Chinese text, shaped like 行政处罚 records) is generated once with openpyxl
write_only and cached under bench/.data/ (git-ignored). Every step runs in a fresh child
process, so its peak RSS (`resource.getrusage(RUSAGE_SELF).ru_maxrss`) is its own; times are
medians over the repeats; CPU seconds (user + system) are shown beside wall time because
they are less disturbed by other processes on a busy machine. Steps (SPEC §6.5: the pipeline against a bare read with the same
library and against the fastest reader):
  baseline        interpreter + imports only (the RSS floor of every other step)
  inspect         inspect_xlsx: zip checks, DOCTYPE scan of every part, streamed row count
  calamine_bare   python-calamine iter_rows, no normalisation (the fastest reader, bare)
  iter_rows       our calamine reader (normalised cells, empty rows skipped)
  read_checked    inspect_xlsx + iter_rows: what intake does before validation
  openpyxl        our openpyxl reader (read_only, values_only; defusedxml active)
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / ".data"
HEADERS = ["行政相对人名称", "行政相对人类别", "统一社会信用代码", "工商注册号", "法定代表人",
           "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容",
           "罚款金额（万元）", "处罚决定日期", "处罚有效期", "公示截止期", "处罚机关",
           "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注"]
STEPS = ["baseline", "inspect", "calamine_bare", "iter_rows", "read_checked", "openpyxl"]
SLOW = {"openpyxl"}


def _text(rng: random.Random, n: int) -> str:
    """n random CJK characters: incompressible enough to give a file of the size the stack notes
    measured (≈ 48 MB for 100,000 rows)."""
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(n))


def _row(rng: random.Random, i: int) -> list[str]:
    district = rng.choice(["利州区", "昭化区", "朝天区", "旺苍县", "青川县", "剑阁县", "苍溪县"])
    name = f"广元市{district}{_text(rng, 4)}商贸有限公司"
    return [
        name, "法人及非法人组织", f"91510802MA{i:06d}{rng.randint(0, 99):02d}", f"5108026000{i:05d}",
        _text(rng, 3), f"广{district[:2]}环罚〔2024〕{i}号",
        rng.choice(["超标排放大气污染物", "未按规定设置危险废物识别标志", "无证经营食品"]),
        f"经查，{name}{_text(rng, 120)}。", f"《{_text(rng, 10)}法》第{rng.randint(1, 120)}条",
        rng.choice(["罚款", "警告、罚款", "通报批评"]), f"罚款{rng.randint(1, 50)}万元，{_text(rng, 30)}。",
        f"{rng.randint(1, 500) / 10:.1f}", f"2024/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}",
        "2099/12/31", "2027/12/31", f"广元市{district}生态环境局", "11510800MB1F12345X",
        f"广元市{district}生态环境局", "11510800MB1F12345X", _text(rng, 20) if i % 3 else "",
    ]


def ensure_workbook(rows: int) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / ".gitignore").write_text("*\n")          # belt and braces with the repo's .gitignore
    path = DATA / f"penalty_{rows}x{len(HEADERS)}_v2.xlsx"
    if path.exists():
        return path
    from openpyxl import Workbook

    print(f"generating {path.relative_to(ROOT)} …", file=sys.stderr, flush=True)
    start = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append(HEADERS)
    rng = random.Random(2024)
    for i in range(rows):
        ws.append(_row(rng, i))
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    tmp.rename(path)
    print(f"generated in {time.perf_counter() - start:.0f} s, {path.stat().st_size / 2**20:.1f} MB",
          file=sys.stderr)
    return path


def child(step: str, path: str) -> dict:
    from chalicelib.adapters.spreadsheet import inspect_xlsx
    from chalicelib.adapters.spreadsheet.reader import iter_rows, iter_rows_openpyxl, read_checked

    rows = 0
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    if step == "inspect":
        rows = inspect_xlsx(path).rows_total
    elif step == "calamine_bare":
        from python_calamine import CalamineWorkbook

        with CalamineWorkbook.from_path(path) as wb:
            for _ in wb.get_sheet_by_index(0).iter_rows():
                rows += 1
        rows -= 1
    elif step == "iter_rows":
        rows = sum(1 for _ in iter_rows(path)) - 1
    elif step == "read_checked":
        _, it = read_checked(path)
        rows = sum(1 for _ in it) - 1
    elif step == "openpyxl":
        rows = sum(1 for _ in iter_rows_openpyxl(path)) - 1
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"step": step, "seconds": seconds, "cpu": cpu, "rows": rows,
            "rss_mb": after.ru_maxrss / 1024}  # ru_maxrss is in KB on Linux


def run(step: str, path: Path, repeat: int) -> dict:
    results = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--child", step, str(path)],
                             check=True, capture_output=True, text=True)
        results.append(json.loads(out.stdout))
    seconds = statistics.median(r["seconds"] for r in results)
    cpu = statistics.median(r["cpu"] for r in results)
    return {"step": step, "seconds": seconds, "cpu": cpu, "rows": results[0]["rows"],
            "rss_mb": max(r["rss_mb"] for r in results), "runs": len(results)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--repeat-slow", type=int, default=1)
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--child", nargs=2, metavar=("STEP", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    path = ensure_workbook(args.rows)
    size = path.stat().st_size / 2**20
    print(f"\n{path.name}: {size:.1f} MB, {args.rows} data rows × {len(HEADERS)} columns, Python "
          f"{sys.version.split()[0]}\n")
    print("| step | median wall s | median CPU s | rows/s (wall) | peak RSS MB | runs |\n"
          "|---|---:|---:|---:|---:|---:|")
    results = []
    for step in args.steps.split(","):
        r = run(step, path, args.repeat_slow if step in SLOW else args.repeat)
        results.append(r)
        rate = f"{r['rows'] / r['seconds']:,.0f}" if r["rows"] > 0 else "–"
        print(f"| {step} | {r['seconds']:.2f} | {r['cpu']:.2f} | {rate} | {r['rss_mb']:.0f} | {r['runs']} |",
              flush=True)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "bench_read.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
