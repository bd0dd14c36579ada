"""Administration: departments (三位一体 contacts, push mode, catalog) and working-day calendars."""
from __future__ import annotations

import re
from datetime import date

from pydantic import ValidationError

from chalicelib.catalog import make_county_department
from chalicelib.catalog.model import Department
from chalicelib.clock import now_iso
from chalicelib.domain.workdays import YearOverride
from chalicelib.errors import BadRequest, NotFound
from chalicelib.models.principal import Principal

COUNTY_ID = re.compile(r"^(5108\d\d)-(d\d\d)$")
EDITABLE = {"name", "level", "region", "push_mode", "categories", "leader", "office", "operators"}


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
        unknown = sorted(set(body) - EDITABLE)
        if unknown:
            raise BadRequest("包含不可修改的字段", details=[{"field": f, "code": "NOT_EDITABLE"} for f in unknown])
        bad = [c for c in body.get("categories", []) or [] if c not in self.catalog.categories]
        if bad:
            raise BadRequest("信息类别无效", details=[{"field": "categories", "code": "BAD_ENUM", "value": c} for c in bad])
        if body.get("push_mode") not in (None, "batch", "manual"):
            raise BadRequest("push_mode 只能是 batch 或 manual", details=[{"field": "push_mode", "code": "BAD_ENUM"}])
        try:
            dept = Department.model_validate({**current.model_dump(), **body})
        except ValidationError as exc:
            raise BadRequest("部门信息格式有误", details=[
                {"field": ".".join(str(p) for p in e["loc"]), "code": "BAD_VALUE"} for e in exc.errors()]) from None
        self.departments.put(dept)
        return dept.model_dump()


class CalendarService:
    def __init__(self, calendar):
        self.calendar = calendar

    def put(self, principal: Principal, year: str, body: dict) -> dict:
        if not re.fullmatch(r"20\d\d", year or ""):
            raise BadRequest("年份应为四位数字，例如 2027", details=[{"field": "year", "code": "BAD_REQUEST"}])
        days: dict[str, set[date]] = {}
        errors = []
        for key in ("holidays", "workdays"):
            values = body.get(key, [])
            if not isinstance(values, list):
                errors.append({"field": key, "code": "BAD_VALUE"})
                continue
            days[key] = set()
            for v in values:
                try:
                    d = date.fromisoformat(str(v))
                except ValueError:
                    errors.append({"field": key, "code": "BAD_DATE", "value": str(v)[:20]})
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
