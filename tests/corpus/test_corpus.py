"""The bad-input corpus (tests/corpus/cases/): every hostile request gets a 4xx with a stable error code
in the platform's error body (or a 200 that rejects every row), never a 5xx, and writes nothing; every
hostile spreadsheet ends as an upload `failed` with a reason (or `done` with nothing accepted).

One stack serves the whole module (a stack per case would cost ~2 s each); each case counts the
stored items before and after itself.
"""
from __future__ import annotations

import json
import os

import pytest
import requests

from tests.corpus.runner import body_of, load_cases, path_of
from tests.reliability.state import count_items

CASES = load_cases()
HTTP_CASES = [c for c in CASES if "upload" not in c]
UPLOAD_CASES = [c for c in CASES if "upload" in c]
PASSWORD = "Test#Pass2026"
ACCOUNTS = {"op-d12": ("operator", "d12"), "op-d21": ("operator", "d21"), "sys-d12": ("system", "d12"),
            "admin": ("admin", None), "supervisor": ("supervisor", None)}


def _params(cases):
    return [pytest.param(c, id=c["id"], marks=[pytest.mark.xfail(strict=True, reason=c["xfail"])]
                         if c.get("xfail") else []) for c in cases]


@pytest.fixture(scope="module")
def corpus_stack(emulator):
    """A provisioned stack for the module, with the sample enterprise registered and one record and
    one upload of d12 to aim at ($RECORD_ID, $UPLOAD_ID)."""
    import app as app_module
    from chalicelib import container
    from chalicelib.domain.samples import sample_record
    from chalicelib.local.gateway import Client
    from chalicelib.local.provision import provision

    requests.post(f"{emulator}/moto-api/reset", timeout=10)
    container.reset()
    env = provision(container.get_container().aws)
    os.environ.update(env)
    container.reset()
    c = container.get_container()
    with Client(app_module.app, stage_name="test") as client:
        headers = {}
        for name, (role, dept) in ACCOUNTS.items():
            c.auth.ensure_user(name, role, dept, PASSWORD)
            resp = client.http.post("/v1/auth/token", headers={"Content-Type": "application/json"},
                                    body=json.dumps({"username": name, "password": PASSWORD}))
            assert resp.status_code == 200, resp.body
            headers[name] = {"Authorization": f"Bearer {resp.json_body['access_token']}"}
        jh = {"Content-Type": "application/json"}
        assert client.http.post("/v1/records", headers={**headers["op-d21"], **jh}, body=json.dumps(
            {"category": "registration", "records": [sample_record("registration")]})).status_code == 200
        resp = client.http.post("/v1/records", headers={**headers["op-d12"], **jh}, body=json.dumps(
            {"category": "admin_penalty", "records": [sample_record("admin_penalty")]}))
        record_id = resp.json_body["accepted"][0]["record_id"]
        resp = client.http.post("/v1/uploads", headers={**headers["op-d12"], **jh}, body=json.dumps(
            {"category": "admin_penalty", "filename": "a.xlsx"}))
        ids = {"RECORD_ID": record_id, "UPLOAD_ID": resp.json_body["upload_id"]}
        yield {"client": client, "container": c, "headers": headers, "ids": ids}
    for key in env:
        os.environ.pop(key, None)
    container.reset()


def check_error_body(resp, code: str | None) -> None:
    body = json.loads(resp.body)
    assert set(body) == {"error"}, body
    err = body["error"]
    assert isinstance(err.get("code"), str) and err["code"].isupper(), err
    assert isinstance(err.get("message"), str) and err["message"], err
    assert isinstance(err.get("details"), list), err
    if code:
        assert err["code"] == code, err


@pytest.mark.parametrize("case", _params(HTTP_CASES))
def test_bad_request_is_refused_cleanly(corpus_stack, case):
    client, container = corpus_stack["client"], corpus_stack["container"]
    headers = dict(corpus_stack["headers"].get(case.get("as", "anonymous"), {}))
    body = body_of(case)
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    headers.update(case.get("headers", {}))
    before = count_items(container.settings)
    resp = client.http.request(case["method"], path_of(case, corpus_stack["ids"]), headers=headers,
                               body=body if body is not None else b"")
    after = count_items(container.settings)
    assert resp.status_code < 500, (resp.status_code, resp.body[:500])
    lo, hi = case["expect"]["status"]
    assert lo <= resp.status_code <= hi, (resp.status_code, resp.body[:500])
    if resp.status_code >= 400:
        check_error_body(resp, case["expect"].get("code"))
    elif "rejected" in case["expect"]:
        out = json.loads(resp.body)
        assert (len(out["accepted"]), len(out["rejected"])) == (0, case["expect"]["rejected"]), out
        codes = {e["code"] for r in out["rejected"] for e in r["errors"]}
        if case["expect"].get("row_code"):
            assert case["expect"]["row_code"] in codes, out
    assert after == before, f"the request wrote something: {before} → {after}"


def build_upload(spec: dict) -> bytes:
    from tests.corpus import spreadsheets

    return spreadsheets.BUILDERS[spec["builder"]]()


@pytest.mark.parametrize("case", _params(UPLOAD_CASES))
def test_hostile_spreadsheet_fails_with_a_reason(corpus_stack, case):
    from tests.reliability import scenarios as sc

    client, container = corpus_stack["client"], corpus_stack["container"]
    op = {**corpus_stack["headers"]["op-d12"], "Content-Type": "application/json"}
    before = count_items(container.settings, ("records", "versions", "public", "enterprises"))
    upload_id = sc.post_file(client, op, build_upload(case["upload"]), case.get("filename", "hostile.xlsx"))
    sc.deliver(container)
    status = client.http.get(f"/v1/uploads/{upload_id}", headers=op)
    assert status.status_code == 200, status.body
    status = status.json_body
    assert status["state"] == case["expect"]["state"], status
    if status["state"] == "failed":
        codes = case["expect"]["code"]
        assert status["error"]["code"] in (codes if isinstance(codes, list) else [codes]), status
        assert status["error"]["message"], status
    else:
        assert status["accepted"] == case["expect"].get("accepted", 0), status
        assert status["rows_total"] == status["accepted"] + status["rejected"], status
    assert count_items(container.settings, ("records", "versions", "public", "enterprises")) == before


def test_corpus_is_big_enough():
    assert len(CASES) >= 50
    assert len(UPLOAD_CASES) >= 8
