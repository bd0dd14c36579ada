# Queues of chalicelib/resources.py QUEUES; tests/infra compares names, redrive targets,
# receive counts and visibility timeouts. Every queue that is not a DLQ redrives to one.

# S3 ObjectCreated events of uploads/, consumed by upload_worker (visibility > its 900 s timeout).
resource "aws_sqs_queue" "upload_events" {
  name                              = "${var.resource_prefix}-upload-events"
  visibility_timeout_seconds        = 960
  message_retention_seconds         = 345600
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 300

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.upload_events_dlq.arn
    maxReceiveCount     = 3
  })
}

resource "aws_sqs_queue" "upload_events_dlq" {
  name                              = "${var.resource_prefix}-upload-events-dlq"
  visibility_timeout_seconds        = 30
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 300
}

# Forward batches that failed 3 times, and per-record rejections of the publicity system.
resource "aws_sqs_queue" "forward_dlq" {
  name                              = "${var.resource_prefix}-forward-dlq"
  visibility_timeout_seconds        = 30
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 300
}

# Watchlist deliveries that failed 3 times (the webhook's callback kept failing).
resource "aws_sqs_queue" "webhook_dlq" {
  name                              = "${var.resource_prefix}-webhook-dlq"
  visibility_timeout_seconds        = 30
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 300
}

# Every queue by logical name, for outputs (tests/infra checks it lists QUEUES).
locals {
  queues = {
    upload-events     = aws_sqs_queue.upload_events
    upload-events-dlq = aws_sqs_queue.upload_events_dlq
    forward-dlq       = aws_sqs_queue.forward_dlq
    webhook-dlq       = aws_sqs_queue.webhook_dlq
  }
}

resource "aws_sqs_queue_redrive_allow_policy" "upload_events_dlq" {
  queue_url = aws_sqs_queue.upload_events_dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.upload_events.arn]
  })
}

resource "aws_sqs_queue_policy" "upload_events" {
  queue_url = aws_sqs_queue.upload_events.id
  policy    = data.aws_iam_policy_document.upload_events_queue.json
}

data "aws_iam_policy_document" "upload_events_queue" {
  statement {
    sid       = "UploadsBucketSendsObjectCreated"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.upload_events.arn]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_s3_bucket.uploads.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.upload_events.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
