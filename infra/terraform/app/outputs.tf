# Chalice's own outputs (EndpointURL, RestAPIId) come with chalice.tf.json.

output "api_url" {
  description = "Base URL of the REST API stage."
  value       = aws_api_gateway_stage.api.invoke_url
}

output "function_arns" {
  description = "Lambda function ARNs by logical name (chalicelib/resources.py FUNCTIONS)."
  value = {
    api           = aws_lambda_function.api_handler.arn
    upload_worker = aws_lambda_function.upload_worker.arn
    job_runner    = aws_lambda_function.job_runner.arn
  }
}

output "scheduler_role_arn" {
  description = "Role EventBridge Scheduler uses to invoke job_runner."
  value       = aws_iam_role.scheduler.arn
}
