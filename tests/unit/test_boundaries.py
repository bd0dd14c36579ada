"""One boundary to AWS (#20): services and domain rules reach AWS only through the ports they are
given (repositories in dal/, adapters/), so no module of chalicelib/services or chalicelib/domain
imports boto3 or botocore — checked on the source (ast), every import form."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "chalicelib"
FORBIDDEN = ("boto3", "botocore")
MODULES = sorted(p for layer in ("services", "domain") for p in (ROOT / layer).rglob("*.py"))


def aws_imports(source: str) -> list[str]:
    """The boto3/botocore modules a source imports (`import x`, `from x import y`, at any depth)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [n for n in names if n.split(".")[0] in FORBIDDEN]
    return found


def test_the_layers_are_there():
    assert len(MODULES) > 20 and any(p.name == "submissions.py" for p in MODULES)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_services_and_domain_import_no_aws_sdk(path):
    assert aws_imports(path.read_text(encoding="utf-8")) == [], f"{path}: AWS goes through dal/ or adapters/"


@pytest.mark.parametrize("source", [
    "import boto3", "import botocore.exceptions", "from botocore.exceptions import ClientError",
    "from boto3.dynamodb.conditions import Key", "def f():\n    import boto3\n",
    "try:\n    from botocore import session\nexcept ImportError:\n    pass\n",
])
def test_every_import_form_is_seen(source):
    assert aws_imports(source)
