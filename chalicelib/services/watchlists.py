"""Watchlists (for procurement, bidding, land and honours offices): tell a department's system when
a watched enterprise becomes restricted or stops being restricted, or gets a new public record.

Driven by the publication path: `forward`, `expire` and withdrawals hand over the codes whose
public side changed; which of them are watched at all comes from one BatchGetItem per 100 codes,
and only the watched ones' watchers are looked up (one Query per watched code) — watchlists are
never polled. One signed POST per watchlist and run (HMAC-SHA256 over "<ts>.<body>",
Idempotency-Key = delivery id); a failed delivery is retried by the next forward run (hourly) and
goes to the webhook DLQ after 3 attempts.

Callback URLs go through the CallbackGuard (adapters/callbacks.py) at creation and again at every
delivery, and the delivery connects to the address checked then. Owners see one generic error for
any failed delivery (a refused address and an HTTP status look the same: no port-scan oracle);
the reason goes to the logs and the dead-letter queue.
"""
from __future__ import annotations

import hashlib
import json
import secrets

from ulid import ULID

from chalicelib import pagination
from chalicelib.adapters.callbacks import CallbackRefused
from chalicelib.clock import now_iso
from chalicelib.domain.identifiers import is_regno_format, is_uscc_format, normalize_code
from chalicelib.errors import BadRequest, Forbidden, NotFound
from chalicelib.models.principal import Principal
from chalicelib.observability import logger

MAX_CODES = 5000
DELIVERIES = pagination.Shape({"pk", "sk"})
MAX_ATTEMPTS = 3
DELIVERY_FAILED = "投递失败：回调地址不可达、被拒绝或未返回 2xx"


class WatchlistService:
    def __init__(self, repo, public, guard, sender, dead_letter):
        self.repo = repo
        self.public = public           # PublicService: the credit check
        self.guard = guard             # CallbackGuard: URL → checked Target, or CallbackRefused
        self.sender = sender           # callable(target, secret, body: dict, key) → error str | None
        self.dead_letter = dead_letter

    def create(self, principal: Principal, department: str, body: dict) -> dict:
        codes = body.get("codes")
        url = body.get("callback_url")
        errors = []
        if not isinstance(codes, list) or not codes or len(codes) > MAX_CODES:
            errors.append({"field": "codes", "code": "REQUIRED", "message": f"1 至 {MAX_CODES} 个统一社会信用代码"})
            codes = []
        normal = [normalize_code(c) for c in codes if isinstance(c, str)]
        bad = [c for c in normal if not (is_uscc_format(c) or is_regno_format(c))]
        if bad or len(normal) != len(codes):
            errors.append({"field": "codes", "code": "BAD_VALUE", "values": bad[:20]})
        try:
            self.guard.check(url)
        except CallbackRefused as exc:
            logger.info("watchlist callback refused", extra={"reason": str(exc)})
            errors.append({"field": "callback_url", "code": "BAD_VALUE",
                           "message": "应为只解析到公网地址的 https:// 地址"})
        if errors:
            raise BadRequest("关注名单有误", details=errors)
        watchlist = {"id": str(ULID()), "department": department, "callback_url": url,
                     "secret": secrets.token_hex(32), "name": str(body.get("name") or "")[:100],
                     "codes": len(set(normal)), "created_by": principal.username, "created_at": now_iso()}
        self.repo.create(watchlist, sorted(set(normal)))
        return watchlist   # the secret is shown once, here

    def deliveries(self, principal: Principal, watchlist_id: str, limit: int, cursor: str | None) -> dict:
        after = pagination.read(cursor, DELIVERIES, {"pk": f"WL#{watchlist_id}",     # before any read
                                                     "sk": lambda sk: sk.startswith("D#")}).key
        wl = self.repo.get(watchlist_id)
        if wl is None:
            raise NotFound("关注名单不存在")
        if not principal.is_admin and wl["department"] != principal.department:
            raise Forbidden("只能查看本部门的关注名单")
        items, last = self.repo.deliveries(watchlist_id, limit, after)
        for item in items:
            if "last_error" in item:
                item["last_error"] = DELIVERY_FAILED    # also for deliveries stored before it was generic
        return {"items": items, "next_cursor": pagination.encode(last)}

    def notify(self, changes: list[dict]) -> dict:
        """changes: change-log entries of this run (op publish/withdraw/expire, code, record_id…)."""
        by_code: dict[str, list[dict]] = {}
        for c in changes:
            by_code.setdefault(c["code"], []).append(c)
        batches: dict[str, list[dict]] = {}
        watched = self.repo.watched(by_code)
        for code, entries in by_code.items():
            watchers = self.repo.watchers(code) if code in watched else []
            if not watchers:
                continue
            check = self._check(code)
            for w in watchers:
                events = [{"type": "record_published", "code": code, "record_id": e["record_id"],
                           "version": e["version"], "category": e["category"]}
                          for e in entries if e["op"] == "publish"]
                if check is not None and bool(w.get("restricted", False)) != check["restricted"]:
                    events.append({"type": "restriction_changed", "code": code, "restricted": check["restricted"],
                                   "reasons": check["reasons"], "checked_at": check["checked_at"]})
                    self.repo.set_restricted(code, w["watchlist_id"], check["restricted"])
                if events:
                    batches.setdefault(w["watchlist_id"], []).extend(events)
        sent = 0
        for watchlist_id, events in batches.items():
            wl = self.repo.get(watchlist_id)
            digest = hashlib.sha256(json.dumps(events, sort_keys=True, default=str).encode()).hexdigest()[:26]
            # the events are kept as sent (JSON text), so a retry sends byte-identical content
            delivery = {"id": f"{now_iso()}-{digest}", "watchlist_id": watchlist_id,
                        "events": json.dumps(events, ensure_ascii=False, default=str), "event_count": len(events),
                        "attempts": 0, "status": "pending", "created_at": now_iso()}
            sent += self._attempt(wl, delivery)
        return {"deliveries": len(batches), "delivered": sent}

    def retry_pending(self) -> dict:
        done = 0
        for delivery in self.repo.pending():
            delivery = {k: v for k, v in delivery.items() if k not in ("pk", "sk")}
            done += self._attempt(self.repo.get(delivery["watchlist_id"]), delivery)
        return {"retried_delivered": done}

    def _attempt(self, wl: dict, delivery: dict) -> int:
        body = {"delivery_id": delivery["id"], "watchlist_id": wl["id"], "events": json.loads(delivery["events"])}
        try:   # checked again at every delivery; the connection goes to the address checked now
            error = self.sender(self.guard.check(wl["callback_url"]), wl["secret"], body, delivery["id"])
        except CallbackRefused as exc:
            error = f"callback refused: {exc}"
        delivery["attempts"] = int(delivery["attempts"]) + 1
        delivery["last_attempt_at"] = now_iso()
        if error is None:
            delivery["status"] = "delivered"
        else:
            logger.warning("watchlist delivery failed", extra={"watchlist_id": wl["id"], "delivery_id": delivery["id"],
                                                                "reason": error[:300]})
            delivery["last_error"] = DELIVERY_FAILED
            if delivery["attempts"] >= MAX_ATTEMPTS:
                delivery["status"] = "dead"
                self.dead_letter({"delivery_id": delivery["id"], "watchlist_id": wl["id"], "error": error})
        self.repo.put_delivery(delivery)
        return 1 if error is None else 0

    def _check(self, code: str) -> dict | None:
        try:
            return self.public.credit_check(code)
        except NotFound:
            return None
