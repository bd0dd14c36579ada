"""Files in S3: the uploads bucket (uploaded spreadsheets, 回退 feedback) and the exchange bucket
(open-data snapshots, dead-lettered forward batches, monthly reports). Each store owns its bucket's
key layout and hands out pre-signed URLs for it; services never see a key template or a client."""
from __future__ import annotations

import json

from chalicelib.models.upload import ObjectHead
from chalicelib.resources import UPLOAD_PREFIX


class S3Files:
    """Objects of one bucket."""

    def __init__(self, s3, bucket: str):
        self.s3 = s3
        self.bucket = bucket

    def put(self, key: str, body: bytes, content_type: str | None = None) -> str:
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body, **({"ContentType": content_type} if content_type else {}))
        return key

    def get(self, key: str) -> bytes:
        return self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def presign(self, key: str, expires: int = 3600) -> str:
        """A GET URL for one object, valid `expires` seconds."""
        return self.s3.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": key},
                                              ExpiresIn=expires)


class UploadFiles(S3Files):
    """uploads/<department>/<upload_id>/<filename> (POSTed by the browser), and per upload the
    rejected rows' chunks feedback/<upload_id>/chunk-NNNNN.json and the 回退 workbook."""

    @staticmethod
    def object_key(department: str, upload_id: str, filename: str) -> str:
        return f"{UPLOAD_PREFIX}{department}/{upload_id}/{filename}"

    @staticmethod
    def upload_id_of(key: str) -> str | None:
        """uploads/<department>/<upload_id>/<filename> → upload_id (None for any other key)."""
        parts = key.split("/")
        if not key.startswith(UPLOAD_PREFIX) or len(parts) < 4:
            return None
        return parts[2]

    def presigned_post(self, key: str, max_bytes: int, expires: int) -> dict:
        """{"url", "fields"} of a browser form that may POST this one key, 1 byte to max_bytes."""
        post = self.s3.generate_presigned_post(Bucket=self.bucket, Key=key, ExpiresIn=expires, Conditions=[
            ["content-length-range", 1, max_bytes], {"key": key}])
        return {"url": post["url"], "fields": post["fields"]}

    def head(self, key: str, version: str | None = None) -> ObjectHead:
        """One version of the object (the current one if None; "null" is the unversioned one)."""
        head = self.s3.head_object(Bucket=self.bucket, Key=key, **_version(version))
        return ObjectHead(version=head.get("VersionId") or "null", etag=head["ETag"].strip('"'),
                          size=head["ContentLength"])

    def version_with_etag(self, key: str, etag: str) -> str | None:
        """The version id of the object's version with this ETag, if any is still listed."""
        listed = self.s3.list_object_versions(Bucket=self.bucket, Prefix=key).get("Versions", [])
        return next((v["VersionId"] for v in listed if v["Key"] == key and v["ETag"].strip('"') == etag), None)

    def download(self, key: str, version: str | None, path: str) -> None:
        self.s3.download_file(self.bucket, key, path, ExtraArgs=_version(version) or None)

    def put_feedback_chunk(self, upload_id: str, index: int, rows: list) -> None:
        self.put(f"feedback/{upload_id}/chunk-{index:05d}.json", json.dumps(rows, ensure_ascii=False).encode())

    def feedback_chunk(self, upload_id: str, index: int) -> list:
        return json.loads(self.get(f"feedback/{upload_id}/chunk-{index:05d}.json"))

    def put_feedback_file(self, upload_id: str, filename: str, path: str) -> str:
        """Store the 回退 workbook at `path` (named 回退-<stem of the uploaded file>.xlsx); its key."""
        key = f"feedback/{upload_id}/回退-{filename.rsplit('.', 1)[0]}.xlsx"
        self.s3.upload_file(path, self.bucket, key)
        return key


class ExchangeFiles(S3Files):
    """The exchange bucket: open-data/<day>/<file>, exchange/dead/<day>/<batch_id>.json,
    reports/monthly/<month>.xlsx (dal.monthly)."""

    def put_open_data(self, day: str, name: str, body: bytes, content_type: str) -> str:
        return self.put(f"open-data/{day}/{name}", body, content_type)

    def open_data(self, day: str, name: str) -> bytes:
        return self.get(f"open-data/{day}/{name}")

    def put_dead_batch(self, batch: dict) -> str:
        """A forward batch that could not be delivered, whole (it can exceed SQS's 256 KB); its key."""
        key = f"exchange/dead/{batch['day']}/{batch['batch_id']}.json"
        return self.put(key, json.dumps(batch, ensure_ascii=False).encode())


def _version(version: str | None) -> dict:
    return {"VersionId": version} if version and version != "null" else {}
