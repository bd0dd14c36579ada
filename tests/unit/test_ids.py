"""Batch-made record ids are real ULIDs: python-ulid reads them back to the same value and time."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from ulid import ULID

from chalicelib.ids import encode, new_ids


@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_given_any_128_bit_value_then_the_text_is_python_ulids(value):
    assert encode(value) == str(ULID.from_int(value))


def test_given_a_batch_then_ids_are_unique_ulids_of_this_millisecond():
    ids = new_ids(2000, now_ms=1_795_800_000_123)
    assert len(set(ids)) == 2000
    assert {ULID.from_str(i).milliseconds for i in ids} == {1_795_800_000_123}
    assert all(len(i) == 26 and str(ULID.from_str(i)) == i for i in ids)
    assert ids == sorted(ids)                                   # made in order, sorted in order
    assert new_ids(0) == []
