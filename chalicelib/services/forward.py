"""`forward`: send new, changed and withdrawn records to the national publicity system, and make
the public side show exactly what it accepted (SPEC §6.4).

Batches are cut deterministically from the due records (oldest change first), so a failed batch
is resent with the same batch id; every record also carries its own idempotency key
(record_id:version:op). A record is marked published only after its batch succeeded.
"""
from __future__ import annotations

import hashlib
from datetime import date

from chalicelib import metric_names as M
from chalicelib.clock import now_iso
from chalicelib.dal.records import Change
from chalicelib.domain.periods import current_period
from chalicelib.domain.projection import project
from chalicelib.models.record import Record
from chalicelib.observability import count, logger
from chalicelib.services.changes import ChangePublisher
from chalicelib.services.ports import DeadBatchFiles, DeadLetters

BATCH_SIZE = 500
MAX_ATTEMPTS = 3


def idempotency_key(rec: Record, op: str) -> str:
    return f"{rec.record_id}:{rec.version}:{op}"


def batch_id_of(records: list[Record]) -> str:
    keys = [idempotency_key(r, op) for r in records for op, _ in r.forward_ops()]
    return hashlib.sha256("|".join(keys).encode()).hexdigest()[:32]


def retract(public, changes: ChangePublisher, records: list[Record], stamp: str, day: str, op: str) -> None:
    """Take records off the public side at once (撤销, 公示期满, a move to another enterprise):
    every public copy wherever it was put, and one change-log entry for each that was public."""
    keys = [(code, r.category, r.record_id) for r in records for code in dict.fromkeys((r.copy_code, r.enterprise_code))]
    public.delete(keys)
    public.refresh(code for code, _, _ in keys)
    changes.publish(day, [{"at": stamp, "op": op, "code": r.copy_code, "category": r.category,
                          "record_id": r.record_id, "version": r.version}
                         for r in records if r.state == "published"])


class ForwardJob:
    def __init__(self, catalog, records, registry, public, changes, sender, state, dead_letters, counters):
        self.catalog = catalog
        self.records = records
        self.registry = registry
        self.public = public
        self.changes = changes
        self.sender = sender
        self.state = state
        self.dead_letters = dead_letters   # callable(batch: dict, error: str) → None
        self.counters = counters

    def __call__(self, as_of: date, retry_only: bool = False) -> dict:
        failures = self.state.open_failures()
        if retry_only and not failures:
            return {"skipped": "没有待重试的批次", "batches": 0}
        due = self._due()
        summary = {"due": len(due), "batches": 0, "published": 0, "withdrawn": 0, "failed_batches": 0,
                   "dead_batches": 0, "rejected": 0}
        for start in range(0, len(due), BATCH_SIZE):
            chunk = due[start:start + BATCH_SIZE]
            batch = self._batch(chunk, as_of)
            summary["batches"] += 1
            result = self.sender.send(batch)
            if result.ok:
                if result.rejected:   # before they are parked: if the dead letter fails, they stay due
                    self.dead_letters(batch, f"rejected: {result.rejected}")
                self.state.clear(batch["batch_id"])
                self._accepted(chunk, result.rejected, as_of, summary)
                continue
            attempts = self.state.fail(batch["batch_id"], result.error or "error", now_iso())
            summary["failed_batches"] += 1
            count(M.FORWARD_FAILURES)
            logger.warning("forward batch failed", extra={"batch_id": batch["batch_id"], "attempts": attempts,
                                                          "error": result.error})
            if attempts >= MAX_ATTEMPTS:
                self.dead_letters(batch, result.error or "error")
                self.state.dead(batch["batch_id"], result.error or "error", now_iso(), len(chunk))
                self._park(chunk)
                summary["dead_batches"] += 1
        return summary

    def _due(self) -> list[Record]:
        return sorted(self.records.all_in_index("by_forward", "forward_due", "due"),
                      key=lambda r: (r.updated_at, r.record_id))

    def _profiles(self, records: list[Record]) -> dict[str, dict]:
        registry = self.registry.lookup({r.enterprise_code for r in records if r.match == "local"})
        profiles = {}
        for r in records:
            e = registry.get(r.enterprise_code)
            profiles[r.enterprise_code] = {
                "code": r.enterprise_code, "name": e.name if e else (r.enterprise_name or r.name), "uscc": (e.uscc if e else r.uscc),
                "regno": (e.regno if e else r.regno), "registered_elsewhere": r.match == "elsewhere",
                "status": e.status if e else None, "former_names": e.former_names if e else []}
        return profiles

    def _batch(self, chunk: list[Record], as_of: date) -> dict:
        profiles = self._profiles(chunk)
        entries = []
        for r in chunk:
            p = profiles[r.enterprise_code]
            for op, code in r.forward_ops():
                entries.append({
                    "record_id": r.record_id, "version": r.version, "op": op, "category": r.category,
                    "idempotency_key": idempotency_key(r, op), "department": r.department,
                    "enterprise": ({"code": p["code"], "name": p["name"], "registered_elsewhere": p["registered_elsewhere"]}
                                   if code == r.enterprise_code else {"code": code}),
                    "fields": project(self.catalog, self._published(r, as_of), p).copy["fields"] if op == "upsert"
                    else {}})
        return {"batch_id": batch_id_of(chunk), "day": as_of.isoformat(), "records": entries}

    def _published(self, r: Record, as_of: date, stamp: str | None = None) -> Record:
        """The record as it is once this forward's upsert is accepted."""
        period = current_period(self.catalog.category(r.category), r.fields, r.published_at, as_of, r.item_months)
        return r.model_copy(update={
            "state": "published", "published_version": r.version, "forwarded_op": "upsert",
            "forwarded_code": r.enterprise_code, "published_at": r.published_at or stamp,
            "publish_until": period.until.isoformat() if period.until else None})

    def _accepted(self, chunk: list[Record], rejected: dict[str, str], as_of: date, summary: dict) -> None:
        stamp = now_iso()
        changes, items, gone, log = [], [], [], []
        written: dict[str, str] = {}     # record_id → code its copy was put under by this run
        profiles = self._profiles(chunk)
        for r in chunk:
            if r.record_id in rejected:
                changes.append(Change(record=r.model_copy(update={"forward_failed_version": r.version}), previous=r))
                summary["rejected"] += 1
                count(M.FORWARD_REJECTED)
                continue
            ops = dict(r.forward_ops())
            new = r
            if "repair" in ops:         # 信用修复: off the public side since its approval
                gone.append((ops["repair"], r.category, r.record_id))
                new = new.model_copy(update={"forwarded_op": "repair", "forwarded_code": None,
                                             "published_version": r.version})
                summary["repaired"] = summary.get("repaired", 0) + 1
            if "withdraw" in ops:       # withdrawn, unpublishable or moved: off where it was put
                gone.append((ops["withdraw"], r.category, r.record_id))
                new = new.model_copy(update={"forwarded_op": "withdraw", "forwarded_code": None})
                if "upsert" not in ops:
                    new = new.model_copy(update={"published_version": r.version, "state": (
                        "accepted" if r.state == "published" else r.state)})
                if r.state == "published" and ops["withdraw"] == r.enterprise_code:
                    # still public until now (a 撤销 or a move was logged when it left the public side)
                    log.append({"at": stamp, "op": "withdraw", "code": r.enterprise_code,
                                "category": r.category, "record_id": r.record_id, "version": r.version})
                summary["withdrawn"] += 1
            if "upsert" in ops:
                new = self._published(new, as_of, stamp)
                projection = project(self.catalog, new, profiles[r.enterprise_code])
                items.append(projection.item())
                written[r.record_id] = r.enterprise_code
                log.append({**projection.feed_entry(stamp), "replaces": r.forwarded_op == "upsert"})
                summary["published"] += 1
            changes.append(Change(record=new, previous=r))
        # The public side first, then the records: if the job dies in between, the records are
        # still due and the re-run writes the same copies again (idempotent puts).
        self.public.put(items)
        self.public.delete(gone)
        self.public.refresh([c["code"] for c in items] + [code for code, _, _ in gone],
                            {c["code"]: profiles[c["code"]] for c in items})
        self.registry.index_names([profiles[c["code"]] for c in items])
        lost = {id(c) for c in self.records.write(changes)}
        kept = {c.record.record_id for c in changes if id(c) not in lost}
        if lost:   # changed meanwhile: a copy just written stays only if the record is still public there
            now = self.records.get_many((c.record.enterprise_code, c.record.record_id) for c in changes
                                        if id(c) in lost)
            stale = [(code, r.category, r.record_id) for r in now.values()
                     if (code := written.get(r.record_id)) and (r.state != "published" or r.enterprise_code != code)]
            self.public.delete(stale)
            self.public.refresh(code for code, _, _ in stale)
            kept |= {rid for rid in written if rid in now and (written[rid], now[rid].category, rid) not in stale}
        self.changes.publish(as_of.isoformat(), [entry for entry in log if entry["record_id"] in kept])
        self._count_timeliness([c.previous for c in changes if id(c) not in lost and c.record.state == "published"
                                and c.previous.published_version is None], as_of)
        count(M.RECORDS_PUBLISHED, summary["published"])

    def _count_timeliness(self, first_published: list[Record], as_of: date) -> None:
        """公示时限: first publications on/after publish_deadline, in the bucket of the day received."""
        buckets: dict[tuple[str, str], dict[str, int]] = {}
        for r in first_published:
            b = buckets.setdefault((r.department, r.received_at[:10]), {"published_on_time": 0, "published_late": 0})
            on_time = r.publish_deadline is None or as_of.isoformat() <= r.publish_deadline
            b["published_on_time" if on_time else "published_late"] += 1
            if r.decision_date:   # days from decision to publication, as a histogram (capped at 400)
                lag = min(max((as_of - date.fromisoformat(r.decision_date)).days, 0), 400)
                b[f"lag_{lag:03d}"] = b.get(f"lag_{lag:03d}", 0) + 1
        for (dept, day), deltas in buckets.items():
            self.counters.add(dept, day, deltas)

    def _park(self, chunk: list[Record]) -> None:
        self.records.write([Change(record=r.model_copy(update={"forward_failed_version": r.version}), previous=r)
                            for r in chunk])


def dead_letter_sender(queue: DeadLetters, files: DeadBatchFiles):
    """DLQ for batches: the payload goes to a file (it can exceed SQS's 256 KB), a pointer to the queue."""
    def send(batch: dict, error: str) -> None:
        key = files.put_dead_batch(batch)
        queue.send({"batch_id": batch["batch_id"], "s3_key": key, "error": error, "records": len(batch["records"])})
    return send
