# Alarms on AWS metrics: every Lambda's errors and throttles, the API's 5xx rate, every DLQ's
# depth, dropped schedule invocations. Application metrics are in metrics.tf.
locals {
  alarm_actions = [aws_sns_topic.alarms.arn]

  # Dead-letter queues (chalicelib/resources.py QUEUES without a DLQ of their own).
  dead_letter_queues = {
    upload-events-dlq = aws_sqs_queue.upload_events_dlq.name
    forward-dlq       = aws_sqs_queue.forward_dlq.name
    webhook-dlq       = aws_sqs_queue.webhook_dlq.name
  }
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  for_each = local.function_names

  alarm_name          = "${each.value}-errors"
  alarm_description   = "Lambda ${each.key} raised errors (see its log group)."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles" {
  for_each = local.function_names

  alarm_name          = "${each.value}-throttles"
  alarm_description   = "Lambda ${each.key} was throttled (reserved concurrency or account limit reached)."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# 5XXError's Average over a period is the share of requests answered with a 5xx.
resource "aws_cloudwatch_metric_alarm" "api_5xx_rate" {
  alarm_name          = "${local.api_name}-5xx-rate"
  alarm_description   = "More than ${var.api_5xx_rate_threshold * 100}% of API requests failed with a 5xx in 2 of 3 five-minute periods."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5XXError"
  dimensions          = { ApiName = local.api_name, Stage = var.api_stage_name }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.api_5xx_rate_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "dlq_depth" {
  for_each = local.dead_letter_queues

  alarm_name          = "${each.value}-not-empty"
  alarm_description   = "Messages are waiting in ${each.key}: inspect them, fix the cause, then redrive (infra/README.md)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "upload_events_age" {
  alarm_name          = "${aws_sqs_queue.upload_events.name}-backlog"
  alarm_description   = "An upload event has waited more than 30 minutes: upload_worker is failing or starved."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.upload_events.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 1800
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "schedules_dropped" {
  alarm_name          = "${var.resource_prefix}-schedules-dropped"
  alarm_description   = "EventBridge Scheduler gave up invoking job_runner for a schedule."
  namespace           = "AWS/Scheduler"
  metric_name         = "InvocationDroppedCount"
  dimensions          = { ScheduleGroup = aws_scheduler_schedule_group.this.name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}
