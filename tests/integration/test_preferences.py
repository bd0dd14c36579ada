"""Department preferences (#23): the entry form's defaults for the authority fields, kept per department."""
from __future__ import annotations

import json

from chalicelib.domain.identifiers import make_uscc

AUTHORITY_CODE = make_uscc("11510800MB1234567")


def put(client, headers, body, path="/v1/preferences"):
    return client.http.put(path, headers=headers, body=json.dumps(body))


def test_an_operator_keeps_defaults_that_every_colleague_of_the_department_reads(client, login):
    op = login("op-d12", "operator", "d12")
    empty = client.http.get("/v1/preferences", headers=op)
    assert empty.status_code == 200, empty.body
    assert empty.json_body["department"] == "d12" and empty.json_body["defaults"] == {}
    assert empty.json_body["fields"]["admin_penalty"] == ["CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM"]
    assert "registration" not in empty.json_body["fields"]          # d12 does not submit registrations

    body = {"defaults": {"admin_penalty": {"CF_CFJG": " 广元市环境保护局 ", "CF_CFJGDM": AUTHORITY_CODE.lower(),
                                           "CF_SJLY": "广元市环境保护局", "CF_SJLYDM": ""}}}
    saved = put(client, op, body)
    assert saved.status_code == 200, saved.body
    expected = {"admin_penalty": {"CF_CFJG": "广元市环境保护局", "CF_CFJGDM": AUTHORITY_CODE,
                                  "CF_SJLY": "广元市环境保护局"}}
    assert saved.json_body["defaults"] == expected and saved.json_body["updated_by"] == "op-d12"

    colleague = login("op2-d12", "operator", "d12")
    assert client.http.get("/v1/preferences", headers=colleague).json_body["defaults"] == expected
    other = login("op-d23", "operator", "d23")
    assert client.http.get("/v1/preferences", headers=other).json_body["defaults"] == {}
    # The department item itself is untouched: the admin page still reads d12 as a department.
    dept = client.http.get("/v1/admin/departments/d12", headers=login("sup", "supervisor"))
    assert dept.status_code == 200 and dept.json_body["id"] == "d12"


def test_bad_defaults_are_refused_with_each_field_named(client, login):
    op = login("op-d12", "operator", "d12")
    resp = put(client, op, {"defaults": {"admin_penalty": {"CF_CFJGDM": "91350100M000100Y44", "CF_XDR_MC": "x",
                                                          "CF_CFJG": "局" * 500},
                                         "registration": {"registration_authority": "x"}}})
    assert resp.status_code == 400, resp.body
    details = {(d["field"], d["code"]) for d in resp.json_body["error"]["details"]}
    assert details == {("defaults.admin_penalty.CF_CFJGDM", "USCC_INVALID"),
                       ("defaults.admin_penalty.CF_XDR_MC", "UNKNOWN_FIELD"),
                       ("defaults.admin_penalty.CF_CFJG", "TOO_LONG"),
                       ("defaults.registration", "BAD_ENUM")}
    assert put(client, op, {"nothing": 1}).status_code == 400
    assert client.http.get("/v1/preferences", headers=op).json_body["defaults"] == {}


def test_another_department_cannot_be_read_or_written_and_an_admin_names_the_one_it_acts_for(client, login):
    op = login("op-d12", "operator", "d12")
    assert client.http.get("/v1/preferences?department=d23", headers=op).status_code == 403
    assert put(client, op, {"department": "d23", "defaults": {}}).status_code == 403
    sup = login("sup", "supervisor")
    assert client.http.get("/v1/preferences", headers=sup).status_code == 403
    admin = login("root", "admin")
    assert client.http.get("/v1/preferences", headers=admin).status_code == 400
    saved = put(client, admin, {"department": "d21", "defaults": {"registration": {"registration_authority": "广元市市场监督管理局"}}})
    assert saved.status_code == 200, saved.body
    assert client.http.get("/v1/preferences?department=d21", headers=admin).json_body["defaults"] == {
        "registration": {"registration_authority": "广元市市场监督管理局"}}
