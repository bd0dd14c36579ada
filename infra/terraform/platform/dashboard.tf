# One operator dashboard: intake, publication, deadlines, then the AWS plumbing.
# Per-category series come from SEARCH over the metric name, whatever dimensions the code adds.
locals {
  search = {
    for key, name in local.custom_metrics :
    key => "SEARCH('Namespace=\"${local.metrics_namespace}\" MetricName=\"${name}\"', '%s', %d)"
  }

  dashboard_widgets = [
    {
      type = "text", x = 0, y = 0, width = 24, height = 1
      properties = { markdown = "## ${var.resource_prefix} 涉企信息归集公示 — intake, publication, deadlines" }
    },
    {
      type = "metric", x = 0, y = 1, width = 12, height = 6
      properties = {
        title   = "Records accepted per category (daily)"
        view    = "timeSeries", stacked = true, region = local.region, period = 86400
        metrics = [[{ expression = format(local.search.accepted, "Sum", 86400), id = "accepted" }]]
      }
    },
    {
      type = "metric", x = 12, y = 1, width = 12, height = 6
      properties = {
        title   = "Records rejected (回退) per category (daily)"
        view    = "timeSeries", stacked = true, region = local.region, period = 86400
        metrics = [[{ expression = format(local.search.rejected, "Sum", 86400), id = "rejected" }]]
      }
    },
    {
      type = "metric", x = 0, y = 7, width = 8, height = 6
      properties = {
        title  = "Rejections and late arrivals (all categories, daily)"
        view   = "timeSeries", region = local.region, period = 86400
        metrics = [
          [{ expression = "SUM(${format(local.search.rejected, "Sum", 86400)})", id = "rejections", label = "rejected rows" }],
          [{ expression = "SUM(${format(local.search.late, "Sum", 86400)})", id = "late", label = "late (迟报)" }],
          [{ expression = "SUM(${format(local.search.accepted, "Sum", 86400)})", id = "accepted_all", label = "accepted rows" }],
        ]
      }
    },
    {
      type = "metric", x = 8, y = 7, width = 8, height = 6
      properties = {
        title  = "Publication backlog: accepted vs published (daily)"
        view   = "timeSeries", region = local.region, period = 86400
        metrics = [
          [{ expression = "SUM(${format(local.search.accepted, "Sum", 86400)})", id = "in", label = "accepted" }],
          [{ expression = "SUM(${format(local.search.published, "Sum", 86400)})", id = "out", label = "published" }],
        ]
      }
    },
    {
      type = "metric", x = 16, y = 7, width = 8, height = 6
      properties = {
        title  = "Publication deadlines: at risk (≤ 2 working days) and missed"
        view   = "timeSeries", region = local.region, period = 86400
        metrics = [
          [{ expression = "SUM(${format(local.search.deadline_at_risk, "Maximum", 86400)})", id = "at_risk", label = "at risk" }],
          [{ expression = "SUM(${format(local.search.deadline_missed, "Maximum", 86400)})", id = "missed", label = "missed" }],
          [{ expression = "SUM(${format(local.search.pending_overdue, "Maximum", 86400)})", id = "pending", label = "pending match > 7 working days" }],
          [{ expression = "SUM(${format(local.search.push_overdue, "Maximum", 86400)})", id = "push", label = "departments overdue (逾期未报送)" }],
        ]
      }
    },
    {
      type = "metric", x = 0, y = 13, width = 8, height = 6
      properties = {
        title  = "Publication to the national system, expiry"
        view   = "timeSeries", region = local.region, period = 3600
        metrics = [
          [{ expression = "SUM(${format(local.search.published, "Sum", 3600)})", id = "published", label = "published" }],
          [{ expression = "SUM(${format(local.search.forward_failures, "Sum", 3600)})", id = "forward_failures", label = "failed batches" }],
          [{ expression = "SUM(${format(local.search.forward_rejected, "Sum", 3600)})", id = "forward_rejected", label = "rejected records" }],
          [{ expression = "SUM(${format(local.search.expired, "Sum", 3600)})", id = "expired", label = "archived by expiry" }],
        ]
      }
    },
    {
      type = "metric", x = 8, y = 13, width = 8, height = 6
      properties = {
        title  = "Upload processing time (s)"
        view   = "timeSeries", region = local.region, period = 300
        metrics = [
          [{ expression = "MAX(${format(local.search.upload_processing, "Maximum", 300)})", id = "upload_max", label = "max" }],
          [{ expression = "AVG(${format(local.search.upload_processing, "Average", 300)})", id = "upload_avg", label = "average" }],
          [{ expression = "SUM(${format(local.search.uploads_failed, "Sum", 300)})", id = "uploads_failed", label = "files failed as a whole", yAxis = "right" }],
        ]
      }
    },
    {
      type = "metric", x = 16, y = 13, width = 8, height = 6
      properties = {
        title  = "Queues: upload events and dead letters"
        view   = "timeSeries", region = local.region, period = 300, stat = "Maximum"
        metrics = [
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", aws_sqs_queue.upload_events.name],
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", aws_sqs_queue.upload_events_dlq.name],
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", aws_sqs_queue.forward_dlq.name],
        ]
      }
    },
    {
      type = "metric", x = 0, y = 19, width = 12, height = 6
      properties = {
        title   = "Lambda errors and throttles"
        view    = "timeSeries", region = local.region, period = 300, stat = "Sum"
        metrics = concat(
          [for fn, name in local.function_names : ["AWS/Lambda", "Errors", "FunctionName", name, { label = "${fn} errors" }]],
          [for fn, name in local.function_names : ["AWS/Lambda", "Throttles", "FunctionName", name, { label = "${fn} throttles" }]],
        )
      }
    },
    {
      type = "metric", x = 12, y = 19, width = 12, height = 6
      properties = {
        title  = "API requests, errors, latency"
        view   = "timeSeries", region = local.region, period = 300
        metrics = [
          ["AWS/ApiGateway", "Count", "ApiName", local.api_name, "Stage", var.api_stage_name, { stat = "Sum" }],
          ["AWS/ApiGateway", "4XXError", "ApiName", local.api_name, "Stage", var.api_stage_name, { stat = "Sum" }],
          ["AWS/ApiGateway", "5XXError", "ApiName", local.api_name, "Stage", var.api_stage_name, { stat = "Sum" }],
          ["AWS/ApiGateway", "Latency", "ApiName", local.api_name, "Stage", var.api_stage_name, { stat = "p90", yAxis = "right" }],
        ]
      }
    },
    {
      type = "alarm", x = 0, y = 25, width = 24, height = 4
      properties = {
        title = "Alarms"
        alarms = [for key in concat(
          [for fn in keys(local.function_names) : "${fn}-errors"],
          [for queue in keys(local.dead_letter_queues) : "${queue}-not-empty"],
          ["api-5xx-rate", "forward-failures", "forward-rejected", "publish-deadline-missed", "upload-processing-slow"],
        ) : aws_cloudwatch_metric_alarm.this[key].arn]
      }
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.resource_prefix
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
