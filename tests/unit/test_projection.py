"""domain.projection: a masked value appears nowhere in what the public side is built from (SPEC §5),
for every category and any choice of 屏蔽字段 — the derived attributes (label, decision date,
publication end, credit facts) included; and masking never lifts a restriction."""
from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.catalog import load_catalog
from chalicelib.domain.periods import publication_period
from chalicelib.domain.projection import active_reasons, project
from chalicelib.domain.validation import validate_record
from chalicelib.local.demo_data import sample_record
from chalicelib.models.record import Record

CATALOG = load_catalog()
DAY = date(2026, 10, 10)
CATEGORIES = sorted(c for c in CATALOG.categories if c != "registration")


def published(category_id: str, masked: list[str], **overrides) -> Record:
    category = CATALOG.category(category_id)
    check = validate_record(category, sample_record(category_id, **overrides), DAY, CATALOG.key_map(category_id))
    assert check.ok, check.errors
    until = publication_period(category, check.fields, DAY).until
    return Record(record_id="01JREC", department="d21", category=category_id, source_ref=check.source_ref or "",
                  version=1, state="published", match="local", enterprise_code=check.uscc or check.regno or "",
                  name=check.name or "", fields=check.fields, masked_fields=masked, content_hash="h",
                  decision_date=check.decision_date.isoformat() if check.decision_date else None,
                  received_at="2026-10-01T10:00:00+08:00", updated_at="2026-10-01T10:00:00+08:00",
                  updated_by="t", published_version=1, published_at="2026-10-10T02:00:00+08:00",
                  publish_until=until.isoformat() if until else None)


@st.composite
def masked_records(draw):
    category_id = draw(st.sampled_from(CATEGORIES))
    names = [f.json_name for f in CATALOG.category(category_id).fields if not f.bookkeeping]
    rec = published(category_id, [])
    present = [n for n in names if rec.fields.get(n) not in (None, "", [])]
    masked = draw(st.lists(st.sampled_from(present), unique=True, min_size=1, max_size=len(present)))
    return rec.model_copy(update={"masked_fields": masked})


def _texts(value) -> list[str]:
    return [str(v) for v in (value if isinstance(value, list) else [value]) if v not in (None, "")]


@settings(max_examples=150, deadline=None)
@given(masked_records())
def test_a_masked_value_appears_nowhere_in_the_projection(rec):
    profile = {"code": rec.enterprise_code, "name": rec.name, "registered_elsewhere": False}
    p = project(CATALOG, rec, profile)
    shown = json.dumps([p.copy, p.credit, p.feed_entry("t")], ensure_ascii=False)
    masked = set(rec.masked_fields)
    # a value that an unmasked field (or the enterprise) shows anyway is not a secret of the masked one
    public_values = {t for n, v in rec.fields.items() if n not in masked for t in _texts(v)}
    public_values |= {rec.name, rec.enterprise_code, rec.record_id, rec.published_at, "***"}
    for name in masked:
        for text in _texts(rec.fields[name]):
            if len(text) >= 4 and not any(text in pv for pv in public_values):
                assert text not in shown, (name, text)


def test_a_masked_label_is_the_record_id_and_masked_dates_are_null():
    rec = published("inspection", ["inspection_no", "inspection_date"])
    copy = project(CATALOG, rec, {"code": rec.enterprise_code, "name": rec.name}).copy
    assert (copy["source_ref"], copy["decision_date"], copy["publish_until"]) == ("01JREC", None, None)
    unmasked = project(CATALOG, published("inspection", []), {"code": "x", "name": "n"}).copy
    assert (unmasked["source_ref"], unmasked["decision_date"], unmasked["publish_until"]) == (
        "JC-2026-0001", "2026-09-15", "2029-09-15")


def test_masking_never_lifts_a_ban_and_hides_its_dates():
    for masked in ([], ["CF_CFLB", "CF_YXQ", "CF_JDRQ"]):
        rec = published("admin_penalty", masked, CF_CFLB="责令停产停业、罚款")
        p = project(CATALOG, rec, {"code": rec.enterprise_code, "name": rec.name})
        (reason,) = active_reasons(p.credit, "2027-09-28")
        assert reason["reason"] == "责令停产停业"
        assert (reason["since"], reason["until"]) == (("***", "***") if masked else ("2026-09-28", "2027-09-28"))
        assert active_reasons(p.credit, "2027-09-29") == []


def test_only_a_published_publishable_record_has_a_projection():
    rec = published("admin_penalty", [])
    for update in ({"state": "accepted"}, {"state": "withdrawn"}, {"state": "archived"}, {"publishable": False}):
        assert project(CATALOG, rec.model_copy(update=update), {"code": "c", "name": "n"}) is None
