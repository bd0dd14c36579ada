"""Publishing public-side changes: the service that makes a change (forward, expire, 撤销, a move
to another enterprise) hands it to the ChangePublisher, which logs it (dal/changes.ChangeLog: the
feed and open data read it) and then tells the subscribers (watchlists' webhooks). The log is a
repository and calls nobody back."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from chalicelib.observability import logger


class ChangeLogPort(Protocol):
    def append(self, day: str, changes: list[dict]) -> None: ...


class ChangePublisher:
    def __init__(self, log: ChangeLogPort, subscribers: Iterable[Callable[[list[dict]], object]] = ()):
        self.log = log
        self.subscribers = list(subscribers)

    def publish(self, day: str, changes: list[dict]) -> None:
        """Log `changes` (see ChangeLog.append), then notify every subscriber; a subscriber failing
        never undoes or blocks a publication."""
        if not changes:
            return
        self.log.append(day, changes)
        stored = [{k: v for k, v in c.items() if k != "replaces"} for c in changes]
        for subscriber in self.subscribers:
            try:
                subscriber(stored)
            except Exception:
                logger.exception("change subscriber failed")
