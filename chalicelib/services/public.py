"""Public reads (公示查询, 联合惩戒 credit check): only the public table, so only masked,
published copies can ever appear here."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from chalicelib import pagination
from chalicelib.clock import now_iso, today
from chalicelib.dal.registry import name_tokens
from chalicelib.domain.identifiers import is_regno_format, is_uscc_format, normalize_code
from chalicelib.domain.projection import restrictions, search_flags, served
from chalicelib.errors import BadRequest, NotFound

NAME_INDEX = pagination.Shape({"token", "code"})
PROFILE_KEYS = ("code", "name", "uscc", "regno", "registered_elsewhere", "status", "former_names")


def _profile(p: dict) -> dict:
    return {k: p.get(k) for k in PROFILE_KEYS}


def _looks_like_code(q: str) -> bool:
    return is_uscc_format(q) or is_regno_format(q)


def _region(profile: dict) -> str | None:
    """The 6-digit administrative code the enterprise was registered in (USCC digits 3–8, else
    the 注册号's first 6 digits)."""
    uscc, regno = profile.get("uscc") or "", profile.get("regno") or ""
    if is_uscc_format(uscc) and uscc[2:8].isdigit() and not uscc.startswith("00"):
        return uscc[2:8]
    return regno[:6] if is_regno_format(regno) else None


def _search_item(profile: dict, copies: list[dict], day: str) -> dict:
    """One search result: the profile, its tags (受限 / 异常 / 外地登记), its region and how many
    records it has published."""
    return {**_profile(profile), "registered_elsewhere": bool(profile.get("registered_elsewhere")),
            **search_flags(copies, day), "region": _region(profile)}


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

    def search(self, q: str | None, limit: int, cursor: str | None, region: str | None = None) -> dict:
        """By code, or by part of the name; `region` (6-digit code) keeps the enterprises
        registered there (applied to each page of the name index, so a page may hold fewer)."""
        q = (q or "").strip()
        if not q:
            raise BadRequest("请输入企业名称或统一社会信用代码", details=[{"field": "q", "code": "REQUIRED"}])
        if region and not (len(region) == 6 and region.isascii() and region.isdigit()):
            raise BadRequest("区域代码应为 6 位数字", details=[{"field": "region", "code": "BAD_REQUEST"}])
        found = self._search(q, limit, cursor, today().isoformat())
        if region:
            found["items"] = [i for i in found["items"] if i["region"] == region]
        return found

    def _search(self, q: str, limit: int, cursor: str | None, day: str) -> dict:
        code = normalize_code(q)
        if _looks_like_code(code):
            profile, copies = self.public.enterprise(code)
            return {"items": [_search_item(profile, copies, day)] if profile else [], "next_cursor": None}
        wanted = "".join(q.split()).upper()
        if len(wanted) < 2:
            raise BadRequest("名称关键词至少两个字", details=[{"field": "q", "code": "TOO_SHORT"}])
        token = sorted(name_tokens(wanted))[0]
        after = pagination.read(cursor, NAME_INDEX, {"token": token}).key
        codes, last = self.registry.search_token(token, limit, after)
        profiles = self.public.profiles(codes)
        matches = [c for c in codes if (p := profiles.get(c))
                   and any(wanted in "".join(n.split()).upper() for n in [p["name"], *(p.get("former_names") or [])])]
        items = [_search_item(*self.public.enterprise(c), day) for c in matches]   # one Query each
        return {"items": items, "next_cursor": pagination.encode(last)}

    def credit_check(self, code: str, as_of: date | None = None) -> dict:
        """联合惩戒: restricted while on either list (not removed) or under an active ban."""
        return self._check(*self._read(code), (as_of or today()).isoformat())

    @staticmethod
    def _check(profile: dict, copies: list[dict], day: str) -> dict:
        reasons = restrictions(copies, day)
        return {"code": profile["code"], "name": profile["name"], "restricted": bool(reasons),
                "reasons": reasons, "checked_at": now_iso()}
