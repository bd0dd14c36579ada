"""The columnar libraries (fastexcel, polars) reach the upload worker only (issue #27): pinned in
requirements-worker.txt, installed by the Makefile's venv stamp, shipped as a Lambda layer attached
to upload_worker alone — never in requirements.txt, which Chalice packages into every function."""
from __future__ import annotations

import re
from pathlib import Path

from tests.infra import hcl

ROOT = Path(__file__).resolve().parents[2]
COLUMNAR = {"fastexcel", "polars"}
WORKER = COLUMNAR | {"isal"}      # + the pre-flight's inflater (issue #27)


def _pins(name: str) -> dict[str, str]:
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    found = (re.match(r"([A-Za-z0-9_.\-\[\]]+)==(\S+)", line.split("#")[0].strip()) for line in lines)
    return {m.group(1).split("[")[0].lower(): m.group(2) for m in found if m}


def test_the_columnar_libraries_are_pinned_for_the_worker_and_absent_from_the_api_package():
    assert set(_pins("requirements-worker.txt")) == WORKER
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-test.txt"):
        assert not WORKER & set(_pins(name)), name


def test_the_makefile_venv_installs_the_worker_requirements():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    stamp = re.search(r"^\$\(STAMP\):(.*)$", makefile, re.M).group(1)
    assert "requirements-worker.txt" in stamp.split()
    assert re.search(r"pip install .*-r requirements-worker\.txt", makefile)


def test_the_layer_is_attached_to_the_upload_worker_alone():
    functions = {}
    for block in hcl.parse((hcl.APP / "lambda_override.tf").read_text(encoding="utf-8"))["resource"]:
        functions.update(block.get("aws_lambda_function", {}))
    layers = {name: [hcl.ref(x) for x in body.get("layers", [])] for name, body in functions.items()}
    assert layers.pop("upload_worker") == ["aws_lambda_layer_version.worker_columnar.arn"]
    assert layers and not any(layers.values())
    resources = {}
    for block in hcl.parse((hcl.APP / "worker_layer.tf").read_text(encoding="utf-8"))["resource"]:
        for kind, named in block.items():
            resources.update({(kind, name): body for name, body in named.items()})
    body = resources[("aws_lambda_layer_version", "worker_columnar")]
    # over 50 MB zipped: published from S3 (PublishLayerVersion refuses such a zip inline)
    assert "filename" not in body
    assert hcl.ref(body["s3_key"]) == "aws_s3_object.worker_layer.key"
    assert hcl.ref(body["s3_object_version"]) == "aws_s3_object.worker_layer.version_id"
    obj = resources[("aws_s3_object", "worker_layer")]
    assert "exchange" in obj["bucket"] and obj["key"].startswith("deploy/")
    assert body["compatible_runtimes"] == ["python3.11"]
