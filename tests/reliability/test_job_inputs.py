"""Admin job runs with hostile `as_of` days: refused or bounded, never an unbounded walk."""
from __future__ import annotations

import json

from chalicelib.local.demo_data import sample_record
from tests.reliability.faults import Injected

CALL_BUDGET = 500


def test_open_data_for_a_far_off_day_is_refused_or_bounded(client, auth, stack):
    """Found by the schemathesis run (fixed): open_data walked every day up to as_of 2587-08-05."""
    admin = auth("root", "admin")
    assert client.http.post("/v1/records", headers=auth("op-d21", "operator", "d21"), body=json.dumps(
        {"category": "registration", "records": [sample_record("registration")]})).status_code == 200
    assert client.http.post("/v1/admin/jobs/forward", headers=admin, body="{}").status_code == 200  # a change log
    calls = {"n": 0}

    def budget(**kwargs):
        calls["n"] += 1
        if calls["n"] > CALL_BUDGET:
            raise Injected(f"more than {CALL_BUDGET} DynamoDB calls for one job run")

    ddb = stack.record_repo.client
    ddb.meta.events.register("before-call.dynamodb", budget, unique_id="job-budget")
    try:
        resp = client.http.post("/v1/admin/jobs/open_data", headers=admin,
                                body=json.dumps({"as_of": "2587-08-05"}))
    finally:
        ddb.meta.events.unregister("before-call.dynamodb", unique_id="job-budget")
    assert resp.status_code == 400 or (resp.status_code == 200 and calls["n"] <= CALL_BUDGET), (
        resp.status_code, calls["n"])
