"""Validation throughput: 100,000 generated 行政处罚 rows, as a spreadsheet reader hands them over.

Each row has 20 columns keyed by the template's Chinese headers, Chinese free text, codes with
valid check characters, and dates in the mixed forms readers produce (`YYYY/MM/DD` text,
`YYYY-MM-DD` text, `datetime` cells from openpyxl, `date` cells from calamine, Excel serials);
about 5 % of the rows carry an error. Generation is not timed; `validate_record` is.

    .venv/bin/python bench/bench_validation.py [--rows 100000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chalicelib.catalog import load_catalog  # noqa: E402
from chalicelib.domain.identifiers import USCC_ALPHABET, make_regno, make_uscc  # noqa: E402
from chalicelib.domain.validation import validate_record  # noqa: E402

TODAY = date(2026, 10, 1)
WORDS = "广元市利州区昭化朝天旺苍青川剑阁苍溪食品餐饮建材运输商贸科技农业旅游实业有限公司分公司经营部"
FACTS = ("经查，该单位在生产经营活动中未按规定落实安全管理制度，现场检查发现存在违法行为，"
         "情节较轻，当事人积极配合调查并已整改。")
KINDS = ["警告", "罚款", "警告、罚款", "罚款、没收违法所得", "通报批评", "责令停产停业"]
EXCEL_EPOCH = date(1899, 12, 30)


def make_date(rng: random.Random, d: date):
    form = rng.randrange(5)
    if form == 0:
        return d.strftime("%Y/%m/%d")
    if form == 1:
        return d.isoformat()
    if form == 2:
        return datetime(d.year, d.month, d.day)
    if form == 3:
        return d
    return float((d - EXCEL_EPOCH).days)


def make_rows(n: int, seed: int = 42) -> list[dict]:
    rng = random.Random(seed)
    agency = make_uscc("11510800008651234")
    rows = []
    for i in range(n):
        decided = TODAY - timedelta(days=rng.randrange(1, 700))
        body = "9151080" + "".join(rng.choice(USCC_ALPHABET) for _ in range(10))
        name = "".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 20))) + "有限公司"
        row = {
            "行政相对人名称": name, "行政相对人类别": "法人及非法人组织", "统一社会信用代码": make_uscc(body),
            "工商注册号": make_regno(f"510802{i:08d}"), "法定代表人": "张某", "法定代表人证件类型": "身份证",
            "法定代表人证件号码": f"51080219800101{i % 10000:04d}",
            "行政处罚决定书文号": f"广环罚〔{decided.year}〕{i}号", "违法行为类型": "未按规定落实安全管理制度",
            "违法事实": FACTS * rng.randrange(1, 4), "处罚依据": "《中华人民共和国安全生产法》第九十九条",
            "处罚类别": rng.choice(KINDS), "处罚内容": "罚款人民币" + str(rng.randrange(1, 100)) + "千元",
            "罚款金额（万元）": rng.choice([0.5, "1.2", 3, "10"]), "处罚决定日期": make_date(rng, decided),
            "处罚有效期": make_date(rng, decided + timedelta(days=365)), "处罚机关": "广元市安全生产监督管理局",
            "处罚机关统一社会信用代码": agency, "数据来源单位": "广元市安全生产监督管理局",
            "数据来源单位统一社会信用代码": agency,
        }
        if rng.random() < 0.05:  # a sprinkling of the usual mistakes
            row[rng.choice(["处罚决定日期", "统一社会信用代码", "处罚类别", "行政相对人名称"])] = "2026-02-30"
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    catalog = load_catalog()
    category, key_map = catalog.category("admin_penalty"), catalog.key_map("admin_penalty")
    rows = make_rows(args.rows)
    print(f"{len(rows)} rows × {len(rows[0])} columns generated")
    rates, cpu_rates = [], []
    for run in range(1, args.repeat + 1):
        start, cpu_start = time.perf_counter(), time.process_time()
        accepted = sum(validate_record(category, row, TODAY, key_map).ok for row in rows)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        rates.append(len(rows) / elapsed)
        cpu_rates.append(len(rows) / cpu)
        print(f"run {run}: {elapsed:.2f} s wall ({rates[-1]:,.0f} rows/s), {cpu:.2f} s CPU "
              f"({cpu_rates[-1]:,.0f} rows/s), accepted {accepted}, rejected {len(rows) - accepted}")
    # CPU time is the steadier figure on a shared machine; wall time is what an upload waits.
    print(f"median: {statistics.median(rates):,.0f} rows/s wall, {statistics.median(cpu_rates):,.0f} rows/s CPU")


if __name__ == "__main__":
    main()
