"""HTTP plumbing shared by every route: body parsing, error translation, response shapes."""
from __future__ import annotations

import json
from typing import Any

from chalice import Response

from chalicelib.errors import BadJson, BadRequest, DomainError, PayloadTooLarge, internal_error_body

MAX_JSON_BYTES = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(fallback: str, name: str) -> str:
    """Content-Disposition for a download: an ASCII `filename` for old clients and the real
    (Chinese) name as RFC 5987 `filename*`, which browsers prefer."""
    from urllib.parse import quote
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"

# Chalice's own error responses ({"Code", "Message"}) mapped to ours (SPEC §6.1).
_CHALICE_CODES = {
    "BadRequestError": ("BAD_REQUEST", "请求有误"),
    "BadRequest": ("BAD_REQUEST", "请求有误"),
    "UnsupportedMediaType": ("UNSUPPORTED_MEDIA_TYPE", "仅支持 application/json"),
    "MethodNotAllowedError": ("BAD_REQUEST", "不支持该请求方法"),
    "NotFoundError": ("NOT_FOUND", "未找到"),
    "UnauthorizedError": ("UNAUTHENTICATED", "未登录或登录已失效"),
    "ForbiddenError": ("FORBIDDEN", "无权执行此操作"),
    "InternalServerError": ("INTERNAL", "系统内部错误，请稍后重试"),
}


def parse_json(raw: bytes | None, *, required: bool = True) -> Any:
    """The request body as JSON; BAD_JSON / PAYLOAD_TOO_LARGE with a Chinese reason otherwise."""
    if not raw:
        if required:
            raise BadJson("请求体为空，应为 JSON 对象")
        return {}
    if len(raw) > MAX_JSON_BYTES:
        raise PayloadTooLarge(details=[{"max_bytes": MAX_JSON_BYTES, "bytes": len(raw)}])
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadJson("请求体不是 UTF-8 编码", details=[{"position": exc.start}]) from None
    except json.JSONDecodeError as exc:
        raise BadJson(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列", details=[
            {"line": exc.lineno, "column": exc.colno}]) from None
    except RecursionError:
        raise BadJson("JSON 嵌套层次过深", details=[{"code": "TOO_DEEP"}]) from None


def json_object(raw: bytes | None) -> dict:
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise BadRequest("请求体应为 JSON 对象")
    return body


def error_response(err: DomainError) -> Response:
    return Response(body=err.body(), status_code=err.status,
                    headers={"Content-Type": "application/json; charset=utf-8"})


def internal_response() -> Response:
    return Response(body=internal_error_body(), status_code=500)


def normalise_error(response: Response) -> Response:
    """Rewrite Chalice's {"Code","Message"} errors into the platform's error body."""
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
        code, message = _CHALICE_CODES.get(body["Code"], ("BAD_REQUEST", "请求有误"))
        if response.status_code >= 500:
            code, message = "INTERNAL", _CHALICE_CODES["InternalServerError"][1]
        response.body = {"error": {"code": code, "message": message, "details": []}}
    return response
