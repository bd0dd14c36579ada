"""A department's own records: read, list and search, modify (new version), withdraw (撤销), reinstate."""
from __future__ import annotations

from chalicelib import pagination
from chalicelib.clock import now_iso, parse_day
from chalicelib.dal.records import Change
from chalicelib.errors import BadRequest, Conflict, Forbidden, NotFound, Withdrawn
from chalicelib.http import reason_of
from chalicelib.identity.policy import require_department
from chalicelib.models.principal import Principal
from chalicelib.models.record import Record, RecordVersion
from chalicelib.services.forward import retract

STATES = ("accepted", "published", "archived", "withdrawn", "repaired")
BY_DEPARTMENT = pagination.Shape({"pk", "sk", "department", "received_at"})
BY_SOURCE_REF = pagination.Shape({"pk", "sk", "department", "ref_key"})
BY_NAME = pagination.Shape({"pk", "sk", "department", "name_key"})
BY_CODE = pagination.Shape({"pk", "sk"})
MAX_TERM = 200


class RecordService:
    def __init__(self, records, submissions, public, changes):
        self.records = records
        self.submissions = submissions
        self.public = public
        self.changes = changes

    def _own(self, principal: Principal, record_id: str) -> Record:
        rec = self.records.get(record_id)
        if rec is None:
            raise NotFound("记录不存在")
        if not principal.is_admin and rec.department != principal.department:
            raise Forbidden("只能查看或修改本部门的记录（谁产生、谁提供、谁负责）")
        return rec

    def get(self, principal: Principal, record_id: str) -> dict:
        """The full record with every version (who and when)."""
        rec = self._own(principal, record_id)
        return {**rec.model_dump(exclude={"content_hash"}),
                "versions": [v.model_dump(exclude={"content_hash"}) for v in self.records.history(record_id)]}

    def list(self, principal: Principal, department: str | None, category: str | None, state: str | None,
             limit: int, cursor: str | None, search: dict | None = None) -> dict:
        """A page of the department's records; `search` (ref: 文号 prefix, code: enterprise code,
        name: party name prefix, from/to: received dates) is answered through an index, never a scan."""
        dept = require_department(principal, department)
        if state and state not in STATES:
            raise BadRequest("state 取值无效", details=[{"field": "state", "code": "BAD_ENUM", "allowed": list(STATES)}])
        terms = {k: v.strip() for k, v in (search or {}).items() if k in ("ref", "code", "name") and v and v.strip()}
        for k, v in terms.items():
            if len(v) > MAX_TERM:
                raise BadRequest(f"{k} 过长", details=[{"field": k, "code": "TOO_LONG", "max": MAX_TERM}])
        start, end = parse_day((search or {}).get("from"), "from"), parse_day((search or {}).get("to"), "to")
        if start and end and start > end:
            raise BadRequest("from 不得晚于 to", details=[{"field": "from", "code": "DATE_ORDER"}])
        if "code" in terms:
            code = terms["code"].upper()
            pos = pagination.read(cursor, BY_CODE, {"pk": code}).key
            terms["code"] = code
        elif "ref" in terms:
            pos = pagination.read(cursor, BY_SOURCE_REF, {"department": dept,
                                                         "ref_key": lambda v: v.startswith(terms["ref"])}).key
        elif "name" in terms:
            pos = pagination.read(cursor, BY_NAME, {"department": dept,
                                                   "name_key": lambda v: v.startswith(terms["name"])}).key
        else:
            pos = pagination.read(cursor, BY_DEPARTMENT, {"department": dept}).key
        items, last = self.records.search(
            dept, limit, pos, category=category, state=state, start=start.isoformat() if start else None,
            end=end.isoformat() if end else None, **terms)
        return {"items": [r.summary() for r in items], "next_cursor": pagination.encode(last)}

    def modify(self, principal: Principal, record_id: str, body: dict) -> dict:
        """Replace the content (re-validated) → a new version; 409 on a concurrent change."""
        rec = self._own(principal, record_id)
        if rec.state == "withdrawn":
            raise Withdrawn()
        expected = body.pop("version", None)
        if expected is not None and expected != rec.version:
            raise Conflict(details=[{"current_version": rec.version}])
        out = self.submissions.submit(principal, rec.department, rec.category, [body], expect=rec, channel="form")
        if out.rejected:
            errors = out.rejected[0]["errors"]
            if errors[0]["code"] == "VERSION_CONFLICT":
                raise Conflict(details=[{"record_id": record_id}])
            raise BadRequest("记录未通过校验", code="VALIDATION_FAILED", details=errors)
        return out.accepted[0]

    def withdraw(self, principal: Principal, record_id: str, body: dict) -> dict:
        """撤销: off the public side at once; the withdrawal is forwarded by the next `forward`."""
        reason = reason_of(body, "请填写撤销原因")
        rec = self._own(principal, record_id)
        if rec.state == "withdrawn":
            raise Withdrawn("记录已撤销")
        stamp = now_iso()
        new = rec.model_copy(update={"state": "withdrawn", "version": rec.version + 1, "updated_at": stamp,
                                     "updated_by": principal.username, "withdrawn_reason": reason})
        lost = self.records.write([Change(record=new, previous=rec, version=RecordVersion(
            record_id=rec.record_id, version=new.version, op="withdraw", fields=rec.fields,
            masked_fields=rec.masked_fields, content_hash=rec.content_hash, by=principal.username, at=stamp,
            reason=new.withdrawn_reason))])
        if lost:
            raise Conflict()
        retract(self.public, self.changes, [rec.model_copy(update={"version": new.version})], stamp, stamp[:10],
                "withdraw")
        return {"record_id": rec.record_id, "state": "withdrawn", "version": new.version}

    def reinstate(self, principal: Principal, record_id: str, body: dict) -> dict:
        """恢复 a withdrawn record (SPEC §5): back to `accepted` as a new version naming the reason;
        the next `forward` publishes it again."""
        reason = reason_of(body, "请填写恢复原因")
        rec = self._own(principal, record_id)
        if rec.state != "withdrawn":
            raise Conflict("只有已撤销的记录可以恢复", code="NOT_WITHDRAWN", details=[{"state": rec.state}])
        stamp = now_iso()
        new = rec.model_copy(update={"state": "accepted", "version": rec.version + 1, "updated_at": stamp,
                                     "updated_by": principal.username, "withdrawn_reason": None})
        if self.records.write([Change(record=new, previous=rec, version=RecordVersion(
                record_id=rec.record_id, version=new.version, op="reinstate", fields=rec.fields,
                masked_fields=rec.masked_fields, content_hash=rec.content_hash, by=principal.username, at=stamp,
                reason=reason))]):
            raise Conflict()
        return {"record_id": rec.record_id, "state": new.state, "version": new.version}
