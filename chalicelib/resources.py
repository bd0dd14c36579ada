"""Every AWS resource the app uses, defined once.

The local bootstrap and the tests create exactly these on the emulator, and the Terraform check
(tests/infra) compares the HCL with them. Names here are logical; Settings adds the prefix.
"""
from __future__ import annotations

from pydantic import BaseModel, Field


class Index(BaseModel):
    name: str
    hash_key: str
    range_key: str | None = None


class TableDef(BaseModel):
    name: str
    hash_key: str
    range_key: str | None = None
    key_types: dict[str, str] = Field(default_factory=dict)  # attribute → S/N; S when absent
    indexes: list[Index] = Field(default_factory=list)
    ttl_attribute: str | None = None
    stream: bool = False

    def attributes(self) -> dict[str, str]:
        names = [self.hash_key, self.range_key]
        for ix in self.indexes:
            names += [ix.hash_key, ix.range_key]
        return {n: self.key_types.get(n, "S") for n in names if n}

    def create_kwargs(self, physical_name: str) -> dict:
        """Arguments for DynamoDB CreateTable (on-demand billing, indexes project everything)."""
        def schema(h: str, r: str | None) -> list[dict]:
            keys = [{"AttributeName": h, "KeyType": "HASH"}]
            return keys + ([{"AttributeName": r, "KeyType": "RANGE"}] if r else [])

        kwargs: dict = {
            "TableName": physical_name,
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": schema(self.hash_key, self.range_key),
            "AttributeDefinitions": [
                {"AttributeName": n, "AttributeType": t} for n, t in self.attributes().items()
            ],
        }
        if self.indexes:
            kwargs["GlobalSecondaryIndexes"] = [
                {"IndexName": ix.name, "KeySchema": schema(ix.hash_key, ix.range_key),
                 "Projection": {"ProjectionType": "ALL"}}
                for ix in self.indexes
            ]
        if self.stream:
            kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        return kwargs


TABLES: list[TableDef] = [
    # Current state of every record, partitioned by the matched enterprise's code.
    TableDef(name="records", hash_key="pk", range_key="sk", indexes=[
        Index(name="by_record_id", hash_key="record_id"),
        Index(name="by_department", hash_key="department", range_key="received_at"),
        Index(name="by_forward", hash_key="forward_due", range_key="changed_at"),
        Index(name="by_public_until", hash_key="public_state", range_key="publish_until"),
        Index(name="by_deadline", hash_key="deadline_state", range_key="publish_deadline"),
        Index(name="by_pending", hash_key="pending_code", range_key="received_at"),
        # The records list's search (sparse: records only): 文号 prefix, party name prefix.
        Index(name="by_source_ref", hash_key="department", range_key="ref_key"),
        Index(name="by_name", hash_key="department", range_key="name_key"),
    ]),
    # (The records table also holds one identity item per (department, category, source_ref),
    # pk "ID#…", so that a batch of 1000 finds its existing records with BatchGetItem.)
    # Every version of every record (修改留痕).
    TableDef(name="versions", hash_key="record_id", range_key="version", key_types={"version": "N"}),
    # The enterprise registry (fed by `registration` records); a 注册号 of an enterprise that has a
    # USCC is an alias item (code = 注册号, uscc = …), so lookups by either code batch together.
    TableDef(name="enterprises", hash_key="code"),
    # 双告知: new registrations per department whose licences the business scope concerns.
    TableDef(name="notices", hash_key="department", range_key="sk"),
    # Name search: one item per character bigram of a normalised name.
    TableDef(name="name_index", hash_key="token", range_key="code"),
    # Public copies only (masked, published, not archived/withdrawn): what public routes read.
    TableDef(name="public", hash_key="code", range_key="sk"),
    # Rejections (回退, SPEC §5.1), id = rejection_id, and one ref item per (department, category,
    # source_ref) holding its open rejections ("REF#…"); closed ones expire 180 days later (TTL).
    TableDef(name="rejections", hash_key="id", ttl_attribute="expires_at", indexes=[
        Index(name="by_department", hash_key="department", range_key="last_seen"),
        Index(name="by_open", hash_key="open_department", range_key="first_seen"),
    ]),
    TableDef(name="uploads", hash_key="upload_id", indexes=[
        Index(name="by_department", hash_key="department", range_key="created_at"),
    ]),
    # Append-only audit trail.
    TableDef(name="audit", hash_key="day", range_key="sk", indexes=[
        Index(name="by_actor", hash_key="actor", range_key="at"),
        Index(name="by_target", hash_key="target", range_key="at"),
    ]),
    # Report counters in daily buckets.
    TableDef(name="counters", hash_key="pk", range_key="sk"),
    # Working-day override tables, one item per year.
    TableDef(name="calendar", hash_key="year"),
    # Departments (seeded from the catalog, edited by admins).
    TableDef(name="departments", hash_key="id"),
    # Job state: forward batches and their attempts, job runs, snapshots.
    TableDef(name="jobs", hash_key="pk", range_key="sk"),
    # Login-attempt counters "login#<user>" (TTL expires them) and token cut-offs "user#<user>"
    # (tokens_valid_after, no TTL: disabled accounts, changed roles or departments).
    TableDef(name="throttle", hash_key="key", ttl_attribute="expires_at"),
    # Watchlists (pk "WL#<id>"/"#config"), watched codes (pk "CODE#<code>"/"WL#<id>"), deliveries
    # (pk "WL#<id>"/"D#…") and deliveries waiting for a retry (pk "PENDING").
    TableDef(name="watchlists", hash_key="pk", range_key="sk"),
    # Signed credit-check attestations by "<code>#<hash of the signed facts>" (TTL expires them).
    TableDef(name="attestations", hash_key="key", ttl_attribute="expires_at"),
    # 异议 / 信用修复 cases (SPEC §5.2): a department's inbox, every department's (admin, supervisor),
    # and the open ones by due date (sparse, for `deadlines`).
    TableDef(name="objections", hash_key="id", indexes=[
        Index(name="by_inbox", hash_key="inbox", range_key="filed_at"),
        Index(name="by_kind", hash_key="kind", range_key="filed_at"),
        Index(name="by_open_due", hash_key="open_due", range_key="due"),
    ]),
    # 目录事项 (SPEC §5.3): working copies by department and by state (the review queue), every
    # approved version, the latest approved copies (the public 目录), item-number counters.
    TableDef(name="catalog_items", hash_key="item_code", range_key="sk", indexes=[
        Index(name="by_department", hash_key="owner", range_key="item_code"),
        Index(name="by_state", hash_key="queue", range_key="updated_at"),
        Index(name="by_approved", hash_key="catalog", range_key="item_code"),
    ]),
    # Powertools idempotency records.
    TableDef(name="idempotency", hash_key="id", ttl_attribute="expiration"),
]


class QueueDef(BaseModel):
    name: str
    dlq: str | None = None          # the dead-letter queue messages go to after max_receive
    max_receive: int = 3
    visibility_timeout: int = 30


QUEUES: list[QueueDef] = [
    QueueDef(name="upload-events", dlq="upload-events-dlq", max_receive=3, visibility_timeout=960),
    QueueDef(name="upload-events-dlq"),
    QueueDef(name="forward-dlq"),
    QueueDef(name="webhook-dlq"),
]

# Logical bucket names: uploads (department files, 回退 files); exchange (publicity outbox,
# open-data snapshots, monthly reports).
BUCKETS: list[str] = ["uploads", "exchange"]
UPLOAD_PREFIX = "uploads/"          # object keys: uploads/<department>/<upload_id>/<filename>


class ScheduleDef(BaseModel):
    name: str
    job: str
    cron: str                        # AWS cron(min hour dom month dow year), Asia/Shanghai
    timezone: str = "Asia/Shanghai"
    payload: dict = Field(default_factory=dict)  # extra input for the job (e.g. retry only)


SCHEDULES: list[ScheduleDef] = [
    ScheduleDef(name="forward-daily", job="forward", cron="cron(0 2 * * ? *)"),
    ScheduleDef(name="forward-retry", job="forward", cron="cron(30 * * * ? *)",
                payload={"retry_only": True}),
    ScheduleDef(name="expire", job="expire", cron="cron(0 3 * * ? *)"),
    ScheduleDef(name="open-data", job="open_data", cron="cron(0 4 * * ? *)"),
    ScheduleDef(name="deadlines", job="deadlines", cron="cron(0 8 * * ? *)"),
    ScheduleDef(name="monthly-report", job="monthly_report", cron="cron(0 9 1 * ? *)"),
]

# KMS keys (logical alias names): the credit-check attestation signing key (asymmetric, ECDSA P-256).
SIGNING_KEYS: list[str] = ["attestation"]

ROLES: list[str] = ["admin", "supervisor", "operator", "system"]
USER_POOL_CUSTOM_ATTRIBUTES: list[str] = ["department"]

# Lambda functions (Chalice names): the REST API and the two event consumers.
FUNCTIONS: list[str] = ["api", "upload_worker", "job_runner"]


def table_def(name: str) -> TableDef:
    return next(t for t in TABLES if t.name == name)
