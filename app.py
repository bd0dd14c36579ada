"""Chalice app: routes and event functions only. Each parses, authorises, calls one service.

Authentication, the route × role table, audit entries and error bodies are applied by
`chalicelib.web.Router` for every route (see chalicelib/identity/policy.py).
"""
from __future__ import annotations

from chalice import Chalice, Response

from chalicelib import http, pagination
from chalicelib.clock import parse_day
from chalicelib.container import get_container
from chalicelib.errors import BadRequest, NotFound
from chalicelib.http import XLSX, attachment
from chalicelib.identity.policy import require_department
from chalicelib.observability import logger, route_logs_through, tracer
from chalicelib.services.pages import page
from chalicelib.web import Router

app = Chalice(app_name="qygs")
app.api.binary_types.append(XLSX)
route_logs_through(app.log)
api = Router(app, get_container)


@app.middleware("http")
def platform_error_bodies(event, get_response):
    """Chalice's own 4xx/5xx (415, 405, unhandled) get the platform's error body too."""
    return http.normalise_error(get_response(event))


@api.route("/health")
def health(ctx):
    return get_container().health.check()


# --- pages (部门门户, 公示查询) ----------------------------------------------------------------
@api.route("/")
def home(ctx):
    return pages_response("index.html")


@api.route("/pages/{name}")
def page_asset(ctx, name):
    return pages_response(name)


def pages_response(name: str) -> Response:
    body, ctype = page(name)
    return Response(body=body.decode("utf-8") if "charset" in ctype else body,
                    headers={"Content-Type": ctype, "Cache-Control": "no-cache"})


# --- identity -------------------------------------------------------------------------------
@api.route("/v1/auth/token", methods=["POST"])
def login(ctx):
    return get_container().auth.login(ctx.json(), ctx.request_id)


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


# --- catalog and submissions ----------------------------------------------------------------
@api.route("/v1/catalog")
def catalog(ctx):
    return get_container().catalog.public_view()


@api.route("/v1/templates/{category}")
def template(ctx, category):
    catalog = get_container().catalog
    if category not in catalog.categories:
        raise NotFound("没有该信息类别的模板", details=[{"category": category, "allowed": sorted(catalog.categories)}])
    from chalicelib.adapters.spreadsheet import build_template  # openpyxl only where needed
    cat = catalog.category(category)
    return Response(body=build_template(cat), headers={
        "Content-Type": XLSX, "Content-Disposition": attachment(f"template-{category}.xlsx", f"{cat.name}.xlsx")})


@api.route("/v1/records", methods=["POST"])
def submit_records(ctx):
    body = ctx.json()
    records = body.get("records")
    department = require_department(ctx.principal, body.get("department"))
    from chalicelib.services.submissions import check_batch  # validation stack only where needed
    check_batch(records)
    ctx.target = f"{department}/{body.get('category')}"
    out = get_container().submissions.submit(ctx.principal, department, body.get("category"), records)
    ctx.audit_details = {"accepted": len(out.accepted), "rejected": len(out.rejected)}
    return out.as_response()


@api.route("/v1/records")
def list_records(ctx):
    return get_container().records.list(
        ctx.principal, ctx.query("department"), ctx.query("category"), ctx.query("state"),
        pagination.limit_of(ctx.query("limit")), ctx.query("cursor"))


@api.route("/v1/records/{record_id}")
def get_record(ctx, record_id):
    ctx.target = record_id
    return get_container().records.get(ctx.principal, record_id)


@api.route("/v1/records/{record_id}", methods=["PUT"])
def modify_record(ctx, record_id):
    ctx.target = record_id
    return get_container().records.modify(ctx.principal, record_id, ctx.json())


@api.route("/v1/records/{record_id}", methods=["DELETE"])
def delete_record(ctx, record_id):
    ctx.target = record_id
    return get_container().records.withdraw(ctx.principal, record_id, ctx.optional_json())


@api.route("/v1/records/{record_id}/withdraw", methods=["POST"])
def withdraw_record(ctx, record_id):
    ctx.target = record_id
    return get_container().records.withdraw(ctx.principal, record_id, ctx.json())


@api.route("/v1/uploads", methods=["POST"])
def create_upload(ctx):
    body = ctx.json()
    department = require_department(ctx.principal, body.get("department"))
    out = get_container().upload_service.create(ctx.principal, department, body)
    ctx.target = out["upload_id"]
    return out


@api.route("/v1/uploads/{upload_id}")
def upload_status(ctx, upload_id):
    ctx.target = upload_id       # audited: the answer hands out the 回退 file (rejected rows)
    c = get_container()
    return c.upload_service.status(ctx.principal, upload_id, lambda key: c.presign(key, "uploads"))


@api.route("/v1/shared/enterprises/{code}")
def shared_enterprise(ctx, code):
    ctx.target = code
    return get_container().shared.enterprise(code)


@api.route("/v1/watchlists", methods=["POST"])
def create_watchlist(ctx):
    body = ctx.json()
    department = require_department(ctx.principal, body.get("department"))
    out = get_container().watchlists.create(ctx.principal, department, body)
    ctx.target = out["id"]
    return out


@api.route("/v1/watchlists/{watchlist_id}/deliveries")
def watchlist_deliveries(ctx, watchlist_id):
    return get_container().watchlists.deliveries(ctx.principal, watchlist_id,
                                                 pagination.limit_of(ctx.query("limit")), ctx.query("cursor"))


@api.route("/v1/notices/registrations")
def registration_notices(ctx):
    items, last = get_container().registry.notices.since(
        ctx.principal.department, ctx.query("since"), pagination.limit_of(ctx.query("limit")),
        pagination.decode(ctx.query("cursor")))
    return {"items": items, "next_cursor": pagination.encode(last)}


# --- public side (no login) -------------------------------------------------------------------
PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}


@api.route("/v1/public/enterprises")
def search_enterprises(ctx):
    return Response(get_container().public.search(
        ctx.query("q"), pagination.limit_of(ctx.query("limit")), ctx.query("cursor"), ctx.query("region")),
        headers=PUBLIC_CACHE)


@api.route("/v1/public/enterprises/{code}")
def public_enterprise(ctx, code):
    return Response(get_container().public.enterprise(code), headers=PUBLIC_CACHE)


@api.route("/v1/public/enterprises/{code}/credit-check")
def credit_check(ctx, code):
    c = get_container()
    check = c.public.credit_check(code)
    if ctx.query("attest") in ("1", "true"):
        check = c.attestation.attest(check)
    return Response(check, headers={"Cache-Control": "no-store"})


@api.route("/v1/public/changes")
def change_feed(ctx):
    return get_container().feed.page(ctx.query("cursor"), pagination.limit_of(ctx.query("limit")))


@api.route("/v1/public/scorecards")
def scorecards(ctx):
    return Response(get_container().scorecards.month(ctx.query("month")), headers=PUBLIC_CACHE)


@api.route("/v1/public/attestation-key")
def attestation_key(ctx):
    return Response(get_container().attestation.public_key(), headers=PUBLIC_CACHE)


@api.route("/v1/public/attestations/verify", methods=["POST"])
def verify_attestation(ctx):
    return get_container().attestation.verify(ctx.json())


@api.route("/v1/public/open-data")
def open_data(ctx):
    c = get_container()
    return Response(c.open_data.listing(c.presign), headers=PUBLIC_CACHE)


# --- supervision ----------------------------------------------------------------------------
@api.route("/v1/reports/departments")
def department_report(ctx):
    report = get_container().reports.departments(
        parse_day(ctx.query("from"), "from"), parse_day(ctx.query("to"), "to"), ctx.query("region"))
    fmt = ctx.query("format") or "json"
    if fmt == "json":
        return report
    if fmt != "xlsx":
        raise BadRequest("format 只能是 json 或 xlsx", details=[{"field": "format", "code": "BAD_ENUM"}])
    from chalicelib.adapters.report_xlsx import department_report_xlsx, report_filename  # openpyxl only here
    return Response(body=department_report_xlsx(report), status_code=200, headers={
        "Content-Type": XLSX, "Content-Disposition":
        attachment(f"report-{report['from']}-{report['to']}.xlsx", report_filename(report))})


@api.route("/v1/reports/monthly")
def monthly_reports(ctx):
    c = get_container()
    return c.monthly.listing(c.presign)


# --- administration -------------------------------------------------------------------------
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


# --- events ---------------------------------------------------------------------------------
@app.lambda_function(name="upload_worker")
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(clear_state=True)
def upload_worker(event, context):
    """SQS batch of S3 upload notifications → partial-batch response."""
    return get_container().upload_events.handle(event, context)


@app.lambda_function(name="job_runner")
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(clear_state=True)
def job_runner(event, context):
    """EventBridge Scheduler input {"job": name, "as_of"?: date, ...options} → job summary."""
    options = {k: v for k, v in event.items() if k not in ("job", "as_of", "scheduled")}
    return get_container().jobs.run(event.get("job", ""), event.get("as_of"), scheduled=True, **options)
