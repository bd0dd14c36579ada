# Shared HMAC secret for X-Signature on batches sent to the national publicity system
# (SPEC §6.4). Terraform creates the container only; the value is agreed with the publicity
# system's operators and set out of band (infra/README.md), so it never lands in the state.
resource "aws_secretsmanager_secret" "publicity" {
  #checkov:skip=CKV2_AWS_57:The secret is shared with an external system; it is rotated by agreement with its operators, not by a rotation Lambda.
  name                    = "${var.resource_prefix}/publicity-hmac"
  description             = "HMAC-SHA256 key for batches posted to the national publicity system"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = 30
}
