"""Shared steps of the integration tests (through the real routes)."""
from __future__ import annotations

import json

from chalicelib.domain.samples import sample_record


def submit(client, headers, category, records, **extra):
    return client.http.post("/v1/records", headers=headers,
                            body=json.dumps({"category": category, "records": records, **extra}))


def accepted(client, headers, category, records, **extra) -> list[dict]:
    resp = submit(client, headers, category, records, **extra)
    assert resp.status_code == 200 and not resp.json_body["rejected"], resp.json_body
    return resp.json_body["accepted"]


def register(client, login, **overrides) -> dict:
    """The registry authority (d21) registers the sample enterprise (or another one)."""
    return accepted(client, login("op-d21", "operator", "d21"), "registration",
                    [sample_record("registration", **overrides)])[0]


def run_job(client, login, job, as_of=None) -> dict:
    resp = client.http.post(f"/v1/admin/jobs/{job}", headers=login("root", "admin"),
                            body=json.dumps({"as_of": as_of} if as_of else {}))
    assert resp.status_code == 200, resp.body
    return resp.json_body
