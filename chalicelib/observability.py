"""Logger and metrics (Powertools): structured JSON logs and EMF metrics, set up once."""
from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from chalicelib.config import get_settings

# Not the Chalice app name: a Powertools Logger named like the app would print twice.
logger = Logger(service="qygs-platform")


def count(name: str, value: float = 1, unit: str = MetricUnit.Count, **dimensions: str) -> None:
    """Emit one metric now (EMF to stdout; CloudWatch picks it up from the Lambda log)."""
    if not value:
        return
    settings = get_settings()
    with single_metric(name=name, unit=unit, value=value,
                       namespace=f"{settings.metrics_namespace}-{settings.stage}") as metric:
        for key, dim in dimensions.items():
            metric.add_dimension(name=key, value=str(dim))
