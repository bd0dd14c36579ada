"""The app root: Chalice's Terraform plus the committed overrides and wiring.

Without a terraform binary, references are checked statically: every name the HCL uses must be
declared in its root, given by Chalice's chalice.tf.json, or be an output of the platform root.
"""
from __future__ import annotations

import json
import re

import pytest

from chalicelib import config, resources
from tests.infra import hcl

# Chalice names the REST API's function api_handler; @app.lambda_function functions keep their name.
CHALICE_FUNCTIONS = {fn: "api_handler" if fn == "api" else fn for fn in resources.FUNCTIONS}

# What `chalice package --pkg-format terraform` declares for this app (checked against a real
# build/chalice/chalice.tf.json when `make package` has made one).
CHALICE_PROVIDES = {
    "resource": {
        "aws_iam_role": {"default-role"},
        "aws_iam_role_policy": {"default-role"},
        "aws_lambda_function": set(CHALICE_FUNCTIONS.values()),
        "aws_api_gateway_rest_api": {"rest_api"},
        "aws_api_gateway_deployment": {"rest_api"},
        "aws_lambda_permission": {"rest_api_invoke"},
    },
    "data": {"aws_caller_identity": {"chalice"}, "aws_partition": {"chalice"}, "aws_region": {"chalice"}},
    "locals": {"chalice_api_swagger"},
    "output": {"EndpointURL", "RestAPIId"},
}

# Settings read on AWS from the Lambda environment; AWS_REGION is set by Lambda itself (reserved).
LOCAL_ONLY = {"AWS_ENDPOINT_URL", "LOCAL_DEMO_PASSWORD", "WEBHOOK_ALLOW_PRIVATE"}
RESERVED = {"AWS_REGION"}


def _declared(root: hcl.Root, kind: str, extra: dict[str, set[str]] | None = None) -> set[str]:
    named = root.resources if kind == "resource" else root.data
    found = {f"{t}.{n}" for t, names in named.items() for n in names}
    return found | {f"{t}.{n}" for t, names in (extra or {}).items() for n in names}


@pytest.mark.parametrize("root", [hcl.PLATFORM, hcl.APP], ids=["platform", "app"])
def test_every_reference_is_declared(root):
    model = hcl.load_root(root)
    chalice = CHALICE_PROVIDES if root == hcl.APP else {"resource": {}, "data": {}, "locals": set()}
    text = model.text
    used_vars = set(re.findall(r"\bvar\.(\w+)", text))
    assert used_vars <= set(model.variables), f"undeclared variables: {sorted(used_vars - set(model.variables))}"
    used_locals = set(re.findall(r"\blocal\.(\w+)", text))
    known_locals = set(model.locals) | chalice["locals"]
    assert used_locals <= known_locals, f"undefined locals: {sorted(used_locals - known_locals)}"
    used = {f"{t}.{n}" for t, n in re.findall(r"(?<![\w.])(aws_[a-z0-9_]+)\.([\w-]+)", text)}
    declared = _declared(model, "resource", chalice["resource"])
    assert used <= declared, f"undeclared resources: {sorted(used - declared)}"
    used_data = {f"{t}.{n}" for t, n in re.findall(r"\bdata\.(\w+)\.([\w-]+)", text)}
    declared_data = _declared(model, "data", chalice["data"])
    assert used_data <= declared_data, f"undeclared data sources: {sorted(used_data - declared_data)}"


def test_app_root_reads_only_existing_platform_outputs():
    text = hcl.app().text
    outputs = hcl.platform().outputs
    used = set(re.findall(r"\blocal\.platform\.(\w+)", text))
    assert used <= set(outputs), f"not outputs of the platform root: {sorted(used - set(outputs))}"
    keyed = {
        "function_names": set(resources.FUNCTIONS),
        "lambda_role_arns": set(resources.FUNCTIONS),
        "queue_arns": {q.name for q in resources.QUEUES},
        "queue_urls": {q.name for q in resources.QUEUES},
        "bucket_names": set(resources.BUCKETS),
    }
    for output, key in re.findall(r'\blocal\.platform\.(\w+)\["([^"]+)"\]', text):
        assert key in keyed[output], f'local.platform.{output}["{key}"] does not exist'


def test_overrides_target_what_chalice_declares():
    app = hcl.app()
    for rtype, names in app.overrides.items():
        for name in names:
            assert name in CHALICE_PROVIDES["resource"].get(rtype, set()), f"{rtype}.{name} is not Chalice's"
    assert set(app.override_outputs) <= CHALICE_PROVIDES["output"]


@pytest.mark.parametrize("function", resources.FUNCTIONS)
def test_every_function_gets_platform_name_role_environment_key_and_tracing(function):
    body = hcl.app().overrides["aws_lambda_function"].get(CHALICE_FUNCTIONS[function])
    assert body is not None, f"lambda_override.tf does not override {CHALICE_FUNCTIONS[function]}"
    assert body["function_name"] == f'${{local.platform.function_names["{function}"]}}'
    assert body["role"] == f'${{local.platform.lambda_role_arns["{function}"]}}'
    assert body["kms_key_arn"] == "${local.platform.kms_key_arn}"
    assert hcl.block(body, "environment")["variables"] == "${local.lambda_environment}"
    assert hcl.block(body, "tracing_config")["mode"] == "Active"
    assert "reserved_concurrent_executions" in body


def test_lambda_environment_sets_every_setting_read_on_aws():
    environment = hcl.app().locals["lambda_environment"]
    wanted = set(config._ENV.values()) - LOCAL_ONLY - RESERVED
    assert wanted <= set(environment), f"not set on the functions: {sorted(wanted - set(environment))}"
    assert not (LOCAL_ONLY | RESERVED) & set(environment), "local-only or Lambda-reserved variables set"
    for name, value in environment.items():
        assert str(value).startswith(("${local.platform.", "${var.")), f"{name} is hard-coded"
    # The alarms select the namespace built from METRICS_NAMESPACE and the service dimension.
    assert environment["METRICS_NAMESPACE"] == "${local.platform.metrics_namespace}"
    assert environment["POWERTOOLS_SERVICE_NAME"] == "${local.platform.metrics_service}"


def test_upload_worker_consumes_upload_events_with_partial_batch_responses():
    mapping = hcl.app().resource("aws_lambda_event_source_mapping", "upload_events")
    assert mapping["event_source_arn"] == '${local.platform.queue_arns["upload-events"]}'
    assert hcl.ref(mapping["function_name"]) == "aws_lambda_function.upload_worker.arn"
    assert mapping["function_response_types"] == ["ReportBatchItemFailures"]


def test_scheduler_role_may_only_invoke_job_runner():
    app = hcl.app()
    assume = hcl.block(app.data["aws_iam_policy_document"]["scheduler_assume"], "statement")
    assert hcl.block(assume, "principals")["identifiers"] == ["scheduler.amazonaws.com"]
    statements = hcl.blocks(app.data["aws_iam_policy_document"]["scheduler"], "statement")
    invoke = next(s for s in statements if s["actions"] == ["lambda:InvokeFunction"])
    assert all("aws_lambda_function.job_runner.arn" in r for r in invoke["resources"])
    for schedule in app.of_type("aws_scheduler_schedule").values():
        assert hcl.ref(hcl.block(schedule, "target")["role_arn"]) == "aws_iam_role.scheduler.arn"
        assert schedule["group_name"] == "${local.platform.schedule_group_name}"


SPEC_ERROR_CODES = {
    "BAD_JSON", "BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "NOT_ALLOWED_CATEGORY", "NOT_FOUND",
    "VERSION_CONFLICT", "WITHDRAWN", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE",
    "TOO_MANY_ATTEMPTS", "INTERNAL",
}


def test_gateway_responses_use_the_error_shape_of_spec_6_1():
    app = hcl.app()
    responses = app.locals["gateway_responses"]
    assert {"DEFAULT_4XX", "DEFAULT_5XX"} <= set(responses)
    for kind, response in responses.items():
        assert response["code"] in SPEC_ERROR_CODES, kind
        assert re.search(r"[\u4e00-\u9fff]", response["message"]), f"{kind}: message is not Chinese"
    resource = app.resource("aws_api_gateway_gateway_response", "this")
    assert resource["for_each"] == "${local.gateway_responses}"
    body = hcl.expression(resource["response_templates"]["application/json"])
    assert body == {"error": {"code": "${each.value.code}", "message": "${each.value.message}", "details": []}}


def test_api_stage_has_tracing_and_access_logs():
    stage = hcl.app().resource("aws_api_gateway_stage", "api")
    assert stage["xray_tracing_enabled"] is True
    assert stage["stage_name"] == "${local.platform.api_stage_name}"
    assert hcl.block(stage, "access_log_settings")["destination_arn"] == "${local.platform.api_access_log_group_arn}"
    rest_api = hcl.app().overrides["aws_api_gateway_rest_api"]["rest_api"]
    assert hcl.block(rest_api, "endpoint_configuration")["types"] == ["REGIONAL"]  # no EDGE in China


def test_chalice_config_fits_the_infrastructure():
    prod = json.loads(hcl.CHALICE_CONFIG.read_text(encoding="utf-8"))["stages"]["prod"]
    functions = prod.get("lambda_functions", {})
    visibility = next(q.visibility_timeout for q in resources.QUEUES if q.name == "upload-events")
    worker_timeout = functions.get("upload_worker", {}).get("lambda_timeout", prod.get("lambda_timeout", 60))
    assert worker_timeout < visibility, "upload_worker would outlive its messages' visibility timeout"
    assert prod.get("lambda_timeout", 60) <= 30, "API Gateway gives up after 29 s"
    stage_default = hcl.platform().variables["api_stage_name"]["default"]
    assert prod.get("api_gateway_stage", "api") == stage_default
    assert "LOCAL_DEMO_PASSWORD" not in json.dumps(prod)


build = hcl.chalice_build()
needs_build = pytest.mark.skipif(build is None, reason="no build/chalice/chalice.tf.json: run `make package`")


@needs_build
def test_chalice_build_declares_what_the_app_root_expects():
    for kind in ("resource", "data"):
        for rtype, names in CHALICE_PROVIDES[kind].items():
            assert names <= set(build[kind].get(rtype, {})), f"chalice.tf.json lacks {kind} {rtype} {names}"
    assert set(build["resource"]["aws_lambda_function"]) == set(CHALICE_FUNCTIONS.values())
    assert CHALICE_PROVIDES["locals"] <= set(build["locals"])
    assert CHALICE_PROVIDES["output"] <= set(build["output"])


@needs_build
def test_chalice_declares_no_consumer_or_schedule_of_its_own():
    # The SQS mapping (ReportBatchItemFailures) and the Asia/Shanghai schedules are wired here;
    # Chalice's own would duplicate them (and its schedules run in UTC).
    for rtype in ("aws_lambda_event_source_mapping", "aws_cloudwatch_event_rule", "aws_s3_bucket_notification"):
        assert rtype not in build["resource"], f"chalice.tf.json declares {rtype}"
