"""No request path and no job reads a whole table: a full scenario with Scan forbidden."""
from __future__ import annotations

import json

import pytest

from chalicelib.local.demo_data import ENTERPRISE_USCC, sample_record
from tests.integration.helpers import accepted, register, run_job


class ScanAttempted(Exception):
    pass


def test_full_scenario_never_scans(client, login, stack):
    def refuse(**kwargs):
        raise ScanAttempted(kwargs.get("event_name"))

    for ddb in (stack.aws.client("dynamodb"), stack.aws.resource("dynamodb").meta.client):
        ddb.meta.events.register("before-call.dynamodb.Scan", refuse)
    register(client, login)
    op = login("op-d12", "operator", "d12")
    (acc,) = accepted(client, op, "admin_penalty", [sample_record("admin_penalty")])
    client.http.put(f"/v1/records/{acc['record_id']}", headers=op,
                    body=json.dumps(sample_record("admin_penalty", CF_NR_FK="7")))
    for job in ("forward", "expire", "deadlines", "open_data", "monthly_report"):
        run_job(client, login, job)
    sup = login("sup", "supervisor")
    for path, headers in [(f"/v1/public/enterprises/{ENTERPRISE_USCC}", {}),
                          (f"/v1/public/enterprises/{ENTERPRISE_USCC}/credit-check", {}),
                          ("/v1/public/enterprises?q=示例食品", {}), ("/v1/public/open-data", {}),
                          ("/v1/records", op), (f"/v1/records/{acc['record_id']}", op),
                          ("/v1/records?ref=广环罚", op), (f"/v1/records?code={ENTERPRISE_USCC}", op),
                          ("/v1/records?name=广元&from=2026-01-01&to=2099-12-31", op),
                          ("/v1/rejections?state=open", op), ("/v1/uploads", op),
                          ("/v1/reports/departments", sup), ("/v1/admin/audit", sup),
                          ("/v1/notices/registrations", login("op-d23", "operator", "d23"))]:
        assert client.http.get(path, headers=headers).status_code == 200, path
    client.http.post(f"/v1/records/{acc['record_id']}/withdraw", headers=op, body=json.dumps({"reason": "x"}))
    run_job(client, login, "forward")
    client.http.post(f"/v1/records/{acc['record_id']}/reinstate", headers=op, body=json.dumps({"reason": "x"}))
    resp = client.http.post("/v1/records", headers=op, body=json.dumps({"category": "admin_penalty", "records": [
        sample_record("admin_penalty", CF_WSH="坏-1号", CF_JDRQ="2026/02/30")]}))
    rid = resp.json_body["rejected"][0]["rejection_id"]
    client.http.post("/v1/records", headers=op, body=json.dumps({"category": "admin_penalty", "records": [
        sample_record("admin_penalty", CF_WSH="坏-1号")]}))                      # resolves it
    assert client.http.get(f"/v1/rejections/{rid}", headers=op).json_body["state"] == "resolved"
    # 目录事项 (SPEC §5.3): draft, submit, the review queue, approval, the public 目录, a record naming it
    code = client.http.post("/v1/catalog/items", headers=op, body=json.dumps(
        {"name": "事项", "category": "admin_penalty", "legal_basis": "法"})).json_body["item_code"]
    reviewer = login("op-d21", "operator", "d21")
    assert client.http.post(f"/v1/catalog/items/{code}/submit", headers=op, body="{}").status_code == 200
    assert client.http.post(f"/v1/catalog/items/{code}/approve", headers=reviewer, body="{}").status_code == 200
    for path, headers in [("/v1/catalog/items?state=submitted", reviewer), ("/v1/catalog/items", op),
                          (f"/v1/catalog/items/{code}", op), ("/v1/public/catalog-items", {}),
                          ("/v1/public/format-rules", {})]:
        assert client.http.get(path, headers=headers).status_code == 200, path
    accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_WSH="目录-1号", item_code=code)])
    with pytest.raises(ScanAttempted):      # the guard itself works
        stack.aws.client("dynamodb").scan(TableName=stack.settings.table("records"))
