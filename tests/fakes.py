"""In-memory fakes of every repository port in chalicelib/dal/: the same methods, signatures and
semantics (conditional writes, ordering, pages with the same `last` key shape), no AWS.

Each fake keeps its items in `_Table`s, which hold items as DynamoDB does: by primary key, a
partition's items in sort-key order, an index holding only the items that carry its key attributes,
a page of `limit` evaluated items before any filter, the page's last key made of the table's and the
index's key attributes. tests/contract/ runs the same assertions on each fake and on the real
repository over the emulator, so a fake that drifts from its repository fails there.

Items written into another fake's transaction (a 迟报 tally, a counter update riding an upload
checkpoint, the 双告知 notices of an enterprise) are `Op`s: callables applied when the transaction
commits.
"""
from __future__ import annotations

import copy
import functools
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable

from botocore.exceptions import ClientError

from chalicelib.catalog.model import Department
from chalicelib.clock import today
from chalicelib.dal.catalog_items import SEQ, WORKING, approved_items, item_of, working_item
from chalicelib.dal.changes import day_partition
from chalicelib.dal.counters import MAX_SETTLE, PENDING_ATTRS, Pending
from chalicelib.dal.items import from_item, to_item
from chalicelib.dal.objections import case_item, case_of
from chalicelib.dal.public import ALIAS, PROFILE, split_partition
from chalicelib.dal.records import (
    RECORD_PREFIX,
    Change,
    _record,
    identity_item_key,
    pending_marker_key,
    record_item,
    record_item_key,
)
from chalicelib.dal.rejections import _rejection, ref_key, rejection_item
from chalicelib.domain.projection import CREDIT, SEARCH_SUMMARY, search_summary
from chalicelib.domain.workdays import YearOverride
from chalicelib.models.audit import AuditEntry
from chalicelib.models.record import Enterprise, RecordVersion
from chalicelib.models.upload import Upload

Op = Callable[[], None]

# Every write of a fake, and every conditional one with the reads it depends on, runs under this lock:
# as on DynamoDB, a condition and its write are one atomic step, whatever the threads (one lock for
# all fakes, so a transaction touching several of them cannot deadlock).
_ATOMIC = threading.RLock()


def atomic(method):
    @functools.wraps(method)
    def locked(*args, **kwargs):
        with _ATOMIC:
            return method(*args, **kwargs)
    return locked


def condition_failed(what: str) -> ClientError:
    """The error a refused conditional write raises on DynamoDB (the platform's own error type)."""
    return ClientError({"Error": {"Code": "ConditionalCheckFailedException",
                                  "Message": f"The conditional request failed: {what}"}}, "PutItem")


class _Table:
    """Items by primary key; `indexes`: name → (hash attribute, range attribute or None)."""

    def __init__(self, hash_key: str, range_key: str | None = None,
                 indexes: dict[str, tuple[str, str | None]] | None = None):
        self.hash_key, self.range_key = hash_key, range_key
        self.indexes = indexes or {}
        self.items: dict[tuple, dict] = {}

    def _key(self, item: dict) -> tuple:
        return (item[self.hash_key],) + ((item[self.range_key],) if self.range_key else ())

    def key_of(self, item: dict) -> dict:
        return {k: item[k] for k in (self.hash_key, self.range_key) if k}

    def get(self, **key) -> dict | None:
        item = self.items.get(self._key(key))
        return copy.deepcopy(item) if item is not None else None

    @atomic
    def put(self, item: dict) -> None:
        self.items[self._key(item)] = copy.deepcopy(item)

    @atomic
    def delete(self, **key) -> None:
        self.items.pop(self._key(key), None)

    @atomic
    def update(self, key: dict, **changes) -> dict:
        """SET the given attributes (a value of None: REMOVE) on the item, created if missing."""
        item = self.items.setdefault(self._key(key), dict(key))
        for name, value in changes.items():
            if value is None:
                item.pop(name, None)
            else:
                item[name] = copy.deepcopy(value)
        return copy.deepcopy(item)

    @atomic
    def add(self, key: dict, deltas: dict) -> dict:
        """ADD numbers (and sets) to the item's attributes, created if missing."""
        item = self.items.setdefault(self._key(key), dict(key))
        for name, delta in deltas.items():
            item[name] = (item.get(name) or (set() if isinstance(delta, set) else 0)) + delta \
                if not isinstance(delta, set) else (item.get(name) or set()) | delta
        return copy.deepcopy(item)

    def query(self, hash_value, *, index: str | None = None, where: Callable[[object], bool] | None = None,
              forward: bool = True, limit: int | None = None, after: dict | None = None,
              keep: Callable[[dict], bool] | None = None) -> tuple[list[dict], dict | None]:
        """One page of a Query: `where` tests the range key, `keep` filters the evaluated page."""
        h, r = self.indexes[index] if index else (self.hash_key, self.range_key)
        table_keys = [k for k in (self.hash_key, self.range_key) if k]

        def order(item: dict) -> tuple:
            return ((item[r],) if r else ()) + tuple(item[k] for k in table_keys)

        found = [i for i in self.items.values() if i.get(h) == hash_value and (not r or r in i)
                 and (where is None or where(i[r] if r else None))]
        found.sort(key=order, reverse=not forward)
        if after:
            start = order(after)
            found = [i for i in found if (order(i) > start if forward else order(i) < start)]
        last = None
        if limit is not None and len(found) > limit:
            found = found[:limit]
            last = {k: found[-1][k] for k in dict.fromkeys([*table_keys, h, *([r] if r else [])])}
        return [copy.deepcopy(i) for i in found if keep is None or keep(i)], last

    def query_all(self, hash_value, **kwargs) -> list[dict]:
        return self.query(hash_value, **kwargs)[0]


# --- records ----------------------------------------------------------------------------------
class FakeRecordRepository:
    """dal.records.RecordRepository: records, identity items, pending markers; versions apart."""

    def __init__(self):
        self.table = _Table("pk", "sk", {
            "by_record_id": ("record_id", None), "by_department": ("department", "received_at"),
            "by_forward": ("forward_due", "changed_at"), "by_public_until": ("public_state", "publish_until"),
            "by_deadline": ("deadline_state", "publish_deadline"), "by_pending": ("pending_code", "received_at"),
            "by_source_ref": ("department", "ref_key"), "by_name": ("department", "name_key")})
        self.versions = _Table("record_id", "version")

    def identities(self, identities: Iterable[str]) -> dict[str, dict]:
        out = {}
        for i in dict.fromkeys(identities):
            item = self.table.get(**identity_item_key(i))
            if item:
                out[i] = item
        return out

    def get_many(self, keys: Iterable[tuple[str, str]]) -> dict:
        items = [self.table.get(**record_item_key(code, rid)) for code, rid in dict.fromkeys(keys)]
        return {rec.record_id: rec for rec in map(_record, filter(None, items))}

    def pending_markers(self, codes: Iterable[str]) -> dict[str, str]:
        out = {}
        for code in dict.fromkeys(c for c in codes if c):
            item = self.table.get(**pending_marker_key(code))
            if item:
                out[code] = item["touched"]
        return out

    @atomic
    def clear_pending_markers(self, markers: dict[str, str], touched_before: str) -> int:
        cleared = 0
        for code, touched in markers.items():
            item = self.table.get(**pending_marker_key(code))
            if touched < touched_before and item and item["touched"] == touched:
                self.table.delete(**pending_marker_key(code))
                cleared += 1
        return cleared

    def get(self, record_id: str):
        items = self.table.query_all(record_id, index="by_record_id")
        return _record(items[0]) if items else None

    def of_enterprise(self, code: str) -> list:
        return [_record(i) for i in self.table.query_all(code, where=lambda sk: sk.startswith(RECORD_PREFIX))]

    def history(self, record_id: str) -> list[RecordVersion]:
        return [RecordVersion.model_validate(i) for i in self.versions.query_all(record_id)]

    def by_department(self, department: str, limit: int, after: dict | None, *, category: str | None = None,
                      state: str | None = None) -> tuple[list, dict | None]:
        return self.search(department, limit, after, category=category, state=state)

    def search(self, department: str, limit: int, after: dict | None, *, ref: str | None = None,
               code: str | None = None, name: str | None = None, start: str | None = None, end: str | None = None,
               category: str | None = None, state: str | None = None, late: bool | None = None
               ) -> tuple[list, dict | None]:
        low, high = start or "0", f"{end}T~" if end else "~"
        wanted = {k: v for k, v in (("category", category), ("state", state)) if v}
        if late is not None:
            wanted["late"] = late
        prefixes = {k: v for k, v in (("ref_key", ref), ("name_key", name)) if v}

        def keep(i: dict) -> bool:
            return (all(i.get(k) == v for k, v in wanted.items()) and i.get("department") == department
                    and all(str(i.get(k, "")).startswith(v) for k, v in prefixes.items())
                    and low <= i["received_at"] <= high)
        if code:
            hash_value, options = code, {"where": lambda sk: sk.startswith("R#")}
        elif ref:
            hash_value, options = department, {"index": "by_source_ref", "where": lambda v: v.startswith(ref)}
        elif name:
            hash_value, options = department, {"index": "by_name", "where": lambda v: v.startswith(name)}
        else:
            hash_value, options = department, {"index": "by_department", "forward": False,
                                               "where": lambda v: low <= v <= high}
        items, last = self.table.query(hash_value, limit=limit, after=after, keep=keep, **options)
        return [_record(i) for i in items], last

    def late_received(self, department: str, start: str, end: str, cap: int) -> tuple[list, bool]:
        items, _ = self.search(department, None, None, start=start, end=end, late=True)
        return items[:cap], len(items) > cap

    def all_in_index(self, index: str, hash_name: str, hash_value: str, *, upper: str | None = None,
                     range_name: str | None = None) -> list:
        assert self.table.indexes[index] == (hash_name, range_name or self.table.indexes[index][1])
        where = (lambda v: v <= upper) if upper is not None and range_name else None
        return [_record(i) for i in self.table.query_all(hash_value, index=index, where=where)]

    @atomic
    def write(self, changes: list[Change], extra: Callable[[list[Change]], Op | None] | None = None) -> list[Change]:
        """All changes in one transaction; if it is cancelled, each alone (the losers returned)."""
        if not changes:
            return []
        if self._commit(changes, extra):
            return []
        if len(changes) == 1:
            return list(changes)
        return [c for c in changes if not self._commit([c], extra)]

    def _commit(self, changes: list[Change], extra) -> bool:
        for c in changes:
            if not self._allowed(c):
                return False
        for c in changes:
            rec, prev = c.record, c.previous
            if prev is not None and prev.enterprise_code != rec.enterprise_code:
                self.table.delete(**record_item_key(prev.enterprise_code, prev.record_id))
            self.table.put(record_item(rec))
            self.table.put({**identity_item_key(rec.identity), "rid": rec.record_id,
                            "epk": rec.enterprise_code, "version": rec.version})
            if c.version is not None:
                self.versions.put(to_item(c.version.model_dump()))
        for c in changes:
            rec = c.record
            if rec.match == "pending":
                self.table.put({**pending_marker_key(rec.enterprise_code), "code": rec.enterprise_code,
                                "touched": f"{rec.updated_at}#{rec.record_id}#{rec.version}"})
        more = extra(changes) if extra else None
        if more:
            more()
        return True

    def _allowed(self, c: Change) -> bool:
        rec, prev = c.record, c.previous
        ident = self.table.get(**identity_item_key(rec.identity))
        here = self.table.get(**record_item_key(rec.enterprise_code, rec.record_id))
        if c.version is not None and self.versions.get(record_id=rec.record_id, version=rec.version):
            return False
        if prev is None:
            return ident is None and here is None
        if ident is None or ident["version"] != prev.version:
            return False
        if prev.enterprise_code == rec.enterprise_code:
            return here is not None and here["version"] == prev.version
        old = self.table.get(**record_item_key(prev.enterprise_code, prev.record_id))
        return here is None and old is not None and old["version"] == prev.version


# --- registry ---------------------------------------------------------------------------------
class FakeRegistryRepository:
    """dal.registry.RegistryRepository: enterprises, 注册号 aliases, elsewhere names, name index."""

    def __init__(self, page_items: int = 1000):
        self.table = _Table("code")
        self.names = _Table("token", "code")
        self.page_items = page_items      # entries a name-index page holds (the real one: 1 MB)

    def lookup(self, codes: Iterable[str]) -> dict[str, Enterprise]:
        return self.lookup_all(codes)[0]

    def lookup_all(self, codes: Iterable[str]) -> tuple[dict[str, Enterprise], dict[str, str]]:
        found: dict[str, Enterprise] = {}
        elsewhere: dict[str, str] = {}
        for code in dict.fromkeys(c for c in codes if c):
            item = self.table.get(code=code)
            if item and item["kind"] == "alias":
                item = self.table.get(code=item["uscc"])
            if item and item["kind"] == "elsewhere":
                elsewhere[code] = item["name"]
            elif item:
                found[code] = Enterprise.model_validate({k: v for k, v in from_item(item).items() if k != "kind"})
        return found, elsewhere

    @atomic
    def hold_elsewhere_names(self, names: dict[str, str]) -> dict[str, str]:
        taken = []
        for code, name in names.items():
            if self.table.get(code=code):
                taken.append(code)
            else:
                self.table.put({"code": code, "kind": "elsewhere", "name": name})
        return self.lookup_all(taken)[1] if taken else {}

    def get(self, code: str) -> Enterprise | None:
        return self.lookup([code]).get(code)

    def save(self, enterprises: list[Enterprise], also: dict[str, list[Op]] | None = None) -> None:
        for e in enterprises:
            self.table.put({**to_item(e.model_dump()), "kind": "enterprise"})
            if e.uscc and e.regno:
                self.table.put({"code": e.regno, "kind": "alias", "uscc": e.uscc})
            for op in (also or {}).get(e.code, []):
                op()

    def index_names(self, profiles: list[dict]) -> None:
        """Same items as the real index (entries, counts, exact names, marks), one code at a time."""
        from chalicelib.domain.name_search import indexed_state
        self._reindex({p["code"]: indexed_state(p) for p in profiles})

    def unindex_names(self, codes: Iterable[str]) -> None:
        self._reindex(dict.fromkeys(codes))

    def _reindex(self, fresh: dict[str, dict | None]) -> None:
        from chalicelib.dal.registry import AUX, EXACT_KEY, INDEX_VERSION, MARK_KEY
        from chalicelib.domain.name_search import TOTAL, index_delta, name_pairs
        for code, state in fresh.items():
            mark = self.names.get(token=MARK_KEY + code, code=AUX)
            if (not state and not mark) or (state and mark and {
                    "names": mark["names"], "status": mark.get("status"), "v": mark.get("v")} == {
                    **state, "v": INDEX_VERSION}):
                continue
            before, now = (mark["names"] if mark else []), (state["names"] if state else [])
            gained, lost, named, unnamed = index_delta(before, now)
            entry = to_item({"name": now[0], "former": now[1:] or None, "status": state["status"]}) if state else {}
            pairs = sorted(name_pairs(now))
            first: dict[str, str] = {}
            for token, nxt in pairs:
                first.setdefault(token, nxt)
                self.names.put({**entry, "token": token, "code": nxt + code,
                                **({"dup": True} if first[token] != nxt else {})})
            for token, nxt in name_pairs(before) - set(pairs):
                self.names.delete(token=token, code=nxt + code)
            total = [(TOTAL, 1)] if state and not mark else [(TOTAL, -1)] if not state else []
            for token, delta in [*((t, 1) for t in gained), *((t, -1) for t in lost), *total]:
                self.names.add({"token": token, "code": AUX}, {"n": delta})
            for name in named:
                self.names.add({"token": EXACT_KEY + name, "code": AUX}, {"codes": {code}})
            for name in unnamed:
                item = self.names.get(token=EXACT_KEY + name, code=AUX) or {"token": EXACT_KEY + name, "code": AUX}
                self.names.put({**item, "codes": set(item.get("codes") or ()) - {code}})
            if state:
                self.names.put(to_item({"token": MARK_KEY + code, "code": AUX, **state, "v": INDEX_VERSION}))
            else:
                self.names.delete(token=MARK_KEY + code, code=AUX)

    def name_keys(self, tokens: Iterable[str], name: str) -> tuple[dict[str, int], list[str]]:
        from chalicelib.dal.registry import AUX, EXACT_KEY
        from chalicelib.domain.name_search import TOTAL
        counts = {t: int(i["n"]) for t in {*tokens, TOTAL} if (i := self.names.get(token=t, code=AUX))}
        exact = self.names.get(token=EXACT_KEY + name, code=AUX) or {}
        return counts, sorted(exact.get("codes") or [])

    def name_page(self, key: str, after: dict | None) -> tuple[list[dict], dict | None]:
        """Pages of `page_items` entries (the real one: 1 MB)."""
        from chalicelib.dal.registry import AUX
        token, nxt = key[:2], key[2:]
        items, last = self.names.query(token, where=lambda sk: sk > AUX and sk.startswith(nxt), limit=self.page_items,
                                       after={"token": token, "code": after["code"]}
                                       if after and after["code"] != AUX else None)
        return ([{**i, "code": i["code"][1:], "key": i["code"]} for i in items if nxt or not i.get("dup")],
                {"token": key, "code": last["code"]} if last else None)


class FakeNoticeRepository:
    """dal.notices.NoticeRepository: 双告知 notices per department, newest first."""

    def __init__(self):
        self.table = _Table("department", "sk")

    def puts(self, notices: list[dict]) -> dict[str, list[Op]]:
        out: dict[str, list[Op]] = {}
        for n in notices:
            item = {**n, "sk": f"{n['notified_at']}#{n['code']}"}
            out.setdefault(n["code"], []).append(lambda item=item: self.table.put(item))
        return out

    def since(self, department: str, since: str | None, limit: int, after: dict | None) -> tuple[list, dict | None]:
        items, last = self.table.query(department, where=(lambda sk: sk >= since) if since else None,
                                       forward=False, limit=limit, after=after)
        return [{k: v for k, v in i.items() if k not in ("department", "sk")} for i in items], last


# --- public side ------------------------------------------------------------------------------


class FakePublicRepository:
    """dal.public.PublicRepository: masked public copies and enterprise profiles."""

    def __init__(self):
        self.table = _Table("code", "sk")

    def put(self, copies: list[dict]) -> None:
        for c in copies:
            self.table.put(to_item({**c, "sk": f"{c['category']}#{c['record_id']}"}))

    def refresh(self, codes, profiles: dict[str, dict] | None = None) -> list[str]:
        codes = list(dict.fromkeys(codes))
        fresh = profiles or {}
        left = []
        stored = self.profiles([c for c in codes if c not in fresh])
        for code in codes:
            p = {k: v for k, v in (fresh.get(code) or stored.get(code) or {}).items() if k != "sk"}
            if not p:
                continue
            copies = [i for i in self.table.query_all(code) if i["sk"] not in (PROFILE, ALIAS)]
            alias = p.get("regno") if p.get("regno") and p["regno"] != code else None
            if not copies:
                self.table.delete(code=code, sk=PROFILE)
                if alias:
                    self.table.delete(code=alias, sk=ALIAS)
                left.append(code)
                continue
            summary = search_summary(copies) if all(CREDIT in c for c in copies) else None
            if code in fresh or p.get(SEARCH_SUMMARY) != from_item(to_item(summary)):
                self.table.put(to_item({**p, "code": code, "sk": PROFILE, SEARCH_SUMMARY: summary}))
            if code in fresh and alias:
                self.table.put({"code": alias, "sk": ALIAS, "uscc": code})
        return left

    def delete(self, keys: list[tuple[str, str, str]]) -> None:
        for code, category, record_id in keys:
            self.table.delete(code=code, sk=f"{category}#{record_id}")

    def current_versions(self, keys: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], int]:
        out = {}
        for code, category, record_id in dict.fromkeys(keys):
            item = self.table.get(code=code, sk=f"{category}#{record_id}")
            if item:
                out[(code, category, record_id)] = int(item["version"])
        return out

    def enterprise(self, code: str) -> tuple[dict | None, list[dict]]:
        alias = self.table.get(code=code, sk=ALIAS)
        return split_partition([from_item(i) for i in self.table.query_all(alias["uscc"] if alias else code)])

    def profiles(self, codes: list[str]) -> dict[str, dict]:
        return {c: from_item(item) for c in codes if (item := self.table.get(code=c, sk=PROFILE))}


# --- counters ---------------------------------------------------------------------------------
class FakeCounterRepository:
    """dal.counters.CounterRepository: daily buckets, 迟报 tallies, deadlines findings, scorecards."""

    def __init__(self):
        self.table = _Table("pk", "sk")

    def update_op(self, department: str, day: str, deltas: dict[str, int],
                  last_submission: str | None = None) -> Op | None:
        deltas = {k: v for k, v in deltas.items() if v}
        if not deltas and not last_submission:
            return None

        def op():
            key = {"pk": f"D#{department}", "sk": day}
            self.table.add(key, deltas)
            if last_submission:
                self.table.update(key, last_submission=last_submission)
        return op

    @atomic
    def add(self, department: str, day: str, deltas: dict[str, int], last_submission: str | None = None) -> None:
        op = self.update_op(department, day, deltas, last_submission)
        if op:
            op()

    def late_tally(self, department: str, day: str, record_ids: list[str]) -> Op | None:
        if not record_ids:
            return None
        item = {"pk": f"L#{department}", "sk": f"{day}#{record_ids[0]}", "n": len(record_ids),
                "records": list(record_ids)}
        return lambda: self.table.put(item)

    def pending_op(self, department: str, request: str, day: str, stamp: str, deltas: dict[str, int],
                   refs: list[str] = (), late: list[str] = ()) -> Op | None:
        deltas = {k: v for k, v in deltas.items() if v}
        if not deltas:
            return None
        key = {"pk": f"P#{department}", "sk": request}
        sets = {name: set(ids) for name, ids in (("refs", refs), ("late", late)) if ids}

        def op():
            item = self.table.add(key, {**deltas, "groups": 1, **sets})
            self.table.update(key, day=item.get("day", day), at=item.get("at", stamp), last=secrets.token_hex(8))
        return op

    def pending(self, department: str) -> list[Pending]:
        items, _ = self.table.query(f"P#{department}", limit=MAX_SETTLE)
        return [Pending(sk=i["sk"], day=i["day"], guard=("last", i["last"]), refs=frozenset(i.get("refs", ())),
                        late=frozenset(i.get("late", ())), at=i.get("at", ""),
                        deltas={k: v for k, v in i.items() if k not in PENDING_ATTRS}) for i in items]

    @atomic
    def settle(self, department: str, day: str, deltas: dict[str, int], last_submission: str | None,
               pending: list[Pending]) -> bool:
        if any((self.table.get(pk=f"P#{department}", sk=p.sk) or {}).get(p.guard[0]) != p.guard[1] for p in pending):
            return False
        for p in pending:
            self.table.delete(pk=f"P#{department}", sk=p.sk)
            self.add(department, p.day, p.deltas)
            if tally := self.late_tally(department, p.day, sorted(p.late)):
                tally()
        self.add(department, day, deltas, last_submission)
        return True

    def late(self, department: str, start: str, end: str) -> int:
        return sum(int(i.get("n", 1)) for i in self.table.query_all(
            f"L#{department}", where=lambda sk: start <= sk <= f"{end}~"))

    def days(self, department: str, start: str, end: str) -> list[dict]:
        return [from_item(i) for i in self.table.query_all(f"D#{department}", where=lambda sk: start <= sk <= end)]

    def last_submission(self, department: str) -> str | None:
        items, _ = self.table.query(f"D#{department}", forward=False, limit=60, keep=lambda i: "last_submission" in i)
        return items[0]["last_submission"] if items else None

    def put_deadlines(self, day: str, rows: dict[str, dict]) -> None:
        self.table.put({"pk": "DEADLINES", "sk": day, "rows": to_item(rows)})

    def deadlines(self, day: str) -> dict[str, dict]:
        item = self.table.get(pk="DEADLINES", sk=day)
        return from_item(item["rows"]) if item else {}

    def first_deadlines_day(self) -> str | None:
        items, _ = self.table.query("DEADLINES", limit=1)
        return items[0]["sk"] if items else None

    def latest_deadlines(self, day: str) -> dict[str, dict]:
        items, _ = self.table.query("DEADLINES", where=lambda sk: sk <= day, forward=False, limit=1)
        return from_item(items[0]["rows"]) if items else {}

    def put_scorecards(self, month: str, body: dict) -> None:
        self.table.put({"pk": "SCORECARDS", "sk": month, "body": json.dumps(body, ensure_ascii=False)})

    def scorecards(self, month: str) -> dict | None:
        item = self.table.get(pk="SCORECARDS", sk=month)
        return json.loads(item["body"]) if item else None


# --- calendar, departments --------------------------------------------------------------------
class FakeCalendarRepository:
    def __init__(self):
        self.table = _Table("year")

    def overrides(self, years: set[int]) -> dict[int, YearOverride]:
        out = {}
        for y in sorted(years):
            item = self.table.get(year=str(y))
            if item:
                out[y] = YearOverride(holidays=set(item["holidays"]), workdays=set(item["workdays"]))
        return out

    def put(self, year: int, override: YearOverride, by: str, at: str) -> None:
        self.table.put({"year": str(year), "holidays": set(override.holidays), "workdays": set(override.workdays),
                        "updated_by": by, "updated_at": at})


class FakeDepartmentRepository:
    def __init__(self):
        self.table = _Table("id")

    def get(self, department_id: str) -> Department | None:
        item = self.table.get(id=department_id)
        return Department.model_validate(from_item(item)) if item else None

    def put(self, dept: Department) -> None:
        self.table.put(to_item(dept.model_dump()))

    def put_many(self, depts: list[Department]) -> None:
        for d in depts:
            self.put(d)

    def all(self) -> list[Department]:
        return [Department.model_validate(from_item(i)) for _, i in sorted(self.table.items.items())]


# --- jobs table: change log, open-data index, forward failures, monthly reports -------------------
class FakeChangeLog:
    """dal.changes.ChangeLog: the day partitions of changes and the FIRST/LAST/RETRACTED marks."""

    def __init__(self):
        self.table = _Table("pk", "sk")

    @atomic
    def append(self, day: str, changes: list[dict]) -> None:
        if not changes:
            return
        day = max(day, today().isoformat())
        retracted = max((c["at"] for c in changes if c["op"] != "publish" or c.get("replaces")), default=None)
        changes = [{k: v for k, v in c.items() if k != "replaces"} for c in changes]
        marks = {m: self.table.get(pk="CHANGES", sk=m) for m in ("FIRST", "LAST", "RETRACTED")}
        if not marks["FIRST"]:
            self.table.put({"pk": "CHANGES", "sk": "FIRST", "day": day})
        if not marks["LAST"] or marks["LAST"]["day"] < day:
            self.table.put({"pk": "CHANGES", "sk": "LAST", "day": day})
        for c in changes:
            self.table.put(to_item({**c, "pk": day_partition(day),
                                    "sk": f"{c['at']}#{c['record_id']}#{c['version']}#{c['op']}"}))
        if retracted and (not marks["RETRACTED"] or marks["RETRACTED"]["at"] < retracted):
            self.table.put({"pk": "CHANGES", "sk": "RETRACTED", "at": retracted, "day": day})

    def day(self, day: str, after: dict | None = None, limit: int = 1000) -> tuple[list[dict], dict | None]:
        items, last = self.table.query(day_partition(day), limit=limit, after=after)
        return [{k: v for k, v in from_item(i).items() if k != "pk"} for i in items], last

    def whole_day(self, day: str) -> list[dict]:
        return self.day(day, limit=None)[0]

    def retracted(self) -> dict | None:
        item = self.table.get(pk="CHANGES", sk="RETRACTED")
        return {"at": item["at"], "day": item["day"]} if item else None

    def last_day(self) -> str | None:
        return (self.table.get(pk="CHANGES", sk="LAST") or {}).get("day")

    def first_day(self) -> str | None:
        return (self.table.get(pk="CHANGES", sk="FIRST") or {}).get("day")


class FakeOpenDataIndex:
    def __init__(self):
        self.table = _Table("pk", "sk")

    def put(self, day: str, entry: dict) -> None:
        self.table.put(to_item({"pk": "OPEN_DATA", "sk": day, "day": day, **entry}))

    def latest(self, before: str) -> dict | None:
        items, _ = self.table.query("OPEN_DATA", where=lambda sk: sk < before, forward=False, limit=1)
        return from_item(items[0]) if items else None

    def recent(self, limit: int) -> list[dict]:
        return [from_item(i) for i in self.table.query("OPEN_DATA", forward=False, limit=limit)[0]]


class FakeJobStateRepository:
    def __init__(self):
        self.table = _Table("pk", "sk")

    def open_failures(self) -> dict[str, dict]:
        return {i["sk"][7:]: from_item(i) for i in self.table.query_all("FORWARD",
                                                                        where=lambda sk: sk.startswith("FAILED#"))}

    @atomic
    def fail(self, batch_id: str, error: str, at: str) -> int:
        key = {"pk": "FORWARD", "sk": f"FAILED#{batch_id}"}
        self.table.add(key, {"attempts": 1})
        return int(self.table.update(key, last_error=error[:500], last_at=at)["attempts"])

    def clear(self, batch_id: str) -> None:
        self.table.delete(pk="FORWARD", sk=f"FAILED#{batch_id}")

    def dead(self, batch_id: str, error: str, at: str, records: int) -> None:
        self.table.put({"pk": "FORWARD", "sk": f"DEAD#{batch_id}", "error": error[:500], "at": at, "records": records})
        self.clear(batch_id)


class FakeMonthlyReportStore:
    """dal.monthly.MonthlyReportStore: `objects` holds the workbooks by key."""

    def __init__(self):
        self.table = _Table("pk", "sk")
        self.objects: dict[str, bytes] = {}

    def put(self, month: str, body: bytes, generated_at: str) -> str:
        key = f"reports/monthly/{month}.xlsx"
        self.objects[key] = body
        self.table.put({"pk": "MONTHLY", "sk": month, "key": key, "generated_at": generated_at})
        return key

    def recent(self, limit: int = 36) -> list[dict]:
        items, _ = self.table.query("MONTHLY", forward=False, limit=limit)
        return [{"month": i["sk"], "key": i["key"], "generated_at": i["generated_at"]} for i in items]

    def presign(self, key: str) -> str:
        return f"https://files.invalid/{key}"


# --- identity: throttle, audit, attestations --------------------------------------------------------
class FakeThrottleRepository:
    def __init__(self, clock=time.time):
        self.table = _Table("key")
        self.clock = clock

    @atomic
    def admit(self, key: str, limit: int, window_seconds: int) -> bool:
        now = int(self.clock())
        item = self.table.get(key=key)
        if item is None or int(item["expires_at"]) <= now:
            self.table.put({"key": key, "count": 1, "expires_at": now + window_seconds})
            return True
        if item["count"] >= limit:
            return False
        self.table.add({"key": key}, {"count": 1})
        return True

    def retry_after(self, key: str) -> int:
        item = self.table.get(key=key)
        return max(int(item["expires_at"]) - int(self.clock()), 0) if item and "expires_at" in item else 0

    @atomic
    def refund(self, key: str) -> None:
        item = self.table.get(key=key)
        if not item or item["count"] <= 0:
            return
        if self.table.add({"key": key}, {"count": -1})["count"] <= 0:
            self.table.delete(key=key)

    def clear(self, key: str) -> None:
        self.table.delete(key=key)

    def revoke_tokens(self, username: str) -> int:
        cutoff = int(self.clock())
        self.table.put({"key": f"user#{username}", "tokens_valid_after": cutoff})
        return cutoff

    def tokens_valid_after(self, username: str) -> int | None:
        item = self.table.get(key=f"user#{username}")
        return int(item["tokens_valid_after"]) if item else None


class FakeAuditRepository:
    def __init__(self):
        self.table = _Table("day", "sk", {"by_actor": ("actor", "at"), "by_target": ("target", "at")})

    @atomic
    def append(self, entry: AuditEntry, seq: int = 0) -> None:
        item = {**to_item(entry.model_dump()), "day": entry.at[:10], "sk": f"{entry.at}#{entry.request_id}#{seq}"}
        if self.table.get(day=item["day"], sk=item["sk"]):
            raise condition_failed(item["sk"])
        self.table.put(item)

    def by_index(self, index: str, key: str, value: str, start: str, end: str,
                 limit: int, after: dict | None) -> tuple[list[AuditEntry], dict | None]:
        assert self.table.indexes[index][0] == key
        items, last = self.table.query(value, index=index, where=lambda at: start <= at <= end, forward=False,
                                       limit=limit, after=after)
        return [self._entry(i) for i in items], last

    def by_day(self, day: str, limit: int, after: dict | None) -> tuple[list[AuditEntry], dict | None]:
        items, last = self.table.query(day, forward=False, limit=limit, after=after)
        return [self._entry(i) for i in items], last

    @staticmethod
    def _entry(item: dict) -> AuditEntry:
        return AuditEntry.model_validate({k: v for k, v in from_item(item).items() if k not in ("day", "sk")})


class FakeAttestationCache:
    def __init__(self, clock=time.time):
        self.table = _Table("key")
        self.clock = clock

    def get(self, key: str) -> dict | None:
        item = self.table.get(key=key)
        return item if item and int(item["expires_at"]) > int(self.clock()) else None

    def put(self, key: str, item: dict, ttl_seconds: int) -> None:
        self.table.put({**item, "key": key, "expires_at": int(self.clock()) + ttl_seconds})


# --- uploads, watchlists ----------------------------------------------------------------------
class FakeUploadRepository:
    def __init__(self):
        self.table = _Table("upload_id", None, {"by_department": ("department", "created_at")})

    @atomic
    def create(self, upload: Upload) -> None:
        if self.table.get(upload_id=upload.upload_id):
            raise condition_failed(upload.upload_id)
        self.save(upload)

    def get(self, upload_id: str) -> Upload | None:
        item = self.table.get(upload_id=upload_id)
        return Upload.model_validate(from_item(item)) if item else None

    def save(self, upload: Upload) -> None:
        self.table.put(to_item(upload.model_dump()))

    @atomic
    def acquire(self, upload: Upload, token: str, now: int, seconds: int) -> bool:
        item = self.table.get(upload_id=upload.upload_id) or {}
        if "lease_until" in item and item["lease_until"] >= now and item.get("lease") != token:
            return False
        self.table.update({"upload_id": upload.upload_id}, lease=token, lease_until=now + seconds)
        upload.lease, upload.lease_until = token, now + seconds
        return True

    @atomic
    def pin_object(self, upload: Upload, version: str, etag: str) -> bool:
        item = self.table.get(upload_id=upload.upload_id) or {}
        if "object_version" in item:
            return False
        self.table.update({"upload_id": upload.upload_id}, object_version=version, object_etag=etag)
        upload.object_version, upload.object_etag = version, etag
        return True

    @atomic
    def release(self, upload: Upload) -> None:
        item = self.table.get(upload_id=upload.upload_id)
        if item and item.get("lease") is not None and item.get("lease") == upload.lease:
            self.table.update({"upload_id": upload.upload_id}, lease=None, lease_until=None)

    @atomic
    def checkpoint(self, upload: Upload, previous_next_row: int, also: Op | None = None) -> bool:
        item = self.table.get(upload_id=upload.upload_id)
        if not item or item.get("next_row") != previous_next_row or item.get("lease") != upload.lease \
                or upload.lease is None:
            return False
        self.save(upload)
        if also:
            also()
        return True

    def by_department(self, department: str, limit: int, after: dict | None) -> tuple[list[Upload], dict | None]:
        items, last = self.table.query(department, index="by_department", forward=False, limit=limit, after=after)
        return [Upload.model_validate(from_item(i)) for i in items], last


class FakeWatchlistRepository:
    def __init__(self):
        self.table = _Table("pk", "sk")

    def create(self, watchlist: dict, codes: list[str]) -> None:
        self.table.put(to_item({**watchlist, "pk": f"WL#{watchlist['id']}", "sk": "#config"}))
        for code in codes:
            self.table.put({"pk": f"CODE#{code}", "sk": f"WL#{watchlist['id']}", "code": code,
                            "watchlist_id": watchlist["id"]})
            self.table.put({"pk": f"CODE#{code}", "sk": "#watched", "code": code})

    def get(self, watchlist_id: str) -> dict | None:
        item = self.table.get(pk=f"WL#{watchlist_id}", sk="#config")
        return from_item(item) if item else None

    def watched(self, codes) -> set[str]:
        return {c for c in dict.fromkeys(codes) if self.table.get(pk=f"CODE#{c}", sk="#watched")}

    def watchers(self, code: str) -> list[dict]:
        return [from_item(i) for i in self.table.query_all(f"CODE#{code}", where=lambda sk: sk.startswith("WL#"))]

    def set_restricted(self, code: str, watchlist_id: str, restricted: bool) -> None:
        self.table.update({"pk": f"CODE#{code}", "sk": f"WL#{watchlist_id}"}, restricted=restricted)

    def put_delivery(self, delivery: dict) -> None:
        item = to_item(delivery)
        self.table.put({**item, "pk": f"WL#{delivery['watchlist_id']}", "sk": f"D#{delivery['id']}"})
        if delivery["status"] == "pending":
            self.table.put({**item, "pk": "PENDING", "sk": delivery["id"]})
        else:
            self.table.delete(pk="PENDING", sk=delivery["id"])

    def pending(self) -> list[dict]:
        return [from_item(i) for i in self.table.query_all("PENDING")]

    def deliveries(self, watchlist_id: str, limit: int, after: dict | None) -> tuple[list[dict], dict | None]:
        items, last = self.table.query(f"WL#{watchlist_id}", where=lambda sk: sk.startswith("D#"), forward=False,
                                       limit=limit, after=after)
        return [{k: v for k, v in from_item(i).items() if k not in ("pk", "sk", "events")} for i in items], last


class FakeCaseRepository:
    """dal/objections.CaseRepository: 异议 / 信用修复 cases, their inboxes and the open ones by due day."""

    def __init__(self):
        self.table = _Table("id", None, {"by_inbox": ("inbox", "filed_at"), "by_kind": ("kind", "filed_at"),
                                         "by_open_due": ("open_due", "due")})

    def add(self, case) -> None:
        if self.table.get(id=case.id):
            raise condition_failed(case.id)
        self.table.put(case_item(case))

    def get(self, case_id: str):
        item = self.table.get(id=case_id)
        return case_of(item) if item else None

    def close(self, case) -> bool:
        item = self.table.get(id=case.id)
        if not item or item.get("state") != "open":
            return False
        self.table.put(case_item(case))
        return True

    def inbox(self, kind: str, department: str | None, state: str | None, limit: int, after: dict | None):
        index, value = ("by_inbox", f"{kind}#{department}") if department else ("by_kind", kind)
        items, last = self.table.query(value, index=index, forward=False, limit=limit, after=after,
                                       keep=(lambda i: i.get("state") == state) if state else None)
        return [case_of(i) for i in items], last

    def open_due_by(self, last_day: str) -> list:
        return [case_of(i) for i in self.table.query_all("open", index="by_open_due", where=lambda d: d <= last_day)]


class FakeCatalogItemRepository:
    """dal/catalog_items.CatalogItemRepository: working copies, approved versions, the public 目录."""

    def __init__(self):
        self.table = _Table("item_code", "sk", {"by_department": ("owner", "item_code"),
                                                "by_state": ("queue", "updated_at"),
                                                "by_approved": ("catalog", "item_code")})

    def next_code(self, department: str) -> str:
        return f"{department}-{self.table.add({'item_code': SEQ, 'sk': department}, {'n': 1})['n']:03d}"

    @atomic
    def add(self, it) -> None:
        if self.table.get(item_code=it.item_code, sk=WORKING):
            raise condition_failed(it.item_code)
        self.table.put(working_item(it))

    def get(self, item_code: str):
        item = self.table.get(item_code=item_code, sk=WORKING)
        return item_of(item) if item else None

    @atomic
    def save(self, it, expected_version: int) -> bool:
        current = self.table.get(item_code=it.item_code, sk=WORKING)
        if not current or current.get("version") != expected_version:
            return False
        for item in [working_item(it)] + (approved_items(it) if it.state == "approved" else []):
            self.table.put(item)
        return True

    def by_department(self, department: str) -> list:
        return [item_of(i) for i in self.table.query_all(department, index="by_department")]

    def by_state(self, state: str) -> list:
        return [item_of(i) for i in self.table.query_all(state, index="by_state")]

    def approved(self, department: str | None = None) -> list:
        return [item_of(i) for i in self.table.query_all(
            "approved", index="by_approved", where=(lambda c: c.startswith(f"{department}-")) if department else None)]

    def versions(self, item_code: str) -> list:
        return [item_of(i) for i in self.table.query_all(item_code, where=lambda sk: sk.startswith("v#"))]


def fake_repositories() -> dict:
    """Container overrides: every repository of the composition root as a fresh fake."""
    registry = FakeRegistryRepository()
    return {"record_repo": FakeRecordRepository(), "registry_repo": registry,
            "public_repo": FakePublicRepository(), "calendar_repo": FakeCalendarRepository(),
            "counter_repo": FakeCounterRepository(), "department_repo": FakeDepartmentRepository(),
            "notice_repo": FakeNoticeRepository(), "change_log": FakeChangeLog(),
            "open_data_index": FakeOpenDataIndex(), "job_state_repo": FakeJobStateRepository(),
            "monthly_store": FakeMonthlyReportStore(), "throttle": FakeThrottleRepository(),
            "audit_repo": FakeAuditRepository(), "attestation_cache": FakeAttestationCache(),
            "uploads": FakeUploadRepository(), "watchlist_repo": FakeWatchlistRepository(),
            "case_repo": FakeCaseRepository(), "rejection_repo": FakeRejectionRepository(),
            "catalog_item_repo": FakeCatalogItemRepository()}


class FakeRejectionRepository:
    """dal.rejections.RejectionRepository: rejections by id, ref items naming the open ones."""

    def __init__(self):
        self.table = _Table("id", None, {"by_department": ("department", "last_seen"),
                                         "by_open": ("open_department", "first_seen")})

    def get(self, rejection_id: str):
        item = None if rejection_id.startswith("REF#") else self.table.get(id=rejection_id)
        return _rejection(item) if item else None

    def get_many(self, ids: Iterable[str]) -> dict:
        found = [self.table.get(id=i) for i in dict.fromkeys(ids)]
        return {r.rejection_id: r for r in map(_rejection, filter(None, found))}

    def open_refs(self, identities: Iterable[str]) -> dict[str, list[str]]:
        found = [self.table.get(**ref_key(i)) for i in dict.fromkeys(identities)]
        return {item["id"][4:]: sorted(item["open"]) for item in found if item and item.get("open")}

    def any_open(self, department: str) -> bool:
        return bool(self.table.query(department, index="by_open", limit=1)[0])

    def by_department(self, department: str, limit: int, after: dict | None, *, state=None, category=None,
                      code=None, upload_id=None) -> tuple[list, dict | None]:
        def keep(i: dict) -> bool:
            return (all(i.get(k) == v for k, v in (("state", state), ("category", category)) if v)
                    and (not code or code in i.get("codes", [])) and (not upload_id or upload_id in i.get("uploads", [])))
        items, last = self.table.query(department, index="by_department", forward=False, limit=limit, after=after,
                                       keep=keep)
        return [_rejection(i) for i in items], last

    def open_stats(self, department: str) -> tuple[int, str | None]:
        items = self.table.query_all(department, index="by_open")
        return len(items), (items[0]["first_seen"] if items else None)

    def oldest_open(self, department: str, cap: int) -> tuple[list, bool]:
        items = self.table.query_all(department, index="by_open")
        return [_rejection(i) for i in items[:cap]], len(items) > cap

    def save(self, writes: list, refs: dict[str, list[str]], extra: Callable[[list], Op | None] | None = None) -> list:
        """All in one transaction: every write's condition holds, or nothing is written (all lost)."""
        for rej, expected in writes:
            item = self.table.get(id=rej.rejection_id)
            if (item is not None) if expected is None else (item is None or item["times_seen"] != expected):
                return [r for r, _ in writes]
        for rej, _ in writes:
            self.table.put(rejection_item(rej))
        for ident, ids in refs.items():
            self.table.add(ref_key(ident), {"open": set(ids)})
        if extra and (more := extra([r for r, expected in writes if expected is None])):
            more()
        return []

    def close(self, closes: list, expires_at: int) -> list[str]:
        gone = []
        for rej_id, ident, values in closes:
            item = self.table.get(id=rej_id)
            if not item or item.get("state") != "open":
                gone.append(rej_id)
                continue
            self.table.update({"id": rej_id}, **values, expires_at=expires_at, open_department=None)
            if ident:
                ref = self.table.get(**ref_key(ident)) or {}
                self.table.update(ref_key(ident), open=(set(ref.get("open", ())) - {rej_id}) or None)
        return gone


# --- adapters ---------------------------------------------------------------------------------
class FakePublicitySender:
    """adapters.publicity's sender port: keeps every batch; `rejected` record_ids are refused one by
    one, and while `error` is set every batch fails as a whole."""

    def __init__(self):
        self.batches: list[dict] = []
        self.rejected: dict[str, str] = {}
        self.error: str | None = None

    def send(self, batch: dict):
        from chalicelib.adapters.publicity import SendResult
        self.batches.append(copy.deepcopy(batch))
        if self.error:
            return SendResult(ok=False, error=self.error)
        return SendResult(ok=True, rejected={r["record_id"]: why for r in batch["records"]
                                             if (why := self.rejected.get(r["record_id"]))})

    def ops(self) -> list[tuple[str, str, str]]:
        """(op, enterprise code, record_id) of every record sent, in order."""
        return [(r["op"], r["enterprise"]["code"], r["record_id"]) for b in self.batches for r in b["records"]]


class FakeDeadLetters(list):
    """The forward job's dead-letter port (callable(batch, error)): keeps (batch_id, error, records)."""

    def __call__(self, batch: dict, error: str) -> None:
        self.append((batch["batch_id"], error, len(batch["records"])))


class FakeIdentityPool:
    """services.auth.IdentityPool (adapters/cognito.CognitoPool): users in a dict; Cognito's verdicts as
    errors.Refused with Cognito's codes; while `down` every call is an outage (ServiceUnavailable)."""

    def __init__(self):
        self.users: dict[str, dict] = {}
        self.down = False
        self.calls: list[str] = []
        self.signed_out: list[str] = []

    def _call(self, operation: str, username: str | None = None) -> dict | None:
        from chalicelib.errors import Refused, ServiceUnavailable
        self.calls.append(operation)
        if self.down:
            raise ServiceUnavailable("身份认证服务暂时不可用，请稍后重试")
        if username is None:
            return None
        if username not in self.users:
            raise Refused("UserNotFoundException")
        return self.users[username]

    @staticmethod
    def _weak(password: str) -> bool:
        return len(password) < 8 or password.lower() == password

    def _tokens(self, username: str) -> dict:
        return {"AuthenticationResult": {"IdToken": f"id-token-of-{username}", "ExpiresIn": 3600}}

    def password_login(self, username: str, password: str) -> dict:
        from chalicelib.errors import Refused
        user = self._call("password_login", username)
        if user["password"] != password or not user["enabled"]:
            raise Refused("NotAuthorizedException")
        if user["temporary"]:
            user["session"] = f"session-{len(self.calls)}"
            return {"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": user["session"]}
        return self._tokens(username)

    def set_new_password(self, username: str, session: str, new_password: str) -> dict:
        from chalicelib.errors import Refused
        user = self._call("set_new_password", username)
        if session != user.get("session"):
            raise Refused("NotAuthorizedException")
        if self._weak(new_password):
            raise Refused("InvalidPasswordException")
        user.update(password=new_password, temporary=False, session=None)
        return self._tokens(username)

    def create_user(self, username: str, attributes: dict[str, str], temporary_password: str | None = None) -> None:
        from chalicelib.errors import Refused
        self._call("create_user")
        if username in self.users:
            raise Refused("UsernameExistsException")
        if temporary_password is not None and self._weak(temporary_password):
            raise Refused("InvalidPasswordException")
        self.users[username] = {"password": temporary_password, "temporary": True, "enabled": True,
                                "attributes": dict(attributes), "groups": []}

    def set_password(self, username: str, password: str) -> None:
        self._call("set_password", username).update(password=password, temporary=False)

    def user(self, username: str) -> dict:
        user = self._call("user", username)
        return {"attributes": dict(user["attributes"]), "enabled": user["enabled"]}

    def groups(self, username: str) -> list[str]:
        return list(self._call("groups", username)["groups"])

    def add_to_group(self, username: str, group: str) -> None:
        groups = self._call("add_to_group", username)["groups"]
        if group not in groups:
            groups.append(group)

    def remove_from_group(self, username: str, group: str) -> None:
        groups = self._call("remove_from_group", username)["groups"]
        if group in groups:
            groups.remove(group)

    def update_attributes(self, username: str, attributes: dict[str, str]) -> None:
        self._call("update_attributes", username)["attributes"].update(attributes)

    def disable_user(self, username: str) -> None:
        self._call("disable_user", username)["enabled"] = False

    def sign_out_everywhere(self, username: str) -> None:
        self._call("sign_out_everywhere", username)
        self.signed_out.append(username)


class FakeSigner:
    """services.attestation.Signer (adapters/kms.KmsSigner): an HMAC in place of the KMS key; `signed`
    counts signatures; while `down` every call is an outage (ServiceUnavailable)."""
    algorithm = "ECDSA_SHA_256"

    def __init__(self):
        self.key = b"fake attestation key"
        self.down = False
        self.signed = 0

    def _up(self) -> None:
        from chalicelib.errors import ServiceUnavailable
        if self.down:
            raise ServiceUnavailable("签名服务暂时不可用，请稍后重试")

    def sign(self, payload: bytes) -> tuple[bytes, str]:
        import hashlib
        import hmac
        self._up()
        self.signed += 1
        return hmac.new(self.key, payload, hashlib.sha256).digest(), "alias/fake-attestation"

    def verify(self, payload: bytes, signature: bytes) -> bool:
        import hashlib
        import hmac
        self._up()
        return hmac.compare_digest(hmac.new(self.key, payload, hashlib.sha256).digest(), signature)

    def public_key(self) -> dict:
        self._up()
        return {"key_id": "alias/fake-attestation", "der": self.key, "key_spec": "ECC_NIST_P256"}


class FakeUploadFiles:
    """services.ports.UploadObjects (dal.files.UploadFiles): objects in a dict, one version each."""

    def __init__(self):
        from chalicelib.dal.files import UploadFiles
        self.objects: dict[str, bytes] = {}
        self.object_key, self.upload_id_of = UploadFiles.object_key, UploadFiles.upload_id_of   # the key layout

    def presign(self, key: str, expires: int = 3600) -> str:
        return f"https://files.invalid/{key}"

    def presigned_post(self, key: str, max_bytes: int, expires: int) -> dict:
        return {"url": "https://files.invalid/", "fields": {"key": key}}

    def head(self, key: str, version: str | None = None):
        import hashlib

        from chalicelib.models.upload import ObjectHead
        body = self.objects[key]
        return ObjectHead(version="v1", etag=hashlib.md5(body).hexdigest(), size=len(body))

    def version_with_etag(self, key: str, etag: str) -> str | None:
        return "v1" if key in self.objects and self.head(key).etag == etag else None

    def download(self, key: str, version: str | None, path: str) -> None:
        with open(path, "wb") as fh:
            fh.write(self.objects[key])

    def put_feedback_chunk(self, upload_id: str, index: int, rows: list) -> None:
        self.objects[f"feedback/{upload_id}/chunk-{index:05d}.json"] = json.dumps(rows, ensure_ascii=False).encode()

    def feedback_chunk(self, upload_id: str, index: int) -> list:
        return json.loads(self.objects[f"feedback/{upload_id}/chunk-{index:05d}.json"])

    def put_feedback_file(self, upload_id: str, filename: str, path: str) -> str:
        key = f"feedback/{upload_id}/回退-{filename.rsplit('.', 1)[0]}.xlsx"
        with open(path, "rb") as fh:
            self.objects[key] = fh.read()
        return key
