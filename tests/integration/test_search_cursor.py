"""Name search (issue #22): a cursor that resumes exactly — no repeats, no gaps — over a partition of
5,000 matches. Slow on the emulator (~5 ms to serialise an index item):
about 5 minutes alone, so `make test` walks a partition of 600 matches (the same cuts: pages of 120
entries, 200 results a request) and `make test-slow` (SEARCH_CURSOR_MATCHES=5000) the full 5,000."""
from __future__ import annotations

import os

from chalicelib.domain.identifiers import make_uscc
from tests.integration.test_search_names import _search


def _public_profiles(stack, profiles: list[dict]) -> None:
    with stack.public_repo.table.batch_writer() as batch:
        for p in profiles:
            batch.put_item(Item={**p, "sk": "#profile"})


def test_cursor_resumes_exactly_over_a_partition_of_matches(client, stack):
    """N × 6/5 entries of one bigram (N match 鑫源商, the rest hold 鑫源 and 源商 apart), read in pages
    of 120 entries (the emulator serialises an item in ~5 ms, so DynamoDB's 1 MB pages are cut by a
    Limit here): walking with the cursor gives every match once, whatever the cuts."""
    from chalicelib import container
    from chalicelib.dal.registry import RegistryRepository

    repo = RegistryRepository(stack.aws.table("enterprises"), stack.aws.table("name_index"), page_items=120)
    container.install(container.Container(stack.settings, aws=stack.aws, registry_repo=repo))
    matches = int(os.environ.get("SEARCH_CURSOR_MATCHES", "600"))
    total = matches * 6 // 5              # every 6th name holds 鑫源 and 源商 apart: not a match
    profiles = []
    for i in range(total):
        code = make_uscc(f"91510802MA{i:07d}")
        name = f"鑫源商{i:04d}" if i % 6 else f"鑫源{i:04d}源商"
        profiles.append({"code": code, "uscc": code, "name": name, "status": "存续", "former_names": []})
    # and one named 鑫源商 itself: its exact name leads the first page. Past 2,000 matches every bigram
    # of the query is common (QUERY_TOO_COMMON) — unless the query is an existing full name, as here
    code = make_uscc("91510802MA9999999")
    profiles.append({"code": code, "uscc": code, "name": "鑫源商", "status": "存续", "former_names": []})
    repo.index_names(profiles)      # the real repository's batch writer
    _public_profiles(stack, profiles)
    wanted = {p["code"] for p in profiles if "鑫源商" in p["name"]}
    assert len(wanted) == matches + 1
    counts = repo.name_keys({"鑫源", "源商"}, "鑫源商")[0]
    assert (counts["鑫源"], counts["源商"]) == (total + 1, total + 1)

    got, cursor, requests = [], None, 0
    while True:
        page = _search(client, "鑫源商", limit=200, **({"cursor": cursor} if cursor else {}))
        got += [i["code"] for i in page["items"]]
        requests += 1
        assert len(page["items"]) == 200 or not page["next_cursor"]   # two pages of 120 hold 200 matches
        if not (cursor := page["next_cursor"]):
            break
    assert len(got) == len(set(got)) == matches + 1 and set(got) == wanted
    assert got[0] == code
    pages = -(-(matches + 1) // 200)
    assert requests in (pages, pages + 1)   # + a last, empty page when the final cut fell on the last entry
