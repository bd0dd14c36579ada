"""Time limits (归集/公示时限) and publication periods (SPEC §4).

Publication rules are data: each category's `period` in the catalog holds them.
- `off_when`: {field: [values]} — any match → not publishable (licence 无效, mortgage 注销 …);
- `penalty`: the 行政处罚 tiers — only 警告 → not publishable; 通报批评 / small fine → `minor`
  from publication; anything else → `standard` from publication;
- `until_field`: a date field that ends publication (dates in `long_term_dates` = no end);
- `default`: {years|months, from}: the end when `until_field` is empty;
- `cap`: {years|months, from}: a latest end — the earlier of it and the above wins.
`from` is a field's json_name or "published_on".
- an approved 目录事项 may set its own period in months (`period_override`, SPEC §5.3, within the
  category's `item_period_months`): it replaces the category's main span — a penalty's `standard`
  tier, else `default`, else `cap` — and leaves the rest of the rule as it is (see `for_item`);
- `repair_after` (信用修复, SPEC §5.2): {years|months, tiers?} — a published record may be repaired
  that long after its publication; `tiers` (penalties only) names the period tiers that may be
  (e.g. only `standard`, the 3-year one). No `repair_after`: never.
"""
from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel

from chalicelib.catalog.model import Category, FieldType, TimeLimits
from chalicelib.domain.normalize import parse_date
from chalicelib.domain.workdays import WorkCalendar

_DEFAULT_LIMITS = TimeLimits()


class Deadlines(BaseModel):
    collect_deadline: date   # 归集时限: due on the platform
    publish_deadline: date   # 公示时限: due on the publicity system
    provisional: bool        # a day counted lies in a year without calendar data


class Period(BaseModel):
    publishable: bool
    until: date | None = None  # None: no end (长期) — or nothing to publish when not publishable


def deadlines(decision_date: date, cal: WorkCalendar, limits: TimeLimits = _DEFAULT_LIMITS) -> Deadlines:
    collect, p1 = cal.add_working_days(decision_date, limits.collect_working_days)
    publish, p2 = cal.add_working_days(decision_date, limits.publish_working_days)
    return Deadlines(collect_deadline=collect, publish_deadline=publish, provisional=p1 or p2)


def is_late(received_on: date, collect_deadline: date) -> bool:
    """迟报: received after the collect deadline (the deadline day itself is on time)."""
    return received_on > collect_deadline


def add_months(d: date, months: int) -> date:
    """Calendar months later, clamped to the month's end (2024-02-29 + 12 → 2025-02-28)."""
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    year = min(max(year, 1), 9999)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def _span_end(spec: Mapping[str, Any] | None, fields: Mapping[str, Any], published_on: date) -> date | None:
    if not isinstance(spec, Mapping):
        return None
    start = published_on if spec.get("from", "published_on") == "published_on" else _date(fields, spec["from"])
    if start is None:
        return None
    return add_months(start, int(spec.get("years", 0)) * 12 + int(spec.get("months", 0)))


def _date(fields: Mapping[str, Any], name: str | None) -> date | None:
    if not name:
        return None
    value = fields.get(name)
    return value if isinstance(value, date) else parse_date(value)


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        return None


def _penalty_span(rule: Mapping[str, Any], fields: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The span of a penalty, or None when it is not published at all (only 警告)."""
    tier = penalty_tier(rule, fields)
    return None if tier is None else rule.get(tier, {"months": 3} if tier == "minor" else {"years": 3})


def penalty_tier(rule: Mapping[str, Any], fields: Mapping[str, Any]) -> str | None:
    """`minor` or `standard`: the tier of a penalty's publication period; None when it is not
    published at all (only 警告)."""
    raw = fields.get(rule.get("category_field", "CF_CFLB"))
    if isinstance(raw, str):
        raw = [raw]
    kinds = {k for k in raw if isinstance(k, str)} if isinstance(raw, (list, tuple, set)) else set()
    if kinds and kinds <= set(rule.get("not_published_when_only", ["警告"])):
        return None
    minor = set(rule.get("minor_categories", ["警告", "通报批评"]))
    fine_kind = rule.get("fine_category", "罚款")
    if kinds and kinds <= minor | {fine_kind}:
        if fine_kind not in kinds:
            return "minor"
        fine = _decimal(fields.get(rule.get("fine_field", "CF_NR_FK")))
        party = fields.get(rule.get("party_type_field", "CF_XDR_LB"))
        threshold = _decimal(rule.get("fine_threshold_wan_by_party_type", {}).get(party)
                             or rule.get("fine_threshold_wan", "1"))
        if fine is not None and threshold is not None and fine < threshold:
            return "minor"
    return "standard"


_MEMO_LIMIT = 20_000
_memos: dict[int, tuple[Category, tuple[str, ...], tuple[str, ...], dict[tuple, Period]]] = {}


_item_rules: dict[tuple[int, int], tuple[Category, Category]] = {}


def for_item(category: Category, months: int | None) -> Category:
    """The category whose period rule a record naming a 目录事项 with its own period follows: the
    main span (a penalty's `standard` tier, else `default`, else `cap`) becomes `months`, counted
    from where it was counted; every other part of the rule stays. The same object for the same
    (category, months), so publication_period's memo keeps working."""
    if months is None or not category.period:
        return category
    hit = _item_rules.get((id(category), months))
    if hit is not None and hit[0] is category:
        return hit[1]
    rule = dict(category.period)
    if "penalty" in rule:
        rule["penalty"] = {**rule["penalty"], "standard": {"months": months}}
    else:
        key = "default" if "default" in rule else "cap" if "cap" in rule else None
        if key is None:
            return category
        rule[key] = {"months": months, "from": rule[key].get("from", "published_on")}
    if len(_item_rules) >= 256:
        _item_rules.clear()
    variant = category.model_copy(update={"period": rule})
    _item_rules[(id(category), months)] = (category, variant)
    return variant


def publication_period(category: Category, fields: Mapping[str, Any], published_on: date,
                       item_months: int | None = None) -> Period:
    """How long a record stays public (`publish_until`). `fields` are normalized (ISO dates);
    `item_months`: the period of the approved 目录事项 the record names, if it sets one (SPEC §5.3).
    Remembered per category for the values of the fields its rule reads (a batch repeats them)."""
    category = for_item(category, item_months)
    entry = _memos.get(id(category))
    if entry is None or entry[0] is not category:
        if len(_memos) >= 64:
            _memos.clear()
        names = _inputs(category.period or {})
        lists = {f.json_name for f in category.fields if f.type == FieldType.MULTI_ENUM}
        entry = _memos[id(category)] = (category, tuple(n for n in names if n not in lists),
                                        tuple(n for n in names if n in lists), {})
    _, scalars, lists, memo = entry
    values = tuple(map(fields.get, scalars))
    if not all(v is None or type(v) is str for v in values):   # not normalized: tag by type
        values = tuple(_frozen(v) for v in values)
    key = (published_on, *values, *(_frozen(fields.get(n)) for n in lists))
    hit = memo.get(key)
    if hit is None:
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        hit = memo[key] = _period(category, fields, published_on)
    return hit


def current_period(category: Category, fields: Mapping[str, Any], published_at: str | None, first_day: date,
                   item_months: int | None = None) -> Period:
    """The period of a record's content counted from its first publication (`published_at`, an ISO
    stamp), or from `first_day` when it has never been published."""
    return publication_period(category, fields, date.fromisoformat(published_at[:10]) if published_at else first_day,
                              item_months)


def period_inputs(category: Category) -> tuple[str, ...]:
    """The json_names a category's publication period is computed from (masking of derived values)."""
    return _inputs(category.period or {})


def _inputs(rule: Mapping[str, Any]) -> tuple[str, ...]:
    """The json_names whose values a period rule reads (see _period and its helpers)."""
    names = set(rule.get("off_when") or {})
    for spec in (rule.get("cap"), rule.get("default")):
        if isinstance(spec, Mapping) and spec.get("from", "published_on") != "published_on":
            names.add(spec["from"])
    if "penalty" in rule:
        p = rule["penalty"]
        names |= {p.get("category_field", "CF_CFLB"), p.get("fine_field", "CF_NR_FK"),
                  p.get("party_type_field", "CF_XDR_LB")}
    if rule.get("until_field"):
        names.add(rule["until_field"])
    return tuple(sorted(names))


def _frozen(value: Any) -> Any:
    """A value as part of a memo key: text and None as they are, a list as a tuple, anything else
    tagged with its type (so that 1, 1.0, True and "1" stay different keys)."""
    if value is None or type(value) is str:
        return value
    if type(value) is list:
        return tuple(_frozen(v) for v in value)
    return (type(value).__name__, repr(value))


def _period(category: Category, fields: Mapping[str, Any], published_on: date) -> Period:
    rule = category.period or {}
    for name, values in (rule.get("off_when") or {}).items():
        if fields.get(name) in values:
            return Period(publishable=False)
    cap = _span_end(rule.get("cap"), fields, published_on)
    if "penalty" in rule:
        span = _penalty_span(rule["penalty"], fields)
        if span is None:
            return Period(publishable=False)
        cap = _earlier(cap, _span_end({**span, "from": "published_on"}, fields, published_on))
    until = _date(fields, rule.get("until_field"))
    if until is not None and until.isoformat() in rule.get("long_term_dates", ["2099-12-31"]):
        until = None
    elif until is None and rule.get("until_field") and fields.get(rule["until_field"]) in (None, ""):
        until = _span_end(rule.get("default"), fields, published_on)
    return Period(publishable=True, until=_earlier(until, cap))


def _earlier(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def repair_eligible_from(category: Category, fields: Mapping[str, Any], published_on: date) -> date | None:
    """The first day a published record of this content may be repaired (信用修复), or None: never
    (no `repair_after` for its category, or a tier it does not name — e.g. a 3-month penalty)."""
    rule = category.period or {}
    after = rule.get("repair_after")
    if not isinstance(after, Mapping):
        return None
    tiers = after.get("tiers")
    if tiers is not None and "penalty" in rule and penalty_tier(rule["penalty"], fields) not in tiers:
        return None
    return add_months(published_on, int(after.get("years", 0)) * 12 + int(after.get("months", 0)))
