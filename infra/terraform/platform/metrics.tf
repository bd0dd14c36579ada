# The application's own metrics (Powertools EMF). Their names are the code's
# (chalicelib/metric_names.py; tests/infra compares): plain literals in local.metric_alarms
# (alarmed in alarms.tf, as local.alarms) and in local.custom_metrics, which the dashboard reads.
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

  # Alarms on them, keyed like local.alarms (alarms.tf adds the namespace and the dimensions).
  metric_alarms = {
    forward-failures = {
      description = "A forward batch to the publicity system failed (retried hourly; after 3 attempts it is in forward-dlq)."
      metric      = "ForwardFailures"
    }
    forward-rejected = {
      description = "The publicity system rejected records of a forward batch; they are in forward-dlq with its reasons."
      metric      = "ForwardRejected"
    }
    publish-deadline-missed = {
      description = "Records passed their 20-working-day publication deadline unpublished (the 08:00 deadlines job counts them)."
      metric      = "PublishDeadlineMissed", period = 3600
    }
    upload-processing-slow = {
      description = "A spreadsheet took more than ${var.upload_processing_alarm_seconds} s from arrival in S3 to done."
      metric      = "UploadProcessingSeconds", statistic = "Maximum", threshold = var.upload_processing_alarm_seconds
    }
  }
}
