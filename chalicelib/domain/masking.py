"""The public copy of a record (SPEC §5 masking): built once, when a record is published.

- `Masking.NEVER` fields (法定代表人证件号码, the party's 证件号码) are left out (非公示项);
- `Masking.PARTIAL` fields (出质人/质权人证照号码) keep the first 6 and last 4 characters;
- fields named in 屏蔽字段 (trade secrets, privacy) read `***`;
- intake bookkeeping (公开属性, 屏蔽字段, 程序类型) and keys the category does not know are dropped.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.catalog.model import Category, Masking

MASK = "***"
PARTIAL_FILL = "********"
_PARTIAL_MIN_LEN = 15  # shorter than an ID number: first 6 + last 4 would show too much


def partial_mask(value: Any) -> str:
    text = "" if value is None else str(value)
    if len(text) < _PARTIAL_MIN_LEN:
        return "*" * len(text)
    return text[:6] + PARTIAL_FILL + text[-4:]


def public_copy(category: Category, fields: Mapping[str, Any], masked_fields: Iterable[str] = ()) -> dict:
    """The fields as the public may see them. `masked_fields` are json_names (RecordCheck.masked_fields)."""
    masked = set(masked_fields or ())
    out: dict[str, Any] = {}
    for f in category.fields:
        if f.json_name not in fields or f.bookkeeping or f.masking is Masking.NEVER:
            continue
        value = fields[f.json_name]
        if f.json_name in masked:
            out[f.json_name] = MASK
        elif f.masking is Masking.PARTIAL:
            out[f.json_name] = partial_mask(value)
        else:
            out[f.json_name] = value
    return out


def shared_copy(category: Category, fields: Mapping[str, Any]) -> dict:
    """信息共享 between departments: everything, but personal ID numbers stay masked."""
    out = dict(fields)
    for f in category.fields:
        if f.json_name in out and f.masking is not Masking.NONE and out[f.json_name] not in (None, ""):
            out[f.json_name] = partial_mask(out[f.json_name])
    return out
