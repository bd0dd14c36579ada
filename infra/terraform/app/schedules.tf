# One schedule per chalicelib/resources.py SCHEDULES entry (tests/infra compares them): AWS cron
# in Asia/Shanghai, input {"job": <job>, ...payload} for job_runner. EventBridge Scheduler,
# not Chalice's @app.schedule, because plain EventBridge rules know only UTC.
locals {
  # Keyed by the schedule's name in SCHEDULES (the job alone is not unique: forward runs twice).
  schedules = {
    # Daily forward of new, changed and withdrawn records to the publicity system.
    forward-daily = { cron = "cron(0 2 * * ? *)", timezone = "Asia/Shanghai", input = { job = "forward" } }
    # Hourly retry of forward batches that failed (retry_only).
    forward-retry = { cron = "cron(30 * * * ? *)", timezone = "Asia/Shanghai", input = { job = "forward", retry_only = true } }
    # Expiry sweep: records past publish_until leave the public side (archived).
    expire = { cron = "cron(0 3 * * ? *)", timezone = "Asia/Shanghai", input = { job = "expire" } }
    # Daily open-data snapshot (JSONL + CSV of published records).
    open-data = { cron = "cron(0 4 * * ? *)", timezone = "Asia/Shanghai", input = { job = "open_data" } }
    # Morning count of publication deadlines at risk and missed.
    deadlines = { cron = "cron(0 8 * * ? *)", timezone = "Asia/Shanghai", input = { job = "deadlines" } }
    # Monthly department reports (xlsx) on the 1st.
    monthly-report = { cron = "cron(0 9 1 * ? *)", timezone = "Asia/Shanghai", input = { job = "monthly_report" } }
  }
}

resource "aws_scheduler_schedule" "this" {
  for_each = local.schedules

  name                         = "${local.platform.resource_prefix}-${each.key}"
  group_name                   = local.platform.schedule_group_name
  schedule_expression          = each.value.cron
  schedule_expression_timezone = each.value.timezone
  kms_key_arn                  = local.platform.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.job_runner.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode(each.value.input)

    retry_policy {
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 3600
    }
  }
}

# The schedules were one resource each before: move their state, do not replace them.
moved {
  from = aws_scheduler_schedule.forward_daily
  to   = aws_scheduler_schedule.this["forward-daily"]
}

moved {
  from = aws_scheduler_schedule.forward_retry
  to   = aws_scheduler_schedule.this["forward-retry"]
}

moved {
  from = aws_scheduler_schedule.expire
  to   = aws_scheduler_schedule.this["expire"]
}

moved {
  from = aws_scheduler_schedule.open_data
  to   = aws_scheduler_schedule.this["open-data"]
}

moved {
  from = aws_scheduler_schedule.deadlines
  to   = aws_scheduler_schedule.this["deadlines"]
}

moved {
  from = aws_scheduler_schedule.monthly_report
  to   = aws_scheduler_schedule.this["monthly-report"]
}
