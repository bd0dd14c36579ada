"""checkov over both Terraform roots, when `make infra-check` has installed it.

checkov lives in its own virtual environment (.venv-infra: it pins an old boto3 and ships a
second `hcl2` module), so this test runs it as a program and skips when it is not installed.
"""
from __future__ import annotations

import re
import subprocess

import pytest

from tests.infra import hcl

CHECKOV = hcl.REPO / ".venv-infra" / "bin" / "checkov"


@pytest.mark.skipif(not CHECKOV.exists(), reason="checkov not installed: `make infra-check` creates .venv-infra")
def test_checkov_finds_no_failed_check():
    result = subprocess.run(
        [str(CHECKOV), "-d", "infra/terraform", "--framework", "terraform", "--quiet", "--compact",
         "--skip-download"],
        cwd=hcl.REPO, capture_output=True, text=True, timeout=600,
    )
    summary = re.search(r"Passed checks: (\d+), Failed checks: (\d+), Skipped checks: (\d+)", result.stdout)
    assert summary, result.stdout[-2000:] + result.stderr[-2000:]
    assert summary.group(2) == "0", result.stdout[-4000:]
    assert result.returncode == 0, result.stderr[-2000:]
