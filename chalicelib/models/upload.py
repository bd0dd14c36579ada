"""An uploaded spreadsheet and the progress of its processing."""
from __future__ import annotations

from pydantic import BaseModel, Field


class UploadError(BaseModel):
    code: str
    message: str
    details: list = Field(default_factory=list)


class Upload(BaseModel):
    upload_id: str
    department: str
    category: str
    filename: str
    format: str = "xlsx"            # xlsx | xls | ods | csv: named by the extension at the request
    actor: str = ""
    created_at: str
    object_key: str
    object_version: str | None = None  # the one S3 object version processed (pinned at the first event)
    object_etag: str | None = None
    state: str = "waiting"          # waiting → processing → done | failed
    rows_total: int | None = None
    rows_done: int = 0
    accepted: int = 0
    unchanged: int = 0              # identical resends (SPEC §5.1): rows in = accepted + unchanged + rejected
    rejected: int = 0
    next_row: int = 0               # checkpoint: data rows already applied (resume point)
    chunks: int = 0                 # feedback chunks written so far
    error: UploadError | None = None
    notes: list[str] = Field(default_factory=list)
    feedback_key: str | None = None
    lease: str | None = None        # the invocation processing it (at-least-once delivery)
    lease_until: int | None = None  # epoch seconds
    finished_at: str | None = None

    def public_view(self) -> dict:
        return self.model_dump(include={
            "upload_id", "category", "filename", "format", "state", "rows_total", "rows_done",
            "accepted", "unchanged", "rejected", "error", "notes", "created_at", "finished_at"})
