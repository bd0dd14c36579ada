"""Record ids: ULIDs (time-ordered, 26 Crockford base32 characters), made a batch at a time.

`str(ULID())` costs ~9 µs (per-call randomness and a per-character encode); a 100k-row upload makes
one id per new record. Here one timestamp and one read of randomness serve a whole batch, and the
text is made two characters (10 bits) at a time from a table — the same strings python-ulid gives
for the same value (tests/unit/test_ids.py checks that).
"""
from __future__ import annotations

import os
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]      # 10 bits → 2 characters
_SHIFTS = range(120, -1, -10)                                  # 13 pairs: the 130 bits, MSB first


def encode(value: int) -> str:
    """The ULID text of a 128-bit value (26 characters: 2 pad bits + 128)."""
    pairs = _PAIRS
    return "".join([pairs[(value >> s) & 1023] for s in _SHIFTS])


def new_ids(n: int, now_ms: int | None = None) -> list[str]:
    """`n` fresh ULIDs in increasing order (monotonic, as the ULID spec has it for one
    millisecond): the current millisecond, then a random 79-bit start counted up by one."""
    start = ((time.time_ns() // 1_000_000 if now_ms is None else now_ms) << 80) | (
        int.from_bytes(os.urandom(10), "big") >> 1)
    return [encode(start + k) for k in range(n)]
