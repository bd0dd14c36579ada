"""The content hash across its change of form (domain/content_hash.py): records stored under the
legacy form (before "c2") stay `unchanged` when sent again identically — by a spreadsheet upload (the
columnar stage hashes clean rows column-wise) and by a JSON batch — and a changed resend is a new
version stored under the current form. On the emulator, through the routes and the upload worker."""
from __future__ import annotations

import pytest

from chalicelib.dal.records import record_item_key
from chalicelib.domain.content_hash import HASH_FORM, legacy_content_hash
from chalicelib.local.demo_data import sample_record
from tests.integration.helpers import accepted, register, submit
from tests.integration.test_uploads import upload, workbook


@pytest.fixture
def op(client, login):
    register(client, login)
    return login("op-d12", "operator", "d12")


def rows(n: int, **over) -> list[dict]:
    return [sample_record("admin_penalty", CF_WSH=f"广环罚〔2026〕{700 + i}号", **over) for i in range(n)]


def store_as_legacy(stack, record_ids: list[str]) -> None:
    """Rewrite stored records' hash in the legacy form, as records stored before "c2" hold it."""
    table = stack.aws.resource("dynamodb").Table(stack.settings.table("records"))
    for rid in record_ids:
        rec = stack.record_repo.get(rid)
        assert rec.content_hash.startswith(HASH_FORM)    # stored under the current form
        table.update_item(Key=record_item_key(rec.enterprise_code, rid), UpdateExpression="SET content_hash = :h",
                          ExpressionAttributeValues={":h": legacy_content_hash(rec.fields, rec.masked_fields)})


def test_an_upload_resending_records_stored_under_the_legacy_hash_leaves_them_unchanged(client, op, stack):
    sent = rows(4)
    ids = [a["record_id"] for a in accepted(client, op, "admin_penalty", sent)]
    store_as_legacy(stack, ids)
    changed = {**sent[3], "CF_NR": "罚款人民币陆万元"}

    status = upload(client, op, stack, workbook([*sent[:3], changed]))

    assert status["state"] == "done", status
    assert (status["unchanged"], status["accepted"], status["rejected"]) == (3, 1, 0), status
    kept = [stack.record_repo.get(rid) for rid in ids]
    assert [r.version for r in kept] == [1, 1, 1, 2]
    assert not any(r.content_hash.startswith(HASH_FORM) for r in kept[:3])   # left as they were
    assert kept[3].content_hash.startswith(HASH_FORM) and kept[3].fields["CF_NR"] == "罚款人民币陆万元"

    again = upload(client, op, stack, workbook([*sent[:3], changed]))   # now all stored: all unchanged
    assert (again["unchanged"], again["accepted"]) == (4, 0), again


def test_a_json_batch_resending_records_stored_under_the_legacy_hash_leaves_them_unchanged(client, op, stack):
    sent = rows(2)
    ids = [a["record_id"] for a in accepted(client, op, "admin_penalty", sent)]
    store_as_legacy(stack, ids)

    body = submit(client, op, "admin_penalty", [sent[0], {**sent[1], "CF_NR": "罚款人民币陆万元"}]).json_body

    assert [u["record_id"] for u in body["unchanged"]] == ids[:1]
    assert [(a["record_id"], a["version"]) for a in body["accepted"]] == [(ids[1], 2)]
