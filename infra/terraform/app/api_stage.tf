resource "aws_api_gateway_stage" "api" {
  #checkov:skip=CKV_AWS_120:Responses are per user or change with every submission; caching would serve stale or foreign data and costs per hour.
  #checkov:skip=CKV2_AWS_51:A public API for browsers, department systems and the public: there are no client certificates to require.
  #checkov:skip=CKV2_AWS_29:No WAF: stage throttling and the app's login throttle bound abuse; add a web ACL here if the city's security review asks for one.
  rest_api_id          = aws_api_gateway_rest_api.rest_api.id
  deployment_id        = aws_api_gateway_deployment.rest_api.id
  stage_name           = local.platform.api_stage_name
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = local.platform.api_access_log_group_arn
    format = jsonencode({
      requestId      = "$context.requestId"
      ip             = "$context.identity.sourceIp"
      requestTime    = "$context.requestTime"
      httpMethod     = "$context.httpMethod"
      resourcePath   = "$context.resourcePath"
      status         = "$context.status"
      responseLength = "$context.responseLength"
      latency        = "$context.responseLatency"
      errorType      = "$context.error.responseType"
      xrayTraceId    = "$context.xrayTraceId"
    })
  }
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:Caching is off on purpose (see the stage).
  rest_api_id = aws_api_gateway_rest_api.rest_api.id
  stage_name  = aws_api_gateway_stage.api.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = "ERROR"
    data_trace_enabled     = false # would log request bodies: personal data
    throttling_rate_limit  = var.api_throttle_rate_limit
    throttling_burst_limit = var.api_throttle_burst_limit
  }
}
