"""管理员: users, departments, the working-day calendar, jobs, the audit trail."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib import pagination
from chalicelib.clock import parse_day
from chalicelib.container import get_container
from chalicelib.web import Router

bp = Blueprint(__name__)
api = Router(bp, get_container)


@api.route("/v1/admin/users", methods=["POST"])
def create_user(ctx):
    body = ctx.json()
    ctx.target = str(body.get("username", "-")).lower()
    return get_container().auth.create_user(body)


@api.route("/v1/admin/users/{username}", methods=["PUT"])
def update_user(ctx, username):
    ctx.target = username.lower()
    return get_container().auth.update_user(username, ctx.json())


@api.route("/v1/admin/users/{username}/disable", methods=["POST"])
def disable_user(ctx, username):
    ctx.target = username.lower()
    return get_container().auth.disable_user(username)


@api.route("/v1/admin/audit")
def audit_trail(ctx):
    return get_container().audit.search(
        actor=ctx.query("actor"), target=ctx.query("target"),
        start=parse_day(ctx.query("from"), "from"), end=parse_day(ctx.query("to"), "to"),
        limit=pagination.limit_of(ctx.query("limit")), cursor=ctx.query("cursor"))


@api.route("/v1/admin/jobs/{job}", methods=["POST"])
def run_job(ctx, job):
    ctx.target = job
    body = ctx.optional_json()
    return get_container().jobs.run(job, parse_day(body.get("as_of")))


@api.route("/v1/admin/departments/{department_id}")
def get_department(ctx, department_id):
    return get_container().departments.get(department_id)


@api.route("/v1/admin/departments/{department_id}", methods=["PUT"])
def put_department(ctx, department_id):
    ctx.target = department_id
    return get_container().departments.put(department_id, ctx.json())


@api.route("/v1/admin/calendar/{year}", methods=["PUT"])
def put_calendar(ctx, year):
    ctx.target = f"calendar/{year}"
    return get_container().calendar.put(ctx.principal, year, ctx.json())
