# One table per chalicelib/resources.py TABLES entry; tests/infra compares the two.
# On-demand billing, indexes project everything, PITR, deletion protection and the stage's
# KMS key on all of them.
locals {
  # By logical name: hash_key, range_key (when there is one), attributes (every key attribute of
  # the table and its indexes, with its type), indexes (GSIs by name: hash_key, range_key when
  # there is one), ttl_attribute (when items expire).
  dynamodb_tables = {
    # Current state of every record, partitioned by the matched enterprise's code, plus one
    # identity item per (department, category, source_ref).
    records = {
      hash_key  = "pk"
      range_key = "sk"
      attributes = {
        pk = "S", sk = "S", record_id = "S", department = "S", received_at = "S", forward_due = "S",
        changed_at = "S", public_state = "S", publish_until = "S", deadline_state = "S",
        publish_deadline = "S", pending_code = "S", ref_key = "S", name_key = "S"
      }
      indexes = {
        by_record_id    = { hash_key = "record_id" }
        by_department   = { hash_key = "department", range_key = "received_at" }
        by_forward      = { hash_key = "forward_due", range_key = "changed_at" }
        by_public_until = { hash_key = "public_state", range_key = "publish_until" }
        by_deadline     = { hash_key = "deadline_state", range_key = "publish_deadline" }
        by_pending      = { hash_key = "pending_code", range_key = "received_at" }
        by_source_ref   = { hash_key = "department", range_key = "ref_key" }
        by_name         = { hash_key = "department", range_key = "name_key" }
      }
    }
    # Every version of every record (修改留痕).
    versions = { hash_key = "record_id", range_key = "version", attributes = { record_id = "S", version = "N" } }
    # The enterprise registry (fed by `registration` records); 注册号 aliases point to the USCC item.
    enterprises = { hash_key = "code", attributes = { code = "S" } }
    # 双告知: new registrations per department whose licences the business scope concerns.
    notices = { hash_key = "department", range_key = "sk", attributes = { department = "S", sk = "S" } }
    # Name search: one item per character bigram of a normalised name.
    name_index = { hash_key = "token", range_key = "code", attributes = { token = "S", code = "S" } }
    # Public copies only (masked, published, not archived/withdrawn).
    public = { hash_key = "code", range_key = "sk", attributes = { code = "S", sk = "S" } }
    # Rejections (回退) and the ref items naming each identity's open ones; closed ones expire (TTL).
    rejections = {
      hash_key      = "id"
      attributes    = { id = "S", department = "S", last_seen = "S", open_department = "S", first_seen = "S" }
      ttl_attribute = "expires_at"
      indexes = {
        by_department = { hash_key = "department", range_key = "last_seen" }
        by_open       = { hash_key = "open_department", range_key = "first_seen" }
      }
    }
    # Spreadsheet uploads and their progress.
    uploads = {
      hash_key   = "upload_id"
      attributes = { upload_id = "S", department = "S", created_at = "S" }
      indexes = {
        by_department = { hash_key = "department", range_key = "created_at" }
      }
    }
    # Append-only audit trail.
    audit = {
      hash_key   = "day"
      range_key  = "sk"
      attributes = { day = "S", sk = "S", actor = "S", at = "S", target = "S" }
      indexes = {
        by_actor  = { hash_key = "actor", range_key = "at" }
        by_target = { hash_key = "target", range_key = "at" }
      }
    }
    # Report counters in daily buckets.
    counters = { hash_key = "pk", range_key = "sk", attributes = { pk = "S", sk = "S" } }
    # Working-day override tables, one item per year.
    calendar = { hash_key = "year", attributes = { year = "S" } }
    # Departments (seeded from the catalog, edited by admins).
    departments = { hash_key = "id", attributes = { id = "S" } }
    # Job state: forward batches and their attempts, job runs, snapshots.
    jobs = { hash_key = "pk", range_key = "sk", attributes = { pk = "S", sk = "S" } }
    # Watchlists, the codes they watch, their deliveries and those waiting for a retry.
    watchlists = { hash_key = "pk", range_key = "sk", attributes = { pk = "S", sk = "S" } }
    # Failed-login counters (TTL expires them).
    throttle = { hash_key = "key", attributes = { key = "S" }, ttl_attribute = "expires_at" }
    # Signed credit-check attestations by "<code>#<hash of the signed facts>" (TTL expires them).
    attestations = { hash_key = "key", attributes = { key = "S" }, ttl_attribute = "expires_at" }
    # 异议 / 信用修复 cases: a department's inbox, every department's, the open ones by due date.
    objections = {
      hash_key   = "id"
      attributes = { id = "S", inbox = "S", kind = "S", filed_at = "S", open_due = "S", due = "S" }
      indexes = {
        by_inbox    = { hash_key = "inbox", range_key = "filed_at" }
        by_kind     = { hash_key = "kind", range_key = "filed_at" }
        by_open_due = { hash_key = "open_due", range_key = "due" }
      }
    }
    # 目录事项 (SPEC §5.3): working copies by department and by state, approved versions, the public 目录.
    catalog_items = {
      hash_key   = "item_code"
      range_key  = "sk"
      attributes = { item_code = "S", sk = "S", owner = "S", queue = "S", updated_at = "S", catalog = "S" }
      indexes = {
        by_department = { hash_key = "owner", range_key = "item_code" }
        by_state      = { hash_key = "queue", range_key = "updated_at" }
        by_approved   = { hash_key = "catalog", range_key = "item_code" }
      }
    }
    # Powertools idempotency records.
    idempotency = { hash_key = "id", attributes = { id = "S" }, ttl_attribute = "expiration" }
  }

  # Every table by logical name, for IAM and outputs (tests/infra checks it lists TABLES).
  tables = aws_dynamodb_table.this
}

resource "aws_dynamodb_table" "this" {
  for_each = local.dynamodb_tables

  name                        = "${var.resource_prefix}-${each.key}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = each.value.hash_key
  range_key                   = try(each.value.range_key, null)
  deletion_protection_enabled = true

  dynamic "attribute" {
    for_each = each.value.attributes

    content {
      name = attribute.key
      type = attribute.value
    }
  }

  dynamic "global_secondary_index" {
    for_each = try(each.value.indexes, {})

    content {
      name            = global_secondary_index.key
      hash_key        = global_secondary_index.value.hash_key
      range_key       = try(global_secondary_index.value.range_key, null)
      projection_type = "ALL"
    }
  }

  dynamic "ttl" {
    for_each = try([each.value.ttl_attribute], [])

    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

# The tables were one resource each before: move their state, never replace a table.
moved {
  from = aws_dynamodb_table.records
  to   = aws_dynamodb_table.this["records"]
}

moved {
  from = aws_dynamodb_table.versions
  to   = aws_dynamodb_table.this["versions"]
}

moved {
  from = aws_dynamodb_table.enterprises
  to   = aws_dynamodb_table.this["enterprises"]
}

moved {
  from = aws_dynamodb_table.notices
  to   = aws_dynamodb_table.this["notices"]
}

moved {
  from = aws_dynamodb_table.name_index
  to   = aws_dynamodb_table.this["name_index"]
}

moved {
  from = aws_dynamodb_table.public
  to   = aws_dynamodb_table.this["public"]
}

moved {
  from = aws_dynamodb_table.uploads
  to   = aws_dynamodb_table.this["uploads"]
}

moved {
  from = aws_dynamodb_table.audit
  to   = aws_dynamodb_table.this["audit"]
}

moved {
  from = aws_dynamodb_table.counters
  to   = aws_dynamodb_table.this["counters"]
}

moved {
  from = aws_dynamodb_table.calendar
  to   = aws_dynamodb_table.this["calendar"]
}

moved {
  from = aws_dynamodb_table.departments
  to   = aws_dynamodb_table.this["departments"]
}

moved {
  from = aws_dynamodb_table.jobs
  to   = aws_dynamodb_table.this["jobs"]
}

moved {
  from = aws_dynamodb_table.watchlists
  to   = aws_dynamodb_table.this["watchlists"]
}

moved {
  from = aws_dynamodb_table.throttle
  to   = aws_dynamodb_table.this["throttle"]
}

moved {
  from = aws_dynamodb_table.idempotency
  to   = aws_dynamodb_table.this["idempotency"]
}
