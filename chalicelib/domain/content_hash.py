"""The content hash of a record: it decides `unchanged` (an identical resend changes nothing).

Canonical form (current, "c2"): the hash is "c2:" followed by the hex SHA-256 of the UTF-8 bytes of
the compact JSON text of

    {"f": <the record's normalised fields, absent ones left out>, "m": <masked_fields, sorted>}

— separators "," and ":" (no spaces), object keys sorted by code point, non-ASCII characters as
they are, and in strings only `"`, `\\` and U+0000–U+001F escaped, as Python's `json` module escapes
them (`\\"`, `\\\\`, `\\n` …, `\\u00XX`). Normalised values are text or lists of text. Every path
computes it alike: `content_hash` here (JSON batches, the form, the rows the upload worker's columnar
stage checks again per row) and that stage itself, which builds the same text for a whole chunk
column-wise (domain/columnar_checks.canonical_hashes) and hashes it without a dict or a JSON
encoder per row.

Legacy form: records stored before "c2" hold a bare hex SHA-256 of the same object in JSON with
the separators ", " and ": " (`legacy_content_hash`). `same_content` compares new content with a
stored record in the form its hash has, so the identical resend of an old record stays `unchanged`;
the legacy form is computed only for rows whose stored record has it.
"""
from __future__ import annotations

import hashlib
import json

HASH_FORM = "c2:"
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
_LEGACY_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str)


def canonical_text(fields: dict, masked: list[str]) -> str:
    """The text the current form hashes."""
    return _CANONICAL_JSON.encode({"f": fields, "m": sorted(masked)})


def hash_text(text: str | bytes) -> str:
    """The hash of a canonical text (as `canonical_text` gives it, or built alike column-wise)."""
    return HASH_FORM + hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def content_hash(fields: dict, masked: list[str]) -> str:
    return hash_text(canonical_text(fields, masked))


def legacy_content_hash(fields: dict, masked: list[str]) -> str:
    """The hash of records stored before the current form (computed only to compare with one of them)."""
    raw = _LEGACY_JSON.encode({"f": fields, "m": sorted(masked)})
    return hashlib.sha256(raw.encode()).hexdigest()


def same_content(stored: str, h: str, fields: dict, masked: list[str]) -> bool:
    """Whether a record's stored hash is that of this content (`h`: its hash in the current form), in
    whichever form the stored one is."""
    if stored == h:
        return True
    return not stored.startswith(HASH_FORM) and stored == legacy_content_hash(fields, masked)


__all__ = ["HASH_FORM", "canonical_text", "content_hash", "hash_text", "legacy_content_hash", "same_content"]
