"""异议 (objection) and 信用修复 (credit repair) cases on published records (SPEC §5.2).

Both are filed by the public, go to the record's department and are answered within the
configured working days; the applicant follows one with the secret `follow_token` given at
filing (only its SHA-256 is kept). The applicant's contact is for the department only.
"""
from __future__ import annotations

from pydantic import BaseModel

KINDS = ("objection", "repair")
OBJECTION_DECISIONS = ("maintained", "corrected", "withdrawn")


class Case(BaseModel):
    id: str                        # ULID
    kind: str                      # objection / repair
    record_id: str
    department: str                # the record's (deciding) department
    category: str
    enterprise_code: str
    enterprise_name: str
    record_version: int            # the record's version when the case was filed
    state: str = "open"            # objection: open | answered; repair: open | approved | refused
    filed_at: str
    due: str                       # answer due (YYYY-MM-DD), working days after filing
    provisional: bool = False      # `due` counted over a year without calendar data
    token_hash: str
    applicant_name: str            # objection: contact_name
    applicant_phone: str           # objection: contact_phone
    reason: str | None = None      # objection
    evidence: str | None = None
    commitment: bool | None = None  # repair: the 信用承诺书
    decision: str | None = None    # objection: maintained | corrected | withdrawn; repair: approved | refused
    reply: str | None = None
    decided_at: str | None = None
    decided_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    def public_view(self) -> dict:
        """What the applicant sees with the follow token: never the contact given."""
        out = self.model_dump(include={"kind", "record_id", "category", "enterprise_name", "state", "filed_at",
                                       "due", "reason", "evidence", "decision", "reply", "decided_at"},
                              exclude_none=True)
        return {f"{self.kind}_id": self.id, **out}

    def department_view(self, today: str) -> dict:
        out = self.model_dump(exclude={"token_hash"})
        out[f"{self.kind}_id"] = self.id
        out["overdue"] = self.is_open and self.due < today
        if self.kind == "objection":
            out["contact_name"], out["contact_phone"] = self.applicant_name, self.applicant_phone
        return out
