"""Unknown paths: the local gateway (chalicelib.local.gateway) answers what the deployed API Gateway
answers — its MISSING_AUTHENTICATION_TOKEN gateway response (infra/terraform/app/gateway_responses.tf):
404 NOT_FOUND in the platform's error body. The corpus sends unknown paths through the tests' client;
this checks the served gateway of `make run` and that both sides share one definition."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from chalicelib.local.gateway import UNKNOWN_ROUTE

ROOT = Path(__file__).resolve().parents[2]


def test_local_answer_is_the_terraform_gateway_response():
    from tests.infra import hcl

    responses = hcl.app().locals["gateway_responses"]
    tf = responses["MISSING_AUTHENTICATION_TOKEN"]
    assert (int(tf["status"]), tf["code"], tf["message"]) == (UNKNOWN_ROUTE.status, UNKNOWN_ROUTE.code,
                                                              UNKNOWN_ROUTE.message)
    template = hcl.expression(hcl.app().resource("aws_api_gateway_gateway_response", "this")[
        "response_templates"]["application/json"])
    as_deployed = json.loads(json.dumps(template).replace("${each.value.code}", tf["code"])
                             .replace("${each.value.message}", tf["message"]))
    assert as_deployed == UNKNOWN_ROUTE.body()


@pytest.fixture(scope="module")
def served(emulator):
    """`python -m chalicelib.local.gateway` (what `make run` starts) on a free port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "chalicelib.local.gateway", "--port", str(port), "--stage",
                             "test"], cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                requests.get(f"{base}/v1/catalog", timeout=2)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, "the local gateway exited"
                time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.parametrize("method,path,headers", [
    ("GET", "/v1/nothing-here", {}),
    ("GET", "/nothing/at/all", {"Authorization": "Bearer abc.def.ghi"}),
    ("POST", "/v2/records", {"Content-Type": "application/json"}),
    ("OPTIONS", "/v1/records/x/y/z", {"Origin": "https://evil.example"}),
])
def test_served_local_gateway_answers_unknown_paths_like_api_gateway(served, method, path, headers):
    resp = requests.request(method, served + path, headers=headers, data=b"{}" if method == "POST" else None,
                            timeout=10)
    assert resp.status_code == 404, (resp.status_code, resp.text)
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.json() == {"error": {"code": "NOT_FOUND", "message": "请求的资源不存在", "details": []}}


def test_served_local_gateway_still_serves_the_app(served):
    resp = requests.get(f"{served}/v1/catalog", timeout=10)
    assert resp.status_code == 200, resp.text[:300]
    wrong = requests.patch(f"{served}/v1/catalog", timeout=10)      # a known path, another method: the app's
    assert wrong.status_code in (400, 405) and "error" in wrong.json(), (wrong.status_code, wrong.text[:300])
