"""Spreadsheet uploads, the worker side: uploaded object → rows → records (the row loop is
services/upload_rows.py, imported lazily: spreadsheet libraries only here)."""
from __future__ import annotations

import os
import time
import uuid

from chalicelib import metric_names as M
from chalicelib.clock import now_iso
from chalicelib.models.upload import Upload, UploadedObject, UploadError
from chalicelib.observability import count, logger
from chalicelib.services.ports import UploadObjects


def _same_object(upload: Upload, version: str | None, etag: str | None) -> bool:
    """Whether an event's object (what it names of version id and ETag) is the upload's pinned one."""
    return (version is None or version == upload.object_version) and (etag is None or etag == upload.object_etag)


class UploadProcessor:
    """Uploaded object → validated rows → records, in chunks with a checkpoint on the upload item.

    At-least-once delivery is safe: a finished upload is skipped; a retried one resumes after the
    last committed chunk, and a chunk re-sent after a crash changes nothing (identical resends are
    no-ops) while the counters move only with the checkpoint.
    """

    def __init__(self, uploads, submissions, catalog, files: UploadObjects, max_bytes: int, max_rows: int,
                 counters, chunk_size: int = 500, workdir: str = "/tmp", lease_seconds: int = 900,
                 write_threads: int = 1, columnar: bool = True):
        self.uploads = uploads
        self.counters = counters
        self.lease_seconds = lease_seconds   # the Lambda's 15 minutes; under the queue's visibility timeout
        self.submissions = submissions
        self.catalog = catalog
        self.files = files                   # the uploads bucket: the objects are read from it
        self.max_bytes = max_bytes
        self.max_rows = max_rows
        self.chunk_size = chunk_size
        self.write_threads = write_threads   # chunks in flight at once (upload_rows.ChunkWrites)
        self.workdir = workdir
        self.columnar = columnar             # xlsx: columnar check stage (False: the row path, a bench variant)

    def process(self, obj: UploadedObject) -> str:
        return self.process_object(obj.bucket, obj.key, version=obj.version, etag=obj.etag)

    def process_object(self, bucket: str, key: str, version: str | None = None, etag: str | None = None) -> str:
        """Process one uploaded object; safe to call again for the same object.

        One object version per upload: the first event pins its version (S3 versioning is on), and
        any other object later POSTed with the same pre-signed form (within its 15 minutes) is
        logged and ignored — a done upload keeps its counts and records, a half-done one resumes
        on the version it started with."""
        upload_id = self.files.upload_id_of(key)
        upload = self.uploads.get(upload_id) if upload_id else None
        if upload is None or upload.object_key != key:
            logger.warning("object without an upload", extra={"key": key, "bucket": bucket})
            return "ignored"
        if upload.object_version is not None and not _same_object(upload, version, etag):
            logger.warning("another object for an upload ignored: one object version per upload", extra={
                "upload_id": upload.upload_id, "pinned_version": upload.object_version, "version": version,
                "etag": etag})
            return "ignored"
        if upload.state in ("done", "failed"):
            return upload.state
        logger.append_keys(upload_id=upload.upload_id, department=upload.department)
        if not self.uploads.acquire(upload, uuid.uuid4().hex, int(time.time()), self.lease_seconds):
            logger.info("upload is being processed by another invocation")
            return "busy"
        from chalicelib.services.upload_rows import RowPipeline, RowSinks  # spreadsheet libraries only here
        started = time.monotonic()
        path = os.path.join(self.workdir, f"{upload.upload_id}.{upload.format}")
        try:
            if upload.object_version is None and not self._pin(upload, key, version, etag):
                self.uploads.release(upload)
                return "ignored"
            size = self.files.head(key, upload.object_version).size
            if size > self.max_bytes:
                return self._fail(upload, "FILE_TOO_LARGE", f"文件超过 {self.max_bytes // 1024 // 1024} MB 上限",
                                  [{"bytes": size, "max_bytes": self.max_bytes}])
            self.files.download(key, upload.object_version, path)
            pipeline = RowPipeline(RowSinks(self.uploads, self.submissions, self.counters, self.files),
                                   self.catalog.category(upload.category), self.catalog.key_map(upload.category),
                                   upload, path, max_bytes=self.max_bytes, max_rows=self.max_rows,
                                   chunk_size=self.chunk_size, write_threads=self.write_threads,
                                   columnar=self.columnar)
            try:
                error = pipeline.run()
            except Exception:
                self.uploads.release(upload)   # a retry may take over at once (a killed run's lease expires)
                raise
            if error:
                return self._fail(upload, *error)
            return "done"
        finally:
            if os.path.exists(path):
                os.remove(path)
            count(M.UPLOAD_PROCESSING_SECONDS, round(time.monotonic() - started, 3), unit="Seconds")

    def _pin(self, upload: Upload, key: str, version: str | None, etag: str | None) -> bool:
        """Record the object version this upload is (the event's, else the one with the event's
        ETag, else the current one); False if another invocation pinned a different one first."""
        head = self.files.head(key, version)
        version, found = version or head.version, head.etag
        if etag and found != etag and version != "null":      # replaced since this event: find its version
            match = self.files.version_with_etag(key, etag)
            if match is not None:
                version, found = match, etag
        if self.uploads.pin_object(upload, version, found):
            return True
        stored = self.uploads.get(upload.upload_id)          # pinned meanwhile by another invocation
        upload.object_version, upload.object_etag = stored.object_version, stored.object_etag
        return _same_object(upload, version, found)

    def _fail(self, upload: Upload, code: str, message: str, details: list) -> str:
        """The whole file is refused: nothing of it was stored (checked before any row is applied)."""
        upload.state = "failed"
        upload.error = UploadError(code=code, message=message, details=details)
        upload.finished_at = now_iso()
        self.uploads.save(upload)
        count(M.UPLOADS_FAILED)
        return "failed"
