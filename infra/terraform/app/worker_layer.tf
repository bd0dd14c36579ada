# The upload worker's columnar libraries (requirements-worker.txt: fastexcel + polars) as a Lambda
# layer attached to upload_worker alone (lambda_override.tf): the API function's package and cold
# start stay as they are, since requirements.txt (what Chalice packages for every function) does
# not list them. `make package` builds the zip (`make worker-layer`, infra/infra.mk).
# Sizes (2026-12-08): layer 154 MB unzipped / 54.7 MB zipped; the function's deployment.zip 83 MB
# unzipped — 237 MB of Lambda's 250 MB (function + layers, unzipped). A zip over 50 MB cannot be
# sent inline by PublishLayerVersion, so Terraform puts it in the platform's exchange bucket under
# deploy/ (versioned, SSE-KMS, private; no expiring rule on that prefix; a new key per content) and
# the layer is published from there.

variable "worker_layer_zip" {
  type        = string
  description = "Path of the upload worker's layer zip (fastexcel + polars), built by `make worker-layer`."
  default     = "../worker-layer.zip"
}

resource "aws_lambda_layer_version" "worker_columnar" {
  layer_name               = "${local.platform.resource_prefix}-worker-columnar"
  description              = "fastexcel + polars for the upload worker's columnar check stage"
  s3_bucket                = aws_s3_object.worker_layer.bucket
  s3_key                   = aws_s3_object.worker_layer.key
  s3_object_version        = aws_s3_object.worker_layer.version_id
  source_code_hash         = filebase64sha256(var.worker_layer_zip)
  compatible_runtimes      = ["python3.11"]
  compatible_architectures = ["x86_64"]
}

resource "aws_s3_object" "worker_layer" {
  bucket      = local.platform.bucket_names["exchange"]
  key         = "deploy/worker-layer-${filesha256(var.worker_layer_zip)}.zip"
  source      = var.worker_layer_zip
  source_hash = filesha256(var.worker_layer_zip)
}
