"""Shared steps of the integration tests (through the real routes)."""
from __future__ import annotations

import json
from contextlib import contextmanager

from chalicelib.local.demo_data import sample_record


def submit(client, headers, category, records, **extra):
    return client.http.post("/v1/records", headers=headers,
                            body=json.dumps({"category": category, "records": records, **extra}))


def accepted(client, headers, category, records, **extra) -> list[dict]:
    resp = submit(client, headers, category, records, **extra)
    assert resp.status_code == 200 and not resp.json_body["rejected"], resp.json_body
    return resp.json_body["accepted"]


def register(client, login, **overrides) -> dict:
    """The registry authority (d21) registers the sample enterprise (or another one)."""
    resp = submit(client, login("op-d21", "operator", "d21"), "registration", [sample_record("registration", **overrides)])
    assert resp.status_code == 200 and not resp.json_body["rejected"], resp.json_body
    return (resp.json_body["accepted"] or resp.json_body["unchanged"])[0]   # a resend is `unchanged` (SPEC §5.1)


def run_job(client, login, job, as_of=None) -> dict:
    resp = client.http.post(f"/v1/admin/jobs/{job}", headers=login("root", "admin"),
                            body=json.dumps({"as_of": as_of} if as_of else {}))
    assert resp.status_code == 200, resp.body
    return resp.json_body


@contextmanager
def crash_after_first_checkpoint(ddb, rows: int = 500):
    """An upload worker killed between chunks: the DynamoDB transaction after the checkpoint at
    `rows` raises (botocore hooks on the real client). Yields the state ({"crashed": bool})."""
    state = {"checkpointed": False, "crashed": False}

    def crash(**kwargs):
        if state["checkpointed"] and not state["crashed"]:
            state["crashed"] = True
            raise RuntimeError("injected crash between chunks")

    def watch_checkpoint(params, **kwargs):   # the checkpoint commits with the counters, in a transaction
        for op in params.get("TransactItems", []):
            put = op.get("Put", {})
            if put.get("TableName", "").endswith("-uploads") and put["Item"].get("next_row") in (rows, {"N": str(rows)}):
                state["checkpointed"] = True

    event = "before-parameter-build.dynamodb.TransactWriteItems"
    ddb.meta.events.register(event, crash)
    ddb.meta.events.register(event, watch_checkpoint)
    try:
        yield state
    finally:
        ddb.meta.events.unregister(event, crash)
        ddb.meta.events.unregister(event, watch_checkpoint)
