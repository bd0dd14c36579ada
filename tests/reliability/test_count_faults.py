"""Report counts under calls that exhausted their retries, with the client's resends (#23, SPEC §5.1).

The same random script of JSON batches runs for two departments — d12 fault-free, d13 with one of its
writes failing outright (the request answers 500 INTERNAL and the client sends it again): the
settlement of the counts, the records' transaction, or the rejections' transaction. After every
batch, d13's report (submitted, accepted, unchanged, rejected, 迟报, rejection codes) and its final
answer equal d12's: no count lost, none doubled.
"""
from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.clock import today
from chalicelib.container import get_container
from chalicelib.local.demo_data import sample_record
from tests.reliability import scenarios as sc
from tests.reliability.faults import settling_counts, table_is

FAILS = {"settle": settling_counts, "records": table_is("records"), "rejections": table_is("rejections")}
REPORTED = ("submitted", "accepted", "unchanged", "rejected", "late", "rejection_rate", "top_rejection_codes")

rows = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 1), st.booleans()), min_size=1, max_size=5,
                unique_by=lambda r: r[0])          # (文号 number, content variant, bad date)
scripts = st.lists(st.tuples(rows, st.sampled_from([None, *FAILS])), min_size=1, max_size=3)
EXAMPLES = itertools.count()
_LOGINS: dict[int, dict] = {}        # per stack: the headers of the logins (made once, not per example)


def batch(example: int, picked) -> list[dict]:
    return [sample_record(sc.PENALTY, CF_WSH=f"计数〔{example}〕{n}号", CF_NR_FK=str(1 + variant),
                          **({"CF_JDRQ": "2026/02/30"} if bad else {})) for n, variant, bad in picked]


def report(client, sup) -> dict[str, dict]:
    day = today().isoformat()
    items = client.http.get(f"/v1/reports/departments?from={day}&to={day}", headers=sup).json_body["items"]
    return {i["department"]: {k: i[k] for k in REPORTED} for i in items if i["department"] in ("d12", "d13")}


def shape(resp) -> tuple:
    body = resp.json_body
    return resp.status_code, len(body["accepted"]), len(body["unchanged"]), len(body["rejected"])


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=scripts)
def test_counts_after_failed_writes_and_resends_equal_the_fault_free_counts(client, auth, faults, script):
    container = get_container()
    ddb = sc.ddb(container)
    api = sc.Retrying(client)
    if id(container) not in _LOGINS:
        api.call("POST", "/v1/records", auth("op-d21", "operator", "d21"),
                 {"category": "registration", "records": [sample_record("registration")]})
        _LOGINS[id(container)] = {d: auth(f"op-{d}", "operator", d) for d in ("d12", "d13")} | {
            "sup": auth("sup", "supervisor")}
    ops = _LOGINS[id(container)]
    sup = ops["sup"]
    example = next(EXAMPLES)
    for picked, fail in script:
        body = {"category": sc.PENALTY, "records": batch(example, picked)}
        clean = api.call("POST", "/v1/records", ops["d12"], body)
        if fail:
            faults.fail(ddb, "TransactWriteItems", when=FAILS[fail], code="InternalServerError")
        try:
            faulted = api.call("POST", "/v1/records", ops["d13"], body)
        finally:
            faults.clear()
        assert shape(faulted) == shape(clean), (picked, fail, faulted.json_body, clean.json_body)
        counts = report(client, sup)
        assert counts["d13"] == counts["d12"], (picked, fail, counts)
    assert not container.counter_repo.pending("d13")      # nothing left unsettled
