variable "region" {
  description = "AWS region of the stage; the same as the platform root's."
  type        = string
  default     = "cn-north-1"
}

variable "platform_state_backend" {
  description = "Backend type holding the platform root's state (read with terraform_remote_state)."
  type        = string
  default     = "s3"
}

variable "platform_state_config" {
  description = "Backend configuration of the platform root's state, e.g. { bucket = \"…\", key = \"qygs/prod/platform.tfstate\", region = \"cn-north-1\" }."
  type        = map(string)
}

variable "api_reserved_concurrency" {
  description = "Reserved concurrency of the API function (caps cost and protects the tables); -1 for none."
  type        = number
  default     = 50
}

variable "upload_worker_reserved_concurrency" {
  description = "Reserved concurrency of upload_worker: spreadsheets processed at once."
  type        = number
  default     = 4
}

variable "job_runner_reserved_concurrency" {
  description = "Reserved concurrency of job_runner (jobs are few and must not pile up)."
  type        = number
  default     = 2
}

variable "api_throttle_rate_limit" {
  description = "API Gateway steady-state request rate limit per second for the stage."
  type        = number
  default     = 100
}

variable "api_throttle_burst_limit" {
  description = "API Gateway burst limit for the stage."
  type        = number
  default     = 200
}

variable "api_anonymous_throttle" {
  description = "Steady-state rate (requests/s) and burst of each anonymous (public) method, by class: read (DynamoDB reads), kms (a KMS call each: credit check with ?attest=1, verify, public key), login (Cognito), report (the 信用报告 PDF: a KMS signature and ~0.4 s of rendering each). Per method for the whole stage, not per caller."
  type = map(object({
    rate_limit  = number
    burst_limit = number
  }))
  default = {
    read   = { rate_limit = 50, burst_limit = 100 }
    kms    = { rate_limit = 10, burst_limit = 20 }
    login  = { rate_limit = 5, burst_limit = 10 }
    report = { rate_limit = 2, burst_limit = 5 }
  }

  validation {
    condition     = alltrue([for c in ["read", "kms", "login", "report"] : contains(keys(var.api_anonymous_throttle), c)])
    error_message = "api_anonymous_throttle needs the classes read, kms, login and report."
  }
}

variable "api_usage_plan_daily_quota" {
  description = "Requests a day per API key of the anonymous routes' usage plan (applies only to keyed callers)."
  type        = number
  default     = 200000
}

variable "log_level" {
  description = "POWERTOOLS_LOG_LEVEL of the functions."
  type        = string
  default     = "INFO"
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

variable "upload_write_threads" {
  description = "UPLOAD_WRITE_THREADS: an upload's chunk transactions in flight at once (1 = one by one; #27)."
  type        = number
  default     = 4

  validation {
    condition     = var.upload_write_threads >= 1 && var.upload_write_threads <= 16
    error_message = "upload_write_threads must be between 1 and 16."
  }
}
