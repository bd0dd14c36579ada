"""Cyclic garbage collection paused over a loop of chunks (the upload row loop).

CPython's automatic collections — a young one every 700 allocations, full ones as the survivors
of each chunk pile up — cost the upload pipeline about a fifth of its CPU (the counting-sink
pipeline on the 30,000-row bench workbook, 4 alternating runs each on a loaded 2-core machine:
median 6.8 s CPU paused against 8.4 s not paused). The objects a row makes
(dicts, models, tuples) hold no reference cycles and are freed by reference counting; a
young-generation collection after each chunk is enough to keep any cycle from accumulating,
and a collection of the two young generations on the way out leaves nothing behind.
"""
from __future__ import annotations

import gc


class PausedGC:
    def __enter__(self) -> PausedGC:
        self.was_enabled = gc.isenabled()
        gc.disable()
        return self

    def chunk_done(self) -> None:
        gc.collect(0)

    def __exit__(self, *exc) -> None:
        gc.collect(1)
        if self.was_enabled:
            gc.enable()
