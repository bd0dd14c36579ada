"""Name search at scale (`python -m bench --only search`, issue #22): today's algorithm against the
new one, in-process, over N generated names.

    .venv/bin/python -m bench.search 100000 --queries 5000 --out r.json

Names: seeded, realistic — 地名 + 字号 + 行业 + 组织形式, 40 % 个体工商户 — from the data files in
bench/data/ (no downloads). Queries drawn as the public searches: 60 % full or near-full names
(two thirds the full name, one third without its 地名 or without its 组织形式), 25 % the 字号 alone,
15 % 字号 + 行业. Each query knows the enterprise it was drawn from ("wanted").

Both algorithms run against the same index, built by the REAL repository code
(`dal.registry.RegistryRepository.index_names`, in chunks of 1,000 profiles as `forward` calls it)
over `MemoryIndex`: an in-memory object with the boto3 Table methods the repository calls (Query
with 1 MB pages and Limit, BatchGetItem, UpdateItem ADD/DELETE, batch_writer), counting requests and
items read. The new search is the real `services.public.PublicService` on that repository; the
public side it reads for the results shown is a counting stand-in (profiles from the generator).
Today's algorithm (smallest bigram in Unicode order, Limit = page size, profiles BatchGet for every
entry read, substring match on the profile's names) is kept here as it was in services/public.py.

Reported per algorithm: index items read and requests per query (median, p95, p99, max), and the
share of queries whose first page holds the wanted enterprise, by query kind. For today's
algorithm also the items read until a page of 20 true matches is filled (the walk its cursors
would take, counted on the same partition in the same order).
"""
from __future__ import annotations

import argparse
import bisect
import functools
import json
import random
import statistics
import sys
import time
from array import array
from collections import Counter, defaultdict
from pathlib import Path

from bench.common import log, set_env

DATA = Path(__file__).resolve().parent / "data"
PAGE = 20                      # results per page the public page asks for
MB = 1024 * 1024


# --- names -------------------------------------------------------------------------------------
def _lines(name: str) -> list[list[str]]:
    return [ln.split("\t") for ln in (DATA / name).read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]


class Names:
    """N unique names with their parts (place, 字号, 行业, form); seeded."""

    def __init__(self, n: int, seed: int = 22):
        rnd = random.Random(seed)
        places = defaultdict(list)
        for level, word in _lines("places.txt"):
            places[level].append(word)
        chars = "".join("".join(x) for x in _lines("zihao.txt"))
        weights = [1 / (r + 1) ** 0.7 for r in range(len(chars))]
        industries = defaultdict(list)
        for kind, word in _lines("industries.txt"):
            industries[kind].append(word)

        def zihao() -> str:
            k = rnd.choices((2, 3, 4), (70, 25, 5))[0]
            return "".join(rnd.choices(chars, weights, k=k))

        self.names: list[str] = []
        self.parts: list[tuple[str, str, str, str]] = []
        seen: set[str] = set()
        while len(self.names) < n:
            z = zihao()
            if rnd.random() < 0.4:                                  # 个体工商户
                county = rnd.choice(places["d"])
                place = (rnd.choice(places["c"]) + "市" + county) if rnd.random() < 0.3 else county
                ind, form = rnd.choice(industries["s"]), ""
                name = place + z + ind
            else:
                r = rnd.random()
                place = (rnd.choice(places["c"]) + "市" if r < 0.35 else rnd.choice(places["p"]) if r < 0.55
                         else rnd.choice(places["d"]) if r < 0.8
                         else rnd.choice(places["p"]) + rnd.choice(places["c"]) + "市" if r < 0.9 else "")
                f = rnd.random()
                if f < 0.08:
                    ind, form = rnd.choice(industries["a"]), "专业合作社"
                    place = place or rnd.choice(places["d"])
                else:
                    ind = rnd.choice(industries["c"])
                    form = rnd.choices(("有限公司", "有限责任公司", "股份有限公司", "个人独资企业", "合伙企业（有限合伙）",
                                        "有限公司" + rnd.choice(places["d"]) + "分公司"), (55, 20, 4, 5, 3, 5))[0]
                if place:
                    name = place + z + ind + form
                else:                                              # 字号 first, the place in brackets
                    place = "（" + rnd.choice(places["c"]) + "）"
                    name = z + ind + place + form
            if name in seen:
                continue
            seen.add(name)
            self.names.append(name)
            self.parts.append((place, z, ind, form))

    @functools.cached_property
    def zihao_count(self) -> Counter:
        """How many names carry each 字号."""
        return Counter(z for _, z, _, _ in self.parts)

    def code(self, i: int) -> str:
        return f"9151{i:014d}"

    def queries(self, count: int, seed: int = 2022) -> list[tuple[str, str, int]]:
        """(kind, query, wanted index)."""
        rnd = random.Random(seed)
        out = []
        for _ in range(count):
            i = rnd.randrange(len(self.names))
            name, (place, z, ind, form) = self.names[i], self.parts[i]
            r = rnd.random()
            if r < 0.4:
                out.append(("full", name, i))
            elif r < 0.6:
                near = name.replace(place, "", 1) if place and rnd.random() < 0.5 and name.startswith(place) else (
                    name[: -len(form)] if form and name.endswith(form) else name[len(place):] or name)
                out.append(("near-full", near if len(near) >= 2 else name, i))
            elif r < 0.85:
                out.append(("zihao", z, i))
            else:
                out.append(("zihao+industry", z + ind, i))
        return out


# --- the in-memory table ---------------------------------------------------------------------
def _size(item: dict) -> int:
    """DynamoDB's item size: attribute names plus values (UTF-8), lists 3 bytes + 1 per element."""
    n = 0
    for k, v in item.items():
        n += len(k)
        if isinstance(v, str):
            n += len(v.encode())
        elif isinstance(v, (list, tuple, set)):
            n += 3 + sum(1 + len(str(x).encode()) for x in v)
        else:
            n += 8
    return n


class MemoryIndex:
    """The boto3 Table methods RegistryRepository's name index calls, in memory and compact: an entry
    is an int per token (its follower's code point << 23 | its code's id, codes registered in code
    order, so the ints sort as the sort keys do); every entry of a code carries the same names, kept
    once. Counts requests and items read."""

    name = "name_index"
    SHIFT = 23

    def __init__(self, codes: list[str]):
        self.codes = codes
        self.ids = {c: i for i, c in enumerate(codes)}
        self.attrs: dict[int, dict] = {}
        self.base: dict[int, int] = {}
        self.parts: dict[str, array] = defaultdict(lambda: array("q"))
        self.dups: set[tuple[str, int]] = set()
        self.aux: dict[str, dict] = {}
        self.requests: Counter = Counter()
        self.items_read = 0
        self.meta = self              # table.meta.client → self

    @property
    def client(self):
        return self

    def reset_counts(self) -> None:
        self.requests.clear()
        self.items_read = 0

    def _sk(self, sk: str) -> int:
        return ord(sk[0]) << self.SHIFT | self.ids[sk[1:]]

    # writes
    def _put(self, item: dict) -> None:
        if item["code"] == "#":
            self.aux[item["token"]] = dict(item)
            return
        k = self._sk(item["code"])
        i = self.ids[item["code"][1:]]
        attrs = {a: v for a, v in item.items() if a not in ("token", "code", "dup")}
        if self.attrs.get(i) != attrs:
            self.attrs[i], self.base[i] = attrs, _size({**attrs, "code": item["code"]})
        if item.get("dup"):
            self.dups.add((item["token"], k))
        part = self.parts[item["token"]]
        if not part or part[-1] < k:
            part.append(k)
        else:
            at = bisect.bisect_left(part, k)
            if at == len(part) or part[at] != k:
                part.insert(at, k)

    def _delete(self, key: dict) -> None:
        if key["code"] == "#":
            self.aux.pop(key["token"], None)
            return
        part, k = self.parts.get(key["token"], []), self._sk(key["code"])
        self.dups.discard((key["token"], k))
        at = bisect.bisect_left(part, k)
        if at < len(part) and part[at] == k:
            del part[at]

    def batch_writer(self, overwrite_by_pkeys=None):
        table = self

        class Writer:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def put_item(self, Item):
                table.requests["batch-written items (25 a request)"] += 1
                table._put(Item)

            def delete_item(self, Key):
                table.requests["batch-written items (25 a request)"] += 1
                table._delete(Key)
        return Writer()

    def update_item(self, Key, UpdateExpression, ExpressionAttributeValues):
        self.requests["UpdateItem"] += 1
        op, attr, ref = UpdateExpression.split()
        value = ExpressionAttributeValues[ref]
        item = self.aux.setdefault(Key["token"], dict(Key))
        if isinstance(value, set):
            item[attr] = (set(item.get(attr) or ()) | value) if op == "ADD" else (set(item.get(attr) or ()) - value)
        else:
            item[attr] = item.get(attr, 0) + value

    # reads
    def batch_get_item(self, RequestItems):
        self.requests["BatchGetItem"] += 1
        (name, req), = RequestItems.items()
        found = [self.aux[k["token"]] for k in req["Keys"] if k["code"] == "#" and k["token"] in self.aux]
        self.items_read += len(found)
        return {"Responses": {name: [dict(i) for i in found]}}

    def query(self, KeyConditionExpression, ExclusiveStartKey=None, Limit=None):
        self.requests["Query"] += 1
        token, lo, hi = None, 0, None
        expr = KeyConditionExpression.get_expression()
        for part in (expr["values"] if expr["operator"] == "AND" else (KeyConditionExpression,)):
            p = part.get_expression()
            if p["operator"] == "=":
                token = p["values"][1]
            elif p["operator"] == "begins_with":
                lo = ord(p["values"][1]) << self.SHIFT
                hi = (ord(p["values"][1]) + 1) << self.SHIFT
            elif p["operator"] != ">" or p["values"][1] != "#":
                raise NotImplementedError(p)
        part = self.parts.get(token, [])
        start = bisect.bisect_right(part, self._sk(ExclusiveStartKey["code"])) if ExclusiveStartKey else 0
        start = max(start, bisect.bisect_left(part, lo))
        end = len(part) if hi is None else bisect.bisect_left(part, hi)
        mask = (1 << self.SHIFT) - 1
        items, size, extra = [], 0, 5 + len(token.encode())
        at = start
        while at < end and (Limit is None or len(items) < Limit):
            k = part[at]
            i = k & mask
            size += self.base[i] + extra
            if size > MB:
                break
            item = {**self.attrs[i], "token": token, "code": chr(k >> self.SHIFT) + self.codes[i]}
            if (token, k) in self.dups:
                item["dup"] = True
            items.append(item)
            at += 1
        self.items_read += len(items)
        resp = {"Items": items}
        if at < end:
            resp["LastEvaluatedKey"] = {"token": token, "code": items[-1]["code"]} if items else ExclusiveStartKey
        return resp


class ShownProfiles:
    """The public side as the new search reads it for the results shown (PublicRepository.profiles:
    one BatchGetItem of up to 100 profiles, each with its search summary): the generator's profile
    and no copies; counts the requests."""

    def __init__(self, names: Names):
        self.names, self.reads = names, 0

    def _profile(self, code: str) -> dict:
        return {"code": code, "uscc": code, "name": self.names.names[int(code[4:])], "status": "存续", "sk": "#profile",
                "search": {"records": 0, "facts": []}}

    def enterprise(self, code: str):
        self.reads += 1
        return self._profile(code), []

    def profiles(self, codes: list[str]) -> dict[str, dict]:
        self.reads += -(-len(codes) // 100)         # BatchGetItem of up to 100 keys
        return {c: self._profile(c) for c in codes}


# --- today's algorithm (services/public.py before issue #22) --------------------------------------
def _old_tokens(name: str) -> list[str]:
    n = "".join(name.split()).upper()
    return sorted({n[i:i + 2] for i in range(len(n) - 1)})


def today_first_page(index: MemoryIndex, names: Names, q: str) -> tuple[list[str], dict]:
    """One request as it was: Query the smallest bigram with Limit = page size, BatchGet the profiles
    of every entry read, keep those whose name holds the query."""
    from boto3.dynamodb.conditions import Key
    wanted = "".join(q.split()).upper()
    token = _old_tokens(wanted)[0]
    resp = index.query(KeyConditionExpression=Key("token").eq(token) & Key("code").gt("#"), Limit=PAGE)
    codes = [i["code"][1:] for i in resp["Items"] if not i.get("dup")]
    matches = [c for c in codes if wanted in names.names[int(c[4:])].upper()]
    return matches, {"items": len(codes), "index_requests": 1, "profile_reads": len(codes),
                     "requests": 1 + (len(codes) + 99) // 100}


def today_fill(index: MemoryIndex, names: Names, q: str) -> dict:
    """Items and requests until a page of PAGE true matches (or the partition's end): the cursors'
    walk, counted on the same partition in the same order."""
    wanted = "".join(q.split()).upper()
    token = _old_tokens(wanted)[0]
    part = index.parts.get(token, [])
    found = read = 0
    mask = (1 << index.SHIFT) - 1
    for k in part:
        if (token, k) in index.dups:
            continue
        i = k & mask
        read += 1
        if wanted in names.names[i].upper():
            found += 1
            if found == PAGE:
                break
    pages = max(1, -(-read // PAGE))
    return {"items": read, "requests": pages * 2, "index_requests": pages}


# --- the run -----------------------------------------------------------------------------------
def _dist(values: list[int]) -> dict:
    v = sorted(values)

    def q(p: float) -> int:
        return v[min(len(v) - 1, int(p * len(v)))]
    return {"median": statistics.median(v), "p95": q(0.95), "p99": q(0.99), "max": v[-1], "mean": round(sum(v) / len(v), 1)}


def measure(n: int, queries: int) -> dict:
    set_env()
    from chalicelib.catalog import load_catalog
    from chalicelib.dal.registry import RegistryRepository
    from chalicelib.services.public import PublicService

    started = time.time()
    names = Names(n)
    codes = [names.code(i) for i in range(n)]
    log(f"search: {n} names generated in {time.time() - started:.0f} s")
    index = MemoryIndex(codes)
    repo = RegistryRepository(None, index)
    t = time.time()
    for start in range(0, n, 1000):
        repo.index_names([{"code": codes[i], "name": names.names[i], "status": "存续", "former_names": []}
                          for i in range(start, min(n, start + 1000))])
    build = {"seconds": round(time.time() - t, 1), "requests": dict(index.requests),
             "entries": sum(len(p) for p in index.parts.values()), "tokens": len(index.parts)}
    build["entries_per_name"] = round(build["entries"] / n, 2)
    biggest = sorted(((len(p), t) for t, p in index.parts.items()), reverse=True)[:5]
    build["largest_partitions"] = {t: f"{c / n:.0%}" for c, t in biggest}
    log(f"search: index built in {build['seconds']} s, {build['entries']} entries")

    profiles = ShownProfiles(names)
    service = PublicService(load_catalog(), profiles, repo)
    mix = names.queries(queries)
    new = defaultdict(list)
    old = defaultdict(list)
    hits = {"new": Counter(), "today": Counter(), "n": Counter()}
    gap: Counter = Counter()
    t = time.time()
    for kind, q, wanted in mix:
        code = codes[wanted]
        hits["n"][kind] += 1
        index.reset_counts()
        profiles.reads = 0
        page = service._search(q, PAGE, None, "2026-12-07", None, None)
        new["items"].append(index.items_read)
        new["index_queries"].append(index.requests["Query"])
        new["requests"].append(sum(index.requests.values()))
        new["public_requests"].append(profiles.reads)
        hits["new"][kind] += any(i["code"] == code for i in page["items"])
        if kind == "zihao":
            _explain(gap, names, q, wanted, [int(i["code"][4:]) for i in page["items"]])
        index.reset_counts()
        matches, cost = today_first_page(index, names, q)
        for k, v in cost.items():
            old["first_" + k].append(v)
        hits["today"][kind] += code in matches
        fill = today_fill(index, names, q)
        old["fill_items"].append(fill["items"])
        old["fill_requests"].append(fill["requests"])
    seconds = time.time() - t
    # 字号 alone: how many names carry exactly the wanted 字号. A query drawn uniformly over enterprises
    # can be on the first page of PAGE with probability PAGE / K at best for ANY ranking that does not
    # know which of the K equally-named enterprises the searcher means (even one that knew the 字号
    # segment of every name): the ceiling of this draw.
    ks = [names.zihao_count[names.parts[w][1]] for kind, q, w in mix if kind == "zihao"]
    zihao = {"names_with_the_same_zihao": _dist(ks),
             "ceiling_first_page_share": round(sum(min(1.0, PAGE / k) for k in ks) / len(ks), 4) if ks else None,
             "gap": {k: round(v, 1) for k, v in sorted(gap.items())}}
    share = {alg: {kind: round(hits[alg][kind] / hits["n"][kind], 4) for kind in hits["n"]}
             for alg in ("new", "today")}
    for alg in ("new", "today"):
        share[alg]["all"] = round(sum(hits[alg].values()) / len(mix), 4)
    return {"names": n, "queries": len(mix), "build": build, "query_seconds": round(seconds, 1),
            "new": {k: _dist(v) for k, v in new.items()}, "today": {k: _dist(v) for k, v in old.items()},
            "first_page_share": share, "zihao_alone": zihao, "mix": dict(hits["n"])}


def _explain(gap: Counter, names: Names, q: str, wanted: int, shown: list[int]) -> None:
    """Where a 字号-alone first page falls short of the ceiling: queries whose 字号 at most a page of
    names share and still missed; for the others, found vs expected (PAGE / K); and the results shown
    that are not of the wanted 字号, by kind and fit (domain.name_search.score) — what ranks them there."""
    from chalicelib.domain.name_search import normalize_name, score
    z = names.parts[wanted][1]
    k = names.zihao_count[z]
    found = wanted in shown
    if k <= PAGE:
        gap["k<=page: queries"] += 1
        gap["k<=page: missed"] += not found
    else:
        gap["k>page: queries"] += 1
        gap["k>page: found"] += found
        gap["k>page: expected (page/K)"] += PAGE / k
    for i in shown:
        if names.parts[i][1] != z:
            kind, fit = score([names.names[i]], normalize_name(q))
            gap[f"results of another 字号: {('exact', 'prefix', 'contains')[kind]}, fit {fit}"] += 1


def run(sizes: list[int], queries: int) -> dict:
    return {"sizes": {str(n): measure(n, queries) for n in sizes}}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search")
    parser.add_argument("size", type=int)
    parser.add_argument("--queries", type=int, default=5000)
    parser.add_argument("--out")
    args = parser.parse_args()
    result = measure(args.size, args.queries)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.out:
        Path(args.out).write_text(text)
    print(text, file=sys.stdout)


if __name__ == "__main__":
    main()
