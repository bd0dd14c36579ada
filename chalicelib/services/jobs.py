"""Scheduled jobs by name: run by EventBridge Scheduler, by the admin route and locally."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from chalicelib.clock import parse_day, today
from chalicelib.errors import NotFound

JOB_NAMES = ("forward", "expire", "deadlines", "open_data", "monthly_report")


class JobRunner:
    def __init__(self, jobs: dict[str, Callable[..., dict]]):
        self.jobs = jobs

    def run(self, name: str, as_of: str | date | None = None, **options) -> dict:
        """Run job `name` for the day `as_of` (default: today in Asia/Shanghai); its summary."""
        if name not in self.jobs:
            raise NotFound(f"没有名为「{name}」的任务", details=[{"jobs": sorted(self.jobs)}])
        day = as_of if isinstance(as_of, date) else (parse_day(as_of) or today())
        summary = self.jobs[name](day, **options)
        return {"job": name, "as_of": day.isoformat(), **summary}
