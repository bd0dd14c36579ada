"""Jobs' `as_of` (SPEC §6.3): after today (Asia/Shanghai) it is refused, except on the `local` stage,
which takes any day of 2004–2099 — on the admin route and on the scheduler's entry alike."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib.clock import today
from chalicelib.errors import BadRequest
from chalicelib.local.demo_data import ENTERPRISE_USCC, sample_record
from chalicelib.local.pump import lambda_context
from tests.integration.helpers import accepted, register, run_job

JOBS = ("forward", "expire", "deadlines", "open_data", "monthly_report")


def post_job(client, login, job, as_of):
    return client.http.post(f"/v1/admin/jobs/{job}", headers=login("root", "admin"), body=json.dumps({"as_of": as_of}))


def future_refused(day) -> dict:
    return {"error": {"code": "BAD_REQUEST", "message": f"as_of 不能晚于今天（{today().isoformat()}）",
                      "details": [{"field": "as_of", "code": "FUTURE_DATE"}]}}


@pytest.mark.parametrize("job", JOBS)
def test_a_day_after_today_is_refused_on_a_real_stage(client, login, job):
    for day in (today() + timedelta(days=1), today().replace(year=today().year + 1)):
        resp = post_job(client, login, job, day.isoformat())
        assert (resp.status_code, resp.json_body) == (400, future_refused(day)), (job, day)


def test_future_expire_and_forward_change_nothing(client, login):
    op = login("op-d12", "operator", "d12")
    register(client, login)
    (acc,) = accepted(client, op, "admin_penalty", [sample_record(
        "admin_penalty", CF_CFLB="通报批评", CF_NR="通报批评", CF_NR_FK=None)])
    next_year = today().replace(year=today().year + 1).isoformat()
    assert post_job(client, login, "forward", next_year).status_code == 400    # no publish_until from it
    assert client.http.get(f"/v1/records/{acc['record_id']}", headers=op).json_body["state"] == "accepted"
    summary = run_job(client, login, "forward", today().isoformat())
    assert summary["published"] == 2
    record = client.http.get(f"/v1/records/{acc['record_id']}", headers=op).json_body
    assert record["state"] == "published" and record["publish_until"] > today().isoformat()
    assert post_job(client, login, "expire", next_year).status_code == 400     # nothing archived today
    assert client.http.get(f"/v1/records/{acc['record_id']}", headers=op).json_body["state"] == "published"
    page = client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}").json_body
    assert [r["record_id"] for g in page["categories"] for r in g["records"] if g["category"] == "admin_penalty"
            ] == [acc["record_id"]]
    assert run_job(client, login, "expire", today().isoformat())["archived"] == 0


def test_the_scheduler_entry_refuses_a_future_day_too(client, login):
    import app as app_module

    tomorrow = (today() + timedelta(days=1)).isoformat()
    with pytest.raises(BadRequest) as refused:
        app_module.job_runner({"job": "expire", "as_of": tomorrow}, lambda_context("job_runner"))
    assert refused.value.body() == future_refused(tomorrow)
    done = app_module.job_runner({"job": "expire", "as_of": today().isoformat()}, lambda_context("job_runner"))
    assert done["as_of"] == today().isoformat() and done["archived"] == 0


def test_the_local_stage_travels_to_any_day_of_2004_to_2099(client, login, local_stage):
    op = login("op-d12", "operator", "d12")
    register(client, login)
    (acc,) = accepted(client, op, "admin_penalty", [sample_record(
        "admin_penalty", CF_CFLB="通报批评", CF_NR="通报批评", CF_NR_FK=None)])
    next_year = today().replace(year=today().year + 1).isoformat()
    assert run_job(client, login, "forward", next_year)["published"] == 2
    assert run_job(client, login, "expire", "2099-12-31")["archived"] == 1
    assert client.http.get(f"/v1/records/{acc['record_id']}", headers=op).json_body["state"] == "archived"
    for day in ("2100-01-01", "2003-12-31"):
        resp = post_job(client, login, "deadlines", day)
        assert (resp.status_code, resp.json_body) == (400, {"error": {
            "code": "BAD_REQUEST", "message": "as_of 应在 2004 年至 2099 年之间",
            "details": [{"field": "as_of", "code": "OUT_OF_RANGE"}]}}), day
    assert run_job(client, login, "deadlines", "2004-01-01")["as_of"] == "2004-01-01"
