"""Login (以用户名、密码登录) against the Cognito pool, with throttling; account administration."""
from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import BadRequest, NotFound, ServiceUnavailable, TooManyAttempts, Unauthenticated
from chalicelib.models.principal import ROLES, Principal

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
ROLES_WITH_DEPARTMENT = ("operator", "system")
COGNITO_DOWN = "身份认证服务暂时不可用，请稍后重试"
PASSWORD_POLICY = "（至少 8 位，含大小写字母、数字和符号）"
# Cognito's refusals of a username + password: a failed login (counted). Any other error is an outage.
LOGIN_REFUSALS = ("NotAuthorizedException", "UserNotFoundException", "InvalidParameterException",
                  "UserNotConfirmedException")
_BAD_CHALLENGE = ("首次登录设置新密码的会话无效或已过期，请重新提交（用户名、临时密码和新密码）",
                  [{"challenge": "NEW_PASSWORD_REQUIRED", "code": "BAD_CHALLENGE"}])
# Cognito's refusals of the NEW_PASSWORD_REQUIRED response → (message, details) of a 400. Any other
# error is an outage (503).
CHALLENGE_REFUSALS = {
    "InvalidPasswordException": ("新密码不符合密码策略" + PASSWORD_POLICY,
                                 [{"field": "new_password", "code": "WEAK_PASSWORD"}]),
    "InvalidParameterException": ("新密码无效：长度不超过 256 个字符，首尾不能是空白",
                                  [{"field": "new_password", "code": "BAD_VALUE"}]),
    **dict.fromkeys(("NotAuthorizedException", "CodeMismatchException", "ExpiredCodeException",
                     "ResourceNotFoundException", "UserNotFoundException"), _BAD_CHALLENGE),
}


def canonical_username(username: str) -> str:
    """Usernames are case-insensitive everywhere (the pool is, and so are throttling and admin)."""
    return username.strip().lower()


def cognito(call, refusals, **params) -> dict:
    """call(**params); an error whose code is in `refusals` is raised as it is (Cognito refused the
    request), any other error — Cognito out of reach, failing or throttling — is ServiceUnavailable."""
    try:
        return call(**params)
    except BotoCoreError as exc:
        raise ServiceUnavailable(COGNITO_DOWN) from exc
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in refusals:
            raise ServiceUnavailable(COGNITO_DOWN) from exc
        raise


class AuthService:
    def __init__(self, idp, pool_id: str, client_id: str, throttle, audit, departments=None):
        self.idp = idp
        self.pool_id = pool_id
        self.client_id = client_id
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
            resp = cognito(self.idp.initiate_auth, LOGIN_REFUSALS, ClientId=self.client_id,
                           AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": password})
        except ClientError:
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
            return cognito(self.idp.respond_to_auth_challenge, CHALLENGE_REFUSALS, ClientId=self.client_id,
                           ChallengeName="NEW_PASSWORD_REQUIRED", Session=session,
                           ChallengeResponses={"USERNAME": who.username, "NEW_PASSWORD": new_password})
        except ClientError as exc:
            message, details = CHALLENGE_REFUSALS[exc.response["Error"]["Code"]]
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
        attrs = [{"Name": "custom:department", "Value": department}] if role in ROLES_WITH_DEPARTMENT else []
        try:
            self.idp.admin_create_user(UserPoolId=self.pool_id, Username=username, TemporaryPassword=temporary,
                                       UserAttributes=attrs, MessageAction="SUPPRESS")
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            if code == "UsernameExistsException":
                raise BadRequest("用户名已存在", code="BAD_REQUEST",
                                 details=[{"field": "username", "code": "EXISTS"}]) from None
            if code in ("InvalidPasswordException", "InvalidParameterException"):
                raise BadRequest("初始密码不符合密码策略" + PASSWORD_POLICY,
                                 details=[{"field": "temporary_password", "code": "WEAK_PASSWORD"}]) from None
            raise
        self.idp.admin_add_user_to_group(UserPoolId=self.pool_id, Username=username, GroupName=role)
        return {"username": username, "role": role,
                "department": department if role in ROLES_WITH_DEPARTMENT else None, "enabled": True}

    def disable_user(self, username: str) -> dict:
        username = canonical_username(username)
        self._admin(self.idp.admin_disable_user, username)
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
        user = self._admin(self.idp.admin_get_user, username)
        attrs = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        groups = [g["GroupName"] for g in self.idp.admin_list_groups_for_user(
            UserPoolId=self.pool_id, Username=username).get("Groups", [])]
        new_role = role or next((r for r in ROLES if r in groups), None)
        new_department = department or attrs.get("custom:department")
        if new_role in ROLES_WITH_DEPARTMENT and not new_department:
            raise BadRequest("业务角色须绑定部门", details=[{"field": "department", "code": "REQUIRED"}])
        if role:
            for g in groups:
                if g != role:
                    self.idp.admin_remove_user_from_group(UserPoolId=self.pool_id, Username=username, GroupName=g)
            self.idp.admin_add_user_to_group(UserPoolId=self.pool_id, Username=username, GroupName=role)
        if department:
            self.idp.admin_update_user_attributes(UserPoolId=self.pool_id, Username=username, UserAttributes=[
                {"Name": "custom:department", "Value": department}])
        self._sign_out(username)
        return {"username": username, "role": new_role,
                "department": new_department if new_role in ROLES_WITH_DEPARTMENT else None,
                "enabled": user.get("Enabled", True)}

    def _admin(self, call, username: str) -> dict:
        try:
            return call(UserPoolId=self.pool_id, Username=username)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("UserNotFoundException", "InvalidParameterException"):
                raise NotFound("用户不存在") from None      # also: a name Cognito could not hold
            raise

    def _sign_out(self, username: str) -> None:
        """Tokens issued so far are refused: the cut-off the verifier reads, and Cognito's own sign-out
        (refresh tokens)."""
        self.throttle.revoke_tokens(username)
        self._admin(self.idp.admin_user_global_sign_out, username)

    def ensure_user(self, username: str, role: str, department: str | None, password: str) -> None:
        """Create a user with a permanent password unless it exists (demo accounts, local only)."""
        username = canonical_username(username)
        try:
            self.idp.admin_get_user(UserPoolId=self.pool_id, Username=username)
            return
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "UserNotFoundException":
                raise
        attrs = [{"Name": "custom:department", "Value": department}] if department else []
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=username, UserAttributes=attrs,
                                   MessageAction="SUPPRESS")
        self.idp.admin_set_user_password(UserPoolId=self.pool_id, Username=username, Password=password,
                                         Permanent=True)
        self.idp.admin_add_user_to_group(UserPoolId=self.pool_id, Username=username, GroupName=role)
