# One schedule per chalicelib/resources.py SCHEDULES entry (tests/infra compares them): AWS cron
# in Asia/Shanghai, input {"job": <job>, ...payload} for job_runner. EventBridge Scheduler,
# not Chalice's @app.schedule, because plain EventBridge rules know only UTC.

# Daily forward of new, changed and withdrawn records to the publicity system.
resource "aws_scheduler_schedule" "forward_daily" {
  name                         = "${local.platform.resource_prefix}-forward-daily"
  group_name                   = local.platform.schedule_group_name
  schedule_expression          = "cron(0 2 * * ? *)"
  schedule_expression_timezone = "Asia/Shanghai"
  kms_key_arn                  = local.platform.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.job_runner.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ job = "forward" })

    retry_policy {
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 3600
    }
  }
}

# Hourly retry of forward batches that failed (retry_only).
resource "aws_scheduler_schedule" "forward_retry" {
  name                         = "${local.platform.resource_prefix}-forward-retry"
  group_name                   = local.platform.schedule_group_name
  schedule_expression          = "cron(30 * * * ? *)"
  schedule_expression_timezone = "Asia/Shanghai"
  kms_key_arn                  = local.platform.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.job_runner.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ job = "forward", retry_only = true })

    retry_policy {
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 3600
    }
  }
}

# Expiry sweep: records past publish_until leave the public side (archived).
resource "aws_scheduler_schedule" "expire" {
  name                         = "${local.platform.resource_prefix}-expire"
  group_name                   = local.platform.schedule_group_name
  schedule_expression          = "cron(0 3 * * ? *)"
  schedule_expression_timezone = "Asia/Shanghai"
  kms_key_arn                  = local.platform.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.job_runner.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ job = "expire" })

    retry_policy {
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 3600
    }
  }
}

# Daily open-data snapshot (JSONL + CSV of published records).
resource "aws_scheduler_schedule" "open_data" {
  name                         = "${local.platform.resource_prefix}-open-data"
  group_name                   = local.platform.schedule_group_name
  schedule_expression          = "cron(0 4 * * ? *)"
  schedule_expression_timezone = "Asia/Shanghai"
  kms_key_arn                  = local.platform.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.job_runner.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ job = "open_data" })

    retry_policy {
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 3600
    }
  }
}

# Morning count of publication deadlines at risk and missed.
resource "aws_scheduler_schedule" "deadlines" {
  name                         = "${local.platform.resource_prefix}-deadlines"
  group_name                   = local.platform.schedule_group_name
  schedule_expression          = "cron(0 8 * * ? *)"
  schedule_expression_timezone = "Asia/Shanghai"
  kms_key_arn                  = local.platform.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.job_runner.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ job = "deadlines" })

    retry_policy {
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 3600
    }
  }
}

# Monthly department reports (xlsx) on the 1st.
resource "aws_scheduler_schedule" "monthly_report" {
  name                         = "${local.platform.resource_prefix}-monthly-report"
  group_name                   = local.platform.schedule_group_name
  schedule_expression          = "cron(0 9 1 * ? *)"
  schedule_expression_timezone = "Asia/Shanghai"
  kms_key_arn                  = local.platform.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.job_runner.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ job = "monthly_report" })

    retry_policy {
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 3600
    }
  }
}
