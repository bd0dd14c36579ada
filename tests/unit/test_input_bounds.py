"""The one request-body parser and the one cursor codec (issue 19): whatever the bytes, a value or a
400 in the platform's terms — never another exception; numbers, depth and dates stay within bounds."""
from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib import pagination
from chalicelib.clock import parse_day, parse_month
from chalicelib.errors import BadJson, DomainError
from chalicelib.http import MAX_DEPTH, MAX_NUMBER_CHARS, parse_json

JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                       lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=5), kids, max_size=4),
                       max_leaves=20)
FRAGMENTS = st.lists(st.sampled_from(["[", "]", "{", "}", ",", ":", '"', "9" * 50, "1e999", "-", "\\ud800", "null",
                                      '"a"', " ", "\\", "tru"]), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200), FRAGMENTS.map(str.encode), JSONISH.map(lambda v: json.dumps(v).encode())))
def test_any_body_is_a_value_or_bad_json(raw):
    try:
        parse_json(raw)
    except DomainError as err:
        assert err.status in (400, 413)


@pytest.mark.parametrize("depth,ok", [(MAX_DEPTH, True), (MAX_DEPTH + 1, False), (900, False), (100_000, False)])
def test_depth_is_bounded_with_the_path_named(depth, ok):
    raw = ('{"records":[' + "[" * (depth - 2) + "]" * (depth - 2) + "]}").encode()
    if ok:
        parse_json(raw)
        return
    with pytest.raises(BadJson) as err:
        parse_json(raw)
    assert err.value.details[0]["code"] == "TOO_DEEP"
    if depth < 1000:
        assert err.value.details[0]["field"].startswith("records[0][0]")


@pytest.mark.parametrize("digits", [MAX_NUMBER_CHARS + 1, 4300, 4400, 100_000])
def test_long_numbers_are_refused_with_their_field(digits):
    with pytest.raises(BadJson) as err:
        parse_json(('{"records":[{"CF_FK":' + "9" * digits + "}]}").encode())
    assert err.value.details == [{"field": "records[0].CF_FK", "code": "NUMBER_TOO_LONG",
                                  "max_chars": MAX_NUMBER_CHARS, "chars": digits}]
    assert parse_json(("[" + "9" * MAX_NUMBER_CHARS + "]").encode()) == [int("9" * MAX_NUMBER_CHARS)]


SHAPES = [pagination.Shape({"pk", "sk"}), pagination.Shape({"pk", "sk"}, dated=True),
          pagination.Shape({"day", "sk", "actor", "at"}, wrapped=True)]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), JSONISH.map(lambda v: base64.urlsafe_b64encode(json.dumps(v).encode()).decode()),
                 FRAGMENTS.map(lambda t: base64.urlsafe_b64encode(t.encode()).decode())),
       st.sampled_from(SHAPES))
def test_any_cursor_is_a_checked_position_or_bad_cursor(cursor, shape):
    try:
        pos = pagination.read(cursor, shape, {"pk": "P"})
    except pagination.BadCursor as err:
        assert err.status == 400 and err.code == "BAD_CURSOR"
        return
    if pos.key is not None:
        assert set(pos.key) == shape.key and pos.key.get("pk", "P") == "P"
        assert all(isinstance(v, str) and v for v in pos.key.values())
    if pos.day is not None:
        assert 2004 <= pos.day.year <= 2099


def test_a_cursor_round_trips():
    key = {"pk": "CHANGES#2026-12-07", "sk": "0001"}
    cursor = pagination.encode({"d": "2026-12-07", "k": key})
    pos = pagination.read(cursor, SHAPES[1], lambda d: {"pk": f"CHANGES#{d.isoformat()}"})
    assert (pos.day.isoformat(), pos.key) == ("2026-12-07", key)


@given(st.one_of(st.text(max_size=12), st.integers(), st.none()))
def test_days_and_months_are_in_2004_to_2099_or_refused(value):
    for parse in (parse_day, parse_month):
        try:
            day = parse(value)
        except DomainError as err:
            assert err.status == 400
            continue
        assert day is None or 2004 <= day.year <= 2099
