"""A department's preferences for the portal: defaults the entry form fills in (SPEC §5.1, #23)."""
from __future__ import annotations

from pydantic import BaseModel, Field


class DepartmentPreferences(BaseModel):
    department: str
    defaults: dict[str, dict[str, str]] = Field(default_factory=dict)  # category → json_name → value
    updated_at: str | None = None
    updated_by: str | None = None
