"""Property: whatever chunks fail and wherever the process dies, an upload written by four threads
and delivered again until it is done ends exactly as the same upload written one chunk at a time
without faults (#27). On the in-memory fakes (tests/fakes.py, atomic like DynamoDB's conditional
writes), so that many failure positions run in seconds; tests/reliability/
test_concurrent_chunk_writes.py shows the same on the emulator.

Faults, each at the chunk holding a given row, each once: the chunk's record write fails before
anything is stored, or the process dies right after it stored the rows, or dies at the chunk's
checkpoint (rows stored, counters and checkpoint not).
"""
from __future__ import annotations

import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.config import Settings
from chalicelib.container import Container
from tests.fakes import FakeUploadFiles, fake_repositories
from tests.reliability import scenarios as sc
from tests.services.conftest import operator, register
from tests.services.test_upload_worker import csv_bytes

CHUNK = 3
KINDS = ("write fails", "dies after write", "dies at checkpoint")


class Died(RuntimeError):
    """The process died here (injected)."""


def container(tmp_path, threads: int) -> Container:
    c = Container(Settings(stage="local"), upload_files=FakeUploadFiles(), **fake_repositories())
    c.upload_processor.workdir = str(tmp_path)
    c.upload_processor.chunk_size = CHUNK
    c.upload_processor.write_threads = threads
    register(c)
    return c


def start_upload(c: Container, rows: list[dict]) -> tuple[str, str]:
    created = c.upload_service.create(operator("d12"), "d12", {"category": "admin_penalty", "filename": "处罚.csv"})
    key = created["fields"]["key"]
    c.upload_files.objects[key] = csv_bytes(rows)
    return created["upload_id"], key


def inject(c: Container, faults: list[tuple[str, str]], chunks: dict[int, set[str]]) -> None:
    """Each (kind, 文号) fires once, in the chunk that holds that row; `chunks`: the 文号 of the chunk
    starting after each row number (a checkpoint is named by the row it moves from)."""
    left = set(faults)
    lock = threading.Lock()
    write, checkpoint = c.record_repo.write, c.uploads.checkpoint

    def fire(kind: str, refs: set[str]) -> bool:
        with lock:
            hit = next(((k, r) for k, r in left if k == kind and r in refs), None)
            left.discard(hit)
        return hit is not None

    def faulty_write(changes, extra=None):
        refs = {ch.record.source_ref for ch in changes}
        if fire("write fails", refs):
            raise RuntimeError("injected: the chunk's write failed")
        lost = write(changes, extra)
        if fire("dies after write", refs):
            raise Died("after the chunk's rows were stored")
        return lost

    def faulty_checkpoint(upload, previous, also=None):
        if fire("dies at checkpoint", chunks.get(previous, set())):
            raise Died("before the checkpoint")
        return checkpoint(upload, previous, also)

    c.record_repo.write = faulty_write
    c.uploads.checkpoint = faulty_checkpoint


def deliver(c: Container, key: str) -> int:
    """Invoke until done (SQS redelivers after a failed invocation); returns the invocations."""
    for n in range(1, 20):
        try:
            if c.upload_processor.process_object("uploads", key) == "done":
                return n
        except (RuntimeError, Died):
            continue
    raise AssertionError("the upload never finished")


def outcome(c: Container, upload_id: str) -> dict:
    up = c.uploads.get(upload_id)
    stored = [i for i in c.record_repo.table.items.values() if "content_hash" in i]
    records = {i["source_ref"]: (i["content_hash"], i["version"], i["state"]) for i in stored}
    ref_of = {i["record_id"]: i["source_ref"] for i in stored}
    versions = sorted((ref_of[v["record_id"]], v["version"], v["op"]) for v in c.record_repo.versions.items.values())
    counters = {k: {n: v for n, v in i.items() if n not in ("pk", "sk", "last_submission", "records")}
                for k, i in c.counter_repo.table.items.items() if k[0].startswith("D#d12")}
    late = sum(int(i.get("n", 0)) for k, i in c.counter_repo.table.items.items() if k[0] == "L#d12")
    rejections = sorted((i["times_seen"], i["state"], tuple(i["codes"])) for i in c.rejection_repo.table.items.values()
                        if "times_seen" in i)
    feedback = [row for i in range(up.chunks) for row in c.upload_files.feedback_chunk(upload_id, i)]
    return {"upload": (up.state, up.rows_done, up.accepted, up.unchanged, up.rejected),
            "records": records, "versions": versions, "counters": counters, "late": late,
            "rejections": rejections, "feedback": feedback}


positions = st.integers(min_value=0, max_value=23)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(min_value=7, max_value=24), copies=st.sampled_from([0, 2, 3]),
       faults=st.lists(st.tuples(st.sampled_from(KINDS), positions), max_size=3, unique=True))
def test_any_failed_chunks_and_crashes_end_as_the_sequential_fault_free_run(tmp_path_factory, n, copies, faults):
    """`copies`: every so many rows a copy of row 1 (the same 文号 and content: one kept rejection
    DUPLICATE_IN_BATCH, seen in many chunks)."""
    rows = sc.upload_rows(n)
    rows = [dict(rows[1]) if copies and i > 1 and i % copies == 1 else r for i, r in enumerate(rows)]
    base = container(tmp_path_factory.mktemp("seq"), threads=1)
    upload_id, key = start_upload(base, rows)
    assert base.upload_processor.process_object("uploads", key) == "done"
    expected = outcome(base, upload_id)

    c = container(tmp_path_factory.mktemp("pool"), threads=4)
    upload_id, key = start_upload(c, rows)
    inject(c, [(kind, rows[p % n]["CF_WSH"]) for kind, p in faults],
           {start: {r["CF_WSH"] for r in rows[start:start + CHUNK]} for start in range(0, n, CHUNK)})
    deliver(c, key)
    assert outcome(c, upload_id) == expected
