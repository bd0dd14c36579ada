"""目录事项 through the real routes (SPEC §5.3, §6.3): draft → submit → return → edit → submit →
approve by 市工商局, every state, version and audit entry; another department cannot see or touch
them; bad input is a 4xx with a stable code; the public 目录 lists only approved versions; the
数据格式规范 xlsx holds every field of every category with the values of GET /v1/catalog."""
from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ITEM = {"name": "生态环境行政处罚", "category": "admin_penalty", "legal_basis": "《中华人民共和国环境保护法》第五十九条",
        "office": "政策法规科"}


@pytest.fixture
def op(login):
    return login("op-d12", "operator", "d12")


@pytest.fixture
def reviewer(login):
    return login("op-d21", "operator", "d21")


def call(client, method, path, headers, body=None):
    resp = getattr(client.http, method)(path, headers=headers, body=json.dumps(body, ensure_ascii=False)
                                        if body is not None else None)
    return resp.status_code, resp.json_body


def create(client, headers, **overrides) -> dict:
    status, body = call(client, "post", "/v1/catalog/items", headers, {**ITEM, **overrides})
    assert status == 201, body
    return body


def public_codes(client) -> list[tuple[str, str]]:
    resp = client.http.get("/v1/public/catalog-items")
    assert resp.status_code == 200
    return [(i["item_code"], i["name"]) for i in resp.json_body["items"]]


def test_draft_submit_return_edit_submit_approve_with_every_state_and_audit_entry(client, login, op, reviewer):
    it = create(client, op)
    assert (it["item_code"], it["state"], it["version"], it["department"]) == ("d12-001", "draft", 1, "d12")
    code = it["item_code"]
    assert public_codes(client) == []
    status, sub = call(client, "post", f"/v1/catalog/items/{code}/submit", op, {"version": 1})
    assert (status, sub["state"], sub["version"], sub["submitted_by"]) == (200, "submitted", 2, "op-d12")
    # the review queue of 市工商局: every department's submitted items
    status, queue = call(client, "get", "/v1/catalog/items?state=submitted", reviewer)
    assert status == 200 and [i["item_code"] for i in queue["items"]] == [code]
    # a submitted item cannot be edited by its department until reviewed
    status, err = call(client, "put", f"/v1/catalog/items/{code}", op, {"version": 2, "name": "改"})
    assert (status, err["error"]["code"]) == (409, "ITEM_STATE")
    status, err = call(client, "post", f"/v1/catalog/items/{code}/return", reviewer, {"reason": "  "})
    assert (status, err["error"]["code"]) == (400, "REASON_REQUIRED")
    status, ret = call(client, "post", f"/v1/catalog/items/{code}/return", reviewer, {"reason": "设定依据应写明条款"})
    assert (status, ret["state"], ret["return_reason"], ret["reviewed_by"]) == (200, "returned", "设定依据应写明条款", "op-d21")
    status, err = call(client, "post", f"/v1/catalog/items/{code}/approve", reviewer, {})
    assert (status, err["error"]["code"]) == (409, "ITEM_STATE")           # only submitted items are reviewed
    status, err = call(client, "put", f"/v1/catalog/items/{code}", op, {"version": 2, "legal_basis": "旧"})
    assert (status, err["error"]["code"]) == (409, "VERSION_CONFLICT")     # read at version 2, it is at 3
    status, edited = call(client, "put", f"/v1/catalog/items/{code}", op,
                          {"version": 3, "legal_basis": "《中华人民共和国环境保护法》第五十九条、第六十条"})
    assert (status, edited["state"], edited["return_reason"], edited["version"]) == (200, "draft", None, 4)
    call(client, "post", f"/v1/catalog/items/{code}/submit", op, {})
    assert public_codes(client) == []                                     # never a draft or a submitted one
    status, ok = call(client, "post", f"/v1/catalog/items/{code}/approve", reviewer, {"version": 5})
    assert (status, ok["state"], ok["approved_version"], ok["version"]) == (200, "approved", 1, 6)
    assert public_codes(client) == [(code, ITEM["name"])]
    # a revision stays a draft; the public 目录 keeps the approved version until the next approval
    status, rev = call(client, "put", f"/v1/catalog/items/{code}", op, {"version": 6, "name": "生态环境行政处罚（修订）"})
    assert (status, rev["state"], rev["approved_version"]) == (200, "draft", 1)
    assert public_codes(client) == [(code, ITEM["name"])]
    call(client, "post", f"/v1/catalog/items/{code}/submit", op, {})
    call(client, "post", f"/v1/catalog/items/{code}/approve", login("root", "admin"), {})
    assert public_codes(client) == [(code, "生态环境行政处罚（修订）")]
    status, full = call(client, "get", f"/v1/catalog/items/{code}", op)
    assert [(v["approved_version"], v["name"]) for v in full["approved_versions"]] == [
        (1, ITEM["name"]), (2, "生态环境行政处罚（修订）")]                  # every approved version kept
    status, trail = call(client, "get", f"/v1/admin/audit?target={code}&limit=200", login("root", "admin"))
    assert sorted((e["action"], e["actor"], e["outcome"]) for e in trail["items"]) == sorted([
        ("catalog_items.create", "op-d12", "ok"), ("catalog_items.submit", "op-d12", "ok"),
        ("catalog_items.edit", "op-d12", "409 ITEM_STATE"), ("catalog_items.return", "op-d21", "400 REASON_REQUIRED"),
        ("catalog_items.return", "op-d21", "ok"), ("catalog_items.approve", "op-d21", "409 ITEM_STATE"),
        ("catalog_items.edit", "op-d12", "409 VERSION_CONFLICT"), ("catalog_items.edit", "op-d12", "ok"),
        ("catalog_items.submit", "op-d12", "ok"), ("catalog_items.approve", "op-d21", "ok"),
        ("catalog_items.edit", "op-d12", "ok"), ("catalog_items.submit", "op-d12", "ok"),
        ("catalog_items.approve", "root", "ok")])


def test_another_department_cannot_see_or_touch_them_and_only_d21_or_admin_review(client, login, op):
    code = create(client, op)["item_code"]
    other = login("op-d23", "operator", "d23")
    for method, path, body in [("get", f"/v1/catalog/items/{code}", None),
                               ("put", f"/v1/catalog/items/{code}", {"version": 1, "name": "x"}),
                               ("post", f"/v1/catalog/items/{code}/submit", {})]:
        status, err = call(client, method, path, other, body)
        assert (status, err["error"]["code"]) == (404, "ITEM_NOT_FOUND"), (method, path)
    status, listed = call(client, "get", "/v1/catalog/items", other)
    assert status == 200 and listed["items"] == []
    status, err = call(client, "get", "/v1/catalog/items?department=d12", other)
    assert (status, err["error"]["code"]) == (403, "FORBIDDEN")
    call(client, "post", f"/v1/catalog/items/{code}/submit", op, {})
    # not 市工商局's operators: no review — the owner is refused (403), another department does not see
    # the item (404), a system account may not review at all (403, the route's roles)
    for who, expected in ((other, (404, "ITEM_NOT_FOUND")), (op, (403, "FORBIDDEN")),
                          (login("sys-d21", "system", "d21"), (403, "FORBIDDEN"))):
        status, err = call(client, "post", f"/v1/catalog/items/{code}/approve", who, {})
        assert (status, err["error"]["code"]) == expected
    status, err = call(client, "post", f"/v1/catalog/items/{code}/approve", login("supervisor", "supervisor"), {})
    assert status == 403
    assert client.http.get("/v1/catalog/items").status_code == 401


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"category": "registration"}, 403, "NOT_ALLOWED_CATEGORY"),      # d12 may not submit registrations
    ({"category": "nonsense"}, 400, "BAD_REQUEST"),
    ({"period_override": 48}, 400, "PERIOD_OUT_OF_BOUNDS"),           # penalties: 3–36 months
    ({"period_override": 1}, 400, "PERIOD_OUT_OF_BOUNDS"),
    ({"category": "admin_license", "period_override": 12}, 400, "PERIOD_OUT_OF_BOUNDS"),   # the law fixes it
    ({"name": ""}, 400, "BAD_REQUEST"),
    ({"legal_basis": 12}, 400, "BAD_REQUEST"),
    ({"state": "approved"}, 400, "BAD_REQUEST"),                      # the state is not the caller's to set
])
def test_bad_items_are_refused_with_a_stable_code(client, op, body, status, code):
    got, err = call(client, "post", "/v1/catalog/items", op, {**ITEM, **body})
    assert (got, err["error"]["code"]) == (status, code), err
    assert err["error"]["message"]


def test_a_period_within_the_bounds_is_kept_and_shown_in_the_public_catalog(client, op, reviewer):
    it = create(client, op, period_override=24)
    assert it["period_override"] == 24
    call(client, "post", f"/v1/catalog/items/{it['item_code']}/submit", op, {})
    call(client, "post", f"/v1/catalog/items/{it['item_code']}/approve", reviewer, {})
    (item,) = client.http.get("/v1/public/catalog-items").json_body["items"]
    assert (item["period_override"], item["period_rule"], item["department_name"]) == (24, "公示 24 个月", "市环保局")


def test_the_public_catalog_xlsx_lists_the_approved_items(client, op, reviewer):
    code = create(client, op)["item_code"]
    create(client, op, name="草稿事项")
    call(client, "post", f"/v1/catalog/items/{code}/submit", op, {})
    call(client, "post", f"/v1/catalog/items/{code}/approve", reviewer, {})
    resp = client.http.get("/v1/public/catalog-items?format=xlsx", headers={"Accept": XLSX})
    assert resp.status_code == 200 and resp.headers["Content-Type"] == XLSX
    ws = load_workbook(io.BytesIO(resp.body)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("事项编码", "部门编号", "部门", "事项名称") and ws.freeze_panes == "A2"
    assert [r[:4] for r in rows[1:]] == [(code, "d12", "市环保局", ITEM["name"])]
    assert client.http.get("/v1/public/catalog-items?format=pdf").status_code == 400


def test_the_format_rules_xlsx_lists_every_field_of_every_category_as_the_catalog_does(client):
    catalog = client.http.get("/v1/catalog").json_body
    rules = client.http.get("/v1/public/format-rules").json_body
    resp = client.http.get("/v1/public/format-rules?format=xlsx", headers={"Accept": XLSX})
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.body))
    ws = wb["数据格式规范"]
    assert ws.freeze_panes == "A2" and all(ws.column_dimensions[c].width for c in "ABCDEFGHIJK")
    header, *rows = list(ws.iter_rows(values_only=True))
    col = {name: i for i, name in enumerate(header)}
    got = [(r[col["信息类别代码"]], r[col["字段代码"]], r[col["国家标准代码"]] or None, r[col["中文名称"]],
            r[col["类型代码"]], int(r[col["最大长度"]]), r[col["是否必填"]] == "是",
            r[col["可选值"]].split("\n") if r[col["可选值"]] else [], r[col["示例"]]) for r in rows]
    expected = [(c["id"], f["json_name"], f["code"], f["label"], f["type"], f["max_len"], f["required"], f["enum"])
                for c in catalog["categories"] for f in c["fields"]]
    assert [g[:8] for g in got] == expected
    assert all(g[8] for g in got)                                         # every field has an example
    assert [f["example"] for c in rules["categories"] for f in c["fields"]] == [g[8] for g in got]
    periods = list(wb["公示期限"].iter_rows(values_only=True))[1:]
    assert [(p[0], p[2]) for p in periods] == [(c["id"], c["period_rule"]) for c in rules["categories"]]
    assert all(p[2] for p in periods)
