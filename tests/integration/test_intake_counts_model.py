"""Model-based test of SPEC §5.1's counting (issue #23 "Must show"), through the real route.

Random sequences of JSON batches (channel batch or form) over a few 文号, each row valid in one of
two contents or with a bad date, so that batches mix new records, identical resends, changed
versions, rows rejected by their checks and repeated 文号 in one batch. After every batch:
rows in = accepted + unchanged + rejected, and each row lands where the model says. At the end of
each example: the department's report counts (submitted = accepted + rejected, unchanged apart,
each rejection once however often seen) and every rejection's times_seen, state and record equal
the model's. Examples share one stack: each works on its own 文号 and on the report's deltas.
"""
from __future__ import annotations

import itertools
import json

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from chalicelib.local.demo_data import sample_record
from tests.integration.helpers import register

EXAMPLES, STEPS = 6, 5
FIELDS = ("submitted", "accepted", "unchanged", "rejected", "rejections_open")
ROWS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 1), st.booleans()), min_size=1, max_size=5)


def report_row(client, sup) -> dict:
    resp = client.http.get("/v1/reports/departments?region=510800", headers=sup)
    assert resp.status_code == 200, resp.body
    return {r["department"]: r for r in resp.json_body["items"]}["d12"]


class Intake(RuleBasedStateMachine):
    client = op = sup = None
    examples = itertools.count()

    @initialize()
    def start(self):
        self.tag = next(self.examples)
        self.base = report_row(self.client, self.sup)
        self.stored: dict[int, tuple[int, str]] = {}       # ref → (variant, record_id)
        self.rejections: dict[tuple, dict] = {}            # content → {id, times, state, record_id, ref}
        self.counts = dict.fromkeys(FIELDS, 0)

    def record(self, ref: int, variant: int, bad: bool) -> dict:
        return sample_record("admin_penalty", CF_WSH=f"模{self.tag}-{ref}号", CF_NR_FK=str(variant + 1),
                             **({"CF_JDRQ": "2026/02/30"} if bad else {}))

    @rule(rows=ROWS, form=st.booleans())
    def submit(self, rows, form):
        body = {"category": "admin_penalty", "records": [self.record(*r) for r in rows]}
        if form:
            body["channel"] = "form"
        resp = self.client.http.post("/v1/records", headers=self.op, body=json.dumps(body))
        assert resp.status_code == 200, resp.body
        out = resp.json_body
        assert len(out["accepted"]) + len(out["unchanged"]) + len(out["rejected"]) == len(rows)
        # the model: checks, then a 文号 seen before in the batch, then identical or changed content
        seen, want = set(), {"accepted": [], "unchanged": [], "rejected": []}
        for i, (ref, variant, bad) in enumerate(rows):
            if bad or ref in seen:
                want["rejected"].append(i)
            elif self.stored.get(ref, (None,))[0] == variant:
                want["unchanged"].append(i)
            else:
                want["accepted"].append(i)
            seen.add(ref)
        assert {k: [r["index"] for r in out[k]] for k in want} == want, (rows, out)
        for item in out["accepted"]:                        # resolves what was open for its 文号 before
            ref, variant, _ = rows[item["index"]]
            self.stored[ref] = (variant, item["record_id"])
            for rej in self.rejections.values():
                if rej["ref"] == ref and rej["state"] == "open":
                    rej.update(state="resolved", record_id=item["record_id"])
                    self.counts["rejections_open"] -= 1
        for item in out["rejected"]:
            key = rows[item["index"]]
            rej = self.rejections.get(key)
            if rej is None:
                rej = self.rejections[key] = {"id": item["rejection_id"], "times": 0, "state": "open",
                                              "record_id": None, "ref": key[0]}
                self.counts["rejected"] += 1
                self.counts["rejections_open"] += 1
            assert item["rejection_id"] == rej["id"]
            rej["times"] += 1
        self.counts["accepted"] += len(out["accepted"])
        self.counts["unchanged"] += len(out["unchanged"])

    def teardown(self):
        row = report_row(self.client, self.sup)
        counts = {**self.counts, "submitted": self.counts["accepted"] + self.counts["rejected"]}
        assert {k: row[k] - self.base[k] for k in FIELDS} == counts
        for rej in self.rejections.values():
            got = self.client.http.get(f"/v1/rejections/{rej['id']}", headers=self.op).json_body
            assert (got["times_seen"], got["state"], got["record_id"]) == (rej["times"], rej["state"], rej["record_id"])


def test_rows_in_equal_accepted_unchanged_rejected_and_the_report_counts_each_rejection_once(client, login):
    register(client, login)
    Intake.client, Intake.op, Intake.sup = client, login("op-d12", "operator", "d12"), login("sup", "supervisor")
    run_state_machine_as_test(Intake, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None,
        suppress_health_check=list(HealthCheck)))
