# Merged into the `terraform` block of Chalice's chalice.tf.json (which pins Terraform < 1.4 and
# the AWS provider < 5): each constraint here replaces Chalice's for the same setting.
terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Partial configuration, like the platform root: see infra/README.md.
  backend "s3" {}
}
