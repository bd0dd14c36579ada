"""A rejection (回退, SPEC §5.1): a rejected row kept for its department to work through."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

STATES = ("open", "resolved", "dismissed")
CHANNELS = ("batch", "upload", "form")
KEEP_DAYS = 180                  # resolved and dismissed ones are kept this long (TTL)


class Rejection(BaseModel):
    rejection_id: str              # a digest of (department, category, content): the same content is the same rejection
    department: str
    category: str
    source_ref: str | None = None
    channel: str                   # batch | upload | form (where it was first seen)
    upload_id: str | None = None
    row: int | None = None         # spreadsheet row number (upload) or 0-based index in the batch
    content: Any = None            # the submitted row; None for a 涉密 row (nothing of it is kept)
    errors: list[dict] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list)
    first_seen: str
    last_seen: str
    times_seen: int = 1
    state: str = "open"
    record_id: str | None = None   # resolved: the record accepted later with the same source_ref
    resolved_at: str | None = None
    dismissed_reason: str | None = None
    dismissed_by: str | None = None
    dismissed_at: str | None = None
    uploads: list[str] = Field(default_factory=list)   # every upload it was seen in
    first_sighting: str | None = None   # "<upload_id>#<row>" of an upload row (a re-applied chunk is no new sighting)
    last_sighting: str | None = None
    # the last sighting of each batch (upload chunk) of the latest upload that was applied: chunks are
    # written concurrently, so the chunk applied again after a crash need not be the last one applied
    chunk_sightings: list[str] = Field(default_factory=list)
    expires_at: int | None = None  # epoch seconds: 180 days after it was resolved or dismissed

    def view(self, with_content: bool = False) -> dict:
        out = self.model_dump(include={
            "rejection_id", "category", "source_ref", "channel", "upload_id", "row", "errors", "state",
            "first_seen", "last_seen", "times_seen", "record_id", "resolved_at", "dismissed_reason",
            "dismissed_at"})
        if with_content:
            out["content"] = self.content
        return out
