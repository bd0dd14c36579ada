"""Create every resource of resources.py on a backend (the emulator, for `make run` and tests).

Idempotent: running it twice against the same backend changes nothing the second time.
Returns the environment the app needs to find what was created (pool and client ids, JWKS URL).
"""
from __future__ import annotations

import json

from botocore.exceptions import ClientError

from chalicelib import resources as R
from chalicelib.aws import Aws

POOL_NAME_SUFFIX = "users"
CLIENT_NAME = "qygs-web"


def _tables(aws: Aws) -> None:
    ddb = aws.client("dynamodb")
    existing = set(ddb.list_tables()["TableNames"])
    for t in R.TABLES:
        name = aws.settings.table(t.name)
        if name in existing:
            continue
        ddb.create_table(**t.create_kwargs(name))
        if t.ttl_attribute:
            ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={
                "Enabled": True, "AttributeName": t.ttl_attribute})


def _queues(aws: Aws) -> dict[str, str]:
    sqs = aws.client("sqs")
    urls: dict[str, str] = {}
    # DLQs first, so redrive policies can name them.
    for q in sorted(R.QUEUES, key=lambda q: q.dlq is not None):
        attrs = {"VisibilityTimeout": str(q.visibility_timeout)}
        if q.dlq:
            dlq_arn = sqs.get_queue_attributes(QueueUrl=urls[q.dlq], AttributeNames=["QueueArn"])
            attrs["RedrivePolicy"] = json.dumps({
                "deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"],
                "maxReceiveCount": str(q.max_receive)})
        urls[q.name] = sqs.create_queue(QueueName=aws.settings.queue(q.name), Attributes=attrs)["QueueUrl"]
    return urls


def _buckets(aws: Aws, queue_urls: dict[str, str]) -> None:
    s3 = aws.client("s3")
    for b in R.BUCKETS:
        name = aws.settings.bucket(b)
        try:
            s3.head_bucket(Bucket=name)
        except ClientError:
            kwargs = {}
            if aws.settings.region != "us-east-1":
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": aws.settings.region}
            s3.create_bucket(Bucket=name, **kwargs)
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    queue_arn = aws.client("sqs").get_queue_attributes(
        QueueUrl=queue_urls["upload-events"], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket=aws.settings.bucket("uploads"),
        NotificationConfiguration={"QueueConfigurations": [{
            "QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": R.UPLOAD_PREFIX}]}},
        }]},
    )


def _user_pool(aws: Aws) -> tuple[str, str]:
    idp = aws.client("cognito-idp")
    pool_name = f"{aws.settings.resource_prefix}-{POOL_NAME_SUFFIX}"
    pools = idp.list_user_pools(MaxResults=60)["UserPools"]
    pool_id = next((p["Id"] for p in pools if p["Name"] == pool_name), None)
    if pool_id is None:
        pool_id = idp.create_user_pool(
            PoolName=pool_name,
            Policies={"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": True,
                                         "RequireLowercase": True, "RequireNumbers": True,
                                         "RequireSymbols": True}},
            Schema=[{"Name": a, "AttributeDataType": "String", "Mutable": True}
                    for a in R.USER_POOL_CUSTOM_ATTRIBUTES],
        )["UserPool"]["Id"]
    clients = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    client_id = next((c["ClientId"] for c in clients if c["ClientName"] == CLIENT_NAME), None)
    if client_id is None:
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName=CLIENT_NAME, GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
    groups = {g["GroupName"] for g in idp.list_groups(UserPoolId=pool_id)["Groups"]}
    for role in R.ROLES:
        if role not in groups:
            idp.create_group(UserPoolId=pool_id, GroupName=role)
    return pool_id, client_id


def _schedules(aws: Aws) -> None:
    scheduler = aws.client("scheduler")
    existing = {s["Name"] for s in scheduler.list_schedules()["Schedules"]}
    target = f"arn:aws:lambda:{aws.settings.region}:123456789012:function:qygs-{aws.settings.stage}-job_runner"
    for s in R.SCHEDULES:
        name = f"{aws.settings.resource_prefix}-{s.name}"
        if name in existing:
            continue
        scheduler.create_schedule(
            Name=name, ScheduleExpression=s.cron, ScheduleExpressionTimezone=s.timezone,
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": target, "RoleArn": "arn:aws:iam::123456789012:role/qygs-scheduler",
                    "Input": json.dumps({"job": s.job, **s.payload})},
        )


def _signing_keys(aws: Aws) -> None:
    kms = aws.client("kms")
    aliases = {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
    for logical in R.SIGNING_KEYS:
        alias = aws.settings.key_alias(logical)
        if alias not in aliases:
            key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY",
                                 Description=f"{aws.settings.resource_prefix} {logical}")["KeyMetadata"]["KeyId"]
            kms.create_alias(AliasName=alias, TargetKeyId=key)


def provision(aws: Aws) -> dict[str, str]:
    """Create everything; return the environment variables that point the app at it."""
    _tables(aws)
    urls = _queues(aws)
    _buckets(aws, urls)
    pool_id, client_id = _user_pool(aws)
    _schedules(aws)
    _signing_keys(aws)
    endpoint = aws.settings.aws_endpoint_url or ""
    return {
        "USER_POOL_ID": pool_id,
        "USER_POOL_CLIENT_ID": client_id,
        # moto serves the pool's JWKS at <endpoint>/<pool id>/.well-known/jwks.json; its tokens'
        # `iss` names real AWS, which Settings derives from the pool id.
        "JWKS_URL": f"{endpoint}/{pool_id}/.well-known/jwks.json",
        "UPLOAD_QUEUE_URL": urls["upload-events"],
    }
