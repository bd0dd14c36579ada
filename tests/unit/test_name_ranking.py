"""Name search ranking by the parts of a name (issue #22, SPEC §6.3): a query that is a whole part of
the name — its 字号 between a 行政区划 and a 行业/组织形式 — ranks above one inside a longer 字号 or
straddling two parts, within each kind of match; EXACT > PREFIX > CONTAINS whatever the parts."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import name_search as ns


@pytest.mark.parametrize("name, fit", [
    ("成都市鑫源建材有限公司", ns.WHOLE),         # after a division suffix, before an industry word
    ("成都鑫源建材有限公司", ns.WHOLE),           # a place named without its suffix
    ("四川省广元市利州区鑫源五金店", ns.WHOLE),
    ("苍溪县鑫源餐饮店", ns.WHOLE),
    ("广元市鑫源有限公司", ns.WHOLE),             # straight before the organisation form
    ("鑫源建材(广元)有限公司", ns.WHOLE),         # 字号 first, the place in brackets
    ("广元(鑫源)商贸有限公司", ns.WHOLE),          # between brackets
    ("利州区鑫源", ns.WHOLE),                    # at the name's end
    ("广元市华鑫源建材有限公司", ns.HALF),         # inside a longer 字号, its end on a joint
    ("四川省鑫源泰商贸有限公司", ns.HALF),         # inside a longer 字号, its start on a joint
    ("利州区金鑫源泰五金店", ns.STRADDLES),        # inside, no joint at either end
    ("利州区华鑫源(鑫源)五金店", ns.WHOLE),         # the best of its occurrences
    ("广元市光华商贸有限公司", None),
])
def test_segment_fit_of_the_query_in_a_name(name, fit):
    assert ns.segment_fit(ns.normalize_name(name), "鑫源") == fit


def test_joints_are_the_data_file_normalised():
    """Full-width brackets in the data file match names after NFKC (names are normalised, so are the
    words of name_parts.json)."""
    assert ns.starts_part(ns.normalize_name("（广元）鑫源"), 4) and ns.ends_part(ns.normalize_name("鑫源（广元）"), 2)
    assert not ns.starts_part("华鑫源", 1) and not ns.ends_part("鑫源泰", 2)


def test_a_whole_part_ranks_above_a_straddling_match_within_each_kind():
    def key(name):
        return ns.order_key({"name": name, "code": "C1"}, "鑫源")
    contains = ["利州区金鑫源泰五金店", "广元市华鑫源建材有限公司", "成都市鑫源建材有限公司"]
    assert sorted(contains, key=key) == ["成都市鑫源建材有限公司", "广元市华鑫源建材有限公司", "利州区金鑫源泰五金店"]
    prefix = ["鑫源泰建材(广元)有限公司", "鑫源建材(广元)有限公司"]
    assert sorted(prefix, key=key) == ["鑫源建材(广元)有限公司", "鑫源泰建材(广元)有限公司"]
    # the kind of match first: a straddling prefix still ranks above a whole-part contains
    assert key("鑫源泰建材(广元)有限公司") < key("成都市鑫源建材有限公司")
    # a former name counts: the best of the names an entry carries
    assert ns.score(["利州区金鑫源泰五金店", "广元市鑫源五金店"], "鑫源") == (ns.CONTAINS, ns.WHOLE)


PARTS = st.sampled_from(["广元市", "利州区", "四川", "鑫", "源", "华", "泰", "鑫源", "建材", "商贸", "有限公司", "店",
                         "(", ")", "甲", "乙"])
NAMES = st.lists(PARTS, min_size=1, max_size=7).map("".join)
QUERIES = st.one_of(st.lists(PARTS, min_size=1, max_size=3).map("".join), st.sampled_from(["鑫源", "源建", "华鑫"]))


def _kind(names: list[str], wanted: str) -> int | None:
    """The kind of match as the issue defines it, for the best of the names."""
    kinds = [ns.EXACT if n == wanted else ns.PREFIX if n.startswith(wanted) else ns.CONTAINS
             for n in map(ns.normalize_name, names) if wanted in n]
    return min(kinds, default=None)


@settings(max_examples=300, deadline=None)
@given(a=st.lists(NAMES, min_size=1, max_size=3), b=st.lists(NAMES, min_size=1, max_size=3), q=QUERIES)
def test_exact_above_prefix_above_contains_whatever_the_parts(a, b, q):
    """The kind of match (the best over an entry's names) decides before the parts do; the order is
    total (a cursor resumes inside a ranked window) and a name without the query has no score."""
    wanted = ns.normalize_name(q)
    kind_a, kind_b = _kind(a, wanted), _kind(b, wanted)
    score_a = ns.score(a, wanted)
    assert (score_a is None) == (kind_a is None) == all(wanted not in ns.normalize_name(n) for n in a)
    if score_a is not None:
        assert score_a[0] == kind_a and score_a[1] in (ns.WHOLE, ns.HALF, ns.STRADDLES)
        assert kind_a != ns.EXACT or score_a == (ns.EXACT, ns.WHOLE)
    if kind_a is not None and kind_b is not None and kind_a < kind_b:
        ka = ns.order_key({"name": a[0], "former": a[1:], "code": "A"}, wanted)
        kb = ns.order_key({"name": b[0], "former": b[1:], "code": "B"}, wanted)
        assert ka < kb and ka != kb
