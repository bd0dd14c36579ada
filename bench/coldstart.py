"""Cold start (measure 3): `python -X importtime -c "import app"` against a bare Chalice app,
measured alternately in the same run; and the size of the deployment package.

The bare app (BARE_APP below, the unavoidable platform cost of SPEC §6.5) imports exactly
`boto3`, `aws_lambda_powertools.Logger` and `Tracer` (the package's __init__ also loads its
metrics module, as the app's observability does) and `chalice.Chalice`; it instantiates one
Logger and one Tracer, defines one route and one `app.lambda_function` decorated with
`tracer.capture_lambda_handler` and `logger.inject_lambda_context`, as app.py's handlers are.
No pydantic, no PyJWT, nothing of ours.

Both imports run in a Lambda-like environment (AWS_LAMBDA_FUNCTION_NAME set, tracing not
disabled, so the Tracer loads aws_xray_sdk in both), each in a fresh interpreter, after one
warm-up run that writes the .pyc files. The ratio is the median of the app's runs over the
median of the bare app's; the pairwise min/max are reported too.
"""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

from bench.common import DATA, ENV, PY, ROOT, Timer, log

BARE_APP = '''"""The baseline: a bare Chalice app importing boto3, with Powertools' Logger and Tracer."""
import boto3  # noqa: F401
from aws_lambda_powertools import Logger, Tracer
from chalice import Chalice

app = Chalice(app_name="bare")
logger = Logger(service="bare")
tracer = Tracer(service="bare")


@app.route("/")
def index():
    return {"ok": True}


@app.lambda_function(name="worker")
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(clear_state=True)
def worker(event, context):
    return {"ok": True}
'''
LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")
# Left to the routes/handlers that use them (tests/unit/test_cold_imports.py checks the same).
HEAVY_LIBS = ("openpyxl", "python_calamine", "defusedxml", "jwt", "cryptography", "moto")


def _env() -> dict:
    env = {**os.environ, **ENV, "AWS_LAMBDA_FUNCTION_NAME": "qygs-prod-api", "STAGE": "prod",
           "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1"}
    env.pop("POWERTOOLS_TRACE_DISABLED", None)
    env.pop("AWS_ENDPOINT_URL", None)
    env.pop("PYTHONPATH", None)
    return env


def importtime(module: str, cwd: Path) -> list[tuple[int, int, int, str]]:
    """(self µs, cumulative µs, depth, name) of every module the import loaded."""
    out = subprocess.run([PY, "-X", "importtime", "-c", f"import {module}"], cwd=cwd, env=_env(),
                         capture_output=True, text=True, check=True)
    rows = []
    for line in out.stderr.splitlines():
        m = LINE.match(line)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2, m.group(4)))
    return rows


def top_level(rows, module: str) -> int:
    return next(cum for _, cum, depth, name in rows if name == module and depth == 0)


def run(repeat: int = 7, package: bool = True) -> dict:
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "bare_app.py").write_text(BARE_APP)
    importtime("app", ROOT), importtime("bare_app", DATA)        # warm-up: .pyc files
    app_runs, bare_runs, last_app, bare = [], [], [], []
    for _ in range(repeat):
        last_app = importtime("app", ROOT)
        app_runs.append(top_level(last_app, "app"))
        bare = importtime("bare_app", DATA)
        bare_runs.append(top_level(bare, "bare_app"))
    # What `import app` loads that the bare app does not, by top-level package (self time).
    in_bare = {n for *_, n in bare}
    added: Counter = Counter()
    for s, _, _, n in last_app:
        if n not in in_bare:
            added[n.split(".")[0]] += s
    app_us, bare_us = statistics.median(app_runs), statistics.median(bare_runs)
    # Our own modules (self time: what importing/executing the module itself cost).
    ours = sorted(((s, c, n) for s, c, _, n in last_app if n.startswith("chalicelib")),
                  key=lambda r: r[0], reverse=True)
    # Our modules that pull in most (cumulative: includes the third-party modules first loaded there).
    direct = sorted(((c, n) for _, c, _, n in last_app if n.startswith("chalicelib.") and n not in (
        "chalicelib.container", "chalicelib.aws", "chalicelib.observability")), reverse=True)
    # Third-party packages by cumulative time, each counted where it was first imported.
    packages: Counter = Counter()
    for s, _, _, n in last_app:
        root = n.split(".")[0]
        if root not in ("app", "chalicelib"):
            packages[root] += s
    loaded = {n.split(".")[0] for *_, n in last_app}
    check = subprocess.run([PY, "-c", "import sys, app; print(' '.join(sorted(m for m in sys.modules "
                            f"if m.split('.')[0] in {HEAVY_LIBS!r})))"],
                           cwd=ROOT, env=_env(), capture_output=True, text=True, check=True)
    pairwise = sorted(a / b for a, b in zip(app_runs, bare_runs, strict=True))
    out = {
        "app_us": app_us, "bare_us": bare_us, "ratio": round(app_us / bare_us, 2), "runs": repeat,
        "ratio_min": round(pairwise[0], 2), "ratio_max": round(pairwise[-1], 2),
        "app_runs_us": app_runs, "bare_runs_us": bare_runs,
        "our_heaviest": [{"module": n, "self_us": s, "cumulative_us": c} for s, c, n in ours[:8]],
        "our_self_us_total": sum(s for s, _, _ in ours),
        "our_cumulative_top": [{"module": n, "cumulative_us": c} for c, n in direct[:8]],
        "added_over_bare_self_us": dict(added.most_common(10)),
        "third_party_self_us": dict(packages.most_common(10)),
        "heavy_libs_imported": sorted(m for m in HEAVY_LIBS if m in loaded),
        "sys_modules_check": check.stdout.strip(),
    }
    if package:
        out["package"] = package_size()
    return out


def package_size(out_dir: str = "bench/.data/chalice-package") -> dict:
    """`make package` into a bench-private directory (build/chalice is left to its owners)."""
    log("make package (chalice package --pkg-format terraform) …")
    with Timer() as t:
        proc = subprocess.run(["make", "package", f"CHALICE_OUT={out_dir}"], cwd=ROOT, capture_output=True,
                              text=True, env={k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"})
    zip_path = ROOT / out_dir / "deployment.zip"
    if proc.returncode != 0 or not zip_path.exists():
        return {"error": (proc.stderr or proc.stdout)[-500:]}
    sizes: Counter = Counter()
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            top = info.filename.split("/")[0]
            sizes[top] += info.compress_size
    return {"zip_mb": round(zip_path.stat().st_size / 2**20, 2), "seconds": round(t.seconds),
            "largest_mb": {k: round(v / 2**20, 2) for k, v in sizes.most_common(8)}}
