"""The reference model of the public side (SPEC §3, §4, §5, §6.3), written from the SPEC alone.

It imports nothing of the app's projection, masking, period or credit-check code: given the records'
current versions and what the jobs did, it says what every public route must show. The model-based
test (test_public_side_model.py) drives the real routes and compares them with it.

Records carry unique tokens (文号, 违法事实 … numbered per record and per version), so "this value
appears nowhere on the public side" is a plain substring test over every public body.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

MASK = "***"
LONG_TERM = "2099-12-31"
# SPEC §2.1/§5: 非公示项 (never published) and intake bookkeeping (never a public field)
NEVER = {"CF_FR_ZJHM", "CF_XDR_ZJHM", "XK_FR_ZJHM"}
BOOKKEEPING = {"disclosure", "masked_fields", "procedure", "legacy_code"}
# SPEC §5: fields deciding 联合惩戒 or identifying the party may not be masked (MASK_NOT_ALLOWED)
NOT_MASKABLE = {
    "admin_penalty": {"CF_XDR_MC", "CF_XDR_SHXYM", "CF_XDR_GSZC", "CF_CFLB", "CF_JDRQ", "CF_YXQ"},
    "admin_license": {"XK_XDR_MC", "XK_XDR_SHXYM", "XK_XDR_GSZC", "XK_JDRQ"},
    "abnormal_list": {"name", "uscc", "regno", "listed_date", "removal_date"},
}
# 文号 (the record's identity) and the date its publication rules start from, per category
SOURCE_REF = {"admin_penalty": "CF_WSH", "admin_license": "XK_WSH", "abnormal_list": "decision_no",
              "registration": "uscc"}
DECISION_DATE = {"admin_penalty": "CF_JDRQ", "admin_license": "XK_JDRQ", "abnormal_list": "listed_date",
                 "registration": "approval_date"}
# SPEC §6.3 credit check: the bans of 联合惩戒
BANS = {"限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "暂扣许可证件", "吊销许可证件"}
LISTS = {"abnormal_list", "serious_violation"}


def china_today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def plus_months(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def earlier(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else min(a, b)


def period(category: str, f: dict, first_published: date) -> tuple[bool, str | None]:
    """SPEC §2/§4: (publishable, publish_until or None for no end)."""
    if category == "admin_penalty":
        kinds = set(f["CF_CFLB"])
        if kinds <= {"警告"}:
            return False, None
        minor = kinds <= {"警告", "通报批评", "罚款"} and (
            "罚款" not in kinds or (f.get("CF_NR_FK") is not None and float(f["CF_NR_FK"]) < 1))
        span = plus_months(first_published, 3 if minor else 36).isoformat()
        given = f.get("CF_GSJZQ")
        return True, earlier(span, None if given in (None, LONG_TERM) else given)
    if category == "admin_license":
        if f["XK_ZT"] == "无效":
            return False, None
        return True, None if f["XK_YXQZI"] == LONG_TERM else f["XK_YXQZI"]
    if category == "abnormal_list":
        return True, f.get("removal_date")
    return True, None   # registration: always (it is the registry)


def public_fields(f: dict, masked: list[str]) -> dict:
    """SPEC §5 masking: 非公示项 left out, 屏蔽字段 read ***, bookkeeping dropped."""
    return {k: (MASK if k in masked else v) for k, v in f.items() if k not in NEVER and k not in BOOKKEEPING}


@dataclass
class Enterprise:
    key: str
    code: str
    name: str                     # the registry's name (local) / the name records use (elsewhere)
    word: str                     # a part of the name only this enterprise has (search)
    region: str
    elsewhere: bool = False
    registered: bool = False      # in the registry (a registration record accepted)
    alt_name: str | None = None   # a second name a department may use for an elsewhere code


@dataclass
class Rec:
    rid: str
    category: str
    department: str
    fields: dict
    masked: list[str]
    code: str                     # the enterprise the current version is tied to
    version: int = 1
    state: str = "accepted"       # accepted / published / archived / withdrawn
    seq: int = 0                  # when it last changed (forward sends the oldest change first)
    public: dict | None = None    # the public copy: {"version", "code", "fields", "raw", "until"}
    forwarded: int | None = None  # the version the last forward sent
    first_published: date | None = None
    until: str | None = None      # publish_until of the last forwarded version
    tokens: set[str] = field(default_factory=set)   # every unique value any version ever held

    @property
    def source_ref(self) -> str:
        return self.fields[SOURCE_REF[self.category]]


class PublicModel:
    """What the public side must show, from the records' current versions and the jobs run."""

    def __init__(self, enterprises: list[Enterprise], today: date):
        self.enterprises = {e.code: e for e in enterprises}
        self.today = today
        self.records: dict[str, Rec] = {}
        self.names: dict[str, str] = {}     # elsewhere code → the name first published for it
        self.clock = 0
        self.snapshot: dict[str, dict] | None = None   # public side when open_data last ran

    def tick(self) -> int:
        self.clock += 1
        return self.clock

    # --- what the writes do -------------------------------------------------------------------
    def mask_refused(self, category: str, masked: list[str]) -> bool:
        return bool(set(masked) & NOT_MASKABLE.get(category, set()))

    def add(self, rec: Rec) -> None:
        rec.seq = self.tick()
        self.records[rec.rid] = rec

    def modify(self, rec: Rec, fields: dict, masked: list[str], code: str, tokens: set[str]) -> None:
        moved = code != rec.code
        rec.fields, rec.masked, rec.version, rec.seq = fields, masked, rec.version + 1, self.tick()
        rec.tokens |= tokens
        if moved:     # SPEC §5: off the old enterprise's public side at once, public again by `forward`
            rec.code = code
            rec.public = None
            if rec.state == "published":
                rec.state = "accepted"
        if rec.state == "archived":   # SPEC §5: stays archived unless publish_until moves after today
            ok, until = period(rec.category, fields, rec.first_published or self.today)
            if ok and (until is None or until > self.today.isoformat()):
                rec.state = "accepted"

    def withdraw(self, rec: Rec) -> None:
        rec.state, rec.public, rec.version, rec.seq = "withdrawn", None, rec.version + 1, self.tick()

    def forward(self) -> None:
        """SPEC §6.4 (as_of today): every change since the last forward reaches the public side."""
        for rec in sorted(self.records.values(), key=lambda r: r.seq):
            if rec.state not in ("accepted", "published") or rec.forwarded == rec.version:
                continue
            ok, until = period(rec.category, rec.fields, rec.first_published or self.today)
            rec.forwarded = rec.version
            if not ok:
                rec.public = None
                continue
            rec.first_published = rec.first_published or self.today
            rec.state, rec.until = "published", until
            rec.public = {"version": rec.version, "code": rec.code, "fields": public_fields(rec.fields, rec.masked),
                          "raw": dict(rec.fields), "masked": list(rec.masked), "until": until}
            ent = self.enterprises[rec.code]
            if ent.elsewhere and rec.code not in self.names:
                self.names[rec.code] = rec.fields[name_field(rec.category)]

    def expire(self, as_of: date) -> None:
        """SPEC §4: publish_until passed (before as_of) → archived, off the public side."""
        for rec in self.records.values():
            if rec.state == "published" and rec.until is not None and rec.until < as_of.isoformat():
                rec.state, rec.public = "archived", None

    def open_data(self) -> None:
        self.snapshot = {rid: dict(p) for rid, p in self.public_copies().items()}

    # --- what the public side shows -----------------------------------------------------------
    def public_copies(self) -> dict[str, dict]:
        return {r.rid: r.public for r in self.records.values() if r.public is not None}

    def name_of(self, code: str) -> str:
        ent = self.enterprises[code]
        return self.names.get(code, ent.name) if ent.elsewhere else ent.name

    def view(self, rid: str) -> dict:
        """The attributes of one public copy every public route must agree on."""
        rec, p = self.records[rid], self.records[rid].public
        return {"record_id": rid, "category": rec.category, "code": p["code"], "version": p["version"],
                "name": self.name_of(p["code"]), "fields": p["fields"], "department": rec.department,
                "decision_date": p["raw"][DECISION_DATE[rec.category]], "publish_until": p["until"],
                "registered_elsewhere": self.enterprises[p["code"]].elsewhere}

    def labels(self, rid: str) -> set[str]:
        """What may stand for the 文号 on the public side (a masked 文号 → the record_id)."""
        rec, p = self.records[rid], self.records[rid].public
        ref = SOURCE_REF[rec.category]
        return {rid} if ref in p["masked"] else {p["raw"][ref]}

    def by_enterprise(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {code: [] for code in self.enterprises}
        for rid, p in self.public_copies().items():
            out[p["code"]].append(rid)
        return out

    def credit_reasons(self, code: str) -> set[tuple]:
        """SPEC §6.3: listed and not removed, or a published ban whose CF_YXQ is today or later."""
        day = self.today.isoformat()
        out = set()
        for rid in self.by_enterprise()[code]:
            rec, f = self.records[rid], self.records[rid].public["raw"]
            if rec.category in LISTS:
                removed = f.get("removal_date")
                if not removed or removed > day:
                    out.add((rec.category, rid, f["listed_date"], removed))
            elif rec.category == "admin_penalty" and set(f["CF_CFLB"]) & BANS and f["CF_YXQ"] >= day:
                out.add((rec.category, rid, f["CF_JDRQ"], f["CF_YXQ"]))
        return out

    def abnormal(self, code: str) -> bool:
        return any(c == "abnormal_list" for c, *_ in self.credit_reasons(code))

    def forbidden(self) -> set[str]:
        """Unique values that must appear nowhere on the public side right now: every token of every
        record except those its current public copy shows unmasked."""
        out = set()
        for rec in self.records.values():
            shown = set()
            if rec.public is not None:
                shown = {str(v) for v in rec.public["fields"].values() if v != MASK}
                shown |= self.labels(rec.rid)
            out |= rec.tokens - shown
        return out


def name_field(category: str) -> str:
    return {"admin_penalty": "CF_XDR_MC", "admin_license": "XK_XDR_MC"}.get(category, "name")


def code_field(category: str) -> str:
    return {"admin_penalty": "CF_XDR_SHXYM", "admin_license": "XK_XDR_SHXYM"}.get(category, "uscc")


def days(n: int, today: date) -> str:
    return (today + timedelta(days=n)).isoformat()
