"""Administration: departments (三位一体 contacts, push mode, catalog) and working-day calendars."""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from chalicelib.catalog import make_county_department
from chalicelib.catalog.model import Department
from chalicelib.clock import FIRST_YEAR, LAST_YEAR, now_iso
from chalicelib.domain.workdays import YearOverride
from chalicelib.errors import BadRequest, NotFound
from chalicelib.models.principal import ROLES, Principal

COUNTY_ID = re.compile(r"^(5108\d\d)-(d\d\d)$")

Short = Annotated[str, StringConstraints(max_length=100)]


class AdminBody(BaseModel):
    """An admin route's JSON body: known fields only, each of its own type (no coercion). A field left out
    keeps its default; for the optional ones that is None, and null sent is refused like any wrong type
    (defaults are not validated)."""
    model_config = ConfigDict(extra="forbid", strict=True)
    MESSAGE: ClassVar[str] = "请求内容有误"

    @classmethod
    def parse(cls, body: dict) -> Self:
        try:
            return cls.model_validate(body)
        except ValidationError as exc:
            raise BadRequest(cls.MESSAGE, details=validation_details(exc)) from None


class ContactIn(AdminBody):
    name: Short = ""
    title: Short = ""
    phone: Annotated[str, StringConstraints(max_length=40)] = ""


class DepartmentUpdate(AdminBody):
    """PUT /v1/admin/departments/{id}: the editable fields; one left out stays as it is."""
    MESSAGE: ClassVar[str] = "部门信息格式有误"
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)] = None
    level: Literal["市级", "县区级"] = None
    region: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] = None
    push_mode: Literal["batch", "manual"] = None
    categories: Annotated[list[Annotated[str, StringConstraints(max_length=64)]], Field(max_length=100)] = None
    leader: ContactIn = None
    office: Annotated[str, StringConstraints(max_length=200)] = None
    operators: Annotated[list[ContactIn], Field(max_length=100)] = None
    strict_items: bool = None       # records must name one of the department's approved 目录事项


class CalendarUpdate(AdminBody):
    """PUT /v1/admin/calendar/{year}: ISO dates of that year (checked by the service)."""
    MESSAGE: ClassVar[str] = "工作日历有误"
    holidays: Annotated[list[Annotated[str, StringConstraints(max_length=32)]], Field(max_length=366)] = []
    workdays: Annotated[list[Annotated[str, StringConstraints(max_length=32)]], Field(max_length=366)] = []


DepartmentId = Annotated[str, StringConstraints(max_length=32)]   # "" is the service's REQUIRED / NOT_FOUND


class NewUser(AdminBody):
    """POST /v1/admin/users."""
    MESSAGE: ClassVar[str] = "账号信息不完整或有误"
    username: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    role: Literal[ROLES]  # type: ignore[valid-type]
    department: DepartmentId | None = None
    temporary_password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class UserUpdate(AdminBody):
    """PUT /v1/admin/users/{username}: a new role and/or department."""
    MESSAGE: ClassVar[str] = "账号信息不完整或有误"
    role: Literal[ROLES] = None  # type: ignore[valid-type]
    department: DepartmentId = None


_CODES = {"extra_forbidden": "NOT_EDITABLE", "literal_error": "BAD_ENUM", "missing": "REQUIRED",
          "string_too_short": "REQUIRED"}


def validation_details(exc: ValidationError) -> list[dict]:
    """A pydantic error as the error body's details: the field's path, a stable code, pydantic's reason."""
    return [{"field": ".".join(str(p) for p in e["loc"]), "code": _CODES.get(e["type"], "BAD_VALUE"),
             "reason": e["msg"]} for e in exc.errors(include_url=False, include_input=False)]


class DepartmentService:
    def __init__(self, catalog, departments):
        self.catalog = catalog
        self.departments = departments

    def resolve(self, department_id: str) -> Department | None:
        """The department as admins last saved it, else as the catalog seeds it."""
        return self.departments.get(department_id) or self.catalog.departments.get(department_id)

    def all(self) -> list[Department]:
        stored = {d.id: d for d in self.departments.all()}
        return [stored.get(d.id, d) for d in self.catalog.departments.values()] + [
            d for i, d in sorted(stored.items()) if i not in self.catalog.departments]

    def get(self, department_id: str) -> dict:
        dept = self.resolve(department_id)
        if dept is None:
            raise NotFound("部门不存在")
        return dept.model_dump()

    def put(self, department_id: str, body: dict) -> dict:
        """Update a department, or add a county/district one (<region>-dNN, e.g. 510802-d12)."""
        current = self.resolve(department_id)
        if current is None:
            m = COUNTY_ID.match(department_id)
            if not m or m.group(2) not in self.catalog.departments:
                raise NotFound("部门不存在；新增区县部门的编号应为 <区县代码>-dNN，例如 510802-d12")
            current = make_county_department(m.group(1), m.group(2), self.catalog)
        update = DepartmentUpdate.parse(body)
        bad = [c for c in update.categories or [] if c not in self.catalog.categories]
        if bad:
            raise BadRequest("信息类别无效", details=[{"field": "categories", "code": "BAD_ENUM", "value": c} for c in bad])
        dept = Department.model_validate({**current.model_dump(), **update.model_dump(exclude_unset=True)})
        self.departments.put(dept)
        return dept.model_dump()


class CalendarService:
    def __init__(self, calendar):
        self.calendar = calendar

    def put(self, principal: Principal, year: str, body: dict) -> dict:
        if not re.fullmatch(r"20\d\d", year or "") or not FIRST_YEAR <= int(year) <= LAST_YEAR:
            raise BadRequest("年份应为四位数字，例如 2027", details=[{"field": "year", "code": "BAD_REQUEST"}])
        update = CalendarUpdate.parse(body)
        days: dict[str, set[date]] = {}
        errors = []
        for key in ("holidays", "workdays"):
            days[key] = set()
            for v in getattr(update, key):
                try:
                    d = date.fromisoformat(v)
                except ValueError:
                    errors.append({"field": key, "code": "BAD_DATE", "value": v[:20]})
                    continue
                if d.year != int(year):
                    errors.append({"field": key, "code": "BAD_DATE", "value": v, "message": f"不属于 {year} 年"})
                days[key].add(d)
        if not errors and days.get("holidays", set()) & days.get("workdays", set()):
            errors.append({"field": "workdays", "code": "DATE_ORDER", "message": "同一天不能既是假日又是调休工作日"})
        if errors:
            raise BadRequest("工作日历有误", details=errors)
        self.calendar.put(int(year), YearOverride(holidays=days.get("holidays", set()),
                                                  workdays=days.get("workdays", set())),
                          by=principal.username, at=now_iso())
        return {"year": int(year), "holidays": len(days.get("holidays", ())), "workdays": len(days.get("workdays", ()))}
