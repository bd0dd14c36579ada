# Everything the platform root made (tables, buckets, queues, pool, key, roles, names).
data "terraform_remote_state" "platform" {
  backend = var.platform_state_backend
  config  = var.platform_state_config
}

locals {
  platform = data.terraform_remote_state.platform.outputs

  tags = merge({
    Project   = "qygs"
    Stage     = local.platform.stage
    ManagedBy = "terraform"
  }, var.tags)
}
