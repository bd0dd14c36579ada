"""异议 (objections) and 信用修复 (credit repair) on published records, end to end (SPEC §5.2).

The public files one (bounded: 5 an hour per source address and per record, each kind; every
field length-checked; markup dropped) and follows it with the secret token given at filing; the
record's department answers within the configured working days. What each answer does:
- objection `maintained`: nothing; `corrected`: only once a new version of the record was accepted
  after the filing; `withdrawn`: only once the record was withdrawn — the answer says what happened;
- repair approved: the record leaves the public side at once (state `repaired`, still stored and
  visible to its department), the next `forward` sends op `repair`, the credit check (which reads
  the public side) no longer counts it; refused: nothing.
Every filing and answer is audited; the applicant's contact is shown to the department only.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections import Counter
from datetime import date

from chalicelib import pagination
from chalicelib.clock import now_iso, today
from chalicelib.dal.records import Change
from chalicelib.domain.periods import repair_eligible_from
from chalicelib.domain.plain_text import plain_text
from chalicelib.domain.workdays import WorkCalendar
from chalicelib.errors import (
    BadRequest,
    Conflict,
    DomainError,
    Forbidden,
    NotEligible,
    NotFound,
    TooManyFilings,
)
from chalicelib.identity.policy import require_department
from chalicelib.ids import new_ids
from chalicelib.models.objection import KINDS, OBJECTION_DECISIONS, Case
from chalicelib.models.principal import Principal
from chalicelib.models.record import RecordVersion
from chalicelib.observability import logger

FILINGS_PER_HOUR = 5
WINDOW_SECONDS = 3600
TEXT_MAX = 2000
NAME_MAX = 50
PHONE = re.compile(r"^[0-9+\-() ]{5,30}$")
ID_MAX = 64
CORRECTING_OPS = ("create", "modify", "reinstate")   # versions that carry new content
STATES = {"objection": ("open", "answered"), "repair": ("open", "approved", "refused")}
KIND_NAMES = {"objection": "异议", "repair": "信用修复申请"}
PUBLIC = Principal(username="public", role="public")

# Body field → (the case's attribute, required, max length) per kind.
FIELDS = {
    "objection": {"reason": ("reason", True, TEXT_MAX), "contact_name": ("applicant_name", True, NAME_MAX),
                  "contact_phone": ("applicant_phone", True, 30), "evidence": ("evidence", False, TEXT_MAX)},
    "repair": {"applicant_name": ("applicant_name", True, NAME_MAX), "applicant_phone": ("applicant_phone", True, 30),
               "evidence": ("evidence", True, TEXT_MAX)},
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CaseService:
    def __init__(self, catalog, records, cases, throttle, calendar, audit, retract, clock=today):
        self.catalog = catalog
        self.records = records      # RecordRepository
        self.cases = cases          # CaseRepository
        self.throttle = throttle    # ThrottleRepository: the hourly windows
        self.calendar = calendar    # CalendarRepository: working-day overrides
        self.audit = audit
        self.retract = retract      # (records, stamp, day, op): off the public side at once
        self.today = clock

    # --- the public side ------------------------------------------------------------------------
    def file(self, kind: str, body: dict, source: str, request_id: str) -> dict:
        """File an objection or a repair; → {"<kind>_id", "follow_token", "state", "due"}.

        Every attempt within the limits is audited, refused ones with their status and code."""
        record_id = body.get("record_id")
        self._admit(kind, "addr", source or "unknown")
        if isinstance(record_id, str) and 0 < len(record_id) <= ID_MAX:
            self._admit(kind, "record", record_id)
        try:
            return self._file(kind, body, source, request_id)
        except DomainError as err:
            self._audit(kind, str(record_id)[:ID_MAX], request_id, f"{err.status} {err.code}", {"source": source})
            raise

    def _audit(self, kind: str, target: str, request_id: str, outcome: str, details: dict) -> None:
        """The public's filing in the audit trail; a failed audit write is logged, the answer stands
        (as for every route's entry, web.Router)."""
        try:
            self.audit.record(PUBLIC, f"{kind}s.file", target=target, request_id=request_id, outcome=outcome,
                              details=details)
        except Exception:
            logger.exception("audit write failed")

    def _file(self, kind: str, body: dict, source: str, request_id: str) -> dict:
        record_id = body.get("record_id")
        values = self._checked(kind, body)
        rec = self.records.get(record_id)
        if rec is None or rec.state != "published":
            raise NotFound("没有该公示记录", details=[{"field": "record_id", "code": "NOT_FOUND"}])
        if kind == "repair":
            self._eligible(body["code"], rec)
        token = secrets.token_urlsafe(24)
        filed = self.today()
        due, provisional = self._due(filed)
        case = Case(id=new_ids(1)[0], kind=kind, record_id=rec.record_id, department=rec.department,
                    category=rec.category, enterprise_code=rec.copy_code, enterprise_name=rec.enterprise_name or rec.name,
                    record_version=rec.version, filed_at=now_iso(), due=due.isoformat(), provisional=provisional,
                    token_hash=_hash(token), commitment=True if kind == "repair" else None, **values)
        self.cases.add(case)
        self._audit(kind, case.id, request_id, "201",
                    {"record_id": rec.record_id, "department": rec.department, "source": source})
        return {f"{kind}_id": case.id, "follow_token": token, "state": case.state, "due": case.due}

    def follow(self, kind: str, case_id: str, token: str | None) -> dict:
        case = self.cases.get(case_id) if case_id and len(case_id) <= ID_MAX else None
        if (case is None or case.kind != kind or not isinstance(token, str)
                or not hmac.compare_digest(case.token_hash, _hash(token))):
            raise NotFound(f"没有该{KIND_NAMES[kind]}，或查询码不正确")
        return case.public_view()

    def _admit(self, kind: str, what: str, value: str) -> None:
        key = f"{kind}#{what}#{value}"
        if not self.throttle.admit(key, FILINGS_PER_HOUR, WINDOW_SECONDS):
            who = "同一来源地址" if what == "addr" else "同一条记录"
            raise TooManyFilings(self.throttle.retry_after(key),
                                 message=f"{who}每小时最多提交 {FILINGS_PER_HOUR} 次{KIND_NAMES[kind]}，请稍后再试",
                                 details=[{"field": "record_id" if what == "record" else "source",
                                           "code": "TOO_MANY_ATTEMPTS", "limit": FILINGS_PER_HOUR,
                                           "window_seconds": WINDOW_SECONDS}])

    def _checked(self, kind: str, body: dict) -> dict:
        """The case's text fields from the body: types, required, lengths (before and after the
        markup is dropped); every problem named in the details."""
        errors, values = [], {}
        wanted = {"record_id": ("record_id", True, ID_MAX), **FIELDS[kind]}
        if kind == "repair":
            wanted["code"] = ("code", True, 30)
        for name, (attr, required, limit) in wanted.items():
            raw = body.get(name)
            if raw is None or raw == "":
                if required:
                    errors.append({"field": name, "code": "REQUIRED"})
                continue
            if not isinstance(raw, str):
                errors.append({"field": name, "code": "BAD_TYPE"})
                continue
            if len(raw) > limit:
                errors.append({"field": name, "code": "TOO_LONG", "max_length": limit})
                continue
            text = plain_text(raw)
            if not text:
                if required:
                    errors.append({"field": name, "code": "REQUIRED"})
                continue
            if name.endswith("_phone") and not PHONE.match(text):
                errors.append({"field": name, "code": "BAD_PHONE"})
                continue
            values[attr] = text
        if kind == "repair" and body.get("commitment") is not True:
            errors.append({"field": "commitment", "code": "REQUIRED", "message": "须作出信用承诺（commitment: true）"})
        if errors:
            raise BadRequest("提交的内容有误，请按提示修改", details=errors)
        values.pop("record_id", None)
        values.pop("code", None)
        return values

    def _eligible(self, code: str, rec) -> None:
        if code.strip().upper() not in {c for c in (rec.copy_code, rec.uscc, rec.regno) if c}:
            raise NotFound("该企业没有此公示记录", details=[{"field": "code", "code": "NOT_FOUND"}])
        published_on = date.fromisoformat(rec.published_at[:10]) if rec.published_at else self.today()
        start = repair_eligible_from(self.catalog.category(rec.category), rec.fields, published_on)
        if start is None or start > self.today():
            when = f"自 {start.isoformat()} 起方可申请" if start else "该类记录不适用信用修复"
            raise NotEligible(f"该记录暂不符合信用修复条件：{when}", details=[
                {"field": "record_id", "code": "NOT_ELIGIBLE", "eligible_from": start.isoformat() if start else None}])

    def _due(self, filed: date) -> tuple[date, bool]:
        cal = WorkCalendar(self.calendar.overrides({filed.year, filed.year + 1}))
        return cal.add_working_days(filed, self.catalog.time_limits.answer_working_days)

    # --- the department -------------------------------------------------------------------------
    def inbox(self, principal: Principal, kind: str, department: str | None, state: str | None,
              limit: int, cursor: str | None) -> dict:
        """A department's cases, newest first (supervisors and admins: any department, or all)."""
        if principal.has_department:
            department = require_department(principal, department)
        if state and state not in STATES[kind]:
            raise BadRequest("state 取值无效", details=[{"field": "state", "code": "BAD_ENUM",
                                                       "allowed": list(STATES[kind])}])
        shape = pagination.Shape({"id", "inbox", "filed_at"} if department else {"id", "kind", "filed_at"})
        where = {"inbox": f"{kind}#{department}"} if department else {"kind": kind}
        after = pagination.read(cursor, shape, where).key
        items, last = self.cases.inbox(kind, department, state, limit, after)
        day = self.today().isoformat()
        return {"items": [c.department_view(day) for c in items], "next_cursor": pagination.encode(last)}

    def _own(self, principal: Principal, kind: str, case_id: str) -> Case:
        case = self.cases.get(case_id) if len(case_id) <= ID_MAX else None
        if case is None or case.kind != kind:
            raise NotFound(f"没有该{KIND_NAMES[kind]}")
        if not principal.is_admin and case.department != principal.department:
            raise Forbidden(f"只能处理本部门记录的{KIND_NAMES[kind]}")
        return case

    def answer(self, principal: Principal, case_id: str, body: dict) -> dict:
        """An objection's answer: maintained | corrected | withdrawn, with a reply."""
        case = self._own(principal, "objection", case_id)
        decision = body.get("decision")
        if decision not in OBJECTION_DECISIONS:
            raise BadRequest("decision 取值无效", details=[{"field": "decision", "code": "BAD_ENUM",
                                                          "allowed": list(OBJECTION_DECISIONS)}])
        reply = self._reply(body)
        self._still_open(case)
        rec = self.records.get(case.record_id)
        if decision == "withdrawn" and (rec is None or rec.state != "withdrawn"):
            raise BadRequest("记录尚未撤销：请先撤销该记录，再以「withdrawn」答复", details=[
                {"field": "decision", "code": "DECISION_MISMATCH", "record_state": rec.state if rec else None}])
        if decision == "corrected" and not self._corrected(case, rec):
            raise BadRequest("记录在异议提出后没有被更正的新版本：请先修改该记录，再以「corrected」答复", details=[
                {"field": "decision", "code": "DECISION_MISMATCH", "record_version": rec.version if rec else None}])
        return self._close(principal, case, "answered", decision, reply)

    def decide(self, principal: Principal, case_id: str, body: dict) -> dict:
        """A repair's decision: approve (the record leaves the public side at once) or refuse."""
        case = self._own(principal, "repair", case_id)
        approve = body.get("approve")
        if not isinstance(approve, bool):
            raise BadRequest("approve 应为 true 或 false", details=[{"field": "approve", "code": "BAD_TYPE"}])
        reply = self._reply(body)
        self._still_open(case)
        if approve:
            self._repair(principal, case, reply)
        return self._close(principal, case, "approved" if approve else "refused",
                           "approved" if approve else "refused", reply)

    def _repair(self, principal: Principal, case: Case, reply: str) -> None:
        rec = self.records.get(case.record_id)
        if rec is None or rec.state != "published":
            raise BadRequest("记录已不在公示中，无需修复；请以不予修复答复并说明", details=[
                {"field": "approve", "code": "DECISION_MISMATCH", "record_state": rec.state if rec else None}])
        stamp = now_iso()
        new = rec.model_copy(update={"state": "repaired", "version": rec.version + 1, "updated_at": stamp,
                                     "updated_by": principal.username})
        lost = self.records.write([Change(record=new, previous=rec, version=RecordVersion(
            record_id=rec.record_id, version=new.version, op="repair", fields=rec.fields,
            masked_fields=rec.masked_fields, content_hash=rec.content_hash, by=principal.username, at=stamp,
            reason=f"信用修复 {case.id}：{reply}"[:500]))])
        if lost:
            raise Conflict()
        self.retract([rec.model_copy(update={"version": new.version})], stamp, stamp[:10], "repair")

    def _corrected(self, case: Case, rec) -> bool:
        if rec is None or rec.state == "withdrawn":
            return False
        return any(v.version > case.record_version and v.op in CORRECTING_OPS
                   for v in self.records.history(case.record_id))

    @staticmethod
    def _reply(body: dict) -> str:
        raw = body.get("reply")
        if not isinstance(raw, str) or not plain_text(raw):
            raise BadRequest("请填写答复内容", details=[{"field": "reply", "code": "REQUIRED"}])
        if len(raw) > TEXT_MAX:
            raise BadRequest(f"答复内容不超过 {TEXT_MAX} 字", details=[
                {"field": "reply", "code": "TOO_LONG", "max_length": TEXT_MAX}])
        return plain_text(raw)

    @staticmethod
    def _still_open(case: Case) -> None:
        if not case.is_open:
            raise Conflict(f"该{KIND_NAMES[case.kind]}已答复", details=[{"state": case.state}])

    def _close(self, principal: Principal, case: Case, state: str, decision: str, reply: str) -> dict:
        done = case.model_copy(update={"state": state, "decision": decision, "reply": reply,
                                       "decided_at": now_iso(), "decided_by": principal.username})
        if not self.cases.close(done):
            raise Conflict(f"该{KIND_NAMES[case.kind]}已答复")
        return done.department_view(self.today().isoformat())

    # --- the deadlines job ----------------------------------------------------------------------
    def overdue(self, as_of: date) -> dict[str, int]:
        """Open cases past their due day on `as_of`, per department (objections and repairs)."""
        last = date.fromordinal(as_of.toordinal() - 1).isoformat()
        return dict(Counter(c.department for c in self.cases.open_due_by(last)))


assert set(KINDS) == set(FIELDS) == set(STATES)
