"""One audit entry: who did what to what, when, and how it ended."""
from __future__ import annotations

from pydantic import BaseModel, Field


class AuditEntry(BaseModel):
    actor: str
    role: str
    department: str | None = None
    action: str                 # e.g. records.submit, auth.login, jobs.run
    target: str = "-"           # e.g. a record id, a username, a job name
    at: str                     # ISO timestamp, Asia/Shanghai
    request_id: str
    outcome: str                # ok / denied / failed / HTTP status
    details: dict = Field(default_factory=dict)
