"""Chalice app: routes and event functions only. Each parses, authorises, calls one service.

Authentication, the route × role table, audit entries and error bodies are applied by
`chalicelib.web.Router` for every route (see chalicelib/identity/policy.py).
"""
from __future__ import annotations

from chalice import Chalice

from chalicelib import http, pagination
from chalicelib.clock import parse_day
from chalicelib.container import get_container
from chalicelib.web import Router

app = Chalice(app_name="qygs")
api = Router(app, get_container)


@app.middleware("http")
def platform_error_bodies(event, get_response):
    """Chalice's own 4xx/5xx (415, 405, unhandled) get the platform's error body too."""
    return http.normalise_error(get_response(event))


@api.route("/health")
def health(ctx):
    return get_container().health.check()


# --- identity -------------------------------------------------------------------------------
@api.route("/v1/auth/token", methods=["POST"])
def login(ctx):
    return get_container().auth.login(ctx.json(), ctx.request_id)


@api.route("/v1/admin/users", methods=["POST"])
def create_user(ctx):
    body = ctx.json()
    ctx.target = str(body.get("username", "-"))
    return get_container().auth.create_user(body)


@api.route("/v1/admin/users/{username}/disable", methods=["POST"])
def disable_user(ctx, username):
    ctx.target = username
    return get_container().auth.disable_user(username)


@api.route("/v1/admin/audit")
def audit_trail(ctx):
    return get_container().audit.search(
        actor=ctx.query("actor"), target=ctx.query("target"),
        start=parse_day(ctx.query("from"), "from"), end=parse_day(ctx.query("to"), "to"),
        limit=pagination.limit_of(ctx.query("limit")), cursor=ctx.query("cursor"))


# --- events ---------------------------------------------------------------------------------
@app.lambda_function(name="upload_worker")
def upload_worker(event, context):
    """SQS batch of S3 upload notifications → partial-batch response."""
    return get_container().upload_events.handle(event, context)


@app.lambda_function(name="job_runner")
def job_runner(event, context):
    """EventBridge Scheduler input {"job": name, "as_of"?: date, ...options} → job summary."""
    options = {k: v for k, v in event.items() if k not in ("job", "as_of")}
    return get_container().jobs.run(event.get("job", ""), event.get("as_of"), **options)
