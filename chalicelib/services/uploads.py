"""Spreadsheet upload processing (S3 object → rows → records)."""
from __future__ import annotations

import logging

from chalicelib.resources import UPLOAD_PREFIX

log = logging.getLogger(__name__)


def upload_id_of(key: str) -> str | None:
    """uploads/<department>/<upload_id>/<filename> → upload_id (None for any other key)."""
    parts = key.split("/")
    if not key.startswith(UPLOAD_PREFIX) or len(parts) < 4:
        return None
    return parts[2]


class UploadProcessor:
    def __init__(self, uploads, s3, bucket: str):
        self.uploads = uploads
        self.s3 = s3
        self.bucket = bucket

    def process_object(self, bucket: str, key: str) -> str:
        """Process one uploaded object; safe to call again for the same object."""
        upload_id = upload_id_of(key)
        upload = self.uploads.get(upload_id) if upload_id else None
        if upload is None or upload.object_key != key:
            log.warning("object without an upload: %s", key)
            return "ignored"
        if upload.state in ("done", "failed"):
            return upload.state
        head = self.s3.head_object(Bucket=bucket, Key=key)
        upload.state = "processing"
        upload.notes.append(f"收到文件 {head['ContentLength']} 字节")
        self.uploads.save(upload)
        return upload.state
