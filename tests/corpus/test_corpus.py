"""The bad-input corpus (tests/corpus/cases/): every hostile request gets a 4xx with a stable error code
in the platform's error body (or a 200 that rejects every row), never a 5xx, and writes nothing; every
hostile spreadsheet ends as an upload `failed` with a reason (or `done` with nothing accepted).

One stack serves the whole module (a stack per case would cost ~2 s each); each case counts the
stored items before and after itself.
"""
from __future__ import annotations

import json

import pytest

from tests.corpus.runner import body_of, check_error_body, load_cases, path_of
from tests.reliability.state import count_items

CASES = load_cases()
HTTP_CASES = [c for c in CASES if "upload" not in c]
UPLOAD_CASES = [c for c in CASES if "upload" in c]


def _params(cases):
    return [pytest.param(c, id=c["id"], marks=[pytest.mark.xfail(strict=True, reason=c["xfail"])]
                         if c.get("xfail") else []) for c in cases]


@pytest.mark.parametrize("case", _params(HTTP_CASES))
def test_bad_request_is_refused_cleanly(corpus_stack, case):
    client, container = corpus_stack["client"], corpus_stack["container"]
    headers = dict(corpus_stack["headers"].get(case.get("as", "anonymous"), {}))
    body = body_of(case)
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    headers.update(case.get("headers", {}))
    before = count_items(container.settings)
    resp = client.http.request(case["method"], path_of(case, corpus_stack["ids"]), headers=headers,
                               body=body if body is not None else b"")
    after = count_items(container.settings)
    assert resp.status_code < 500, (resp.status_code, resp.body[:500])
    lo, hi = case["expect"]["status"]
    assert lo <= resp.status_code <= hi, (resp.status_code, resp.body[:500])
    if resp.status_code >= 400:
        check_error_body(resp, case["expect"].get("code"))
    elif "rejected" in case["expect"]:
        out = json.loads(resp.body)
        assert (len(out["accepted"]), len(out["rejected"])) == (0, case["expect"]["rejected"]), out
        codes = {e["code"] for r in out["rejected"] for e in r["errors"]}
        if case["expect"].get("row_code"):
            assert case["expect"]["row_code"] in codes, out
    assert after == before, f"the request wrote something: {before} → {after}"


def build_upload(spec: dict) -> bytes:
    from tests.corpus import spreadsheets

    return spreadsheets.BUILDERS[spec["builder"]]()


@pytest.mark.parametrize("case", _params(UPLOAD_CASES))
def test_hostile_spreadsheet_fails_with_a_reason(corpus_stack, case):
    from tests.reliability import scenarios as sc

    client, container = corpus_stack["client"], corpus_stack["container"]
    op = {**corpus_stack["headers"]["op-d12"], "Content-Type": "application/json"}
    before = count_items(container.settings, ("records", "versions", "public", "enterprises"))
    upload_id = sc.post_file(client, op, build_upload(case["upload"]), case.get("filename", "hostile.xlsx"))
    sc.deliver(container)
    status = client.http.get(f"/v1/uploads/{upload_id}", headers=op)
    assert status.status_code == 200, status.body
    status = status.json_body
    assert status["state"] == case["expect"]["state"], status
    if status["state"] == "failed":
        codes = case["expect"]["code"]
        assert status["error"]["code"] in (codes if isinstance(codes, list) else [codes]), status
        assert status["error"]["message"], status
    else:
        assert status["accepted"] == case["expect"].get("accepted", 0), status
        assert status["rows_total"] == status["accepted"] + status["rejected"], status
    assert count_items(container.settings, ("records", "versions", "public", "enterprises")) == before


def test_corpus_is_big_enough():
    assert len(CASES) >= 50
    assert len(UPLOAD_CASES) >= 8
