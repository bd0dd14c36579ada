"""What is public — the one definition (SPEC §5 "the public side is a projection").

Everything the public side serves about a record is derived here, from the record's current
published version, its enterprise's public profile and the catalog, and nowhere else:

- `Projection.copy` — the public copy: the enterprise page's record, an open-data row, and the
  content of the change feed's `publish` entry;
- `Projection.credit` — the credit-check facts (联合惩戒) the copy contributes, evaluated against
  a day by `active_reasons`;
- `Projection.feed_entry(at)` — the change feed entry of its publication, and `compacted`: what
  is left of an entry whose content is no longer public;
- an enterprise with no public record left has no profile (page, search and credit check 404);
  the name-search index is kept by dal/registry.py from the profile (domain/name_search.py);
- `restrictions(items, day)` — the credit check's reasons from the enterprise's stored public items;
  `search_summary(items)` (kept on the profile) and `summary_flags(summary, day)` — a search
  result's `restricted`, `abnormal`, `records`.

Rules (SPEC §5 masking):
- `fields` is `masking.public_copy`: 非公示项 left out, natural persons' ID-like values partially
  masked, fields named in 屏蔽字段 (`masked_fields`) read `***`;
- anything derived from a masked field is masked too: a masked 文号 (the category's
  `source_ref_field`) makes `source_ref` — the record's label — the `record_id`; a masked decision
  date makes `decision_date` null; `publish_until` is null when a field its period is computed
  from is masked; a credit fact's `since` / `until` read `***` when their field is masked (the
  restriction itself is decided on the real values: masking never lifts a ban);
- only a record in state `published` (publishable) has a projection; `project` returns None for
  any other (accepted, withdrawn, archived, warning-only penalties).

Pure: no AWS, no clock (`active_reasons` takes the day). Importable on its own for model-based
tests that want to compare against it (the reference model of such a test must not reuse it).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from chalicelib.domain.masking import MASK, public_copy
from chalicelib.domain.periods import period_inputs

# 联合惩戒 (SPEC §6.3 credit check): the penalty kinds that are a ban while CF_YXQ lasts, and the lists.
BANS = frozenset({"限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "暂扣许可证件", "吊销许可证件",
                  "暂扣或者吊销许可证/执照"})
LISTS = {"abnormal_list": "列入经营异常名录", "serious_violation": "列入严重违法失信名单"}
LIST_SINCE, LIST_UNTIL = "listed_date", "removal_date"
BAN_KINDS, BAN_SINCE, BAN_UNTIL = "CF_CFLB", "CF_JDRQ", "CF_YXQ"

REASON_KEYS = ("category", "reason", "record_id", "since", "until")
SEARCH_SUMMARY = "search"   # on a stored profile: the search_summary of its public items (None: not kept)
CREDIT = "credit"          # key of the credit facts in the stored public item (never served as such)
ACTIVE_BEFORE = "active_before"   # a fact applies on days < this ISO date (None: no end)


@dataclass(frozen=True)
class Projection:
    copy: dict
    credit: list[dict] = field(default_factory=list)

    def item(self) -> dict:
        """What the public table stores for the record: the copy plus its credit facts."""
        return {**self.copy, CREDIT: self.credit}

    def feed_entry(self, at: str) -> dict:
        """The change feed's entry for this publication."""
        c = self.copy
        return {"at": at, "op": "publish", "code": c["code"], "category": c["category"],
                "record_id": c["record_id"], "version": c["version"], "copy": c}


def project(catalog, record, profile: Mapping[str, Any]) -> Projection | None:
    """The public side's view of `record` (a models.record.Record) under `profile` (the public
    enterprise profile: code, name, registered_elsewhere …); None if the record is not public."""
    if record.state != "published" or not record.publishable:
        return None
    category = catalog.category(record.category)
    masked = set(record.masked_fields or ())
    dept = catalog.departments.get(record.department)
    derived_from_masked = bool(masked & set(period_inputs(category)))
    copy = {
        "code": record.enterprise_code, "category": record.category, "category_name": category.name,
        "record_id": record.record_id, "version": record.version, "name": profile["name"],
        "source_ref": record.record_id if category.source_ref_field in masked else record.source_ref,
        "decision_date": None if category.decision_date_field in masked else record.decision_date,
        "fields": public_copy(category, record.fields, masked),
        "department": record.department, "department_name": dept.name if dept else record.department,
        "published_at": record.published_at,
        "publish_until": None if derived_from_masked else record.publish_until,
        "registered_elsewhere": bool(profile.get("registered_elsewhere")),
    }
    return Projection(copy=copy, credit=credit_facts(record.category, record.record_id, record.fields, masked))


def credit_facts(category_id: str, record_id: str, fields: Mapping[str, Any], masked: Iterable[str] = ()
                 ) -> list[dict]:
    """The 联合惩戒 facts of one record: a list entry (not removed) or a ban (CF_YXQ)."""
    masked = set(masked)

    def shown(name: str):
        value = fields.get(name)
        return MASK if name in masked and value not in (None, "") else value

    if category_id in LISTS:
        removed = fields.get(LIST_UNTIL) or None
        return [{"category": category_id, "reason": LISTS[category_id], "record_id": record_id,
                 "since": shown(LIST_SINCE), "until": shown(LIST_UNTIL), ACTIVE_BEFORE: removed}]
    if category_id == "admin_penalty":
        kinds = sorted(_kinds(fields.get(BAN_KINDS)) & BANS)
        until = fields.get(BAN_UNTIL)
        if kinds and isinstance(until, str) and _is_date(until):
            end = (date.fromisoformat(until) + timedelta(days=1)).isoformat()
            return [{"category": category_id, "reason": "、".join(kinds), "record_id": record_id,
                     "since": shown(BAN_SINCE), "until": shown(BAN_UNTIL), ACTIVE_BEFORE: end}]
    return []


def active_reasons(facts: Iterable[Mapping[str, Any]], day: str) -> list[dict]:
    """The credit check's `reasons` on `day` (ISO date): the facts that apply then, as served."""
    out = [{k: f.get(k) for k in REASON_KEYS} for f in facts
           if f.get(ACTIVE_BEFORE) is None or day < f[ACTIVE_BEFORE]]
    return sorted(out, key=lambda r: (str(r["since"] or ""), r["record_id"]))


def served(item: Mapping[str, Any]) -> dict:
    """A stored public item as the enterprise page serves it (no keys, no internal facts)."""
    return {k: v for k, v in item.items() if k not in ("code", "sk", CREDIT)}


def restrictions(items: Iterable[Mapping[str, Any]], day: str) -> list[dict]:
    """The credit check's `reasons` on `day` from an enterprise's stored public items."""
    return active_reasons([f for i in items for f in item_facts(i)], day)


def search_summary(items: Iterable[Mapping[str, Any]]) -> dict:
    """What a search result needs of an enterprise's public items, kept on its profile (so a search
    reads the profiles of the results shown in one BatchGetItem): their count and credit facts, whose
    dates decide the flags on the day of the search."""
    items = list(items)
    return {"records": len(items), "facts": [f for i in items for f in item_facts(i)]}


def summary_flags(summary: Mapping[str, Any], day: str) -> dict:
    """A search result's `restricted`, `abnormal` and count of published `records` on `day`, from
    the search_summary of the enterprise's stored public items."""
    reasons = active_reasons(summary["facts"], day)
    return {"restricted": bool(reasons), "abnormal": any(r["category"] == "abnormal_list" for r in reasons),
            "records": int(summary["records"])}


def item_facts(item: Mapping[str, Any]) -> list[dict]:
    """The credit facts of a stored public item (items written before they carried them: from the copy)."""
    if CREDIT in item:
        return list(item[CREDIT])
    return credit_facts(item["category"], item["record_id"], item.get("fields") or {})


def compacted(entry: Mapping[str, Any], current: Mapping[tuple[str, str], int]) -> dict:
    """A change-log entry as the feed and the open-data deltas serve it: in full only if it is the
    publication of a record's current public copy (`current`: (code, record_id) → version of the
    public copy there); otherwise only `record_id`, `op` and `at` (its record has since changed,
    moved, been withdrawn or archived — replaying the whole feed still ends with today's side)."""
    if entry["op"] == "publish" and current.get((entry.get("code"), entry["record_id"])) == entry.get("version"):
        return dict(entry)
    return {k: entry[k] for k in FEED_STUB if k in entry}


FEED_STUB = ("record_id", "op", "at", "sk")


def _kinds(value: Any) -> set[str]:
    if isinstance(value, str):
        return {v.strip() for v in re.split(r"[、,;，；]", value) if v.strip()}
    return set(value or ())


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
