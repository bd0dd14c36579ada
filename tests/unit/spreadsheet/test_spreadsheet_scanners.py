"""The streamed byte scanners give the same answer however the stream is cut into chunks."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.adapters.spreadsheet import SpreadsheetError
from chalicelib.adapters.spreadsheet._xmlscan import (
    RowCapture,
    RowCounter,
    SharedStrings,
    parse_cells,
    resolve_cells,
)
from chalicelib.adapters.spreadsheet._zipstream import DeclScanner

CELL = st.one_of(
    st.none(), st.just(""), st.just("  "), st.text("甲乙ab <&>", min_size=1, max_size=6),
    st.integers(0, 10**6),
)
ROW = st.lists(CELL, max_size=5)


def cell_xml(ref: str, value, prefix: str) -> str:
    p = f"{prefix}:" if prefix else ""
    if value is None:
        return f'<{p}c r="{ref}" s="1"/>'
    if isinstance(value, int):
        return f'<{p}c r="{ref}"><{p}v>{value}</{p}v></{p}c>'
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<{p}c r="{ref}" t="inlineStr"><{p}is><{p}t{space}>{text}</{p}t></{p}is></{p}c>'


def sheet_xml(rows: list[list], prefix: str) -> bytes:
    p = f"{prefix}:" if prefix else ""
    out = [f'<{p}worksheet xmlns{":" + prefix if prefix else ""}="urn:x"><{p}sheetData>']
    for n, cells in enumerate(rows, start=1):
        if not cells:
            out.append(f'<{p}row r="{n}" ht="15"/>')
            continue
        out.append(f'<{p}row r="{n}" spans="1:5">')
        out += [cell_xml(f"{chr(65 + i)}{n}", v, prefix) for i, v in enumerate(cells)]
        out.append(f"</{p}row>")
    out.append(f"</{p}sheetData><{p}rowBreaks count=\"0\"/></{p}worksheet>")
    return "".join(out).encode()


def non_empty(cells: list) -> bool:
    return any(isinstance(v, int) or (isinstance(v, str) and v.strip()) for v in cells)


def chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts}) + [len(data)]
    out, last = [], 0
    for p in points:
        out.append(data[last:p])
        last = p
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(ROW, max_size=12), st.sampled_from(["", "x"]), st.lists(st.integers(0, 10**6), max_size=30))
def test_given_any_chunking_when_rows_are_counted_then_the_count_is_the_non_empty_rows(rows, prefix, cuts):
    data = sheet_xml(rows, prefix)
    counter, capture = RowCounter("s"), RowCapture("s")
    for piece in chunks(data, cuts):
        counter.feed(piece)
        capture.feed(piece)
    counter.finish()
    capture.finish()
    expected = [(n, cells) for n, cells in enumerate(rows, start=1) if non_empty(cells)]
    assert counter.nonempty == len(expected)
    assert [n for n, _ in capture.captured] == [n for n, _ in expected[:2]]
    for (_, body), (_, cells) in zip(capture.captured, expected[:2], strict=True):
        resolved = resolve_cells(parse_cells(body), {})
        want = [v if not (isinstance(v, str) and not v.strip()) else None for v in cells]
        while want and want[-1] is None:
            want.pop()
        assert resolved[: len(want)] == want and not any(resolved[len(want):])


@settings(max_examples=200, deadline=None)
@given(st.text("ab<!-[]>CDATA \n甲", max_size=200), st.sampled_from(["DOCTYPE", "ENTITY", "doctype"]),
       st.integers(0, 400), st.lists(st.integers(0, 10**6), max_size=10), st.booleans())
def test_given_a_declaration_anywhere_and_any_chunking_when_scanned_then_it_is_found(
        noise, word, where, cuts, present):
    """The noise (comments, CDATA, `<!` alone) holds no O/E/N: it can never spell a declaration."""
    at = where % (len(noise) + 1)
    text = "<?xml version='1.0'?>" + noise[:at] + (f"<!{word} x>" if present else "") + noise[at:]
    scanner = DeclScanner("p")
    try:
        for piece in chunks(text.encode(), cuts):
            scanner.feed(piece)
        scanner.finish()
        found = False
    except SpreadsheetError as err:
        assert err.code == "UNSAFE_CONTENT"
        found = True
    assert found == present


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-16", "utf-32"])
def test_given_a_wide_encoded_doctype_split_anywhere_when_scanned_then_it_is_found(encoding):
    data = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'.encode(encoding)
    for cut in range(1, len(data)):
        scanner = DeclScanner("p")
        with pytest.raises(SpreadsheetError):
            scanner.feed(data[:cut])
            scanner.feed(data[cut:])
            scanner.finish()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text("甲乙ab &<", max_size=5), min_size=1, max_size=20), st.data())
def test_given_any_chunking_when_shared_strings_are_looked_up_then_the_wanted_ones_are_found(strings, data):
    body = "".join(f"<si><t>{s.replace('&', '&amp;').replace('<', '&lt;')}</t></si>" for s in strings)
    xml = f'<sst xmlns="urn:x" count="{len(strings)}">{body}</sst>'.encode()
    wanted = set(data.draw(st.lists(st.integers(0, len(strings) - 1), min_size=1, max_size=3)))
    reader = SharedStrings("sst", wanted)
    for piece in chunks(xml, data.draw(st.lists(st.integers(0, 10**5), max_size=10))):
        reader.feed(piece)
    reader.finish()
    assert reader.found == {i: strings[i] for i in wanted}
