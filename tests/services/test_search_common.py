"""Name search (issue #22): a query made only of bigrams most names hold (有限公司, 公司) is refused
with QUERY_TOO_COMMON and a suggestion, not answered from the largest partitions of the index; a
query with one rarer bigram, or a full name that exists, is answered. On the fakes: the rule needs
thousands of indexed names (COMMON_MIN), which the emulator writes too slowly for a unit test."""
from __future__ import annotations

import pytest

from chalicelib.domain import name_search as ns
from chalicelib.services.public import QueryTooCommon


@pytest.fixture
def indexed(c):
    n = ns.COMMON_MIN + 100
    c.registry_repo.index_names([{"code": f"C{i:06d}", "name": f"甲{i:05d}科技有限公司" if i % 2 else f"乙{i:05d}有限公司"}
                                 for i in range(n)])
    return c


@pytest.mark.parametrize("q", ["有限公司", "公司", "有 限", "限公司"])
def test_a_query_of_common_bigrams_only_is_refused_with_a_suggestion(indexed, q):
    with pytest.raises(QueryTooCommon) as e:
        indexed.public.search(q, 20, None)
    body = e.value.body()["error"]
    assert e.value.status == 400 and body["code"] == "QUERY_TOO_COMMON" and "字号" in body["message"]
    assert body["details"][0]["field"] == "q" and body["details"][0]["suggestion"]


def test_a_query_with_one_rarer_bigram_or_an_existing_full_name_is_answered(indexed):
    assert indexed.public.search("科技有限公司", 20, None)["items"] == []    # 科技: half the names, 甲… none shown
    assert indexed.public.search("1科技有限公司", 20, None)["items"] == []   # no profiles on the public side here
    indexed.registry_repo.index_names([{"code": "EXACT", "name": "有限公司"}])
    assert indexed.public.search("有限公司", 20, None)["items"] == []     # not refused: its exact key exists
