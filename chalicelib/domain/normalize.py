"""Cell/JSON value normalisers: what arrives from a JSON body, openpyxl or calamine → canonical.

Each returns the canonical value or None when the value cannot be read as that type; none raises.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.domain.identifiers import to_half_width

MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2099, 12, 31)  # 2099-12-31 = 长期
LONG_TERM = "长期"
_EXCEL_EPOCH = date(1899, 12, 30)  # 1900 date system, after Lotus' 1900-02-29
_EXCEL_MAX_SERIAL = (MAX_DATE - _EXCEL_EPOCH).days
_DATE_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?)?")
_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SPLIT_RE = re.compile(r"[、,;，；]")
_AMOUNT_SUFFIXES = ("万元", "万")
_PLAIN_AMOUNT_RE = re.compile(r"(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{0,8}[1-9])?")


_REQUIRED_MARKS = ("(必填)", "[必填]")


def normalize_key(key: Any) -> str:
    """The comparison form of a record key or a header cell ('' for an empty cell): NFKC (full-width
    brackets, letters, `＊` become half-width), every blank removed (also line breaks typed with
    Alt+Enter), a trailing `(必填)`/`[必填]` and leading/trailing `*` dropped, case-folded — so
    `*罚款金额(万元)`, `罚款金额（万元）` and ` cf_nr_fk ` reach the same field. The one header/key
    normaliser: the JSON path (domain/field_checks, the catalog's key maps) and the spreadsheet path
    (adapters/spreadsheet/headers) both compare through it."""
    if key is None:
        return ""
    k = "".join(unicodedata.normalize("NFKC", str(key)).split())
    for mark in _REQUIRED_MARKS:
        if k.endswith(mark):
            k = k[: -len(mark)]
    return k.strip("*").casefold()


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return all(is_empty(v) for v in value)
    return False


def to_text(value: Any) -> str | None:
    """Text of a scalar cell (numbers as written, dates as ISO), control characters removed;
    None for what is not a scalar (list, dict, bool, NaN …)."""
    if isinstance(value, str):
        s = value
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int):
        s = str(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            return None
        s = str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            return None
        s = str(value)
    elif isinstance(value, datetime):
        s = value.date().isoformat()
    elif isinstance(value, date):
        s = value.isoformat()
    else:
        return None
    if _CONTROL_RE.search(s):
        s = _CONTROL_RE.sub("", s)
    return s.strip()


def _ymd(y: str, m: str, d: str) -> date | None:
    try:
        out = date(int(y), int(m), int(d))
    except ValueError:
        return None
    return out if MIN_DATE <= out <= MAX_DATE else None


def parse_date(value: Any) -> date | None:
    """A date from `YYYY/MM/DD`, `YYYY-MM-DD`, `YYYYMMDD`, `YYYY年M月D日` (an optional time is
    ignored), a date/datetime cell, or an Excel serial number; 长期 → 2099-12-31."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value if MIN_DATE <= value <= MAX_DATE else None
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value) or value < 1:
            return None
        value = int(value)  # a serial's fraction is the time of day
    if isinstance(value, int):
        if 19000101 <= value <= 20991231:
            return parse_date(str(value))
        if 1 <= value <= _EXCEL_MAX_SERIAL:
            return _EXCEL_EPOCH + timedelta(days=value)
        return None
    if not isinstance(value, str) or len(value) > 40:
        return None
    if (len(value) == 10 and value[4] in "-/" and value[7] == value[4] and value.isascii()
            and (value[:4] + value[5:7] + value[8:]).isdigit()):
        try:  # the common case, at C speed
            d = date.fromisoformat(value.replace("/", "-"))
        except ValueError:
            return None
        return d if MIN_DATE <= d <= MAX_DATE else None
    s = to_half_width(value).strip()
    if s == LONG_TERM:
        return MAX_DATE
    m = _DATE_RE.fullmatch(s) or _COMPACT_RE.fullmatch(s)
    return _ymd(*m.groups()) if m else None


def parse_decimal(value: Any) -> str | None:
    """A non-negative amount as a plain decimal string (`1,200.50万元` → `1200.5`)."""
    if type(value) is int:
        return str(value) if 0 <= value < 10**15 else None
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = repr(value)
    if type(value) is str and _PLAIN_AMOUNT_RE.fullmatch(value):
        return value  # already canonical: no sign, no leading or trailing zeros, no exponent
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, Decimal):
        value = str(value)
    if not isinstance(value, str) or len(value) > 64:
        return None
    s = to_half_width(value).strip().replace(",", "").replace(" ", "")
    for suffix in _AMOUNT_SUFFIXES:
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            break
    try:
        d = Decimal(s)
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite() or d < 0 or len(d.as_tuple().digits) > 24 or abs(d.adjusted()) > 15:
        return None
    if d == 0:
        return "0"
    return format(d.normalize(), "f")


def enum_lookup(enum: Iterable[str], legacy: Iterable[str], aliases: Mapping[str, str]) -> dict[str, str]:
    """Accepted input → canonical value, including loose (half-width, no blanks) forms."""
    table: dict[str, str] = {}
    for v in [*enum, *legacy]:
        table[v] = v
    table.update(aliases)
    for k, v in list(table.items()):
        table.setdefault(_loose(k), v)
    return table


def _loose(s: str) -> str:
    return "".join(to_half_width(s).split())


def parse_enum(value: Any, table: Mapping[str, str]) -> tuple[str | None, str]:
    """(canonical or None, the text that was looked up)."""
    text = to_text(value)
    if text is None:
        return None, str(value)[:50] if not isinstance(value, (dict, list)) else "…"
    hit = table.get(text)
    if hit is None:
        hit = table.get(_loose(text))
    return hit, text


def parse_multi_enum(value: Any, table: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """(canonical values in input order without repeats, the items that matched nothing)."""
    if isinstance(value, (list, tuple)):
        items = list(value)
    elif isinstance(value, str):
        items = SPLIT_RE.split(value)
    else:
        items = [value]
    good: list[str] = []
    bad: list[str] = []
    for item in items:
        if is_empty(item):
            continue
        hit, text = parse_enum(item, table)
        if hit is None:
            bad.append(text)
        elif hit not in good:
            good.append(hit)
    return good, bad


def split_names(value: Any) -> list[str] | None:
    """A list of names, from a JSON list or one string separated by 、,; (屏蔽字段)."""
    if isinstance(value, str):
        items: list[Any] = SPLIT_RE.split(value)
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        return None
    out = []
    for item in items:
        text = to_text(item)
        if text is None:
            return None
        if text:
            out.append(text)
    return out
