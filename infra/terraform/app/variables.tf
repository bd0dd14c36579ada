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
