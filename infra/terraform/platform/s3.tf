# Buckets of chalicelib/resources.py BUCKETS: uploads (department spreadsheets under uploads/,
# rejection feedback files under feedback/) and exchange (publicity outbox, open-data
# snapshots, monthly reports). Versioned, SSE-KMS, private, TLS only.

resource "aws_s3_bucket" "uploads" {
  #checkov:skip=CKV_AWS_18:Access logs add little here: every upload is recorded in the uploads table and the audit trail; enable CloudTrail S3 data events account-wide if required.
  #checkov:skip=CKV_AWS_144:Data stays in one region by design (data residency); versioning and the uploads table are the recovery path.
  bucket = "${var.bucket_prefix}-uploads"
}

resource "aws_s3_bucket" "exchange" {
  #checkov:skip=CKV_AWS_18:Access logs add little here: writers are the app's own Lambdas, and every job run is recorded in the jobs table; enable CloudTrail S3 data events account-wide if required.
  #checkov:skip=CKV_AWS_144:Data stays in one region by design (data residency); every file here can be rebuilt from the tables.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events of the exchange bucket; files are read on demand through pre-signed links.
  bucket = "${var.bucket_prefix}-exchange"
}

locals {
  buckets = {
    uploads  = aws_s3_bucket.uploads
    exchange = aws_s3_bucket.exchange
  }
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = local.buckets
  bucket   = each.value.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = local.buckets
  bucket   = each.value.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = local.buckets
  bucket   = each.value.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = local.buckets
  bucket   = each.value.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

# Lifecycle of each bucket: replaced versions expire in both (abandoned multipart uploads too).
# uploads: rows of an upload live in the tables once processed; the files under uploads/ and
# feedback/ are kept for review only, so they expire. exchange: published batches, open data and
# monthly reports are the record of what was disclosed, so current versions stay.
locals {
  expiring_prefixes = {
    uploads  = ["uploads", "feedback"]
    exchange = []
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = local.buckets
  bucket   = each.value.id

  dynamic "rule" {
    for_each = local.expiring_prefixes[each.key]

    content {
      id     = "expire-${rule.value}"
      status = "Enabled"

      filter {
        prefix = "${rule.value}/"
      }

      expiration {
        days = var.upload_retention_days
      }

      noncurrent_version_expiration {
        noncurrent_days = var.noncurrent_version_retention_days
      }

      abort_incomplete_multipart_upload {
        days_after_initiation = 7
      }
    }
  }

  rule {
    id     = "noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.uploads
  to   = aws_s3_bucket_lifecycle_configuration.this["uploads"]
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.exchange
  to   = aws_s3_bucket_lifecycle_configuration.this["exchange"]
}

# Browsers post spreadsheets straight to S3 with the pre-signed form of POST /v1/uploads.
resource "aws_s3_bucket_cors_configuration" "uploads" {
  count  = length(var.upload_cors_origins) > 0 ? 1 : 0
  bucket = aws_s3_bucket.uploads.id

  cors_rule {
    allowed_methods = ["POST", "PUT"]
    allowed_origins = var.upload_cors_origins
    allowed_headers = ["*"]
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = local.buckets
  bucket   = each.value.id
  policy   = data.aws_iam_policy_document.bucket_tls_only[each.key].json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

data "aws_iam_policy_document" "bucket_tls_only" {
  for_each = local.buckets

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [each.value.arn, "${each.value.arn}/*"]

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

# ObjectCreated under uploads/ → upload-events queue → upload_worker (wired in the app root).
resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  queue {
    queue_arn     = aws_sqs_queue.upload_events.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = "uploads/"
  }

  depends_on = [aws_sqs_queue_policy.upload_events]
}
