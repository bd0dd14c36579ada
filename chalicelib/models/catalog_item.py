"""A 目录事项 (catalog item) of a department's 归集公示目录 (SPEC §5.3).

A department drafts its items (事项名称, category, 设定依据, responsible office, an optional
publication period of its own within the category's bounds) and submits them; the registry
authority (市工商局, `d21`) or an admin approves or returns them with a reason. `item_code`
(`<department>-NNN`) is assigned by the platform. `version` counts every change of the working
copy (optimistic concurrency); `approved_version` counts approvals — each approved version is
kept as its own stored copy, and the latest one is what the public 目录 shows.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

ItemState = Literal["draft", "submitted", "approved", "returned"]
ITEM_STATES: tuple[str, ...] = ("draft", "submitted", "approved", "returned")
EDITABLE_STATES = ("draft", "returned", "approved")   # an approved item is revised as a new draft
ITEM_FIELD = "item_code"      # the records' field naming a 目录事项 (catalog data: common_fields.json)
ITEM_COUNTER = "item_"        # report counter prefix + item_code: records accepted naming the item


class CatalogItem(BaseModel):
    item_code: str                       # <department>-NNN, unique city-wide
    department: str
    name: str                            # 事项名称
    category: str                        # a category the department may submit
    legal_basis: str                     # 设定依据
    office: str = ""                     # 责任科室
    period_override: int | None = None   # 公示期限（月）, within the category's bounds (catalog data)
    state: ItemState = "draft"
    return_reason: str | None = None     # 退回原因 (state returned)
    version: int = 1                     # every change of the working copy
    approved_version: int = 0            # how many times approved; the public 目录 shows the latest
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    submitted_at: str | None = None
    submitted_by: str | None = None
    reviewed_at: str | None = None       # approved or returned
    reviewed_by: str | None = None
    approved_at: str | None = None       # of the latest approved version
