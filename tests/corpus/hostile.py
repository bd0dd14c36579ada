"""A generator of hostile requests for every operation of openapi.yaml (issue 19, SPEC §6.5).

For each operation it makes requests that put hostile values into one place at a time — each path
parameter, each query parameter (cursors get hostile cursors), and each property of the request
body (also inside the first element of an array property such as `records`), and odd headers
(forged or huge tokens, foreign content types) — the rest of the
request staying a plausible one, so the hostile value reaches as far into the code as it can. The
values: numbers of any size (4,400 digits, 40-digit integers, 1e999999), deep nesting (900 levels,
and 30 that still parse), dates and months outside 2004–2099 or impossible, every JSON type in the
wrong place, huge and odd strings (NUL, a lone surrogate, formula prefixes).

Bodies are built as JSON text, so a value can be a literal Python could not even hold as an int.
"""
from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml

from chalicelib.identity import policy
from chalicelib.local.demo_data import sample_record

OPENAPI = Path(__file__).resolve().parents[2] / "openapi.yaml"
METHODS = ("get", "put", "post", "delete")

# JSON literals for body values.
NUMBERS = ["9" * 4400, "-" + "9" * 4400, "1" + "0" * 39, "-" + "1" + "0" * 39, "1e999999", "-1e999999",
           "1.5e308", "5e-324", "0", "-1", "0.5", "123456789012345678901234567890.5"]
NESTING = ["[" * 900 + "]" * 900, "[" * 30 + "]" * 30, '{"a":' * 30 + "1" + "}" * 30]
TYPES = ["null", "true", "false", "[]", "{}", '[1, "x", null]', '{"x": 1}', '""']
STRINGS = [json.dumps(s) for s in (
    "长" * 5000, "x" * 100_000, "9999-12-31", "0001-01-01", "2026-02-30", "9999-12", "2026-13", "20261207",
    "\u0000", "\ud800", "=HYPERLINK(\"http://evil\",\"x\")", "../../etc/passwd", " ", "NaN", "-1", "9" * 4400)]
BODY_VALUES = NUMBERS + NESTING + TYPES + STRINGS
# Query and path values (URL-encoded when sent).
TEXT_VALUES = ["9" * 4400, "-1", "0", "1e999", "9999-12-31", "0001-01-01", "2026-02-30", "9999-12", "2026-00",
               "2100-01-01", "2003-12-31", "x" * 5000, "\u0000", "\ufffd", "../..", "'; DROP TABLE x;--", "长",
               "null", "[]", " "]
RAW_QUERY = ["%ED%A0%80", "%FF%FE", "%00", "%"]        # invalid UTF-8, NUL, a broken escape


def _b64(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode().rstrip("=")


CURSORS = ["not base64 !", "%%%%", "x" * 10_000, _b64("not json"), _b64("[]"), _b64("5"), _b64({}),
           _b64({"x": 1}), _b64({"d": "2026-12-07", "k": "x"}), _b64({"d": "9999-12-31"}), _b64({"d": 5}),
           _b64({"d": "2026-12-07", "k": {"pk": 5, "sk": None}}), _b64({"k": {"day": "x"}}),
           _b64('{"d":' + "9" * 4400 + "}"), _b64("[" * 900 + "]" * 900),
           _b64({"pk": "", "sk": "", "department": "", "received_at": ""}),
           _b64({"pk": "x" * 5000, "sk": "y", "department": "d12", "received_at": "z"}),
           _b64({"token": "公司", "code": "x"}), _b64({"department": "d12", "sk": "\ud800"}),
           _b64({"pk": "WL#other", "sk": "D#1"}), _b64({"d": "2026-12-07", "k": {"pk": "CHANGES#2020-01-01", "sk": "1"}})]


_JWT_NONE = ".".join(_b64(part) for part in ({"alg": "none", "typ": "JWT"}, {"cognito:groups": ["admin"]})) + "."
HEADERS = [{"Authorization": "Bearer " + "9" * 4400}, {"Authorization": "Bearer a.b.c"},
           {"Authorization": "Basic YWRtaW46YWRtaW4="}, {"Authorization": "Bearer " + _JWT_NONE},
           {"Authorization": "Bearer " + "x" * 20_000}, {"Accept": "\u4e2d/\u6587, */*;q=nan"},
           {"Content-Type": "application/json; charset=latin-1"}, {"Content-Type": "text/plain"},
           {"Content-Type": "multipart/form-data; boundary=" + "x" * 5000}]


@dataclass
class Request:
    id: str
    method: str
    path: str               # with the query string, already encoded
    account: str            # a key of tests/corpus/conftest.py ACCOUNTS, or "anonymous"
    body: bytes | None
    headers: dict | None = None   # sent instead of the account's (and over the JSON content type)


def account_for(method: str, path: str) -> str:
    roles = policy.rule(method, path).roles
    for role, account in (("public", "anonymous"), ("operator", "op-d12"), ("supervisor", "supervisor"),
                          ("admin", "admin")):
        if role in roles:
            return account
    raise AssertionError(f"no test account for {method} {path}: {sorted(roles)}")


def _document() -> dict:
    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


def _resolve(doc: dict, node):
    while isinstance(node, dict) and "$ref" in node:
        target = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _baseline(method: str, path: str, ids: dict[str, str]) -> dict:
    """A plausible body of the operation: what the hostile value is put into."""
    penalty = sample_record("admin_penalty")
    bodies = {
        ("POST", "/v1/auth/token"): {"username": "nobody-here", "password": "wrong"},
        ("POST", "/v1/records"): {"category": "admin_penalty", "records": [penalty]},
        ("PUT", "/v1/records/{record_id}"): penalty,
        ("DELETE", "/v1/records/{record_id}"): {"reason": "测试"},
        ("POST", "/v1/records/{record_id}/withdraw"): {"reason": "测试"},
        ("POST", "/v1/uploads"): {"category": "admin_penalty", "filename": "a.xlsx"},
        ("POST", "/v1/public/attestations/verify"): {"payload": "{}", "signature": "AAAA"},
        ("POST", "/v1/watchlists"): {"codes": [ids["CODE"]], "callback_url": "https://example.com/hook"},
        ("POST", "/v1/admin/jobs/{job}"): {"as_of": "2026-12-01"},
        ("PUT", "/v1/admin/departments/{department_id}"): {"office": "法规科"},
        ("POST", "/v1/admin/users"): {"username": "hostile-user", "role": "operator", "department": "d12",
                                      "temporary_password": "Tmp#Pass2026x"},
        ("PUT", "/v1/admin/calendar/{year}"): {"holidays": ["2027-01-01"], "workdays": []},
    }
    return bodies.get((method, path), {})


PATH_DEFAULTS = {"record_id": "$RECORD_ID", "upload_id": "$UPLOAD_ID", "category": "admin_penalty",
                 "code": "$CODE", "department_id": "d12", "year": "2027", "job": "deadlines",
                 "username": "nobody-here", "watchlist_id": "W0", "name": "index.html"}
# Path parameters whose hostile values must not reach a real account or run a slow job (kept to the
# values that cannot name one).
# Operations that cost ~0.3 s a request (a report over 43 departments): every other query value, to keep
# the whole run within two minutes.
SLOW = {("GET", "/v1/reports/departments"), ("GET", "/v1/public/scorecards")}
QUERY_DEFAULTS = {"q": "示例", "format": "json", "from": "2026-12-01", "to": "2026-12-01"}   # one day: reports are dear


def _params(doc: dict, item: dict, op: dict) -> list[dict]:
    return [_resolve(doc, p) for p in item.get("parameters", []) + op.get("parameters", [])]


def _body_fields(doc: dict, op: dict, baseline: dict) -> list[tuple[str, ...]]:
    """Where a hostile value goes in the body: each documented or baseline property, and each property of
    the first element of an array property (records[0].CF_NR_FK …)."""
    schema = _resolve(doc, op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {}))
    names = list(dict.fromkeys([*(schema.get("properties") or {}), *baseline]))
    places: list[tuple[str, ...]] = [(n,) for n in names]
    for name, value in baseline.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            places += [(name, "0", k) for k in value[0]]
    return places


def _with(baseline: dict, place: tuple[str, ...], literal: str) -> bytes:
    """The baseline body as JSON text with the value at `place` replaced by a raw JSON literal."""
    marker = "\u2063HOSTILE\u2063"
    body = json.loads(json.dumps(baseline))
    node = body
    for part in place[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[place[-1]] = marker
    return json.dumps(body, ensure_ascii=False).replace(json.dumps(marker, ensure_ascii=False), literal).encode(
        "utf-8", "surrogatepass")


def _path(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


def requests_for_every_operation(ids: dict[str, str], seed: int = 19, per_place: int = 6) -> list[Request]:
    """Hostile requests for every operation of openapi.yaml. Every path and query parameter gets every
    value; each body place gets `per_place` values (drawn so that every value is used across the
    places of an operation), plus whole-body variants."""
    doc = _document()
    rng = random.Random(seed)
    out: list[Request] = []
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op, m = item[method], method.upper()
            account = account_for(m, path)
            params = _params(doc, item, op)
            path_values = {p["name"]: PATH_DEFAULTS.get(p["name"], "x") for p in params if p["in"] == "path"}
            query = {p["name"]: QUERY_DEFAULTS[p["name"]] for p in params
                     if p["in"] == "query" and p["name"] in QUERY_DEFAULTS}
            baseline = _baseline(m, path, ids)
            body = json.dumps(baseline, ensure_ascii=False).encode() if "requestBody" in op else None
            base = f"{m} {path}"

            def add(tag: str, values: dict[str, str], q: dict[str, str], raw_query: str = "", data=body,
                    headers=None, _base=base, _m=m, _path_=path, _account=account):
                qs = "&".join(f"{k}={quote(v, safe='', encoding='utf-8', errors='surrogatepass')}"
                              for k, v in q.items())
                qs = "&".join(x for x in (qs, raw_query) if x)
                url = _path(_path_, {k: quote(v, safe="", errors="surrogatepass") if not v.startswith("$") else v
                                     for k, v in values.items()})
                out.append(Request(f"{_base}:{tag}", _m, url + (f"?{qs}" if qs else ""), _account, data, headers))

            # every operation, also those without parameters: hostile values in query parameters it
            # does not have (and a JSON body where none is expected)
            for i, v in enumerate(CURSORS[:4] + TEXT_VALUES[:4]):
                add(f"query.unknown#{i}", path_values, {**query, "cursor": v, "limit": v, "month": v, "from": v})
            if "requestBody" not in op:
                for i, literal in enumerate(NUMBERS[:1] + NESTING[:1]):
                    add(f"body.unexpected#{i}", path_values, query, data=literal.encode())
            for i, h in enumerate(HEADERS):
                add(f"headers#{i}", path_values, query, headers=h)
            for name in path_values:
                if name in ("username", "job"):        # never a real account, never a slow job run
                    hostile = [v for v in TEXT_VALUES if v not in ("null", " ")]
                else:
                    hostile = TEXT_VALUES
                for i, v in enumerate(hostile):
                    add(f"path.{name}#{i}", {**path_values, name: v}, query)
            for p in params:
                if p["in"] != "query":
                    continue
                name = p["name"]
                values = CURSORS if name == "cursor" else TEXT_VALUES
                values = values[::2] if (m, path) in SLOW else values
                for i, v in enumerate(values):
                    add(f"query.{name}#{i}", path_values, {**query, name: v})
                for i, raw in enumerate(RAW_QUERY):
                    add(f"query.{name}.raw#{i}", path_values, query, f"{name}={raw}")
            if "requestBody" not in op:
                continue
            for i, literal in enumerate(NUMBERS[:2] + NESTING[:1] + TYPES[:5] + ['"x"', "[" + "1," * 5000 + "1]"]):
                add(f"body#{i}", path_values, query, data=literal.encode())
            pool: list[str] = []
            for place in _body_fields(doc, op, baseline):
                for _ in range(per_place):
                    if not pool:
                        pool = BODY_VALUES[:]
                        rng.shuffle(pool)
                    literal = pool.pop()
                    add(f"body.{'.'.join(place)}#{BODY_VALUES.index(literal)}", path_values, query,
                        data=_with(baseline, place, literal))
    return out
