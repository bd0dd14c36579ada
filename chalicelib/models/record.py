"""A record (one piece of 涉企信息), its versions, and the per-record submission outcome."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, SkipValidation

# A record's fields come out of validation (or back from the table) already checked: the models
# keep the dict as given instead of copying it key by key (two models per row of a 100k upload).
Fields = SkipValidation[dict[str, Any]]


class Record(BaseModel):
    record_id: str                 # ULID, permanent
    department: str                # the submitting (responsible) department
    category: str
    source_ref: str                # 文号 / 登记编号 …: identity within (department, category)
    version: int
    state: str = "accepted"        # accepted → published → archived; withdrawn; repaired (信用修复)
    match: str                     # local / elsewhere / pending
    enterprise_code: str           # partition: matched USCC, else 注册号
    uscc: str | None = None
    regno: str | None = None
    name: str
    fields: Fields
    masked_fields: list[str] = Field(default_factory=list)
    content_hash: str
    decision_date: str | None = None
    collect_deadline: str | None = None
    publish_deadline: str | None = None
    provisional: bool = False
    late: bool = False
    publishable: bool = True       # False: e.g. a warning-only penalty — stored, never public
    received_at: str               # first arrival (ISO, Asia/Shanghai)
    updated_at: str
    updated_by: str
    upload_id: str | None = None
    published_version: int | None = None
    published_at: str | None = None
    publish_until: str | None = None
    forwarded_op: str | None = None   # last op the publicity system accepted: upsert / withdraw
    forwarded_code: str | None = None  # enterprise code of that last upsert: where its public copy was put
    withdrawn_reason: str | None = None
    forward_failed_version: int | None = None  # the publicity system refused this version (DLQ)
    enterprise_name: str | None = None  # elsewhere: the enterprise's public name (the first given for its code)
    name_conflict: bool = False         # elsewhere: this record names the code otherwise (SPEC §3)
    item_months: int | None = None      # the period (months) its approved 目录事项 sets, when it sets one (§5.3)

    @property
    def identity(self) -> str:
        return identity_key(self.department, self.category, self.source_ref)

    def needs_forward(self) -> bool:
        """Does the next `forward` have to send something for this record?"""
        if self.forward_failed_version == self.version:
            return False                                 # in the DLQ; an operator replays it
        return bool(self.forward_ops())

    @property
    def copy_code(self) -> str:
        """The enterprise code its public copy (if any) was put under by `forward`."""
        return self.forwarded_code or self.enterprise_code

    def forward_ops(self) -> list[tuple[str, str]]:
        """(op, enterprise code) the next `forward` sends: a withdrawal of what the publicity system
        holds when the record was withdrawn, made unpublishable or moved to another enterprise
        (under the code it holds it by), and the current version when it is due for publication."""
        sent = self.forwarded_op == "upsert"
        if self.state == "repaired":                     # publication ended early (SPEC §5.2)
            return [("repair", self.copy_code)] if sent else []
        if self.state == "withdrawn" or not self.publishable:
            return [("withdraw", self.copy_code)] if sent else []
        ops = [("withdraw", self.copy_code)] if sent and self.copy_code != self.enterprise_code else []
        if self.match != "pending" and self.state != "archived" and self.published_version != self.version:
            ops.append(("upsert", self.enterprise_code))
        return ops

    def deadline_open(self) -> bool:
        """Is the record still waiting to be published (its publish_deadline matters)?"""
        return (self.state == "accepted" and self.match != "pending" and self.publishable
                and self.published_version is None)

    def summary(self) -> dict:
        return self.model_dump(exclude={"fields", "content_hash", "masked_fields"})


class RecordVersion(BaseModel):
    record_id: str
    version: int
    op: str                        # create / modify / withdraw / rematch
    fields: Fields
    masked_fields: list[str] = Field(default_factory=list)
    content_hash: str
    by: str
    at: str
    reason: str | None = None
    upload_id: str | None = None


class Enterprise(BaseModel):
    code: str                      # USCC, or 注册号 when there is none
    uscc: str | None = None
    regno: str | None = None
    name: str
    former_names: list[str] = Field(default_factory=list)
    region: str | None = None
    status: str | None = None      # 存续/在业/吊销/注销/迁出
    business_scope: str | None = None
    registered_on: str | None = None
    updated_at: str | None = None

    def known_names(self) -> set[str]:
        return {self.name, *self.former_names}


def identity_key(department: str, category: str, source_ref: str) -> str:
    return f"{department}|{category}|{source_ref}"
