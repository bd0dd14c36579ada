"""API Gateway limits of the anonymous routes: stage method settings and a usage plan (app root).

Static: the HCL is parsed (no terraform binary here). The anonymous methods are those of the route ×
role table (identity/policy.py) open to the public under /v1; a public route added there without
its limits here fails the first test.
"""
from __future__ import annotations

from chalicelib.identity.policy import ROUTES
from tests.infra import hcl

THROTTLE = {"throttling_rate_limit": "${var.api_anonymous_throttle[each.value].rate_limit}",
            "throttling_burst_limit": "${var.api_anonymous_throttle[each.value].burst_limit}"}


def anonymous_methods() -> dict[str, str]:
    return hcl.app().local("anonymous_methods")


def test_every_public_v1_route_has_its_own_method_limits():
    public = {f"{path.lstrip('/')}/{method}" for (method, path), rule in ROUTES.items()
              if rule.public and path.startswith("/v1/")}
    assert set(anonymous_methods()) == public


def test_method_settings_throttle_each_anonymous_method_by_its_class_and_keep_the_stage_settings():
    app = hcl.app()
    settings = app.resource("aws_api_gateway_method_settings", "anonymous")
    assert settings["for_each"] == "${local.anonymous_methods}"
    assert settings["method_path"] == "${each.key}"
    assert settings["stage_name"] == "${aws_api_gateway_stage.api.stage_name}"
    mine, stage_wide = hcl.block(settings, "settings"), hcl.block(
        app.resource("aws_api_gateway_method_settings", "all"), "settings")
    assert {k: v for k, v in mine.items() if k in THROTTLE} == THROTTLE
    # a method's settings replace the */* ones: metrics and logging must be restated, bodies never logged
    assert {k: v for k, v in mine.items() if k not in THROTTLE} == \
        {k: v for k, v in stage_wide.items() if not k.startswith("throttling_")}
    assert mine["data_trace_enabled"] is False


def test_classes_exist_and_are_tighter_than_the_stage():
    variables = hcl.app().variables
    classes = variables["api_anonymous_throttle"]["default"]
    assert set(anonymous_methods().values()) <= set(classes) == {"read", "kms", "login", "report"}
    rate, burst = variables["api_throttle_rate_limit"]["default"], variables["api_throttle_burst_limit"]["default"]
    for limits in classes.values():
        assert 0 < limits["rate_limit"] < rate and 0 < limits["burst_limit"] < burst
        assert limits["burst_limit"] >= limits["rate_limit"]
    assert classes["kms"]["rate_limit"] < classes["read"]["rate_limit"]
    assert classes["report"]["rate_limit"] < classes["kms"]["rate_limit"]   # a signature and a PDF rendered
    methods = anonymous_methods()
    assert methods["v1/public/attestations/verify/POST"] == "kms"                     # a KMS Verify each
    assert methods["v1/public/enterprises/{code}/credit-check/GET"] == "kms"          # ?attest=1 signs
    assert methods["v1/auth/token/POST"] == "login"
    assert methods["v1/public/enterprises/{code}/report.pdf/GET"] == "report"


def test_usage_plan_covers_the_stage_with_the_same_method_limits():
    plan = hcl.app().resource("aws_api_gateway_usage_plan", "anonymous")
    stage = hcl.block(plan, "api_stages")
    assert stage["api_id"] == "${aws_api_gateway_rest_api.rest_api.id}"
    assert stage["stage"] == "${aws_api_gateway_stage.api.stage_name}"
    (dynamic,) = stage["dynamic"]
    throttle = dynamic["throttle"]
    assert throttle["for_each"] == "${local.anonymous_methods}"
    assert hcl.block(throttle, "content") == {
        "path": "/${throttle.key}",          # usage plans name a method "/<resource path>/<METHOD>"
        "rate_limit": "${var.api_anonymous_throttle[throttle.value].rate_limit}",
        "burst_limit": "${var.api_anonymous_throttle[throttle.value].burst_limit}"}
    assert hcl.block(plan, "throttle_settings") == {"rate_limit": "${var.api_throttle_rate_limit}",
                                                    "burst_limit": "${var.api_throttle_burst_limit}"}
    assert hcl.block(plan, "quota_settings") == {"limit": "${var.api_usage_plan_daily_quota}", "period": "DAY"}
