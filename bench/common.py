"""Shared pieces of the benchmarks: environment, the emulator process, child processes with their
peak RSS, DynamoDB request counting, and the generated enterprises and workbooks.

Nothing here is imported by the app; everything runs by hand (`python -m bench`).
"""
from __future__ import annotations

import json
import os
import random
import resource
import socket
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results"
PY = sys.executable

# The same kind of environment as tests/conftest.py, under its own prefix.
ENV = {
    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_SESSION_TOKEN": "bench",
    "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
    "STAGE": "local", "RESOURCE_PREFIX": "qygs-bench",   # local: jobs may time-travel (costs.py expires ahead) "BUCKET_PREFIX": "qygs-bench",
    "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_SERVICE_NAME": "qygs-platform", "POWERTOOLS_LOG_LEVEL": "WARNING",
}


def set_env(**extra: str) -> None:
    os.environ.update(ENV)
    os.environ.update(extra)
    os.environ.pop("AWS_PROFILE", None)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- child processes ------------------------------------------------------------------------
def run_child(module: str, *args: str, env: dict | None = None, timeout: float = 7200) -> dict:
    """Run `python -m <module> <args> --out FILE` in a fresh process; its JSON result plus
    `rss_mb`, the child's own peak RSS (ru_maxrss from os.wait4 — the figure
    getrusage(RUSAGE_CHILDREN) reports for a single child, without the other children's)."""
    out = DATA / f"child-{os.getpid()}-{time.monotonic_ns()}.json"
    DATA.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([PY, "-m", module, *args, "--out", str(out)], cwd=ROOT,
                            env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            raise TimeoutError(f"{module} {args} took over {timeout} s")
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"child {module} {' '.join(args)} failed with exit code {proc.returncode}")
    result = json.loads(out.read_text())
    out.unlink()
    result["rss_mb"] = round(usage.ru_maxrss / 1024, 1)         # KB on Linux
    return result


def write_result(path: str, result: dict) -> None:
    Path(path).write_text(json.dumps(result, ensure_ascii=False, default=str))


class Timer:
    """Wall and CPU (user + system) seconds of this process."""

    def __enter__(self):
        self.t0 = time.perf_counter()
        r = resource.getrusage(resource.RUSAGE_SELF)
        self.c0 = r.ru_utime + r.ru_stime
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
        r = resource.getrusage(resource.RUSAGE_SELF)
        self.cpu = r.ru_utime + r.ru_stime - self.c0


# --- the emulator -----------------------------------------------------------------------------
class Emulator:
    """A moto server (`chalicelib.local.emulator.start`) in its own process, so that the process
    being measured holds only its own memory; its endpoint goes into AWS_ENDPOINT_URL."""

    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([PY, "-m", "bench.emulator_proc", str(self.port)], cwd=ROOT,
                                     env={**os.environ, **ENV}, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        import requests

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.endpoint}/moto-api/", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError("the emulator did not start")
        os.environ["AWS_ENDPOINT_URL"] = self.endpoint

    def rss_mb(self) -> float:
        """The emulator's own peak RSS so far (VmHWM)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
        return 0.0

    def reset(self) -> dict:
        """Empty the emulator, create every resource, point the app's container at it."""
        import requests

        from chalicelib import container
        from chalicelib.local.provision import provision

        requests.post(f"{self.endpoint}/moto-api/reset", timeout=60)
        container.reset()
        env = provision(container.get_container().aws)
        os.environ.update(env)
        container.reset()
        return env

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.environ.pop("AWS_ENDPOINT_URL", None)


# --- counting AWS requests ----------------------------------------------------------------------
class RequestCounter:
    """Counts API calls per service and operation with a botocore `before-call` hook on the
    container's clients: `aws.client(service)` and the DynamoDB resource's `meta.client` (which
    every table object of the repositories shares). One count per API call, retries excluded."""

    def __init__(self):
        self.calls: Counter = Counter()
        self.items: Counter = Counter()       # items carried by batch/transaction calls
        self.targets: Counter = Counter()     # DynamoDB "Operation table[/index]"
        self.seconds: Counter = Counter()     # wall seconds inside API calls, per operation
        self.active = False

    def attach(self, aws, services=("dynamodb", "s3", "sqs")) -> RequestCounter:
        clients = [aws.client(s) for s in services]
        clients.append(aws.resource("dynamodb").meta.client)
        for client in clients:
            client.meta.events.register("before-call", self._hook)
            client.meta.events.register("after-call", self._after)
            client.meta.events.register("before-parameter-build", self._items_hook)
        return self

    def _hook(self, model, context, **_):
        if self.active:
            self.calls[(model.service_model.endpoint_prefix, model.name)] += 1
            context["bench_t0"] = time.perf_counter()

    def _after(self, model, context, **_):
        if self.active and "bench_t0" in context:
            self.seconds[f"{model.service_model.endpoint_prefix}.{model.name}"] += \
                time.perf_counter() - context.pop("bench_t0")

    def _items_hook(self, model, params, **_):
        if not self.active:
            return
        if model.service_model.endpoint_prefix == "dynamodb":
            tables = [params["TableName"]] if "TableName" in params else sorted(params.get("RequestItems", {}))
            if model.name == "TransactWriteItems":
                tables = sorted({next(iter(op.values()))["TableName"] for op in params.get("TransactItems", [])})
            where = "+".join(t.removeprefix(os.environ.get("RESOURCE_PREFIX", "") + "-") for t in tables)
            if params.get("IndexName"):
                where += "/" + params["IndexName"]
            self.targets[f"{model.name} {where}"] += 1
        if model.name == "TransactWriteItems":
            self.items[model.name] += len(params.get("TransactItems", []))
        elif model.name == "BatchWriteItem":
            self.items[model.name] += sum(len(v) for v in params.get("RequestItems", {}).values())
        elif model.name == "BatchGetItem":
            self.items[model.name] += sum(len(v.get("Keys", [])) for v in params.get("RequestItems", {}).values())

    @contextmanager
    def measure(self):
        """Counts of the calls made inside the block: {"dynamodb": n, "s3": n, "ops": {...}}."""
        before, items_before, targets_before = Counter(self.calls), Counter(self.items), Counter(self.targets)
        seconds_before = Counter(self.seconds)
        was, self.active = self.active, True
        box: dict = {}
        try:
            yield box
        finally:
            self.active = was
            delta = self.calls - before
            box.update(summarise(delta, self.items - items_before))
            box["targets"] = dict(sorted((self.targets - targets_before).items()))
            box["call_seconds"] = {k: round(v, 2) for k, v in sorted((self.seconds - seconds_before).items())}


def summarise(calls: Counter, items: Counter) -> dict:
    by_service: Counter = Counter()
    for (service, _), n in calls.items():
        by_service[service] += n
    return {"dynamodb": by_service.get("dynamodb", 0), "s3": by_service.get("s3", 0),
            "sqs": by_service.get("sqs", 0),
            "ops": {f"{s}.{op}": n for (s, op), n in sorted(calls.items())},
            "items": dict(items)}


# --- generated data ---------------------------------------------------------------------------
DISTRICTS = [("510802", "利州区"), ("510811", "昭化区"), ("510812", "朝天区"), ("510821", "旺苍县"),
             ("510822", "青川县"), ("510823", "剑阁县"), ("510824", "苍溪县")]
POOL_SIZE = 1000          # enterprises the generated penalties name (all registered first)


def cjk(rng: random.Random, n: int) -> str:
    """n random CJK characters: incompressible enough for a realistic file size (≈ 50 MB / 100k rows)."""
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(n))


def enterprise_pool(n: int = POOL_SIZE) -> list[dict]:
    """Enterprises of 广元市 with valid USCC and 注册号: {"name", "uscc", "regno", "district"}."""
    from chalicelib.domain.identifiers import make_regno, make_uscc

    rng = random.Random(2026)
    out, names = [], set()
    for i in range(n):
        region, district = DISTRICTS[i % len(DISTRICTS)]
        name = f"广元市{district}{cjk(rng, 4)}商贸有限公司"
        while name in names:
            name = f"广元市{district}{cjk(rng, 4)}商贸有限公司"
        names.add(name)
        out.append({"name": name, "uscc": make_uscc(f"91{region}MA{i:07d}"),
                    "regno": make_regno(f"{region}{i:08d}"), "district": district})
    return out


def registration_records(pool: list[dict]) -> list[dict]:
    from chalicelib.local.demo_data import sample_record

    return [sample_record("registration", name=e["name"], uscc=e["uscc"], regno=e["regno"]) for e in pool]


def register_pool(container, pool: list[dict]) -> None:
    """The registry authority (d21) registers the pool, 1000 a batch, through the service."""
    from chalicelib.models.principal import Principal

    who = Principal(username="op-d21", role="operator", department="d21")
    records = registration_records(pool)
    for start in range(0, len(records), 1000):
        out = container.submissions.submit(who, "d21", "registration", records[start:start + 1000])
        if out.rejected:
            raise RuntimeError(f"registration rejected: {out.rejected[:2]}")


def enterprises_of_pool(pool: list[dict]) -> dict:
    """code → Enterprise, as the registry holds them after `register_pool` (for in-memory fakes)."""
    from chalicelib.domain.identifiers import region_of
    from chalicelib.models.record import Enterprise

    out = {}
    for e in pool:
        ent = Enterprise(code=e["uscc"], uscc=e["uscc"], regno=e["regno"], name=e["name"],
                         region=region_of(e["uscc"]), status="存续")
        out[e["uscc"]] = out[e["regno"]] = ent
    return out


def _agency_uscc() -> str:
    from chalicelib.domain.identifiers import make_uscc

    return make_uscc("11510800008651234")


# Workbook columns: the template's Chinese headers (the 20 of bench_read.py's original workbook).
HEADERS = ["行政相对人名称", "行政相对人类别", "统一社会信用代码", "工商注册号", "法定代表人",
           "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容",
           "罚款金额（万元）", "处罚决定日期", "处罚有效期", "公示截止期", "处罚机关",
           "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注"]
# ≈ 6 % of the rows carry one mistake each: row index mod 100 → kind of mistake.
MISTAKES = {7: "BAD_DATE", 19: "OUT_OF_SCOPE", 31: "NAME_MISMATCH", 43: "USCC_CHECKSUM",
            59: "DUPLICATE_IN_BATCH", 71: "BAD_ENUM"}
FIRST_DAY = date(2026, 1, 5)


def penalty_rows(rows: int, pool: list[dict]):
    """Rows (lists in HEADERS order) of 行政处罚 decisions against the pool's enterprises, with
    Chinese free text and the mistakes of MISTAKES. Deterministic: the first n rows of a longer
    run are the rows of a shorter one."""
    rng = random.Random(2024)
    agency = _agency_uscc()
    span = (date(2026, 11, 20) - FIRST_DAY).days
    for i in range(rows):
        e = pool[rng.randrange(len(pool))]
        district = e["district"]
        decided = FIRST_DAY + timedelta(days=rng.randrange(span))
        row = [
            e["name"], "法人及非法人组织", e["uscc"], e["regno"], cjk(rng, 3),
            f"广{district[:2]}环罚〔2026〕{i}号",
            rng.choice(["超标排放大气污染物", "未按规定设置危险废物识别标志", "无证经营食品"]),
            f"经查，{e['name']}{cjk(rng, 120)}。", f"《{cjk(rng, 10)}法》第{rng.randint(1, 120)}条",
            rng.choice(["罚款", "警告、罚款", "罚款、没收违法所得"]), f"罚款{rng.randint(1, 50)}万元，{cjk(rng, 30)}。",
            f"{rng.randint(10, 500) / 10:.1f}", decided.strftime("%Y/%m/%d"),
            "2099/12/31", "2027/12/31", f"广元市{district}生态环境局", agency,
            f"广元市{district}生态环境局", agency, cjk(rng, 20) if i % 3 else "",
        ]
        kind = MISTAKES.get(i % 100)
        if kind == "BAD_DATE":
            row[12] = "2026/02/30"
        elif kind == "OUT_OF_SCOPE":
            row[1] = "自然人"
        elif kind == "NAME_MISMATCH":
            row[0] = f"广元市{district}{cjk(rng, 5)}实业有限公司"
        elif kind == "USCC_CHECKSUM":
            bad = e["uscc"][:2] + "MB" + e["uscc"][4:17]
            row[2], row[3] = bad + ("0" if e["uscc"][17] != "0" else "1"), None
        elif kind == "DUPLICATE_IN_BATCH" and i:
            row[5] = f"广{district[:2]}环罚〔2026〕{i - 1}号"
        elif kind == "BAD_ENUM":
            row[9] = "罚金"
        yield row


def ensure_workbook(rows: int, pool_size: int = POOL_SIZE) -> Path:
    """The generated penalty workbook of `rows` data rows naming a pool of `pool_size`
    enterprises (cached in bench/.data/, git-ignored)."""
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / ".gitignore").write_text("*\n")
    path = DATA / f"penalty_{rows}x{len(HEADERS)}_p{pool_size}_v3.xlsx"
    if path.exists():
        return path
    from openpyxl import Workbook

    log(f"generating {path.relative_to(ROOT)} …")
    t0 = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append(HEADERS)
    for row in penalty_rows(rows, enterprise_pool(pool_size)):
        ws.append(row)
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    tmp.rename(path)
    log(f"generated in {time.perf_counter() - t0:.0f} s, {path.stat().st_size / 2**20:.1f} MB")
    return path


XLS_MAX_ROWS = 65_535      # BIFF8 holds 65,536 rows: a header and 65,535 data rows at most


def ensure_format(rows: int, pool_size: int, fmt: str) -> Path | None:
    """The bench workbook in another upload format (cached next to it): csv written from the same
    rows (UTF-8, comma); xls and ods converted by LibreOffice (`soffice --headless --convert-to`).
    None when the format cannot hold the rows (xls over 65,535) or soffice is not installed."""
    import shutil as _shutil

    xlsx = ensure_workbook(rows, pool_size)
    path = xlsx.with_suffix(f".{fmt}")
    if path.exists():
        return path
    if fmt == "csv":
        import csv

        with open(path.with_suffix(".tmp"), "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADERS)
            writer.writerows(penalty_rows(rows, enterprise_pool(pool_size)))
        path.with_suffix(".tmp").rename(path)
        return path
    if (fmt == "xls" and rows > XLS_MAX_ROWS) or not _shutil.which("soffice"):
        return None
    log(f"converting {xlsx.name} to {fmt} with LibreOffice …")
    env = {**os.environ, "LANG": "C.UTF-8", "HOME": str(DATA)}
    subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", str(DATA), str(xlsx)],
                   check=True, env=env, capture_output=True, timeout=3600)
    return path


def penalty_records(n: int, pool: list[dict], *, prefix: str, start: int = 0, fine: str = "5",
                    decided: str = "2026/09/28") -> list[dict]:
    """JSON records (national column codes) for `n` penalties spread over the pool."""
    from chalicelib.local.demo_data import sample_record

    out = []
    for i in range(start, start + n):
        e = pool[i % len(pool)]
        out.append(sample_record("admin_penalty", CF_XDR_MC=e["name"], CF_XDR_SHXYM=e["uscc"],
                                 CF_XDR_GSZC=e["regno"], CF_WSH=f"广环罚〔2026〕{prefix}{i}号",
                                 CF_NR_FK=fine, CF_JDRQ=decided))
    return out
