# The credit-check attestation key (resources.SIGNING_KEYS): asymmetric ECDSA P-256, used by the
# API to sign credit checks and serve its public key. Asymmetric keys cannot rotate automatically;
# a new key gets a new alias target and the old public key stays published for old attestations.
resource "aws_kms_key" "attestation" {
  #checkov:skip=CKV_AWS_7:Automatic rotation is not available for asymmetric KMS keys.
  description              = "${var.resource_prefix}: credit-check attestation signing key"
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
  deletion_window_in_days  = 30
  policy                   = data.aws_iam_policy_document.kms_attestation.json
}

resource "aws_kms_alias" "attestation" {
  name          = "alias/${var.resource_prefix}-attestation"
  target_key_id = aws_kms_key.attestation.key_id
}

data "aws_iam_policy_document" "kms_attestation" {
  #checkov:skip=CKV_AWS_109:A key policy's resource "*" means this key only; the account root statement is the standard delegation to IAM.
  #checkov:skip=CKV_AWS_111:A key policy's resource "*" means this key only.
  #checkov:skip=CKV_AWS_356:A key policy's resource "*" means this key only.
  statement {
    sid       = "AccountAdministersKeyThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}
