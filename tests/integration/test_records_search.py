"""The records list searched on the server (issue #23): 文号 prefix, enterprise code, party name
prefix and received dates, each through an index (test_no_scan.py forbids Scan on these), with
cursors that continue the same search and refuse another's."""
from __future__ import annotations

from chalicelib.clock import today
from chalicelib.local.demo_data import ELSEWHERE_USCC, ENTERPRISE_USCC, sample_record
from tests.integration.helpers import accepted, register


def refs(client, headers, query: str) -> list[str]:
    out, cursor = [], None
    while True:
        resp = client.http.get(f"/v1/records?{query}&limit=2" + (f"&cursor={cursor}" if cursor else ""), headers=headers)
        assert resp.status_code == 200, resp.body
        out += [i["source_ref"] for i in resp.json_body["items"]]
        cursor = resp.json_body["next_cursor"]
        if not cursor:
            return sorted(out)


def test_search_by_ref_prefix_code_name_and_dates(client, login):
    register(client, login)
    op = login("op-d12", "operator", "d12")
    accepted(client, op, "admin_penalty", [sample_record("admin_penalty", CF_WSH=f"广环罚〔2026〕{n}号") for n in (1, 2, 13)]
             + [sample_record("admin_penalty", CF_WSH="利环罚〔2026〕5号"),
                sample_record("admin_penalty", CF_WSH="闽-1号", CF_XDR_SHXYM=ELSEWHERE_USCC, CF_XDR_GSZC=None,
                              CF_XDR_MC="福州某公司")])
    accepted(client, login("op-d23", "operator", "d23"), "admin_license", [sample_record("admin_license")])
    assert refs(client, op, "ref=广环罚〔2026〕1") == ["广环罚〔2026〕13号", "广环罚〔2026〕1号"]
    assert refs(client, op, "ref=利") == ["利环罚〔2026〕5号"]
    assert refs(client, op, f"code={ENTERPRISE_USCC}") == [
        "利环罚〔2026〕5号", "广环罚〔2026〕13号", "广环罚〔2026〕1号", "广环罚〔2026〕2号"]   # not d23's licence
    assert refs(client, op, f"code={ELSEWHERE_USCC.lower()}") == ["闽-1号"]
    assert refs(client, op, "name=福州") == ["闽-1号"]
    assert refs(client, op, "name=福州&ref=广") == []
    day = today().isoformat()
    assert len(refs(client, op, f"from={day}&to={day}")) == 5
    assert refs(client, op, "from=2026-01-01&to=2026-01-02") == []
    assert refs(client, op, "ref=广&from=2026-01-01&to=2026-01-02") == []
    assert refs(client, op, f"ref=闽&state=accepted&from={day}") == ["闽-1号"]
    # a cursor continues only the search it came from
    first = client.http.get("/v1/records?ref=广&limit=1", headers=op).json_body["next_cursor"]
    assert client.http.get(f"/v1/records?ref=利&cursor={first}", headers=op).status_code == 400
    assert client.http.get(f"/v1/records?name=广&cursor={first}", headers=op).status_code == 400
    assert client.http.get(f"/v1/records?ref=广&cursor={first}", headers=op).status_code == 200
    # bad input: 400, never 5xx
    for query in ("from=2026-13-01", "from=2026-02-02&to=2026-02-01", "ref=" + "x" * 201):
        resp = client.http.get(f"/v1/records?{query}", headers=op)
        assert resp.status_code == 400, (query, resp.body)
