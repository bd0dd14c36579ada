"""What EventBridge Scheduler does, for `make run`: fire each schedule's job on its cron."""
from __future__ import annotations

import logging
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from chalicelib.local import cron
from chalicelib.local.pump import lambda_context
from chalicelib.resources import SCHEDULES

log = logging.getLogger(__name__)


def due(now: datetime) -> list:
    """The schedules that fire in the minute `now` (each evaluated in its own timezone)."""
    return [s for s in SCHEDULES
            if cron.matches(s.cron, now.astimezone(ZoneInfo(s.timezone)))]


class Scheduler(threading.Thread):
    def __init__(self, runner):
        super().__init__(daemon=True, name="scheduler")
        self.runner = runner
        self.stopping = threading.Event()

    def run(self) -> None:
        last = None
        while not self.stopping.wait(5):
            now = datetime.now(ZoneInfo("UTC")).replace(second=0, microsecond=0)
            if now == last:
                continue
            last = now
            for s in due(now):
                try:
                    result = self.runner({"job": s.job, **s.payload}, lambda_context("job_runner"))
                    log.info("job %s: %s", s.job, result)
                except Exception:
                    log.exception("job %s failed", s.job)
