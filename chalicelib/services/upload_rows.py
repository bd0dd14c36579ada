"""The row loop of an upload: headers → chunks of rows → submissions → checkpoint → 回退 file."""
from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Protocol

from chalicelib.adapters.spreadsheet import (
    SpreadsheetError,
    check_headers,
    field_labels,
    map_headers,
    required_fields,
    write_feedback,
)
from chalicelib.adapters.spreadsheet.columnar import Frame, read_frame
from chalicelib.adapters.spreadsheet.formats import open_checked
from chalicelib.catalog.model import Category, FieldType
from chalicelib.clock import now_iso, today
from chalicelib.domain.normalize import parse_date
from chalicelib.domain.validation import FieldError, RecordCheck
from chalicelib.gcpause import PausedGC
from chalicelib.models.principal import Principal
from chalicelib.models.upload import Upload
from chalicelib.services.ports import UploadObjects
from chalicelib.services.submissions import Outcome, counter_deltas, pushed


class CheckpointLost(RuntimeError):
    """Another invocation took the upload over: stop; the queue redelivers if needed."""


def _plain(value, is_date: bool = False):
    """A cell as the 回退 file shows it: a date — a date cell of any format, or a date column's
    text that reads as a date (CSV) — as YYYY-MM-DD, so every format gives the same file."""
    if is_date and value is not None:
        value = parse_date(value) or value
    return value.isoformat() if isinstance(value, (date, datetime)) else value


class Chunk:
    """A range of an upload's data rows: their Excel row numbers, which repeat an earlier row's 编号
    (refused DUPLICATE_IN_BATCH), and their cells by absolute column — `cells(i)`: read from the sheet's
    columns only when something reads a row's cells (on the columnar path: its rejected rows)."""

    def __init__(self, numbers: list[int], duplicate: list[bool], cells: list[list] | None = None,
                 frame: Frame | None = None, start: int = 0) -> None:
        self.numbers, self.duplicate = numbers, duplicate
        self._cells, self._frame, self._start = cells, frame, start
        self._read: dict[int, list] = {}

    def __len__(self) -> int:
        return len(self.numbers)

    def cells(self, i: int) -> list:
        if self._cells is not None:
            return self._cells[i]
        got = self._read.get(i)   # one row at a time: few rows of a chunk are read (its rejected ones)
        if got is None:
            got = self._read[i] = self._frame.row(self._start + i)
        return got


class _LazyRows(Sequence):
    """The dicts of a chunk's rows, each built when read (not kept)."""

    def __init__(self, chunk: Chunk, build) -> None:
        self.chunk, self.build = chunk, build

    def __len__(self) -> int:
        return len(self.chunk)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self.build(self.chunk.cells(i))


class UploadCheckpoints(Protocol):
    """The upload items (dal.uploads.UploadRepository)."""

    def save(self, upload: Upload) -> None: ...
    def checkpoint(self, upload: Upload, previous_next_row: int, also: dict | None = None) -> bool: ...


class Submitter(Protocol):
    """services.submissions.SubmissionService."""

    def submit(self, principal: Principal, department: str, category_id: str, rows: list, *,
               upload_id: str | None = None, count: bool = True, channel: str = "batch",
               row_numbers: list[int] | None = None, refused: dict[int, list[FieldError]] | None = None,
               checks: list[RecordCheck] | None = None) -> Outcome: ...


class OpCounters(Protocol):
    """dal.counters.CounterRepository: the day's operation counters (returned for the checkpoint)."""

    def update_op(self, department: str, day: str, deltas: dict[str, int],
                  last_submission: str | None = None) -> dict | None: ...


@dataclass(frozen=True)
class RowSinks:
    """Where the rows of an upload go: records (through the submissions), counters, the upload
    item's checkpoint, and the rejected rows' chunks and 回退 file."""
    uploads: UploadCheckpoints
    submissions: Submitter
    counters: OpCounters
    files: UploadObjects


class ChunkWrites:
    """Chunks written on a bounded thread pool, committed in row order (SPEC §6.5: the time of an
    upload on AWS is its writes; boto3 clients are thread-safe, see aws.py for the resources).

    `write(chunk)` (a pool thread) stores a chunk's records and rejections; `commit(chunk, written)`
    (the calling thread) moves its report counters and the checkpoint. Chunks are committed strictly
    in order, so the stored checkpoint is always the end of a prefix of chunks that are all written:
    a chunk counts only once committed, and a failed chunk stops the commits — the chunks after it
    that were written anyway are applied again on the redelivery, which recognises their rows
    (records and rejections carry the upload id: nothing is counted twice). At most `2 × threads`
    chunks are held at once. `threads=1`: each chunk written and committed before the next is read."""

    def __init__(self, write, commit, threads: int):
        self.write, self.commit = write, commit
        self.window = 2 * threads
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="chunk-write") if threads > 1 else None
        self.pending: deque[tuple[list, Future]] = deque()

    def send(self, chunk: list) -> None:
        if self.pool is None:
            self.commit(chunk, self.write(chunk))
            return
        self.pending.append((chunk, self.pool.submit(self.write, chunk)))
        while self.pending and (len(self.pending) >= self.window or self.pending[0][1].done()):
            self._commit_first()

    def _commit_first(self) -> None:
        chunk, written = self.pending.popleft()
        self.commit(chunk, written.result())   # a failed chunk raises here: nothing after it commits

    def __enter__(self) -> ChunkWrites:
        return self

    def __exit__(self, exc_type, *_) -> None:
        if self.pool is None:
            return
        try:
            while exc_type is None and self.pending:
                self._commit_first()
        finally:
            # on a failure: start no other chunk, and let the running ones end before the
            # invocation gives its lease back (no write of this run outlives it)
            self.pool.shutdown(wait=True, cancel_futures=True)


class RowPipeline:
    def __init__(self, sinks: RowSinks, category: Category, key_map: dict[str, str], upload: Upload, path: str,
                 *, max_bytes: int, max_rows: int, chunk_size: int, write_threads: int = 1,
                 columnar: bool = True):
        self.sinks = sinks
        self.category = category
        self.key_map = key_map
        self.upload = upload
        self.path = path
        self.max_bytes = max_bytes
        self.max_rows = max_rows
        self.chunk_size = chunk_size
        self.write_threads = write_threads
        self.columnar = columnar   # False: the row reader and the row validator (the bench's variant)

    def run(self) -> tuple[str, str, list] | None:
        """Apply the file; returns (code, message, details) if the file fails as a whole."""
        up = self.upload
        try:
            info, rows = open_checked(self.path, up.format, key_map=self.key_map, max_bytes=self.max_bytes,
                                      max_rows=self.max_rows)
            frame = read_frame(self.path, info) if self.columnar and up.format == "xlsx" else None
            header = frame.header if frame is not None else next(rows)[1]
            hmap = map_headers(header, self.key_map, required_fields(self.category))
            check_headers(hmap, field_labels(self.category))
        except SpreadsheetError as exc:
            return exc.code, exc.message, list(exc.details or [])
        except StopIteration:
            return "NO_DATA", "文件中没有数据行", []
        if up.rows_total is None:
            up.rows_total = info.rows_total
            up.state = "processing"
            if hmap.ignored:
                up.notes.append("已忽略无法识别的列：" + "、".join(str(h) for h in hmap.ignored))
            self.sinks.uploads.save(up)
        principal = Principal(username=up.actor or "upload", role="operator", department=up.department)
        self._columns(hmap)
        ref_col = next((c for c, name in hmap.columns.items() if name == self.category.source_ref_field), None)
        # a job is (chunk, its rows as the columnar stage checked them — None on the row path)
        writes = ChunkWrites(lambda job: self._write(principal, *job), lambda job, out: self._commit(job[0], out),
                             self.write_threads)
        with PausedGC() as collector, writes:
            if frame is not None:
                checks = self._checks(frame, hmap)
                repeated = frame.repeated(ref_col)
                for start in range(up.next_row, len(frame.numbers), self.chunk_size):
                    stop = min(start + self.chunk_size, len(frame.numbers))
                    writes.send((Chunk(frame.numbers[start:stop], repeated[start:stop], frame=frame, start=start),
                                 checks.records(start, stop)))
                    collector.chunk_done()
            else:
                for chunk in self._row_chunks(rows, info, ref_col):
                    writes.send((chunk, None))
                    collector.chunk_done()
        self._finish(header)
        return None

    def _row_chunks(self, rows, info, ref_col: int | None):
        """The row path's chunks from the reader's rows (after the checkpoint's `next_row`); a row
        repeats an earlier row's 编号 (anywhere in the file) when the same text, stripped, is in its
        编号 cell (Frame.repeated is the same on columns)."""
        seen: set[str] = set()
        numbers: list[int] = []
        duplicate: list[bool] = []
        cells_: list[list] = []
        position = 0
        for number, cells in rows:
            if info.code_row and number == info.code_row:
                continue
            ref = str(cells[ref_col]).strip() if ref_col is not None and ref_col < len(cells) and cells[ref_col] else ""
            if position >= self.upload.next_row:
                numbers.append(number)
                duplicate.append(bool(ref) and ref in seen)
                cells_.append(cells)
            seen.add(ref)
            position += 1
            if len(numbers) == self.chunk_size:
                yield Chunk(numbers, duplicate, cells_)
                numbers, duplicate, cells_ = [], [], []
        if numbers:
            yield Chunk(numbers, duplicate, cells_)

    def _checks(self, frame: Frame, hmap):
        """The check stage on columns (domain/columnar_checks.Checked: a chunk's RecordChecks, as the
        row validator would give them for the rows' dicts)."""
        from chalicelib.domain.columnar_checks import columnar_checker

        columns = {name: frame.column(index) for index, name in hmap.columns.items()}
        return columnar_checker(self.category).prepare(columns, len(frame.numbers), today(), key_map=self.key_map)

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

    def _write(self, principal, chunk, checks: list[RecordCheck] | None = None) -> Outcome:
        """Submit one chunk (`checks`: its rows already checked, by the columnar stage): its records and
        rejections (on a pool thread: reads nothing of the upload that `_commit` changes)."""
        up = self.upload
        duplicate = [FieldError(field=self.category.source_ref_field, code="DUPLICATE_IN_BATCH",
                                message="同一文件中该编号重复出现，仅第一次出现的行有效")]
        # checked rows: a row's dict is only read for a rejected row (its rejection's content)
        rows = _LazyRows(chunk, self._record) if checks is not None else [
            self._record(chunk.cells(i)) for i in range(len(chunk))]
        return self.sinks.submissions.submit(
            principal, up.department, up.category, rows,
            upload_id=up.upload_id, count=False, channel="upload", row_numbers=chunk.numbers,
            refused={i: duplicate for i, dup in enumerate(chunk.duplicate) if dup}, checks=checks)

    def _commit(self, chunk, out: Outcome) -> None:
        """A written chunk counts: its 回退 rows, then its counters and the checkpoint together."""
        up, sinks = self.upload, self.sinks
        rejected = [(chunk.numbers[r["index"]], chunk.cells(r["index"]), [FieldError(**e) for e in r["errors"]])
                    for r in out.rejected]
        if rejected:
            sinks.files.put_feedback_chunk(up.upload_id, up.chunks, [
                [n, [_plain(c, i in self.date_cols) for i, c in enumerate(cells)], [e.model_dump() for e in errs]]
                for n, cells, errs in sorted(rejected, key=lambda x: x[0])])
            up.chunks += 1
        counters = sinks.counters.update_op(up.department, today().isoformat(), counter_deltas(out),
                                            pushed(out, now_iso()))
        previous = up.next_row
        up.accepted += len(out.accepted)
        up.unchanged += len(out.unchanged)
        up.rejected += len(rejected)
        up.next_row += len(chunk)
        up.rows_done = up.next_row
        if not sinks.uploads.checkpoint(up, previous, counters):
            raise CheckpointLost(f"upload {up.upload_id}: another invocation moved the checkpoint")

    def _finish(self, header) -> None:
        up = self.upload
        if up.rejected:
            local = f"{self.path}.feedback.xlsx"
            write_feedback(local, list(header), self._feedback_rows(), field_labels(self.category))
            # the 回退 file is xlsx whatever was uploaded
            up.feedback_key = self.sinks.files.put_feedback_file(up.upload_id, up.filename, local)
        up.state = "done"
        up.finished_at = now_iso()
        up.lease, up.lease_until = None, None
        self.sinks.uploads.save(up)

    def _feedback_rows(self):
        up = self.upload
        for i in range(up.chunks):
            for n, cells, errs in self.sinks.files.feedback_chunk(up.upload_id, i):
                yield n, cells, [FieldError(**e) for e in errs]
