"""One cursor codec (issue 20): on every list that takes a cursor, a forged one — another department's,
another watchlist's, another day's, another list's, outside the query's range, or not a cursor at all —
is 400 BAD_CURSOR and never reaches DynamoDB as an ExclusiveStartKey, while a well-formed cursor of the
same list does (so the check is the codec's, not an accident of the data). On AWS a start key outside
the query is a ValidationException (a 500); moto lets it through, so the requests are watched here."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib import pagination
from chalicelib.clock import today

DAY = today().isoformat()
YESTERDAY = (today() - timedelta(days=1)).isoformat()
AT = f"{DAY}T09:00:00.000+08:00"


def cur(value) -> str:
    return pagination.encode(value)


CODE = "91510800MA62000001"
ANOTHER_LIST = cur({"token": "示例", "code": CODE})                       # a search cursor
NOT_CURSORS = ["!!!", "e30", "WzFd", "bm90IGpzb24", "x" * 5000]   # bad base64, {}, [1], not JSON, too long


def routes(wl: str) -> dict:
    """route → (path, account, a well-formed cursor of it or None, forged cursors); `wl`: a watchlist id."""
    return {
        "records": ("/v1/records", "op-d12",
                    cur({"pk": CODE, "sk": "R#01J0", "department": "d12", "received_at": AT}),
                    [cur({"pk": CODE, "sk": "R#01J0", "department": "d13", "received_at": AT}),   # another department's
                     cur({"pk": CODE, "sk": "R#01J0", "department": "d12"}),
                     cur({"pk": CODE, "sk": "R#01J0", "department": "d12", "received_at": 5})]),
        "notices": ("/v1/notices/registrations?since=2026-12-01", "op-d23",
                    cur({"department": "d23", "sk": f"{AT}#{CODE}"}),
                    [cur({"department": "d12", "sk": f"{AT}#{CODE}"}),                           # another department's
                     cur({"department": "d23", "sk": f"2026-11-30T09:00:00#{CODE}"}),            # before `since`
                     cur({"department": "d23", "sk": ""}),
                     cur({"department": "d23", "sk": "x" * 1100})]),
        "deliveries": (f"/v1/watchlists/{wl}/deliveries", "op-d09",
                       cur({"pk": f"WL#{wl}", "sk": "D#01J0"}),
                       [cur({"pk": "WL#01J0OTHER", "sk": "D#01J0"}),                             # another watchlist's
                        cur({"pk": f"WL#{wl}", "sk": "#config"}),
                        cur({"pk": f"WL#{wl}", "sk": "D#01J0", "extra": "1"})]),
        "audit by day": ("/v1/admin/audit", "sup",
                         cur({"d": DAY, "k": {"day": DAY, "sk": f"{AT}#r#0"}}),
                         [cur({"d": DAY, "k": {"day": YESTERDAY, "sk": f"{AT}#r#0"}}),           # another day's
                          cur({"d": "2999-01-01", "k": {"day": "2999-01-01", "sk": "x"}}),
                          cur({"k": {"day": DAY, "sk": f"{AT}#r#0"}})]),
        "audit by actor": ("/v1/admin/audit?actor=root", "sup",
                           cur({"k": {"day": DAY, "sk": f"{AT}#r#0", "actor": "root", "at": AT}}),
                           [cur({"k": {"day": DAY, "sk": f"{AT}#r#0", "actor": "sup", "at": AT}}),  # another actor's
                            cur({"k": {"day": DAY, "sk": f"{AT}#r#0", "actor": "root", "at": "2004-01-01T00:00"}}),
                            cur({"k": {"day": DAY, "sk": f"{AT}#r#0", "target": "root", "at": AT}})]),
        "feed": ("/v1/public/changes", None,
                 cur({"d": DAY, "k": {"pk": f"CHANGES#{DAY}", "sk": f"{AT}#01J0#1#publish"}}),
                 [cur({"d": DAY, "k": {"pk": f"CHANGES#{YESTERDAY}", "sk": f"{AT}#01J0#1#publish"}}),
                  cur({"d": DAY, "k": {"pk": "CHANGES", "sk": "RETRACTED"}}),
                  cur({"pk": f"CHANGES#{DAY}", "sk": "x"})]),
        "search": ("/v1/public/enterprises?q=示例食品", None, None,
                   [cur({"token": "不在", "code": CODE}),                                      # not a token of q
                    cur({"token": "示例", "code": ""}),
                    cur({"d": DAY})]),
    }


@pytest.fixture
def start_keys(stack):
    """The ExclusiveStartKey of every DynamoDB request made (watched on the app's clients)."""
    seen: list = []

    def watch(params, model, **_):
        body = json.loads(params.get("body") or b"{}")
        if "ExclusiveStartKey" in body:
            seen.append(body["ExclusiveStartKey"])

    clients = {id(c): c for c in (stack.aws.client("dynamodb"), stack.aws.resource("dynamodb").meta.client)}.values()
    for c in clients:
        c.meta.events.register("before-call.dynamodb", watch, unique_id="forged-cursors")
    yield seen
    for c in clients:
        c.meta.events.unregister("before-call.dynamodb", unique_id="forged-cursors")


@pytest.mark.parametrize("route", sorted(routes("")))
def test_a_forged_cursor_is_bad_cursor_before_any_read_and_a_good_one_is_read(client, login, start_keys, route):
    account = routes("")[route][1]
    headers = {}
    if account:
        headers = login(account, "supervisor") if account == "sup" else login(account, "operator", account[3:])
    wl = ""
    if route == "deliveries":
        made = client.http.post("/v1/watchlists", headers=headers, body=json.dumps(
            {"codes": [CODE], "callback_url": "http://127.0.0.1:9/hook"}))
        assert made.status_code == 200, made.body
        wl = made.json_body["id"]
    path, _, good, forged = routes(wl)[route]
    joiner = "&" if "?" in path else "?"
    for cursor in [*forged, *([ANOTHER_LIST] if route != "search" else []), *NOT_CURSORS]:
        resp = client.http.get(f"{path}{joiner}cursor={cursor}", headers=headers)
        assert resp.status_code == 400, (route, cursor[:200], resp.body)
        assert resp.json_body["error"]["code"] == "BAD_CURSOR", resp.json_body
        assert start_keys == [], (route, start_keys)
    if good is not None:
        resp = client.http.get(f"{path}{joiner}cursor={good}", headers=headers)
        assert resp.status_code == 200, resp.body
        assert start_keys, route       # the good cursor's key reached the Query: the watch sees it
