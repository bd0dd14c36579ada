"""Scheduled jobs by name: run by EventBridge Scheduler, by the admin route and locally."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from chalicelib.clock import parse_day, today
from chalicelib.errors import BadRequest, NotFound
from chalicelib.models.principal import Principal

MAX_AS_OF_DAYS = 400   # jobs walk days (open data, deadlines): a far-off day would be an unbounded walk
TIME_TRAVEL_STAGE = "local"          # the only stage whose jobs take a future as_of (demos, tests)
TIME_TRAVEL_YEARS = (2004, 2099)     # …within these years (the working-day calendar's range and 长期)
JOB_NAMES = ("forward", "expire", "deadlines", "open_data", "monthly_report")


SCHEDULER = Principal(username="scheduler", role="system")


class JobRunner:
    def __init__(self, jobs: dict[str, Callable[..., dict]], audit=None, settings=None):
        self.jobs = jobs
        self.audit = audit
        self.settings = settings          # its stage decides whether as_of may be after today

    def run(self, name: str, as_of: str | date | None = None, *, scheduled: bool = False, **options) -> dict:
        """Run job `name` for the day `as_of` (default: today in Asia/Shanghai); its summary.

        Scheduled runs write their own audit entry (admin-triggered ones are audited by the route).
        """
        if name not in self.jobs:
            raise NotFound(f"没有名为「{name}」的任务", details=[{"jobs": sorted(self.jobs)}])
        day = as_of if isinstance(as_of, date) else (parse_day(as_of) or today())
        self.check_day(day)
        outcome = "failed"
        try:
            summary = self.jobs[name](day, **options)
            outcome = "ok"
        finally:
            if scheduled and self.audit:
                self.audit.record(SCHEDULER, "jobs.run", target=name, request_id=f"schedule-{name}-{day}",
                                  outcome=outcome)
        return {"job": name, "as_of": day.isoformat(), **summary}

    def check_day(self, day: date) -> None:
        """as_of after today (Asia/Shanghai) is refused except on the `local` stage, which takes any day
        of 2004–2099 (time travel); elsewhere a past day may be at most MAX_AS_OF_DAYS back."""
        if self.settings is not None and self.settings.stage == TIME_TRAVEL_STAGE:
            first, last = TIME_TRAVEL_YEARS
            if not first <= day.year <= last:
                raise BadRequest(f"as_of 应在 {first} 年至 {last} 年之间",
                                 details=[{"field": "as_of", "code": "OUT_OF_RANGE"}])
            return
        now = today()
        if day > now:
            raise BadRequest(f"as_of 不能晚于今天（{now.isoformat()}）",
                             details=[{"field": "as_of", "code": "FUTURE_DATE"}])
        if (now - day).days > MAX_AS_OF_DAYS:
            raise BadRequest(f"as_of 不能早于今天之前 {MAX_AS_OF_DAYS} 天",
                             details=[{"field": "as_of", "code": "OUT_OF_RANGE"}])
