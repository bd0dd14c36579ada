# Errors API Gateway answers itself (before the app runs) carry the app's error shape too
# (SPEC §6.1): {"error": {"code": "...", "message": "中文说明", "details": []}}.
# status = null keeps the status API Gateway chose.
locals {
  gateway_responses = {
    DEFAULT_4XX                  = { status = null, code = "BAD_REQUEST", message = "请求无效" }
    DEFAULT_5XX                  = { status = null, code = "INTERNAL", message = "服务内部错误，请稍后重试" }
    BAD_REQUEST_BODY             = { status = null, code = "BAD_REQUEST", message = "请求体无效" }
    BAD_REQUEST_PARAMETERS       = { status = null, code = "BAD_REQUEST", message = "请求参数无效" }
    MISSING_AUTHENTICATION_TOKEN = { status = "404", code = "NOT_FOUND", message = "请求的资源不存在" }
    UNAUTHORIZED                 = { status = null, code = "UNAUTHENTICATED", message = "未登录或登录已过期" }
    ACCESS_DENIED                = { status = null, code = "FORBIDDEN", message = "无权执行此操作" }
    REQUEST_TOO_LARGE            = { status = null, code = "PAYLOAD_TOO_LARGE", message = "请求体过大" }
    UNSUPPORTED_MEDIA_TYPE       = { status = null, code = "UNSUPPORTED_MEDIA_TYPE", message = "不支持的内容类型" }
    THROTTLED                    = { status = null, code = "TOO_MANY_ATTEMPTS", message = "请求过于频繁，请稍后重试" }
    INTEGRATION_TIMEOUT          = { status = null, code = "INTERNAL", message = "处理超时，请稍后重试" }
  }
}

resource "aws_api_gateway_gateway_response" "this" {
  for_each = local.gateway_responses

  rest_api_id   = aws_api_gateway_rest_api.rest_api.id
  response_type = each.key
  status_code   = each.value.status

  response_templates = {
    "application/json" = jsonencode({
      error = { code = each.value.code, message = each.value.message, details = [] }
    })
  }

  response_parameters = {
    "gatewayresponse.header.Content-Type" = "'application/json; charset=utf-8'"
  }
}
