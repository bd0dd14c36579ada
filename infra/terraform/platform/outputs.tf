# Read by the app root (terraform_remote_state) and by operators.

output "stage" {
  description = "Deployment stage (STAGE)."
  value       = var.stage
}

output "region" {
  description = "Region of the stage."
  value       = local.region
}

output "resource_prefix" {
  description = "Prefix of table, queue and function names (RESOURCE_PREFIX)."
  value       = var.resource_prefix
}

output "bucket_prefix" {
  description = "Prefix of bucket names (BUCKET_PREFIX)."
  value       = var.bucket_prefix
}

output "table_names" {
  description = "DynamoDB table names by logical name."
  value       = { for logical, table in local.tables : logical => table.name }
}

output "bucket_names" {
  description = "S3 bucket names by logical name."
  value       = { for logical, bucket in local.buckets : logical => bucket.id }
}

output "queue_urls" {
  description = "SQS queue URLs by logical name."
  value       = { for logical, queue in local.queues : logical => queue.url }
}

output "queue_arns" {
  description = "SQS queue ARNs by logical name."
  value       = { for logical, queue in local.queues : logical => queue.arn }
}

output "user_pool_id" {
  description = "Cognito user pool id (USER_POOL_ID)."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "Cognito user pool ARN."
  value       = aws_cognito_user_pool.this.arn
}

output "user_pool_client_id" {
  description = "Cognito app client id, the ID token's audience (USER_POOL_CLIENT_ID)."
  value       = aws_cognito_user_pool_client.this.id
}

output "token_issuer" {
  description = "Expected `iss` of ID tokens (TOKEN_ISSUER); the partition's domain, so right in the China regions too."
  value       = "https://${aws_cognito_user_pool.this.endpoint}"
}

output "jwks_url" {
  description = "The pool's JWKS (JWKS_URL)."
  value       = "https://${aws_cognito_user_pool.this.endpoint}/.well-known/jwks.json"
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies."
  value       = aws_sns_topic.alarms.arn
}

output "kms_key_arn" {
  description = "The stage's KMS key (data at rest, Lambda environment, schedules)."
  value       = aws_kms_key.this.arn
}

output "publicity_endpoint" {
  description = "National publicity system endpoint (PUBLICITY_ENDPOINT); empty for the exchange-bucket outbox."
  value       = var.publicity_endpoint
}

output "publicity_secret_arn" {
  description = "Secrets Manager secret holding the publicity HMAC key (PUBLICITY_SECRET_ID)."
  value       = aws_secretsmanager_secret.publicity.arn
}

output "metrics_namespace" {
  description = "Base namespace of the custom metrics (METRICS_NAMESPACE); the code appends -<stage>."
  value       = var.metrics_namespace
}

output "cloudwatch_namespace" {
  description = "Namespace the custom metrics land in (<metrics_namespace>-<stage>), as POWERTOOLS_METRICS_NAMESPACE."
  value       = local.metrics_namespace
}

output "metrics_service" {
  description = "Powertools service name the custom-metric alarms select (POWERTOOLS_SERVICE_NAME)."
  value       = var.metrics_service
}

output "function_names" {
  description = "Lambda function names by logical name (FUNCTIONS); the app root names its functions so."
  value       = local.function_names
}

output "lambda_role_arns" {
  description = "Execution role ARN of each Lambda function by logical name."
  value       = { for fn, role in aws_iam_role.lambda : fn => role.arn }
}

output "api_name" {
  description = "Name of the REST API (the 5xx alarm's ApiName dimension)."
  value       = local.api_name
}

output "api_stage_name" {
  description = "Stage name of the REST API."
  value       = var.api_stage_name
}

output "api_access_log_group_arn" {
  description = "Log group for API Gateway access logs."
  value       = aws_cloudwatch_log_group.api_access.arn
}

output "schedule_group_name" {
  description = "EventBridge Scheduler group of the job schedules."
  value       = aws_scheduler_schedule_group.this.name
}
