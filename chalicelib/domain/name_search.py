"""Name search, the pure part: how a name is normalised and cut into index tokens, which index
entries a query matches, and how results rank (SPEC §6.3; issue #22).

The index (dal/registry.py) holds one entry per character bigram of an enterprise's current and
former names, each entry carrying those names, so a query is answered from the entries of ONE
bigram — the query's rarest, by the token counts kept at indexing — without reading profiles.
"""
from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

EXACT, PREFIX, CONTAINS = 0, 1, 2
START = "#"     # the index's sort key for its own items, before every entry: a cursor at START is the partition's start
END = "$"       # an entry's follower when its bigram ends the name (and for the few characters sorting before it)
NEXT_SHRINK = 8  # how many times fewer entries a bigram has with one given follower than in all (an estimate)
TOTAL = "#total"  # in the counts: how many enterprises are indexed
COMMON_SHARE = 0.05   # a bigram in more than this share of the indexed names (and COMMON_MIN of them) is common
COMMON_MIN = 2000


def normalize_name(name: str) -> str:
    """NFKC (full-width letters, digits and brackets as their ASCII forms), no whitespace, upper case."""
    return "".join(unicodedata.normalize("NFKC", name or "").split()).upper()


def name_tokens(name: str) -> set[str]:
    """Character bigrams of a normalised name (the name-search index keys); a 1-character name is its own token."""
    n = normalize_name(name)
    return {n[i:i + 2] for i in range(len(n) - 1)} if len(n) > 1 else ({n} if n else set())


def names_tokens(names: Iterable[str]) -> set[str]:
    """The tokens the index counts for these names: exactly the bigrams of their entries (name_pairs)."""
    return {t for t, _ in name_pairs(names)}


def follow(char: str | None) -> str:
    """The follower stored in an entry's sort key: the character after the bigram, END at the name's end."""
    return char if char and char > END else END


def name_pairs(names: Iterable[str]) -> set[tuple[str, str]]:
    """(bigram, follower) of every bigram of the normalised names: one index entry each. The entries
    of a bigram sort by follower first, so a query reads only those followed by its next character
    (a trigram's selectivity for the price of a bigram entry)."""
    out = set()
    for name in names:
        n = normalize_name(name)
        if len(n) == 1:
            out.add((n, END))
        out |= {(n[i:i + 2], follow(n[i + 2] if i + 2 < len(n) else None)) for i in range(len(n) - 1)}
    return out


def search_keys(wanted: str) -> set[str]:
    """The keys a normalised query can read: each of its bigrams alone (all its entries) and, where a
    character follows it in the query, the bigram + that follower (only the entries it prefixes)."""
    return ({wanted[i:i + 2] for i in range(len(wanted) - 1)}
            | {wanted[i:i + 2] + follow(wanted[i + 2]) for i in range(len(wanted) - 2)})


def search_key(wanted: str, counts: Mapping[str, int]) -> str:
    """The key with the fewest entries by estimate: a bigram's count, or its count / NEXT_SHRINK with
    a follower (a token without a count is rare: 0); ties prefer a follower, then Unicode order."""
    return min(search_keys(wanted), key=lambda k: (counts.get(k[:2], 0) / (NEXT_SHRINK if len(k) > 2 else 1),
                                                   -len(k), k))


def indexed_state(profile: Mapping[str, Any]) -> dict:
    """What the index holds of a profile: its names (current first, former after, no repeats) and status."""
    names = list(dict.fromkeys(n for n in [profile["name"], *(profile.get("former_names") or [])] if n))
    return {"names": names, "status": profile.get("status")}


def index_delta(before: Iterable[str], after: Iterable[str]) -> tuple[set[str], set[str], set[str], set[str]]:
    """From the names an enterprise was indexed under to its names now: the tokens it gains and loses
    (its count +1 / -1 each) and the normalised full names it gains and loses (its exact-name keys)."""
    before, after = list(before), list(after)
    old, new = names_tokens(before), names_tokens(after)
    was, now = {normalize_name(n) for n in before}, {normalize_name(n) for n in after}
    return new - old, old - new, now - was, was - now


def too_common(tokens: Iterable[str], counts: Mapping[str, int]) -> bool:
    """Every bigram of the query is common (有限, 公司, 限公…): the query cannot narrow a search."""
    floor = max(COMMON_MIN, COMMON_SHARE * counts.get(TOTAL, 0))
    return min(counts.get(t, 0) for t in tokens) > floor


def entry_names(entry: Mapping[str, Any]) -> list[str]:
    """The names an index entry carries: the current name, then the former ones."""
    return [entry["name"], *(entry.get("former") or [])]


# --- ranking by the parts of a name ---------------------------------------------------------------
# A name is built 行政区划 + 字号 + 行业/经营特点 + 组织形式 (企业名称登记管理规定; a 个体工商户 without
# the 组织形式), or 字号 first with the 行政区划 in brackets. A query of the 字号 alone (鑫源) also hits
# names where it is inside a longer 字号 (华鑫源…, 鑫源泰…) or across two parts; those rank after the
# names where it is a whole part. What marks the parts' joints is data: name_parts.json.
WHOLE, HALF, STRADDLES = 0, 1, 2      # segment_fit: both ends on a joint, one, none


@cache
def _joints() -> tuple[frozenset[str], tuple[int, ...], frozenset[str], tuple[int, ...]]:
    """The words a part starts after (division suffixes, place names, brackets) and those a part ends
    before (organisation forms, industry words, brackets), normalised, with their lengths longest
    first."""
    data = json.loads((Path(__file__).with_name("name_parts.json")).read_text(encoding="utf-8"))
    before = frozenset(map(normalize_name, data["division_suffixes"] + data["places"] + data["brackets"]))
    after = frozenset(map(normalize_name, data["forms"] + data["industries"] + data["brackets"]))
    return (before, tuple(sorted({len(w) for w in before}, reverse=True)),
            after, tuple(sorted({len(w) for w in after}, reverse=True)))


def starts_part(name: str, at: int) -> bool:
    """A part of the normalised name starts at `at`: its start, or right after a division suffix
    (…市, …县, …街道), a place name given without one (四川, 广元) or a bracket."""
    before, sizes, _, _ = _joints()
    return at == 0 or any(name[at - k:at] in before for k in sizes if k <= at)


def ends_part(name: str, at: int) -> bool:
    """A part of the normalised name ends at `at` (exclusive): its end, or where an organisation form
    (有限公司, 专业合作社, 店, 厂…), an industry word (建材, 商贸, 餐饮…) or a bracket begins."""
    _, _, after, sizes = _joints()
    return at == len(name) or any(name[at:at + k] in after for k in sizes if at + k <= len(name))


def segment_fit(name: str, wanted: str) -> int | None:
    """How well the normalised query sits in the normalised name, over its occurrences, best first:
    WHOLE (it starts and ends on joints of the name's parts: 成都市|鑫源|建材…), HALF (one end on a
    joint: 成都市|鑫源泰…, 华鑫源|建材…), STRADDLES (neither: 金鑫源泰…); None: not in the name."""
    best, at = None, name.find(wanted)
    while at >= 0 and best != WHOLE:
        fit = STRADDLES - starts_part(name, at) - ends_part(name, at + len(wanted))
        best = fit if best is None else min(best, fit)
        at = name.find(wanted, at + 1)
    return best


def score(names: Iterable[str], wanted: str) -> tuple[int, int] | None:
    """(EXACT/PREFIX/CONTAINS, segment_fit) of the best of `names` against the normalised query, the
    kind of match first — so EXACT > PREFIX > CONTAINS always, and within a kind a whole part of the
    name ranks above one that straddles parts; None: no match. Lower is better."""
    best = None
    for n in map(normalize_name, names):
        fit = segment_fit(n, wanted)
        if fit is not None:
            s = (EXACT, WHOLE) if n == wanted else (PREFIX if n.startswith(wanted) else CONTAINS, fit)
            best = s if best is None else min(best, s)
    return best


def order_key(entry: Mapping[str, Any], wanted: str) -> tuple:
    """The total order of an index entry's result (lower first): score, then the shorter current
    name, the name, the code — deterministic, so a cursor can resume inside a ranked window."""
    return (score(entry_names(entry), wanted), len(entry["name"]), entry["name"], entry["code"])
