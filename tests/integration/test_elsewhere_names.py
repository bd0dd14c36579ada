"""`elsewhere` names (SPEC §3): an enterprise registered outside 广元 is published under the first name given
for its code; a record naming the code otherwise is accepted, keeps its own name, is flagged name_conflict
for its department and counted in the reports — it never renames the enterprise."""
from __future__ import annotations

import io

import openpyxl

from chalicelib.local.demo_data import ELSEWHERE_USCC, sample_record
from tests.integration.helpers import accepted, run_job

FIRST, OTHER = "福州示例甲贸易有限公司", "福州示例乙贸易有限公司"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def penalty(name: str, ref: str) -> dict:
    return sample_record("admin_penalty", CF_XDR_MC=name, CF_XDR_SHXYM=ELSEWHERE_USCC, CF_XDR_GSZC=None, CF_WSH=ref)


def record(client, headers, record_id) -> dict:
    body = client.http.get(f"/v1/records/{record_id}", headers=headers).json_body
    return {k: body[k] for k in ("match", "name", "enterprise_name", "name_conflict")}


def test_a_later_name_never_renames_an_elsewhere_enterprise(client, login):
    d12, d23 = login("op-d12", "operator", "d12"), login("op-d23", "operator", "d23")
    (first,) = accepted(client, d12, "admin_penalty", [penalty(FIRST, "闽-1号")])
    run_job(client, login, "forward")
    (same,) = accepted(client, d23, "admin_penalty", [penalty(FIRST, "闽-3号")])
    (later,) = accepted(client, d23, "admin_penalty", [penalty(OTHER, "闽-2号")])   # forwarded last
    assert [a["match"] for a in (first, same, later)] == ["elsewhere"] * 3
    assert record(client, d12, first["record_id"]) == {
        "match": "elsewhere", "name": FIRST, "enterprise_name": FIRST, "name_conflict": False}
    assert record(client, d23, later["record_id"]) == {
        "match": "elsewhere", "name": OTHER, "enterprise_name": FIRST, "name_conflict": True}
    assert record(client, d23, same["record_id"])["name_conflict"] is False
    run_job(client, login, "forward")

    page = client.http.get(f"/v1/public/enterprises/{ELSEWHERE_USCC}").json_body
    assert page["enterprise"] == {"code": ELSEWHERE_USCC, "name": FIRST, "uscc": ELSEWHERE_USCC, "regno": None,
                                  "registered_elsewhere": True, "status": None, "former_names": []}
    penalties = {g["category"]: g["records"] for g in page["categories"]}["admin_penalty"]
    names = {r["record_id"]: r["fields"]["CF_XDR_MC"] for r in penalties}
    assert names == {first["record_id"]: FIRST, later["record_id"]: OTHER, same["record_id"]: FIRST}
    assert client.http.get(f"/v1/public/enterprises/{ELSEWHERE_USCC}/credit-check").json_body["name"] == FIRST
    found = client.http.get("/v1/public/enterprises?q=福州示例").json_body["items"]
    assert [(e["code"], e["name"]) for e in found] == [(ELSEWHERE_USCC, FIRST)]

    sup = login("sup", "supervisor")
    report = client.http.get("/v1/reports/departments", headers=sup).json_body
    rows = {i["department"]: i for i in report["items"]}
    assert (rows["d12"]["name_conflicts"], rows["d23"]["name_conflicts"], report["total"]["name_conflicts"]) == (0, 1, 1)
    resp = client.http.get("/v1/reports/departments?format=xlsx", headers={**sup, "Accept": XLSX})
    ws = openpyxl.load_workbook(io.BytesIO(resp.body)).active
    header = [c.value for c in ws[4]]
    table = {r[0]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=5, values_only=True)}
    # the xlsx has the page's columns: rows by department name (services/reports.COLUMNS)
    assert (table[rows["d12"]["name"]]["名称冲突"], table[rows["d23"]["name"]]["名称冲突"],
            table["合计"]["名称冲突"]) == (0, 1, 1)


def test_in_one_batch_the_first_row_names_the_enterprise(client, login):
    d12 = login("op-d12", "operator", "d12")
    rows = accepted(client, d12, "admin_penalty", [penalty(OTHER, "闽-9号"), penalty(FIRST, "闽-8号")])
    assert [record(client, d12, r["record_id"])["name_conflict"] for r in rows] == [False, True]
    # a resend of the conflicting row is unchanged and not counted again; its correction clears the flag
    accepted(client, d12, "admin_penalty", [penalty(FIRST, "闽-8号")])
    (fixed,) = accepted(client, d12, "admin_penalty", [penalty(OTHER, "闽-8号")])
    assert record(client, d12, fixed["record_id"]) == {
        "match": "elsewhere", "name": OTHER, "enterprise_name": OTHER, "name_conflict": False}
    run_job(client, login, "forward")
    page = client.http.get(f"/v1/public/enterprises/{ELSEWHERE_USCC}").json_body
    assert page["enterprise"]["name"] == OTHER
    report = client.http.get("/v1/reports/departments", headers=login("sup", "supervisor")).json_body
    assert {i["department"]: i for i in report["items"]}["d12"]["name_conflicts"] == 1


def test_a_name_claimed_by_another_batch_meanwhile_wins(client, login, stack):
    """Two batches name a new elsewhere code at once: the claim is conditional, so the batch that claims
    second is matched again against the name that won (here the other batch's put lands just before ours)."""
    d12 = login("op-d12", "operator", "d12")
    ddb = stack.registry_repo.table.meta.client
    raced = []

    def other_batch_first(params, **_):
        item = params.get("Item", {})
        if not raced and item.get("kind") in ("elsewhere", {"S": "elsewhere"}):
            raced.append(True)
            stack.registry_repo.table.put_item(Item={"code": ELSEWHERE_USCC, "kind": "elsewhere", "name": FIRST})
    ddb.meta.events.register("before-parameter-build.dynamodb.PutItem", other_batch_first, unique_id="race")
    try:
        (rec,) = accepted(client, d12, "admin_penalty", [penalty(OTHER, "闽-7号")])
    finally:
        ddb.meta.events.unregister("before-parameter-build.dynamodb.PutItem", unique_id="race")
    assert raced
    assert record(client, d12, rec["record_id"]) == {
        "match": "elsewhere", "name": OTHER, "enterprise_name": FIRST, "name_conflict": True}
    run_job(client, login, "forward")
    assert client.http.get(f"/v1/public/enterprises/{ELSEWHERE_USCC}").json_body["enterprise"]["name"] == FIRST


def test_a_record_that_is_never_published_does_not_name_the_enterprise(client, login):
    d12, d23 = login("op-d12", "operator", "d12"), login("op-d23", "operator", "d23")
    (warning,) = accepted(client, d12, "admin_penalty", [{
        **penalty(OTHER, "闽-警-1号"), "CF_CFLB": "警告", "CF_NR": "警告", "CF_NR_FK": None}])
    (fine,) = accepted(client, d23, "admin_penalty", [penalty(FIRST, "闽-罚-1号")])
    assert record(client, d23, fine["record_id"]) == {
        "match": "elsewhere", "name": FIRST, "enterprise_name": FIRST, "name_conflict": False}
    run_job(client, login, "forward")
    page = client.http.get(f"/v1/public/enterprises/{ELSEWHERE_USCC}").json_body
    assert page["enterprise"]["name"] == FIRST and page["total"] == 1
    assert client.http.get(f"/v1/records/{warning['record_id']}", headers=d12).json_body["publishable"] is False
