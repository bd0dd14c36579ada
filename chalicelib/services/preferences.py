"""Department preferences (部门门户 #23): the authority fields the entry form fills in by default.

Every record of a department names the same 处罚机关/许可机关 and its code and the same 数据来源单位
and its code; operators kept retyping them. A department keeps one set of defaults per category,
editable by its operators (and by an admin acting for it). Only the authority fields below can have
a default, each checked like the field itself (length; a code must be a valid 统一社会信用代码).
"""
from __future__ import annotations

from typing import Any

from chalicelib import clock
from chalicelib.domain.identifiers import is_valid_uscc, normalize_code
from chalicelib.errors import BadRequest
from chalicelib.identity.policy import require_department
from chalicelib.models.preferences import DepartmentPreferences
from chalicelib.models.principal import Principal

AUTHORITY_FIELDS: dict[str, tuple[str, ...]] = {
    "admin_penalty": ("CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM"),
    "admin_license": ("XK_XKJG", "XK_XKJGDM", "XK_LYDW", "XK_LYDWDM"),
    "inspection": ("inspection_authority",),
    "abnormal_list": ("decision_authority",),
    "serious_violation": ("decision_authority",),
    "chattel_mortgage": ("registration_authority",),
    "registration": ("registration_authority",),
}


class PreferencesService:
    def __init__(self, catalog, store, departments=None):
        self.catalog = catalog
        self.store = store
        self.departments = departments    # DepartmentService: which categories a department has

    def _fields(self, department: str) -> dict[str, tuple[str, ...]]:
        dept = self.departments.resolve(department) if self.departments else None
        allowed = set(dept.categories) if dept else set(self.catalog.categories)
        return {c: names for c, names in AUTHORITY_FIELDS.items() if c in allowed and c in self.catalog.categories}

    def _view(self, prefs: DepartmentPreferences, fields: dict[str, tuple[str, ...]]) -> dict[str, Any]:
        return {**prefs.model_dump(), "fields": {c: list(names) for c, names in fields.items()}}

    def get(self, principal: Principal, department: str | None) -> dict[str, Any]:
        dept = require_department(principal, department)
        prefs = self.store.get(dept) or DepartmentPreferences(department=dept)
        return self._view(prefs, self._fields(dept))

    def put(self, principal: Principal, department: str | None, body: dict[str, Any]) -> dict[str, Any]:
        dept = require_department(principal, department)
        fields = self._fields(dept)
        defaults = body.get("defaults")
        if not isinstance(defaults, dict):
            raise BadRequest("请求体应包含 defaults：按信息类别列出的默认值", details=[
                {"field": "defaults", "code": "REQUIRED"}])
        clean: dict[str, dict[str, str]] = {}
        errors: list[dict[str, Any]] = []
        for category, values in defaults.items():
            if category not in fields:
                errors.append({"field": f"defaults.{category}", "code": "BAD_ENUM",
                               "message": "本部门没有该信息类别，或该类别没有可设默认值的字段"})
                continue
            if not isinstance(values, dict):
                errors.append({"field": f"defaults.{category}", "code": "BAD_TYPE", "message": "应为对象"})
                continue
            cat = self.catalog.category(category)
            kept: dict[str, str] = {}
            for name, value in values.items():
                error = self._check(cat, fields[category], name, value)
                if error:
                    errors.append({"field": f"defaults.{category}.{name}", **error})
                elif value not in (None, ""):
                    kept[name] = normalize_code(value) if _is_code(cat, name) else value.strip()
            if kept:
                clean[category] = kept
        if errors:
            raise BadRequest("默认值有误", details=errors)
        prefs = DepartmentPreferences(department=dept, defaults=clean, updated_at=clock.now_iso(),
                                      updated_by=principal.username)
        self.store.put(prefs)
        return self._view(prefs, fields)

    @staticmethod
    def _check(cat, allowed: tuple[str, ...], name: str, value: Any) -> dict[str, str] | None:
        if name not in allowed:
            return {"code": "UNKNOWN_FIELD", "message": "该字段不能设默认值"}
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            return {"code": "BAD_TYPE", "message": "应为文本"}
        field = next(f for f in cat.fields if f.json_name == name)
        if field.max_len and len(value.strip()) > field.max_len:
            return {"code": "TOO_LONG", "message": f"不能超过 {field.max_len} 个字符"}
        if _is_code(cat, name) and not is_valid_uscc(normalize_code(value)):
            return {"code": "USCC_INVALID", "message": "统一社会信用代码格式或校验位有误"}
        return None


def _is_code(cat, name: str) -> bool:
    return any(f.json_name == name and f.type == "uscc" for f in cat.fields)
