"""Issue 19 through the routes: a department name that looks like a formula (=HYPERLINK(…) and the other
prefixes) stays text in the report xlsx a supervisor downloads and in the monthly report the job
writes; the report answers a request without an Accept header with a 406 that names the header."""
from __future__ import annotations

import json

from chalicelib.http import XLSX
from tests.textcheck import HOSTILE, assert_xlsx_text


def _rename_departments(client, admin) -> None:
    for i, name in enumerate(HOSTILE, start=1):
        resp = client.http.put(f"/v1/admin/departments/d{i:02d}", headers=admin, body=json.dumps({"name": name}))
        assert resp.status_code == 200, resp.body


def test_report_xlsx_keeps_hostile_department_names_as_text_and_needs_an_accept_header(client, login):
    _rename_departments(client, login("root", "admin"))
    sup = login("sup", "supervisor")
    url = "/v1/reports/departments?from=2026-11-01&to=2026-11-30&format=xlsx"
    bare = {k: v for k, v in sup.items() if k != "Content-Type"}
    resp = client.http.get(url, headers=bare)
    assert resp.status_code == 406, resp.body[:300]
    err = json.loads(resp.body)["error"]
    assert err["code"] == "NOT_ACCEPTABLE" and err["details"][0] == {"header": "Accept", "value": XLSX,
                                                                       "received": None}, err
    resp = client.http.get(url, headers={**bare, "Accept": XLSX})
    assert resp.status_code == 200 and resp.headers["Content-Type"] == XLSX
    assert_xlsx_text(resp.body)
    assert client.http.get(url.replace("xlsx", "json"), headers=bare).status_code == 200  # JSON needs no Accept


def test_monthly_report_keeps_hostile_department_names_as_text(client, login, stack):
    admin = login("root", "admin")
    _rename_departments(client, admin)
    resp = client.http.post("/v1/admin/jobs/monthly_report", headers=admin, body=json.dumps({"as_of": "2026-12-01"}))
    assert resp.status_code == 200, resp.body
    key = resp.json_body["key"]
    s3 = stack.aws.client("s3")
    body = s3.get_object(Bucket=stack.settings.bucket("exchange"), Key=key)["Body"].read()
    assert_xlsx_text(body)


def test_a_template_needs_its_type_or_a_wildcard_in_accept_else_406(client):
    for accept, status in [(None, 406), ("application/json", 406), ("application/*", 406), ("image/png", 406),
                           (XLSX, 200), ("*/*", 200), (f"text/html, {XLSX};q=0.9", 200)]:
        resp = client.http.get("/v1/templates/admin_penalty", headers={"Accept": accept} if accept else {})
        assert resp.status_code == status, (accept, resp.status_code, resp.body[:200])
        if status == 406:
            assert json.loads(resp.body)["error"]["code"] == "NOT_ACCEPTABLE"
