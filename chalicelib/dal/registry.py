"""The enterprise registry: enterprise items, 注册号 alias items, and the name-search index.

The name index (table `name_index`, pk `token`, sk `code`; issue #22):
- one entry per character bigram of an enterprise's current and former names and the character
  that follows it there (END at a name's end), `{token: bigram, code: follower + code, name,
  former?, status?, dup?}` — the names ride on the entry, so a search matches on the entries of one
  bigram without reading profiles, and reads only those of its next character when it has one
  (`dup`: the enterprise's entries of the bigram after its first follower, skipped by a walk of the
  whole bigram so each enterprise comes once);
- per bigram a count item `{token, code: "#", n}`: how many enterprises' names hold it, kept at
  indexing (+1/-1 as names come and go); a bigram without one is rare (0); the count item of
  token TOTAL: how many enterprises are indexed (a query of common bigrams only is refused);
- per normalised full name an exact-name item `{token: "==" + name, code: "#", codes}`: a full
  name is answered by one read;
- per enterprise a mark `{token: "##" + code, code: "#", names, status}`: what it is indexed
  under. Entries are written only when that changes (a republished record with the same name and
  status writes nothing; see index_names for the order of the writes).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from boto3.dynamodb.conditions import Key

from chalicelib.dal.batch import Put, batch_get, put_all, query_page
from chalicelib.dal.items import from_item, to_item
from chalicelib.domain.name_search import (
    START,
    TOTAL,
    index_delta,
    indexed_state,
    name_pairs,
    name_tokens,
    names_tokens,
)
from chalicelib.models.record import Enterprise

__all__ = ["AUX", "RegistryRepository", "indexed_state", "name_tokens"]

AUX = START          # sort key of the index's own items (counts, exact names, marks): before every code
EXACT_KEY = "=="     # token prefix of an exact-name item
MARK_KEY = "##"      # token prefix of an enterprise's mark
INDEX_VERSION = 2    # marks of entries keyed follower + code (1, absent: keyed by the code alone)


class RegistryRepository:
    def __init__(self, enterprises_table, name_index_table, page_items: int | None = None):
        """`page_items`: a Limit on the name index's pages (None: DynamoDB's 1 MB pages; the emulator
        serialises each item slowly, so a test walking thousands of entries sets one)."""
        self.table = enterprises_table
        self.names = name_index_table
        self.page_items = page_items

    def _batch_get(self, codes: list[str]) -> list[dict]:
        return [from_item(i) for i in batch_get(self.table, [{"code": c} for c in codes])]

    def lookup(self, codes: Iterable[str]) -> dict[str, Enterprise]:
        """code (USCC or 注册号) → Enterprise, for the codes the registry knows."""
        return self.lookup_all(codes)[0]

    def lookup_all(self, codes: Iterable[str]) -> tuple[dict[str, Enterprise], dict[str, str]]:
        """lookup(), and code → the name an `elsewhere` enterprise is known by (its first name given),
        from the same reads."""
        wanted = [c for c in dict.fromkeys(codes) if c]
        found: dict[str, Enterprise] = {}
        aliases: dict[str, str] = {}
        elsewhere: dict[str, str] = {}
        for item in self._batch_get(wanted):
            if item.get("kind") == "alias":
                aliases[item["code"]] = item["uscc"]
            elif item.get("kind") == "elsewhere":
                elsewhere[item["code"]] = item["name"]
            else:
                found[item["code"]] = Enterprise.model_validate(_strip(item))
        missing = [u for u in set(aliases.values()) if u not in found]
        for item in self._batch_get(missing):
            found[item["code"]] = Enterprise.model_validate(_strip(item))
        for regno, uscc in aliases.items():
            if uscc in found:
                found[regno] = found[uscc]
        return found, elsewhere

    def hold_elsewhere_names(self, names: dict[str, str]) -> dict[str, str]:
        """Remember the first name given for each new `elsewhere` code (SPEC §3: it is the enterprise's
        public name; later records never rename it). One conditional put per code new to the platform:
        a code another batch claimed meanwhile keeps its name, returned as code → name (a code registered
        meanwhile is left to the registry). A registration of the code replaces the item."""
        taken = []
        for code, name in names.items():
            try:
                self.table.put_item(Item={"code": code, "kind": "elsewhere", "name": name},
                                    ConditionExpression="attribute_not_exists(code)")
            except self.table.meta.client.exceptions.ConditionalCheckFailedException:
                taken.append(code)
        return self.lookup_all(taken)[1] if taken else {}

    def get(self, code: str) -> Enterprise | None:
        return self.lookup([code]).get(code)

    def save(self, enterprises: list[Enterprise], also: dict[str, list[Put]] | None = None) -> None:
        """Write enterprises and the alias items of their 注册号, transactions of up to 100 puts; the
        puts `also[code]` (its 双告知 notices) go into the transaction of the enterprise `code`."""
        groups = []
        for e in enterprises:
            group = [Put(self.table, {**to_item(e.model_dump()), "kind": "enterprise"}, ("code",))]
            if e.uscc and e.regno:
                group.append(Put(self.table, {"code": e.regno, "kind": "alias", "uscc": e.uscc}, ("code",)))
            groups.append(group + (also or {}).get(e.code, []))
        put_all(groups)

    # --- name index -------------------------------------------------------------------------

    def index_names(self, profiles: list[dict]) -> None:
        """Index the names of enterprises that have a public profile: only those whose names or status
        differ from their mark. In this order, each step idempotent or harmless to repeat: the entries
        (puts and deletes), the counts (one UpdateItem ADD per token whose count moves, summed over the
        call) and exact-name items, then the marks. A crash before the marks are written makes the re-run
        count those tokens again: a count may run high, never low (it only chooses which key to read;
        a low one could send a search to a huge partition). No transactions: on the emulator each
        transactional action copies the whole table."""
        self._reindex({p["code"]: indexed_state(p) for p in profiles})

    def unindex_names(self, codes: Iterable[str]) -> None:
        """Take enterprises that left the public side out of the index: their entries, their part of
        the counts and exact names, their marks (indexed again in full if they come back)."""
        self._reindex(dict.fromkeys(codes))

    def _reindex(self, fresh: dict[str, dict | None]) -> None:
        """code → what it is to be indexed under now (None: nothing); writes only what changes."""
        if not fresh:
            return
        marks = {i["token"][len(MARK_KEY):]: from_item(i)
                 for i in batch_get(self.names, [{"token": MARK_KEY + c, "code": AUX} for c in fresh])}
        changed = {c: s for c, s in fresh.items()
                   if (s is None and c in marks) or (s and (not marks.get(c)
                                                            or _marked(marks[c]) != {**s, "v": INDEX_VERSION}))}
        if not changed:
            return
        counts: Counter = Counter()
        exact: dict[tuple[str, str], set[str]] = {}      # ("ADD"|"DELETE", normalised name) → codes
        with self.names.batch_writer(overwrite_by_pkeys=["token", "code"]) as batch:
            for code, state in changed.items():
                mark = marks.get(code) or {}
                before = mark.get("names") or []
                now = state["names"] if state else []
                gained, lost, named, unnamed = index_delta(before, now)
                pairs = name_pairs(now)
                first = {}
                for token, nxt in sorted(pairs):
                    first.setdefault(token, nxt)
                entry = to_item({"name": now[0], "former": now[1:] or None, "status": state["status"]}) if state else {}
                for token, nxt in sorted(pairs):
                    batch.put_item(Item={**entry, "token": token, "code": nxt + code,
                                         **({"dup": True} if first[token] != nxt else {})})
                if mark.get("v") == INDEX_VERSION:
                    old_keys = {(t, nxt + code) for t, nxt in name_pairs(before)}
                else:      # indexed before followers: the entries' sort key was the code
                    old_keys = {(t, code) for t in names_tokens(before)}
                for token, sk in sorted(old_keys - {(t, nxt + code) for t, nxt in pairs}):
                    batch.delete_item(Key={"token": token, "code": sk})
                counts.update(gained)
                counts.subtract(lost)
                for op, names in (("DELETE", unnamed), ("ADD", named)):
                    for n in names:
                        exact.setdefault((op, n), set()).add(code)
        counts[TOTAL] = (sum(1 for c, state in changed.items() if state and c not in marks)
                         - sum(1 for c, state in changed.items() if not state))
        for token, delta in sorted(counts.items()):
            if delta:
                self.names.update_item(Key={"token": token, "code": AUX}, UpdateExpression="ADD n :d",
                                       ExpressionAttributeValues={":d": delta})
        for (op, name), codes in sorted(exact.items()):
            self.names.update_item(Key={"token": EXACT_KEY + name, "code": AUX}, UpdateExpression=f"{op} codes :c",
                                   ExpressionAttributeValues={":c": codes})
        with self.names.batch_writer(overwrite_by_pkeys=["token", "code"]) as batch:
            for code, state in changed.items():
                if state:
                    batch.put_item(Item=to_item({"token": MARK_KEY + code, "code": AUX, **state, "v": INDEX_VERSION}))
                else:
                    batch.delete_item(Key={"token": MARK_KEY + code, "code": AUX})

    def name_keys(self, tokens: Iterable[str], name: str) -> tuple[dict[str, int], list[str]]:
        """The counts of `tokens` (and TOTAL: the enterprises indexed) and the codes whose current or
        former normalised name is `name`: one BatchGetItem (up to 98 tokens)."""
        keys = [{"token": t, "code": AUX} for t in sorted({*tokens, TOTAL})] + [{"token": EXACT_KEY + name, "code": AUX}]
        counts, codes = {}, []
        for item in batch_get(self.names, keys):
            if item["token"] == EXACT_KEY + name:
                codes = sorted(item.get("codes") or [])
            else:
                counts[item["token"]] = int(item.get("n", 0))
        return counts, codes

    def name_page(self, key: str, after: dict | None) -> tuple[list[dict], dict | None]:
        """One page (≤ 1 MB, no Limit) of the entries of search key `key` after `after` (a key at AUX:
        from the start): a bigram (each enterprise once: its entries of other followers are skipped)
        or a bigram + follower (the entries it prefixes). Entries as {code, name, former?, status?,
        key: their sort key}; `after` and the key returned hold `key` as their token."""
        token, nxt = key[:2], key[2:]
        limit = {"Limit": self.page_items} if self.page_items else {}
        start = {"token": token, "code": after["code"]} if after and after["code"] != AUX else None
        items, last = query_page(self.names, start, KeyConditionExpression=Key("token").eq(token) & (
            Key("code").begins_with(nxt) if nxt else Key("code").gt(AUX)), **limit)
        entries = [{**from_item(i), "code": i["code"][1:], "key": i["code"]} for i in items
                   if nxt or not i.get("dup")]
        return entries, {"token": key, "code": last["code"]} if last else None


def _marked(mark: dict) -> dict:
    return {"names": mark.get("names") or [], "status": mark.get("status"), "v": mark.get("v")}


def _strip(item: dict) -> dict:
    return {k: v for k, v in item.items() if k != "kind"}
