"""The corpus tests' stack: one provisioned stack per module (a stack per case would cost ~2 s each)."""
from __future__ import annotations

import json
import os

import pytest

PASSWORD = "Test#Pass2026"
ACCOUNTS = {"op-d12": ("operator", "d12"), "op-d21": ("operator", "d21"), "sys-d12": ("system", "d12"),
            "admin": ("admin", None), "supervisor": ("supervisor", None)}


@pytest.fixture(scope="module")
def corpus_stack(emulator):
    """A provisioned stack for the module, with the sample enterprise registered and one record and
    one upload of d12 to aim at ($RECORD_ID, $UPLOAD_ID)."""
    import app as app_module
    from chalicelib import container
    from chalicelib.local.demo_data import sample_record
    from chalicelib.local.gateway import Client
    from tests.conftest import fresh_stack

    c, env = fresh_stack(emulator)
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
        ids = {"RECORD_ID": record_id, "UPLOAD_ID": resp.json_body["upload_id"],
               "CODE": sample_record("registration")["uscc"]}
        yield {"client": client, "container": c, "headers": headers, "ids": ids}
    for key in env:
        os.environ.pop(key, None)
    container.reset()
