"""Unknown paths: the local gateway (chalicelib.local.gateway) answers what the deployed API Gateway
answers — its MISSING_AUTHENTICATION_TOKEN gateway response (infra/terraform/app/gateway_responses.tf):
404 NOT_FOUND in the platform's error body. The corpus sends unknown paths through the tests' client;
this checks the served gateway of `make run` and that both sides share one definition."""
from __future__ import annotations

import io
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


def _urlopen(url: str, headers: dict | None = None):
    """What a script using Python's urllib does: no Accept header unless it adds one."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_urllib_without_accept_gets_a_406_naming_the_header_then_the_file_with_it(served):
    """Binary routes (issue 19): a client sending no Accept header gets a 406 in the error body that names
    the header to send — not Chalice's bare 400 — and with that header the template itself."""
    from openpyxl import load_workbook

    status, headers, body = _urlopen(f"{served}/v1/templates/admin_penalty")
    assert status == 406, (status, body[:300])
    err = json.loads(body)["error"]
    assert err["code"] == "NOT_ACCEPTABLE" and "Accept" in err["message"], err
    (detail,) = err["details"]
    assert detail["header"] == "Accept" and detail["value"].endswith("spreadsheetml.sheet"), detail
    status, headers, body = _urlopen(f"{served}/v1/templates/admin_penalty", {"Accept": detail["value"]})
    assert status == 200 and headers["Content-Type"] == detail["value"], (status, headers)
    assert load_workbook(io.BytesIO(body)).sheetnames[0] == "数据"
    status, _, body = _urlopen(f"{served}/v1/templates/admin_penalty", {"Accept": "*/*"})
    assert status == 200 and body[:2] == b"PK"
