"""DynamoDB requests (measure 2): per accepted record for JSON batches, per enterprise page, per
job run — and the same due set on a table of 10k and of 100k stored records.

Counted with a botocore `before-call` hook on the container's clients (common.RequestCounter):
one count per API call as the app makes it (BatchGetItem of 100 keys = 1, a transaction of 100
items = 1), retries not included. One emulator for the whole section; the table grows between
stages, the due set does not:

  setup    the registry authority registers the pool of enterprises (registration batches)
  stage n  load background records until the records table holds n of them — 10 % fined
           penalties (forwarded at once: published until 3 years from now, so they sit in the
           expiry index without being due), 90 % warning-only penalties (stored, never public,
           in no job's index) — then the due set: a JSON batch of DUE new records through the
           real route (POST /v1/records, operator token), its identical resend, `deadlines`,
           `forward`, `open_data`, enterprise pages and credit checks, and `expire` four months
           later (the due set's 3-month period has ended, the background's 3 years have not);
           then a due set a tenth the size on the same table, a day later (its submission and
           the same four jobs: a job's cost as a function of its due set, the table unchanged).
Each stage runs on its own days (today + 10 × stage), so the jobs see only that stage's changes.
"""
from __future__ import annotations

import json
from datetime import timedelta

from bench.common import (
    Emulator,
    RequestCounter,
    Timer,
    enterprise_pool,
    log,
    penalty_records,
    register_pool,
    registration_records,
    set_env,
)

PASSWORD = "Bench#Pass2026"


def _load(c, pool, start: int, count: int, share_published: float) -> dict:
    """Submit `count` background records through the service, 1000 a batch; the cost of the last
    full batch (service-level) is returned with the totals."""
    from chalicelib.models.principal import Principal

    who = Principal(username="op-d12", role="operator", department="d12")
    published = int(count * share_published)
    done, last = 0, None
    counter = c._bench_counter
    while done < count:
        n = min(1000, count - done)
        first = start + done
        fined = max(0, min(n, published - done))
        batch = penalty_records(fined, pool, prefix="B", start=first, fine="5")
        batch += [{**r, "CF_CFLB": "警告"} for r in penalty_records(n - fined, pool, prefix="B", start=first + fined)]
        for r in batch[fined:]:
            r.pop("CF_NR_FK", None)
        with counter.measure() as calls:
            out = c.submissions.submit(who, "d12", "admin_penalty", batch)
        if out.rejected:
            raise RuntimeError(f"background batch rejected: {out.rejected[:2]}")
        if n == 1000:
            last = {**calls, "accepted": len(out.accepted)}
        done += n
        if done % 10_000 == 0:
            log(f"costs: … {done} of {count} background records")
    return {"records": count, "published": published, "last_batch": last}


def _job(c, name: str, as_of) -> dict:
    with Timer() as t, c._bench_counter.measure() as calls:
        summary = c.jobs.run(name, as_of)
    summary = {k: v for k, v in summary.items() if k not in ("job", "as_of")}
    return {**calls, "summary": summary, "seconds": round(t.seconds, 1)}


def _due_set(c, client, headers, pool, n: int, prefix: str, day, resend: bool = False) -> dict:
    """A JSON batch of `n` new penalties through POST /v1/records (and its identical resend), then
    `deadlines`, `forward` and `open_data` on `day`."""
    records = penalty_records(n, pool, prefix=prefix, fine="0.5", decided="2026/10/20")
    body = json.dumps({"category": "admin_penalty", "records": records}, ensure_ascii=False)
    res: dict = {}
    for label in ("batch_new", "batch_resend")[:2 if resend else 1]:
        with Timer() as t, c._bench_counter.measure() as calls:
            resp = client.http.post("/v1/records", headers=headers, body=body)
        if resp.status_code != 200 or resp.json_body["rejected"]:
            raise RuntimeError(f"POST /v1/records: {resp.status_code} {resp.body[:300]}")
        res[label] = {**calls, "accepted": len(resp.json_body["accepted"]),
                      "unchanged": len(resp.json_body["unchanged"]),
                      "per_record": _per(calls, len(records)), "seconds": round(t.seconds, 1)}   # per row sent
    for job in ("deadlines", "forward", "open_data"):
        res[job] = _job(c, job, day)
    return res


def _with_rejections(c, client, headers, pool, n: int, prefix: str) -> dict:
    """A JSON batch of `n` rows of which a tenth are rejected (BAD_DATE), each kept in the 回退 inbox
    (issue #23): its requests per row sent."""
    records = penalty_records(n, pool, prefix=prefix, fine="0.5", decided="2026/10/20")
    for r in records[::10]:
        r["CF_JDRQ"] = "2026/02/30"
    body = json.dumps({"category": "admin_penalty", "records": records}, ensure_ascii=False)
    with Timer() as t, c._bench_counter.measure() as calls:
        resp = client.http.post("/v1/records", headers=headers, body=body)
    if resp.status_code != 200 or len(resp.json_body["rejected"]) != len(records[::10]):
        raise RuntimeError(f"POST /v1/records: {resp.status_code} {resp.body[:300]}")
    for r in records[::10]:                      # corrected (not measured): nothing left open for later stages
        r["CF_JDRQ"] = "2026/10/20"
    client.http.post("/v1/records", headers=headers, body=json.dumps(
        {"category": "admin_penalty", "records": records[::10]}, ensure_ascii=False))
    return {**calls, "rows": n, "rejected": len(resp.json_body["rejected"]), "per_row": _per(calls, n),
            "seconds": round(t.seconds, 1)}


def _per(calls: dict, n: int) -> float:
    return round(calls["dynamodb"] / n, 4) if n else 0.0


def _registrations(c, pool) -> dict:
    """The pool registered (its 核准日期 long past: every record 迟报, tallied in its transaction), then as
    many other enterprises approved today (on time), 1000 a batch, through the service."""
    from chalicelib.clock import today
    from chalicelib.models.principal import Principal

    log(f"costs: registering {len(pool)} enterprises (registration batches of 1000)")
    with Timer() as t, c._bench_counter.measure() as reg:
        register_pool(c, pool)
    out = {"registration": {**reg, "records": len(pool), "per_record": _per(reg, len(pool)),
                            "seconds": round(t.seconds, 1)}}
    others = enterprise_pool(2 * len(pool))[len(pool):]
    who = Principal(username="op-d21", role="operator", department="d21")
    records = [{**r, "approval_date": today().isoformat()} for r in registration_records(others)]
    log(f"costs: registering {len(others)} enterprises approved today")
    with Timer() as t, c._bench_counter.measure() as reg:
        for start in range(0, len(records), 1000):
            done = c.submissions.submit(who, "d21", "registration", records[start:start + 1000])
            if done.rejected or any(r.late for r in done.records):
                raise RuntimeError(f"on-time registration rejected or late: {done.rejected[:2]}")
    out["registration_on_time"] = {**reg, "records": len(others), "per_record": _per(reg, len(others)),
                                   "seconds": round(t.seconds, 1)}
    return out


def registration_only(pool_size: int = 1000) -> dict:
    """Only the registration figures, on a fresh emulator (`python -m bench.costs`): a minute, not the
    section's half hour."""
    from chalicelib.container import get_container

    emu = Emulator()
    try:
        emu.reset()
        c = get_container()
        c._bench_counter = RequestCounter().attach(c.aws)
        return _registrations(c, enterprise_pool(pool_size))
    finally:
        emu.stop()


def run(sizes: list[int], due: int = 1000, pool_size: int = 1000, share_published: float = 0.1,
        pages: int = 50) -> dict:
    from chalice.test import Client

    from chalicelib.clock import today
    from chalicelib.container import get_container

    emu = Emulator()
    try:
        emu.reset()
        c = get_container()
        c._bench_counter = counter = RequestCounter().attach(c.aws)
        pool = enterprise_pool(pool_size)
        out: dict = {**_registrations(c, pool), "due": due, "pool": len(pool),
                     "share_published": share_published, "stages": {}}
        import app as app_module

        c.auth.ensure_user("op-d12", "operator", "d12", PASSWORD)
        with Client(app_module.app, stage_name="test") as client:
            token = client.http.post("/v1/auth/token", headers={"Content-Type": "application/json"},
                                     body=json.dumps({"username": "op-d12", "password": PASSWORD}))
            if token.status_code != 200:
                raise RuntimeError(f"login failed: {token.body[:300]}")
            headers = {"Authorization": f"Bearer {token.json_body['access_token']}",
                       "Content-Type": "application/json"}
            loaded = 0
            for stage, size in enumerate(sizes):
                base = today() + timedelta(days=10 * stage)
                log(f"costs: stage {stage}: loading {size - loaded} background records (table → {size})")
                with Timer() as t:
                    bg = _load(c, pool, loaded, size - loaded, share_published)
                bg["seconds"] = round(t.seconds)
                log(f"costs: stage {stage}: forwarding {bg['published']} background records")
                bg["forward"] = _job(c, "forward", base - timedelta(days=1))
                bg["open_data"] = _job(c, "open_data", base - timedelta(days=1))
                loaded = size
                res: dict = {"stored_records": size, "background": bg}
                log(f"costs: stage {stage}: due set of {due} through POST /v1/records")
                res.update(_due_set(c, client, headers, pool, due, f"S{stage}-", base, resend=True))
                res["batch_rejections"] = _with_rejections(c, client, headers, pool, due, f"X{stage}-")
                for label, key in (("page_uscc", "uscc"), ("page_regno", "regno"), ("credit_check", "uscc")):
                    suffix = "/credit-check" if label == "credit_check" else ""
                    with counter.measure() as calls:
                        for e in pool[:pages]:
                            r = client.http.get(f"/v1/public/enterprises/{e[key]}{suffix}")
                            if r.status_code != 200:
                                raise RuntimeError(f"{label} {e[key]}: {r.status_code} {r.body[:200]}")
                    res[label] = {**calls, "pages": pages, "per_page": round(calls["dynamodb"] / pages, 2)}
                res["expire"] = _job(c, "expire", base + timedelta(days=125))
                small = max(1, due // 10)
                log(f"costs: stage {stage}: due set of {small} on the same table")
                day = base + timedelta(days=1)
                res["small"] = {"due": small, **_due_set(c, client, headers, pool, small, f"T{stage}-", day),
                                "expire": _job(c, "expire", day + timedelta(days=125))}
                out["stages"][str(size)] = res
        return out
    finally:
        emu.stop()


if __name__ == "__main__":
    set_env()
    print(json.dumps(registration_only(), ensure_ascii=False, indent=1))
