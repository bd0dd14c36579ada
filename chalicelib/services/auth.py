"""Login (以用户名、密码登录) against the user pool, with throttling; account administration.

The pool is a port (`IdentityPool`, adapters/cognito.CognitoPool on AWS): it raises
errors.Refused for Cognito's verdicts and errors.ServiceUnavailable for an outage.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import Protocol

from chalicelib.errors import (
    BadRequest,
    NotFound,
    Refused,
    ServiceUnavailable,
    TooManyAttempts,
    Unauthenticated,
)
from chalicelib.models.principal import ROLES, Principal

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
ROLES_WITH_DEPARTMENT = ("operator", "system")
PASSWORD_POLICY = "（至少 8 位，含大小写字母、数字和符号）"
DEPARTMENT = "custom:department"
_BAD_CHALLENGE = ("首次登录设置新密码的会话无效或已过期，请重新提交（用户名、临时密码和新密码）",
                  [{"challenge": "NEW_PASSWORD_REQUIRED", "code": "BAD_CHALLENGE"}])
# The pool's refusals of the NEW_PASSWORD_REQUIRED response → (message, details) of a 400; any other
# refusal is a session the pool no longer accepts (_BAD_CHALLENGE).
CHALLENGE_REFUSALS = {
    "InvalidPasswordException": ("新密码不符合密码策略" + PASSWORD_POLICY,
                                 [{"field": "new_password", "code": "WEAK_PASSWORD"}]),
    "InvalidParameterException": ("新密码无效：长度不超过 256 个字符，首尾不能是空白",
                                  [{"field": "new_password", "code": "BAD_VALUE"}]),
}


class IdentityPool(Protocol):
    """The user pool (adapters/cognito.CognitoPool): Refused for a verdict, ServiceUnavailable for an outage."""

    def password_login(self, username: str, password: str) -> dict: ...
    def set_new_password(self, username: str, session: str, new_password: str) -> dict: ...
    def create_user(self, username: str, attributes: dict[str, str],
                    temporary_password: str | None = None) -> None: ...
    def set_password(self, username: str, password: str) -> None: ...
    def user(self, username: str) -> dict: ...
    def groups(self, username: str) -> list[str]: ...
    def add_to_group(self, username: str, group: str) -> None: ...
    def remove_from_group(self, username: str, group: str) -> None: ...
    def update_attributes(self, username: str, attributes: dict[str, str]) -> None: ...
    def disable_user(self, username: str) -> None: ...
    def sign_out_everywhere(self, username: str) -> None: ...


def canonical_username(username: str) -> str:
    """Usernames are case-insensitive everywhere (the pool is, and so are throttling and admin)."""
    return username.strip().lower()


@contextmanager
def _known_user():
    """The pool refusing a user name (unknown, or a name it could not hold) is a 404."""
    try:
        yield
    except Refused as exc:
        if exc.reason in ("UserNotFoundException", "InvalidParameterException"):
            raise NotFound("用户不存在") from None
        raise


class AuthService:
    def __init__(self, pool: IdentityPool, throttle, audit, departments: Callable[[str], bool] | None = None):
        self.pool = pool
        self.throttle = throttle
        self.audit = audit
        self.departments = departments  # callable: id → bool (exists), or None

    def login(self, body: dict, request_id: str) -> dict:
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not username or not isinstance(password, str) or not password:
            raise BadRequest("请填写用户名和密码", details=[
                {"field": f, "code": "REQUIRED"} for f in ("username", "password")
                if not isinstance(body.get(f), str) or not body.get(f)])
        username = canonical_username(username)
        if not username:     # blanks only: no account's name, and no audit actor (an index key)
            raise BadRequest("请填写用户名和密码", details=[{"field": "username", "code": "REQUIRED"}])
        who = Principal(username=username[:128], role="unknown")
        key = f"login#{username[:128]}"     # Cognito's usernames are ≤ 128 characters
        if not self.throttle.admit(key, MAX_FAILURES, WINDOW_SECONDS):   # counted before Cognito is asked
            self._audit(who, request_id, "throttled")
            raise TooManyAttempts()
        try:
            resp = self.pool.password_login(username, password)
        except Refused:
            self._audit(who, request_id, "failed")
            raise Unauthenticated("用户名或密码错误") from None
        except ServiceUnavailable:   # an outage counts no failed attempt
            self.throttle.refund(key)
            raise
        self.throttle.clear(key)     # the password was right
        if resp.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            resp = self._set_new_password(who, resp["Session"], body.get("new_password"), request_id)
        self._audit(who, request_id, "ok")
        result = resp["AuthenticationResult"]
        return {"access_token": result["IdToken"], "token_type": "Bearer",
                "expires_in": result.get("ExpiresIn", 3600)}

    def _set_new_password(self, who: Principal, session: str, new_password, request_id: str) -> dict:
        """Answer the NEW_PASSWORD_REQUIRED challenge (the password was right: no failure is counted)."""
        if not isinstance(new_password, str) or not new_password:
            self._audit(who, request_id, "new_password_required")
            raise Unauthenticated("首次登录须设置新密码：请在 new_password 中提供新密码",
                                  details=[{"challenge": "NEW_PASSWORD_REQUIRED"}])
        try:
            return self.pool.set_new_password(who.username, session, new_password)
        except Refused as exc:
            message, details = CHALLENGE_REFUSALS.get(exc.reason, _BAD_CHALLENGE)
            self._audit(who, request_id, "new_password_rejected")
            raise BadRequest(message, details=[dict(d) for d in details]) from None

    def _audit(self, who: Principal, request_id: str, outcome: str) -> None:
        self.audit.record(who, "auth.login", target=who.username, request_id=request_id, outcome=outcome)

    def create_user(self, body: dict) -> dict:
        from chalicelib.services.admin import NewUser

        new = NewUser.parse(body)
        username, role, department, temporary = (canonical_username(new.username), new.role, new.department,
                                                 new.temporary_password)
        errors = []
        if role in ROLES_WITH_DEPARTMENT and (not department or (self.departments and not self.departments(department))):
            errors.append({"field": "department", "code": "REQUIRED" if not department else "NOT_FOUND"})
        if errors:
            raise BadRequest("账号信息不完整或有误", details=errors)
        attrs = {DEPARTMENT: department} if role in ROLES_WITH_DEPARTMENT else {}
        try:
            self.pool.create_user(username, attrs, temporary_password=temporary)
        except Refused as exc:
            code = exc.reason
            if code == "UsernameExistsException":
                raise BadRequest("用户名已存在", code="BAD_REQUEST",
                                 details=[{"field": "username", "code": "EXISTS"}]) from None
            if code in ("InvalidPasswordException", "InvalidParameterException"):
                raise BadRequest("初始密码不符合密码策略" + PASSWORD_POLICY,
                                 details=[{"field": "temporary_password", "code": "WEAK_PASSWORD"}]) from None
            raise
        self.pool.add_to_group(username, role)
        return {"username": username, "role": role,
                "department": department if role in ROLES_WITH_DEPARTMENT else None, "enabled": True}

    def disable_user(self, username: str) -> dict:
        username = canonical_username(username)
        with _known_user():
            self.pool.disable_user(username)
        self._sign_out(username)
        return {"username": username, "enabled": False}

    def update_user(self, username: str, body: dict) -> dict:
        """Change an account's role and/or department; its older tokens stop working (≤ 60 s)."""
        from chalicelib.services.admin import UserUpdate

        username = canonical_username(username)
        update = UserUpdate.parse(body)
        role, department = update.role, update.department
        errors = []
        if department is not None and (not department or (self.departments and not self.departments(department))):
            errors.append({"field": "department", "code": "NOT_FOUND"})
        if not errors and role is None and department is None:
            errors.append({"field": "role", "code": "REQUIRED", "message": "请提供 role 或 department"})
        if errors:
            raise BadRequest("账号信息不完整或有误", details=errors)
        with _known_user():
            user = self.pool.user(username)
        groups = self.pool.groups(username)
        new_role = role or next((r for r in ROLES if r in groups), None)
        new_department = department or user["attributes"].get(DEPARTMENT)
        if new_role in ROLES_WITH_DEPARTMENT and not new_department:
            raise BadRequest("业务角色须绑定部门", details=[{"field": "department", "code": "REQUIRED"}])
        if role:
            for g in groups:
                if g != role:
                    self.pool.remove_from_group(username, g)
            self.pool.add_to_group(username, role)
        if department:
            self.pool.update_attributes(username, {DEPARTMENT: department})
        self._sign_out(username)
        return {"username": username, "role": new_role,
                "department": new_department if new_role in ROLES_WITH_DEPARTMENT else None,
                "enabled": user["enabled"]}

    def _sign_out(self, username: str) -> None:
        """Tokens issued so far are refused: the cut-off the verifier reads, and Cognito's own sign-out
        (refresh tokens)."""
        self.throttle.revoke_tokens(username)
        with _known_user():
            self.pool.sign_out_everywhere(username)

    def ensure_user(self, username: str, role: str, department: str | None, password: str) -> None:
        """Create a user with a permanent password unless it exists (demo accounts, local only)."""
        username = canonical_username(username)
        try:
            self.pool.user(username)
            return
        except Refused as exc:
            if exc.reason != "UserNotFoundException":
                raise
        self.pool.create_user(username, {DEPARTMENT: department} if department else {})
        self.pool.set_password(username, password)
        self.pool.add_to_group(username, role)
