"""Name search (issue #22, SPEC §6.3) on the emulator: the exact-name key, ranking, a cursor that
resumes exactly over a partition of 5,000 matches, token counts through renames, and no index
writes when a republished record keeps its name."""
from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.identifiers import make_regno, make_uscc
from chalicelib.domain.name_search import name_tokens, names_tokens, normalize_name
from chalicelib.local.demo_data import sample_record
from tests.integration.helpers import accepted, run_job
from tests.integration.test_request_costs import Requests


def _party(i: int, name: str, district: str = "510802") -> dict:
    return {"name": name, "uscc": make_uscc(f"91{district}MA{i:07d}"), "regno": make_regno(f"{district}{i:08d}")}


def _register(client, login, parties: list[dict]) -> None:
    accepted(client, login("op-d21", "operator", "d21"), "registration",
             [sample_record("registration", **p) for p in parties])


def _search(client, query: str, **params) -> dict:
    from urllib.parse import urlencode
    resp = client.http.get("/v1/public/enterprises?" + urlencode({"q": query, **params}))
    assert resp.status_code == 200, resp.body
    return resp.json_body


def test_full_name_is_answered_by_its_exact_key_and_ranks_first(client, login, stack):
    parties = [_party(1, "四川广元鑫源商贸有限公司"),            # contains
               _party(2, "广元鑫源商贸有限公司利州分公司"),       # prefix
               _party(3, "广元鑫源商贸有限公司"),                # exact
               _party(4, "广元鑫源商贸有限责任公司")]             # no match
    _register(client, login, parties)
    run_job(client, login, "forward")
    full = normalize_name("广元鑫源商贸有限公司")

    counter = Requests(stack)
    with counter.measure() as seen:
        counts, codes = stack.registry_repo.name_keys(name_tokens(full), full)
    assert codes == [parties[2]["uscc"]]
    assert dict(seen) == {"BatchGetItem name_index": 1}         # counts and the exact key: one read
    assert counts["公司"] == counts["鑫源"] == 4

    # 300 more names share the query's bigrams 广元, 元鑫, 商贸, 有限, 公司… but not 鑫源/源商: the search
    # reads the rarest bigram's entries (源商: 4), not the smallest in Unicode order's (元鑫: 304)
    stack.registry_repo.index_names([{"code": f"X{i:05d}", "name": f"广元鑫{i:03d}商贸有限公司"} for i in range(300)])
    read = []
    stack.aws.resource("dynamodb").meta.client.meta.events.register(
        "after-call.dynamodb.Query", lambda parsed, **_: read.append(parsed.get("Count", 0)))
    with counter.measure() as seen:
        page = _search(client, "广元鑫源商贸 有限公司")            # spaces do not matter
    assert read[0] == 4, read          # the index page
    # the counts + exact key, one index page, and the profiles of the 3 results shown in one read
    # (their flags from the summary kept on each profile; a Query each before)
    assert dict(seen) == {"BatchGetItem name_index": 1, "Query name_index": 1, "BatchGetItem public": 1}, seen
    assert [i["code"] for i in page["items"]] == [parties[2]["uscc"], parties[1]["uscc"], parties[0]["uscc"]]
    assert page["next_cursor"] is None
    # a page of one: the exact name alone, then the rest in rank order, none twice
    seen_codes, cursor = [], None
    while True:
        page = _search(client, "广元鑫源商贸有限公司", limit=1, **({"cursor": cursor} if cursor else {}))
        seen_codes += [i["code"] for i in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen_codes[0] == parties[2]["uscc"]
    assert sorted(seen_codes) == sorted(p["uscc"] for p in parties[:3])
    # the filters
    assert [i["code"] for i in _search(client, "广元鑫源商贸有限公司", region="510811")["items"]] == []
    assert _search(client, "广元鑫源商贸有限公司", status="注销")["items"] == []
    assert len(_search(client, "广元鑫源商贸有限公司", status="存续")["items"]) == 3
    assert client.http.get("/v1/public/enterprises?q=鑫源&status=倒闭").status_code == 400
    assert client.http.get("/v1/public/enterprises?q=" + "鑫" * 101).status_code == 400


RUNS = itertools.count()
NAMES = st.lists(st.text(alphabet="甲乙丙丁戊公司", min_size=2, max_size=6), min_size=1, max_size=3, unique=True)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.integers(0, 2), NAMES), min_size=1, max_size=6))
def test_token_counts_stay_right_through_renames(stack, steps):
    """Any sequence of name changes (renames, former names added and dropped) of fresh codes: each
    count grows by the number of those codes whose final names hold the token, however they got there."""
    repo = stack.registry_repo
    run = next(RUNS)      # fresh codes for every example (the emulator keeps the earlier ones)
    codes = [f"T{run:06d}{i}" for i in range(3)]
    universe = sorted(names_tokens(n for _, names in steps for n in names))
    before, _ = repo.name_keys(universe, "#none")
    final: dict[str, list[str]] = {}
    used: dict[str, set[str]] = {}
    for who, names in steps:
        repo.index_names([{"code": codes[who], "name": names[0], "former_names": names[1:]}])
        final[codes[who]] = names
        used.setdefault(codes[who], set()).update(names)
    repo.index_names([{"code": c, "name": n[0], "former_names": n[1:]} for c, n in final.items()])   # again: nothing
    after, _ = repo.name_keys(universe, "#none")
    expected = Counter(t for names in final.values() for t in names_tokens(names))
    assert {t: after.get(t, 0) - before.get(t, 0) for t in universe} == {t: expected.get(t, 0) for t in universe}
    for code, names in final.items():       # exact keys follow the names too
        for n in used[code]:
            assert (code in repo.name_keys([], normalize_name(n))[1]) == (n in names), (code, n)


def test_renames_through_the_registry_keep_counts_and_find_both_names(client, login, stack):
    parties = [_party(11, "广元甲乙商贸有限公司"), _party(12, "广元丙丁商贸有限公司")]
    _register(client, login, parties)
    run_job(client, login, "forward")
    tokens = names_tokens(["广元甲乙商贸有限公司", "广元丙丁商贸有限公司", "广元戊己科技有限公司"])
    before, _ = stack.registry_repo.name_keys(tokens, "#none")
    assert (before["甲乙"], before["丙丁"], before["商贸"], before.get("戊己", 0)) == (1, 1, 2, 0)

    _register(client, login, [{**parties[0], "name": "广元戊己科技有限公司"}])      # 更名
    accepted(client, login("op-d12", "operator", "d12"), "admin_penalty", [sample_record(
        "admin_penalty", CF_XDR_MC="广元戊己科技有限公司", CF_XDR_SHXYM=parties[0]["uscc"],
        CF_XDR_GSZC=parties[0]["regno"], CF_WSH="广环罚〔2026〕甲1号")])
    run_job(client, login, "forward")
    after, _ = stack.registry_repo.name_keys(tokens, "#none")
    # the former name stays searchable (its tokens keep their count), the new one adds its own once
    assert (after["甲乙"], after["丙丁"], after["商贸"], after["戊己"], after["公司"]) == (1, 1, 2, 1, 2)
    assert [i["code"] for i in _search(client, "戊己科技")["items"]] == [parties[0]["uscc"]]
    (item,) = _search(client, "广元甲乙商贸有限公司")["items"]      # the former full name, by its exact key
    assert (item["code"], item["name"]) == (parties[0]["uscc"], "广元戊己科技有限公司")


def test_republishing_without_a_name_change_writes_no_index_entries(client, login, stack):
    parties = [_party(21 + i, f"广元计数{i}商贸有限公司") for i in range(30)]
    _register(client, login, parties)
    run_job(client, login, "forward")
    op = login("op-d12", "operator", "d12")
    penalties = [sample_record("admin_penalty", CF_XDR_MC=p["name"], CF_XDR_SHXYM=p["uscc"], CF_XDR_GSZC=p["regno"],
                               CF_WSH=f"广环罚〔2026〕计{i}号") for i, p in enumerate(parties)]
    counter = Requests(stack)
    for round_ in range(2):      # a new record each, then a new version of each: republished, same names
        accepted(client, op, "admin_penalty", [{**r, "BZ": f"第{round_}次"} for r in penalties])
        with counter.measure() as seen:
            summary = run_job(client, login, "forward")
        assert summary["published"] == 30, summary
        index = {k: n for k, n in seen.items() if "name_index" in k}
        assert index == {"BatchGetItem name_index": 1}, index     # the marks only


def _entries_of(stack, token: str, code: str) -> list[dict]:
    from boto3.dynamodb.conditions import Key
    items = stack.aws.table("name_index").query(KeyConditionExpression=Key("token").eq(token))["Items"]
    return [i for i in items if i["code"].endswith(code)]


def test_an_enterprise_leaving_the_public_side_leaves_the_index_and_comes_back(client, login, stack):
    """Its last public copy withdrawn (the profile goes, SPEC §5): its entries, its part of the counts,
    its exact-name key and its mark go too; reinstated and forwarded again: all of them come back."""
    import json

    party, other = _party(41, "广元离场商贸有限公司"), _party(42, "广元留存商贸有限公司")
    d21 = login("op-d21", "operator", "d21")
    (acc, _) = accepted(client, d21, "registration", [sample_record("registration", **p) for p in (party, other)])
    run_job(client, login, "forward")
    full = normalize_name(party["name"])
    tokens = name_tokens(full)
    counts, codes = stack.registry_repo.name_keys(tokens, full)
    assert codes == [party["uscc"]] and counts["离场"] == 1 and _entries_of(stack, "离场", party["uscc"])
    assert [i["code"] for i in _search(client, "离场商贸")["items"]] == [party["uscc"]]

    resp = client.http.post(f"/v1/records/{acc['record_id']}/withdraw", headers=d21, body=json.dumps({"reason": "撤销登记"}))
    assert resp.status_code == 200, resp.body
    assert client.http.get(f"/v1/public/enterprises/{party['uscc']}").status_code == 404    # off the public side
    gone, codes = stack.registry_repo.name_keys(tokens, full)
    assert codes == [] and gone["离场"] == 0 and gone["商贸"] == counts["商贸"] - 1
    assert not _entries_of(stack, "离场", party["uscc"]) and not _entries_of(stack, "商贸", party["uscc"])
    assert _search(client, "离场商贸")["items"] == [] and _search(client, party["name"])["items"] == []
    assert [i["code"] for i in _search(client, "留存商贸")["items"]] == [other["uscc"]]     # the other one stays

    resp = client.http.post(f"/v1/records/{acc['record_id']}/reinstate", headers=d21, body=json.dumps({"reason": "误撤"}))
    assert resp.status_code == 200, resp.body
    run_job(client, login, "forward")
    assert stack.registry_repo.name_keys(tokens, full) == (counts, [party["uscc"]])
    assert [i["code"] for i in _search(client, party["name"])["items"]] == [party["uscc"]]


def test_a_query_reads_only_the_entries_its_next_character_follows(stack):
    """Entries of a bigram sort by the character after it: 鑫源科技 reads the 3 entries of 鑫源 followed
    by 科, not the 60 followed by a digit (all 63 hold 鑫源; 源科 and 科技 are commoner here)."""
    from chalicelib.domain.name_search import search_key

    repo = stack.registry_repo
    repo.index_names([{"code": f"F{i:05d}", "name": f"鑫源{i:02d}号"} for i in range(60)]
                     + [{"code": f"G{i:05d}", "name": f"鑫源科技{i}有限公司"} for i in range(3)]
                     + [{"code": f"H{i:05d}", "name": f"甲{i:02d}源科技有限公司"} for i in range(80)])
    counts, _ = repo.name_keys(name_tokens("鑫源科技"), "鑫源科技")
    assert search_key("鑫源科技", counts) == "鑫源科"
    entries, last = repo.name_page("鑫源科", None)
    assert sorted(e["code"] for e in entries) == ["G00000", "G00001", "G00002"] and last is None
    assert len(repo.name_page("鑫源", None)[0]) == 63            # the whole bigram: each enterprise once
