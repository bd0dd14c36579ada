"""Public reads (公示查询, 联合惩戒 credit check): only the public table, so only masked,
published copies can ever appear here."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from chalicelib import pagination
from chalicelib.clock import now_iso, today
from chalicelib.domain import name_search as ns
from chalicelib.domain.identifiers import is_regno_format, is_uscc_format, normalize_code
from chalicelib.domain.projection import SEARCH_SUMMARY, restrictions, search_summary, served, summary_flags
from chalicelib.errors import BadRequest, NotFound

NAME_INDEX = pagination.Shape({"token", "code"}, optional={"end", "skip"})   # see _Walk
MAX_SKIP = 100_000          # more matches than two 1 MB index pages hold
MAX_NAME_PAGES = 2          # index pages (≤ 1 MB each) read by one search request
MAX_QUERY_CHARS = 100       # longer than any enterprise name
STATUSES = ("存续", "在业", "吊销", "注销", "迁出")
PROFILE_KEYS = ("code", "name", "uscc", "regno", "registered_elsewhere", "status", "former_names")


class QueryTooCommon(BadRequest):
    """A name query made only of bigrams that most names hold (有限公司, 公司): it cannot narrow a
    search, and would read the largest partitions of the index for a page nobody looks for."""
    code = "QUERY_TOO_COMMON"

    def __init__(self, q: str):
        super().__init__(f"“{q}”是大量企业名称共有的字词，无法据此查找企业：请输入企业字号（如“鑫源”）、"
                         "地名加字号或完整名称，或输入统一社会信用代码",
                         details=[{"field": "q", "code": "QUERY_TOO_COMMON",
                                   "suggestion": "加上企业字号或地名，例如“广元鑫源商贸有限公司”"}])


def _is_skip(v: str) -> bool:
    return v.isascii() and v.isdigit() and 0 < int(v) <= MAX_SKIP


class _Walk:
    """The matches of one search key, a page at a time, ranked by window (issue #22).

    A window is what one request reads from a start key: index pages (≤ MAX_NAME_PAGES) until it
    holds the page's room of matches, or the key's entries end. Its matches are shown in rank order
    (ns.order_key: exact > prefix > contains, then a whole 字号 above one straddling the name's parts,
    then shorter names), the best first — so the first page is the best `room` of everything its
    pages read, not the first `room` in key order. A window shown only in part is read again by
    the next request: the cursor {token, code: the window's start, end: its last key, skip: how many
    of its ranked matches were shown} resumes exactly — no repeats, no gaps — as long as the window
    is unchanged (order_key is total); then the walk goes on after `end`, filling the page from new
    windows within the request's budget of MAX_NAME_PAGES new pages. A cursor without end/skip is
    the start of a window not read yet."""

    def __init__(self, registry, key: str, wanted: str, region: str | None, status: str | None):
        self.registry, self.key, self.wanted, self.region, self.status = registry, key, wanted, region, status

    def page(self, after: dict | None, room: int) -> tuple[list[dict], dict | None]:
        """Up to `room` matching entries (the exact names excepted: the first page shows them from
        their key) and the position to resume after them (None: the key's entries are done)."""
        start = after or {"token": self.key, "code": ns.START}
        if room <= 0:        # the exact names filled the page: the rest from the partition's start
            return [], start
        found: list[dict] = []
        if "end" in start:   # inside a window a page before showed in part: read it again
            ranked, end, more = self._window(start["code"], end=start["end"])
            skip = int(start["skip"])
            found = ranked[skip:skip + room]
            if skip + len(found) < len(ranked):
                return found, {**start, "skip": str(skip + len(found))}
            if not more:
                return found, None
            start = {"token": self.key, "code": end}
        if len(found) < room:
            need = room - len(found)
            ranked, end, more = self._window(start["code"], need=need)
            found += ranked[:need]
            if len(ranked) > need:
                return found, {"token": self.key, "code": start["code"], "end": end, "skip": str(need)}
            start = {"token": self.key, "code": end}
        return found, start if more else None

    def _window(self, after: str, need: int = 0, end: str | None = None) -> tuple[list[dict], str, bool]:
        """The ranked matches of the entries after sort key `after` — up to `end` (inclusive) when
        given, else pages until `need` matches —, the window's last key, and whether entries may follow."""
        scored, last_key = [], after
        position = None if after == ns.START else {"token": self.key, "code": after}
        for _ in range(MAX_NAME_PAGES):
            entries, last = self.registry.name_page(self.key, position)
            for e in entries:
                if end is not None and e["key"] > end:
                    return _ranked(scored), end, True
                s = ns.order_key(e, self.wanted)
                if (s[0] is not None and s[0][0] != ns.EXACT
                        and (not self.region or _code_region(e["code"]) == self.region)
                        and (not self.status or e.get("status") == self.status)):
                    scored.append((s, e))
                last_key = e["key"]
            if last is None:
                return _ranked(scored), last_key, False
            last_key = last["code"]
            if (end is not None and last_key >= end) or (end is None and len(scored) >= need):
                break
            position = last
        return _ranked(scored), end if end is not None else last_key, True


def _ranked(scored: list[tuple]) -> list[dict]:
    return [e for _, e in sorted(scored, key=lambda x: x[0])]


def _profile(p: dict) -> dict:
    return {k: p.get(k) for k in PROFILE_KEYS}


def _looks_like_code(q: str) -> bool:
    return is_uscc_format(q) or is_regno_format(q)


def _code_region(code: str) -> str | None:
    """The region of an index entry, from its code (a USCC, else a 注册号)."""
    return _region({"uscc": code} if is_uscc_format(code) else {"regno": code})


def _region(profile: dict) -> str | None:
    """The 6-digit administrative code the enterprise was registered in (USCC digits 3–8, else
    the 注册号's first 6 digits)."""
    uscc, regno = profile.get("uscc") or "", profile.get("regno") or ""
    if is_uscc_format(uscc) and uscc[2:8].isdigit() and not uscc.startswith("00"):
        return uscc[2:8]
    return regno[:6] if is_regno_format(regno) else None


def _search_item(profile: dict, summary: dict, day: str) -> dict:
    """One search result: the profile, its tags (受限 / 异常 / 外地登记), its region and how many
    records it has published (`summary`: domain.projection.search_summary of its public items)."""
    return {**_profile(profile), "registered_elsewhere": bool(profile.get("registered_elsewhere")),
            **summary_flags(summary, day), "region": _region(profile)}


class PublicService:
    def __init__(self, catalog, public, registry):
        self.catalog = catalog
        self.public = public
        self.registry = registry

    def enterprise(self, code: str) -> dict:
        return self._page(*self._read(code))

    def report(self, code: str, attest) -> dict:
        """企业信用信息报告 (SPEC §6.3): the enterprise page and, from the same read, today's credit
        check signed by `attest` (AttestationService.attest), with the moment the report was made."""
        profile, copies = self._read(code)
        check = attest(self._check(profile, copies, today().isoformat()))
        return {**self._page(profile, copies), "credit_check": check, "made_at": now_iso()}

    def _read(self, code: str) -> tuple[dict, list[dict]]:
        profile, copies = self.public.enterprise(normalize_code(code))
        if profile is None:
            raise NotFound("未找到该企业的公示信息")
        return profile, copies

    def _page(self, profile: dict, copies: list[dict]) -> dict:
        groups: dict[str, list] = defaultdict(list)
        for c in sorted(copies, key=lambda c: (c.get("decision_date") or "", c["record_id"]), reverse=True):
            groups[c["category"]].append(served(c))
        categories = [{"category": cid, "name": cat.name, "records": groups.get(cid, [])}
                      for cid, cat in self.catalog.categories.items()]
        return {"enterprise": _profile(profile), "categories": categories,
                "total": sum(len(v) for v in groups.values())}

    def search(self, q: str | None, limit: int, cursor: str | None, region: str | None = None,
               status: str | None = None) -> dict:
        """By code, or by part of the name (SPEC §6.3); `region` (6-digit code) keeps the enterprises
        registered there, `status` those with that registry status (存续, 在业, 吊销, 注销, 迁出)."""
        q = (q or "").strip()
        if not q:
            raise BadRequest("请输入企业名称或统一社会信用代码", details=[{"field": "q", "code": "REQUIRED"}])
        if len(q) > MAX_QUERY_CHARS:
            raise BadRequest(f"查询内容不能超过 {MAX_QUERY_CHARS} 个字", details=[{"field": "q", "code": "TOO_LONG"}])
        if region and not (len(region) == 6 and region.isascii() and region.isdigit()):
            raise BadRequest("区域代码应为 6 位数字", details=[{"field": "region", "code": "BAD_REQUEST"}])
        if status and status not in STATUSES:
            raise BadRequest("登记状态应为 " + "、".join(STATUSES) + " 之一",
                             details=[{"field": "status", "code": "BAD_REQUEST"}])
        return self._search(q, limit, cursor, today().isoformat(), region or None, status or None)

    def _search(self, q: str, limit: int, cursor: str | None, day: str, region: str | None,
                status: str | None) -> dict:
        code = normalize_code(q)
        if _looks_like_code(code):
            profile, copies = self.public.enterprise(code)
            item = _search_item(profile, search_summary(copies), day) if profile else None
            keep = item and (not region or item["region"] == region) and (not status or item["status"] == status)
            return {"items": [item] if keep else [], "next_cursor": None}
        wanted = ns.normalize_name(q)
        if len(wanted) < 2:
            raise BadRequest("名称关键词至少两个字", details=[{"field": "q", "code": "TOO_SHORT"}])
        tokens = ns.name_tokens(wanted)
        after = pagination.read(cursor, NAME_INDEX, {"token": lambda k: k in ns.search_keys(wanted),
                                                     "skip": _is_skip}).key
        exact: list[str] = []
        if after is None:     # first page: the exact-name key and the counts in one read
            counts, exact = self.registry.name_keys(tokens, wanted)
            if not exact and ns.too_common(tokens, counts):
                raise QueryTooCommon(q)
            key = ns.search_key(wanted, counts)
            exact = [c for c in exact if not region or _code_region(c) == region][:limit]
        else:
            key = after["token"]
            window = "end" in after
            if window != ("skip" in after) or (window and after["end"] <= after["code"]) or not all(
                    after[a] == ns.START or after[a].startswith(key[2:]) for a in ("code", "end") if a in after):
                raise pagination.BadCursor("outside its key")
        found, last = _Walk(self.registry, key, wanted, region, status).page(after, limit - len(exact))
        shown = [*exact, *(e["code"] for e in found)]
        profiles = self.public.profiles(shown) if shown else {}     # the results shown: one BatchGetItem
        items = []
        for c in shown:
            profile = profiles.get(c)
            if profile and (not status or profile.get("status") == status or c not in exact):
                if profile.get(SEARCH_SUMMARY) is None:     # a profile stored before it kept its summary
                    profile, copies = self.public.enterprise(c)
                    summary = search_summary(copies)
                else:
                    summary = profile[SEARCH_SUMMARY]
                items.append(_search_item(profile, summary, day))
        return {"items": items, "next_cursor": pagination.encode(last)}

    def credit_check(self, code: str, as_of: date | None = None) -> dict:
        """联合惩戒: restricted while on either list (not removed) or under an active ban."""
        return self._check(*self._read(code), (as_of or today()).isoformat())

    @staticmethod
    def _check(profile: dict, copies: list[dict], day: str) -> dict:
        reasons = restrictions(copies, day)
        return {"code": profile["code"], "name": profile["name"], "restricted": bool(reasons),
                "reasons": reasons, "checked_at": now_iso()}
