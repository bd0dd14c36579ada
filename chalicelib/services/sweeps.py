"""`expire` and `deadlines`: the daily sweeps, each reading only its sparse index (never a scan)."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from chalicelib import metric_names as M
from chalicelib.clock import now_iso
from chalicelib.dal.records import Change
from chalicelib.domain.workdays import WorkCalendar
from chalicelib.observability import count
from chalicelib.services.forward import retract


class ExpireJob:
    """公示期满: take records whose publish_until has passed off the public side (转为档案)."""

    def __init__(self, records, public, changes):
        self.records = records
        self.public = public
        self.changes = changes

    def __call__(self, as_of: date, **_) -> dict:
        last_public_day = (as_of - timedelta(days=1)).isoformat()
        due = self.records.all_in_index("by_public_until", "public_state", "published",
                                        upper=last_public_day, range_name="publish_until")
        stamp = now_iso()
        changes = [Change(record=r.model_copy(update={"state": "archived"}), previous=r) for r in due]
        lost = {id(c) for c in self.records.write(changes)}
        done = [c.record for c in changes if id(c) not in lost]
        retract(self.public, self.changes, [c.previous for c in changes if id(c) not in lost], stamp,
                as_of.isoformat(), "expire")
        count(M.RECORDS_EXPIRED, len(done))
        return {"archived": len(done), "conflicts": len(lost)}


class DeadlinesJob:
    """公示时限 at risk / missed, long-pending matches, departments overdue for their batch push."""

    def __init__(self, catalog, records, calendar, counters, answers_overdue=None, departments=None):
        self.catalog = catalog
        # () → every department, county/district ones added by an admin included (DepartmentService.all)
        self.departments = departments or (lambda: list(catalog.departments.values()))
        self.records = records
        self.calendar = calendar
        self.counters = counters  # reads push history, stores the day's rows for the supervision report
        self.answers_overdue = answers_overdue  # as_of → {department: 异议/信用修复 open past due}

    def __call__(self, as_of: date, **_) -> dict:
        limits = self.catalog.time_limits
        cal = WorkCalendar(self.calendar.overrides({as_of.year - 1, as_of.year, as_of.year + 1}))
        horizon, _ = cal.add_working_days(as_of, limits.at_risk_working_days)
        open_ = self.records.all_in_index("by_deadline", "deadline_state", "open", upper=horizon.isoformat(),
                                          range_name="publish_deadline")
        missed = [r for r in open_ if r.publish_deadline < as_of.isoformat()]
        at_risk = [r for r in open_ if r.publish_deadline >= as_of.isoformat()]
        pending = []
        for r in self.records.all_in_index("by_deadline", "deadline_state", "pending"):
            since = date.fromisoformat(r.received_at[:10])
            if cal.add_working_days(since, limits.pending_report_working_days)[0] < as_of:
                pending.append(r)
        push_overdue = self._push_overdue(as_of, cal, limits.batch_push_working_days)
        by_dept: dict[str, Counter] = defaultdict(Counter)
        for key, rows in (("missed", missed), ("at_risk", at_risk), ("pending_overdue", pending)):
            for r in rows:
                by_dept[r.department][key] += 1
        for dept in push_overdue:
            by_dept[dept]["push_overdue"] = 1
        overdue_answers = self.answers_overdue(as_of) if self.answers_overdue else {}
        for dept, n in overdue_answers.items():
            by_dept[dept]["objections_overdue"] = n
        self.counters.put_deadlines(as_of.isoformat(), {d: dict(c) for d, c in by_dept.items()})
        settled = self._settle_left(as_of)
        count(M.PUBLISH_DEADLINE_MISSED, len(missed))
        count(M.PUBLISH_DEADLINE_AT_RISK, len(at_risk))
        count(M.PENDING_OVERDUE, len(pending))
        count(M.PUSH_OVERDUE, len(push_overdue))
        return {"missed": len(missed), "at_risk": len(at_risk), "pending_overdue": len(pending),
                "push_overdue": sorted(push_overdue), "objections_overdue": sum(overdue_answers.values()),
                "counts_settled": settled}

    def _settle_left(self, as_of: date) -> int:
        """Counts a failed JSON batch left pending (its records stored, its counts not yet in the day
        buckets: SPEC §5.1, services/submissions._settle) reach the report even when nothing is sent
        again: each department's pending items written before `as_of` (no request still running
        wrote them) settle here, each only if still as read. One Query per department (its pending
        partition, empty when all is settled). Returns how many settled."""
        settled = 0
        for dept in self.departments():
            left = [p for p in self.counters.pending(dept.id) if p.at[:10] < as_of.isoformat()]
            if left and self.counters.settle(dept.id, as_of.isoformat(), {}, None, left):
                settled += len(left)
        return settled

    def _push_overdue(self, as_of: date, cal: WorkCalendar, every: int) -> list[str]:
        """Batch pushers whose last push (or, never having pushed, their set-up: the catalog's
        departments are set up when the platform's first `deadlines` ran) is more than `every`
        working days before `as_of`."""
        overdue, set_up = [], None
        for dept in self.catalog.departments.values():
            if dept.push_mode != "batch":
                continue
            last = self.counters.last_submission(dept.id)
            if last is None:   # never pushed: counted from when it was set up (SPEC §5.1)
                last = set_up = set_up if set_up is not None else self.counters.first_deadlines_day() or as_of.isoformat()
            if cal.add_working_days(date.fromisoformat(last[:10]), every)[0] < as_of:
                overdue.append(dept.id)
        return overdue
