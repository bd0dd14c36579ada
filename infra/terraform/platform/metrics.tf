# The application's own metrics (Powertools EMF). Their names are the code's
# (chalicelib/metric_names.py; tests/infra compares): plain literals in the alarms below and in
# local.custom_metrics, which the dashboard reads.
#
# The code writes to the namespace "<METRICS_NAMESPACE>-<STAGE>" (one per stage), and Powertools
# adds the dimension service = POWERTOOLS_SERVICE_NAME (var.metrics_service, set on every
# function by the app root); the alarms select exactly that dimension set.
locals {
  metrics_namespace = "${var.metrics_namespace}-${var.stage}"
  metric_dimensions = { service = var.metrics_service }

  custom_metrics = {
    accepted          = "RecordsAccepted"
    rejected          = "RecordsRejected"
    late              = "RecordsLate"
    deadline_at_risk  = "PublishDeadlineAtRisk"
    deadline_missed   = "PublishDeadlineMissed"
    pending_overdue   = "PendingMatchOverdue"
    push_overdue      = "DepartmentPushOverdue"
    published         = "RecordsPublished"
    forward_failures  = "ForwardFailures"
    forward_rejected  = "ForwardRejected"
    expired           = "RecordsExpired"
    upload_processing = "UploadProcessingSeconds"
    uploads_failed    = "UploadsFailed"
  }
}

resource "aws_cloudwatch_metric_alarm" "forward_failures" {
  alarm_name          = "${var.resource_prefix}-forward-failures"
  alarm_description   = "A forward batch to the publicity system failed (retried hourly; after 3 attempts it is in forward-dlq)."
  namespace           = local.metrics_namespace
  metric_name         = "ForwardFailures"
  dimensions          = local.metric_dimensions
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "forward_rejected" {
  alarm_name          = "${var.resource_prefix}-forward-rejected"
  alarm_description   = "The publicity system rejected records of a forward batch; they are in forward-dlq with its reasons."
  namespace           = local.metrics_namespace
  metric_name         = "ForwardRejected"
  dimensions          = local.metric_dimensions
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "publish_deadline_missed" {
  alarm_name          = "${var.resource_prefix}-publish-deadline-missed"
  alarm_description   = "Records passed their 20-working-day publication deadline unpublished (the 08:00 deadlines job counts them)."
  namespace           = local.metrics_namespace
  metric_name         = "PublishDeadlineMissed"
  dimensions          = local.metric_dimensions
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "upload_processing_slow" {
  alarm_name          = "${var.resource_prefix}-upload-processing-slow"
  alarm_description   = "A spreadsheet took more than ${var.upload_processing_alarm_seconds} s from arrival in S3 to done."
  namespace           = local.metrics_namespace
  metric_name         = "UploadProcessingSeconds"
  dimensions          = local.metric_dimensions
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.upload_processing_alarm_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}
