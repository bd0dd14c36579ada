"""Enterprise identifiers: 统一社会信用代码 (GB 32100-2015) and 工商注册号 (GB 12402, ISO 7064 MOD 11,10).

Pure functions; nothing here raises for odd input — a non-string is simply not a valid code.
"""
from __future__ import annotations

import re
from operator import mul

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 3^(i-1) mod 31 for positions 1..17
_USCC_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
_REGNO_RE = re.compile(r"[0-9]{15}")
# ASCII byte → its value in the alphabet (255: not in it), for a C-speed weighted sum.
_USCC_VALUES = bytes(USCC_ALPHABET.index(chr(b)) if chr(b) in USCC_ALPHABET else 255 for b in range(256))
# ISO 7064 MOD 11,10 as a transition table: _REGNO_NEXT[p][digit] = next p.
_REGNO_NEXT = [[(2 * ((p + d) % 10 or 10)) % 11 for d in range(10)] for p in range(11)]
_FULL_WIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")
INDIVIDUAL_PLACEHOLDER = "00000000000000000X"        # 个体工商户 without a USCC (SPEC §3)
LOCAL_REGION_PREFIX = "5108"                          # 广元市

# Full-width ASCII (U+FF01..U+FF5E) → half-width, ideographic space → space.
_HALF_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_HALF_WIDTH[0x3000] = 0x20


def to_half_width(s: str) -> str:
    return s.translate(_HALF_WIDTH) if _FULL_WIDTH_RE.search(s) else s


def normalize_code(s: object) -> str:
    """Strip, full-width → half-width, upper-case. Non-strings (an Excel number cell) become text."""
    if s is None or isinstance(s, bool):
        return ""
    if isinstance(s, float) and s.is_integer():
        s = int(s)
    return to_half_width(str(s)).strip().upper()


# --- 统一社会信用代码 -------------------------------------------------------------------------
def uscc_check_char(prefix17: str) -> str | None:
    """The check character for 17 body characters, or None if they are not from the alphabet."""
    if not isinstance(prefix17, str) or len(prefix17) != 17 or not prefix17.isascii():
        return None
    values = prefix17.encode("ascii").translate(_USCC_VALUES)
    if 255 in values:
        return None
    return USCC_ALPHABET[(31 - sum(map(mul, values, _USCC_WEIGHTS)) % 31) % 31]


def make_uscc(prefix17: str) -> str:
    """`prefix17` + its check character (test and demo data). ValueError for a bad body."""
    check = uscc_check_char(prefix17)
    if check is None:
        raise ValueError(f"not 17 characters of the USCC alphabet: {prefix17!r}")
    return prefix17 + check


def is_uscc_format(code: object) -> bool:
    """18 characters of the USCC alphabet (the check character not verified)."""
    return isinstance(code, str) and _USCC_RE.fullmatch(code) is not None


def is_valid_uscc(code: object) -> bool:
    """Well-formed and the check character matches (expects a normalized code)."""
    return is_uscc_format(code) and uscc_check_char(code[:17]) == code[17]  # type: ignore[index]


def is_individual_placeholder(code: object) -> bool:
    return normalize_code(code) == INDIVIDUAL_PLACEHOLDER


def region_of(uscc: str) -> str | None:
    """The 6-digit region code (positions 3–8) of a USCC, or None if it is not one."""
    if not isinstance(uscc, str) or len(uscc) != 18 or is_individual_placeholder(uscc):
        return None
    region = uscc[2:8]
    return region if region.isdigit() else None


# --- 工商注册号 ---------------------------------------------------------------------------------
def regno_check_digit(prefix14: str) -> int | None:
    """ISO 7064 MOD 11,10 check digit of 14 digits, or None if they are not 14 ASCII digits."""
    if not isinstance(prefix14, str) or len(prefix14) != 14 or not prefix14.isascii() or not prefix14.isdigit():
        return None
    p = 10  # per digit: S = (P + d) mod 10 (0 → 10), P = 2S mod 11; check = (11 − P) mod 10
    for b in prefix14.encode("ascii"):
        p = _REGNO_NEXT[p][b - 48]
    return (11 - p) % 10


def make_regno(prefix14: str) -> str:
    check = regno_check_digit(prefix14)
    if check is None:
        raise ValueError(f"not 14 digits: {prefix14!r}")
    return f"{prefix14}{check}"


def is_regno_format(code: object) -> bool:
    return isinstance(code, str) and _REGNO_RE.fullmatch(code) is not None


def is_valid_regno(code: object) -> bool:
    return is_regno_format(code) and regno_check_digit(code[:14]) == int(code[14])  # type: ignore[index]


def region_of_regno(regno: str) -> str | None:
    return regno[:6] if is_regno_format(regno) else None


def is_local_region(region: str | None) -> bool:
    """True for a 广元市 (5108xx) region code."""
    return isinstance(region, str) and region.startswith(LOCAL_REGION_PREFIX)
