"""Model-based test of the public side (issue 18 "Must show", SPEC §3–§5, §6.3).

Random sequences of submit, modify (content, 屏蔽字段, a move to another enterprise), withdraw,
forward, expire with `as_of`, open_data and jobs with a future `as_of`, on the emulator through the
real routes. After every step the WHOLE public side — every enterprise page, name and code search,
every credit check, the change feed replayed from the start, every listed open-data file — must equal
what tests/reliability/public_model.py (written from the SPEC, none of the app's projection code)
computes from the records' current versions; and no value that is not public right now (a masked
field, an old version, a withdrawn or archived record, a 非公示项) may appear in any of those bodies.

A fresh stack per example; few enterprises, short runs (MODEL_EXAMPLES, MODEL_STEPS).
"""
from __future__ import annotations

import json
import os
from datetime import timedelta

import requests
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.reliability.public_model import (
    MASK,
    NOT_MASKABLE,
    Enterprise,
    PublicModel,
    Rec,
    china_today,
    days,
    name_field,
)

EXAMPLES = int(os.environ.get("MODEL_EXAMPLES", "12"))
STEPS = int(os.environ.get("MODEL_STEPS", "10"))
# diagnostics: leave out steps of one kind ("future", "mask", "verify", "legacy",
# "label": no masked 文号, "alt": no second name for the elsewhere code, "past": expire only as of today) to see what else fails
SKIP = set(os.environ.get("MODEL_SKIP", "").split(","))
AGENCY = "11510800008651234L"   # 市环保局 (a valid USCC)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(prefix17: str) -> str:
    """GB 32100-2015 check character (SPEC §3), computed here, not by the app."""
    total = sum(USCC_ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(prefix17))
    return prefix17 + USCC_ALPHABET[(31 - total % 31) % 31]


def enterprises() -> list[Enterprise]:
    return [
        Enterprise("A", uscc("91510802MA62XK0A1"), "广元市利州区甲丰食品有限公司", "甲丰", "510802"),
        Enterprise("B", uscc("91510811MA62XK0B2"), "广元市昭化区乙和建材有限公司", "乙和", "510811"),
        Enterprise("C", uscc("91510821MA62XK0C3"), "旺苍县丙泰商贸有限公司", "丙泰", "510821"),
        Enterprise("X", uscc("91350100M000100Y4"), "福州闽丁贸易有限公司", "闽丁", "350100", elsewhere=True,
                   alt_name="福州市闽丁贸易有限公司"),
        Enterprise("L", typo(uscc("91510812MA62XK0D4")), "广元市朝天区丁盛农业有限公司", "丁盛", "510812"),
    ]


def typo(code: str) -> str:
    """The same code with a wrong check character (an early pilot code, or a typo)."""
    return code[:17] + next(ch for ch in USCC_ALPHABET if ch != code[17])


KINDS = [["罚款"], ["通报批评"], ["警告"], ["责令停产停业"], ["罚款", "吊销许可证件"], ["罚款", "限制从业"]]
MASKABLE = {"admin_penalty": ["CF_WSH", "CF_SY", "CF_NR", "CF_FRDB"],
            "admin_license": ["XK_WSH", "XK_NR", "XK_FRDB"],
            "abnormal_list": ["decision_no", "decision_authority", "removal_reason"]}
DEPARTMENT = {"admin_penalty": "d12", "admin_license": "d12", "abnormal_list": "d21"}


@st.composite
def contents(draw, category: str | None = None):
    """A version's content, as choices the machine turns into fields (dates relative to today)."""
    category = category or draw(st.sampled_from(["admin_penalty", "admin_penalty", "admin_license", "abnormal_list"]))
    maskable = [f for f in MASKABLE[category] if "label" not in SKIP or f not in ("CF_WSH", "XK_WSH", "decision_no")]
    masked = draw(st.lists(st.sampled_from(maskable), unique=True, max_size=2))
    if draw(st.integers(0, 5)) == 5 and "mask" not in SKIP:   # now and then (not in the simplest examples) a mask the SPEC refuses (MASK_NOT_ALLOWED)
        masked.append(draw(st.sampled_from(sorted(NOT_MASKABLE[category]))))
    return {"category": category, "masked": masked, "kinds": draw(st.sampled_from(KINDS)),
            "fine": draw(st.sampled_from([None, "0.5", "5"])),
            "ban_until": draw(st.sampled_from([120, -30])),           # CF_YXQ: ban active or over
            "until": draw(st.sampled_from([None, None, 400, -5, -60])),   # CF_GSJZQ / 有效期至 / 移出日期
            "alt_name": draw(st.booleans()) and "alt" not in SKIP}


def plain(category: str, until: int | None = None, alt_name: bool = False) -> dict:
    """A publishable version with nothing masked (a fine, no ban), as `contents` would draw it."""
    return {"category": category, "masked": [], "kinds": ["罚款"], "fine": None, "ban_until": -30, "until": until,
            "alt_name": alt_name}


def fresh_public_side(rebuild) -> None:
    """A fresh stack for every example: the first one fully provisioned (the `rebuild` fixture), later
    ones the same stack with every table and bucket emptied — Cognito, KMS, queues and the accounts
    stay (3–4 s less per example on a loaded machine; the data, hence the public side, starts empty)."""
    from chalicelib import container

    if not getattr(rebuild, "done", False):
        rebuild()
        rebuild.done = True
        return
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    settings_ = container.get_container().settings
    for name, table in dynamodb_backends[DEFAULT_ACCOUNT_ID][settings_.region].tables.items():
        if name.startswith(settings_.resource_prefix + "-"):
            table.items.clear()
    s3 = container.get_container().aws.client("s3")
    for logical in ("uploads", "exchange"):
        bucket = settings_.bucket(logical)
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            gone = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                    for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
            if gone:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": gone, "Quiet": True})
    container.install(container.Container(settings_))       # nothing cached from the last run


class PublicSide(RuleBasedStateMachine):
    env: tuple = ()
    heads: dict = {}

    def __init__(self):
        super().__init__()
        self.client, self.auth, self.rebuild = self.env
        fresh_public_side(self.rebuild)
        self.today = china_today()
        self.decided = days(-300, self.today)
        self.model = PublicModel(enterprises(), self.today)
        if not PublicSide.heads:   # the accounts live as long as the stack's user pool
            PublicSide.heads = {"d12": self.auth("op-d12", "operator", "d12"),
                                "d21": self.auth("op-d21", "operator", "d21"), "admin": self.auth("root", "admin")}
        self.counter = 0
        self.open_data_ran = False
        self.changed = True

    # --- helpers --------------------------------------------------------------------------------
    def call(self, method: str, path: str, who: str | None = None, body=None):
        headers = self.heads[who] if who else {}
        resp = self.client.http.request(method, path, headers=headers,
                                        body=json.dumps(body, ensure_ascii=False) if body is not None else b"")
        assert resp.status_code < 500, f"{method} {path}: {resp.status_code} {resp.body[:300]}"
        return resp

    def token(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}T{self.counter:05d}"

    def fields(self, c: dict, ent: Enterprise, n: int) -> tuple[dict, set[str]]:
        """The fields of one version (normalized already: ISO dates, lists) and its unique tokens."""
        cat, today = c["category"], self.today
        name = ent.alt_name if (ent.elsewhere and c["alt_name"]) else ent.name
        until = None if c["until"] is None else days(c["until"], today)
        if cat == "admin_penalty":
            f = {"CF_XDR_MC": name, "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": ent.code,
                 "CF_FRDB": self.token("法人"), "CF_FR_ZJLX": "身份证", "CF_FR_ZJHM": f"5108021980{n:04d}{self.counter % 9999:04d}",
                 "CF_WSH": f"广环罚〔2026〕R{n:04d}号", "CF_WFXW": "超标排放大气污染物", "CF_SY": self.token("事实"),
                 "CF_YJ": "《中华人民共和国大气污染防治法》第九十九条", "CF_CFLB": list(c["kinds"]),
                 "CF_NR": self.token("内容"), "CF_JDRQ": self.decided, "CF_YXQ": days(c["ban_until"], today),
                 "CF_CFJG": "广元市环境保护局", "CF_CFJGDM": AGENCY, "CF_SJLY": "广元市环境保护局", "CF_SJLYDM": AGENCY}
            if c["fine"] is not None:
                f["CF_NR_FK"] = c["fine"]
            if until is not None:
                f["CF_GSJZQ"] = until
            secret = ("CF_FRDB", "CF_FR_ZJHM", "CF_WSH", "CF_SY", "CF_NR")
        elif cat == "admin_license":
            f = {"XK_XDR_MC": name, "XK_XDR_LB": "法人及非法人组织", "XK_XDR_SHXYM": ent.code,
                 "XK_FRDB": self.token("法人"), "XK_FR_ZJLX": "身份证", "XK_FR_ZJHM": f"5108021981{n:04d}{self.counter % 9999:04d}",
                 "XK_WSH": f"广食药许〔2026〕R{n:04d}号", "XK_XKLB": "普通", "XK_NR": self.token("许可"),
                 "XK_JDRQ": self.decided, "XK_YXQZ": self.decided, "XK_YXQZI": until or "2099-12-31",
                 "XK_XKJG": "广元市食品药品监督管理局", "XK_XKJGDM": AGENCY, "XK_ZT": "有效",
                 "XK_LYDW": "广元市食品药品监督管理局", "XK_LYDWDM": AGENCY}
            secret = ("XK_FRDB", "XK_FR_ZJHM", "XK_WSH", "XK_NR")
        else:
            f = {"name": name, "uscc": ent.code, "decision_no": f"广工商异〔2026〕R{n:04d}号",
                 "reason": "未按规定报送年度报告", "listed_date": self.decided,
                 "decision_authority": self.token("机关")}
            if until is not None:   # 移出日期 may not be in the future
                f.update(removal_date=min(until, self.today.isoformat()), removal_reason=self.token("移出"),
                         removal_authority="广元市市场监督管理局")
            secret = ("decision_no", "decision_authority", "removal_reason")
        return f, {str(f[k]) for k in secret if k in f}

    def body(self, f: dict, masked: list[str]) -> dict:
        return {**f, "masked_fields": list(masked)} if masked else dict(f)

    # --- setup ------------------------------------------------------------------------------------
    @initialize(seed=st.lists(st.tuples(contents(), st.sampled_from("ABCXX")), min_size=2, max_size=5),
                second=st.integers(0, 3), past=st.integers(0, 3))
    def start(self, seed, second, past):
        """The registry's enterprises (a code failing its check refused), a few records of each kind, then
        forward, expire and open_data: a public side with archived records and a listed file to work on.
        In most examples (3 in 4 each) also: a second name for the elsewhere code from another department
        (bug 8), and an expire 30 days back archiving a period that ended 60 days ago, then open_data (F1)."""
        past = past < 3 and "past" not in SKIP   # 0 (the simplest draw) included
        self.reached = {"second name": second < 3 and "alt" not in SKIP, "past expire": past}
        self.register()
        self.register_legacy_code(legacy=False)
        for c, who in seed:
            self.submit(c, who)
        if past:   # its period ended 60 days ago: published by forward, archived by an expire 30 days back
            self.submit(plain("admin_penalty", until=-60), "B")
        self.forward()
        if self.reached["second name"]:
            self.second_name()
        self.expire(back=30 if past else 0)
        self.open_data()
        self.changed = True

    def second_name(self) -> None:
        """SPEC §3 (bug 8): the elsewhere code published under one name; another department sends a record
        naming it otherwise, forwarded too. The enterprise keeps the first published name everywhere (the
        invariant), the record keeps its own name (its public fields) and is flagged name_conflict."""
        ent = next(e for e in self.model.enterprises.values() if e.elsewhere)
        if ent.code not in self.model.names:
            self.submit(plain("admin_penalty"), ent.key)
            self.forward()
        held = self.model.names[ent.code]
        first = min((r for r in self.model.records.values() if r.public and r.code == ent.code), key=lambda r: r.seq)
        cat = "abnormal_list" if first.department == "d12" else "admin_penalty"
        rec = self.send(plain(cat, alt_name=held == ent.name), ent.key)
        own = rec.fields[name_field(cat)]
        assert own != held
        self.forward()
        resp = self.call("GET", f"/v1/records/{rec.rid}", rec.department)
        assert resp.status_code == 200, resp.body
        got = {k: resp.json_body.get(k) for k in ("name", "enterprise_name", "name_conflict")}
        assert got == {"name": own, "enterprise_name": held, "name_conflict": True}, got

    def register(self):
        rows = [(ent, self.registration(ent)) for ent in self.model.enterprises.values()
                if not ent.elsewhere and ent.key != "L"]
        resp = self.call("POST", "/v1/records", "d21", {"category": "registration", "records": [f for _, f in rows]})
        assert resp.status_code == 200 and not resp.json_body["rejected"], resp.body
        for (ent, f), acc in zip(rows, resp.json_body["accepted"], strict=True):
            ent.registered = True
            self.model.add(Rec(acc["record_id"], "registration", "d21", f, [], ent.code))

    # --- rules ------------------------------------------------------------------------------------
    @rule(c=contents(), who=st.sampled_from("ABCXL"))
    def submit(self, c, who):
        self.send(c, who)

    def send(self, c: dict, who: str) -> Rec | None:
        ent = next(e for e in self.model.enterprises.values() if e.key == who)
        n = len(self.model.records) + 1
        f, tokens = self.fields(c, ent, n)
        cat = c["category"]
        resp = self.call("POST", "/v1/records", DEPARTMENT[cat], {"category": cat, "records": [self.body(f, c["masked"])]})
        assert resp.status_code == 200, resp.body
        out = resp.json_body
        refused = ({"MASK_NOT_ALLOWED"} if self.model.mask_refused(cat, c["masked"]) else set()) | (
            {"USCC_CHECKSUM"} if not ent.registered and not ent.elsewhere and ent.key == "L" else set())
        if refused:   # SPEC §3: a code failing its check is accepted only when it is in the registry
            assert not out["accepted"] and refused & _codes(out["rejected"][0]["errors"]), out
            self.changed = False
            return None
        assert not out["rejected"] and len(out["accepted"]) == 1, out
        acc = out["accepted"][0]
        assert acc["match"] == ("elsewhere" if ent.elsewhere else "local"), acc
        rec = Rec(acc["record_id"], cat, DEPARTMENT[cat], f, c["masked"], ent.code, tokens=tokens)
        self.model.add(rec)
        return rec

    @rule(pick=st.integers(0, 99), data=st.data())
    def modify(self, pick, data):
        """A new version: other content and 屏蔽字段, and sometimes another enterprise (code + name)."""
        rec = self._pick(pick, lambda r: r.category != "registration")
        if rec is not None:
            self.change(rec, data)

    @precondition(lambda self: any(r.state == "archived" for r in self.model.records.values()))
    @rule(pick=st.integers(0, 99), data=st.data())
    def modify_archived(self, pick, data):
        """SPEC §5: an archived record stays archived unless the change moves publish_until after today."""
        self.change(self._pick(pick, lambda r: r.state == "archived"), data)

    def change(self, rec: Rec, data) -> None:
        c = data.draw(contents(rec.category))
        if rec.category == "admin_penalty" and c["kinds"] == ["警告"]:
            c["kinds"] = ["罚款"]   # a published penalty never turns warning-only here
        target = data.draw(st.sampled_from("ABCXL"))
        ent = next(e for e in self.model.enterprises.values() if e.key == target)
        if not ent.registered and not ent.elsewhere:
            ent = next(e for e in self.model.enterprises.values() if e.key == "A")
        f, tokens = self.fields(c, ent, int(rec.source_ref.split("R")[-1][:4]))
        resp = self.call("PUT", f"/v1/records/{rec.rid}", rec.department, self.body(f, c["masked"]))
        if rec.state == "withdrawn":
            assert resp.status_code == 409, resp.body
            return
        if self.model.mask_refused(rec.category, c["masked"]):
            assert resp.status_code == 400 and "MASK_NOT_ALLOWED" in _codes(resp.json_body["error"]["details"]), \
                resp.body
            self.changed = False
            return
        assert resp.status_code == 200, resp.body
        assert resp.json_body["version"] == rec.version + 1, resp.body
        self.model.modify(rec, f, c["masked"], ent.code, tokens)

    @rule(pick=st.integers(0, 99))
    def withdraw(self, pick):
        rec = self._pick(pick, lambda r: r.category != "registration")
        if rec is None:
            return
        resp = self.call("POST", f"/v1/records/{rec.rid}/withdraw", rec.department, {"reason": "复议撤销"})
        if rec.state == "withdrawn":
            assert resp.status_code == 409, resp.body
            return
        assert resp.status_code == 200, resp.body
        self.model.withdraw(rec)

    def registration(self, ent: Enterprise) -> dict:
        return {"name": ent.name, "uscc": ent.code, "enterprise_type": "有限责任公司（自然人投资或控股）",
                "legal_rep": "张某", "registered_capital": "100", "established_date": "2015-03-18",
                "address": f"四川省广元市示例路{ent.key}号", "registration_authority": "广元市市场监督管理局",
                "status": "存续", "business_scope": "食品销售", "approval_date": self.decided}

    @rule(legacy=st.booleans())
    def register_legacy_code(self, legacy):
        """SPEC §3: a registration whose code fails its check is USCC_CHECKSUM unless marked 历史代码."""
        if "legacy" in SKIP:
            self.changed = False
            return
        ent = self.model.enterprises[enterprises()[-1].code]
        if ent.registered:
            legacy = True    # a resend: unchanged
        f = self.registration(ent)
        resp = self.call("POST", "/v1/records", "d21", {"category": "registration", "records": [
            {**f, "legacy_code": "是"} if legacy else f]})
        assert resp.status_code == 200, resp.body
        out = resp.json_body
        if not legacy:
            assert not out["accepted"] and "USCC_CHECKSUM" in _codes(out["rejected"][0]["errors"]), out
            self.changed = False
            return
        assert not out["rejected"], out
        if ent.registered:
            return
        ent.registered = True
        self.model.add(Rec(out["accepted"][0]["record_id"], "registration", "d21", {**f, "legacy_code": "是"}, [],
                           ent.code))

    @rule(pick=st.integers(0, 9))
    def verify_attestation(self, pick):
        """SPEC §6.3: verify is valid only if the signature holds and every signed field shown at top level
        equals the payload (each edited in turn: not valid); `current` is today's credit check."""
        self.changed = False
        codes = [code for code, rids in self.model.by_enterprise().items() if rids]
        if not codes or "verify" in SKIP:
            return
        code = codes[pick % len(codes)]
        resp = self.call("GET", f"/v1/public/enterprises/{code}/credit-check?attest=1")
        assert resp.status_code == 200, resp.body
        doc = resp.json_body
        out = self.call("POST", "/v1/public/attestations/verify", None, doc)
        assert out.status_code == 200 and out.json_body["valid"] is True, out.body
        current = out.json_body.get("current")
        assert current is not None, out.json_body
        got = {(r["category"], r["record_id"], r.get("since"), r.get("until")) for r in current["reasons"]}
        assert (current["code"], current["restricted"], got) == (
            code, bool(self.model.credit_reasons(code)), self.model.credit_reasons(code)), current
        forged = {"restricted": not doc["restricted"], "name": doc["name"] + "（已更正）",
                  "code": next(c for c in self.model.enterprises if c != code),
                  "checked_at": "2026-01-01T00:00:00.000+08:00",
                  "reasons": doc["reasons"][1:] if doc["reasons"] else [
                      {"category": "admin_penalty", "record_id": "01FORGED", "since": self.decided,
                       "until": self.decided}]}
        for key, value in forged.items():
            out = self.call("POST", "/v1/public/attestations/verify", None, {**doc, key: value})
            assert out.status_code == 200 and out.json_body["valid"] is False, (key, out.body)

    @rule()
    def forward(self):
        self.job("forward")
        self.model.forward()

    @rule()
    def forward_again(self):   # forward is what makes changes public: twice the weight of the others
        self.forward()

    @rule(back=st.sampled_from([0, 0, 30]))   # 30 days back archives what ended 60 days ago, not 5
    def expire(self, back):
        if "past" in SKIP:
            back = 0
        as_of = self.today - timedelta(days=back)
        self.job("expire", as_of.isoformat())
        self.model.expire(as_of)

    @rule()
    def open_data(self):
        self.job("open_data")
        self.model.open_data()
        self.open_data_ran = True

    @rule(job=st.sampled_from(["forward", "expire", "open_data"]), ahead=st.sampled_from([1, 200]))
    def job_in_the_future(self, job, ahead):
        """SPEC §6.3: `as_of` after today is refused (stage `test`), and nothing changes."""
        self.changed = False
        if "future" in SKIP:
            return
        resp = self.call("POST", f"/v1/admin/jobs/{job}", "admin", {"as_of": days(ahead, self.today)})
        assert resp.status_code == 400, resp.body

    def teardown(self):
        if os.environ.get("MODEL_DEBUG"):
            print("EXAMPLE", getattr(self, "steps", 0), getattr(self, "reached", {}), [(r.category, r.state, r.version, r.public is not None)
                              for r in self.model.records.values()])

    def job(self, name: str, as_of: str | None = None) -> dict:
        resp = self.call("POST", f"/v1/admin/jobs/{name}", "admin", {"as_of": as_of} if as_of else {})
        assert resp.status_code == 200, resp.body
        return resp.json_body

    def _pick(self, pick: int, ok) -> Rec | None:
        recs = [r for r in self.model.records.values() if ok(r)]
        return recs[pick % len(recs)] if recs else None

    # --- the whole public side --------------------------------------------------------------------
    @invariant()
    def public_side_is_the_model(self):
        changed, self.changed = self.changed, True
        self.steps = getattr(self, "steps", 0) + 1
        if not changed:   # the step was refused as the SPEC says: its answer was checked, nothing to redo
            return
        bodies = []
        bodies += self.check_pages()
        bodies += self.check_search()
        bodies += self.check_feed()
        bodies += self.check_open_data()
        text = "\n".join(bodies)
        leaked = sorted(t for t in self.model.forbidden() if t in text)
        assert not leaked, f"not public, yet shown: {leaked}"

    def check_pages(self) -> list[str]:
        bodies = []
        expected = self.model.by_enterprise()
        for code, rids in expected.items():
            page = self.call("GET", f"/v1/public/enterprises/{code}")
            check = self.call("GET", f"/v1/public/enterprises/{code}/credit-check")
            if not rids:    # nothing public: unknown (404), or known with nothing shown
                if page.status_code == 404:
                    assert check.status_code == 404, check.body
                    continue
                assert page.json_body["total"] == 0 and not _page_records(page.json_body), \
                    f"page {code}: model shows nothing, app shows {sorted(_page_records(page.json_body))}"
                assert check.status_code == 200 and not check.json_body["restricted"], check.body
                bodies += [_text(page.json_body), _text(check.json_body)]
                continue
            assert page.status_code == 200, f"{code}: {page.status_code} {page.body[:200]}"
            body = page.json_body
            ent = body["enterprise"]
            assert (ent["code"], ent["name"], ent["registered_elsewhere"]) == (
                code, self.model.name_of(code), self.model.enterprises[code].elsewhere), ent
            shown = _page_records(body)
            assert sorted(shown) == sorted(rids), f"page {code}: shows {sorted(shown)}, model {sorted(rids)}"
            for rid, item in shown.items():
                self.same_copy(item, rid, f"page {code}")
            assert body["total"] == len(rids)
            assert check.status_code == 200, check.body
            cc = check.json_body
            assert (cc["code"], cc["name"]) == (code, self.model.name_of(code)), cc
            got = {(r["category"], r["record_id"], r.get("since"), r.get("until")) for r in cc["reasons"]}
            assert got == self.model.credit_reasons(code), f"credit check {code}: {got} vs {self.model.credit_reasons(code)}"
            assert cc["restricted"] is bool(got), cc
            bodies += [_text(body), _text(cc)]
        return bodies

    def same_copy(self, item: dict, rid: str, where: str) -> None:
        want = self.model.view(rid)
        got = {k: item.get(k) for k in want}
        if "code" not in item:   # the enterprise page groups copies under their enterprise
            got["code"] = want["code"]
        assert got == want, f"{where} {rid}: {_diff(got, want)}"
        for key in ("source_ref", "label"):
            if key in item:
                assert item[key] in self.model.labels(rid) | {MASK}, f"{where} {rid}: {key}={item[key]}"

    def check_search(self) -> list[str]:
        bodies = []
        expected = self.model.by_enterprise()
        visible = {code for code, rids in expected.items() if rids}
        ents = list(self.model.enterprises.values())
        one = ents[self.model.clock % len(ents)]   # one name part and one code a step, in turn
        queries = [("有限公司", set(self.model.enterprises)), (one.word, {one.code}), (one.code, {one.code})]
        for q, among in queries:
            resp = self.call("GET", f"/v1/public/enterprises?q={requests.utils.quote(q)}&limit=200")
            assert resp.status_code == 200, resp.body
            items = {i["code"]: i for i in resp.json_body["items"]}
            want = visible & among
            assert want <= set(items), f"search {q}: {sorted(items)} lacks {sorted(want - set(items))}"
            assert set(items) <= among, f"search {q}: {sorted(items)}"
            for code, item in items.items():
                if code not in visible:    # an enterprise with nothing public may still be listed, bare
                    assert not item.get("restricted") and not item.get("count"), item
                    continue
                assert item["name"] == self.model.name_of(code), item
                assert item["registered_elsewhere"] is self.model.enterprises[code].elsewhere, item
                if "restricted" in item:
                    assert item["restricted"] is bool(self.model.credit_reasons(code)), (q, item)
                if "abnormal" in item:
                    assert item["abnormal"] is self.model.abnormal(code), (q, item)
                for key in ("count", "records", "published"):
                    if isinstance(item.get(key), int):
                        assert item[key] == len(expected[code]), (q, item)
            bodies.append(_text(resp.json_body))
        return bodies

    def check_feed(self) -> list[str]:
        """Replayed from the start, the feed ends with exactly today's public side; an entry carries
        content only while that content is public (SPEC §5)."""
        entries, cursor = [], None
        for _ in range(200):
            resp = self.call("GET", "/v1/public/changes?limit=200" + (f"&cursor={cursor}" if cursor else ""))
            assert resp.status_code == 200, resp.body
            entries += resp.json_body["items"]
            nxt = resp.json_body.get("next_cursor")
            if not nxt or nxt == cursor:   # a page may walk empty days and still move the cursor on
                break
            cursor = nxt
        replay: dict[str, dict] = {}
        copies = self.model.public_copies()
        for e in entries:
            content = _content(e)
            if content is None:
                replay.pop(e["record_id"], None)
                continue
            assert e["record_id"] in copies, f"feed serves content no longer public: {e['op']} {e['record_id']}"
            self.same_copy(content, e["record_id"], f"feed entry {e['op']}")
            replay[e["record_id"]] = content
        assert sorted(replay) == sorted(copies), \
            f"feed replay ends with {sorted(replay)}, public side is {sorted(copies)}"
        return [_text(entries)]

    def check_open_data(self) -> list[str]:
        resp = self.call("GET", "/v1/public/open-data")
        assert resp.status_code == 200, resp.body
        items = resp.json_body["items"]
        if not self.open_data_ran:
            assert not items, items
            return []
        bodies = [_text(resp.json_body)]
        copies = self.model.public_copies()
        for n, item in enumerate(items):
            files = {k: requests.get(url, timeout=30).content.decode("utf-8-sig") for k, url in item["downloads"].items()}
            bodies += files.values()
            rows = [json.loads(line) for line in files["jsonl"].splitlines() if line.strip()]
            for row in rows:
                assert row["record_id"] in copies, f"open data {item['day']} holds {row['record_id']}, not public"
                self.same_copy(row, row["record_id"], f"open data {item['day']}")
            if n == 0 and self.model.snapshot == copies:   # nothing public changed since it was written
                assert sorted(r["record_id"] for r in rows) == sorted(copies), f"open data {item['day']}"
            for line in files.get("delta", "").splitlines():
                if line.strip() and (content := _content(json.loads(line))) is not None:
                    assert content["record_id"] in copies, f"open-data delta serves {content['record_id']}"
                    self.same_copy(content, content["record_id"], f"open-data delta {item['day']}")
        return bodies


def _codes(errors: list[dict]) -> set[str]:
    return {e.get("code") for e in errors}


def _page_records(body: dict) -> dict[str, dict]:
    out = {}
    for group in body["categories"]:
        for item in group["records"]:
            assert item["category"] == group["category"], item
            out[item["record_id"]] = item
    return out


def _content(entry: dict) -> dict | None:
    """The public copy a feed entry carries (None once compacted to record_id, op and time)."""
    for key in ("copy", "content", "record"):
        if isinstance(entry.get(key), dict):
            return entry[key]
    return None


def _text(body) -> str:
    return json.dumps(body, ensure_ascii=False)


def _diff(got: dict, want: dict) -> str:
    return "; ".join(f"{k}: app={got.get(k)!r} model={want.get(k)!r}" for k in want if got.get(k) != want.get(k))


def test_public_side_equals_the_model(client, auth, rebuild):
    PublicSide.env, PublicSide.heads = (client, auth, rebuild), {}
    run_state_machine_as_test(PublicSide, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None, derandomize=True,
        phases=[Phase.explicit, Phase.generate] + ([Phase.shrink] if os.environ.get("MODEL_SHRINK") else []),
        suppress_health_check=list(HealthCheck)))
