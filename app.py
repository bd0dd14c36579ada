"""Chalice app: the blueprints of routes (one per audience) and the event functions.

Routes live in `chalicelib/routes/` — pages, public, department, supervision, admin — each
parsing, authorising and calling one service. Authentication, the route × role table, audit
entries and error bodies are applied by `chalicelib.web.Router` for every route (see
chalicelib/identity/policy.py).
"""
from __future__ import annotations

from chalice import Chalice

from chalicelib import http
from chalicelib.container import get_container
from chalicelib.http import PDF, XLSX
from chalicelib.observability import logger, route_logs_through, tracer
from chalicelib.routes import (
    admin,
    catalog,
    department,
    enterprise_services,
    events,
    pages,
    public,
    supervision,
)

app = Chalice(app_name="qygs")
app.api.binary_types.extend([XLSX, PDF])
route_logs_through(app.log)
for audience in (pages, department, public, supervision, admin, enterprise_services, catalog):
    app.register_blueprint(audience.bp)


@app.middleware("http")
def platform_error_bodies(event, get_response):
    """Chalice's own 4xx/5xx (415, 405, unhandled) get the platform's error body too."""
    return http.normalise_error(get_response(event))


# --- events ---------------------------------------------------------------------------------
@app.lambda_function(name="upload_worker")
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(clear_state=True)
def upload_worker(event, context):
    """SQS batch of S3 upload notifications → partial-batch response."""
    return events.upload_batch(event, context, get_container().upload_processor.process)


@app.lambda_function(name="job_runner")
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(clear_state=True)
def job_runner(event, context):
    """EventBridge Scheduler input {"job": name, "as_of"?: date, ...options} → job summary."""
    options = {k: v for k, v in event.items() if k not in ("job", "as_of", "scheduled")}
    return get_container().jobs.run(event.get("job", ""), event.get("as_of"), scheduled=True, **options)
