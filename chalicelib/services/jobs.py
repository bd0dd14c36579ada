"""Scheduled jobs by name: run by EventBridge Scheduler, by the admin route and locally."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from chalicelib.clock import parse_day, today
from chalicelib.errors import BadRequest, NotFound
from chalicelib.models.principal import Principal

MAX_AS_OF_DAYS = 400   # jobs walk days (open data, deadlines): a far-off day would be an unbounded walk
JOB_NAMES = ("forward", "expire", "deadlines", "open_data", "monthly_report")


SCHEDULER = Principal(username="scheduler", role="system")


class JobRunner:
    def __init__(self, jobs: dict[str, Callable[..., dict]], audit=None):
        self.jobs = jobs
        self.audit = audit

    def run(self, name: str, as_of: str | date | None = None, *, scheduled: bool = False, **options) -> dict:
        """Run job `name` for the day `as_of` (default: today in Asia/Shanghai); its summary.

        Scheduled runs write their own audit entry (admin-triggered ones are audited by the route).
        """
        if name not in self.jobs:
            raise NotFound(f"没有名为「{name}」的任务", details=[{"jobs": sorted(self.jobs)}])
        day = as_of if isinstance(as_of, date) else (parse_day(as_of) or today())
        if abs((day - today()).days) > MAX_AS_OF_DAYS:
            raise BadRequest(f"as_of 应在今天前后 {MAX_AS_OF_DAYS} 天之内",
                             details=[{"field": "as_of", "code": "OUT_OF_RANGE"}])
        outcome = "failed"
        try:
            summary = self.jobs[name](day, **options)
            outcome = "ok"
        finally:
            if scheduled and self.audit:
                self.audit.record(SCHEDULER, "jobs.run", target=name, request_id=f"schedule-{name}-{day}",
                                  outcome=outcome)
        return {"job": name, "as_of": day.isoformat(), **summary}
