# Environment of every function: what chalicelib/config.py Settings reads on AWS (tests/infra
# checks the names against its _ENV map), plus Powertools' own settings. Local-only settings
# (AWS_ENDPOINT_URL, LOCAL_DEMO_PASSWORD, WEBHOOK_ALLOW_PRIVATE: watchlist callbacks are public https
# hosts on AWS, no SSRF escape hatch) are never set here.
locals {
  lambda_environment = {
    STAGE               = local.platform.stage
    RESOURCE_PREFIX     = local.platform.resource_prefix
    BUCKET_PREFIX       = local.platform.bucket_prefix
    USER_POOL_ID        = local.platform.user_pool_id
    USER_POOL_CLIENT_ID = local.platform.user_pool_client_id
    JWKS_URL            = local.platform.jwks_url
    TOKEN_ISSUER        = local.platform.token_issuer
    PUBLICITY_ENDPOINT  = local.platform.publicity_endpoint
    PUBLICITY_SECRET_ID = local.platform.publicity_secret_arn
    METRICS_NAMESPACE   = local.platform.metrics_namespace

    UPLOAD_WRITE_THREADS = var.upload_write_threads

    POWERTOOLS_SERVICE_NAME      = local.platform.metrics_service
    POWERTOOLS_METRICS_NAMESPACE = local.platform.cloudwatch_namespace
    POWERTOOLS_LOG_LEVEL         = var.log_level
  }
}
