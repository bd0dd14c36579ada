# One table per chalicelib/resources.py TABLES entry; tests/infra compares the two.
# On-demand billing, indexes project everything, PITR, deletion protection and the stage's
# KMS key on all of them.

# Current state of every record, partitioned by the matched enterprise's code, plus one
# identity item per (department, category, source_ref).
resource "aws_dynamodb_table" "records" {
  name                        = "${var.resource_prefix}-records"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = true

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  attribute {
    name = "record_id"
    type = "S"
  }

  attribute {
    name = "department"
    type = "S"
  }

  attribute {
    name = "received_at"
    type = "S"
  }

  attribute {
    name = "forward_due"
    type = "S"
  }

  attribute {
    name = "changed_at"
    type = "S"
  }

  attribute {
    name = "public_state"
    type = "S"
  }

  attribute {
    name = "publish_until"
    type = "S"
  }

  attribute {
    name = "deadline_state"
    type = "S"
  }

  attribute {
    name = "publish_deadline"
    type = "S"
  }

  attribute {
    name = "pending_code"
    type = "S"
  }

  global_secondary_index {
    name            = "by_record_id"
    hash_key        = "record_id"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "by_department"
    hash_key        = "department"
    range_key       = "received_at"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "by_forward"
    hash_key        = "forward_due"
    range_key       = "changed_at"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "by_public_until"
    hash_key        = "public_state"
    range_key       = "publish_until"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "by_deadline"
    hash_key        = "deadline_state"
    range_key       = "publish_deadline"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "by_pending"
    hash_key        = "pending_code"
    range_key       = "received_at"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# Every version of every record (修改留痕).
resource "aws_dynamodb_table" "versions" {
  name                        = "${var.resource_prefix}-versions"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "record_id"
  range_key                   = "version"
  deletion_protection_enabled = true

  attribute {
    name = "record_id"
    type = "S"
  }

  attribute {
    name = "version"
    type = "N"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# The enterprise registry (fed by `registration` records); 注册号 aliases point to the USCC item.
resource "aws_dynamodb_table" "enterprises" {
  name                        = "${var.resource_prefix}-enterprises"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "code"
  deletion_protection_enabled = true

  attribute {
    name = "code"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# 双告知: new registrations per department whose licences the business scope concerns.
resource "aws_dynamodb_table" "notices" {
  name                        = "${var.resource_prefix}-notices"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "department"
  range_key                   = "sk"
  deletion_protection_enabled = true

  attribute {
    name = "department"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# Name search: one item per character bigram of a normalised name.
resource "aws_dynamodb_table" "name_index" {
  name                        = "${var.resource_prefix}-name_index"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "token"
  range_key                   = "code"
  deletion_protection_enabled = true

  attribute {
    name = "token"
    type = "S"
  }

  attribute {
    name = "code"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# Public copies only (masked, published, not archived/withdrawn).
resource "aws_dynamodb_table" "public" {
  name                        = "${var.resource_prefix}-public"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "code"
  range_key                   = "sk"
  deletion_protection_enabled = true

  attribute {
    name = "code"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# Spreadsheet uploads and their progress.
resource "aws_dynamodb_table" "uploads" {
  name                        = "${var.resource_prefix}-uploads"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "upload_id"
  deletion_protection_enabled = true

  attribute {
    name = "upload_id"
    type = "S"
  }

  attribute {
    name = "department"
    type = "S"
  }

  attribute {
    name = "created_at"
    type = "S"
  }

  global_secondary_index {
    name            = "by_department"
    hash_key        = "department"
    range_key       = "created_at"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# Append-only audit trail.
resource "aws_dynamodb_table" "audit" {
  name                        = "${var.resource_prefix}-audit"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "day"
  range_key                   = "sk"
  deletion_protection_enabled = true

  attribute {
    name = "day"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  attribute {
    name = "actor"
    type = "S"
  }

  attribute {
    name = "at"
    type = "S"
  }

  attribute {
    name = "target"
    type = "S"
  }

  global_secondary_index {
    name            = "by_actor"
    hash_key        = "actor"
    range_key       = "at"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "by_target"
    hash_key        = "target"
    range_key       = "at"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# Report counters in daily buckets.
resource "aws_dynamodb_table" "counters" {
  name                        = "${var.resource_prefix}-counters"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = true

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# Working-day override tables, one item per year.
resource "aws_dynamodb_table" "calendar" {
  name                        = "${var.resource_prefix}-calendar"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "year"
  deletion_protection_enabled = true

  attribute {
    name = "year"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# Departments (seeded from the catalog, edited by admins).
resource "aws_dynamodb_table" "departments" {
  name                        = "${var.resource_prefix}-departments"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = true

  attribute {
    name = "id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# Job state: forward batches and their attempts, job runs, snapshots.
resource "aws_dynamodb_table" "jobs" {
  name                        = "${var.resource_prefix}-jobs"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = true

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# Watchlists, the codes they watch, their deliveries and those waiting for a retry.
resource "aws_dynamodb_table" "watchlists" {
  name                        = "${var.resource_prefix}-watchlists"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = true

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# Failed-login counters (TTL expires them).
resource "aws_dynamodb_table" "throttle" {
  name                        = "${var.resource_prefix}-throttle"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "key"
  deletion_protection_enabled = true

  attribute {
    name = "key"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# Powertools idempotency records.
resource "aws_dynamodb_table" "idempotency" {
  name                        = "${var.resource_prefix}-idempotency"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = true

  attribute {
    name = "id"
    type = "S"
  }

  ttl {
    attribute_name = "expiration"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# Every table by logical name, for IAM and outputs (tests/infra checks it lists TABLES).
locals {
  tables = {
    records     = aws_dynamodb_table.records
    versions    = aws_dynamodb_table.versions
    enterprises = aws_dynamodb_table.enterprises
    notices     = aws_dynamodb_table.notices
    name_index  = aws_dynamodb_table.name_index
    public      = aws_dynamodb_table.public
    uploads     = aws_dynamodb_table.uploads
    audit       = aws_dynamodb_table.audit
    counters    = aws_dynamodb_table.counters
    calendar    = aws_dynamodb_table.calendar
    departments = aws_dynamodb_table.departments
    jobs        = aws_dynamodb_table.jobs
    watchlists  = aws_dynamodb_table.watchlists
    throttle    = aws_dynamodb_table.throttle
    idempotency = aws_dynamodb_table.idempotency
  }
}
