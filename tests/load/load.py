"""Bounded loopback load test: N concurrent clients for T seconds against a running stack, mixing public
reads with JSON submissions; then checks that every accepted record is stored exactly once.

    python -m tests.load.load                         # starts the local stack itself, 50 clients, 60 s
    python -m tests.load.load --base-url http://127.0.0.1:8000 --clients 50 --duration 60

Only loopback targets are allowed (127.0.0.0/8, localhost, ::1). Exit code 0 only if no request got a
5xx, at most 1 % failed below HTTP (connection resets; --max-transport-errors), and every accepted record
is stored exactly once (listed by GET /v1/records of its department, with the record_id it was given).
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import random
import statistics
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from urllib.parse import urlsplit

import requests

from chalicelib.local.demo_data import sample_record
from chalicelib.local.seed import demo_enterprises

PASSWORD = "Guangyuan#2026"
DEPARTMENTS = [f"d{i:02d}" for i in range(1, 44)]
MAX_CLIENTS, MAX_SECONDS = 200, 600


def loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: Counter = Counter()
        self.by_kind: Counter = Counter()
        self.failures: list[str] = []
        self.accepted: dict[tuple[str, str], str] = {}     # (department, source_ref) → record_id
        self.rejected_rows = 0

    def add(self, kind: str, status: int | str, seconds: float, detail: str = "") -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.status[status] += 1
            self.by_kind[kind] += 1
            if not isinstance(status, int) or status >= 500:
                self.failures.append(f"{kind} → {status} {detail[:200]}")


class Client(threading.Thread):
    def __init__(self, n: int, base: str, tokens: dict[str, str], deadline: float, stats: Stats, run_id: str,
                 write_share: float, batch: int):
        super().__init__(daemon=True, name=f"client-{n}")
        self.n, self.base, self.tokens, self.deadline, self.stats = n, base, tokens, deadline, stats
        self.run_id, self.write_share, self.batch = run_id, write_share, batch
        self.rng = random.Random(n)
        self.session = requests.Session()
        self.enterprises = demo_enterprises()
        self.seq = 0

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            if self.rng.random() < self.write_share:
                self.submit()
            else:
                self.read()

    def call(self, kind: str, method: str, path: str, **kw):
        started = time.monotonic()
        try:
            resp = self.session.request(method, self.base + path, timeout=60, **kw)
        except requests.RequestException as exc:
            self.stats.add(kind, type(exc).__name__, time.monotonic() - started, str(exc))
            return None
        self.stats.add(kind, resp.status_code, time.monotonic() - started, resp.text)
        return resp

    def read(self) -> None:
        e = self.rng.choice(self.enterprises)
        kind, path = self.rng.choice([
            ("catalog", "/v1/catalog"),
            ("search", "/v1/public/enterprises?q=" + e["name"][3:7]),
            ("enterprise", f"/v1/public/enterprises/{e['uscc']}"),
            ("enterprise", f"/v1/public/enterprises/{e['regno']}"),
            ("credit-check", f"/v1/public/enterprises/{e['uscc']}/credit-check"),
            ("open-data", "/v1/public/open-data"),
            ("health", "/health"),
        ])
        self.call(kind, "GET", path)

    def submit(self) -> None:
        dept = DEPARTMENTS[self.n % len(DEPARTMENTS)]
        rows = []
        for _ in range(self.batch):
            self.seq += 1
            e = self.rng.choice(self.enterprises)
            rows.append(sample_record("admin_penalty", CF_XDR_MC=e["name"], CF_XDR_SHXYM=e["uscc"],
                                      CF_XDR_GSZC=e["regno"], CF_NR_FK=str(1 + self.seq % 9),
                                      CF_WSH=f"LOAD-{self.run_id}-{self.n}-{self.seq}"))
        resp = self.call("submit", "POST", "/v1/records", data=json.dumps({"category": "admin_penalty",
                                                                          "records": rows}, ensure_ascii=False),
                         headers={"Authorization": f"Bearer {self.tokens[dept]}",
                                  "Content-Type": "application/json"})
        if resp is not None and resp.status_code == 200:
            body = resp.json()
            with self.stats.lock:
                for a in body["accepted"]:
                    self.stats.accepted[(dept, a["source_ref"])] = a["record_id"]
                self.stats.rejected_rows += len(body["rejected"])


def stored_load_records(base: str, tokens: dict[str, str], departments: set[str], run_id: str) -> Counter:
    """(department, source_ref, record_id) of every stored record of this run, as the API lists them."""
    seen: Counter = Counter()
    for dept in sorted(departments):
        cursor = None
        while True:
            url = f"{base}/v1/records?category=admin_penalty&limit=200" + (f"&cursor={cursor}" if cursor else "")
            resp = requests.get(url, headers={"Authorization": f"Bearer {tokens[dept]}"}, timeout=60)
            resp.raise_for_status()
            page = resp.json()
            for r in page["items"]:
                if r["source_ref"].startswith(f"LOAD-{run_id}-"):
                    seen[(dept, r["source_ref"], r["record_id"])] += 1
            cursor = page["next_cursor"]
            if not cursor:
                break
    return seen


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def run(base: str, clients: int, duration: float, write_share: float, batch: int,
        max_transport_share: float = 0.01) -> int:
    run_id = uuid.uuid4().hex[:8].upper()     # source_refs are stored upper-cased
    tokens = {}
    for dept in DEPARTMENTS[:min(clients, len(DEPARTMENTS))]:
        resp = requests.post(f"{base}/v1/auth/token", json={"username": f"op-{dept}", "password": PASSWORD},
                             timeout=60)
        resp.raise_for_status()
        tokens[dept] = resp.json()["access_token"]
    stats = Stats()
    started = time.monotonic()
    threads = [Client(n, base, tokens, started + duration, stats, run_id, write_share, batch) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + 120)
    elapsed = time.monotonic() - started

    stored = stored_load_records(base, tokens, set(tokens), run_id)
    by_key = Counter((d, ref) for d, ref, _ in stored.elements())
    missing = [k for k in stats.accepted if by_key[k] == 0]
    duplicated = [k for k, n in by_key.items() if n > 1]
    wrong_id = [(d, ref) for d, ref, rid in stored if (d, ref) in stats.accepted and stats.accepted[(d, ref)] != rid]
    unacknowledged = [k for k in by_key if k not in stats.accepted]

    total = sum(stats.by_kind.values())
    server_errors = sum(n for s, n in stats.status.items() if isinstance(s, int) and s >= 500)
    transport_errors = sum(n for s, n in stats.status.items() if not isinstance(s, int))
    all_latency = [x for v in stats.latency.values() for x in v]
    report = {
        "target": base, "clients": clients, "seconds": round(elapsed, 1), "requests": total,
        "throughput_rps": round(total / elapsed, 1),
        "error_rate": round((server_errors + transport_errors) / total, 4) if total else 0,
        "server_errors_5xx": server_errors, "transport_errors": transport_errors,
        "status": {str(k): v for k, v in sorted(stats.status.items(), key=str)},
        "latency_ms": {"p50": round(pct(all_latency, .5) * 1000), "p95": round(pct(all_latency, .95) * 1000),
                       "p99": round(pct(all_latency, .99) * 1000),
                       "mean": round(statistics.fmean(all_latency) * 1000) if all_latency else 0},
        "by_kind": {k: {"requests": n, "p50_ms": round(pct(stats.latency[k], .5) * 1000),
                        "p95_ms": round(pct(stats.latency[k], .95) * 1000)} for k, n in sorted(stats.by_kind.items())},
        "records": {"accepted": len(stats.accepted), "rejected_rows": stats.rejected_rows,
                    "stored": sum(by_key.values()), "missing": len(missing), "duplicated": len(duplicated),
                    "wrong_record_id": len(wrong_id), "stored_without_acknowledgement": len(unacknowledged)},
        "failures": stats.failures[:10],
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    # Transport errors (e.g. a connection reset by `chalice local`'s dev server) are reported; more than
    # `max_transport_share` of them fails the run. Any 5xx fails it.
    ok = (server_errors == 0 and not missing and not duplicated and not wrong_id
          and transport_errors <= max_transport_share * total)
    print("LOAD OK" if ok else "LOAD FAILED", flush=True)
    return 0 if ok else 1


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base-url", help="a running stack (make run); default: start one on free ports")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--duration", type=float, default=60.0, help="seconds")
    p.add_argument("--write-share", type=float, default=0.2, help="fraction of requests that submit records")
    p.add_argument("--batch", type=int, default=5, help="records per submission")
    p.add_argument("--max-transport-errors", type=float, default=0.01,
                   help="share of requests allowed to fail below HTTP (connection resets); default 1%%")
    a = p.parse_args(argv)
    if not 1 <= a.clients <= MAX_CLIENTS or not 0 < a.duration <= MAX_SECONDS:
        p.error(f"--clients 1..{MAX_CLIENTS}, --duration up to {MAX_SECONDS} s")
    if a.base_url:
        if not loopback(a.base_url):
            p.error("only loopback targets (127.0.0.0/8, localhost, ::1)")
        return run(a.base_url.rstrip("/"), a.clients, a.duration, a.write_share, a.batch, a.max_transport_errors)
    from tests.load.stack import LocalStack

    with LocalStack() as stack:
        print(f"started the local stack at {stack.base_url}", flush=True)
        return run(stack.base_url, a.clients, a.duration, a.write_share, a.batch, a.max_transport_errors)


if __name__ == "__main__":
    sys.exit(main())
