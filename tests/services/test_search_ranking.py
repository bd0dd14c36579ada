"""Name search ranked by window (issue #22) on the fakes, for any names and any cuts: the cursor walk
gives every match once (no repeats, no gaps) whatever the page size of the index and of the
results; the first page is the best of what its index pages read — all of it when one index page
holds the key's entries — in the order EXACT > PREFIX > CONTAINS, then a whole 字号 above a
straddling match. The emulator walk over thousands of matches is tests/integration/test_search_cursor.py."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.container import Container
from chalicelib.dal.items import to_item
from chalicelib.dal.public import PROFILE
from chalicelib.domain import name_search as ns
from chalicelib.domain.projection import SEARCH_SUMMARY, search_summary
from tests.fakes import FakePublicitySender, fake_repositories
from tests.services.conftest import SETTINGS

PARTS = ["广元市", "利州区", "四川", "鑫源", "鑫", "源", "华", "泰", "建材", "商贸", "五金店", "有限公司", "(广元)"]
NAMES = st.lists(st.lists(st.sampled_from(PARTS), min_size=1, max_size=5).map("".join), min_size=1, max_size=40,
                 unique=True)


def _container(aws, names: list[str], page_items: int) -> Container:
    repos = fake_repositories()
    repos["registry_repo"].page_items = page_items
    c = Container(SETTINGS, aws=aws, publicity_sender=FakePublicitySender(), **repos)
    profiles = [{"code": f"C{i:04d}", "uscc": f"C{i:04d}", "name": n, "status": "存续", "former_names": []}
                for i, n in enumerate(names)]
    c.registry_repo.index_names(profiles)
    for p in profiles:
        c.public_repo.table.put(to_item({**p, "sk": PROFILE, SEARCH_SUMMARY: search_summary([])}))
    return c


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=NAMES, q=st.sampled_from(["鑫源", "鑫源建材", "源建", "华鑫源", "广元市鑫源"]),
       limit=st.integers(1, 6), page_items=st.sampled_from([1, 2, 3, 5, 8, 1000]))
def test_pages_give_every_match_once_and_the_first_page_the_best_of_its_window(aws, names, q, limit, page_items):
    c = _container(aws, names, page_items)
    wanted = ns.normalize_name(q)
    matches = {f"C{i:04d}": n for i, n in enumerate(names) if wanted in ns.normalize_name(n)}

    pages, cursor = [], None
    for _ in range(len(names) + 2):
        page = c.public.search(q, limit, cursor)
        pages.append([i["code"] for i in page["items"]])
        if not (cursor := page["next_cursor"]):
            break
    got = [code for p in pages for code in p]
    assert len(got) == len(set(got)) and set(got) == set(matches), (pages, matches)
    assert all(len(p) <= limit for p in pages)

    best = sorted(matches, key=lambda code: ns.order_key({"name": matches[code], "code": code}, wanted))
    first = pages[0]
    assert first == sorted(first, key=best.index)          # a page is in rank order
    if page_items == 1000:                                 # one index page holds every entry of the key
        assert first == best[:limit]


def test_a_whole_zihao_is_on_the_first_page_before_straddling_matches_that_come_first_in_key_order(aws):
    """鑫源 as the 字号 of three names, and inside longer 字号s of twelve whose entries come first in the
    index (follower 丰 and 华 before 商): a page of three holds the three."""
    straddling = [f"广元市鑫源丰{i}商贸有限公司" for i in range(6)] + [f"利州区鑫源华{i}五金店" for i in range(6)]
    whole = ["广元市鑫源商贸有限公司", "利州区鑫源五金店", "鑫源建材(广元)有限公司"]
    c = _container(aws, straddling + whole, 1000)
    page = c.public.search("鑫源", 3, None)
    assert [i["name"] for i in page["items"]] == ["鑫源建材(广元)有限公司", "利州区鑫源五金店", "广元市鑫源商贸有限公司"]
    assert page["next_cursor"]
