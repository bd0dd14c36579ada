"""Name search (issue #22): a cursor that resumes exactly — no repeats, no gaps — over a partition of
5,000 matches. Slow on the emulator (~5 ms to serialise an index item, one Query per result shown):
a few minutes, so it has a file of its own."""
from __future__ import annotations

from chalicelib.domain.identifiers import make_uscc
from tests.integration.test_search_names import _search


def _public_profiles(stack, profiles: list[dict]) -> None:
    with stack.public_repo.table.batch_writer() as batch:
        for p in profiles:
            batch.put_item(Item={**p, "sk": "#profile"})


def test_cursor_resumes_exactly_over_five_thousand_matches(client, stack):
    """6,000 entries of one bigram (5,000 match 鑫源商, 1,000 hold 鑫源 and 源商 apart), read in pages
    of 120 entries (the emulator serialises an item in ~5 ms, so DynamoDB's 1 MB pages are cut by a
    Limit here): walking with the cursor gives every match once, whatever the cuts."""
    from chalicelib import container
    from chalicelib.dal.registry import RegistryRepository

    repo = RegistryRepository(stack.aws.table("enterprises"), stack.aws.table("name_index"), page_items=120)
    container.install(container.Container(stack.settings, aws=stack.aws, registry_repo=repo))
    profiles = []
    for i in range(6000):
        code = make_uscc(f"91510802MA{i:07d}")
        name = f"鑫源商{i:04d}" if i % 6 else f"鑫源{i:04d}源商"
        profiles.append({"code": code, "uscc": code, "name": name, "status": "存续", "former_names": []})
    repo.index_names(profiles)      # the real repository's batch writer
    _public_profiles(stack, profiles)
    wanted = {p["code"] for p in profiles if "鑫源商" in p["name"]}
    assert len(wanted) == 5000
    assert repo.name_keys({"鑫源", "源商"}, "鑫源商")[0] == {"鑫源": 6000, "源商": 6000}

    got, cursor, requests = [], None, 0
    while True:
        page = _search(client, "鑫源商", limit=200, **({"cursor": cursor} if cursor else {}))
        got += [i["code"] for i in page["items"]]
        requests += 1
        assert len(page["items"]) == 200 or not page["next_cursor"]   # two pages of 120 hold 200 matches
        if not (cursor := page["next_cursor"]):
            break
    assert len(got) == len(set(got)) == 5000 and set(got) == wanted
    assert requests in (25, 26)      # a last, empty page when the final cut fell on the last entry
