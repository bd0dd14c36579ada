"""Public read latency (measure 4): GET /v1/public/enterprises/{code} through the local gateway
(chalicelib/local/gateway.py, which serves the Chalice app as `chalice local` did and answers
unknown paths as API Gateway does) on the emulator — the whole `make run` stack (`python -m chalicelib.local.run`) on free ports, with
its seeded demo data. Sequential requests from one keep-alive session; reported, not a target.
"""
from __future__ import annotations

import os
import signal
import statistics
import subprocess
import time

from bench.common import PY, ROOT, free_port, log


def _percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))
    return s[k]


def run(requests_n: int = 1000) -> dict:
    import requests

    from chalicelib.local.seed import demo_enterprises

    api_port, moto_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ENDPOINT_URL", "USER_POOL_ID",
                                                            "USER_POOL_CLIENT_ID", "JWKS_URL")}
    env.update({"API_PORT": str(api_port), "MOTO_PORT": str(moto_port)})
    log(f"latency: starting the local stack (API :{api_port}, emulator :{moto_port})")
    proc = subprocess.Popen([PY, "-m", "chalicelib.local.run"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{api_port}"
    try:
        deadline, started = time.monotonic() + 300, time.monotonic()
        session = requests.Session()
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the local stack exited with {proc.returncode}")
            try:
                if session.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the local stack did not answer /health within 300 s")
            time.sleep(0.5)
        ready = time.monotonic() - started
        e = demo_enterprises()[1]          # seeded with a published penalty and licence
        results = {}
        for label, code in (("uscc", e["uscc"]), ("regno", e["regno"])):
            url = f"{base}/v1/public/enterprises/{code}"
            first = session.get(url, timeout=10)
            if first.status_code != 200:
                raise RuntimeError(f"{url}: {first.status_code} {first.text[:200]}")
            for _ in range(20):
                session.get(url, timeout=10)
            n = requests_n if label == "uscc" else max(100, requests_n // 5)
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                r = session.get(url, timeout=10)
                times.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    raise RuntimeError(f"{url}: {r.status_code}")
            results[label] = {"requests": n, "p50_ms": round(_percentile(times, 50), 1),
                              "p99_ms": round(_percentile(times, 99), 1),
                              "mean_ms": round(statistics.fmean(times), 1), "max_ms": round(max(times), 1),
                              "records": first.json().get("total"), "bytes": len(first.content)}
        results["stack_ready_seconds"] = round(ready, 1)
        return results
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
