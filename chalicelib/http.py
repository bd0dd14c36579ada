"""HTTP plumbing shared by every route: body parsing, error translation, response shapes."""
from __future__ import annotations

import json
import re
from typing import Any

from chalice import Response

from chalicelib.errors import (
    BadJson,
    BadRequest,
    DomainError,
    NotAcceptable,
    NotFound,
    PayloadTooLarge,
    internal_error_body,
)

MAX_JSON_BYTES = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def attachment(fallback: str, name: str) -> str:
    """Content-Disposition for a download: an ASCII `filename` for old clients and the real
    (Chinese) name as RFC 5987 `filename*`, which browsers prefer."""
    from urllib.parse import quote
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"

def output_format(value: str | None) -> str:
    """A route's `format` query: json (the default) or xlsx."""
    fmt = value or "json"
    if fmt not in ("json", "xlsx"):
        raise BadRequest("format 只能是 json 或 xlsx", details=[{"field": "format", "code": "BAD_ENUM"}])
    return fmt


def xlsx_download(body: bytes, fallback: str, name: str, headers: dict | None = None) -> Response:
    """An xlsx file as a download (`attachment` names it)."""
    return Response(body=body, status_code=200, headers={
        "Content-Type": XLSX, "Content-Disposition": attachment(fallback, name), **(headers or {})})


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


MAX_DEPTH = 32              # objects/arrays inside each other; a real body needs 4
MAX_NUMBER_CHARS = 40       # a number's literal (DynamoDB keeps 38 significant digits)


class _TooLong:
    """A number literal longer than MAX_NUMBER_CHARS, kept as a marker until the whole body is read."""
    __slots__ = ("chars",)

    def __init__(self, text: str):
        self.chars = len(text)


def _number(convert):
    def parse(text: str):
        return _TooLong(text) if len(text) > MAX_NUMBER_CHARS else convert(text)
    return parse


_DECODER = json.JSONDecoder(parse_int=_number(int), parse_float=_number(float))
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")   # \ud800–\udfff: a pair is fine, a lone one is not text


def parse_json(raw: bytes | None, *, required: bool = True) -> Any:
    """The request body as JSON — the one parser of request bodies: BAD_JSON with a Chinese reason
    and the JSON path of what is wrong (a number of more than MAX_NUMBER_CHARS characters, nesting
    deeper than MAX_DEPTH, a lone surrogate escape that is no text), PAYLOAD_TOO_LARGE past MAX_JSON_BYTES."""
    if not raw:
        if required:
            raise BadJson("请求体为空，应为 JSON 对象")
        return {}
    if len(raw) > MAX_JSON_BYTES:
        raise PayloadTooLarge(details=[{"max_bytes": MAX_JSON_BYTES, "bytes": len(raw)}])
    try:
        value = _DECODER.decode(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadJson("请求体不是 UTF-8 编码", details=[{"position": exc.start}]) from None
    except json.JSONDecodeError as exc:
        raise BadJson(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列", details=[
            {"line": exc.lineno, "column": exc.colno}]) from None
    except RecursionError:
        raise BadJson(f"JSON 嵌套层次过深（最多 {MAX_DEPTH} 层）",
                      details=[{"field": "", "code": "TOO_DEEP", "max_depth": MAX_DEPTH}]) from None
    problems = _problems(value, strings=bool(_SURROGATE_ESCAPE.search(raw)))
    if problems:
        raise BadJson("JSON 中有过长的数字、过深的嵌套或无效的字符", details=problems)
    return value


def _problems(value: Any, *, strings: bool, limit: int = 20) -> list[dict]:
    """Numbers too long, containers too deep and (`strings`) text that is no Unicode, each with its JSON
    path (walked without recursion)."""
    out: list[dict] = []
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack and len(out) < limit:
        node, path, depth = stack.pop()
        if strings and isinstance(node, str) and not _is_text(node):
            out.append({"field": path, "code": "BAD_UNICODE"})
        elif isinstance(node, _TooLong):
            out.append({"field": path, "code": "NUMBER_TOO_LONG", "max_chars": MAX_NUMBER_CHARS,
                        "chars": node.chars})
        elif isinstance(node, (dict, list)):
            if depth >= MAX_DEPTH:
                out.append({"field": path, "code": "TOO_DEEP", "max_depth": MAX_DEPTH})
                continue
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in items:
                if strings and isinstance(key, str) and not _is_text(key):
                    out.append({"field": path, "code": "BAD_UNICODE"})
                    continue
                child_path = f"{path}[{key}]" if isinstance(node, list) else (f"{path}.{key}" if path else str(key))
                stack.append((child, child_path, depth + 1))
    return out


def _is_text(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def json_object(raw: bytes | None) -> dict:
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise BadRequest("请求体应为 JSON 对象")
    return body


MAX_PARAM_BYTES = 1024     # a path or query value: DynamoDB keys hold at most 1024 (sort) / 2048 (partition) bytes


def reason_of(body: dict, message: str, limit: int = 500) -> str:
    """The body's non-blank `reason` (withdraw, reinstate, dismiss), trimmed and cut to `limit`."""
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise BadRequest(message, details=[{"field": "reason", "code": "REQUIRED"}])
    return reason.strip()[:limit]


def check_params(path_params: dict | None, query_params) -> None:
    """Every path and query value (the cursor has its own bound) at most MAX_PARAM_BYTES of UTF-8: a
    longer one is no id, code, name or date of the platform, and would be a ValidationException of
    DynamoDB as a key. A path names nothing then (404), a query is a 400; both name the parameters."""
    def too_long(pairs) -> list[dict]:
        names = sorted({n for n, v in pairs if len(str(v).encode("utf-8", "surrogatepass")) > MAX_PARAM_BYTES})
        return [{"field": n, "code": "TOO_LONG", "max_bytes": MAX_PARAM_BYTES} for n in names]

    details = too_long((path_params or {}).items())
    if details:
        raise NotFound("未找到", details=details)
    details = too_long((n, v) for n in (query_params or {}).keys() if n != "cursor" for v in query_params.getlist(n))
    if details:
        raise BadRequest("请求参数过长", details=details)


def acceptable(headers, response: Any, binary_types: list[str]) -> Any:
    """A binary answer (a content type of `binary_types`) only to a request whose Accept header names
    that type or */* (as Chalice matches it): API Gateway hands a binary body over only then (base64 text
    otherwise) and Chalice answers a bare 400. Anything else is a 406 naming the header to send —
    e.g. Python's urllib, which sends no Accept header."""
    if not isinstance(response, Response):
        return response
    ctype = {k.lower(): v for k, v in (response.headers or {}).items()}.get("content-type", "")
    ctype = ctype.split(";")[0].strip().lower()
    if ctype not in {t.lower() for t in binary_types}:
        return response
    accept = (headers or {}).get("accept") or ""
    wanted = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    if wanted & {ctype, "*/*"}:      # as Chalice and API Gateway match it (no "application/*")
        return response
    raise NotAcceptable(f"该接口返回文件（{ctype}），请在请求头 Accept 中指明：Accept: {ctype}",
                        details=[{"header": "Accept", "value": ctype, "received": accept[:200] or None}])


def error_response(err: DomainError) -> Response:
    return Response(body=err.body(), status_code=err.status,
                    headers={"Content-Type": "application/json; charset=utf-8", **getattr(err, "headers", {})})


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
