"""The pre-flight's two inflaters (ISA-L in the upload worker, zlib without it) read every member
alike: the same bytes for a sound member, the same refusal for a broken or lying one."""
from __future__ import annotations

import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.adapters.spreadsheet import SpreadsheetError, _zipstream

isal_zlib = pytest.importorskip("isal.isal_zlib")


def outcome(path, lib):
    saved, _zipstream.INFLATE = _zipstream.INFLATE, lib
    try:
        with open(path, "rb") as fp:
            info = zipfile.ZipFile(fp).infolist()[0]
            return b"".join(_zipstream.iter_member(fp, info, chunk=4096))
    except SpreadsheetError as err:
        return err.to_dict()
    finally:
        _zipstream.INFLATE = saved


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000), st.integers(1, 40), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)),
                                                               max_size=3),
       st.sampled_from([None, "short", "long"]))
def test_given_any_member_broken_or_not_when_inflated_by_either_library_then_the_outcome_is_the_same(
        tmp_path_factory, unit, repeat, flips, size_lie):
    """Data made compressible by repetition, then bytes of its deflate stream flipped and/or its
    declared size changed: both inflaters yield the same bytes or raise the same error."""
    from tests.unit.spreadsheet.conftest import Packed, raw_zip

    data = unit * repeat
    packed = bytearray(zlib.compress(data, 9)[2:-4])      # raw deflate
    for at, value in flips:
        if packed:
            packed[at % len(packed)] = value
    size = len(data) + {None: 0, "short": -1, "long": 7}[size_lie]
    path = raw_zip(tmp_path_factory.mktemp("inflate") / "m.zip",
                   [("xl/worksheets/sheet1.xml", Packed(bytes(packed), zlib.crc32(data), max(size, 0)), {})])
    assert outcome(path, zlib) == outcome(path, isal_zlib)


def test_given_the_worker_requirements_when_the_preflight_is_imported_then_it_inflates_with_isal():
    """requirements-worker.txt installs isal (the worker's layer and the test environment): the
    pre-flight picks it up, or the bench's pre-flight numbers are not what runs."""
    assert _zipstream.INFLATE is isal_zlib
