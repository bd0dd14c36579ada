"""`python -m bench` (= `make bench`): every benchmark, one table, bench/results/latest.json.

    .venv/bin/python -m bench                  # the full run (10k and 100k rows / stored records)
    .venv/bin/python -m bench --quick          # small sizes, a few minutes
    .venv/bin/python -m bench --only intake    # one section (intake, costs, coldstart, latency,
                                               # public_reads, report_pdf, search, writes);
                                               # the others keep their last results in latest.json
    .venv/bin/python -m bench --only intake --parts e2e   # intake parts: reads, e2e, naive, formats
    .venv/bin/python -m bench --table          # print the table of latest.json again

Sections: intake (measure 1, bench/intake.py), costs (measure 2, bench/costs.py), coldstart
(measure 3, bench/coldstart.py), latency (measure 4, bench/latency.py), public_reads (requests of
one scorecards read and KMS calls of a repeated `?attest=1`, bench/public_reads.py), report_pdf (time and
size of the 企业信用信息报告 PDF of an enterprise with 100 records, bench/report_pdf.py), search (name
search, today's algorithm vs the rarest bigram, in-process over 100k and 1M generated names,
bench/search.py), writes (an upload end to end with 20 ms per DynamoDB call, chunks written by 1, 4
and 8 threads, bench/writes.py). Nothing here asserts a
time; targets are reported as met or missed.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sys
import time

from bench.coldstart import HEAVY_LIBS
from bench.common import RESULTS, log, set_env

SECTIONS = ("intake", "costs", "coldstart", "latency", "public_reads", "report_pdf", "search", "writes")
FULL = {"intake": {"sizes": [10_000, 100_000], "repeat": 3, "pool_size": 1000},
        "costs": {"sizes": [10_000, 100_000], "due": 1000, "pool_size": 1000, "pages": 50},
        "coldstart": {"repeat": 11, "package": True}, "latency": {"requests_n": 1000},
        "public_reads": {"pool_size": 50, "reads": 50, "repeat": 50}, "report_pdf": {"records": 100, "repeat": 5},
        "search": {"sizes": [100_000, 1_000_000], "queries": 5000},
        "writes": {"sizes": [10_000], "threads": [1, 4, 8]}}
QUICK = {"intake": {"sizes": [1000, 2000], "repeat": 1, "pool_size": 100, "profile": False},
         "costs": {"sizes": [400, 1200], "due": 100, "pool_size": 100, "pages": 20},
         "coldstart": {"repeat": 3, "package": False}, "latency": {"requests_n": 200},
         "public_reads": {"pool_size": 10, "reads": 10, "repeat": 10}, "report_pdf": {"records": 100, "repeat": 2},
         "search": {"sizes": [20_000], "queries": 1000},
         "writes": {"sizes": [1000], "threads": [1, 4]}}
CMD = ".venv/bin/python -m bench"
TARGET_READ_RATIO, TARGET_RSS_MB, TARGET_REQ_PER_RECORD, TARGET_PAGE, TARGET_COLD = 2.0, 512, 0.1, 2, 1.5
TARGET_SCORECARDS_READ, TARGET_KMS_PER_VERSION = 1, 1
TARGET_PDF_SECONDS, TARGET_PDF_KB = 1.0, 500
TARGET_SEARCH_P99_ITEMS, TARGET_SEARCH_QUERIES, TARGET_SEARCH_FULL, TARGET_SEARCH_ZIHAO = 1000, 2, 0.99, 0.90


def _k(n) -> str:
    n = int(n)
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _rate(r: dict) -> str:
    return f"{r['rows'] / r['seconds']:,.0f} rows/s" if r.get("seconds") else "–"


def _status(ok: bool | None) -> str:
    return "–" if ok is None else ("**met**" if ok else "**missed**")


def _format_rows(tag: str, size, pool, formats: dict) -> list[tuple[str, str, str, str, str]]:
    """One row per upload format: the pipeline (in-memory sink) against the bare read of that file."""
    out = []
    for fmt, r in formats.items():
        v = f".venv/bin/python -m bench.intake VARIANT:{fmt} {size} --pool {pool} --out r.json"
        if "skipped" in r:
            out.append((f"intake {tag} as .{fmt}", f"not measured: {r['skipped']}", "", "", ""))
            continue
        bare, sink = r["bare"], r["sink"]
        if sink.get("error"):   # refused as a whole (e.g. a 100k-row CSV of this width is over 60 MB)
            e = sink["error"]
            out.append((f"intake {tag} as .{fmt} ({r['file_mb']} MB): pipeline vs bare read",
                        f"refused {e['code']} ({e['message']}); bare read {_rate(bare)}, {bare['rss_mb']:.0f} MB",
                        "", "", v.replace("VARIANT", "sink")))
            continue
        out.append((f"intake {tag} as .{fmt} ({r['file_mb']} MB): pipeline (pre-flight + reader + checks, "
                    "in-memory sink) vs bare read",
                    f"{_rate(sink)}, {sink['rss_mb']:.0f} MB peak vs bare {_rate(bare)}, {bare['rss_mb']:.0f} MB: "
                    f"**{sink['cpu'] / max(bare['cpu'], 1e-9):.2f}×** CPU", "", "",
                    v.replace("VARIANT", "sink") + "; " + v.replace("VARIANT", "bare")))
    return out


def rows_of(results: dict) -> list[tuple[str, str, str, str, str]]:
    """(measure, result, target, status, reproduce) rows of the one table."""
    out = []
    intake = results.get("intake")
    if intake:
        sizes = sorted(intake["sizes"], key=int)
        largest = sizes[-1]
        for size in sizes:
            r = intake["sizes"][size]
            tag = f"{_k(size)} rows ({r['file_mb']} MB)"
            v = f".venv/bin/python -m bench.intake VARIANT {size} --pool {intake['pool']} --out r.json"
            if "calamine" not in r:          # only the formats part was measured at this size
                out += _format_rows(tag, size, intake["pool"], r.get("formats", {}))
                continue
            cal = r["calamine"]
            for key, label in (("calamine", "bare read, python-calamine"), ("openpyxl_ro", "bare read, openpyxl read-only"),
                               ("fastexcel", "bare read, fastexcel → polars (the fastest)"),
                               ("inspect", "pre-flight inspect_xlsx"), ("reader", "our calamine reader (normalised)")):
                x = r.get(key)
                if x is None:
                    continue
                out.append((f"intake {tag}: {label}",
                            f"{x['seconds']:.2f} s ({x['cpu']:.2f} s CPU), {_rate(x)}, {x['rss_mb']:.0f} MB",
                            "", "", v.replace("VARIANT", key)))
            out += _format_rows(tag, size, intake["pool"], r.get("formats", {}))
            f, ins = r.get("floor"), r["inspect"]
            if f:
                out.append((f"intake {tag}: floor = pre-flight + reader + a dict per row + one look-up per field "
                            "+ content hash + plain item (no checks; `python -m bench.floor` by step)",
                            f"{ins['cpu'] + f['cpu']:.2f} s CPU = **{(ins['cpu'] + f['cpu']) / cal['cpu']:.2f}×** "
                            "the bare calamine read", "", "", v.replace("VARIANT", "floor")))
            s = r["sink"]
            wall, cpu = s["seconds"] / cal["seconds"], s["cpu"] / cal["cpu"]
            ok = (wall <= TARGET_READ_RATIO and cpu <= TARGET_READ_RATIO) if size == largest else None
            out.append((f"intake {tag}: pipeline, storage = counting sink",
                        f"{s['seconds']:.2f} s ({s['cpu']:.2f} s CPU), {_rate(s)}, {s['rss_mb']:.0f} MB; "
                        f"**{wall:.1f}× wall / {cpu:.1f}× CPU** the bare calamine read; "
                        f"{s['accepted']} accepted + {s['rejected']} rejected",
                        f"≤ {TARGET_READ_RATIO:g}× bare read" if size == largest else "", _status(ok),
                        v.replace("VARIANT", "sink")))
            fx, rows_path = r.get("fastexcel"), r.get("sink_rows")
            if fx:
                out.append((f"intake {tag}: pipeline vs the fastest bare read (fastexcel → polars)",
                            f"**{s['seconds'] / fx['seconds']:.1f}× wall / {s['cpu'] / fx['cpu']:.1f}× CPU**",
                            "", "", v.replace("VARIANT", "fastexcel")))
            if rows_path:
                out.append((f"intake {tag}: row-path pipeline (calamine rows + row validator; comparison variant)",
                            f"{rows_path['seconds']:.2f} s ({rows_path['cpu']:.2f} s CPU), {rows_path['rss_mb']:.0f} MB; "
                            f"**{rows_path['seconds'] / cal['seconds']:.1f}× wall** the bare calamine read",
                            "", "", v.replace("VARIANT", "sink_rows")))
            e = r.get("e2e")
            if e:
                per = e["requests"]["dynamodb"] / max(1, e["accepted"])
                out.append((f"intake {tag}: end to end on the emulator",
                            f"{e['seconds']:.1f} s ({e['cpu']:.1f} s CPU in the worker, {e['api_call_seconds']:.0f} s "
                            f"inside AWS calls), {_rate(e)}, worker {e['rss_mb']:.0f} MB; "
                            f"{e['requests']['dynamodb']} DynamoDB requests = {per:.3f}/accepted record",
                            f"RSS < {TARGET_RSS_MB} MB; ≤ {TARGET_REQ_PER_RECORD} req/record",
                            _status(per <= TARGET_REQ_PER_RECORD and (size != largest or e["rss_mb"] < TARGET_RSS_MB)),
                            f"{CMD} --only intake"))
            n = r.get("naive")
            if n:
                out.append((f"intake {tag}: naive peer (openpyxl normal mode + PutItem per row)",
                            f"{n['seconds']:.1f} s ({n['cpu']:.1f} s CPU), {_rate(n)}, {n['rss_mb']:.0f} MB; "
                            f"{n['rows']} requests = 1/row; no checks",
                            "", "", f"{CMD} --only intake"))
        big = intake["sizes"][largest]
        peak = max(big.get("sink", {}).get("rss_mb", 0), big.get("e2e", {}).get("rss_mb", 0))
        if peak:                             # (not measured when only the formats part ran)
            out.append((f"intake {_k(largest)} rows: peak RSS of the worker (max of sink, end to end)", f"{peak:.0f} MB",
                        f"< {TARGET_RSS_MB} MB", _status(peak < TARGET_RSS_MB), f"{CMD} --only intake"))
    costs = results.get("costs")
    if costs:
        for key, what in (("registration", "late (迟报: 核准日期 long past)"), ("registration_on_time", "on time")):
            reg = costs.get(key)
            if reg:
                out.append((f"requests: registration batches, {what} ({reg['records']} enterprises, 1000 a batch)",
                            f"{reg['dynamodb']} = {reg['per_record']:.3f}/record "
                            f"({reg['targets'].get('Query records/by_pending', 0)} of them by_pending queries)",
                            f"≤ {TARGET_REQ_PER_RECORD}/record", _status(reg["per_record"] <= TARGET_REQ_PER_RECORD),
                            f"{CMD} --only costs"))
        stages = sorted(costs["stages"], key=int)
        small, large = costs["stages"][stages[0]], costs["stages"][stages[-1]]
        label = f"{_k(stages[0])} → {_k(stages[-1])} stored records"
        for key, what in (("batch_new", f"JSON batch of {costs['due']} new records, POST /v1/records"),
                          ("batch_resend", "the same batch re-sent (no change)")):
            a, b = small[key], large[key]
            full = costs["due"] >= 1000        # the target is stated for batches of 1000
            out.append((f"requests: {what}", f"{a['dynamodb']} → {b['dynamodb']} ({label}) = "
                        f"{b['per_record']:.3f}/record", f"≤ {TARGET_REQ_PER_RECORD}/record (batches of 1000)",
                        _status(max(a["per_record"], b["per_record"]) <= TARGET_REQ_PER_RECORD) if full else "–",
                        f"{CMD} --only costs"))
        if "batch_rejections" in large:
            a, b = small.get("batch_rejections", large["batch_rejections"]), large["batch_rejections"]
            out.append((f"requests: JSON batch of {b['rows']} rows, {b['rejected']} rejected (kept in the 回退 inbox)",
                        f"{a['dynamodb']} → {b['dynamodb']} ({label}) = {b['per_row']:.3f}/row",
                        f"≤ {TARGET_REQ_PER_RECORD}/row (batches of 1000)",
                        _status(max(a["per_row"], b["per_row"]) <= TARGET_REQ_PER_RECORD) if b["rows"] >= 1000 else "–",
                        f"{CMD} --only costs"))
        for key, what in (("page_uscc", "public enterprise page by USCC"), ("page_regno", "public enterprise page by 注册号"),
                          ("credit_check", "credit check")):
            a, b = small[key], large[key]
            target = key.startswith("page")
            out.append((f"requests: {what} (GET, {a['pages']} enterprises)",
                        f"{a['per_page']:g} → {b['per_page']:g} per request ({label})",
                        f"≤ {TARGET_PAGE}" if target else "",
                        _status(max(a["per_page"], b["per_page"]) <= TARGET_PAGE) if target else "", f"{CMD} --only costs"))
        for job in ("deadlines", "forward", "open_data", "expire"):
            a, b = small[job], large[job]
            grows = b["dynamodb"] > a["dynamodb"]
            sm = b["summary"]
            due = sm.get("due", sm.get("archived", sm.get("changes", sm.get("missed", 0) + sm.get("at_risk", 0))))
            out.append((f"requests: job `{job}`, the same {costs['due']}-record due set",
                        f"{a['dynamodb']} → {b['dynamodb']} ({label}); due/changed {due}",
                        "must not grow with the table", _status(not grows), f"{CMD} --only costs"))
        sm = large.get("small")
        if sm:
            out.append((f"requests: per job run, due set {sm['due']} → {costs['due']} on the same table "
                        f"({_k(stages[-1])} stored records)",
                        "; ".join(f"`{job}` {sm[job]['dynamodb']} → {large[job]['dynamodb']}"
                                  for job in ("deadlines", "forward", "open_data", "expire")),
                        "", "", f"{CMD} --only costs"))
        fw = large["background"]["forward"]
        out.append(("requests: job `forward` per forwarded record (background load)",
                    f"{fw['dynamodb']} for {fw['summary'].get('published', 0)} records = "
                    f"{fw['dynamodb'] / max(1, fw['summary'].get('published', 1)):.2f}/record", "", "",
                    f"{CMD} --only costs"))
    cold = results.get("coldstart")
    if cold:
        heavy = cold.get("heavy_libs_imported", cold.get("spreadsheet_libs_imported", []))
        spread = (f"pairwise {cold['ratio_min']:.2f}–{cold['ratio_max']:.2f}×" if "ratio_min" in cold
                  else f"min {min(cold['app_runs_us']) / min(cold['bare_runs_us']):.2f}×")
        out.append(("cold start: `import app` vs bare Chalice + boto3 + Powertools Logger/Tracer "
                    "(median cumulative importtime)",
                    f"{cold['app_us'] / 1000:.0f} ms vs {cold['bare_us'] / 1000:.0f} ms = **{cold['ratio']:.2f}×** "
                    f"({spread}, {cold['runs']} alternating runs each); "
                    f"heavy libraries imported ({', '.join(HEAVY_LIBS)}): {', '.join(heavy) or 'none'}",
                    f"≤ {TARGET_COLD}×", _status(cold["ratio"] <= TARGET_COLD), f"{CMD} --only coldstart"))
        pkg = cold.get("package")
        if pkg and "zip_mb" in pkg:
            top = ", ".join(f"{k} {v}" for k, v in list(pkg["largest_mb"].items())[:4])
            out.append(("deployment package (`make package` → deployment.zip)", f"{pkg['zip_mb']} MB ({top} MB)",
                        "", "", "make package && ls -l build/chalice/deployment.zip"))
    lat = results.get("latency")
    if lat:
        for key, what in (("uscc", "USCC"), ("regno", "注册号")):
            x = lat[key]
            out.append((f"latency: enterprise page by {what} through the local gateway ({x['requests']} sequential GETs)",
                        f"p50 {x['p50_ms']} ms, p99 {x['p99_ms']} ms (mean {x['mean_ms']}, max {x['max_ms']})",
                        "reported only", "", f"{CMD} --only latency"))
    pub = results.get("public_reads")
    if pub:
        sc, how = pub["scorecards"], f"{CMD} --only public_reads"
        reads = sc["reads"]
        out.append((f"requests: one public scorecards read (GET /v1/public/scorecards, {reads['requests']} reads "
                    "after the daily build)",
                    f"**{reads['per_read']:g}** per read ({', '.join(reads['targets'])}); building a month: "
                    f"{sc['build']['dynamodb']} requests, once a day in `deadlines` (the whole job "
                    f"{sc['deadlines_job']['dynamodb']}), or once on the first read of a month not built yet "
                    f"({sc['first_read']['dynamodb']} with that read); before, every read built it",
                    f"{TARGET_SCORECARDS_READ}", _status(reads["per_read"] <= TARGET_SCORECARDS_READ), how))
        att = pub["attest"]
        a, b = att["unchanged"], att["after_change"]
        out.append((f"KMS calls: repeated credit check `?attest=1` on an unchanged public side "
                    f"({a['requests']} GETs, then {b['requests']} after one change)",
                    f"{a['kms']} then {b['kms']} KMS calls = **{att['kms_per_version']}** per public-side version "
                    f"({a['distinct_signatures']} + {b['distinct_signatures']} distinct signatures; "
                    f"{a['dynamodb'] / a['requests']:g} DynamoDB requests per GET)",
                    f"≤ {TARGET_KMS_PER_VERSION} per version",
                    _status(att["kms_per_version"] <= TARGET_KMS_PER_VERSION), how))
    pdf = results.get("report_pdf")
    if pdf:
        out.append((f"企业信用信息报告 PDF of an enterprise with {pdf['records']} published records "
                    f"(GET …/report.pdf, median of {pdf['repeat']}; first request {pdf['first_s']} s)",
                    f"**{pdf['request_s']} s** per request ({pdf['request_cpu']} s CPU; rendering alone "
                    f"{pdf['render_s']} s, {pdf['render_cpu']} s CPU), "
                    f"**{pdf['kb']} KB**, {pdf['pages']} pages",
                    f"< {TARGET_PDF_SECONDS:g} s CPU per request (wall counts the other tenants of a shared "
                    f"machine), < {TARGET_PDF_KB} KB",
                    _status(pdf["request_cpu"] < TARGET_PDF_SECONDS and pdf["kb"] < TARGET_PDF_KB),
                    f"{CMD} --only report_pdf"))
    out += _search_rows(results.get("search"))
    from bench.writes import rows as writes_rows
    out += writes_rows(results.get("writes"))
    return out


def _search_rows(search: dict | None) -> list[tuple[str, str, str, str, str]]:
    """Name search: today's algorithm and the new one, per size (targets stated at 1M names)."""
    out = []
    for size, r in sorted((search or {}).get("sizes", {}).items(), key=lambda kv: int(kv[0])):
        how = f".venv/bin/python -m bench.search {size} --queries {r['queries']}"
        d, n, t, share = r["build"], r["new"], r["today"], r["first_page_share"]
        at_1m = int(size) >= 1_000_000

        def dist(x: dict) -> str:
            return f"median {x['median']:g}, p95 {x['p95']:,}, p99 {x['p99']:,}, max {x['max']:,}"
        out.append((f"search {_k(size)} names: index ({d['entries_per_name']} entries/name; largest partitions "
                    + ", ".join(f"{tok} {pct}" for tok, pct in d["largest_partitions"].items()) + ")",
                    f"built by RegistryRepository.index_names in {d['seconds']} s; "
                    + ", ".join(f"{k} {v:,}" for k, v in sorted(d["requests"].items())), "", "", how))
        out.append((f"search {_k(size)} names, today (smallest bigram, Limit 20): items read for a page of 20 "
                    f"true matches ({r['queries']} queries)",
                    f"{dist(t['fill_items'])}; requests {dist(t['fill_requests'])}; first page holds the wanted "
                    f"enterprise: full {share['today']['full']:.1%}, near-full {share['today']['near-full']:.1%}, "
                    f"字号 {share['today']['zihao']:.1%}, 字号+行业 {share['today']['zihao+industry']:.1%}",
                    "", "", how))
        items_ok = n["items"]["p99"] <= TARGET_SEARCH_P99_ITEMS and n["index_queries"]["max"] <= TARGET_SEARCH_QUERIES
        shown = n.get("public_requests") or n["profile_reads"]
        zihao = r.get("zihao_alone")
        ceiling = (f" (ceiling of this draw for any ranking: {zihao['ceiling_first_page_share']:.1%}; names sharing "
                   f"the wanted 字号 {dist(zihao['names_with_the_same_zihao'])})") if zihao else ""
        status = (f"items **{'met' if items_ok else 'missed'}**; full "
                  f"**{'met' if share['new']['full'] >= TARGET_SEARCH_FULL else 'missed'}**; 字号 "
                  f"**{'met' if share['new']['zihao'] >= TARGET_SEARCH_ZIHAO else 'missed'}**")
        out.append((f"search {_k(size)} names, new (rarest bigram + its follower, exact-name key, ≤ 2 pages of 1 MB): "
                    f"first page ({r['queries']} queries)",
                    f"items read {dist(n['items'])}; index Query pages {dist(n['index_queries'])}; all name-index "
                    f"requests {dist(n['requests'])}; public-side requests for the results shown {dist(shown)}; "
                    f"first page holds the wanted enterprise: full {share['new']['full']:.1%}, near-full "
                    f"{share['new']['near-full']:.1%}, 字号 {share['new']['zihao']:.1%}{ceiling}, 字号+行业 "
                    f"{share['new']['zihao+industry']:.1%}",
                    f"at 1M: p99 ≤ {TARGET_SEARCH_P99_ITEMS:,} items in ≤ {TARGET_SEARCH_QUERIES} Query pages; "
                    f"full ≥ {TARGET_SEARCH_FULL:.0%}, 字号 ≥ {TARGET_SEARCH_ZIHAO:.0%}",
                    status if at_1m else "", how))
    return out


def table(results: dict) -> str:
    lines = ["| measure | result | target | status | reproduce |", "|---|---|---|---|---|"]
    for row in rows_of(results):
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row[:4]) + f" | `{row[4]}` |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a few minutes)")
    parser.add_argument("--only", action="append", choices=SECTIONS, help="run only this section (repeatable)")
    parser.add_argument("--table", action="store_true", help="print the table of the last results")
    parser.add_argument("--sizes", help="intake/costs sizes, comma-separated (e.g. 10000,100000)")
    parser.add_argument("--parts", help="intake parts to measure again, comma-separated: reads,e2e,naive,formats "
                                        "(the others are kept from latest.json)")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    latest = RESULTS / "latest.json"
    results = json.loads(latest.read_text()) if latest.exists() else {}
    if not args.table:
        set_env()
        plan = QUICK if args.quick else FULL
        for section in args.only or SECTIONS:
            kwargs = dict(plan[section])
            if args.sizes and "sizes" in kwargs:
                kwargs["sizes"] = [int(x) for x in args.sizes.split(",")]
            if section == "intake" and args.parts:
                kwargs["parts"] = tuple(args.parts.split(","))
                kwargs["previous"] = results.get("intake")
            log(f"section {section} {({k: v for k, v in kwargs.items() if k != 'previous'})}")
            started = time.time()
            module = __import__(f"bench.{section}", fromlist=["run"])
            with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):   # Powertools' EMF lines
                results[section] = module.run(**kwargs)
            kwargs.pop("previous", None)
            results[section]["_meta"] = {"quick": args.quick, "kwargs": kwargs,
                                         "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
                                         "seconds": round(time.time() - started)}
            results["_machine"] = {"python": sys.version.split()[0], "platform": platform.platform(),
                                   "cpus": os.cpu_count()}
            # another bench may have finished a section meanwhile: keep its results, add ours
            results = {**(json.loads(latest.read_text()) if latest.exists() else {}),
                       section: results[section], "_machine": results["_machine"]}
            latest.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
            log(f"section {section} done in {results[section]['_meta']['seconds']} s → {latest}")
    print(table(results))


if __name__ == "__main__":
    main()
