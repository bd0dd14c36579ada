# Merged into the functions of Chalice's chalice.tf.json. Chalice names them api_handler (the
# REST API), upload_worker and job_runner (@app.lambda_function names, chalicelib/resources.py
# FUNCTIONS). Here they get the platform's names (which its log groups and alarms expect), their
# least-privilege roles, the environment, the stage key, reserved concurrency and X-Ray tracing.
# Memory and timeouts stay in .chalice/config.json (stage prod), where Chalice reads them.

resource "aws_lambda_function" "api_handler" {
  #checkov:skip=CKV_AWS_117:The functions reach only AWS regional endpoints and the publicity system over HTTPS; a VPC would add NAT/endpoint cost and no isolation.
  #checkov:skip=CKV_AWS_116:Invoked synchronously by API Gateway: the caller gets the error; a DLQ never receives anything.
  #checkov:skip=CKV_AWS_272:The deployment zip is built by `chalice package` in CI from the reviewed commit; code signing is not set up.
  function_name                  = local.platform.function_names["api"]
  role                           = local.platform.lambda_role_arns["api"]
  reserved_concurrent_executions = var.api_reserved_concurrency
  kms_key_arn                    = local.platform.kms_key_arn

  environment {
    variables = local.lambda_environment
  }

  tracing_config {
    mode = "Active"
  }
}

resource "aws_lambda_function" "upload_worker" {
  #checkov:skip=CKV_AWS_117:The functions reach only AWS regional endpoints over HTTPS; a VPC would add NAT/endpoint cost and no isolation.
  #checkov:skip=CKV_AWS_116:Fed by SQS: failed messages go to the upload-events queue's own DLQ (redrive policy), not to a function DLQ.
  #checkov:skip=CKV_AWS_272:The deployment zip is built by `chalice package` in CI from the reviewed commit; code signing is not set up.
  function_name                  = local.platform.function_names["upload_worker"]
  role                           = local.platform.lambda_role_arns["upload_worker"]
  reserved_concurrent_executions = var.upload_worker_reserved_concurrency
  kms_key_arn                    = local.platform.kms_key_arn
  layers                         = [aws_lambda_layer_version.worker_columnar.arn] # fastexcel + polars (worker_layer.tf)

  ephemeral_storage {
    size = 1024 # a 60 MB spreadsheet and its feedback file in /tmp
  }

  environment {
    variables = local.lambda_environment
  }

  tracing_config {
    mode = "Active"
  }
}

resource "aws_lambda_function" "job_runner" {
  #checkov:skip=CKV_AWS_117:The functions reach only AWS regional endpoints and the publicity system over HTTPS; a VPC would add NAT/endpoint cost and no isolation.
  #checkov:skip=CKV_AWS_116:Jobs are idempotent and re-run by their next schedule; a failed run raises the Errors alarm, and failed forward batches go to forward-dlq from the code.
  #checkov:skip=CKV_AWS_272:The deployment zip is built by `chalice package` in CI from the reviewed commit; code signing is not set up.
  function_name                  = local.platform.function_names["job_runner"]
  role                           = local.platform.lambda_role_arns["job_runner"]
  reserved_concurrent_executions = var.job_runner_reserved_concurrency
  kms_key_arn                    = local.platform.kms_key_arn

  environment {
    variables = local.lambda_environment
  }

  tracing_config {
    mode = "Active"
  }
}
