data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  # Lambda functions of the app root (chalicelib/resources.py FUNCTIONS): its override file
  # names them so, which lets this root create their log groups, roles and alarms first.
  function_names = {
    api           = "${var.resource_prefix}-api"
    upload_worker = "${var.resource_prefix}-upload_worker"
    job_runner    = "${var.resource_prefix}-job_runner"
  }
  api_name = "${var.resource_prefix}-api"

  tags = merge({
    Project   = "qygs"
    Stage     = var.stage
    ManagedBy = "terraform"
  }, var.tags)
}
