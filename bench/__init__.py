"""Benchmarks, run by hand: `make bench` / `.venv/bin/python -m bench [--quick]` (see __main__.py
and PERFORMANCE.md). Not imported by the app or the tests."""
