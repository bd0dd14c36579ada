"""Whole-file spreadsheet failures (SPEC §5): one stable code, a Chinese message, a details list.

A `SpreadsheetError` means the upload fails as a whole (state `failed`, no row stored); per-row
problems are not raised but reported per row (see `feedback`).
"""
from __future__ import annotations

from typing import Any

FILE_TOO_LARGE = "FILE_TOO_LARGE"
NOT_XLSX = "NOT_XLSX"
UNSAFE_CONTENT = "UNSAFE_CONTENT"
TOO_MANY_ROWS = "TOO_MANY_ROWS"
NO_DATA = "NO_DATA"
MISSING_HEADERS = "MISSING_HEADERS"
UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"
BAD_ENCODING = "BAD_ENCODING"

CODES = frozenset({FILE_TOO_LARGE, NOT_XLSX, UNSAFE_CONTENT, TOO_MANY_ROWS, NO_DATA, MISSING_HEADERS,
                   UNSUPPORTED_FORMAT, BAD_ENCODING})


class SpreadsheetError(Exception):
    """A file refused as a whole. `to_dict()` is the body of the API's `error` object."""

    def __init__(self, code: str, message: str, details: list[Any] | None = None) -> None:
        if code not in CODES:
            raise ValueError(f"unknown spreadsheet error code {code!r}")
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details: list[Any] = list(details or [])

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": list(self.details)}

    def __repr__(self) -> str:
        return f"SpreadsheetError({self.code!r}, {self.message!r}, {self.details!r})"
