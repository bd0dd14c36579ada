"""The 回退 loop (SPEC §5.1): every rejected row kept as a rejection its department works through.

The same content (same department, category and content) rejected again is the same rejection:
`times_seen` grows and it is not counted again. A later acceptance of the same source_ref resolves
it (naming the record); the department may dismiss one with a reason; closed ones are kept 180 days.
A 涉密 row keeps nothing of its content (department, category, channel, row, code and time only).
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from chalicelib import pagination
from chalicelib.clock import now_iso
from chalicelib.errors import BadRequest, Conflict, NotFound
from chalicelib.http import reason_of
from chalicelib.identity.policy import require_department
from chalicelib.models.principal import Principal
from chalicelib.models.record import identity_key
from chalicelib.models.rejection import CHANNELS, KEEP_DAYS, STATES, Rejection

SECRET = "STATE_SECRET"
BY_DEPARTMENT = pagination.Shape({"id", "department", "last_seen"})
ATTEMPTS = 3          # re-reads when a concurrent sighting of the same rejection won a race
MAX_CONTENT = 30_000  # JSON characters of a kept row: 100 of them fit one transaction (4 MB), each one item
CUT = 500             # a longer value of an oversized row is kept cut to this many characters
MAX_UPLOADS = 50      # uploads a rejection remembers having been seen in (the newest)


@dataclass
class RejectedRow:
    """One rejected row as the intake saw it."""
    index: int                    # its position in what was submitted (the response's index)
    content: Any                  # the row as submitted
    errors: list[dict]
    source_ref: str | None = None
    row: int | None = None        # spreadsheet row number (uploads); the index otherwise


@dataclass
class Recorded:
    ids: dict[int, str] = field(default_factory=dict)        # index → rejection_id
    new: list[list[dict]] = field(default_factory=list)      # errors of the rejections seen for the first time


def _plain(value):
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


_HASHED = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str)


def rejection_id(department: str, category: str, content) -> str:
    raw = _HASHED.encode([department, category, content])
    return "rj-" + hashlib.sha256(raw.encode()).hexdigest()[:32]


class RejectionService:
    def __init__(self, repo, catalog):
        self.repo = repo
        self.catalog = catalog
        # An upload's chunks are written on a thread pool (#27) and rows of the same content in
        # several chunks are ONE rejection: their read-modify-write sightings would race each other
        # past any fixed number of attempts. One process saves one batch of sightings at a time;
        # the re-reads are left for other processes (another request); past them, Conflict: the
        # request answers 409, an upload's invocation fails and SQS redelivers it.
        self._saving = threading.Lock()

    # --- intake -----------------------------------------------------------------------------
    def content_of(self, category: str, raw) -> Any:
        """The row keyed by the catalog's json names (Chinese labels mapped), dates as YYYY-MM-DD."""
        if not isinstance(raw, dict):
            return raw
        key_map = self.catalog.key_map(category)
        return {str(key_map.get(k, k)): _plain(v) for k, v in raw.items()}

    def record(self, department: str, category: str, channel: str, upload_id: str | None,
               rows: list[RejectedRow], tally: Callable[[list[Rejection]], Any] | None = None) -> Recorded:
        """Keep the rejected rows; returns their rejection ids and which are seen for the first time.

        `tally(new rejections)`: the item that counts the rejections a transaction creates, in it."""
        out = Recorded()
        if not rows:
            return out
        stamp = now_iso()
        seen: dict[str, list[RejectedRow]] = {}
        first: dict[str, Rejection] = {}
        for r in rows:
            content = self.content_of(category, r.content)
            rid = rejection_id(department, category, content)
            out.ids[r.index] = rid
            seen.setdefault(rid, []).append(r)
            if rid not in first:
                first[rid] = self._new(rid, department, category, channel, upload_id, r, content, stamp)
        with self._saving:
            return self._save(department, category, upload_id, stamp, seen, first, tally, out)

    def _save(self, department, category, upload_id, stamp, seen, first, tally, out: Recorded) -> Recorded:
        """Write the sightings, re-reading those whose stored copy changed meanwhile."""
        pending = dict(seen)
        for _ in range(ATTEMPTS):
            stored = self.repo.get_many(pending)
            writes, refs, new_ids = [], {}, set()
            for rid, sightings in pending.items():
                write = self._sighting(stored.get(rid), first[rid], sightings, upload_id, stamp)
                if write is None:   # an upload chunk applied again: this sighting is already counted
                    if stored[rid].first_sighting in {_sighting(upload_id, r) for r in sightings}:
                        new_ids.add(rid)
                    continue
                rej, expected = write
                writes.append(write)
                if expected is None:
                    new_ids.add(rid)
                    if rej.source_ref and rej.state == "open":
                        refs.setdefault(identity_key(department, category, rej.source_ref), []).append(rid)
            lost = {r.rejection_id for r in self.repo.save(writes, refs, tally)}
            out.new += [first[rid].errors for rid in new_ids if rid not in lost]
            pending = {rid: pending[rid] for rid in lost}
            if not pending:
                return out
        raise Conflict("回退记录正被同时更新，请稍后重新提交")

    @staticmethod
    def _new(rid, department, category, channel, upload_id, r: RejectedRow, content, stamp) -> Rejection:
        secret = any(e.get("code") == SECRET for e in r.errors)
        errors = [{k: e.get(k) for k in ("field", "code", "message")} for e in r.errors if e.get("code") == SECRET
                  ] if secret else r.errors
        return Rejection(
            rejection_id=rid, department=department, category=category,
            source_ref=None if secret else (r.source_ref or None), channel=channel, upload_id=upload_id,
            row=r.row if r.row is not None else r.index, content=None if secret else _bounded(content), errors=errors,
            codes=sorted({e.get("code") for e in errors if e.get("code")}), first_seen=stamp, last_seen=stamp,
            uploads=[upload_id] if upload_id else [], first_sighting=_sighting(upload_id, r),
            last_sighting=_sighting(upload_id, r))

    @staticmethod
    def _sighting(stored: Rejection | None, new: Rejection, sightings: list[RejectedRow], upload_id, stamp
                  ) -> tuple[Rejection, int | None] | None:
        """What to write for this batch's sightings of one rejection (None: nothing, already applied)."""
        marks = [_sighting(upload_id, r) for r in sightings]
        chunks = [marks[-1]] if upload_id else []
        if stored is None:
            return new.model_copy(update={"times_seen": len(sightings), "last_sighting": marks[-1],
                                          "chunk_sightings": chunks}), None
        if upload_id and not {stored.last_sighting, *stored.chunk_sightings}.isdisjoint(marks):
            return None
        uploads = sorted({*stored.uploads, upload_id})[-MAX_UPLOADS:] if upload_id else stored.uploads
        if upload_id:   # the marks of this upload's chunks (one per chunk), others' dropped
            chunks = [m for m in stored.chunk_sightings if m.startswith(f"{upload_id}#")] + chunks
        return stored.model_copy(update={"times_seen": stored.times_seen + len(sightings), "last_seen": stamp,
                                         "uploads": uploads, "last_sighting": marks[-1],
                                         "chunk_sightings": chunks}), stored.times_seen

    def resolve(self, department: str, category: str, accepted: dict[str, str], upload_id: str | None = None) -> int:
        """Resolve the open rejections of these source_refs (source_ref → the accepted record_id).

        An upload's acceptance leaves alone the rejections that upload itself made: within one file
        the first row of a 文号 is the one that counts, so a rejection of the same upload can only be
        of a later row (DUPLICATE_IN_BATCH) — which stays open, however the chunks were interleaved
        (a chunk applied again on a redelivery, after later chunks were written, #27)."""
        if not accepted:
            return 0
        idents = {identity_key(department, category, ref): rid for ref, rid in accepted.items() if ref}
        if not idents or not self.repo.any_open(department):   # one Query instead of a read per 100 records
            return 0
        open_ = self.repo.open_refs(idents)
        if open_ and upload_id:
            ours = {rid for rid, rej in self.repo.get_many(i for ids in open_.values() for i in ids).items()
                    if upload_id in rej.uploads}
            open_ = {ident: kept for ident, ids in open_.items() if (kept := [i for i in ids if i not in ours])}
        if not open_:
            return 0
        stamp = now_iso()
        closes = [(rej_id, ident, {"state": "resolved", "record_id": idents[ident], "resolved_at": stamp})
                  for ident, ids in open_.items() for rej_id in ids]
        gone = self.repo.close(closes, _expiry())
        return len(closes) - len(gone)

    # --- the inbox --------------------------------------------------------------------------
    def list(self, principal: Principal, department: str | None, state: str | None, category: str | None,
             code: str | None, upload_id: str | None, limit: int, cursor: str | None) -> dict:
        dept = require_department(principal, department)   # the department's own (督查: the drill-down)
        if state and state not in STATES:
            raise BadRequest("state 取值无效", details=[{"field": "state", "code": "BAD_ENUM", "allowed": list(STATES)}])
        pos = pagination.read(cursor, BY_DEPARTMENT, {"department": dept}).key
        items, last = self.repo.by_department(dept, limit, pos, state=state, category=category, code=code,
                                              upload_id=upload_id)
        return {"items": [r.view() for r in items], "next_cursor": pagination.encode(last)}

    def _own(self, principal: Principal, rejection_id: str) -> Rejection:
        rej = self.repo.get(rejection_id) if len(rejection_id) <= 64 else None
        if rej is None or (not principal.is_admin and rej.department != principal.department):
            raise NotFound("回退记录不存在")      # another department's: as if absent
        return rej

    def get(self, principal: Principal, rejection_id: str) -> dict:
        return self._own(principal, rejection_id).view(with_content=True)

    def dismiss(self, principal: Principal, rejection_id: str, body: dict) -> dict:
        reason = reason_of(body, "请填写忽略原因")
        rej = self._own(principal, rejection_id)
        if rej.state != "open":
            raise Conflict("该回退记录已处理，不能再忽略", code="NOT_OPEN", details=[{"state": rej.state}])
        stamp = now_iso()
        ident = identity_key(rej.department, rej.category, rej.source_ref) if rej.source_ref else None
        if self.repo.close([(rej.rejection_id, ident, {"state": "dismissed", "dismissed_reason": reason,
                                                       "dismissed_by": principal.username, "dismissed_at": stamp})],
                           _expiry()):
            raise Conflict("该回退记录已处理，不能再忽略", code="NOT_OPEN")
        return self._own(principal, rejection_id).view()

    def open_stats(self, department: str) -> tuple[int, str | None]:
        return self.repo.open_stats(department)


def _bounded(content):
    """The row as kept: whole if small enough for one item, else with long values cut (marked), else
    only what it had at its keys (as the 回退 file keeps the row, this is a convenience copy)."""
    if len(_HASHED.encode(content)) <= MAX_CONTENT:
        return content
    if isinstance(content, dict):
        cut = {k[:CUT]: (v[:CUT] + "…" if isinstance(v, str) and len(v) > CUT else v) for k, v in content.items()}
        if len(_HASHED.encode(cut)) <= MAX_CONTENT:
            return cut
    return None


def _sighting(upload_id: str | None, r: RejectedRow) -> str | None:
    return f"{upload_id}#{r.row}" if upload_id else None


def _expiry() -> int:
    return int(time.time()) + KEEP_DAYS * 86400


def check_channel(value) -> str:
    if value in (None, ""):
        return "batch"
    if value not in CHANNELS or value == "upload":
        raise BadRequest("channel 取值无效", details=[{"field": "channel", "code": "BAD_ENUM",
                                                   "allowed": ["batch", "form"]}])
    return value
