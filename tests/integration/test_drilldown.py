"""督查 drill-down (#23): a department's open rejections by error code and its late records."""
from __future__ import annotations

from chalicelib.clock import today
from chalicelib.domain.identifiers import USCC_ALPHABET
from chalicelib.local.demo_data import sample_record
from tests.integration.helpers import accepted, register, submit


def bad_uscc(record: dict) -> dict:
    code = record["CF_XDR_SHXYM"]
    return {**record, "CF_XDR_SHXYM": code[:-1] + next(c for c in USCC_ALPHABET if c != code[-1])}


def test_a_supervisor_opens_a_department_and_sees_its_open_rejections_by_code_and_its_late_records(client, login):
    register(client, login)
    d12 = login("op-d12", "operator", "d12")
    day = today()
    on_time = sample_record("admin_penalty", CF_WSH="准时-1号", CF_JDRQ=day.strftime("%Y/%m/%d"))
    late = [sample_record("admin_penalty", CF_WSH=f"迟-{i}号") for i in range(2)]
    outcome = {a["source_ref"]: a["late"] for a in accepted(client, d12, "admin_penalty", [on_time, *late])}
    assert outcome == {"准时-1号": False, "迟-0号": True, "迟-1号": True}
    bad = [bad_uscc(sample_record("admin_penalty", CF_WSH=f"错-{i}号")) for i in range(3)]
    bad.append(sample_record("admin_penalty", CF_WSH="错-日期号", CF_JDRQ="2026/02/30"))
    resp = submit(client, d12, "admin_penalty", bad)
    assert len(resp.json_body["rejected"]) == 4
    # One of them is fixed: it no longer counts as open.
    accepted(client, d12, "admin_penalty", [sample_record("admin_penalty", CF_WSH="错-0号")])
    # Another department's rejections stay out of d12's drill-down.
    submit(client, login("op-d23", "operator", "d23"), "admin_penalty", [bad_uscc(sample_record("admin_penalty", CF_WSH="他-1号"))])

    sup = login("sup", "supervisor")
    for inbox in ("/v1/rejections?department=d12&state=open", "/v1/rejections"):   # the department's own (§6.3)
        assert client.http.get(inbox, headers=sup).status_code == 403
    out = client.http.get(f"/v1/reports/departments/d12?from={day.replace(day=1)}&to={day}", headers=sup)
    assert out.status_code == 200, out.body
    body = out.json_body
    assert (body["department"], body["name"], body["rejections_open"], body["rejections_more"]) == ("d12", "市环保局", 3, False)
    by_code = {c["code"]: c["count"] for c in body["by_code"]}
    assert by_code["USCC_CHECKSUM"] == 2 and by_code.get("BAD_DATE") == 1, by_code
    assert sorted(r["source_ref"] for r in body["rejections"]) == ["错-1号", "错-2号", "错-日期号"]
    assert all("content" not in r for r in body["rejections"])
    assert sorted(r["source_ref"] for r in body["late"]) == ["迟-0号", "迟-1号", "错-0号"]
    assert body["late_more"] is False

    # A period before anything was received lists no late record; the open rejections stay.
    before = client.http.get("/v1/reports/departments/d12?from=2026-01-01&to=2026-01-31", headers=sup).json_body
    assert before["late"] == [] and before["rejections_open"] == 3


def test_only_oversight_reads_a_drilldown_and_an_unknown_department_is_404(client, login):
    d12 = login("op-d12", "operator", "d12")
    assert client.http.get("/v1/reports/departments/d12", headers=d12).status_code == 403
    admin = login("root", "admin")
    assert client.http.get("/v1/reports/departments/d12", headers=admin).status_code == 200
    assert client.http.get("/v1/reports/departments/d99", headers=admin).status_code == 404
    bad = client.http.get("/v1/reports/departments/d12?from=2026-02-01&to=2026-01-01", headers=admin)
    assert bad.status_code == 400
