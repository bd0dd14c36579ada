"""Requests of the cheap public reads (`python -m bench --only public_reads`): what one anonymous
request costs behind it, counted (not timed) with the botocore hook of common.RequestCounter.

  scorecards  a small month (a pool of enterprises registered, penalties submitted and forwarded),
              then: the first read of the month before any build (it builds the month once), the
              daily `deadlines` run that rebuilds it (and its scorecards step alone), and READS
              reads after it — DynamoDB requests per read (target 1: one GetItem of the month's item).
  attest      GET /v1/public/enterprises/{code}/credit-check?attest=1, REPEAT times on an unchanged
              public side, then once more after the enterprise's public side changed (a new
              record forwarded), REPEAT times again — KMS calls per public-side version (target
              ≤ 1: an attestation is signed once per (code, public-side version), or in batch).
              The change puts the enterprise on the 严重违法失信 list, so what an attestation states
              (restricted, reasons) changes with it.
              The bench measures whatever services/attestation.py does; it asserts nothing.
"""
from __future__ import annotations

import json

from bench.common import (
    Emulator,
    RequestCounter,
    enterprise_pool,
    log,
    penalty_records,
    register_pool,
    set_env,
)

SCORECARDS = "/v1/public/scorecards"


def _kms(calls: dict) -> int:
    return sum(n for op, n in calls["ops"].items() if op.startswith("kms."))


def _get(client, path: str) -> dict:
    resp = client.http.get(path)
    if resp.status_code != 200:
        raise RuntimeError(f"GET {path}: {resp.status_code} {resp.body[:300]}")
    return resp.json_body


def _scorecards(c, client, counter) -> dict:
    """The first read of a month nobody built, the daily job, and the job's scorecards step alone."""
    from chalicelib.clock import today

    with counter.measure() as first:
        _get(client, SCORECARDS)
    with counter.measure() as job:
        c.jobs.run("deadlines")
    with counter.measure() as build:
        c.scorecards.rebuild(today())
    return {"first_read": first, "deadlines_job": job, "build": build}


def _attest(client, counter, code: str, repeat: int) -> dict:
    signatures = set()
    with counter.measure() as calls:
        for _ in range(repeat):
            body = _get(client, f"/v1/public/enterprises/{code}/credit-check?attest=1")
            signatures.add(body["attestation"]["signature"])
    return {**calls, "requests": repeat, "kms": _kms(calls), "distinct_signatures": len(signatures)}


def run(pool_size: int = 20, reads: int = 20, repeat: int = 20) -> dict:
    from chalice.test import Client

    from chalicelib.container import get_container
    from chalicelib.local.demo_data import sample_record
    from chalicelib.models.principal import Principal

    emu = Emulator()
    try:
        emu.reset()
        c = get_container()
        counter = RequestCounter().attach(c.aws, services=("dynamodb", "kms"))
        pool = enterprise_pool(pool_size)
        log(f"public_reads: registering {pool_size} enterprises, {pool_size} penalties, forward")
        register_pool(c, pool)
        who = Principal(username="op-d12", role="operator", department="d12")
        out = c.submissions.submit(who, "d12", "admin_penalty", penalty_records(pool_size, pool, prefix="P"))
        if out.rejected:
            raise RuntimeError(f"penalties rejected: {out.rejected[:2]}")
        c.jobs.run("forward")
        import app as app_module

        with Client(app_module.app, stage_name="test") as client:
            res: dict = {"pool": pool_size, "scorecards": _scorecards(c, client, counter)}
            with counter.measure() as calls:
                for _ in range(reads):
                    _get(client, SCORECARDS)
            res["scorecards"]["reads"] = {**calls, "requests": reads,
                                          "per_read": round(calls["dynamodb"] / reads, 2)}
            code = pool[0]["uscc"]
            log(f"public_reads: {repeat} × ?attest=1, a change to the public side, {repeat} × again")
            first = _attest(client, counter, code, repeat)
            # a change to what an attestation states: the enterprise goes on the 严重违法失信 list
            registry = Principal(username="op-d21", role="operator", department="d21")
            listed = sample_record("serious_violation", name=pool[0]["name"], uscc=code, regno=pool[0]["regno"])
            if c.submissions.submit(registry, "d21", "serious_violation", [listed]).rejected:
                raise RuntimeError("the serious_violation record was rejected")
            c.jobs.run("forward")
            second = _attest(client, counter, code, repeat)
            res["attest"] = {"unchanged": first, "after_change": second, "versions": 2,
                             "kms_per_version": max(first["kms"], second["kms"])}
        return res
    finally:
        emu.stop()


if __name__ == "__main__":
    set_env()
    print(json.dumps(run(), ensure_ascii=False, indent=1, default=str))
