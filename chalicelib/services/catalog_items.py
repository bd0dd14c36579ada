"""目录事项 (catalog items) and the compiled 目录 / 数据格式规范 (SPEC §5.3).

A department (its operators, or an admin naming it) drafts, edits and submits its items; the
registry authority's operators (市工商局, `d21`) or an admin approve them or return them with a
reason. Every change is a new `version` of the working copy, stored only if nobody changed it
meanwhile (409 VERSION_CONFLICT); every approval is kept as its own version, and the public 目录
shows the latest approved one (a revision of an approved item stays a draft until approved again).
The format rules are generated from the catalog — the same data `GET /v1/catalog` serves.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Protocol

from pydantic import Field, StringConstraints

from chalicelib.catalog.format_rules import format_rules
from chalicelib.clock import now_iso
from chalicelib.domain.field_checks import FieldError
from chalicelib.errors import BadRequest, Conflict, Forbidden, NotAllowedCategory, NotFound
from chalicelib.identity.policy import require_department
from chalicelib.models.catalog_item import EDITABLE_STATES, ITEM_FIELD, ITEM_STATES, CatalogItem
from chalicelib.models.principal import Principal
from chalicelib.services.admin import AdminBody

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Basis = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Office = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Months = Annotated[int, Field(ge=0, le=1200)]
Version = Annotated[int, Field(ge=1, le=10**9)]


class ItemRepository(Protocol):
    def next_code(self, department: str) -> str: ...
    def add(self, it: CatalogItem) -> None: ...
    def get(self, item_code: str) -> CatalogItem | None: ...
    def save(self, it: CatalogItem, expected_version: int) -> bool: ...
    def by_department(self, department: str) -> list[CatalogItem]: ...
    def by_state(self, state: str) -> list[CatalogItem]: ...
    def approved(self, department: str | None = None) -> list[CatalogItem]: ...
    def versions(self, item_code: str) -> list[CatalogItem]: ...


class NewItem(AdminBody):
    """POST /v1/catalog/items."""
    MESSAGE: ClassVar[str] = "目录事项内容不完整或有误"
    name: Name
    category: Annotated[str, StringConstraints(max_length=64)]
    legal_basis: Basis
    office: Office = ""
    period_override: Months | None = None
    department: Annotated[str, StringConstraints(max_length=32)] | None = None   # an admin names it


class ItemEdit(AdminBody):
    """PUT /v1/catalog/items/{item_code}: the fields to change and the version they were read at."""
    MESSAGE: ClassVar[str] = "目录事项内容不完整或有误"
    version: Version
    name: Name = None
    category: Annotated[str, StringConstraints(max_length=64)] = None
    legal_basis: Basis = None
    office: Office = None
    period_override: Months | None = None


class Step(AdminBody):
    """POST …/submit, …/approve: optionally the version the caller saw."""
    MESSAGE: ClassVar[str] = "请求内容有误"
    version: Version | None = None


class Return(Step):
    """POST …/return: the reason is required."""
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""


class ItemNotFound(NotFound):
    code = "ITEM_NOT_FOUND"
    message = "目录事项不存在"


class ItemState(Conflict):
    code = "ITEM_STATE"
    message = "目录事项当前状态不允许该操作"


STATE_NAMES = {"draft": "草稿", "submitted": "待审核", "approved": "已批准", "returned": "已退回"}


@dataclass
class ItemCheck:
    """What the 目录事项 named by a batch's records decide: errors, and the items' own periods (by row)."""
    errors: dict[int, FieldError] = field(default_factory=dict)
    months: dict[int, int] = field(default_factory=dict)


class CatalogItemService:
    def __init__(self, catalog, items: ItemRepository, departments, now: Callable[[], str] = now_iso):
        self.catalog = catalog
        self.items = items
        self.departments = departments       # DepartmentService: a department as admins last saved it
        self.now = now

    # --- who ---------------------------------------------------------------------------------
    def is_reviewer(self, principal: Principal) -> bool:
        """市工商局 (the registry authority's operators) and admins review the items."""
        return principal.is_admin or (principal.role == "operator"
                                      and principal.department == self.catalog.registry_department().id)

    def _owned(self, principal: Principal, item_code: str, *, read: bool = False) -> CatalogItem:
        """The item, if the principal's department owns it (an admin: any; a reviewer reads any)."""
        it = self.items.get(item_code) if isinstance(item_code, str) and len(item_code) <= 64 else None
        if it is None or (principal.has_department and principal.department != it.department
                          and not (read and self.is_reviewer(principal))):
            raise ItemNotFound(details=[{"item_code": str(item_code)[:64]}])
        return it

    # --- reads -------------------------------------------------------------------------------
    def list(self, principal: Principal, department: str | None, state: str | None) -> dict:
        """A department's items (own; reviewers any), or — reviewers without a department — every
        department's items in `state` (the review queue: state=submitted, oldest first)."""
        if state is not None and state not in ITEM_STATES:
            raise BadRequest("state 无效", details=[{"field": "state", "code": "BAD_ENUM", "allowed": list(ITEM_STATES)}])
        if self.is_reviewer(principal) and department:
            found = self.items.by_department(department)
        elif self.is_reviewer(principal) and state:
            found = self.items.by_state(state)
        elif principal.is_admin:
            raise BadRequest("管理员查看目录事项时须注明 department（某部门）或 state（如 submitted：待审核）",
                             details=[{"field": "department", "code": "REQUIRED"}])
        else:
            found = self.items.by_department(require_department(principal, department))
        return {"items": [self.view(it) for it in found if state is None or it.state == state], "next_cursor": None}

    def get(self, principal: Principal, item_code: str) -> dict:
        it = self._owned(principal, item_code, read=True)
        return {**self.view(it), "approved_versions": [self.view(v) for v in self.items.versions(it.item_code)]}

    def view(self, it: CatalogItem) -> dict:
        dept = self.departments.resolve(it.department)
        cat = self.catalog.categories.get(it.category)
        return {**it.model_dump(), "department_name": dept.name if dept else it.department,
                "category_name": cat.name if cat else it.category, "state_name": STATE_NAMES[it.state]}

    # --- changes -----------------------------------------------------------------------------
    def create(self, principal: Principal, body: dict) -> dict:
        new = NewItem.parse(body)
        department = require_department(principal, new.department)
        self._check(department, new.category, new.period_override)
        stamp, who = self.now(), principal.username
        it = CatalogItem(item_code=self.items.next_code(department), department=department, name=new.name,
                         category=new.category, legal_basis=new.legal_basis, office=new.office,
                         period_override=new.period_override, created_at=stamp, created_by=who,
                         updated_at=stamp, updated_by=who)
        self.items.add(it)
        return self.view(it)

    def edit(self, principal: Principal, item_code: str, body: dict) -> dict:
        it = self._owned(principal, item_code)
        edit = ItemEdit.parse(body)
        self._expect(it, edit.version)
        if it.state not in EDITABLE_STATES:
            raise ItemState("目录事项已提交审核，审核完成前不能修改", details=[{"state": it.state}])
        changes = edit.model_dump(exclude_unset=True, exclude={"version"})   # null is refused but for the period
        merged = it.model_copy(update=changes)
        self._check(it.department, merged.category, merged.period_override)
        return self._store(it, merged.model_copy(update={"state": "draft", "return_reason": None}), principal)

    def submit(self, principal: Principal, item_code: str, body: dict) -> dict:
        it = self._owned(principal, item_code)
        self._expect(it, Step.parse(body).version)
        if it.state not in ("draft", "returned"):
            raise ItemState(f"只有草稿或已退回的目录事项可以提交（当前：{STATE_NAMES[it.state]}）",
                            details=[{"state": it.state}])
        return self._store(it, it.model_copy(update={"state": "submitted", "submitted_at": self.now(),
                                                     "submitted_by": principal.username}), principal)

    def approve(self, principal: Principal, item_code: str, body: dict) -> dict:
        it = self._reviewed(principal, item_code, Step.parse(body).version)
        stamp = self.now()
        return self._store(it, it.model_copy(update={
            "state": "approved", "return_reason": None, "approved_version": it.approved_version + 1,
            "reviewed_at": stamp, "reviewed_by": principal.username, "approved_at": stamp}), principal)

    def return_(self, principal: Principal, item_code: str, body: dict) -> dict:
        step = Return.parse(body)
        if not step.reason:
            raise BadRequest("退回时须说明原因", code="REASON_REQUIRED",
                             details=[{"field": "reason", "code": "REASON_REQUIRED"}])
        it = self._reviewed(principal, item_code, step.version)
        return self._store(it, it.model_copy(update={
            "state": "returned", "return_reason": step.reason, "reviewed_at": self.now(),
            "reviewed_by": principal.username}), principal)

    def _reviewed(self, principal: Principal, item_code: str, version: int | None) -> CatalogItem:
        it = self._owned(principal, item_code, read=True)   # 404 first: an item the caller cannot see
        if not self.is_reviewer(principal):
            raise Forbidden("只有市工商局（市场监督管理局）或管理员可以审核目录事项")
        self._expect(it, version)
        if it.state != "submitted":
            raise ItemState(f"只有待审核的目录事项可以审核（当前：{STATE_NAMES[it.state]}）", details=[{"state": it.state}])
        return it

    @staticmethod
    def _expect(it: CatalogItem, version: int | None) -> None:
        if version is not None and version != it.version:
            raise Conflict("目录事项已被他人修改，请刷新后重试", details=[{"item_code": it.item_code,
                                                                     "version": it.version}])

    def _store(self, before: CatalogItem, after: CatalogItem, principal: Principal) -> dict:
        after = after.model_copy(update={"version": before.version + 1, "updated_at": self.now(),
                                         "updated_by": principal.username})
        if not self.items.save(after, before.version):
            raise Conflict("目录事项已被他人修改，请刷新后重试", details=[{"item_code": before.item_code}])
        return self.view(after)

    def _check(self, department: str, category: str, months: int | None) -> None:
        """The category is one the department may submit; an own period within the category's bounds."""
        if category not in self.catalog.categories:
            raise BadRequest("信息类别无效", details=[{"field": "category", "code": "BAD_ENUM",
                                                     "allowed": sorted(self.catalog.categories)}])
        dept = self.departments.resolve(department)
        if dept is None:
            raise BadRequest(f"部门「{department}」不存在", details=[{"field": "department", "code": "NOT_FOUND"}])
        if category not in dept.categories:
            raise NotAllowedCategory(details=[{"field": "category", "category": category,
                                               "allowed": list(dept.categories)}])
        if months is None:
            return
        bounds = self.catalog.category(category).item_period_months
        if bounds is None or not bounds[0] <= months <= bounds[1]:
            text = (f"应在 {bounds[0]}–{bounds[1]} 个月之间" if bounds else "由法律规定，目录事项不能另行设定")
            raise BadRequest(f"公示期限{text}", code="PERIOD_OUT_OF_BOUNDS", details=[{
                "field": "period_override", "code": "PERIOD_OUT_OF_BOUNDS",
                "min": bounds[0] if bounds else None, "max": bounds[1] if bounds else None}])

    # --- the compiled 目录, the format rules, the codes records may name -----------------------
    def approved_codes(self, department: str) -> dict[str, CatalogItem]:
        """The department's approved items by code (the latest approved copies)."""
        return {it.item_code: it for it in self.items.approved(department)}

    def check_records(self, department: str, strict: bool, category, checks: list) -> ItemCheck:
        """For checked records (`checks`: RecordCheck) the 目录事项 they name: UNKNOWN_ITEM for each whose
        `item_code` is not one of the department's approved items of the record's category, and — for
        a `strict_items` department — for each naming none (the suggestion lists the codes it may
        name); and the period (months) of each approved item named that sets its own (SPEC §5.3).
        Reads the approved items (one Query) only when a record names an item or the department is strict."""
        named = {i: c.fields.get(ITEM_FIELD) for i, c in enumerate(checks)}
        out = ItemCheck()
        if not strict and not any(named.values()):
            return out
        items = {code: it for code, it in self.approved_codes(department).items() if it.category == category.id}
        codes = sorted(items)
        listed = "、".join(codes)
        label = category.field(ITEM_FIELD).label
        for i, code in named.items():
            if code in items:
                if items[code].period_override is not None:
                    out.months[i] = items[code].period_override
                continue
            if not (code or strict):
                continue
            if not codes:
                message = f"本部门尚无「{category.name}」类已批准的目录事项，请先在归集公示目录中提交并经市工商局批准"
            elif code:
                message = f"「{label}」{code} 不是本部门「{category.name}」类已批准的目录事项，可填：{listed}"
            else:
                message = f"本部门按归集公示目录报送，须填写「{label}」，可填：{listed}"
            out.errors[i] = FieldError(field=ITEM_FIELD, code="UNKNOWN_ITEM", message=message,
                                       suggestion=listed or None)
        return out

    def public_catalog(self) -> dict:
        """The compiled 目录: the latest approved version of every department's items (never a draft)."""
        order = {d.id: n for n, d in enumerate(self.departments.all())}
        items = sorted(self.items.approved(), key=lambda it: (order.get(it.department, len(order)), it.item_code))
        return {"items": [self.public_view(it) for it in items], "generated_at": self.now()}

    def public_view(self, it: CatalogItem) -> dict:
        v = self.view(it)
        cat = self.catalog.categories.get(it.category)
        rule = f"公示 {it.period_override} 个月" if it.period_override is not None else (cat.period_rule if cat else "")
        return {k: v[k] for k in ("item_code", "department", "department_name", "name", "category", "category_name",
                                  "legal_basis", "office", "period_override", "approved_version", "approved_at")} | {
            "period_rule": rule}

    def format_rules(self) -> dict:
        return {**format_rules(self.catalog), "generated_at": self.now()}
