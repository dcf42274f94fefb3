"""Reading files into raw text rows: CSV/TSV (encoding and delimiter detection), XLSX and Parquet.

The reader does not interpret values: every cell comes out as text (or None), with the row number a
person sees in a spreadsheet (the header is row 1, the first data row is row 2). Typing and
validation happen in :mod:`cxray.ingest.validate`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from cxray.errors import CxrayError

CHUNK_ROWS = 200_000
SEPARATORS = (";", ",", "\t", "|")
ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf-8-bom": "utf-8-sig",
    "cp1251": "cp1251",
    "windows-1251": "cp1251",
    "win1251": "cp1251",
}
ROW = "_row"  # the spreadsheet row number of each data row
MALFORMED = "_malformed"  # set when a CSV line has more fields than the header

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


@dataclass
class RawFile:
    """A file opened for reading: its header and a way to iterate text chunks."""

    path: Path
    header: list[str]
    format: str  # csv, xlsx, parquet
    encoding: str | None
    sep: str | None
    chunks: Callable[[Progress | None], Iterator[pa.Table]]


def open_table_file(
    path: Path | str, *, sep: str | None = None, encoding: str | None = None
) -> RawFile:
    """Open ``path`` as a table: detect its format, encoding and delimiter, read the header.

    Raises CxrayError when the file is missing, empty, binary or not a table.
    """
    path = Path(path)
    if not path.exists() or not path.is_file():
        raise CxrayError("file_not_found", file=str(path))
    with path.open("rb") as fh:
        head = fh.read(65536)
    if not head.strip():
        raise CxrayError("file_empty", file=path.name)
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path)
    if head.startswith(b"PAR1"):
        return _open_parquet(path)
    return _open_csv(path, head, sep=sep, encoding=encoding)


# --- CSV ------------------------------------------------------------------------------------


def detect_encoding(head: bytes) -> str:
    """UTF-8 with BOM, UTF-8, or Windows-1251 (the encodings 1C and Excel exports use)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        # a multi-byte character cut at the end of the sample is still UTF-8
        if err.start >= len(head) - 3 and err.reason.startswith("unexpected end"):
            return "utf-8"
    return "cp1251"


def detect_separator(lines: list[str]) -> str:
    """The delimiter that splits the header and the first lines into the same number of fields."""
    best, best_score = None, 0
    for sep in SEPARATORS:
        counts = [len(row) for row in csv.reader(lines, delimiter=sep)]
        if not counts or counts[0] < 2:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        score = consistent * 100 + counts[0]
        if score > best_score:
            best, best_score = sep, score
    return best or ","


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return control > len(head) * 0.01


def _open_csv(path: Path, head: bytes, *, sep: str | None, encoding: str | None) -> RawFile:
    if _looks_binary(head):
        raise CxrayError("file_not_table", file=path.name)
    if encoding:
        enc = ENCODINGS.get(encoding.lower().replace("_", "-"))
        if enc is None:
            raise CxrayError("unknown_encoding", encoding=encoding, known=", ".join(ENCODINGS))
    else:
        enc = detect_encoding(head)
    if enc == "utf-8" and head.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    if sep is not None:
        sep = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ","}.get(sep, sep)
        if len(sep) != 1:
            raise CxrayError("bad_separator", sep=sep)
    try:
        text_head = head.decode(enc)
    except UnicodeDecodeError as err:
        if not (err.start >= len(head) - 3 and err.reason.startswith("unexpected end")):
            line = head[: err.start].count(b"\n") + 1
            raise CxrayError(
                "file_bad_encoding",
                file=path.name,
                row=line,
                encoding=enc,
                byte=f"0x{head[err.start]:02x}",
            ) from None
        text_head = head[: err.start].decode(enc)
    lines = text_head.splitlines()[:50]
    if len(head) == 65536 and len(lines) > 1:
        lines = lines[:-1]  # the last sampled line may be cut
    if sep is None:
        sep = detect_separator(lines)
    try:
        header = next(csv.reader(lines[:1], delimiter=sep))
    except StopIteration:
        raise CxrayError("file_empty", file=path.name) from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    total = path.stat().st_size

    def chunks(progress: Progress | None) -> Iterator[pa.Table]:
        with path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=enc, newline="")
            reader = csv.reader(text, delimiter=sep)
            width = len(header)
            rows: list[list[str]] = []
            numbers: list[int] = []
            malformed: list[bool] = []
            try:
                next(reader)  # header
                for record in reader:
                    if not record or (len(record) == 1 and not record[0].strip()):
                        continue  # blank line
                    numbers.append(reader.line_num)
                    malformed.append(len(record) > width and any(v.strip() for v in record[width:]))
                    if len(record) < width:
                        record = record + [""] * (width - len(record))
                    rows.append(record[:width])
                    if len(rows) >= CHUNK_ROWS:
                        yield _to_arrow(header, rows, numbers, malformed)
                        rows, numbers, malformed = [], [], []
                        if progress:
                            progress(raw.tell(), total)
            except UnicodeDecodeError as err:
                raise CxrayError(
                    "file_bad_encoding",
                    file=path.name,
                    row=reader.line_num + 1,
                    encoding=enc,
                    byte=f"0x{err.object[err.start]:02x}",
                ) from None
            except csv.Error as err:
                raise CxrayError(
                    "file_bad_csv", file=path.name, row=reader.line_num, detail=str(err)
                ) from None
            if rows:
                yield _to_arrow(header, rows, numbers, malformed)
            if progress:
                progress(total, total)

    return RawFile(path, header, "csv", enc, sep, chunks)


def _to_arrow(
    header: list[str], rows: list[list[str]], numbers: list[int], malformed: list[bool]
) -> pa.Table:
    columns = {name: pa.array([r[i] for r in rows], pa.string()) for i, name in enumerate(header)}
    columns[ROW] = pa.array(numbers, pa.int64())
    columns[MALFORMED] = pa.array(malformed, pa.bool_())
    return pa.table(columns)


# --- XLSX -----------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _open_xlsx(path: Path) -> RawFile:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # not a workbook: a zip of something else, a broken file
        raise CxrayError("file_not_table", file=path.name) from err
    sheet = book.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    header_row = next(rows_iter, None)
    if header_row is None or all(v is None for v in header_row):
        book.close()
        raise CxrayError("file_empty", file=path.name)
    header = [_cell_text(v).strip() for v in header_row]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    total = sheet.max_row or 1

    def chunks(progress: Progress | None) -> Iterator[pa.Table]:
        rows: list[list[str]] = []
        numbers: list[int] = []
        malformed: list[bool] = []
        for number, values in enumerate(rows_iter, start=2):
            cells = [_cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            cells = (cells + [""] * width)[:width]
            rows.append(cells)
            numbers.append(number)
            malformed.append(False)
            if len(rows) >= CHUNK_ROWS:
                yield _to_arrow(header, rows, numbers, malformed)
                rows, numbers, malformed = [], [], []
                if progress:
                    progress(number, total)
        book.close()
        if rows:
            yield _to_arrow(header, rows, numbers, malformed)
        if progress:
            progress(total, total)

    return RawFile(path, header, "xlsx", None, None, chunks)


# --- Parquet --------------------------------------------------------------------------------


def _open_parquet(path: Path) -> RawFile:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as err:
        raise CxrayError("file_not_table", file=path.name) from err
    header = list(pf.schema_arrow.names)
    total = pf.metadata.num_rows

    def as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
        if pa.types.is_timestamp(column.type):
            return pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
        if pa.types.is_date(column.type):
            return pc.strftime(column, format="%Y-%m-%d")
        return column.cast(pa.string())

    def chunks(progress: Progress | None) -> Iterator[pa.Table]:
        start = 2
        for batch in pf.iter_batches(batch_size=CHUNK_ROWS):
            n = batch.num_rows
            columns = {name: as_text(pa.chunked_array([batch.column(name)])) for name in header}
            columns = {k: pc.fill_null(v, "") for k, v in columns.items()}
            columns[ROW] = pa.array(range(start, start + n), pa.int64())
            columns[MALFORMED] = pa.array([False] * n, pa.bool_())
            start += n
            yield pa.table(columns)
            if progress:
                progress(start - 2, total)

    return RawFile(path, header, "parquet", None, None, chunks)
