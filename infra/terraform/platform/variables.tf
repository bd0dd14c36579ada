variable "stage" {
  description = "Deployment stage (e.g. test, prod). Passed to the Lambdas as STAGE; never \"local\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.stage)) && var.stage != "local"
    error_message = "stage must be 2-16 lowercase letters, digits or '-', and not \"local\" (the emulator stage)."
  }
}

variable "region" {
  description = "AWS region of the stage (cn-north-1 Beijing or cn-northwest-1 Ningxia for the city)."
  type        = string
  default     = "cn-north-1"
}

variable "resource_prefix" {
  description = "Prefix of every table, queue, function and alarm name: <resource_prefix>-<logical> (RESOURCE_PREFIX)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.resource_prefix))
    error_message = "resource_prefix must be 3-31 lowercase letters, digits or '-'."
  }
}

variable "bucket_prefix" {
  description = "Prefix of the S3 bucket names: <bucket_prefix>-<logical> (BUCKET_PREFIX); bucket names are global, so make it unique."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{2,50}$", var.bucket_prefix))
    error_message = "bucket_prefix must be 3-51 lowercase letters, digits or '-'."
  }
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic; empty for no subscription (confirm the e-mail AWS sends)."
  type        = string
  default     = ""
}

variable "publicity_endpoint" {
  description = "HTTPS endpoint of the national publicity system (PUBLICITY_ENDPOINT); empty writes JSONL batches to the exchange bucket instead."
  type        = string
  default     = ""

  validation {
    condition     = var.publicity_endpoint == "" || startswith(var.publicity_endpoint, "https://")
    error_message = "publicity_endpoint must be empty or an https:// URL."
  }
}

variable "metrics_namespace" {
  description = "Base CloudWatch namespace of the application's custom (EMF) metrics (METRICS_NAMESPACE); metrics land in <metrics_namespace>-<stage>."
  type        = string
  default     = "QYGS"
}

variable "metrics_service" {
  description = "Powertools service name (POWERTOOLS_SERVICE_NAME); every custom metric carries it as the `service` dimension the alarms select."
  type        = string
  default     = "qygs-platform"
}

variable "api_stage_name" {
  description = "API Gateway stage name of the REST API; keep it equal to api_gateway_stage of .chalice/config.json's prod stage."
  type        = string
  default     = "api"
}

variable "log_retention_days" {
  description = "Retention of the Lambda and API Gateway log groups, in days."
  type        = number
  default     = 365
}

variable "upload_retention_days" {
  description = "Days after which uploaded spreadsheets (uploads/) and rejection feedback files (feedback/) expire."
  type        = number
  default     = 180
}

variable "noncurrent_version_retention_days" {
  description = "Days a replaced or deleted object version is kept in a versioned bucket before it expires."
  type        = number
  default     = 90
}

variable "upload_cors_origins" {
  description = "Web origins allowed to POST files straight to the uploads bucket with a pre-signed form; empty for no CORS rule."
  type        = list(string)
  default     = []
}

variable "password_minimum_length" {
  description = "Minimum length of Cognito passwords."
  type        = number
  default     = 12
}

variable "cognito_advanced_security_mode" {
  description = "Cognito threat protection (advanced security): OFF, AUDIT or ENFORCED. Needs the Plus feature plan and may not be offered in the China regions; Cognito's own lockout and the app's login throttle apply either way."
  type        = string
  default     = "OFF"

  validation {
    condition     = contains(["OFF", "AUDIT", "ENFORCED"], var.cognito_advanced_security_mode)
    error_message = "cognito_advanced_security_mode must be OFF, AUDIT or ENFORCED."
  }
}

variable "api_5xx_rate_threshold" {
  description = "Alarm when the share of API requests answered with a 5xx over 5 minutes exceeds this fraction."
  type        = number
  default     = 0.05
}

variable "upload_processing_alarm_seconds" {
  description = "Alarm when a spreadsheet upload took longer than this many seconds from S3 arrival to done."
  type        = number
  default     = 600
}

variable "manage_api_gateway_account" {
  description = "Set the account-wide API Gateway CloudWatch Logs role (needed for access logs). Only one stack per account and region should do it."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}
