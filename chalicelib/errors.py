"""Typed domain errors, raised low and translated to HTTP in one place (app.py's handler).

Every error body is {"error": {"code", "message" (Chinese), "details": [...]}} (SPEC §6.1).
"""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "BAD_REQUEST"
    message = "请求有误"

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 details: list[Any] | None = None):
        super().__init__(message or self.message)
        if message:
            self.message = message
        if code:
            self.code = code
        self.details = details or []

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class BadRequest(DomainError):
    pass


class BadJson(DomainError):
    code = "BAD_JSON"
    message = "请求体不是有效的 JSON"


class Unauthenticated(DomainError):
    status = 401
    code = "UNAUTHENTICATED"
    message = "未登录或登录已失效，请重新登录"


class Forbidden(DomainError):
    status = 403
    code = "FORBIDDEN"
    message = "无权执行此操作"


class NotAllowedCategory(Forbidden):
    code = "NOT_ALLOWED_CATEGORY"
    message = "本部门的归集目录不包含该信息类别"


class NotFound(DomainError):
    status = 404
    code = "NOT_FOUND"
    message = "未找到"


class Conflict(DomainError):
    status = 409
    code = "VERSION_CONFLICT"
    message = "记录已被他人修改，请刷新后重试"


class Withdrawn(Conflict):
    code = "WITHDRAWN"
    message = "记录已撤销，不能修改"


class PayloadTooLarge(DomainError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"
    message = "请求体过大：JSON 不超过 5 MB、每批不超过 1000 条"


class NotAcceptable(DomainError):
    status = 406
    code = "NOT_ACCEPTABLE"
    message = "该接口返回文件，请在请求头 Accept 中指明文件类型"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"
    message = "仅支持 application/json"


class TooManyAttempts(DomainError):
    status = 429
    code = "TOO_MANY_ATTEMPTS"
    message = "登录失败次数过多，请 15 分钟后再试"


class TooManyFilings(TooManyAttempts):
    """A public write (异议 / 信用修复) over its hourly limit; Retry-After says when to try again."""
    message = "提交过于频繁，请稍后再试"

    def __init__(self, retry_after: int, **kwargs):
        super().__init__(**kwargs)
        self.headers = {"Retry-After": str(max(int(retry_after), 1))}


class NotEligible(DomainError):
    code = "NOT_ELIGIBLE"
    message = "该记录不符合信用修复条件"


class ServiceUnavailable(DomainError):
    """A service the request needs (Cognito, the JWKS, KMS) failed or is out of reach: retry later."""
    status = 503
    code = "SERVICE_UNAVAILABLE"
    message = "依赖的服务暂时不可用，请稍后重试"


def internal_error_body() -> dict:
    return {"error": {"code": "INTERNAL", "message": "系统内部错误，请稍后重试", "details": []}}
