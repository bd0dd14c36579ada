terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Partial configuration: `terraform init -backend-config=../backend/<stage>.s3.tfbackend`
  # (see infra/README.md). The app root reads this state through terraform_remote_state.
  backend "s3" {}
}
