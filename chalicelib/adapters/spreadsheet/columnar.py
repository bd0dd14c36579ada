"""The first worksheet of an .xlsx read into columns: fastexcel (calamine → Arrow) into polars.

Only the upload worker imports this (fastexcel and polars ship in requirements-worker.txt / the
worker's Lambda layer, never in the API's package). Call it after the pre-flight (`inspect_xlsx`
via `open_checked`) accepted the file: `read_frame(path, info)` gives a `Frame` — the same data
rows as `reader.iter_rows` (Excel row numbers, empty rows skipped, the code row left out, cells
normalised alike: blank text → None, whole floats → int, midnight datetimes → date) — or None when
the columnar read cannot promise that, and the caller keeps the row reader:

- a column mixing cell types (numbers and text, date cells and text …): the read is strict
  (`dtype_coercion="strict"` over all rows), because a coerced column loses the cell types the
  row validator sees (an Excel serial in a date column, a number in a text column);
- a header the pre-flight saw differently from fastexcel (not text, blank, renamed), a cell type
  the row reader does not give (durations, times), fastexcel or polars not installed.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .safety import SheetInfo

_TYPES = {"String", "Float64", "Int64", "Boolean", "Date", "Datetime", "Null"}


@dataclass
class Frame:
    frame: Any                 # polars.DataFrame: one column per sheet column, data rows only
    numbers: list[int]         # Excel row number of each frame row
    first_column: int          # absolute index of the frame's first column (A = 0)
    header: list[Any]          # the header row as the row reader gives it (padded from column A)
    _series: list | None = field(default=None, repr=False, compare=False)   # the columns, for `row`

    def column(self, index: int):
        """The cells of absolute column `index` (a polars Series)."""
        return self.frame.to_series(index - self.first_column)

    def row(self, i: int) -> list[Any]:
        """Frame row i's cells as `rows` gives them, read column by column (a single row: cheaper
        than a slice of the frame)."""
        from chalicelib.domain.columnar_checks import python_value

        if self._series is None:
            self._series = self.frame.get_columns()
        return [None] * self.first_column + [python_value(s[i]) for s in self._series]

    def repeated(self, index: int | None) -> list[bool]:
        """Per frame row: whether its cell in absolute column `index` repeats an earlier row's — the
        same non-empty text, stripped, as the row loop compares (`str(cell).strip()` of a cell that
        is truthy as the row reader gives it); all False without such a column."""
        from chalicelib.domain.columnar_checks import python_value

        n = len(self.numbers)
        if index is None or not self.first_column <= index < self.first_column + self.frame.width:
            return [False] * n
        import polars as pl

        s = self.column(index)
        # text: stripped column-wise, except the few cells with \x1c-\x1f (whitespace to Python's
        # strip, not to polars'); other cell types: over their distinct values (编号 are mostly
        # distinct: text never goes through Python objects)
        odd = s.str.contains(r"[\x1c-\x1f]").fill_null(False) if s.dtype == pl.String else None
        key = s.str.strip_chars().fill_null("") if odd is not None else None
        rest = s.filter(odd) if odd is not None else s
        uniq = rest.drop_nulls().unique()
        if uniq.len():
            keys = [str(v).strip() if v else "" for v in map(python_value, uniq.to_list())]
            slow = s.replace_strict(uniq, pl.Series(keys, dtype=pl.String), default="", return_dtype=pl.String)
            key = slow if key is None else pl.select(pl.when(odd).then(slow).otherwise(key)).to_series()
        if key is None:
            return [False] * n
        return ((key != "") & ~key.is_first_distinct()).to_list()

    def rows(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, list[Any]]]:
        """(Excel row number, cells by absolute column) of rows [start, stop), as `iter_rows` gives."""
        from chalicelib.domain.columnar_checks import python_value

        part = self.frame.slice(start, (stop if stop is not None else len(self.numbers)) - start)
        convert = [i for i, dt in enumerate(part.dtypes) if dt.base_type().__name__ in ("Float64", "Datetime")]
        pad = [None] * self.first_column
        for number, row in zip(self.numbers[start:stop], part.iter_rows(), strict=True):
            cells = pad + list(row)
            for i in convert:
                j = i + self.first_column
                if cells[j] is not None:
                    cells[j] = python_value(cells[j])
            yield number, cells


def read_frame(path: str | Path, info: SheetInfo) -> Frame | None:
    """Memory (bench/PERFORMANCE.md, "Intake: pre-flight, 回退 file and memory"): fastexcel holds
    the whole calamine range (one heap string per cell) until its Arrow columns exist, so the read
    peaks at range + columns; the range is dropped and its freed heap handed back to the system
    (`release_heap`) before anything else allocates — polars allocates with its own allocator and
    would never reuse it — and the blank/empty-row steps copy only the columns they change."""
    try:
        import fastexcel
        import polars as pl
    except ImportError:
        return None
    from chalicelib.domain.columnar_checks import blank_to_null

    if info.file_format != "xlsx" or not info.header_cells:
        return None
    skip = [info.code_row - info.header_row - 1] if info.code_row else None
    try:
        columns, frame = _load(fastexcel, path, info, skip)
    except Exception:   # a mixed column (UnsupportedColumnTypeCombinationError) or anything unread: rows
        return None
    finally:
        release_heap()  # the calamine range is gone (with _load's frame): its pages go back first
    if not columns or any(dt.base_type().__name__ not in _TYPES for dt in frame.dtypes):
        return None
    first = columns[0].absolute_index
    header: list[Any] = [None] * first
    for i, col in enumerate(columns):
        cell = info.header_cells[col.absolute_index] if col.absolute_index < len(info.header_cells) else None
        if col.absolute_index != first + i or (cell is not None and (not isinstance(cell, str) or cell != col.name)):
            return None
        header.append(None if cell is None or not cell.strip() else cell)
    blanked = []
    for i in range(frame.width):
        if frame.dtypes[i] == pl.String:
            column = frame.to_series(i)
            cleaned = blank_to_null(column)
            if cleaned.null_count() != column.null_count():   # a column without blanks is kept, not copied
                blanked.append(cleaned)
    if blanked:
        frame = frame.with_columns(blanked)
    # Excel row numbers: the header is the range's first row; the code row, if any, was skipped
    numbers = pl.int_range(info.header_row + 1, info.header_row + 1 + len(frame) + (1 if skip else 0), eager=True)
    if skip:
        numbers = numbers.filter(numbers != info.code_row)
    keep = frame.select(pl.any_horizontal(pl.all().is_not_null())).to_series()
    if not keep.all():          # empty rows: the filter copies every column, so only when there are some
        frame, numbers = frame.filter(keep), numbers.filter(keep)
    return Frame(frame, numbers.to_list(), first, header)


def _load(fastexcel: Any, path: str | Path, info: SheetInfo, skip: list[int] | None) -> tuple[list, Any]:
    """(columns, polars frame) of the sheet; the fastexcel sheet and its calamine range die here."""
    sheet = fastexcel.read_excel(str(path)).load_sheet(
        info.sheet_name or 0, header_row=0, dtype_coercion="strict", schema_sample_rows=None, skip_rows=skip)
    return sheet.available_columns(), sheet.to_polars()


def release_heap() -> None:
    """Hand the C heap's free pages back to the system (glibc `malloc_trim`; a no-op elsewhere)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):   # not glibc (musl, macOS): nothing to trim
        pass


__all__ = ["Frame", "read_frame"]
