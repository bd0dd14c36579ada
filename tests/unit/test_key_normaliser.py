"""One header/key normaliser (issue 20): `domain.normalize.normalize_key` replaces the catalog's
`normalize_key` (JSON keys) and the spreadsheet reader's `norm_key` (header cells). The two old ones
are kept here only, verbatim, to prove the new one gives what each gave on every input it took."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from chalicelib.adapters.spreadsheet import header_key_map, map_headers
from chalicelib.catalog import build_key_map, load_catalog
from chalicelib.domain.normalize import normalize_key

_REQUIRED_MARKS = ("(必填)", "[必填]")


def old_catalog_normalize_key(key: str) -> str:          # chalicelib/catalog/__init__.py before #20
    k = "".join(unicodedata.normalize("NFKC", key).split())
    for mark in _REQUIRED_MARKS:
        if k.endswith(mark):
            k = k[: -len(mark)]
    return k.strip("*").casefold()


def old_spreadsheet_norm_key(value: Any) -> str:         # adapters/spreadsheet/headers.py before #20
    if value is None:
        return ""
    text = "".join(unicodedata.normalize("NFKC", str(value)).split())
    for suffix in _REQUIRED_MARKS:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text.strip("*").casefold()


# what headers and keys are made of: marks, brackets full and half width, blanks of every kind,
# letters that NFKC or casefold change, Chinese, and anything else
PIECES = st.sampled_from(["*", "＊", "(", ")", "（", "）", "[", "]", "【", "】", "必填", "(必填)", "（必填）",
                          "[必填]", "［必填］", " ", "\t", "\n", "\r\n", "\u3000", "\xa0", "\u2028", "ＣＦ", "Cf",
                          "ß", "ﬁ", "İ", "_", "WSH", "罚款金额", "万元", "行政处罚决定书文号", "①", "㎡", "\u0301"])
HEADERS = st.lists(PIECES | st.text(max_size=4), max_size=10).map("".join)
CELLS = st.one_of(st.none(), HEADERS, st.integers(), st.floats(allow_nan=True), st.booleans(),
                  st.dates().map(lambda d: date(d.year, d.month, d.day)), st.datetimes(), st.decimals())


@settings(max_examples=400, deadline=None)
@given(HEADERS)
@example("*罚款金额（万元）(必填)*")
@example(" cf_nr_fk ")
@example("ＣＦ＿ＷＳＨ\u3000")
def test_the_one_normaliser_gives_what_the_catalog_gave_for_every_key(key):
    assert normalize_key(key) == old_catalog_normalize_key(key)


@settings(max_examples=400, deadline=None)
@given(CELLS)
@example(None)
@example(20261207)
@example(1.5)
@example(Decimal("1E+2"))
@example(datetime(2026, 12, 7, 8, 0))
def test_the_one_normaliser_gives_what_the_spreadsheet_reader_gave_for_every_cell(cell):
    assert normalize_key(cell) == old_spreadsheet_norm_key(cell)


def test_every_key_the_json_path_accepts_is_a_header_the_spreadsheet_path_maps_to_the_same_field():
    catalog = load_catalog()
    for category in catalog.categories.values():
        json_keys = build_key_map(category)
        headers = list(header_key_map(category))
        mapped = map_headers(headers, header_key_map(category), required=())
        for idx, header in enumerate(headers):
            name = mapped.columns.get(idx)
            if name is not None:     # a later header naming a field already mapped is a duplicate
                assert json_keys[normalize_key(header)] == name, (category.id, header)
        for key, name in json_keys.items():
            hm = map_headers([key], header_key_map(category), required=())
            assert hm.columns == {0: name}, (category.id, key)
