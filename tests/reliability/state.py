"""The platform's durable state, read straight from the emulator and normalised so that two runs of
the same scenario (one fault-free, one with faults) can be compared with `==`.

Random or time-derived values (ULIDs, timestamps, batch ids, upload ids) are replaced by what they
stand for: records are keyed by their identity (department|category|source_ref), uploads by their
file name, versions by (identity, version).
"""
from __future__ import annotations

import functools
import json
import os
from collections import Counter
from decimal import Decimal

import boto3

from chalicelib.dal.records import pending_marker_key

TIMESTAMPS = {"received_at", "updated_at", "published_at", "at", "notified_at", "created_at", "finished_at",
              "last_submission", "changed_at", "checked_at"}


def _plain(v):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, set):
        return sorted(_plain(x) for x in v)
    return v


@functools.cache
def _session_object(kind: str, service: str, endpoint: str):
    make = boto3.session.Session(region_name="us-east-1")
    return getattr(make, kind)(service, endpoint_url=endpoint)


def _resource():
    return _session_object("resource", "dynamodb", os.environ["AWS_ENDPOINT_URL"])


def scan(settings, logical: str) -> list[dict]:
    """Every item of a table. The tests' emulator runs in this process, so its items are read straight
    from moto's backend (a Scan over HTTP costs ~5 ms an item in moto); over HTTP otherwise."""
    items = _in_process(settings.table(logical))
    if items is not None:
        return items
    table = _resource().Table(settings.table(logical))
    items, kwargs = [], {"ConsistentRead": True}
    while True:
        resp = table.scan(**kwargs)
        items += [_plain(i) for i in resp["Items"]]
        if "LastEvaluatedKey" not in resp:
            return items
        kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def _in_process(name: str) -> list[dict] | None:
    try:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends
        table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].tables.get(name)
    except Exception:
        return None
    if table is None:
        return None
    return [_plain(item.to_regular_json()) for item in list(table.all_items())]


def count_items(settings, logicals=("records", "versions", "public", "uploads", "enterprises")) -> dict[str, int]:
    """Item counts of the tables a write could touch (before/after comparisons)."""
    return {t: len(scan(settings, t)) for t in logicals}


def snapshot(container) -> dict:
    """Records, versions, identities, public copies, registry, uploads, counters, change log, outbox."""
    s = container.settings
    records, identities, rid_to_identity, pending = {}, {}, {}, set()
    for item in scan(s, "records"):
        if item["pk"].startswith("PENDING#"):   # the marker of a code with pending records (not its time)
            assert item["pk"] == pending_marker_key(item["sk"])["pk"], f"marker of {item['sk']} in another shard"
            pending.add(item["sk"])
            continue
        if item["sk"] == "ID":
            identities[item["pk"][3:]] = {"version": item["version"], "epk": item["epk"], "rid": item["rid"]}
            continue
        ident = f"{item['department']}|{item['category']}|{item['source_ref']}"
        rid_to_identity[item["record_id"]] = ident
        assert ident not in records, f"two record items for {ident}"
        records[ident] = {k: v for k, v in item.items()
                          if k not in TIMESTAMPS and k not in ("record_id", "sk", "upload_id", "updated_by")}
    for ident, idv in identities.items():   # identity items point at the record item, same version
        assert rid_to_identity.get(idv["rid"]) == ident, f"identity {ident} points at a missing record"
        assert records[ident]["version"] == idv["version"] and records[ident]["pk"] == idv["epk"], ident
    assert set(identities) == set(records), "records without identity items or the reverse"
    for ident, rec in records.items():   # a pending record's code keeps its marker (registration re-match)
        assert rec.get("match") != "pending" or rec["enterprise_code"] in pending, ident

    versions = sorted((rid_to_identity.get(v["record_id"], "?" + v["record_id"]), v["version"], v["op"],
                       v["content_hash"], v.get("reason") or "", bool(v.get("upload_id")))
                      for v in scan(s, "versions"))
    public = {}
    for item in scan(s, "public"):
        if item["sk"] in ("#profile", "#alias"):
            public[(item["code"], item["sk"])] = {k: v for k, v in item.items() if k not in TIMESTAMPS}
        else:
            key = (item["code"], item["category"], rid_to_identity.get(item["record_id"], "?"))
            public[key] = {k: v for k, v in item.items() if k not in TIMESTAMPS and k not in ("record_id", "sk")}
    enterprises = {i["code"]: {k: v for k, v in i.items() if k not in TIMESTAMPS} for i in scan(s, "enterprises")}
    names = sorted((i["token"], i["code"]) for i in scan(s, "name_index"))
    uploads = {}
    for u in scan(s, "uploads"):
        uploads[u["filename"]] = {k: u.get(k) for k in ("state", "rows_total", "rows_done", "accepted", "rejected",
                                                       "next_row", "chunks", "notes")}
        uploads[u["filename"]]["error"] = (u.get("error") or {}).get("code")
        uploads[u["filename"]]["feedback"] = bool(u.get("feedback_key"))
    counters, marks = {}, Counter()
    for c in scan(s, "counters"):
        if c["pk"].startswith("L#"):       # 迟报 tallies (n late records each): summed per (department, day)
            marks[(f"D#{c['pk'][2:]}", c["sk"].split("#")[0])] += int(c.get("n", 1))
        elif c["pk"] != "DEADLINES":
            counters[(c["pk"], c["sk"])] = {k: v for k, v in c.items() if k not in ("pk", "sk", *TIMESTAMPS)}
    for key, n in marks.items():
        counters.setdefault(key, {})["late"] = n
    notices = sorted((n["department"], n["code"]) for n in scan(s, "notices"))
    changes = Counter()
    for j in scan(s, "jobs"):
        if j["pk"].startswith("CHANGES#"):
            changes[(j["op"], rid_to_identity.get(j["record_id"], "?"), j["version"])] += 1
    return {"records": records, "versions": versions, "public": public, "enterprises": enterprises,
            "names": names, "uploads": uploads, "counters": counters, "notices": notices,
            "changes": dict(changes), "outbox_lines": outbox_lines(container)}


def outbox_lines(container) -> list[tuple]:
    """What reached the national system through the S3 outbox: (op, identity-less key) per line, deduplicated
    by the per-record idempotency key (a resent batch overwrites its own file)."""
    s3 = _session_object("client", "s3", os.environ["AWS_ENDPOINT_URL"])
    bucket = container.settings.bucket("exchange")
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="exchange/outbox/"):
        for obj in page.get("Contents", []):
            for line in s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read().decode().splitlines():
                rec = json.loads(line)
                out.append((rec["op"], rec["category"], rec["department"], rec["version"],
                            json.dumps(rec["fields"], sort_keys=True, ensure_ascii=False)))
    return sorted(out)


def diff(a: dict, b: dict, path: str = "") -> list[str]:
    """Human-readable differences of two snapshots (for assertion messages)."""
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                out.append(f"{path}/{k}: only in {'faulted' if k not in a else 'baseline'}")
            else:
                out += diff(a[k], b[k], f"{path}/{k}")
    elif a != b:
        out.append(f"{path}: baseline={str(a)[:300]} faulted={str(b)[:300]}")
    return out
