# The upload worker's columnar libraries (requirements-worker.txt: fastexcel + polars) as a Lambda
# layer attached to upload_worker alone (lambda_override.tf): the API function's package and cold
# start stay as they are, since requirements.txt (what Chalice packages for every function) does
# not list them. `make package` builds the zip (`make worker-layer`, infra/infra.mk).
# Sizes (2026-12-08): layer 154 MB unzipped / 54.7 MB zipped; the function's deployment.zip 83 MB
# unzipped — 237 MB of Lambda's 250 MB (function + layers, unzipped). A zip over 50 MB cannot be
# sent inline by PublishLayerVersion: before the first apply, move `filename` to s3_bucket/s3_key
# (an artifacts bucket) — not done here.

variable "worker_layer_zip" {
  type        = string
  description = "Path of the upload worker's layer zip (fastexcel + polars), built by `make worker-layer`."
  default     = "../worker-layer.zip"
}

resource "aws_lambda_layer_version" "worker_columnar" {
  layer_name               = "${local.platform.resource_prefix}-worker-columnar"
  description              = "fastexcel + polars for the upload worker's columnar check stage"
  filename                 = var.worker_layer_zip
  source_code_hash         = filebase64sha256(var.worker_layer_zip)
  compatible_runtimes      = ["python3.11"]
  compatible_architectures = ["x86_64"]
}
