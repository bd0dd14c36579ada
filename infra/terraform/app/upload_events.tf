# S3 ObjectCreated (uploads/) → upload-events queue → upload_worker. Chalice cannot declare this
# mapping with partial batch responses: the worker reports failed message ids
# (Powertools BatchProcessor), and only those return to the queue and, after 3 receives, to
# upload-events-dlq.
resource "aws_lambda_event_source_mapping" "upload_events" {
  event_source_arn        = local.platform.queue_arns["upload-events"]
  function_name           = aws_lambda_function.upload_worker.arn
  batch_size              = 1 # one spreadsheet per invocation: it may take minutes
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = max(2, var.upload_worker_reserved_concurrency)
  }
}
