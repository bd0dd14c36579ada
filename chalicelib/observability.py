"""Logger, metrics and tracer (Powertools), set up once and used by every route and handler.

Logs are JSON with the request id, department and upload id appended where known; metrics are
EMF in the namespace "<METRICS_NAMESPACE>-<stage>"; X-Ray tracing is on in AWS and disabled
locally (POWERTOOLS_TRACE_DISABLED).
"""
from __future__ import annotations

import logging

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from chalicelib.config import get_settings

SERVICE = "qygs-platform"
# Not the Chalice app name: a Powertools Logger named like the app would print twice.
logger = Logger(service=SERVICE)
tracer = Tracer(service=SERVICE)


def route_logs_through(chalice_log: logging.Logger) -> None:
    """Chalice's own logger (unhandled errors) writes through the same JSON handler."""
    chalice_log.handlers = [logger.registered_handler]
    chalice_log.setLevel(logging.INFO)
    chalice_log.propagate = False


def count(name: str, value: float = 1, unit: str = MetricUnit.Count, **dimensions: str) -> None:
    """Emit one metric now (EMF to stdout; CloudWatch picks it up from the Lambda log)."""
    if not value:
        return
    settings = get_settings()
    with single_metric(name=name, unit=unit, value=value,
                       namespace=f"{settings.metrics_namespace}-{settings.stage}") as metric:
        metric.add_dimension(name="service", value=SERVICE)
        for key, dim in dimensions.items():
            metric.add_dimension(name=key, value=str(dim))
