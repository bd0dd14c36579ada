"""An upload's chunks written on the worker's thread pool (#27) under faults, on the emulator.

The baseline is the same file written chunk by chunk (one thread, as before #27), fault-free. With
four threads, one chunk failing outright or a crash between a chunk's rows and its checkpoint
fails the invocation; SQS delivers the message again and the upload completes — records,
versions, public copies, report counters, upload counters, kept rejections and the 回退 file
equal the baseline's: nothing lost, nothing counted twice. The hooks hold the failing step until
a later chunk's rows are stored, so the redelivery always meets chunks written past the
checkpoint (deterministic, no timing).
"""
from __future__ import annotations

import io
import threading

import openpyxl

from chalicelib.container import get_container
from tests.integration.test_uploads import workbook
from tests.reliability import scenarios as sc
from tests.reliability.faults import Injected, table_is
from tests.reliability.state import diff, scan, snapshot

ROWS, CHUNK, THREADS = 200, 50, 4        # four chunks; a chunk's ~40 good rows take two transactions
_BASELINES: dict[str, dict] = {}


def ref(position: int) -> str:
    """The 文号 of the data row at `position` (0-based) of sc.upload_rows."""
    return f"广环罚〔2026〕{5000 + position}号"


def carries(params: dict, wanted: str) -> bool:
    """Whether a TransactWriteItems stores the record of 文号 `wanted`."""
    return any(next(iter(op.values())).get("Item", {}).get("source_ref") == wanted
               for op in params.get("TransactItems", []))


def outcome(container) -> dict:
    """snapshot() plus what it leaves out: the kept rejections (without where they were first
    seen: concurrent chunks may meet the same content in another order) and the 回退 file."""
    snap = snapshot(container)
    snap["rejections"] = {r["id"]: (int(r["times_seen"]), r["state"], tuple(r["codes"]), len(r.get("uploads", [])))
                          for r in scan(container.settings, "rejections") if "times_seen" in r}
    (up,) = scan(container.settings, "uploads")
    assert up["state"] == "done", {k: v for k, v in up.items() if k != "notes"}
    body = sc.s3(container).get_object(Bucket=container.settings.bucket("uploads"), Key=up["feedback_key"])["Body"]
    sheet = openpyxl.load_workbook(io.BytesIO(body.read()), read_only=True).worksheets[0]
    snap["feedback"] = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    return snap


def prepare(client, auth, container, threads: int) -> None:
    sc.prepare_uploads(client, auth, container, {"a.xlsx": workbook(sc.upload_rows(ROWS))}, chunk_size=CHUNK)
    container.upload_processor.write_threads = threads


def baseline(client, auth) -> dict:
    """Fault-free, chunks written one by one (computed once per session, on the test's fresh stack)."""
    if "seq" not in _BASELINES:
        container = get_container()
        prepare(client, auth, container, threads=1)
        assert sc.deliver(container) >= 1
        _BASELINES["seq"] = outcome(container)
    return _BASELINES["seq"]


def same(base: dict, faulted: dict) -> None:
    problems = diff(base, faulted)
    assert not problems, "\n".join(problems[:40])


def hold_until_stored(ddb, held, later: str):
    """Hooks: a TransactWriteItems matching `held(params)` waits until the one storing 文号 `later`
    has returned (at most 60 s). Registered before the fault, so the fault hits the held call."""
    stored = threading.Event()

    def before(params, context, **_):
        if carries(params, later):
            context["stores_later"] = True
        elif held(params):
            assert stored.wait(60), "the later chunk was never written: chunks are not concurrent"

    def after(context, **_):
        if context.get("stores_later"):
            stored.set()

    ddb.meta.events.register("before-parameter-build.dynamodb.TransactWriteItems", before, unique_id="h27b-hold")
    ddb.meta.events.register("after-call.dynamodb.TransactWriteItems", after, unique_id="h27b-stored")

    def remove():
        ddb.meta.events.unregister("before-parameter-build.dynamodb.TransactWriteItems", unique_id="h27b-hold")
        ddb.meta.events.unregister("after-call.dynamodb.TransactWriteItems", unique_id="h27b-stored")
    return remove


def first_invocation_then_redelivery(container) -> dict:
    """One invocation (which fails), the upload item as it left it, then SQS's redeliveries to the end."""
    assert sc.deliver(container, rounds=1) >= 1                # fails: the message stays on the queue
    (up,) = scan(container.settings, "uploads")
    assert up["state"] == "processing"
    sc.deliver(container)
    return up


def test_one_failed_chunk_of_several_concurrent_ones_is_rewritten_once(client, auth, rebuild, faults):
    """Chunk 1's second transaction fails outright (its first one stored half the chunk) once chunk 3
    is stored: the checkpoint stays after chunk 0; the redelivery rewrites chunks 1–3 and finishes."""
    base = baseline(client, auth)
    container = rebuild()
    prepare(client, auth, container, threads=THREADS)
    ddb = sc.ddb(container)
    failing = ref(CHUNK + 45)                                  # late in chunk 1: its second transaction
    remove = hold_until_stored(ddb, lambda p: carries(p, failing), later=ref(3 * CHUNK + 45))
    faults.fail(ddb, "TransactWriteItems", when=lambda p: carries(p, failing))
    try:
        up = first_invocation_then_redelivery(container)
    finally:
        remove()
    assert faults.injected == {("TransactWriteItems", "fail"): 1}, faults.injected
    assert up["next_row"] == CHUNK                                      # only chunk 0 counted
    assert up["accepted"] + up["rejected"] + up["unchanged"] == CHUNK
    same(base, outcome(container))
    assert sc.dlq_depth(container) == 0


def test_crash_between_a_chunks_rows_and_its_checkpoint_with_later_chunks_stored(client, auth, rebuild, faults):
    """The process dies at chunk 1's checkpoint, after chunks 1–3 were all stored: the redelivery finds
    their rows stored by this upload (accepted, not `unchanged`) and counts each row once."""
    base = baseline(client, auth)
    container = rebuild()
    prepare(client, auth, container, threads=THREADS)
    ddb = sc.ddb(container)
    seen = {"checkpoints": 0}
    log: list = []

    def second_checkpoint(params) -> bool:
        if not table_is("uploads")(params):
            return False
        seen["checkpoints"] += 1
        log.append((seen["checkpoints"], params["TransactItems"][0]["Put"]["Item"].get("next_row")))
        return seen["checkpoints"] == 2
    remove = hold_until_stored(ddb, lambda p: table_is("uploads")(p) and seen["checkpoints"] == 1,
                               later=ref(3 * CHUNK + 45))
    faults.fail(ddb, "TransactWriteItems", exc=Injected("crash before checkpoint"), when=second_checkpoint)
    try:
        up = first_invocation_then_redelivery(container)
    finally:
        remove()
    assert faults.injected == {("TransactWriteItems", "fail"): 1}, faults.injected
    assert up["next_row"] == CHUNK, (log, {k: v for k, v in up.items() if k in ("next_row", "state", "lease")})
    stored = {r["source_ref"] for r in scan(container.settings, "records") if "source_ref" in r}
    assert ref(3 * CHUNK + 45) in stored
    same(base, outcome(container))


def test_chunk_transactions_are_in_flight_at_once(client, auth, rebuild, faults):
    """With 30 ms before every DynamoDB call, the hook sees records transactions of several chunks
    waiting at the same moment with four threads, and never with one."""
    most = {}
    for threads in (1, THREADS):
        container = rebuild()
        prepare(client, auth, container, threads=threads)
        flight = faults.slow(sc.ddb(container), 0.03, operations={"TransactWriteItems"})
        sc.deliver(container)
        faults.clear()
        (up,) = scan(container.settings, "uploads")
        assert up["state"] == "done" and up["rows_done"] == ROWS
        most[threads] = flight.most
    assert most[1] == 1 and most[THREADS] > 1, most


def test_a_condition_built_on_one_thread_survives_a_call_on_another(stack):
    """The chunks' threads share the DynamoDB resource's client, whose condition builder numbers the
    placeholders of Key(...)/Attr(...) conditions and is reset by every call. A query paused in the
    middle of building its key condition while another thread makes a call (which resets the
    builder) still asks for its own items: the counters are per thread (aws.py); with boto3's shared
    counters the two key attributes got the same placeholder."""
    from boto3.dynamodb.conditions import Key

    paused, go = threading.Event(), threading.Event()

    class PausingKey(Key):
        armed = True

        @property
        def name(self):
            if PausingKey.armed and threading.current_thread().name == "builder":
                PausingKey.armed = False
                paused.set()
                assert go.wait(30)
            return self._name

        @name.setter
        def name(self, value):
            self._name = value

    table = stack.aws.table("records")
    table.put_item(Item={"pk": "T#h27b", "sk": "R#1", "probe": 1})
    result: dict = {}

    def build_and_query():
        try:
            result["items"] = table.query(
                KeyConditionExpression=Key("pk").eq("T#h27b") & PausingKey("sk").begins_with("R#"))["Items"]
        except Exception as exc:  # noqa: BLE001 - reported below
            result["error"] = exc

    t = threading.Thread(target=build_and_query, name="builder")
    t.start()
    assert paused.wait(30)
    table.get_item(Key={"pk": "T#other", "sk": "x"})          # another thread's call on the same client
    go.set()
    t.join(30)
    assert result == {"items": [{"pk": "T#h27b", "sk": "R#1", "probe": 1}]}, result
