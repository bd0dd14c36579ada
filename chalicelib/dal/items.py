"""Conversions between Python values and DynamoDB items (Decimal numbers, no empty keys)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any


def to_item(value: Any) -> Any:
    """Python → DynamoDB: floats become Decimal, None values are dropped from maps."""
    if isinstance(value, dict):
        return {k: to_item(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [to_item(v) for v in value]
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def from_item(value: Any) -> Any:
    """DynamoDB → Python: Decimal becomes int or float."""
    if isinstance(value, dict):
        return {k: from_item(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_item(v) for v in value]
    if isinstance(value, set):
        return sorted(from_item(v) for v in value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
