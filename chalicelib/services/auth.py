"""Login (以用户名、密码登录) against the Cognito pool, with throttling; account administration."""
from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import BadRequest, NotFound, ServiceUnavailable, TooManyAttempts, Unauthenticated
from chalicelib.models.principal import Principal

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
ROLES_WITH_DEPARTMENT = ("operator", "system")
COGNITO_DOWN = "身份认证服务暂时不可用，请稍后重试"


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
        who = Principal(username=username[:128], role="unknown")
        key = f"login#{username[:128]}"
        if self.throttle.failures(key) >= MAX_FAILURES:
            self.audit.record(who, "auth.login", target=who.username, request_id=request_id, outcome="throttled")
            raise TooManyAttempts()
        try:
            resp = self.idp.initiate_auth(ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                          AuthParameters={"USERNAME": username, "PASSWORD": password})
        except BotoCoreError as exc:      # Cognito out of reach: an outage, not a failed attempt
            raise ServiceUnavailable(COGNITO_DOWN) from exc
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in ("NotAuthorizedException", "UserNotFoundException",
                                                      "InvalidParameterException", "UserNotConfirmedException"):
                raise ServiceUnavailable(COGNITO_DOWN) from exc      # Cognito's own failure (5xx, throttling)
            self.throttle.add_failure(key, WINDOW_SECONDS)
            self.audit.record(who, "auth.login", target=who.username, request_id=request_id, outcome="failed")
            raise Unauthenticated("用户名或密码错误") from None
        if resp.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            new_password = body.get("new_password")
            if not isinstance(new_password, str) or not new_password:
                self.audit.record(who, "auth.login", target=who.username, request_id=request_id,
                                  outcome="new_password_required")
                raise Unauthenticated("首次登录须设置新密码：请在 new_password 中提供新密码",
                                      details=[{"challenge": "NEW_PASSWORD_REQUIRED"}])
            resp = self.idp.respond_to_auth_challenge(
                ClientId=self.client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=resp["Session"],
                ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": new_password})
        self.throttle.clear(key)
        self.audit.record(who, "auth.login", target=who.username, request_id=request_id, outcome="ok")
        result = resp["AuthenticationResult"]
        return {"access_token": result["IdToken"], "token_type": "Bearer",
                "expires_in": result.get("ExpiresIn", 3600)}

    def create_user(self, body: dict) -> dict:
        username, role = body.get("username"), body.get("role")
        department, temporary = body.get("department"), body.get("temporary_password")
        errors = [{"field": f, "code": "REQUIRED"} for f in ("username", "role", "temporary_password")
                  if not isinstance(body.get(f), str) or not body.get(f)]
        if role not in (None, "admin", "supervisor", "operator", "system"):
            errors.append({"field": "role", "code": "BAD_ENUM"})
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
                raise BadRequest("初始密码不符合密码策略（至少 8 位，含大小写字母、数字和符号）",
                                 details=[{"field": "temporary_password", "code": "WEAK_PASSWORD"}]) from None
            raise
        self.idp.admin_add_user_to_group(UserPoolId=self.pool_id, Username=username, GroupName=role)
        return {"username": username, "role": role,
                "department": department if role in ROLES_WITH_DEPARTMENT else None, "enabled": True}

    def disable_user(self, username: str) -> dict:
        try:
            self.idp.admin_disable_user(UserPoolId=self.pool_id, Username=username)
            self.idp.admin_user_global_sign_out(UserPoolId=self.pool_id, Username=username)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "UserNotFoundException":
                raise NotFound("用户不存在") from None
            raise
        return {"username": username, "enabled": False}

    def ensure_user(self, username: str, role: str, department: str | None, password: str) -> None:
        """Create a user with a permanent password unless it exists (demo accounts, local only)."""
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
