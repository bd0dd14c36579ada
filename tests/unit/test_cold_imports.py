"""Cold start: `import app` (what every Lambda of the app imports) leaves the heavy libraries to the
routes and handlers that use them. Checked in a fresh interpreter, in a Lambda-like environment."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Third-party: spreadsheets (upload worker, template and report routes), tokens and signatures, the PDF report,
# the upload worker's columnar check stage (polars, fastexcel: only in the worker's layer).
HEAVY = ("openpyxl", "xlsxwriter", "python_calamine", "defusedxml", "jwt", "cryptography", "moto",
         "reportlab", "pypdf", "PIL", "polars", "fastexcel", "_polars_runtime_32")
# Ours: the validation stack and the catalog are loaded by the services that need them.
LAZY = ("chalicelib.services.submissions", "chalicelib.domain.validation", "chalicelib.catalog",
        "chalicelib.identity.tokens", "chalicelib.adapters.spreadsheet", "chalicelib.adapters.report_pdf",
        "chalicelib.domain.columnar_checks")

PROBE = """
import json, sys
import app
assert callable(app.upload_worker) and callable(app.job_runner)
print(json.dumps(sorted(sys.modules)))
"""


def test_import_app_leaves_heavy_modules_to_their_handlers():
    env = {**os.environ, "AWS_LAMBDA_FUNCTION_NAME": "qygs-prod-api", "STAGE": "prod"}
    for key in ("POWERTOOLS_TRACE_DISABLED", "AWS_ENDPOINT_URL", "PYTHONPATH"):
        env.pop(key, None)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=120)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    lazy = sorted(m for m in loaded if m.startswith(LAZY))
    assert heavy == [] and lazy == []
