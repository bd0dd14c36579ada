# Every alarm, one resource: Errors and Throttles of every Lambda, every DLQ's depth, the API's
# 5xx rate, the upload queue's backlog, dropped schedule invocations (here) and the alarms on
# the application's own metrics (local.metric_alarms, metrics.tf).
#
# local.alarms is keyed by the alarm's name after "<resource_prefix>-". An entry gives
# description, namespace, metric and dimensions; statistic (Sum), period (300 s),
# evaluation_periods (1), datapoints_to_alarm (all of them) and threshold (0, alarm on any) only
# where it differs. Every alarm fires above its threshold and notifies the SNS topic, and on OK.
locals {
  alarm_actions = [aws_sns_topic.alarms.arn]

  # Dead-letter queues (chalicelib/resources.py QUEUES without a DLQ of their own).
  dead_letter_queues = {
    upload-events-dlq = aws_sqs_queue.upload_events_dlq.name
    forward-dlq       = aws_sqs_queue.forward_dlq.name
    webhook-dlq       = aws_sqs_queue.webhook_dlq.name
  }

  alarms = merge(
    { for fn, name in local.function_names : "${fn}-errors" => {
      description = "Lambda ${fn} raised errors (see its log group)."
      namespace   = "AWS/Lambda", metric = "Errors", dimensions = { FunctionName = name }
    } },
    { for fn, name in local.function_names : "${fn}-throttles" => {
      description = "Lambda ${fn} was throttled (reserved concurrency or account limit reached)."
      namespace   = "AWS/Lambda", metric = "Throttles", dimensions = { FunctionName = name }
    } },
    { for queue, name in local.dead_letter_queues : "${queue}-not-empty" => {
      description = "Messages are waiting in ${queue}: inspect them, fix the cause, then redrive (infra/README.md)."
      namespace   = "AWS/SQS", metric = "ApproximateNumberOfMessagesVisible", dimensions = { QueueName = name }
      statistic   = "Maximum"
    } },
    {
      # 5XXError's Average over a period is the share of requests answered with a 5xx.
      api-5xx-rate = {
        description = "More than ${var.api_5xx_rate_threshold * 100}% of API requests failed with a 5xx in 2 of 3 five-minute periods."
        namespace   = "AWS/ApiGateway", metric = "5XXError", dimensions = { ApiName = local.api_name, Stage = var.api_stage_name }
        statistic   = "Average", evaluation_periods = 3, datapoints_to_alarm = 2, threshold = var.api_5xx_rate_threshold
      }
      upload-events-backlog = {
        description = "An upload event has waited more than 30 minutes: upload_worker is failing or starved."
        namespace   = "AWS/SQS", metric = "ApproximateAgeOfOldestMessage", dimensions = { QueueName = aws_sqs_queue.upload_events.name }
        statistic   = "Maximum", threshold = 1800
      }
      schedules-dropped = {
        description = "EventBridge Scheduler gave up invoking job_runner for a schedule."
        namespace   = "AWS/Scheduler", metric = "InvocationDroppedCount", dimensions = { ScheduleGroup = aws_scheduler_schedule_group.this.name }
      }
    },
    { for key, alarm in local.metric_alarms : key => merge(alarm, {
      namespace = local.metrics_namespace, dimensions = local.metric_dimensions
    }) },
  )
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.resource_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = try(each.value.statistic, "Sum")
  period              = try(each.value.period, 300)
  evaluation_periods  = try(each.value.evaluation_periods, 1)
  datapoints_to_alarm = try(each.value.datapoints_to_alarm, null)
  comparison_operator = "GreaterThanThreshold"
  threshold           = try(each.value.threshold, 0)
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# The alarms were separate resources before: move their state to the new keys.
moved {
  from = aws_cloudwatch_metric_alarm.lambda_errors["api"]
  to   = aws_cloudwatch_metric_alarm.this["api-errors"]
}

moved {
  from = aws_cloudwatch_metric_alarm.lambda_throttles["api"]
  to   = aws_cloudwatch_metric_alarm.this["api-throttles"]
}

moved {
  from = aws_cloudwatch_metric_alarm.lambda_errors["upload_worker"]
  to   = aws_cloudwatch_metric_alarm.this["upload_worker-errors"]
}

moved {
  from = aws_cloudwatch_metric_alarm.lambda_throttles["upload_worker"]
  to   = aws_cloudwatch_metric_alarm.this["upload_worker-throttles"]
}

moved {
  from = aws_cloudwatch_metric_alarm.lambda_errors["job_runner"]
  to   = aws_cloudwatch_metric_alarm.this["job_runner-errors"]
}

moved {
  from = aws_cloudwatch_metric_alarm.lambda_throttles["job_runner"]
  to   = aws_cloudwatch_metric_alarm.this["job_runner-throttles"]
}

moved {
  from = aws_cloudwatch_metric_alarm.dlq_depth["upload-events-dlq"]
  to   = aws_cloudwatch_metric_alarm.this["upload-events-dlq-not-empty"]
}

moved {
  from = aws_cloudwatch_metric_alarm.dlq_depth["forward-dlq"]
  to   = aws_cloudwatch_metric_alarm.this["forward-dlq-not-empty"]
}

moved {
  from = aws_cloudwatch_metric_alarm.dlq_depth["webhook-dlq"]
  to   = aws_cloudwatch_metric_alarm.this["webhook-dlq-not-empty"]
}

moved {
  from = aws_cloudwatch_metric_alarm.api_5xx_rate
  to   = aws_cloudwatch_metric_alarm.this["api-5xx-rate"]
}

moved {
  from = aws_cloudwatch_metric_alarm.upload_events_age
  to   = aws_cloudwatch_metric_alarm.this["upload-events-backlog"]
}

moved {
  from = aws_cloudwatch_metric_alarm.schedules_dropped
  to   = aws_cloudwatch_metric_alarm.this["schedules-dropped"]
}

moved {
  from = aws_cloudwatch_metric_alarm.forward_failures
  to   = aws_cloudwatch_metric_alarm.this["forward-failures"]
}

moved {
  from = aws_cloudwatch_metric_alarm.forward_rejected
  to   = aws_cloudwatch_metric_alarm.this["forward-rejected"]
}

moved {
  from = aws_cloudwatch_metric_alarm.publish_deadline_missed
  to   = aws_cloudwatch_metric_alarm.this["publish-deadline-missed"]
}

moved {
  from = aws_cloudwatch_metric_alarm.upload_processing_slow
  to   = aws_cloudwatch_metric_alarm.this["upload-processing-slow"]
}
