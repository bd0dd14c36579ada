"""Intake of records (JSON batches, manual entry, spreadsheet chunks): validate, match, store.

One batch costs a handful of DynamoDB requests whatever its size: batched reads of identities,
existing records, registry entries and calendar overrides; transactional conditional writes of
up to 100 items, which also carry the request's counts (a pending item), then one Query and one
transaction that settle them into the report counters (and one conditional put per `elsewhere` code
new to the platform, which holds the name it is published under). Rows in = accepted + unchanged + rejected,
always; every rejected row is kept as a rejection (services/rejections.py, SPEC §5.1). An identical
resend is `unchanged` by its content hash (domain/content_hash.py: the canonical form, and how records
stored under the legacy form are compared).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from chalicelib.catalog.model import FieldType
from chalicelib.clock import now_iso, today
from chalicelib.dal.counters import Pending
from chalicelib.dal.records import Change
from chalicelib.domain.content_hash import content_hash, same_content
from chalicelib.domain.periods import current_period, deadlines, is_late, publication_period
from chalicelib.domain.validation import FieldError, RecordCheck, validate_record
from chalicelib.domain.workdays import WorkCalendar
from chalicelib.errors import BadRequest, NotAllowedCategory, ServiceUnavailable
from chalicelib.ids import new_ids
from chalicelib.models.catalog_item import ITEM_COUNTER, ITEM_FIELD
from chalicelib.models.principal import Principal
from chalicelib.models.record import Record, RecordVersion, identity_key
from chalicelib.services.matching import Match, match
from chalicelib.services.rejections import RejectedRow

MAX_RECORDS = 1000
SETTLE_ATTEMPTS = 5     # reads of the pending counts when a concurrent request settled or added some


@dataclass
class Outcome:
    accepted: list[dict] = field(default_factory=list)    # created a record or a new version
    unchanged: list[dict] = field(default_factory=list)   # identical resends
    rejected: list[dict] = field(default_factory=list)
    new_rejections: list[list[dict]] = field(default_factory=list)   # errors of rejections seen the first time
    records: list[Record] = field(default_factory=list)   # records written by this batch
    name_conflicts: int = 0                               # records this batch newly flagged name_conflict

    def as_response(self) -> dict:
        return {"accepted": self.accepted, "unchanged": self.unchanged, "rejected": self.rejected}


def rejection(index: int, rejection_id: str | None, errors: list[FieldError]) -> dict:
    return {"index": index, "rejection_id": rejection_id, "errors": [e.model_dump() for e in errors]}


def unchanged(index: int, rec: Record) -> dict:
    return {"index": index, "record_id": rec.record_id, "version": rec.version}


def acceptance(index: int, rec: Record) -> dict:
    return {"index": index, "record_id": rec.record_id, "source_ref": rec.source_ref, "version": rec.version,
            "late": rec.late, "match": rec.match, "collect_deadline": rec.collect_deadline,
            "publish_deadline": rec.publish_deadline, "provisional": rec.provisional}


class SubmissionService:
    def __init__(self, catalog, records, registry, calendar, counters, registrations, departments, retract,
                 rejections, items=None):
        self.catalog = catalog
        self.items = items                   # CatalogItemService: item_code against the approved 目录事项
        self.rejections = rejections         # RejectionService: the 回退 inbox (SPEC §5.1)
        self.records = records
        self.registry = registry
        self.calendar = calendar
        self.counters = counters
        self.registrations = registrations   # applies registration records to the registry
        self.departments = departments       # resolves a department as admins last saved it
        self.retract = retract               # (records, stamp, day, op): off the public side at once

    def category_for(self, department: str, category_id) -> object:
        """The category, if the department's catalog has it (403 NOT_ALLOWED_CATEGORY otherwise)."""
        return self._checked(department, category_id)[0]

    def _checked(self, department: str, category_id) -> tuple:
        """The category and the department (as admins last saved it), checked as category_for says."""
        if not isinstance(category_id, str) or category_id not in self.catalog.categories:
            raise BadRequest("信息类别无效", details=[{"field": "category", "code": "BAD_ENUM",
                                                     "allowed": sorted(self.catalog.categories)}])
        dept = self.departments.resolve(department) if isinstance(department, str) else None
        if dept is None:
            raise BadRequest(f"部门「{department}」不存在", details=[{"field": "department", "code": "NOT_FOUND"}])
        if category_id not in dept.categories:
            raise NotAllowedCategory(details=[{"category": category_id, "department": department}])
        return self.catalog.category(category_id), dept

    def submit(self, principal: Principal, department: str, category_id: str, rows: list, *,
               upload_id: str | None = None, index_base: int = 0, expect: Record | None = None,
               count: bool = True, channel: str = "batch", row_numbers: list[int] | None = None,
               refused: dict[int, list[FieldError]] | None = None,
               checks: list[RecordCheck] | None = None) -> Outcome:
        """Validate, match and store `rows`; per-row results with index = index_base + position.

        `expect`: the record a PUT replaces — its identity (source_ref) may not change.
        `count=False`: the caller moves the report counters itself (uploads do, with their checkpoint).
        `channel`, `row_numbers` (spreadsheet rows): where the rejections kept for rejected rows come
        from. `refused`: rows the caller already rejected (an upload's repeated 编号), kept likewise.
        `checks`: the rows' checks when the caller ran them already (an upload's columnar check
        stage, domain/columnar_checks: equal to `validate_record` of each row).
        """
        category, dept = self._checked(department, category_id)
        day, stamp = today(), now_iso()
        key_map = self.catalog.key_map(category.id)
        if upload_id is None:   # JSON: a number is no date (spreadsheet cells may be Excel serials)
            rows = [_numbers_as_text(raw, key_map, self._date_fields(category)) for raw in rows]
        if checks is None:
            checks = [validate_record(category, raw, day, key_map) for raw in rows]
        errors: dict[int, list[FieldError]] = {i: list(c.errors) for i, c in enumerate(checks) if not c.ok}
        errors.update(refused or {})
        item_months: dict[int, int] = {}     # row → the period its approved 目录事项 sets (SPEC §5.3)
        if self.items is not None:           # every error of a row: UNKNOWN_ITEM joins the others
            named = self.items.check_records(department, dept.strict_items, category, checks)
            for i, e in named.errors.items():
                errors.setdefault(i, []).append(e)
            item_months = named.months
        seen: set[str] = set()
        for i, c in enumerate(checks):
            ref = c.source_ref or c.regno or ""
            if expect is not None and i not in errors and ref != expect.source_ref:
                label = category.field(category.source_ref_field).label
                errors[i] = [FieldError(field=category.source_ref_field, code="SOURCE_REF_CHANGED",
                                        message=f"「{label}」不可修改（原为 {expect.source_ref}）；如需更正请撤销后重新报送",
                                        suggestion=expect.source_ref)]
            if i not in errors and ref in seen:
                errors[i] = [FieldError(field=category.source_ref_field, code="DUPLICATE_IN_BATCH",
                                        message=f"同一批次中「{ref}」重复出现，仅第一次出现的记录有效")]
            seen.add(ref)
        registry, held = self.registry.lookup_all(
            code for i, c in enumerate(checks) if i not in errors for code in (c.uscc, c.regno) if code)
        known = set(held)

        def publishable(c: RecordCheck):
            return lambda: publication_period(category, c.fields, day).publishable

        matches: dict[int, Match] = {}
        for i, c in enumerate(checks):
            if i not in errors:
                m = match(category, c, registry, held, publishable(c))
                if m.outcome == "rejected":
                    errors[i] = m.errors
                else:
                    matches[i] = m
        if new_names := {code: name for code, name in held.items() if code not in known}:
            if taken := self.registry.hold_elsewhere_names(new_names):   # named by another batch meanwhile
                held.update(taken)
                matches.update({i: match(category, checks[i], registry, held, publishable(checks[i]))
                                for i, m in matches.items()
                                if m.outcome == "elsewhere" and m.code in taken})
        request = new_ids(1)[0] if count else None    # the key of this request's pending counts
        planned, kept, withdrawn = self._plan(principal, department, category, checks, matches, day, stamp,
                                              upload_id, item_months)
        for i in withdrawn:   # a withdrawn record's identical resend is unchanged; a changed one is refused
            errors[i] = [FieldError(field=category.source_ref_field, code="WITHDRAWN",
                                    message="该记录已撤销，不能以报送修改；如需恢复公示，请在记录详情中「恢复」"
                                            "（POST /v1/records/{record_id}/reinstate），再修改",
                                    suggestion=kept.pop(i).record_id)]
        lost = {id(c) for c in self.records.write([c for _, c in planned],
                                                  extra=self._tallies(department, day, stamp, request))}
        out = Outcome()
        # (a row of this very upload that stored its record — a chunk applied again — stays accepted)
        unchanged_ = {i for i, rec in kept.items() if not (upload_id and rec.upload_id == upload_id)}
        for i, change in planned:
            if id(change) in lost:
                errors[i] = [FieldError(field=category.source_ref_field, code="VERSION_CONFLICT",
                                        message="该记录正被同时修改，请稍后重新提交")]
            else:
                kept[i] = change.record
                out.records.append(change.record)
                out.name_conflicts += _new_conflict(change)
        moved = [c.previous for i, c in planned if id(c) not in lost and c.previous is not None
                 and c.previous.state == "published" and c.record.state != "published"]
        if moved:   # tied to another enterprise: off the old one's side now (SPEC §5 moves)
            self.retract(moved, stamp, stamp[:10], "withdraw")
        out.accepted = [acceptance(index_base + i, kept[i]) for i in sorted(kept) if i not in unchanged_]
        out.unchanged = [unchanged(index_base + i, kept[i]) for i in sorted(unchanged_)]
        self.rejections.resolve(department, category.id, {r.source_ref: r.record_id for r in out.records},
                                upload_id)
        recorded = self.rejections.record(department, category.id, channel, upload_id, [
            RejectedRow(index=i, content=rows[i], errors=[e.model_dump() for e in errors[i]],
                        source_ref=checks[i].source_ref or _raw_ref(rows[i], key_map, category),
                        row=row_numbers[i] if row_numbers else index_base + i) for i in sorted(errors)],
            tally=request and (lambda rejs: self.counters.pending_op(
                department, request, day.isoformat(), stamp, rejection_deltas([r.errors for r in rejs]))))
        out.new_rejections = recorded.new
        out.rejected = [rejection(index_base + i, recorded.ids.get(i), errors[i]) for i in sorted(errors)]
        if category.id == "registration":
            # resends too, when the registry does not have them yet (a failed earlier apply)
            missing = [r for r in kept.values() if (r.uscc or r.regno) not in registry]
            if out.records or missing:
                self.registrations.apply(out.records + [r for r in missing if r not in out.records], registry)
        if count:
            self._settle(department, day.isoformat(), out, stamp, request, {index_base + i: kept[i] for i in unchanged_})
        return out

    def _settle(self, department: str, day: str, out: Outcome, stamp: str, request: str,
                resent: dict[int, Record]) -> None:
        """Move this request's pending counts — and any that a failed request left — into the day
        buckets, with its `unchanged` rows. A resent row whose record a pending item holds was
        stored by a request that failed before counting it: it counts with that item, and this
        request answers it accepted (the failed one never did), not `unchanged` (SPEC §5.1).
        A request that met nothing stored before (no row unchanged, no rejection seen again)
        settles its own counts without reading them (what it wrote is what it holds)."""
        deltas = counter_deltas(out)
        if not out.unchanged and deltas["rejected"] == len(out.rejected):
            own = Pending(sk=request, day=day, deltas=deltas, refs=frozenset(), guard=("submitted", deltas["submitted"]),
                          late=frozenset(r.record_id for r in out.records if r.late and r.version == 1))
            if self.counters.settle(department, day, {}, pushed(out, stamp), [own] if own.deltas["submitted"] else []):
                return
        for _ in range(SETTLE_ATTEMPTS):
            pending = self.counters.pending(department)
            uncounted = {ref for p in pending for ref in p.refs}
            now = [u["index"] for u in out.unchanged if f"{u['record_id']}#{u['version']}" in uncounted]
            if self.counters.settle(department, day, {"unchanged": len(out.unchanged) - len(now)},
                                    pushed(out, stamp), pending):
                if now:
                    out.unchanged = [u for u in out.unchanged if u["index"] not in set(now)]
                    out.accepted = sorted(out.accepted + [acceptance(i, resent[i]) for i in now],
                                          key=lambda a: a["index"])
                return
        raise ServiceUnavailable("报送统计正被同时更新，请稍后重新提交（已保存的记录不会重复计数）")

    def _plan(self, principal, department, category, checks, matches, day, stamp, upload_id, item_months
              ) -> tuple[list[tuple[int, Change]], dict[int, Record], list[int]]:
        """The writes (new records, new versions), the records kept as they are (resends), and the
        rows that would change a withdrawn record (refused WITHDRAWN, SPEC §5)."""
        identities = {i: identity_key(department, category.id, checks[i].source_ref or checks[i].regno or "")
                      for i in matches}
        found = self.records.identities(identities.values())
        existing = self.records.get_many((f["epk"], f["rid"]) for f in found.values())
        cal = self._calendar(checks[i].decision_date for i in matches)
        ids = iter(new_ids(len(matches)))
        planned: list[tuple[int, Change]] = []
        kept: dict[int, Record] = {}
        withdrawn: list[int] = []
        for i, m in matches.items():
            c = checks[i]
            ident = found.get(identities[i])
            prev = existing.get(ident["rid"]) if ident else None
            h = c.content_hash or content_hash(c.fields, c.masked_fields)   # columnar: hashed per chunk
            newer_upload = bool(upload_id and prev is not None and prev.upload_id and prev.upload_id > upload_id)
            same = prev is not None and same_content(prev.content_hash, h, c.fields, c.masked_fields)
            if prev is not None and (same or prev.state == "withdrawn" or newer_upload):
                kept[i] = prev   # unchanged, withdrawn, or already replaced by a later upload (ULIDs sort by time)
                if prev.state == "withdrawn" and not same and not newer_upload:
                    withdrawn.append(i)
                continue
            # per distinct decision date and day received, remembered with the calendar (chunks repeat them)
            key = (c.decision_date, prev.received_at[:10] if prev else stamp[:10])
            dated = cal.remember(("dated", *key), lambda key=key: _dated(*key, cal))
            rec = self._record(principal, department, category, c, m, prev, h, day, stamp, upload_id, dated,
                               prev.record_id if prev else next(ids), item_months.get(i))
            version = RecordVersion(record_id=rec.record_id, version=rec.version,
                                    op="create" if prev is None else "modify", fields=rec.fields,
                                    masked_fields=rec.masked_fields, content_hash=h, by=principal.username,
                                    at=stamp, upload_id=upload_id)
            planned.append((i, Change(record=rec, previous=prev, version=version)))
        return planned, kept, withdrawn

    def _record(self, principal, department, category, c: RecordCheck, m: Match, prev: Record | None,
                h: str, day: date, stamp: str, upload_id, dated: dict, record_id: str,
                item_months: int | None = None) -> Record:
        """The record a row stores (`dated`: its decision date, deadlines and 迟报, see `_dated`)."""
        received_at = prev.received_at if prev else stamp
        period = publication_period(category, c.fields, day, item_months)
        return Record(
            record_id=record_id, department=department, category=category.id,
            source_ref=c.source_ref or c.regno or "", version=(prev.version + 1) if prev else 1,
            state=_state_after_change(category, prev, c.fields, m.code, day, item_months),
            match=m.outcome, enterprise_code=m.code, uscc=(m.enterprise.uscc if m.enterprise else c.uscc),
            regno=(m.enterprise.regno if m.enterprise and m.enterprise.regno else c.regno),
            name=c.name or "", fields=c.fields, masked_fields=c.masked_fields, content_hash=h,
            **dated, publishable=period.publishable, received_at=received_at, updated_at=stamp,
            updated_by=principal.username, upload_id=upload_id or (prev.upload_id if prev else None),
            published_version=prev.published_version if prev else None,
            published_at=prev.published_at if prev else None,
            publish_until=prev.publish_until if prev else None,
            forwarded_op=prev.forwarded_op if prev else None,
            forwarded_code=prev.forwarded_code if prev else None,
            enterprise_name=m.enterprise_name, name_conflict=m.name_conflict, item_months=item_months,
        )

    def _tallies(self, department: str, day: date, stamp: str, request: str | None):
        """What rides in each transaction of records: for a counted request, its acceptances and the
        late records it creates, in the request's pending counts (CounterRepository.pending_op); for
        an upload chunk (its counts move with its checkpoint), the 迟报 tally of the late records it
        creates — 迟报 is counted with the records' creation, exactly once."""
        def tally(group: list[Change]) -> dict | None:
            late = [c.record.record_id for c in group if c.previous is None and c.record.late]
            if request is None:
                return self.counters.late_tally(department, day.isoformat(), late)
            return self.counters.pending_op(
                department, request, day.isoformat(), stamp,
                {"submitted": len(group), "accepted": len(group), "name_conflicts": sum(map(_new_conflict, group)),
                 **item_deltas(c.record for c in group)},
                [f"{c.record.record_id}#{c.record.version}" for c in group], late)
        return tally

    @staticmethod
    def _date_fields(category) -> set[str]:
        return {f.json_name for f in category.fields if f.type == FieldType.DATE}

    def _calendar(self, decision_dates) -> WorkCalendar:
        years = {y for d in decision_dates if d for y in (d.year, d.year + 1)}
        return WorkCalendar(self.calendar.overrides(years))



def _dated(decision_date: date | None, received_on: str, cal: WorkCalendar) -> dict:
    """A record's fields that follow from its decision date and the day it was first received."""
    if decision_date is None:
        return {"decision_date": None, "collect_deadline": None, "publish_deadline": None, "provisional": False,
                "late": False}
    dl = deadlines(decision_date, cal)
    return {"decision_date": decision_date.isoformat(), "collect_deadline": dl.collect_deadline.isoformat(),
            "publish_deadline": dl.publish_deadline.isoformat(), "provisional": dl.provisional,
            "late": is_late(date.fromisoformat(received_on), dl.collect_deadline)}


def _state_after_change(category, prev: Record | None, fields: dict, code: str, day: date,
                        item_months: int | None = None) -> str:
    """The state of a record's new version (SPEC §5): a published one stays published (its previous
    copy stays public until the next `forward`) unless the change ties it to another enterprise (then
    it leaves the public side at once and waits for `forward`); an archived one stays archived unless
    the change moves its `publish_until` after today."""
    if prev is None:
        return "accepted"
    if prev.state == "published":
        return "published" if code == prev.enterprise_code else "accepted"
    if prev.state == "archived":
        period = current_period(category, fields, prev.published_at, day, item_months)
        reopened = period.publishable and (period.until is None or period.until > day)
        return "accepted" if reopened else "archived"
    return prev.state


def counter_deltas(out: Outcome) -> dict[str, int]:
    """Report counter increments of one batch, counted per SPEC §5.1: submitted = accepted + rejected,
    an identical resend `unchanged` (in neither), a rejection seen again not counted again
    (rejections counted by their first error's code; 迟报 is not among them: it is tallied with the
    records' creation, see CounterRepository.late_tally); accepted records per 目录事项 they name."""
    rejected = rejection_deltas(out.new_rejections)
    return {**rejected, "submitted": len(out.accepted) + rejected["submitted"], "accepted": len(out.accepted),
            "unchanged": len(out.unchanged), "name_conflicts": out.name_conflicts,
            **item_deltas(out.records)}


def item_deltas(records) -> dict[str, int]:
    """Accepted records per 目录事项 they name (`item_<code>` counters, the report's 按事项)."""
    items = Counter(r.fields[ITEM_FIELD] for r in records if r.fields.get(ITEM_FIELD))
    return {f"{ITEM_COUNTER}{code}": n for code, n in items.items()}


def rejection_deltas(errors: list[list[dict]]) -> dict[str, int]:
    """The counts of rejections seen for the first time (their errors): each counted once, by the
    code of its first error."""
    codes = Counter(e[0]["code"] for e in errors if e)
    return {"submitted": len(errors), "rejected": len(errors), **{f"rej_{code}": n for code, n in codes.items()}}


def _new_conflict(change: Change) -> int:
    """1 if the change newly flags its record name_conflict."""
    return int(change.record.name_conflict and not (change.previous and change.previous.name_conflict))


def pushed(out: Outcome, stamp: str) -> str | None:
    """The time of a push (`last_submission`): a submission with rows accepted or unchanged."""
    return stamp if out.accepted or out.unchanged else None


def _raw_ref(raw, key_map, category) -> str | None:
    """The source_ref as submitted in a row that failed its checks (for the rejection to resolve later)."""
    if not isinstance(raw, dict):
        return None
    for k, v in raw.items():
        if key_map.get(k, k) == category.source_ref_field and isinstance(v, (str, int)) and str(v).strip():
            return str(v).strip()[:200]
    return None


def _numbers_as_text(raw, key_map, date_fields: set[str]):
    if not isinstance(raw, dict):
        return raw
    return {k: (str(v) if isinstance(v, (int, float)) and not isinstance(v, bool)
                and key_map.get(k, k) in date_fields else v) for k, v in raw.items()}


def check_batch(records) -> None:
    """The shape of a JSON batch: a non-empty list of at most 1000 objects."""
    if not isinstance(records, list):
        raise BadRequest("records 应为记录数组", details=[{"field": "records", "code": "REQUIRED"}])
    if not records:
        raise BadRequest("records 不能为空", details=[{"field": "records", "code": "REQUIRED"}])
    if len(records) > MAX_RECORDS:
        from chalicelib.errors import PayloadTooLarge
        raise PayloadTooLarge(f"每批最多 {MAX_RECORDS} 条记录，本批 {len(records)} 条",
                              details=[{"max_records": MAX_RECORDS, "records": len(records)}])
