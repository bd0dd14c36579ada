"""The Terraform HCL declares exactly what chalicelib/resources.py defines.

resources.py is read at test time: a table, queue, bucket, schedule, role or function added
there fails these tests until the HCL follows.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from chalicelib import resources
from chalicelib.local import cron
from tests.infra import hcl

PREFIX = "${var.resource_prefix}-"
BUCKET_PREFIX = "${var.bucket_prefix}-"
APP_PREFIX = "${local.platform.resource_prefix}-"


def _missing_and_extra(code: set[str], terraform: set[str]) -> str:
    return f"in resources.py but not in HCL: {sorted(code - terraform)}; in HCL only: {sorted(terraform - code)}"


# --- files -------------------------------------------------------------------------------------
TF_FILES = sorted(p for p in hcl.TERRAFORM.rglob("*.tf") if ".terraform" not in p.parts)


@pytest.mark.parametrize("path", TF_FILES, ids=lambda p: str(p.relative_to(hcl.TERRAFORM)))
def test_every_tf_file_parses(path):
    assert isinstance(hcl.parse(path.read_text(encoding="utf-8")), dict)


@pytest.mark.parametrize("root", [hcl.PLATFORM, hcl.APP], ids=["platform", "app"])
def test_every_variable_has_a_type_and_a_description(root):
    variables = hcl.load_root(root).variables
    assert variables
    for name, body in variables.items():
        assert body.get("type"), f"variable {name} has no type"
        assert body.get("description"), f"variable {name} has no description"


@pytest.mark.parametrize("root", [hcl.PLATFORM, hcl.APP], ids=["platform", "app"])
def test_every_output_has_a_description(root):
    for name, body in hcl.load_root(root).outputs.items():
        assert body.get("description"), f"output {name} has no description"


def test_versions_lift_terraform_and_provider_pins():
    for root in (hcl.platform(), hcl.app()):
        (settings,) = root.terraform
        assert settings["required_version"] == ">= 1.5"
        aws = hcl.block(settings, "required_providers")["aws"]
        assert aws == {"source": "hashicorp/aws", "version": "~> 5.0"}


# --- DynamoDB ----------------------------------------------------------------------------------
def _table_from_hcl(body: dict) -> dict:
    ttl = hcl.blocks(body, "ttl")
    return {
        "hash_key": body["hash_key"],
        "range_key": body.get("range_key"),
        "attributes": {a["name"]: a["type"] for a in hcl.blocks(body, "attribute")},
        "indexes": {
            ix["name"]: (ix["hash_key"], ix.get("range_key"), ix["projection_type"])
            for ix in hcl.blocks(body, "global_secondary_index")
        },
        "ttl": ttl[0]["attribute_name"] if ttl and ttl[0].get("enabled") else None,
        "stream": bool(body.get("stream_enabled")),
    }


def _table_from_code(table: resources.TableDef) -> dict:
    return {
        "hash_key": table.hash_key,
        "range_key": table.range_key,
        "attributes": table.attributes(),
        "indexes": {ix.name: (ix.hash_key, ix.range_key, "ALL") for ix in table.indexes},
        "ttl": table.ttl_attribute,
        "stream": table.stream,
    }


def _hcl_tables() -> dict[str, dict]:
    """Logical name → what its instance of aws_dynamodb_table.this deploys."""
    assert set(hcl.platform().of_type("aws_dynamodb_table")) == {"this"}, "one for_each resource"
    tables = {}
    for key, body in hcl.platform().instances("aws_dynamodb_table", "this").items():
        name = hcl.strip_prefix(body["name"], PREFIX)
        assert name == key, f"table {key} is named {name}"
        tables[name] = body
    return tables


def test_table_names_equal_resources():
    code = {t.name for t in resources.TABLES}
    assert set(_hcl_tables()) == code, _missing_and_extra(code, set(_hcl_tables()))


@pytest.mark.parametrize("table", resources.TABLES, ids=lambda t: t.name)
def test_table_keys_indexes_and_ttl_equal_resources(table):
    body = _hcl_tables().get(table.name)
    assert body is not None, f"table {table.name} is missing from infra/terraform/platform/dynamodb.tf"
    assert _table_from_hcl(body) == _table_from_code(table)
    if table.stream:
        assert body.get("stream_view_type") == "NEW_AND_OLD_IMAGES"


@pytest.mark.parametrize("name", sorted(_hcl_tables()))
def test_table_is_on_demand_recoverable_protected_and_encrypted(name):
    body = _hcl_tables()[name]
    assert body["billing_mode"] == "PAY_PER_REQUEST"
    assert body["deletion_protection_enabled"] is True
    assert hcl.block(body, "point_in_time_recovery")["enabled"] is True
    sse = hcl.block(body, "server_side_encryption")
    assert sse["enabled"] is True and hcl.ref(sse["kms_key_arn"]) == "aws_kms_key.this.arn"


def test_table_map_and_iam_grants_cover_every_table():
    code = {t.name for t in resources.TABLES}
    assert hcl.platform().locals["tables"] == "${aws_dynamodb_table.this}"
    assert set(hcl.platform().locals["dynamodb_tables"]) == code
    grants = hcl.platform().locals["function_tables"]
    assert set(grants) == set(resources.FUNCTIONS)
    granted = {t for tables in grants.values() for t in tables}
    assert granted <= code, f"IAM grants unknown tables: {sorted(granted - code)}"
    assert granted == code, f"no function may use tables {sorted(code - granted)}: grant them in iam.tf"


# --- SQS ---------------------------------------------------------------------------------------
def _hcl_queues() -> dict[str, dict]:
    """Logical queue name → body, with the redrive target resolved to a logical name."""
    bodies = hcl.platform().of_type("aws_sqs_queue")
    logical = {label: hcl.strip_prefix(body["name"], PREFIX) for label, body in bodies.items()}
    queues = {}
    for label, body in bodies.items():
        redrive = hcl.expression(body["redrive_policy"]) if "redrive_policy" in body else None
        target = None
        if redrive:
            target_label = hcl.ref(redrive["deadLetterTargetArn"]).split(".")[1]
            target = logical[target_label]
        queues[logical[label]] = {
            "dlq": target,
            "max_receive": redrive["maxReceiveCount"] if redrive else None,
            "visibility_timeout": body["visibility_timeout_seconds"],
            "kms": hcl.ref(body.get("kms_master_key_id", "")),
        }
    return queues


DLQS = {q.dlq for q in resources.QUEUES if q.dlq} | {q.name for q in resources.QUEUES if q.name.endswith("-dlq")}


def test_queues_and_redrive_targets_equal_resources():
    queues = _hcl_queues()
    code = {q.name for q in resources.QUEUES}
    assert set(queues) == code, _missing_and_extra(code, set(queues))
    for q in resources.QUEUES:
        got = queues[q.name]
        want = {"dlq": q.dlq, "max_receive": q.max_receive if q.dlq else None,
                "visibility_timeout": q.visibility_timeout, "kms": "aws_kms_key.this.arn"}
        assert got == want, q.name


def test_every_queue_that_is_not_a_dlq_redrives_to_one():
    for name, queue in _hcl_queues().items():
        if name not in DLQS:
            assert queue["dlq"] in DLQS, f"queue {name} has no redrive policy to a DLQ"


def _hcl_alarms() -> dict[str, dict]:
    """Alarm name after the prefix → what its instance of aws_cloudwatch_metric_alarm.this deploys."""
    assert set(hcl.platform().of_type("aws_cloudwatch_metric_alarm")) == {"this"}, "one for_each resource"
    alarms = hcl.platform().instances("aws_cloudwatch_metric_alarm", "this")
    for key, alarm in alarms.items():
        assert alarm["alarm_name"] == PREFIX + key, key
        assert (alarm["comparison_operator"], alarm["treat_missing_data"]) == ("GreaterThanThreshold", "notBreaching")
        assert alarm["alarm_actions"] == alarm["ok_actions"] == "${local.alarm_actions}", key
    return alarms


def test_every_dlq_has_a_depth_alarm():
    platform = hcl.platform()
    assert set(platform.locals["dead_letter_queues"]) == DLQS
    queues = hcl.platform().of_type("aws_sqs_queue")
    alarms = _hcl_alarms()
    for dlq in DLQS:
        alarm = alarms.get(f"{dlq}-not-empty")
        assert alarm is not None, f"no alarm {dlq}-not-empty"
        (label,) = [label for label, q in queues.items() if q["name"] == PREFIX + dlq]
        assert (alarm["namespace"], alarm["metric_name"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
        assert alarm["dimensions"] == {"QueueName": f"${{aws_sqs_queue.{label}.name}}"}
        assert alarm["threshold"] == 0 and alarm["statistic"] == "Maximum"


def test_queue_outputs_list_every_queue():
    platform = hcl.platform()
    queues = platform.local("queues")
    assert set(queues) == {q.name for q in resources.QUEUES}
    for name, queue in queues.items():
        label = hcl.ref(queue).removeprefix("aws_sqs_queue.")
        assert platform.resource("aws_sqs_queue", label)["name"] == PREFIX + name, name
    for output, attribute in (("queue_urls", "url"), ("queue_arns", "arn")):
        value = platform.outputs[output]["value"]
        assert value == f"${{{{for logical, queue in local.queues : logical => queue.{attribute}}}}}", output


# --- S3 ----------------------------------------------------------------------------------------
def test_buckets_equal_resources():
    platform = hcl.platform()
    names = {hcl.strip_prefix(b["bucket"], BUCKET_PREFIX) for b in platform.of_type("aws_s3_bucket").values()}
    assert names == set(resources.BUCKETS), _missing_and_extra(set(resources.BUCKETS), names)
    # Versioning, encryption, public access block and the TLS-only policy iterate this map.
    assert {k: hcl.ref(v) for k, v in platform.locals["buckets"].items()} == {
        b: f"aws_s3_bucket.{b}" for b in resources.BUCKETS}
    for rtype in ("aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration",
                  "aws_s3_bucket_public_access_block", "aws_s3_bucket_policy",
                  "aws_s3_bucket_ownership_controls", "aws_s3_bucket_lifecycle_configuration"):
        assert platform.resource(rtype, "this")["for_each"] == "${local.buckets}", rtype


def test_uploads_bucket_notifies_the_upload_events_queue():
    notification = hcl.platform().resource("aws_s3_bucket_notification", "uploads")
    (queue,) = hcl.blocks(notification, "queue")
    assert queue["filter_prefix"] == resources.UPLOAD_PREFIX
    assert queue["events"] == ["s3:ObjectCreated:*"]
    assert hcl.ref(queue["queue_arn"]) == "aws_sqs_queue.upload_events.arn"


def test_uploads_and_feedback_expire():
    lifecycles = hcl.platform().instances("aws_s3_bucket_lifecycle_configuration", "this")
    assert set(lifecycles) == set(resources.BUCKETS)
    for bucket, lifecycle in lifecycles.items():
        assert lifecycle["bucket"] == f"${{aws_s3_bucket.{bucket}.id}}"
        rules = hcl.blocks(lifecycle, "rule")
        expiring = {hcl.block(r, "filter").get("prefix") for r in rules if hcl.blocks(r, "expiration")}
        # The exchange bucket is the record of what was disclosed: its current files stay.
        assert expiring == ({resources.UPLOAD_PREFIX, "feedback/"} if bucket == "uploads" else set()), bucket
        assert all(hcl.blocks(r, "noncurrent_version_expiration") for r in rules)
        assert all(hcl.blocks(r, "abort_incomplete_multipart_upload") for r in rules)
        assert len({r["id"] for r in rules}) == len(rules)


# --- Lambda functions and metrics ----------------------------------------------------------------
def test_every_function_has_errors_and_throttles_alarms():
    platform = hcl.platform()
    assert set(platform.locals["function_names"]) == set(resources.FUNCTIONS)
    alarms = _hcl_alarms()
    for function in resources.FUNCTIONS:
        for suffix, metric in (("errors", "Errors"), ("throttles", "Throttles")):
            alarm = alarms.get(f"{function}-{suffix}")
            assert alarm is not None, f"no alarm {function}-{suffix}"
            assert (alarm["namespace"], alarm["metric_name"]) == ("AWS/Lambda", metric)
            assert alarm["dimensions"] == {"FunctionName": platform.locals["function_names"][function]}
            assert (alarm["statistic"], alarm["threshold"]) == ("Sum", 0)
    assert platform.resource("aws_iam_role", "lambda")["for_each"] == "${local.function_names}"
    assert platform.resource("aws_cloudwatch_log_group", "lambda")["for_each"] == "${local.function_names}"


def test_custom_metric_alarms_select_the_stage_namespace_and_service():
    platform = hcl.platform()
    alarms = {a["metric_name"]: a for a in _hcl_alarms().values() if a["namespace"] == "${local.metrics_namespace}"}
    assert {"ForwardFailures", "ForwardRejected", "PublishDeadlineMissed", "UploadProcessingSeconds"} <= set(alarms)
    assert len(alarms) == len(platform.locals["metric_alarms"])
    for alarm in alarms.values():
        assert alarm["dimensions"] == "${local.metric_dimensions}"
    assert alarms["UploadProcessingSeconds"]["threshold"] == "${var.upload_processing_alarm_seconds}"
    # Settings' namespace plus the stage, as the code writes it; Powertools' service dimension.
    assert platform.locals["metrics_namespace"] == "${var.metrics_namespace}-${var.stage}"
    assert platform.locals["metric_dimensions"] == {"service": "${var.metrics_service}"}
    assert {"RecordsAccepted", "RecordsRejected", "PublishDeadlineAtRisk"} <= hcl.custom_metric_names()


def test_custom_metric_names_are_the_codes():
    metric_names = pytest.importorskip("chalicelib.metric_names")
    unknown = hcl.custom_metric_names() - set(metric_names.ALL)
    assert not unknown, f"metrics the code never emits: {sorted(unknown)}"


def test_api_5xx_alarm_watches_the_api_stage():
    alarm = _hcl_alarms()["api-5xx-rate"]
    assert (alarm["namespace"], alarm["metric_name"], alarm["statistic"]) == ("AWS/ApiGateway", "5XXError", "Average")
    assert alarm["dimensions"] == {"ApiName": "${local.api_name}", "Stage": "${var.api_stage_name}"}
    assert (alarm["evaluation_periods"], alarm["datapoints_to_alarm"]) == (3, 2)
    assert alarm["threshold"] == "${var.api_5xx_rate_threshold}"


# --- Cognito -----------------------------------------------------------------------------------
def test_cognito_groups_equal_roles():
    platform = hcl.platform()
    assert list(platform.locals["user_groups"]) == list(resources.ROLES)
    group = platform.resource("aws_cognito_user_group", "this")
    assert (group["for_each"], group["name"]) == ("${local.user_groups}", "${each.key}")


def test_user_pool_custom_attributes_and_client():
    platform = hcl.platform()
    pool = platform.resource("aws_cognito_user_pool", "this")
    assert [s["name"] for s in hcl.blocks(pool, "schema")] == list(resources.USER_POOL_CUSTOM_ATTRIBUTES)
    assert "username_attributes" not in pool and "alias_attributes" not in pool  # username sign-in
    client = platform.resource("aws_cognito_user_pool_client", "this")
    assert client["generate_secret"] is False
    assert set(client["explicit_auth_flows"]) == {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    for attribute in resources.USER_POOL_CUSTOM_ATTRIBUTES:
        assert f"custom:{attribute}" in client["read_attributes"]
        # A user who could write their own department could act for another department.
        assert f"custom:{attribute}" not in client["write_attributes"]


# --- Schedules ---------------------------------------------------------------------------------
def _hcl_schedules() -> dict[str, dict]:
    """Schedule name → what its instance of aws_scheduler_schedule.this deploys."""
    assert set(hcl.app().of_type("aws_scheduler_schedule")) == {"this"}, "one for_each resource"
    schedules = {}
    for key, body in hcl.app().instances("aws_scheduler_schedule", "this").items():
        target = hcl.block(body, "target")
        name = hcl.strip_prefix(body["name"], APP_PREFIX)
        assert name == key, f"schedule {key} is named {name}"
        schedules[name] = {
            "cron": body["schedule_expression"],
            "timezone": body["schedule_expression_timezone"],
            "input": hcl.expression(target["input"]),
            "target": hcl.ref(target["arn"]),
        }
    return schedules


def test_schedules_equal_resources():
    schedules = _hcl_schedules()
    code = {s.name for s in resources.SCHEDULES}
    assert set(schedules) == code, _missing_and_extra(code, set(schedules))
    for s in resources.SCHEDULES:
        assert schedules[s.name] == {
            "cron": s.cron, "timezone": "Asia/Shanghai", "input": {"job": s.job, **s.payload},
            "target": "aws_lambda_function.job_runner.arn",
        }, s.name
        assert s.timezone == "Asia/Shanghai"


@pytest.mark.parametrize("expression", sorted(
    {s.cron for s in resources.SCHEDULES} | {s["cron"] for s in _hcl_schedules().values()}))
def test_cron_expression_is_valid_aws_cron(expression):
    cron.parse(expression)


@pytest.mark.parametrize("expression", [
    "cron(0 2 * * *)", "cron(0 2 * * * *)", "cron(0 2 ? * ? *)", "cron(60 2 * * ? *)",
    "cron(0 24 * * ? *)", "cron(0 2 0 * ? *)", "cron(0 2 * 13 ? *)", "cron(0 2 ? * 8 *)",
    "cron(bogus)", "0 2 * * ? *", "rate(1 hour)",
])
def test_cron_validator_rejects_invalid_expressions(expression):
    with pytest.raises(cron.CronError):
        cron.parse(expression)


def _firing_times(expression: str, start: datetime, days: int) -> list[datetime]:
    minutes = (start + timedelta(minutes=i) for i in range(days * 24 * 60))
    return [t for t in minutes if cron.matches(expression, t)]


def test_schedule_times_follow_spec_6_4():
    """forward 02:00 daily and hourly retries; expire 03:00; open_data 04:00; deadlines 08:00;
    monthly_report 09:00 on the 1st — all Shanghai time."""
    by_job: dict[tuple[str, bool], list[str]] = {}
    for s in resources.SCHEDULES:
        by_job.setdefault((s.job, bool(s.payload.get("retry_only"))), []).append(s.cron)
    day = datetime(2026, 10, 13)
    daily = {"forward": 2, "expire": 3, "open_data": 4, "deadlines": 8}
    for job, hour in daily.items():
        (expression,) = by_job[(job, False)]
        assert _firing_times(expression, day, 1) == [day.replace(hour=hour)], job
    (retry,) = by_job[("forward", True)]
    assert len(_firing_times(retry, day, 1)) == 24
    (monthly,) = by_job[("monthly_report", False)]
    assert _firing_times(monthly, datetime(2026, 10, 1), 31) == [datetime(2026, 10, 1, 9)]


# --- moved blocks --------------------------------------------------------------------------------
@pytest.mark.parametrize("root", [hcl.PLATFORM, hcl.APP], ids=["platform", "app"])
def test_moved_blocks_lead_from_old_addresses_to_existing_instances(root):
    model = hcl.load_root(root)
    for old, new in model.moves().items():
        rtype, name = old.split(".")[:2]
        assert name.split("[")[0] not in model.of_type(rtype), f"{old} still exists: no move needed"
        m = re.fullmatch(r'(aws_\w+)\.(\w+)\["([^"]+)"\]', new)
        assert m and m.group(1) == rtype, f"moved {old} → {new}: not an instance of a {rtype}"
        assert m.group(3) in model.instances(rtype, m.group(2)), f"moved {old} → {new}: no such key"


# The addresses of the last layout without for_each (tables, schedules and alarms one resource
# each): a stage applied then must find its objects again under the new keys, or terraform would
# replace them (a table: refused by deletion protection, then a new empty one).
FORMER_ADDRESSES = {
    **{f"aws_dynamodb_table.{t}": f'aws_dynamodb_table.this["{t}"]' for t in (
        "records", "versions", "enterprises", "notices", "name_index", "public", "uploads", "audit",
        "counters", "calendar", "departments", "jobs", "watchlists", "throttle", "idempotency")},
    **{f"aws_s3_bucket_lifecycle_configuration.{b}": f'aws_s3_bucket_lifecycle_configuration.this["{b}"]'
       for b in ("uploads", "exchange")},
    **{f"aws_scheduler_schedule.{s.replace('-', '_')}": f'aws_scheduler_schedule.this["{s}"]' for s in (
        "forward-daily", "forward-retry", "expire", "open-data", "deadlines", "monthly-report")},
    **{f'aws_cloudwatch_metric_alarm.{old}["{key}"]': f'aws_cloudwatch_metric_alarm.this["{key}{suffix}"]'
       for old, suffix, keys in (
           ("lambda_errors", "-errors", ("api", "upload_worker", "job_runner")),
           ("lambda_throttles", "-throttles", ("api", "upload_worker", "job_runner")),
           ("dlq_depth", "-not-empty", ("upload-events-dlq", "forward-dlq", "webhook-dlq")))
       for key in keys},
    **{f"aws_cloudwatch_metric_alarm.{old}": f'aws_cloudwatch_metric_alarm.this["{new}"]' for old, new in (
        ("api_5xx_rate", "api-5xx-rate"), ("upload_events_age", "upload-events-backlog"),
        ("schedules_dropped", "schedules-dropped"), ("forward_failures", "forward-failures"),
        ("forward_rejected", "forward-rejected"), ("publish_deadline_missed", "publish-deadline-missed"),
        ("upload_processing_slow", "upload-processing-slow"))},
}


@pytest.mark.parametrize("old", sorted(FORMER_ADDRESSES))
def test_every_former_address_moves_to_its_instance(old):
    moves = {**hcl.platform().moves(), **hcl.app().moves()}
    assert moves.get(old) == FORMER_ADDRESSES[old], f"no moved block from {old}"
