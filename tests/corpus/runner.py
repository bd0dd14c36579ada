"""Loads the bad-input corpus (tests/corpus/cases/*.json) and turns a case into a request.

A case file is a JSON list of cases:
  {"id": "...",                       unique across the corpus
   "why": "...",                      what the case is about (optional)
   "as": "op-d12" | "op-d21" | "sys-d12" | "admin" | "supervisor" | "anonymous" (default),
   "method": "POST", "path": "/v1/records",   "$RECORD_ID" / "$UPLOAD_ID" stand for real ids
   "headers": {...}                   default: Content-Type application/json when a body is given
   one body at most:
     "body": "raw text"               sent as UTF-8
     "b64": "..."                     raw bytes
     "json": <value>                  serialised; {"$sample": category, ...overrides} expands to a
                                      valid sample record with the overrides ("$delete" removes a key)
     "gen": {"kind": ...}             generated: "records" (count), "big_field" (field, bytes),
                                      "padding" (bytes), "nested" (depth; with "field": inside that
                                      field of one sample record), "number" ("digits" long, written
                                      where the string "$N" stands in "into")
   "expect": {"status": [lo, hi], "code": "BAD_JSON"}         a 4xx with this error code, or
   "expect": {"status": [200, 200], "rejected": n}            a 200 that rejects all n rows (no write)
   "cursor": {...}                    encoded as a cursor where "$CURSOR" stands in the path
   "$N4400" in a path or cursor stands for a number of 4,400 digits
   "xfail": "BUG: ..."                the case fails today; the runner marks it xfail(strict)
  }
Upload cases (`uploads.json`) instead give "upload": {"builder": name} and
"expect": {"state": "failed", "code": "..."} or {"state": "done", "accepted": 0}.
"""
from __future__ import annotations

import base64
import json
from pathlib import Path

from chalicelib.local.demo_data import sample_record

CASES_DIR = Path(__file__).parent / "cases"


def load_cases() -> list[dict]:
    cases: list[dict] = []
    for path in sorted(CASES_DIR.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            case["file"] = path.name
            cases.append(case)
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "corpus case ids must be unique"
    return cases


def expand(value):
    """{"$sample": category, **overrides} → a valid sample record with the overrides applied."""
    if isinstance(value, dict):
        if "$sample" in value:
            rec = sample_record(value["$sample"])
            for k, v in value.items():
                if k == "$sample":
                    continue
                if v == "$delete":
                    rec.pop(k, None)
                else:
                    rec[k] = expand(v)
            return rec
        return {k: expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [expand(v) for v in value]
    if value in ("$NaN", "$Infinity"):
        return float(value[1:].lower().replace("infinity", "inf"))
    return value


def generate(gen: dict) -> bytes:
    kind = gen["kind"]
    if kind == "records":
        records = [sample_record("admin_penalty", CF_WSH=f"批量-{i}号") for i in range(gen["count"])]
        return json.dumps({"category": "admin_penalty", "records": records}, ensure_ascii=False).encode()
    if kind == "big_field":
        rec = sample_record("admin_penalty", **{gen["field"]: "长" * (gen["bytes"] // 3)})
        return json.dumps({"category": "admin_penalty", "records": [rec]}, ensure_ascii=False).encode()
    if kind == "padding":
        rec = sample_record("admin_penalty")
        body = {"category": "admin_penalty", "records": [rec], "padding": "x" * gen["bytes"]}
        return json.dumps(body).encode()
    if kind == "nested" and "field" in gen:
        rec = sample_record("admin_penalty", **{gen["field"]: "$NESTED"})
        body = json.dumps({"category": "admin_penalty", "records": [rec]}, ensure_ascii=False)
        return body.replace('"$NESTED"', "[" * gen["depth"] + "]" * gen["depth"]).encode()
    if kind == "number":
        body = json.dumps(expand(gen["into"]), ensure_ascii=False)
        return body.replace('"$N"', "9" * gen["digits"]).encode()
    if kind == "nested":
        depth = gen["depth"]
        return ('{"category":"admin_penalty","records":' + "[" * depth + "]" * depth + "}").encode()
    raise ValueError(f"unknown generator {kind}")


def body_of(case: dict) -> bytes | None:
    if "body" in case:
        return case["body"].encode("utf-8", "surrogatepass")
    if "b64" in case:
        return base64.b64decode(case["b64"])
    if "json" in case:
        return json.dumps(expand(case["json"]), ensure_ascii=False).encode("utf-8", "surrogatepass")
    if "gen" in case:
        return generate(case["gen"])
    return None


def path_of(case: dict, ids: dict[str, str]) -> str:
    path = case["path"]
    if "cursor" in case:
        cursor = json.dumps(case["cursor"], separators=(",", ":")).replace('"$N4400"', "9" * 4400)
        path = path.replace("$CURSOR", _b64(cursor))
    for name, value in ids.items():
        path = path.replace(f"${name}", value)
    return path.replace("$N4400", "9" * 4400)


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def check_error_body(resp, code: str | None = None) -> None:
    """A 4xx body is the platform's error envelope (with this code, when given)."""
    body = json.loads(resp.body)
    assert set(body) == {"error"}, body
    err = body["error"]
    assert isinstance(err.get("code"), str) and err["code"].isupper(), err
    assert isinstance(err.get("message"), str) and err["message"], err
    assert isinstance(err.get("details"), list), err
    if code:
        assert err["code"] == code, err
