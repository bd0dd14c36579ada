"""DynamoDB throttling and failed calls during JSON batches and forward runs.

Each scenario runs fault-free first; its final state (records, versions, identities, public copies,
registry, report counters, change log, outbox — see state.snapshot) is the baseline the faulted run
must reach after the retries its caller would make: an API client resends after a 5xx, the scheduler
runs a failed job again.
"""
from __future__ import annotations

import json

from chalicelib.container import get_container
from chalicelib.local.demo_data import ENTERPRISE_USCC, sample_record
from tests.reliability import scenarios as sc
from tests.reliability.faults import INTERNAL, THROTTLED, settling_counts, table_is
from tests.reliability.state import diff, scan, snapshot

RATE = 0.25
_BASELINES: dict[str, tuple] = {}


def same(baseline: dict, faulted: dict) -> None:
    problems = diff(baseline, faulted)
    assert not problems, "\n".join(problems[:40])


def json_and_forward(client, auth, api) -> dict:
    out = sc.json_batches(api, auth)
    out["forward"] = {k: v for k, v in sc.run_job(api, auth, "forward", "2026-11-20").items()
                      if k in ("published", "withdrawn", "due")}
    return out


def baseline(client, auth, rebuild) -> tuple[dict, dict]:
    """The fault-free run (computed once per session, on the test's fresh stack); leaves a fresh stack."""
    if "json" not in _BASELINES:
        out = json_and_forward(client, auth, sc.Retrying(client))
        _BASELINES["json"] = out, snapshot(get_container())
    return _BASELINES["json"]


def test_json_batches_and_forward_under_wire_throttling(client, auth, rebuild, faults):
    """25 % of DynamoDB attempts answer 400 throttled or 500; botocore's retries (and at worst the
    client's resend) absorb them."""
    base_out, base = baseline(client, auth, rebuild)
    container = rebuild()
    faults.throttle(sc.ddb(container), RATE, errors=(THROTTLED, INTERNAL))
    api = sc.Retrying(client)
    out = json_and_forward(client, auth, api)
    faults.clear()
    assert sum(faults.injected.values()) > 20, faults.injected        # the faults really happened
    assert all(e[2]["error"]["code"] == "INTERNAL" for e in api.server_errors), api.server_errors
    assert out == base_out
    same(base, snapshot(container))


def test_json_batches_and_forward_recover_from_calls_that_exhausted_their_retries(client, auth, rebuild, faults):
    """The 2nd transaction of a batch, a report-counter update and a forward's state write fail outright:
    the request answers 500 INTERNAL (nothing half-visible), the resend completes it."""
    base_out, base = baseline(client, auth, rebuild)
    container = rebuild()
    ddb = sc.ddb(container)
    state = {"transactions": 0}

    def second_transaction(params):
        state["transactions"] += table_is("records")(params)   # record transactions (not the registry's)
        return table_is("records")(params) and state["transactions"] == 3   # registration = 1st; penalties: 2nd, 3rd
    faults.fail(ddb, "TransactWriteItems", when=second_transaction)
    faults.fail(ddb, "TransactWriteItems", when=settling_counts, code="InternalServerError")   # the 1st count
    api = sc.Retrying(client)
    out = sc.json_batches(api, auth)
    faults.fail(ddb, "TransactWriteItems")                                # the forward's state write
    out["forward"] = {k: v for k, v in sc.run_job(api, auth, "forward", "2026-11-20").items()
                      if k in ("published", "withdrawn", "due")}
    assert faults.injected == {("TransactWriteItems", "fail"): 3}, faults.injected
    assert len(api.server_errors) == 3 and {e[2]["error"]["code"] for e in api.server_errors} == {"INTERNAL"}
    assert out == base_out
    same(base, snapshot(container))


def test_late_counter_survives_a_resend_after_a_failed_counter_update(client, auth, faults):
    """Found by this suite (fixed): the resend found the records stored (kept, not written) and `late` (迟报)
    was counted only among records written by the request; it is now marked with each record's creation."""
    container = get_container()
    api = sc.Retrying(client)
    api.call("POST", "/v1/records", auth("op-d21", "operator", "d21"),
             {"category": "registration", "records": [sample_record("registration")]})
    faults.fail(sc.ddb(container), "TransactWriteItems", when=settling_counts, code="InternalServerError")
    resp = api.call("POST", "/v1/records", auth("op-d12", "operator", "d12"),
                    {"category": "admin_penalty", "records": [sample_record("admin_penalty")]})  # decided 09-28: late
    assert resp.json_body["accepted"][0]["late"] is True and len(api.server_errors) == 1
    rows = {i["department"]: i for i in client.http.get(
        "/v1/reports/departments", headers=auth("sup", "supervisor")).json_body["items"]}
    assert (rows["d12"]["accepted"], rows["d12"]["late"]) == (1, 1)


def test_registration_resent_after_a_failed_registry_write_reaches_the_registry(client, auth, faults):
    """Found by this suite (fixed): the resend was an identical resend and never reached the registry."""
    container = get_container()
    api = sc.Retrying(client)
    faults.fail(sc.ddb(container), "TransactWriteItems", when=table_is("enterprises"))
    resp = api.call("POST", "/v1/records", auth("op-d21", "operator", "d21"),
                    {"category": "registration", "records": [sample_record("registration")]})
    assert resp.status_code == 200 and api.server_errors, (resp.body, api.server_errors)
    (acc,) = api.call("POST", "/v1/records", auth("op-d12", "operator", "d12"),
                      {"category": "admin_penalty", "records": [sample_record("admin_penalty")]}).json_body["accepted"]
    assert container.registry_repo.get(ENTERPRISE_USCC) is not None
    assert acc["match"] == "local"


def test_forward_rerun_after_a_failed_public_copy_write_publishes_everything(client, auth, faults):
    """Found by this suite (fixed): records were marked published before their public copies were written."""
    container = get_container()
    api = sc.Retrying(client)
    sc.json_batches(api, auth)
    faults.fail(sc.ddb(container), "BatchWriteItem", when=table_is("public"))
    first = api.call("POST", "/v1/admin/jobs/forward", auth("root", "admin"), {})
    assert first.status_code == 200 and api.server_errors                 # failed once, re-run by the scheduler
    page = client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}")
    assert page.status_code == 200, page.body
    public = sum(len(g["records"]) for g in page.json_body["categories"])
    published = [r for r in scan(container.settings, "records") if r.get("state") == "published"]
    assert public == len(published)


def test_counts_a_failed_batch_left_pending_reach_the_report_with_the_next_deadlines_run(client, auth, faults):
    """A JSON batch whose counts failed to settle (500) and that nobody sends again: its records are
    stored and its counts wait in its pending item — the next daily `deadlines` run settles what was
    left before its day, so the report counts the batch (accepted, late) once, and a second run
    changes nothing."""
    from datetime import timedelta

    from chalicelib.clock import today

    container = get_container()
    api = sc.Retrying(client)
    api.call("POST", "/v1/records", auth("op-d21", "operator", "d21"),
             {"category": "registration", "records": [sample_record("registration")]})
    faults.fail(sc.ddb(container), "TransactWriteItems", when=settling_counts, code="InternalServerError")
    resp = client.http.post("/v1/records", headers=auth("op-d12", "operator", "d12"), body=json.dumps(
        {"category": "admin_penalty", "records": [sample_record("admin_penalty")]}))
    assert resp.status_code == 500
    faults.clear()

    def d12() -> dict:
        return {i["department"]: i for i in client.http.get(
            "/v1/reports/departments", headers=auth("sup", "supervisor")).json_body["items"]}["d12"]
    assert (d12()["accepted"], d12()["late"]) == (0, 0)           # stored, not yet counted
    (left,) = container.counter_repo.pending("d12")
    assert sc.run_job(api, auth, "deadlines")["counts_settled"] == 0   # written today: a request may still run
    yesterday = (today() - timedelta(days=1)).isoformat()
    container.counter_repo.table.update_item(Key={"pk": "P#d12", "sk": left.sk}, UpdateExpression="SET #a = :a",
                                             ExpressionAttributeNames={"#a": "at"},
                                             ExpressionAttributeValues={":a": yesterday + "T23:59:00+08:00"})
    assert sc.run_job(api, auth, "deadlines")["counts_settled"] == 1
    assert (d12()["accepted"], d12()["late"], d12()["submitted"]) == (1, 1, 1)
    assert not container.counter_repo.pending("d12")
    assert sc.run_job(api, auth, "deadlines")["counts_settled"] == 0
    assert (d12()["accepted"], d12()["late"]) == (1, 1)


def test_a_county_departments_pending_counts_are_settled_by_the_deadlines_run(client, auth):
    """A county/district department an admin added (510802-d12) counts its batches like the
    catalog's: the counts a failed request of it left pending settle in the next `deadlines` run too."""
    from datetime import timedelta

    from chalicelib.clock import today
    from chalicelib.dal.batch import transact

    container = get_container()
    api = sc.Retrying(client)
    resp = client.http.put("/v1/admin/departments/510802-d12", headers=auth("root", "admin"),
                           body=json.dumps({"office": "法规科"}))
    assert resp.status_code == 200, resp.body
    yesterday = (today() - timedelta(days=1)).isoformat()
    op = container.counter_repo.pending_op("510802-d12", "req-1", yesterday, yesterday + "T10:00:00+08:00",
                                           {"submitted": 2, "accepted": 2})
    assert transact(container.counter_repo.table.meta.client, [op])
    assert sc.run_job(api, auth, "deadlines")["counts_settled"] == 1
    assert not container.counter_repo.pending("510802-d12")
