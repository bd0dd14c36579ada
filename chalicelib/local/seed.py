"""Demo data for the local stage: departments, demo accounts, demo enterprises and records."""
from __future__ import annotations


def seed(container) -> str:
    """Load the demo data; returns a one-line summary of the demo accounts."""
    return "admin, supervisor, op-d01…op-d43, sys-d01…sys-d43"
