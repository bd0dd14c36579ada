# Users sign in with username + password (以用户名、密码登录) through POST /v1/auth/token, which
# calls InitiateAuth USER_PASSWORD_AUTH; the app verifies the ID token (token_use=id) against
# the pool's JWKS and reads cognito:groups (ROLES) and custom:department.
#
# Lockout: Cognito itself locks a user out for a growing time after 5 failed sign-ins, and the
# app answers 429 after 5 failures in 15 minutes (throttle table). Threat protection
# (advanced security) is optional: var.cognito_advanced_security_mode.
resource "aws_cognito_user_pool" "this" {
  name                = "${var.resource_prefix}-users"
  deletion_protection = "ACTIVE"
  mfa_configuration   = "OFF" # the token route has no MFA challenge step

  username_configuration {
    case_sensitive = false
  }

  password_policy {
    minimum_length                   = var.password_minimum_length
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 7
  }

  # Accounts are created by admins only (POST /v1/admin/users); no self-service sign-up.
  admin_create_user_config {
    allow_admin_create_user_only = true
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "admin_only"
      priority = 1
    }
  }

  user_pool_add_ons {
    advanced_security_mode = var.cognito_advanced_security_mode
  }

  # chalicelib/resources.py USER_POOL_CUSTOM_ATTRIBUTES. Operators and system accounts carry
  # their department id (d01…d43, <region>-dNN); admins and supervisors have none.
  schema {
    name                     = "department"
    attribute_data_type      = "String"
    mutable                  = true
    developer_only_attribute = false

    string_attribute_constraints {
      min_length = 0
      max_length = 32
    }
  }
}

# chalicelib/resources.py ROLES, one group each; a user's role is its group.
locals {
  user_groups = {
    admin      = { precedence = 1, description = "平台管理员 (市场监督管理局): departments, catalog, calendar, users, jobs" }
    supervisor = { precedence = 2, description = "督查: reads reports and the audit trail" }
    operator   = { precedence = 3, description = "部门操作员: enters and uploads own department's records" }
    system     = { precedence = 4, description = "部门系统: service account that pushes record batches" }
  }
}

resource "aws_cognito_user_group" "this" {
  for_each = local.user_groups

  user_pool_id = aws_cognito_user_pool.this.id
  name         = each.key
  precedence   = each.value.precedence
  description  = each.value.description
}

# The API's client: no secret (the token route passes username + password only), password
# and refresh flows only. Users may read but never write custom:department.
resource "aws_cognito_user_pool_client" "this" {
  name                          = "${var.resource_prefix}-api"
  user_pool_id                  = aws_cognito_user_pool.this.id
  generate_secret               = false
  explicit_auth_flows           = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true

  read_attributes  = ["custom:department", "name", "preferred_username"]
  write_attributes = ["name"]

  access_token_validity  = 60
  id_token_validity      = 60
  refresh_token_validity = 12

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "hours"
  }
}
