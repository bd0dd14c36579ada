"""Concurrent chunk writes (issue #27): an upload end to end on the emulator with a network latency.

Each run is `python -m bench.writes ROWS --threads N --latency-ms L --bucket B --key K --out F` in a
fresh process: the upload worker (`container.upload_processor.process_object`, chunks of 500) with
`L` ms added to every DynamoDB HTTP attempt (a botocore `before-send` hook, tests/reliability/
faults.py `Faults.slow`), its chunks written by `N` threads — 1 is the sequential writer of before
#27 (each chunk written and committed before the next is read). Reported: wall time, DynamoDB
requests per accepted record, and the most DynamoDB calls that waited at once (overlap = real
concurrency). The emulator (its own process) serialises writes, as DynamoDB does per item, so
the latency hidden by overlap is most of what a pool can win here; on AWS the transactions
themselves run in parallel too.
"""
from __future__ import annotations

import argparse
import sys

from bench.common import POOL_SIZE, Emulator, enterprise_pool, log, register_pool, run_child, set_env

CMD = ".venv/bin/python -m bench --only writes"


def child_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--latency-ms", type=float, required=True)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    set_env()
    from bench.common import write_result
    from bench.intake import _e2e
    from chalicelib.container import get_container
    from tests.reliability.faults import Faults

    c = get_container()
    c.upload_processor.write_threads = args.threads
    faults = Faults()
    flight = faults.slow(c.record_repo.client, args.latency_ms / 1000)
    result = _e2e(args.bucket, args.key, False)
    faults.clear()
    result.update(threads=args.threads, latency_ms=args.latency_ms, most_in_flight=flight.most,
                  attempts=flight.total)
    write_result(args.out, result)


def run(sizes: list[int], *, threads: list[int], latency_ms: float = 20, pool_size: int = POOL_SIZE) -> dict:
    """{"sizes": {rows: {threads: result}}, "latency_ms": …}: the same upload written by each pool size."""
    from bench.intake import _put_upload
    from chalicelib.container import get_container

    out: dict = {"sizes": {}, "latency_ms": latency_ms, "pool": pool_size}
    emu = Emulator()
    try:
        for rows in sizes:
            res = out["sizes"].setdefault(str(rows), {})
            for n in threads:
                emu.reset()      # the same start for each: an empty platform with the pool registered
                log(f"writes: registering {pool_size} enterprises through the registration category")
                register_pool(get_container(), enterprise_pool(pool_size))
                log(f"writes {rows} rows: {n} thread(s), {latency_ms:g} ms per DynamoDB call")
                bucket, key = _put_upload(rows, pool_size)
                res[str(n)] = run_child("bench.writes", str(rows), "--threads", str(n), "--latency-ms",
                                        str(latency_ms), "--bucket", bucket, "--key", key)
    finally:
        emu.stop()
    return out


def rows(writes: dict | None) -> list[tuple[str, str, str, str, str]]:
    """Rows of bench/__main__'s table: per size, each pool size against the sequential writer."""
    from bench.__main__ import TARGET_REQ_PER_RECORD, _k, _rate, _status

    out = []
    for size, runs in sorted((writes or {}).get("sizes", {}).items(), key=lambda kv: int(kv[0])):
        base = runs.get("1")
        for n, r in sorted(runs.items(), key=lambda kv: int(kv[0])):
            per = r["requests"]["dynamodb"] / max(1, r["accepted"])
            vs = f"; **{base['seconds'] / r['seconds']:.2f}×** the sequential writer" if base and n != "1" else ""
            out.append((f"upload {_k(size)} rows end to end on the emulator, {writes['latency_ms']:g} ms per "
                        f"DynamoDB call, chunks written by {n} thread{'s' if n != '1' else ''}"
                        + (" (sequential, as before #27)" if n == "1" else ""),
                        f"{r['seconds']:.1f} s ({r['cpu']:.1f} s CPU), {_rate(r)}{vs}; {r['requests']['dynamodb']} "
                        f"DynamoDB requests = {per:.3f}/accepted record; at most {r['most_in_flight']} calls in "
                        f"flight at once; state {r['state']}",
                        f"≤ {TARGET_REQ_PER_RECORD} req/record", _status(per <= TARGET_REQ_PER_RECORD), CMD))
    return out


if __name__ == "__main__":
    child_main(sys.argv[1:])
