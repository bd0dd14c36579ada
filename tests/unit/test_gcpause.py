"""The upload row loop pauses automatic GC; cycles made inside are still collected, and the
collector's state is restored on the way out (also when the loop raises)."""
from __future__ import annotations

import gc
import weakref

import pytest

from chalicelib.gcpause import PausedGC


class Node:
    pass


def cycle() -> weakref.ref:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_given_a_cycle_made_in_a_chunk_then_chunk_done_collects_it():
    assert gc.isenabled()
    with PausedGC() as collector:
        assert not gc.isenabled()
        ref = cycle()
        assert ref() is not None          # automatic collection is off: the cycle is still there
        collector.chunk_done()
        assert ref() is None
    assert gc.isenabled()


def test_given_the_loop_raises_then_gc_is_enabled_again():
    with pytest.raises(RuntimeError), PausedGC():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_given_gc_was_off_then_it_stays_off():
    gc.disable()
    try:
        with PausedGC():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
