"""`item_code` on records (SPEC §5.3): a record names one of its department's approved 目录事项, on every
channel (JSON batch, the portal's form, PUT, the upload, whose template has the column); a
`strict_items` department must name one (UNKNOWN_ITEM listing its codes otherwise); a code that is not
one of the department's approved items of the record's category is UNKNOWN_ITEM on any department;
the report's xlsx counts records per item (sheet 按事项)."""
from __future__ import annotations

import io
import json

import openpyxl
import pytest

from chalicelib.local.demo_data import sample_record
from tests.integration.helpers import register, submit
from tests.integration.test_uploads import upload, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def approved_item(client, op, reviewer, name="生态环境行政处罚", category="admin_penalty") -> str:
    resp = client.http.post("/v1/catalog/items", headers=op, body=json.dumps(
        {"name": name, "category": category, "legal_basis": "《中华人民共和国环境保护法》"}))
    code = resp.json_body["item_code"]
    client.http.post(f"/v1/catalog/items/{code}/submit", headers=op, body="{}")
    assert client.http.post(f"/v1/catalog/items/{code}/approve", headers=reviewer, body="{}").status_code == 200
    return code


@pytest.fixture
def setup(client, login):
    register(client, login)
    op, reviewer = login("op-d12", "operator", "d12"), login("op-d21", "operator", "d21")
    penalty = approved_item(client, op, reviewer)
    licence = approved_item(client, op, reviewer, name="排污许可", category="admin_license")
    draft = client.http.post("/v1/catalog/items", headers=op, body=json.dumps(
        {"name": "未批准", "category": "admin_penalty", "legal_basis": "x"})).json_body["item_code"]
    return {"op": op, "admin": login("root", "admin"), "penalty": penalty, "licence": licence, "draft": draft}


def penalty(n: int, **fields) -> dict:
    return sample_record("admin_penalty", CF_WSH=f"广环罚〔2026〕{100 + n}号", **fields)


def strict(client, admin, on: bool = True) -> None:
    resp = client.http.put("/v1/admin/departments/d12", headers=admin, body=json.dumps({"strict_items": on}))
    assert resp.status_code == 200 and resp.json_body["strict_items"] is on


def outcome(resp) -> tuple[list[int], dict[int, list[tuple[str, str | None]]]]:
    body = resp.json_body
    assert resp.status_code == 200, body
    return ([a["index"] for a in body["accepted"]],
            {r["index"]: [(e["code"], e["suggestion"]) for e in r["errors"]] for r in body["rejected"]})


@pytest.mark.parametrize("channel", ["batch", "form"])
def test_a_non_strict_department_may_omit_the_item_but_not_name_an_unknown_one(client, setup, channel):
    p = setup["penalty"]
    resp = submit(client, setup["op"], "admin_penalty", [
        penalty(1), penalty(2, item_code=p), penalty(3, 目录事项编码=p), penalty(4, item_code="d12-999"),
        penalty(5, item_code=setup["draft"]), penalty(6, item_code=setup["licence"]),   # a licence item
        penalty(7, item_code="d23-001")], channel=channel)
    accepted, rejected = outcome(resp)
    assert accepted == [0, 1, 2], resp.json_body["rejected"]
    assert rejected == {i: [("UNKNOWN_ITEM", p)] for i in (3, 4, 5, 6)}
    rec = client.http.get(f"/v1/records/{resp.json_body['accepted'][1]['record_id']}", headers=setup["op"]).json_body
    assert rec["fields"]["item_code"] == p


@pytest.mark.parametrize("channel", ["batch", "form"])
def test_a_strict_department_must_name_one_of_its_approved_items(client, setup, channel):
    strict(client, setup["admin"])
    p = setup["penalty"]
    accepted, rejected = outcome(submit(client, setup["op"], "admin_penalty", [
        penalty(1), penalty(2, item_code=p), penalty(3, item_code="d12-999"),
        penalty(4, item_code=p, CF_XDR_LB="")], channel=channel))
    assert accepted == [1]
    assert rejected[0] == [("UNKNOWN_ITEM", p)] and rejected[2] == [("UNKNOWN_ITEM", p)]
    assert ("UNKNOWN_ITEM", p) not in rejected[3]            # its own errors only: the item is right
    inbox = client.http.get("/v1/rejections?code=UNKNOWN_ITEM", headers=setup["op"]).json_body["items"]
    assert len(inbox) == 2 and {i["channel"] for i in inbox} == {channel}
    # a department without approved items of the category: the message says to get one approved
    accepted, rejected = outcome(submit(client, setup["op"], "inspection", [sample_record("inspection")],
                                        channel=channel))
    assert accepted == [] and rejected == {0: [("UNKNOWN_ITEM", None)]}
    strict(client, setup["admin"], False)
    assert outcome(submit(client, setup["op"], "admin_penalty", [penalty(1)], channel=channel))[0] == [0]


def test_a_modified_record_of_a_strict_department_is_checked_too(client, setup):
    (acc,) = submit(client, setup["op"], "admin_penalty", [penalty(1, item_code=setup["penalty"])]).json_body["accepted"]
    strict(client, setup["admin"])
    path = f"/v1/records/{acc['record_id']}"
    resp = client.http.put(path, headers=setup["op"], body=json.dumps(penalty(1, CF_NR_FK="6")))
    assert resp.status_code == 400 and [d["code"] for d in resp.json_body["error"]["details"]] == ["UNKNOWN_ITEM"]
    resp = client.http.put(path, headers=setup["op"], body=json.dumps(penalty(1, CF_NR_FK="6", item_code=setup["penalty"])))
    assert resp.status_code == 200 and resp.json_body["version"] == 2


def test_uploads_check_the_item_column_and_the_template_has_it(client, setup, stack):
    template = openpyxl.load_workbook(io.BytesIO(client.http.get(
        "/v1/templates/admin_penalty", headers={"Accept": XLSX}).body))
    assert "目录事项编码" in [c.value for c in template["数据"][1]]
    strict(client, setup["admin"])
    rows = [penalty(1, item_code=setup["penalty"]), penalty(2, item_code=""), penalty(3, item_code="d12-777")]
    status = upload(client, setup["op"], stack, workbook(rows))
    assert (status["state"], status["accepted"], status["rejected"]) == ("done", 1, 2)
    inbox = client.http.get("/v1/rejections?code=UNKNOWN_ITEM", headers=setup["op"]).json_body["items"]
    assert sorted(i["row"] for i in inbox) == [3, 4] and {i["channel"] for i in inbox} == {"upload"}


def test_the_report_xlsx_counts_records_per_item(client, setup, login):
    p = setup["penalty"]
    submit(client, setup["op"], "admin_penalty", [penalty(1, item_code=p), penalty(2, item_code=p), penalty(3)])
    submit(client, setup["op"], "admin_license", [sample_record("admin_license", item_code=setup["licence"])])
    headers = {**login("supervisor", "supervisor"), "Accept": XLSX}
    body = client.http.get("/v1/reports/departments", headers=headers).json_body
    assert [(r["department"], r["item_code"], r["item_name"], r["records"]) for r in body["by_item"]] == [
        ("d12", p, "生态环境行政处罚", 2), ("d12", setup["licence"], "排污许可", 1)]
    resp = client.http.get("/v1/reports/departments?format=xlsx", headers=headers)
    ws = openpyxl.load_workbook(io.BytesIO(resp.body))["按事项"]
    assert list(ws.iter_rows(values_only=True)) == [
        ("部门编号", "部门", "目录事项编码", "事项名称", "报送通过条数"),
        ("d12", "市环保局", p, "生态环境行政处罚", 2), ("d12", "市环保局", setup["licence"], "排污许可", 1)]
    assert ws.freeze_panes == "A2"


def test_a_record_naming_an_item_with_its_own_period_is_public_that_long(client, setup, login):
    """An approved item's period_override (SPEC §5.3, within the category's bounds) decides how long the
    records naming it stay public: a standard penalty naming the 12-month item until published + 12
    months, one naming the item without its own period the category's 3 years."""
    from datetime import date

    from chalicelib.clock import today
    from chalicelib.domain.periods import add_months
    from tests.integration.helpers import run_job

    op, reviewer = setup["op"], login("op-d21", "operator", "d21")
    resp = client.http.post("/v1/catalog/items", headers=op, body=json.dumps(
        {"name": "噪声污染行政处罚", "category": "admin_penalty", "legal_basis": "《噪声污染防治法》",
         "period_override": 12}))
    short = resp.json_body["item_code"]
    client.http.post(f"/v1/catalog/items/{short}/submit", headers=op, body="{}")
    assert client.http.post(f"/v1/catalog/items/{short}/approve", headers=reviewer, body="{}").status_code == 200
    accepted, rejected = outcome(submit(client, op, "admin_penalty", [
        penalty(1, item_code=short), penalty(2, item_code=setup["penalty"])]))
    assert (accepted, rejected) == ([0, 1], {})
    ids = [a["record_id"] for a in submit(client, op, "admin_penalty", [
        penalty(1, item_code=short), penalty(2, item_code=setup["penalty"])]).json_body["unchanged"]]
    run_job(client, login, "forward", today().isoformat())
    until = [client.http.get(f"/v1/records/{rid}", headers=op).json_body for rid in ids]
    assert [r["state"] for r in until] == ["published", "published"]
    assert [date.fromisoformat(r["publish_until"]) for r in until] == [add_months(today(), 12), add_months(today(), 36)]
