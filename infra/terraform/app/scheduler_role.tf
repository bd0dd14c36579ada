# EventBridge Scheduler assumes this role to invoke job_runner (and to read the schedules'
# KMS-encrypted input).
resource "aws_iam_role" "scheduler" {
  name               = "${local.platform.resource_prefix}-scheduler"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
}

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.chalice.account_id]
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "invoke-job-runner"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "InvokeJobRunner"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.job_runner.arn, "${aws_lambda_function.job_runner.arn}:*"]
  }

  statement {
    sid       = "DecryptScheduleInput"
    actions   = ["kms:Decrypt"]
    resources = [local.platform.kms_key_arn]
  }
}

# Scheduler invokes asynchronously. Jobs are idempotent and the hourly forward retry catches
# up, so one Lambda retry is enough; a run that still fails raises the Errors alarm.
resource "aws_lambda_function_event_invoke_config" "job_runner" {
  function_name                = aws_lambda_function.job_runner.function_name
  maximum_retry_attempts       = 1
  maximum_event_age_in_seconds = 3600
}
