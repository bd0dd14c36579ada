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

NAME_INDEX = pagination.Shape({"token", "code"})
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
        after = pagination.read(cursor, NAME_INDEX, {"token": lambda k: k in ns.search_keys(wanted)}).key
        exact: list[str] = []
        if after is None:     # first page: the exact-name key and the counts in one read
            counts, exact = self.registry.name_keys(tokens, wanted)
            if not exact and ns.too_common(tokens, counts):
                raise QueryTooCommon(q)
            key = ns.search_key(wanted, counts)
            exact = [c for c in exact if not region or _code_region(c) == region][:limit]
        else:
            key = after["token"]
            if len(key) > 2 and not (after["code"] == ns.START or after["code"].startswith(key[2:])):
                raise pagination.BadCursor("outside its key")
        found, last = self._walk(key, after, wanted, limit - len(exact), region, status)
        ranked = sorted(found, key=lambda e: (ns.rank(ns.entry_names(e), wanted), len(e["name"]), e["name"], e["code"]))
        shown = [*exact, *(e["code"] for e in ranked)]
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

    def _walk(self, key: str, after: dict | None, wanted: str, room: int, region: str | None,
              status: str | None) -> tuple[list[dict], dict | None]:
        """Up to `room` entries of search key `key` that match (the exact names excepted: the first
        page shows them from their key), from at most MAX_NAME_PAGES pages; the key to resume exactly
        after them."""
        found: list[dict] = []
        if room <= 0:        # the exact names filled the page: the rest from the partition's start
            return found, after or {"token": key, "code": ns.START}
        for _ in range(MAX_NAME_PAGES):
            entries, last = self.registry.name_page(key, after)
            for n, e in enumerate(entries):
                if (ns.rank(ns.entry_names(e), wanted) in (ns.PREFIX, ns.CONTAINS)
                        and (not region or _code_region(e["code"]) == region)
                        and (not status or e.get("status") == status)):
                    found.append(e)
                    if len(found) == room:
                        more = n + 1 < len(entries) or last is not None
                        return found, {"token": key, "code": e["key"]} if more else None
            if last is None:
                return found, None
            after = last
        return found, after

    def credit_check(self, code: str, as_of: date | None = None) -> dict:
        """联合惩戒: restricted while on either list (not removed) or under an active ban."""
        return self._check(*self._read(code), (as_of or today()).isoformat())

    @staticmethod
    def _check(profile: dict, copies: list[dict], day: str) -> dict:
        reasons = restrictions(copies, day)
        return {"code": profile["code"], "name": profile["name"], "restricted": bool(reasons),
                "reasons": reasons, "checked_at": now_iso()}
