"""Pending markers (pk "PENDING#<shard>", sk = code) against the emulator: written with the pending
record, read by a registration (BatchGetItem for a small batch, a Query per shard, page after page,
for a large one), cleared once nothing waits under the code any more."""
from __future__ import annotations

import zlib
from datetime import timedelta

from chalicelib.dal.records import PENDING_SHARDS, pending_marker_key
from chalicelib.services import registry as registry_service
from tests.integration.helpers import accepted
from tests.integration.test_request_costs import Requests, enterprises, penalties, registrations


def marker(stack, code: str) -> dict | None:
    return stack.record_repo.table.get_item(Key=pending_marker_key(code), ConsistentRead=True).get("Item")


def test_a_pending_record_writes_its_marker_into_the_shard_of_its_code(client, login, stack):
    (e,) = enterprises(1, district="510811")
    (acc,) = accepted(client, login("op-d12", "operator", "d12"), "admin_penalty", penalties([e]))
    assert acc["match"] == "pending"
    item = marker(stack, e["uscc"])
    assert item["pk"] == f"PENDING#{zlib.crc32(e['uscc'].encode()) % PENDING_SHARDS}" and item["sk"] == e["uscc"]
    assert acc["record_id"] in item["touched"]
    assert stack.record_repo.pending_markers([e["uscc"], e["regno"]]) == {e["uscc"]: item["touched"]}


def test_a_small_registration_rematches_by_batch_get_and_keeps_the_marker_of_a_misnamed_record(
        client, login, stack, monkeypatch):
    waiting, misnamed = enterprises(2, district="510811")
    records = penalties([waiting, misnamed])
    records[1]["CF_XDR_MC"] = "昭化某另一名称的公司"
    first, second = accepted(client, login("op-d12", "operator", "d12"), "admin_penalty", records)
    monkeypatch.setattr(registry_service, "MARKER_GRACE", timedelta(0))   # no index lag on the emulator
    counter = Requests(stack)
    registry = login("op-d21", "operator", "d21")
    with counter.measure() as seen:
        accepted(client, registry, "registration", registrations([waiting, misnamed]))
    assert seen["Query records"] == 0                 # 4 codes: their markers by BatchGetItem
    assert seen["Query records/by_pending"] == 2
    assert stack.record_repo.get(first["record_id"]).match == "local"
    assert stack.record_repo.get(second["record_id"]).match == "pending"      # waits, with its marker
    assert marker(stack, waiting["uscc"]) is None and marker(stack, misnamed["uscc"]) is not None
    accepted(client, registry, "registration", registrations([{**misnamed, "name": "昭化某另一名称的公司"}]))
    assert stack.record_repo.get(second["record_id"]).match == "local"
    assert marker(stack, misnamed["uscc"]) is None


def test_a_large_registration_finds_markers_beyond_the_first_page_of_a_shard(client, login, stack, monkeypatch):
    pool = enterprises(150, district="510811")
    waiting = [pool[5], pool[140]]
    accepted(client, login("op-d12", "operator", "d12"), "admin_penalty", penalties(waiting))
    # 2,400 markers of other codes (sorting before this pool's) of ~1 KB each (a real one has ~120
    # bytes: these stand for ~20,000) push the pool's beyond the first 1 MB page of each shard
    with stack.record_repo.table.batch_writer() as batch:
        for i in range(2_400):
            code = f"00000000{i:010d}"
            batch.put_item(Item={**pending_marker_key(code), "code": code,
                                 "touched": f"2026-01-01T08:00:00.000+08:00#{'0' * 1000}{i:07d}#1"})
    monkeypatch.setattr(registry_service, "MARKER_GRACE", timedelta(0))
    counter = Requests(stack)
    registry = login("op-d21", "operator", "d21")
    with counter.measure() as seen:
        accepted(client, registry, "registration", registrations(pool))
    assert seen["Query records"] > PENDING_SHARDS     # more than one page (1 MB) a shard
    assert seen["Query records/by_pending"] == 2      # only the two codes that wait
    assert seen["BatchGetItem records"] <= 2          # identities; no marker read by key
    for e in waiting:
        assert stack.record_repo.of_enterprise(e["uscc"])[0].match == "local"
        assert marker(stack, e["uscc"]) is None
    assert marker(stack, "000000000000000007") is not None      # other codes' markers untouched
