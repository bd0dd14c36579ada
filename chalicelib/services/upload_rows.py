"""The row loop of an upload: headers → chunks of rows → submissions → checkpoint → 回退 file."""
from __future__ import annotations

import json
from datetime import date, datetime
from operator import itemgetter

from chalicelib.adapters.spreadsheet import (
    SpreadsheetError,
    field_labels,
    map_headers,
    required_fields,
    write_feedback,
)
from chalicelib.adapters.spreadsheet.formats import open_checked
from chalicelib.catalog.model import FieldType
from chalicelib.clock import now_iso, today
from chalicelib.domain.normalize import parse_date
from chalicelib.domain.validation import FieldError
from chalicelib.gcpause import PausedGC
from chalicelib.models.principal import Principal
from chalicelib.services.submissions import counter_deltas, pushed


class CheckpointLost(RuntimeError):
    """Another invocation took the upload over: stop; the queue redelivers if needed."""


def _plain(value, is_date: bool = False):
    """A cell as the 回退 file shows it: a date — a date cell of any format, or a date column's
    text that reads as a date (CSV) — as YYYY-MM-DD, so every format gives the same file."""
    if is_date and value is not None:
        value = parse_date(value) or value
    return value.isoformat() if isinstance(value, (date, datetime)) else value


class RowPipeline:
    def __init__(self, processor, upload, path: str):
        self.p = processor
        self.upload = upload
        self.path = path
        self.category = processor.catalog.category(upload.category)
        self.key_map = processor.catalog.key_map(upload.category)

    def run(self) -> tuple[str, str, list] | None:
        """Apply the file; returns (code, message, details) if the file fails as a whole."""
        up, p = self.upload, self.p
        try:
            info, rows = open_checked(self.path, up.format, key_map=self.key_map, max_bytes=p.max_bytes,
                                      max_rows=p.max_rows)
            _, header = next(rows)
        except SpreadsheetError as exc:
            return exc.code, exc.message, list(exc.details or [])
        except StopIteration:
            return "NO_DATA", "文件中没有数据行", []
        hmap = map_headers(header, self.key_map, required_fields(self.category))
        if hmap.missing:
            labels = field_labels(self.category)
            return ("MISSING_HEADERS", "缺少必填列：" + "、".join(labels.get(m, m) for m in hmap.missing),
                    [{"field": m, "label": labels.get(m, m)} for m in hmap.missing])
        if up.rows_total is None:
            up.rows_total = info.rows_total
            up.state = "processing"
            if hmap.ignored:
                up.notes.append("已忽略无法识别的列：" + "、".join(str(h) for h in hmap.ignored))
            p.uploads.save(up)
        principal = Principal(username=up.actor or "upload", role="operator", department=up.department)
        self._columns(hmap)
        ref_col = next((c for c, name in hmap.columns.items() if name == self.category.source_ref_field), None)
        seen: set[str] = set()
        chunk: list[tuple[int, list]] = []
        position = 0
        with PausedGC() as collector:
            for number, cells in rows:
                if info.code_row and number == info.code_row:
                    continue
                ref = str(cells[ref_col]).strip() if ref_col is not None and ref_col < len(cells) and cells[ref_col] else ""
                duplicate = bool(ref) and ref in seen
                seen.add(ref)
                if position >= up.next_row:
                    chunk.append((number, cells, duplicate))
                position += 1
                if len(chunk) == p.chunk_size:
                    self._apply(principal, hmap, header, chunk)
                    chunk = []
                    collector.chunk_done()
            if chunk:
                self._apply(principal, hmap, header, chunk)
        self._finish(header)
        return None

    def _columns(self, hmap) -> None:
        """The mapped columns, picked from a row by one itemgetter (instead of a dict comprehension
        with a bounds test per column, per row)."""
        cols = list(hmap.columns)
        self.date_cols = {c for c, name in hmap.columns.items()
                          if self.category.has_field(name) and self.category.field(name).type == FieldType.DATE}
        self.names = list(hmap.columns.values())
        self.width = max(cols, default=-1) + 1
        self.pick = itemgetter(*cols) if len(cols) > 1 else (lambda cells: tuple(cells[c] for c in cols))

    def _record(self, cells: list) -> dict:
        """The cells of one row keyed by the json names of their columns (a short row padded)."""
        if len(cells) < self.width:
            cells = [*cells, *[None] * (self.width - len(cells))]
        return dict(zip(self.names, self.pick(cells), strict=True))

    def _apply(self, principal, hmap, header, chunk) -> None:
        """Submit one chunk; then move counters and the checkpoint together."""
        up, p = self.upload, self.p
        duplicate = [FieldError(field=self.category.source_ref_field, code="DUPLICATE_IN_BATCH",
                                message="同一文件中该编号重复出现，仅第一次出现的行有效")]
        out = p.submissions.submit(principal, up.department, up.category, [self._record(c) for _, c, _ in chunk],
                                   upload_id=up.upload_id, count=False, channel="upload",
                                   row_numbers=[n for n, _, _ in chunk],
                                   refused={i: duplicate for i, (_, _, dup) in enumerate(chunk) if dup})
        rejected = [(chunk[r["index"]][0], chunk[r["index"]][1], [FieldError(**e) for e in r["errors"]])
                    for r in out.rejected]
        if rejected:
            body = json.dumps([[n, [_plain(c, i in self.date_cols) for i, c in enumerate(cells)], [e.model_dump() for e in errs]]
                               for n, cells, errs in sorted(rejected, key=lambda x: x[0])], ensure_ascii=False)
            p.s3.put_object(Bucket=p.bucket, Key=f"feedback/{up.upload_id}/chunk-{up.chunks:05d}.json",
                            Body=body.encode())
            up.chunks += 1
        counters = p.counters.update_op(up.department, today().isoformat(), counter_deltas(out),
                                        pushed(out, now_iso()))
        previous = up.next_row
        up.accepted += len(out.accepted)
        up.unchanged += len(out.unchanged)
        up.rejected += len(rejected)
        up.next_row += len(chunk)
        up.rows_done = up.next_row
        if not p.uploads.checkpoint(up, previous, counters):
            raise CheckpointLost(f"upload {up.upload_id}: another invocation moved the checkpoint")

    def _finish(self, header) -> None:
        up, p = self.upload, self.p
        if up.rejected:
            local = f"{self.path}.feedback.xlsx"
            write_feedback(local, list(header), self._feedback_rows(), field_labels(self.category))
            stem = up.filename.rsplit(".", 1)[0]     # the 回退 file is xlsx whatever was uploaded
            up.feedback_key = f"feedback/{up.upload_id}/回退-{stem}.xlsx"
            p.s3.upload_file(local, p.bucket, up.feedback_key)
        up.state = "done"
        up.finished_at = now_iso()
        up.lease, up.lease_until = None, None
        p.uploads.save(up)

    def _feedback_rows(self):
        up, p = self.upload, self.p
        for i in range(up.chunks):
            body = p.s3.get_object(Bucket=p.bucket, Key=f"feedback/{up.upload_id}/chunk-{i:05d}.json")["Body"].read()
            for n, cells, errs in json.loads(body):
                yield n, cells, [FieldError(**e) for e in errs]
