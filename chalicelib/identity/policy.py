"""Who may call which route (谁产生、谁提供、谁负责): the one table of route × role.

Department-level rules (own records only, own catalog only) are checked by the services with
`require_department`; this table decides the role. A route missing here cannot be registered.
"""
from __future__ import annotations

from pydantic import BaseModel

from chalicelib.errors import Forbidden
from chalicelib.models.principal import Principal

PUBLIC = frozenset({"public"})
DEPT = frozenset({"operator", "system"})
SUBMITTERS = frozenset({"operator", "system", "admin"})
OVERSIGHT = frozenset({"supervisor", "admin"})
ADMIN = frozenset({"admin"})
STAFF = frozenset({"operator", "system", "supervisor", "admin"})


class Rule(BaseModel):
    roles: frozenset[str]
    audit: str | None = None   # audit action written once per request, if any

    @property
    def public(self) -> bool:
        return self.roles == PUBLIC


ROUTES: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): Rule(roles=PUBLIC),
    ("GET", "/"): Rule(roles=PUBLIC),
    ("GET", "/pages/{name}"): Rule(roles=PUBLIC),
    ("POST", "/v1/auth/token"): Rule(roles=PUBLIC),              # audited by the login service
    ("GET", "/v1/catalog"): Rule(roles=PUBLIC),
    ("GET", "/v1/templates/{category}"): Rule(roles=PUBLIC),
    ("POST", "/v1/records"): Rule(roles=SUBMITTERS, audit="records.submit"),
    ("GET", "/v1/records"): Rule(roles=STAFF, audit="records.list"),           # supervisor: read_department
    ("GET", "/v1/records/{record_id}"): Rule(roles=SUBMITTERS, audit="records.read"),
    ("PUT", "/v1/records/{record_id}"): Rule(roles=DEPT, audit="records.modify"),
    ("DELETE", "/v1/records/{record_id}"): Rule(roles=DEPT, audit="records.withdraw"),
    ("POST", "/v1/records/{record_id}/withdraw"): Rule(roles=DEPT, audit="records.withdraw"),
    ("GET", "/v1/preferences"): Rule(roles=SUBMITTERS),
    ("PUT", "/v1/preferences"): Rule(roles=SUBMITTERS, audit="preferences.update"),
    ("POST", "/v1/records/{record_id}/reinstate"): Rule(roles=DEPT, audit="records.reinstate"),
    ("GET", "/v1/rejections"): Rule(roles=SUBMITTERS, audit="rejections.list"),  # supervisors: the drill-down
    ("GET", "/v1/rejections/{rejection_id}"): Rule(roles=SUBMITTERS, audit="rejections.read"),
    ("POST", "/v1/rejections/{rejection_id}/dismiss"): Rule(roles=DEPT, audit="rejections.dismiss"),
    ("GET", "/v1/uploads"): Rule(roles=SUBMITTERS, audit="uploads.list"),
    ("POST", "/v1/uploads"): Rule(roles=SUBMITTERS, audit="uploads.create"),
    ("GET", "/v1/uploads/{upload_id}"): Rule(roles=SUBMITTERS, audit="uploads.read"),
    ("GET", "/v1/public/enterprises"): Rule(roles=PUBLIC),
    ("GET", "/v1/public/enterprises/{code}"): Rule(roles=PUBLIC),
    ("GET", "/v1/public/enterprises/{code}/credit-check"): Rule(roles=PUBLIC),
    ("GET", "/v1/public/enterprises/{code}/report.pdf"): Rule(roles=PUBLIC),
    ("GET", "/v1/public/open-data"): Rule(roles=PUBLIC),
    ("GET", "/v1/public/attestation-key"): Rule(roles=PUBLIC),
    ("POST", "/v1/public/attestations/verify"): Rule(roles=PUBLIC),
    ("GET", "/v1/public/changes"): Rule(roles=PUBLIC),
    ("GET", "/v1/public/scorecards"): Rule(roles=PUBLIC),
    ("POST", "/v1/public/objections"): Rule(roles=PUBLIC),          # audited by the service (§5.2)
    ("GET", "/v1/public/objections/{objection_id}"): Rule(roles=PUBLIC),
    ("POST", "/v1/public/repairs"): Rule(roles=PUBLIC),             # audited by the service (§5.2)
    ("GET", "/v1/public/repairs/{repair_id}"): Rule(roles=PUBLIC),
    ("GET", "/v1/objections"): Rule(roles=STAFF, audit="objections.list"),
    ("POST", "/v1/objections/{objection_id}/answer"): Rule(roles=SUBMITTERS, audit="objections.answer"),
    ("GET", "/v1/repairs"): Rule(roles=STAFF, audit="repairs.list"),
    ("POST", "/v1/repairs/{repair_id}/decide"): Rule(roles=SUBMITTERS, audit="repairs.decide"),
    # 目录事项 (SPEC §5.3): own department; approve/return: 市工商局 operators and admins (checked by the service)
    ("GET", "/v1/catalog/items"): Rule(roles=SUBMITTERS),
    ("POST", "/v1/catalog/items"): Rule(roles=SUBMITTERS, audit="catalog_items.create"),
    ("GET", "/v1/catalog/items/{item_code}"): Rule(roles=SUBMITTERS),
    ("PUT", "/v1/catalog/items/{item_code}"): Rule(roles=SUBMITTERS, audit="catalog_items.edit"),
    ("POST", "/v1/catalog/items/{item_code}/submit"): Rule(roles=SUBMITTERS, audit="catalog_items.submit"),
    ("POST", "/v1/catalog/items/{item_code}/approve"): Rule(roles=frozenset({"operator", "admin"}),
                                                             audit="catalog_items.approve"),
    ("POST", "/v1/catalog/items/{item_code}/return"): Rule(roles=frozenset({"operator", "admin"}),
                                                            audit="catalog_items.return"),
    ("GET", "/v1/public/catalog-items"): Rule(roles=PUBLIC),
    ("GET", "/v1/public/format-rules"): Rule(roles=PUBLIC),
    ("GET", "/v1/shared/enterprises/{code}"): Rule(roles=STAFF, audit="shared.read"),
    ("GET", "/v1/notices/registrations"): Rule(roles=DEPT, audit="notices.read"),
    ("POST", "/v1/watchlists"): Rule(roles=SUBMITTERS, audit="watchlists.create"),
    ("GET", "/v1/watchlists/{watchlist_id}/deliveries"): Rule(roles=SUBMITTERS),
    ("GET", "/v1/reports/departments"): Rule(roles=OVERSIGHT),
    ("GET", "/v1/reports/monthly"): Rule(roles=OVERSIGHT),
    ("GET", "/v1/reports/departments/{department_id}"): Rule(roles=OVERSIGHT),
    ("POST", "/v1/admin/jobs/{job}"): Rule(roles=ADMIN, audit="jobs.run"),
    ("GET", "/v1/admin/departments/{department_id}"): Rule(roles=OVERSIGHT),
    ("PUT", "/v1/admin/departments/{department_id}"): Rule(roles=ADMIN, audit="departments.update"),
    ("POST", "/v1/admin/users"): Rule(roles=ADMIN, audit="users.create"),
    ("PUT", "/v1/admin/users/{username}"): Rule(roles=ADMIN, audit="users.update"),
    ("POST", "/v1/admin/users/{username}/disable"): Rule(roles=ADMIN, audit="users.disable"),
    ("PUT", "/v1/admin/calendar/{year}"): Rule(roles=ADMIN, audit="calendar.update"),
    ("GET", "/v1/admin/audit"): Rule(roles=OVERSIGHT),
}


ROLE_NAMES = {"operator": "部门操作员", "system": "部门系统", "admin": "管理员", "supervisor": "督查"}


def rule(method: str, path: str) -> Rule:
    try:
        return ROUTES[(method, path)]
    except KeyError:
        raise LookupError(f"route {method} {path} has no access rule in identity/policy.py") from None


def require_role(principal: Principal, method: str, path: str) -> None:
    r = rule(method, path)
    if not r.public and principal.role not in r.roles:
        raise Forbidden(f"当前角色（{ROLE_NAMES.get(principal.role, principal.role)}）无权访问该功能")


def read_department(principal: Principal, department: str | None) -> str:
    """The department whose lists a principal reads: as require_department, and a supervisor (督查)
    reads the department it names (the drill-down from its report)."""
    if principal.role == "supervisor":
        if not department:
            from chalicelib.errors import BadRequest
            raise BadRequest("督查查看部门数据时须注明 department", details=[{"field": "department", "code": "REQUIRED"}])
        return department
    return require_department(principal, department)


def require_department(principal: Principal, department: str | None) -> str:
    """The department a principal acts for; operators/systems only for their own."""
    if principal.has_department:
        if department and department != principal.department:
            raise Forbidden("只能操作本部门的数据（谁产生、谁提供、谁负责）")
        return principal.department  # type: ignore[return-value]
    if principal.is_admin:
        if not department:
            from chalicelib.errors import BadRequest
            raise BadRequest("管理员提交时须在请求体中注明 department", details=[
                {"field": "department", "code": "REQUIRED"}])
        return department
    raise Forbidden("当前角色无权以部门身份操作")
