"""`open_data`: daily snapshot files of every published public copy, plus the day's delta.

snapshot(day) = snapshot(previous day) + the changes logged since it was built (publish / withdraw /
expire) from the change log — the public table is never read whole. A delta keeps the content of a
publication only if it is still the record's public copy (domain.projection.compacted); files that
hold content taken off the public side since they were built leave the listing (see `listing`).
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from chalicelib.adapters.text_cells import csv_text
from chalicelib.clock import now_iso
from chalicelib.domain.projection import compacted

PREFIX = "open-data"
CSV_COLUMNS = ["record_id", "code", "name", "category", "category_name", "source_ref", "decision_date",
               "department_name", "published_at", "publish_until", "registered_elsewhere", "fields"]


class OpenDataJob:
    def __init__(self, s3, bucket: str, changes, index):
        self.s3 = s3
        self.bucket = bucket
        self.changes = changes
        self.index = index      # OpenDataIndex: which days have snapshots

    def __call__(self, as_of: date, **_) -> dict:
        last = self.index.latest(before=as_of.isoformat())
        snapshot: dict[str, dict] = self._load(last["day"]) if last else {}
        first = self.changes.first_day()
        # from the day of the previous snapshot: what was logged there after it was built counts too
        start = date.fromisoformat(last["day"]) if last else (date.fromisoformat(first) if first else as_of)
        built = last.get("built_at", "") if last else ""
        delta: list[dict] = []
        day = start
        while day <= as_of:
            delta += [c for c in self.changes.whole_day(day.isoformat()) if not last or day.isoformat() > last["day"]
                      or c["at"] > built]
            day += timedelta(days=1)
        for c in delta:
            if c["op"] == "publish":
                snapshot[c["record_id"]] = c["copy"]
            else:
                snapshot.pop(c["record_id"], None)
        rows = sorted(snapshot.values(), key=lambda r: (r["code"], r["category"], r["record_id"]))
        current = {(r["code"], r["record_id"]): r["version"] for r in rows}
        delta = [{k: v for k, v in compacted(c, current).items() if k != "sk"} for c in delta]
        key = f"{PREFIX}/{as_of.isoformat()}"
        self._put(f"{key}/records.jsonl", _jsonl(rows), "application/x-ndjson")
        self._put(f"{key}/records.csv", _csv(rows), "text/csv; charset=utf-8")
        self._put(f"{key}/delta.jsonl", _jsonl(delta), "application/x-ndjson")
        self.index.put(as_of.isoformat(), {"records": len(rows), "changes": len(delta), "built_at": now_iso(),
                                           "files": {"jsonl": f"{key}/records.jsonl", "csv": f"{key}/records.csv",
                                                     "delta": f"{key}/delta.jsonl"}})
        return {"records": len(rows), "changes": len(delta), "since": start.isoformat()}

    def _load(self, day: str) -> dict[str, dict]:
        body = self.s3.get_object(Bucket=self.bucket, Key=f"{PREFIX}/{day}/records.jsonl")["Body"].read()
        rows = [json.loads(line) for line in body.decode("utf-8-sig").splitlines() if line.strip()]
        return {r["record_id"]: r for r in rows}

    def _put(self, key: str, body: bytes, content_type: str) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type)

    def listing(self, presign, limit: int = 30) -> dict:
        """The files that hold only content still public: those built before the latest change that
        took content off the public side (or for an earlier day than it) are off the listing until
        the next run rebuilds them (SPEC §5)."""
        retracted = self.changes.retracted()
        items = []
        for entry in self.index.recent(limit):
            if retracted and (entry.get("built_at", "") < retracted["at"] or entry["day"] < retracted["day"]):
                continue
            items.append({"day": entry["day"], "records": entry["records"], "changes": entry["changes"],
                          "downloads": {k: presign(v) for k, v in entry["files"].items()}})
        return {"items": items, "next_cursor": None, "licence": "开放数据，可依法开发衍生产品；请注明来源"}


def _jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows).encode()


def _csv(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([json.dumps(r.get(c), ensure_ascii=False) if c == "fields" else csv_text(r.get(c))
                         for c in CSV_COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")   # BOM: Excel opens it as UTF-8

