"""The same rejected content met by several chunks of one upload at once (#27's thread pool).

Rows of the same content are ONE rejection whose sightings are a read-modify-write; four chunks
writing at once used to race past the service's three attempts and fail the invocation with
Conflict ("回退记录正被同时更新": tests/integration/test_uploads.py's 5,000-row file failed about one
run in three). One process now saves one batch of sightings at a time, so every chunk's sighting
is counted once and no chunk fails.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from chalicelib.services.rejections import RejectedRow
from tests.reliability import scenarios as sc
from tests.reliability.scenarios import PENALTY

CHUNKS = 8


def _chunk(k: int) -> list[RejectedRow]:
    """Chunk k's one rejected row: the same content in every chunk (another row number each)."""
    return [RejectedRow(index=k, content={"case_no": "广环罚〔2026〕1号", "penalty_type": "罚款?"},
                        errors=[{"field": "penalty_type", "code": "BAD_ENUM", "message": "处罚类别取值无效"}],
                        source_ref="广环罚〔2026〕1号", row=2 + 500 * k)]


def test_one_rejection_seen_by_concurrent_chunks_counts_every_sighting_once(rebuild, faults):
    container = rebuild()
    service = container.rejections
    flight = faults.slow(sc.ddb(container), 0.03, operations={"BatchGetItem", "TransactWriteItems"})
    with ThreadPoolExecutor(CHUNKS) as pool:
        recorded = list(pool.map(lambda k: service.record("d12", PENALTY, "upload", "up-1", _chunk(k)),
                                 range(CHUNKS)))
    (rid,) = {r.ids[k] for k, r in enumerate(recorded)}
    stored = container.rejection_repo.get(rid)
    assert stored.times_seen == CHUNKS and len(stored.chunk_sightings) == CHUNKS, stored
    assert sum(len(r.new) for r in recorded) == 1            # new once, seen again seven times
    assert flight.most == 1, flight.most                     # the sightings were saved one batch at a time
    # a chunk applied again (a redelivery) adds nothing
    again = service.record("d12", PENALTY, "upload", "up-1", _chunk(3))
    assert container.rejection_repo.get(rid).times_seen == CHUNKS and again.new == []
