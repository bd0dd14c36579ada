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

# The anonymous routes (identity/policy.py: roles = public) get their own, tighter limits: no login
# stands in front of them, and each class costs something behind it — `read` a few DynamoDB reads
# (a scorecards read is one GetItem), `kms` a KMS call (a credit check with ?attest=1, verify, the
# public key), `login` a Cognito call, `report` a KMS signature and a PDF rendered (~0.4 s CPU). Method paths are "<resource path without the leading />/<METHOD>";
# tests/infra checks that this map names every public /v1 route of the policy table. The static
# pages (/, /pages/{name}) and /health read nothing and stay under the stage-wide limit above.
# These limits are per method for the whole stage, not per caller: they cap what anonymous traffic
# can cost (and an abuser can use up a method's share); per-address limits need a WAF rate rule.
locals {
  anonymous_methods = {
    "v1/auth/token/POST"                            = "login"
    "v1/catalog/GET"                                = "read"
    "v1/templates/{category}/GET"                   = "read"
    "v1/public/enterprises/GET"                     = "read"
    "v1/public/enterprises/{code}/GET"              = "read"
    "v1/public/enterprises/{code}/credit-check/GET" = "kms"
    "v1/public/enterprises/{code}/report.pdf/GET"   = "report"
    "v1/public/open-data/GET"                       = "read"
    "v1/public/attestation-key/GET"                 = "kms"
    "v1/public/attestations/verify/POST"            = "kms"
    "v1/public/changes/GET"                         = "read"
    "v1/public/scorecards/GET"                      = "read"
    "v1/public/objections/POST"                     = "read"
    "v1/public/objections/{objection_id}/GET"       = "read"
    "v1/public/repairs/POST"                        = "read"
    "v1/public/repairs/{repair_id}/GET"             = "read"
    "v1/public/catalog-items/GET"                   = "read"
    "v1/public/format-rules/GET"                    = "read"
  }
}

resource "aws_api_gateway_method_settings" "anonymous" {
  #checkov:skip=CKV_AWS_225:Caching is off on purpose (see the stage).
  for_each    = local.anonymous_methods
  rest_api_id = aws_api_gateway_rest_api.rest_api.id
  stage_name  = aws_api_gateway_stage.api.stage_name
  method_path = each.key

  settings { # a method's settings replace the stage's */* ones: metrics and logging restated
    metrics_enabled        = true
    logging_level          = "ERROR"
    data_trace_enabled     = false
    throttling_rate_limit  = var.api_anonymous_throttle[each.value].rate_limit
    throttling_burst_limit = var.api_anonymous_throttle[each.value].burst_limit
  }
}

# The same limits as a usage plan of the stage. API Gateway applies a usage plan to requests that
# carry one of its API keys on methods that require a key; the anonymous routes require none (browsers
# and bidding offices call them as they are), so for anonymous callers the method settings above are
# what holds. The plan is where a keyed tier (e.g. a bulk open-data consumer) gets its limits and
# quota once the city hands out keys.
resource "aws_api_gateway_usage_plan" "anonymous" {
  name        = "${local.platform.api_name}-anonymous"
  description = "Limits of the anonymous (public) routes of the API stage."

  api_stages {
    api_id = aws_api_gateway_rest_api.rest_api.id
    stage  = aws_api_gateway_stage.api.stage_name

    dynamic "throttle" {
      for_each = local.anonymous_methods
      content {
        path        = "/${throttle.key}"
        rate_limit  = var.api_anonymous_throttle[throttle.value].rate_limit
        burst_limit = var.api_anonymous_throttle[throttle.value].burst_limit
      }
    }
  }

  throttle_settings {
    rate_limit  = var.api_throttle_rate_limit
    burst_limit = var.api_throttle_burst_limit
  }

  quota_settings {
    limit  = var.api_usage_plan_daily_quota
    period = "DAY"
  }
}
