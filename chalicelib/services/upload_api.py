"""Spreadsheet uploads, the API side: create an upload (pre-signed POST) and report its status.

The processing of the uploaded object is services/upload_worker.py."""
from __future__ import annotations

import re

from ulid import ULID

from chalicelib import pagination
from chalicelib.clock import now_iso
from chalicelib.errors import BadRequest, Forbidden, NotFound
from chalicelib.identity.policy import require_department
from chalicelib.models.principal import Principal
from chalicelib.models.upload import Upload
from chalicelib.resources import UPLOAD_PREFIX


def safe_filename(name) -> str:
    """A file name usable as the last part of an S3 key (Chinese kept; path parts and controls gone)."""
    if not isinstance(name, str) or not name.strip():
        raise BadRequest("请提供文件名", details=[{"field": "filename", "code": "REQUIRED"}])
    from chalicelib.adapters.spreadsheet.formats import FORMATS, format_of  # not at cold start

    base = re.sub(r"[\x00-\x1f/\\]+", "_", name.strip().split("/")[-1].split("\\")[-1])[:120]
    if format_of(base) is None:
        raise BadRequest("仅支持 .xlsx、.xls、.ods、.csv 格式的电子表格（Excel、WPS、LibreOffice 均可另存为这些格式）",
                         details=[{"field": "filename", "code": "UNSUPPORTED_FORMAT",
                                   "accepted": [f".{f}" for f in FORMATS]}])
    return base


BY_DEPARTMENT = pagination.Shape({"upload_id", "department", "created_at"})


class UploadService:
    """POST /v1/uploads, GET /v1/uploads (the department's upload history) and GET /v1/uploads/{id}."""

    def __init__(self, uploads, submissions, s3, bucket: str, max_bytes: int, expires: int):
        self.uploads = uploads
        self.submissions = submissions
        self.s3 = s3
        self.bucket = bucket
        self.max_bytes = max_bytes
        self.expires = expires

    def create(self, principal: Principal, department: str, body: dict) -> dict:
        category = self.submissions.category_for(department, body.get("category"))
        filename = safe_filename(body.get("filename"))
        upload_id = str(ULID())
        key = f"{UPLOAD_PREFIX}{department}/{upload_id}/{filename}"
        self.uploads.create(Upload(upload_id=upload_id, department=department, category=category.id,
                                   filename=filename, format=filename.rsplit(".", 1)[-1].lower(), actor=principal.username, created_at=now_iso(),
                                   object_key=key))
        post = self.s3.generate_presigned_post(
            Bucket=self.bucket, Key=key, ExpiresIn=self.expires,
            Conditions=[["content-length-range", 1, self.max_bytes], {"key": key}])
        return {"upload_id": upload_id, "url": post["url"], "fields": post["fields"],
                "max_bytes": self.max_bytes, "expires_in": self.expires}

    def list(self, principal: Principal, department: str | None, limit: int, cursor: str | None) -> dict:
        """The department's uploads, newest first, each with its counts (the upload history)."""
        dept = require_department(principal, department)
        pos = pagination.read(cursor, BY_DEPARTMENT, {"department": dept}).key
        items, last = self.uploads.by_department(dept, limit, pos)
        return {"items": [u.public_view() for u in items], "next_cursor": pagination.encode(last)}

    def status(self, principal: Principal, upload_id: str, presign) -> dict:
        upload = self.uploads.get(upload_id)
        if upload is None:
            raise NotFound("上传记录不存在")
        if not principal.is_admin and upload.department != principal.department:
            raise Forbidden("只能查看本部门的上传")
        view = upload.public_view()
        view["feedback_url"] = presign(upload.feedback_key) if upload.feedback_key else None
        return view
