"""Name search ranked by the parts of a name (issue #22, SPEC §6.3) on the emulator, through
GET /v1/public/enterprises: a query that is the whole 字号 of a name ranks above names where it is
inside a longer 字号, even when their index entries come first and the page holds fewer than all
matches; the pages after resume inside the ranked window without repeats or gaps."""
from __future__ import annotations

from chalicelib.domain.identifiers import make_uscc
from chalicelib.domain.projection import SEARCH_SUMMARY, search_summary
from tests.integration.test_request_costs import Requests
from tests.integration.test_search_names import _search

STRADDLING = [f"广元市鑫源丰{i}商贸有限公司" for i in range(6)] + [f"利州区华鑫源{i}五金店" for i in range(6)]
WHOLE = ["广元市鑫源商贸有限公司", "利州区鑫源五金店", "鑫源建材(广元)有限公司"]


def test_a_whole_zihao_ranks_above_straddling_matches_and_the_cursor_resumes_in_the_window(client, stack):
    # the straddling names first in code order; their entries of 鑫源 come first too (follower 丰 < 商, 五, 建)
    codes = [make_uscc(f"91510802MA{i:07d}") for i in range(len(STRADDLING + WHOLE))]
    profiles = [{"code": c, "uscc": c, "name": n, "status": "存续", "former_names": []}
                for c, n in zip(codes, STRADDLING + WHOLE, strict=True)]
    stack.registry_repo.index_names(profiles)
    with stack.public_repo.table.batch_writer() as batch:      # published, with their search summary
        for p in profiles:
            batch.put_item(Item={**p, "sk": "#profile", SEARCH_SUMMARY: search_summary([])})
    code = {p["name"]: p["code"] for p in profiles}

    with Requests(stack).measure() as seen:
        page = _search(client, "鑫源", limit=3)
    # a prefix first (EXACT > PREFIX > CONTAINS), then the whole 字号s, shorter names first
    assert [i["name"] for i in page["items"]] == ["鑫源建材(广元)有限公司", "利州区鑫源五金店", "广元市鑫源商贸有限公司"]
    assert dict(seen) == {"BatchGetItem name_index": 1, "Query name_index": 1, "BatchGetItem public": 1}, seen

    got, cursor = [i["code"] for i in page["items"]], page["next_cursor"]
    while cursor:
        page = _search(client, "鑫源", limit=3, cursor=cursor)
        got += [i["code"] for i in page["items"]]
        cursor = page["next_cursor"]
    assert len(got) == len(set(got)) == 15 and set(got) == set(code.values())
    # after the whole 字号s: inside a longer 字号 that starts on a joint (广元市|鑫源丰…) before one
    # with no joint at either end (华鑫源0…)
    name_of = {c: n for n, c in code.items()}
    assert [name_of[c] for c in got[3:9]] == STRADDLING[:6]


def test_a_forged_window_cursor_is_400_bad_cursor(client):
    """A window cursor's end and skip are checked like its key: both or neither, skip a count, the end
    after the start and inside the query's key."""
    from chalicelib.pagination import encode

    good = {"token": "鑫源", "code": "#", "end": "商91510802MA0000001X", "skip": "3"}
    assert client.http.get("/v1/public/enterprises?q=鑫源&cursor=" + encode(good)).status_code == 200
    for forged in ({**good, "skip": "0"}, {**good, "skip": "-1"}, {**good, "skip": "1e3"}, {**good, "skip": 3},
                   {k: v for k, v in good.items() if k != "skip"}, {k: v for k, v in good.items() if k != "end"},
                   {**good, "code": "商91510802MA0000002X"}, {**good, "token": "鑫源商", "end": "泰X"},
                   {**good, "extra": "1"}):
        resp = client.http.get(f"/v1/public/enterprises?q={forged['token']}&cursor={encode(forged)}")
        assert resp.status_code == 400 and resp.json_body["error"]["code"] == "BAD_CURSOR", forged
