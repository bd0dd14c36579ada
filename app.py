"""Chalice app: routes and event functions only. Each parses, authorises, calls one service."""
from __future__ import annotations

import functools

from chalice import Chalice

from chalicelib import http
from chalicelib.container import get_container
from chalicelib.errors import DomainError

app = Chalice(app_name="qygs")


@app.middleware("http")
def platform_error_bodies(event, get_response):
    """Chalice's own 4xx/5xx (415, 405, unhandled) get the platform's error body too."""
    return http.normalise_error(get_response(event))


def endpoint(path: str, methods=("GET",), **kwargs):
    """Register a route whose DomainErrors become their HTTP responses."""
    def register(view):
        @functools.wraps(view)
        def wrapped(*args, **kw):
            try:
                return view(*args, **kw)
            except DomainError as err:
                return http.error_response(err)
        app.route(path, methods=list(methods), **kwargs)(wrapped)
        return view
    return register


@endpoint("/health")
def health():
    return get_container().health.check()


@app.lambda_function(name="upload_worker")
def upload_worker(event, context):
    """SQS batch of S3 upload notifications → partial-batch response."""
    return get_container().upload_events.handle(event, context)


@app.lambda_function(name="job_runner")
def job_runner(event, context):
    """EventBridge Scheduler input {"job": name, "as_of"?: date, ...options} → job summary."""
    options = {k: v for k, v in event.items() if k not in ("job", "as_of")}
    return get_container().jobs.run(event.get("job", ""), event.get("as_of"), **options)
