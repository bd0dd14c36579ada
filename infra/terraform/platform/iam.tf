# One execution role per Lambda function, each allowed only what its code paths use. The app
# root's override file hands these roles to Chalice's functions (Chalice's own default role
# stays unused).
locals {
  # Tables each function reads and writes. The API also runs every job on demand
  # (POST /v1/admin/jobs/{job}), so it needs the job runner's tables and more.
  function_tables = {
    api = [
      "records", "versions", "enterprises", "notices", "name_index", "public", "uploads", "audit",
      "counters", "calendar", "departments", "jobs", "throttle", "idempotency", "watchlists",
      "attestations", "rejections", "objections", "catalog_items",
    ]
    upload_worker = [
      "records", "versions", "enterprises", "notices", "name_index", "public", "uploads", "audit",
      "counters", "calendar", "departments", "idempotency", "rejections", "catalog_items",
    ]
    job_runner = [
      "records", "versions", "enterprises", "name_index", "public", "uploads", "audit",
      "counters", "calendar", "departments", "jobs", "idempotency", "watchlists", "rejections", "objections",
    ]
  }

  dynamodb_actions = [
    "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
    "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
  ]

  function_policies = {
    api           = data.aws_iam_policy_document.api.json
    upload_worker = data.aws_iam_policy_document.upload_worker.json
    job_runner    = data.aws_iam_policy_document.job_runner.json
  }
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "lambda" {
  for_each = local.function_names

  name               = "${each.value}-lambda"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy" "lambda" {
  for_each = local.function_names

  name   = "least-privilege"
  role   = aws_iam_role.lambda[each.key].id
  policy = local.function_policies[each.key]
}

# What every function needs: its log group, its tables, the stage key, traces and metrics.
data "aws_iam_policy_document" "lambda_common" {
  for_each = local.function_names

  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.lambda[each.key].arn}:*"]
  }

  statement {
    sid     = "Tables"
    actions = local.dynamodb_actions
    resources = flatten([
      for t in local.function_tables[each.key] : [local.tables[t].arn, "${local.tables[t].arn}/index/*"]
    ])
  }

  statement {
    sid       = "StageKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.this.arn]
  }

  statement {
    sid       = "Traces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  statement {
    sid       = "Metrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [local.metrics_namespace]
    }
  }
}

# What the jobs need, in job_runner and in the API (which runs any job on demand): the exchange
# bucket's files, the dead-letter queues of forwards and deliveries, the publicity secret.
data "aws_iam_policy_document" "jobs" {
  statement {
    sid       = "ExchangeFiles"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.exchange.arn}/*"]
  }

  statement {
    sid       = "ForwardDeadLetters"
    actions   = ["sqs:SendMessage", "sqs:GetQueueUrl"]
    resources = [aws_sqs_queue.forward_dlq.arn, aws_sqs_queue.webhook_dlq.arn]
  }

  statement {
    sid       = "PublicitySecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.publicity.arn]
  }
}

data "aws_iam_policy_document" "api" {
  source_policy_documents = [
    data.aws_iam_policy_document.lambda_common["api"].json, data.aws_iam_policy_document.jobs.json,
  ]

  # Pre-signed upload forms are signed with this role: it must be allowed to put them.
  statement {
    sid       = "UploadsAndFeedback"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.uploads.arn}/uploads/*", "${aws_s3_bucket.uploads.arn}/feedback/*"]
  }

  # ListBucket also answers HeadBucket (GET /health) and turns a missing key into 404, not 403.
  statement {
    sid       = "ListBuckets"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.uploads.arn, aws_s3_bucket.exchange.arn]
  }

  statement {
    sid       = "SignAttestations"
    actions   = ["kms:Sign", "kms:Verify", "kms:GetPublicKey"]
    resources = [aws_kms_key.attestation.arn]
  }

  statement {
    sid = "ManageUsers"
    actions = [
      "cognito-idp:AdminCreateUser", "cognito-idp:AdminAddUserToGroup",
      "cognito-idp:AdminRemoveUserFromGroup", "cognito-idp:AdminDisableUser",
      "cognito-idp:AdminEnableUser", "cognito-idp:AdminGetUser",
      "cognito-idp:AdminListGroupsForUser", "cognito-idp:AdminUpdateUserAttributes",
      "cognito-idp:AdminUserGlobalSignOut",
    ]
    resources = [aws_cognito_user_pool.this.arn]
  }
}

data "aws_iam_policy_document" "upload_worker" {
  source_policy_documents = [data.aws_iam_policy_document.lambda_common["upload_worker"].json]

  statement {
    sid       = "ReadUploads"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.uploads.arn}/uploads/*"]
  }

  statement {
    sid       = "WriteFeedback"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.uploads.arn}/feedback/*"]
  }

  statement {
    sid = "ConsumeUploadEvents"
    actions = [
      "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
    ]
    resources = [aws_sqs_queue.upload_events.arn]
  }
}

data "aws_iam_policy_document" "job_runner" {
  source_policy_documents = [
    data.aws_iam_policy_document.lambda_common["job_runner"].json, data.aws_iam_policy_document.jobs.json,
  ]

  statement {
    sid       = "ListExchange"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.exchange.arn]
  }
}
