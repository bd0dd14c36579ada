"""Issue 19: an upload is one object version — a pre-signed POST re-used within its 15 minutes
cannot replace what was (or is being) processed; reading an upload's status is audited.

Through the real path: POST /v1/uploads → pre-signed POST to the versioned bucket → S3 event →
SQS → upload_worker (the local pump) → GET /v1/uploads/{id}, GET /v1/records, GET /v1/admin/audit.
"""
from __future__ import annotations

import json

import pytest
import requests

import app as app_module
from chalicelib.local.demo_data import sample_record
from chalicelib.local.pump import drain
from tests.integration.helpers import crash_after_first_checkpoint
from tests.integration.test_uploads import mixed_rows, op, workbook  # noqa: F401  (op: fixture)


def _ticket(client, headers, filename="a.xlsx") -> dict:
    resp = client.http.post("/v1/uploads", headers=headers, body=json.dumps(
        {"category": "admin_penalty", "filename": filename}))
    assert resp.status_code == 200, resp.body
    return resp.json_body


def _post(ticket: dict, content: bytes, filename="a.xlsx") -> None:
    posted = requests.post(ticket["url"], data=ticket["fields"], files={"file": (filename, content)}, timeout=30)
    assert posted.status_code in (200, 204), posted.text


def _drain(stack) -> None:
    sqs = stack.aws.client("sqs")
    drain(sqs, sqs.get_queue_url(QueueName=stack.settings.queue("upload-events"))["QueueUrl"], app_module.upload_worker)


def _source_refs(client, headers) -> set[str]:
    refs, cursor = set(), None
    while True:
        url = "/v1/records?category=admin_penalty&limit=200" + (f"&cursor={cursor}" if cursor else "")
        page = client.http.get(url, headers=headers).json_body
        refs |= {i["source_ref"] for i in page["items"]}
        cursor = page["next_cursor"]
        if not cursor:
            return refs


def _rows(prefix: str, n: int) -> list[dict]:
    return [sample_record("admin_penalty", CF_WSH=f"广环罚〔2026〕{prefix}{i:04d}号") for i in range(n)]


def test_second_object_for_a_done_upload_is_ignored(client, op, stack):  # noqa: F811
    ticket = _ticket(client, op)
    first = workbook(_rows("1", 3))
    _post(ticket, first)
    _drain(stack)
    status = client.http.get(f"/v1/uploads/{ticket['upload_id']}", headers=op).json_body
    assert (status["state"], status["accepted"], status["rejected"]) == ("done", 3, 0)
    refs = _source_refs(client, op)

    _post(ticket, workbook(_rows("2", 5) + [sample_record("admin_penalty", CF_JDRQ="2026/02/30")]))
    _drain(stack)
    again = client.http.get(f"/v1/uploads/{ticket['upload_id']}", headers=op).json_body
    assert again == status                                     # same counts, same 回退 file
    assert _source_refs(client, op) == refs                    # the records unchanged
    upload = stack.uploads.get(ticket["upload_id"])
    s3 = stack.aws.client("s3")
    versions = s3.list_object_versions(Bucket=stack.settings.bucket("uploads"), Prefix=upload.object_key)["Versions"]
    assert len(versions) == 2                                   # both objects are kept (versioning) …
    kept = s3.get_object(Bucket=stack.settings.bucket("uploads"), Key=upload.object_key,
                         VersionId=upload.object_version)["Body"].read()
    assert kept == first                                        # … and the upload names the one it processed


def test_an_object_replaced_half_way_is_not_read_on_resume(client, op, stack):  # noqa: F811
    """A crash after the first chunk, a second object POSTed meanwhile: the retry resumes on the
    version it started with — no row of the second object becomes a record."""
    stack.upload_processor.chunk_size = 500
    ticket = _ticket(client, op)
    with crash_after_first_checkpoint(stack.record_repo.client) as state:
        _post(ticket, workbook(_rows("1", 1200)))
        _drain(stack)                                           # the first try crashes after 500 rows
        assert state["crashed"]
        half = stack.uploads.get(ticket["upload_id"])
        assert (half.state, half.rows_done) == ("processing", 500)
        _post(ticket, workbook(_rows("2", 1300)))              # the same pre-signed form, again
        _drain(stack)                                           # its event: logged and ignored
        # the first event again, as SQS redelivers it after its visibility timeout
        stack.upload_processor.process_object(stack.settings.bucket("uploads"), half.object_key)
    done = client.http.get(f"/v1/uploads/{ticket['upload_id']}", headers=op).json_body
    assert (done["state"], done["rows_total"], done["accepted"]) == ("done", 1200, 1200), done
    refs = _source_refs(client, op)
    assert refs == {f"广环罚〔2026〕1{i:04d}号" for i in range(1200)}


@pytest.mark.parametrize("who", ["op", "admin"])
def test_reading_an_upload_status_is_audited(client, op, stack, login, who):  # noqa: F811
    admin = login("root", "admin")
    ticket = _ticket(client, op)
    _post(ticket, workbook(_rows("1", 2)))
    _drain(stack)
    reader = op if who == "op" else admin
    assert client.http.get(f"/v1/uploads/{ticket['upload_id']}", headers=reader).status_code == 200
    trail = client.http.get(f"/v1/admin/audit?target={ticket['upload_id']}", headers=admin).json_body["items"]
    reads = [e for e in trail if e["action"] == "uploads.read"]
    assert len(reads) == 1
    assert reads[0]["actor"] == ("op-d12" if who == "op" else "root") and reads[0]["outcome"] == "ok"
