# Merged into Chalice's REST API resources in chalice.tf.json.

# The platform's name (its 5xx alarm and dashboard select it) and a regional endpoint: the
# China regions have no edge-optimized endpoints.
resource "aws_api_gateway_rest_api" "rest_api" {
  name = local.platform.api_name

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Chalice lets the deployment create its stage; api_stage.tf declares the stage instead (X-Ray,
# access logs, throttling), so the deployment only snapshots the API. A new snapshot is taken
# when the Swagger document or a gateway response changes.
resource "aws_api_gateway_deployment" "rest_api" {
  stage_name        = null
  stage_description = null

  triggers = {
    redeployment = sha1(join("\n", concat(
      [local.chalice_api_swagger, jsonencode(local.gateway_responses)],
      [for r in aws_api_gateway_gateway_response.this : r.id],
    )))
  }

  lifecycle {
    create_before_destroy = true # as Chalice has it; restated for the static checks
  }
}

output "EndpointURL" {
  value = aws_api_gateway_stage.api.invoke_url
}
