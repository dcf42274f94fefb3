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
import itertools
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from cxray.errors import CxrayError
from cxray.ingest.csv_checks import MOJIBAKE, stray_quote, utf8_cyrillic_at

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
# A line fed to the csv reader after the last line of a file: it comes back as a record of its own,
# unless a quoted cell is still open, which then swallows it (the reader does not say so itself).
END_OF_FILE = "\u2063cxray: end of file\u2063"
MALFORMED = "_malformed"  # set when a CSV line has more fields than the header
# the cells beyond the header of a malformed line, joined by the delimiter; on a row with a stray
# quote, the cell where it opened, as the row has it
EXTRA = "_extra"
QUOTE = "_quote"  # the column where a stray quote opened (cxray.ingest.csv_checks), else null

Progress = Callable[[int, int], None]  # (done, total) in the unit of progress_unit()
# the steps of an import, each with its own progress: a Windows-1251 file converted to UTF-8, the
# file read, its cells checked, repeated rows looked for (and order lines numbered), the rows
# written to the workspace
STEPS = ("decoding", "reading", "checking", "repeats", "writing")


def begin_step(progress: Progress | None, step: str, unit: str, total: int | None = None) -> None:
    """Tell ``progress`` that ``step`` (one of :data:`STEPS`) starts, counted in ``unit``
    (``"rows"`` or ``"bytes"``) out of ``total``. A plain callable only ever gets the counts; one
    with a ``step(step, unit, total)`` method (a shell's progress bar) is told of each step."""
    start = getattr(progress, "step", None)
    if start is not None:
        start(step, unit, total)


@dataclass
class RawFile:
    """A file opened for reading: its header and a way to iterate text chunks."""

    path: Path
    header: list[str]
    format: str  # csv, xlsx, parquet
    encoding: str | None
    sep: str | None
    chunks: Callable[[Progress | None], Iterator[pa.Table]]
    # header names given to later repeats of a column name ("Комментарий (2)") -> the name in the
    # file, so that every column keeps its cells
    renamed: dict[str, str] = field(default_factory=dict)
    # columns whose chunks carry typed values, not text (Parquet): header name -> kind
    # ("number", "integer", "date", "timestamp" or "boolean"); see :func:`native_kind`
    kinds: dict[str, str] = field(default_factory=dict)
    rows: int = 0  # data rows, when the format says so up front (Parquet); else 0


def native_kind(type_: pa.DataType) -> str | None:
    """The kind of typed values a Parquet column of ``type_`` keeps (None: it is read as text).

    Typed values skip text parsing at validation when the canonical column wants that kind; a
    timestamp with a time zone is read as text (its wall-clock time, as a spreadsheet shows it).
    """
    if pa.types.is_integer(type_):
        return "integer"
    if pa.types.is_floating(type_) or pa.types.is_decimal(type_):
        return "number"
    if pa.types.is_boolean(type_):
        return "boolean"
    if pa.types.is_date(type_):
        return "date"
    if pa.types.is_timestamp(type_) and type_.tz is None:
        return "timestamp"
    return None


def cells_as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The cells of a typed column as the text a person would type (nulls stay null)."""
    import pyarrow.compute as pc

    if pa.types.is_timestamp(column.type):
        if column.type.unit == "ns":
            # "%S" prints nine decimals for nanoseconds, which no date format reads;
            # microseconds are the finest precision a timestamp keeps in the workspace
            column = column.cast(pa.timestamp("us", column.type.tz), safe=False)
        return pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
    if pa.types.is_date(column.type):
        return pc.strftime(column, format="%Y-%m-%d")
    try:
        return column.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # lists, structs, binary ...: still text, so an unused column does not stop the import
        return pa.chunked_array(
            [pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())]
        )


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


def progress_unit(path: Path | str) -> str:
    """What the reader's ``progress(done, total)`` counts for ``path``: ``"rows"`` (XLSX rows,
    Parquet rows) or ``"bytes"`` (CSV/TSV, read as a stream)."""
    try:
        with Path(path).open("rb") as fh:
            head = fh.read(4)
    except OSError:
        return "rows"
    return "rows" if head in (b"PK\x03\x04", b"PAR1") else "bytes"


# Names of the columns the checks put beside a file's own (cxray.ingest.validate): a file column
# of such a name is renamed as a repeat is ("_row (2)"), so it never takes their place.
INTERNAL_NAMES = frozenset(
    {ROW, MALFORMED, EXTRA, QUOTE, "_problem", "_column", "_value", "_p", "_dup", "_first",
     "_key_n", "_key_first", "_all_n", "_all_first", "file_row_number"}
)  # fmt: skip
INTERNAL_PREFIXES = ("t:", "v:", "x:", "_s:", "_dm:", "_cx_")


def internal_name(name: str) -> bool:
    """Whether a file column named ``name`` would collide with a column the checks add."""
    return name in INTERNAL_NAMES or name.startswith(INTERNAL_PREFIXES)


def unique_header(names: list[str]) -> tuple[list[str], dict[str, str]]:
    """Rename later repeats of a non-empty column name to ``name (2)``, ``name (3)`` ..., and a
    name the checks use themselves (:func:`internal_name`) as if it were a repeat.

    Returns the header and {new name: name in the file}. Empty names are left as they are (their
    columns are never read).
    """
    taken = set(names)
    seen: dict[str, int] = {}
    header: list[str] = []
    renamed: dict[str, str] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        if not name or (seen[name] == 1 and not internal_name(name)):
            header.append(name)
            continue
        k = max(seen[name], 2)
        while f"{name} ({k})" in taken:
            k += 1
        new = f"{name} ({k})"
        taken.add(new)
        renamed[new] = name
        header.append(new)
    return header, renamed


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
            start = head.rfind(b"\n", 0, err.start) + 1
            end = head.find(b"\n", err.start)
            first = head[: head.find(b"\n")].decode(enc, "replace")
            names = next(csv.reader([first], delimiter=sep or detect_separator([first])), [])
            raise _encoding_error(
                path, enc, line, head[err.start], head[start : end if end >= 0 else None], names
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
    header, renamed = unique_header([h.strip().lstrip("\ufeff") for h in header])
    total = path.stat().st_size

    def chunks(progress: Progress | None) -> Iterator[pa.Table]:
        with path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=enc, newline="")
            lines = _Lines(itertools.chain(text, [END_OF_FILE + "\n"]))
            reader = csv.reader(lines, delimiter=sep)
            width = len(header)
            rows: list[list[str]] = []
            numbers: list[int] = []
            extras: list[str | None] = []
            quotes: list[str | None] = []
            # A spreadsheet shows one row per record (a quoted cell may span several lines, a
            # blank line is a blank row), so rows are numbered by record, not by physical line.
            number = 1  # the header
            try:
                next(reader)  # header
                lines.taken = []
                for record in reader:
                    taken, lines.taken = lines.taken, []
                    if record == [END_OF_FILE]:
                        break
                    number += 1
                    quote = None
                    stray = stray_quote(taken, sep, width) if len(taken) > 1 else None
                    if stray is not None:
                        # a stray quote (see cxray.ingest.csv_checks): the row up to the line
                        # where it opened is rejected, the lines after it are read again
                        at, upto = stray.at, stray.open + 1
                        lines.back.extendleft(reversed(taken[upto:]))
                        ends = [*taken[: upto - 1], taken[upto - 1].rstrip("\r\n")]
                        record = next(csv.reader(ends, delimiter=sep), [])
                        quote = header[at] if at < width else ""
                        extra = '"' + record[at] if at < len(record) else '"'
                    elif not record or (len(record) == 1 and not record[0].strip()):
                        continue  # blank line
                    else:
                        beyond = record[width:]
                        extra = sep.join(beyond) if any(v.strip() for v in beyond) else None
                    numbers.append(number)
                    quotes.append(quote)
                    extras.append(extra)
                    if len(record) < width:
                        record = record + [""] * (width - len(record))
                    rows.append(record[:width])
                    if len(rows) >= CHUNK_ROWS:
                        yield _csv_chunk(header, rows, numbers, extras, quotes, enc, path)
                        rows, numbers, extras, quotes = [], [], [], []
                        if progress:
                            progress(raw.tell(), total)
            except UnicodeDecodeError as err:
                # the text layer decodes ahead of the csv reader: find the exact row again
                row, byte, line = _decode_error_at(path, enc, sep)
                raise _encoding_error(
                    path,
                    enc,
                    row or number + 1,
                    byte if byte is not None else err.object[err.start],
                    line,
                    header,
                    sep,
                ) from None
            except csv.Error as err:
                raise CxrayError(
                    "file_bad_csv", file=path.name, row=number + 1, detail=str(err)
                ) from None
            if rows:
                yield _csv_chunk(header, rows, numbers, extras, quotes, enc, path)
            if progress:
                progress(total, total)

    return RawFile(path, header, "csv", enc, sep, chunks, renamed)


def _encoding_error(
    path: Path,
    enc: str,
    row: int,
    byte: int,
    line: bytes,
    header: list[str],
    sep: str | None = None,
) -> CxrayError:
    """The error for ``byte`` of row ``row`` (in ``line``) that ``enc`` cannot decode:
    ``file_mixed_encoding`` naming the column when the line is UTF-8 in a Windows-1251 file
    (UTF-8 "И" is D0 98, a byte Windows-1251 lacks), else ``file_bad_encoding``."""
    if enc == "cp1251" and utf8_cyrillic_at(line) >= 0:
        text = line.decode("utf-8", "replace")
        cells = next(csv.reader([text], delimiter=sep or detect_separator([text])), [])
        at = next((i for i, v in enumerate(cells) if re.search("[\u0400-\u04ff]", v)), 0)
        column = header[at] if at < len(header) else ""
        return CxrayError(
            "file_mixed_encoding", file=path.name, row=row, column=column, encoding=enc
        )
    return CxrayError(
        "file_bad_encoding", file=path.name, row=row, encoding=enc, byte=f"0x{byte:02x}"
    )


def _decode_error_at(path: Path, enc: str, sep: str) -> tuple[int | None, int | None, bytes]:
    """(spreadsheet row, byte, the line holding it) of the first byte of ``path`` that ``enc``
    cannot decode.

    Only called after a decoding error, so speed does not matter: the file is decoded line by line
    (lines end with a newline byte in both UTF-8 and Windows-1251) and fed to a csv reader to count
    the records before the bad one. (None, None, b"") when the position cannot be found.
    """
    decoder = codecs.getincrementaldecoder(enc)()
    records = 0
    found: list[int] = []
    bad_line = [b""]

    def lines(fh: io.BufferedReader) -> Iterator[str]:
        for line in fh:
            try:
                yield decoder.decode(line)
            except UnicodeDecodeError as err:
                found.append(err.object[err.start])
                bad_line[0] = line
                return

    try:
        with path.open("rb") as fh:
            for _ in csv.reader(lines(fh), delimiter=sep):
                records += 1
    except csv.Error:
        return None, None, b""
    if not found:
        return None, None, b""
    return records + 1, found[0], bad_line[0]


class _Lines:
    """The lines of a file for a csv reader, with the lines it took for the current record
    (``taken``) and lines to read again before the next ones of the file (``back``)."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.back: deque[str] = deque()
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.back.popleft() if self.back else next(self.lines)
        self.taken.append(line)
        return line


def _csv_chunk(
    header: list[str],
    rows: list[list[str]],
    numbers: list[int],
    extras: list[str | None],
    quotes: list[str | None],
    enc: str,
    path: Path,
) -> pa.Table:
    """Rows of a CSV file as an Arrow table of text cells; a Windows-1251 file holding text in
    UTF-8 is refused, naming the first row and column that hold some (CxrayError)."""
    columns = {name: pa.array([r[i] for r in rows], pa.string()) for i, name in enumerate(header)}
    columns[ROW] = pa.array(numbers, pa.int64())
    columns[MALFORMED] = pa.array(
        [e is not None and q is None for e, q in zip(extras, quotes, strict=True)], pa.bool_()
    )
    columns[EXTRA] = pa.array(extras, pa.string())
    columns[QUOTE] = pa.array(quotes, pa.string())
    table = pa.table(columns)
    if enc == "cp1251":
        import pyarrow.compute as pc

        found = [
            (table.column(ROW)[int(i)].as_py(), name)
            for name in header
            if (i := _first_true(pc.match_substring_regex(table.column(name), MOJIBAKE))) >= 0
        ]
        if found:
            row, column = min(found, key=lambda f: (f[0], header.index(f[1])))
            raise CxrayError(
                "file_mixed_encoding", file=path.name, row=row, column=column, encoding=enc
            )
    return table


def _first_true(mask: pa.ChunkedArray | pa.Array) -> int:
    """The index of the first true value of ``mask``, or -1."""
    values = np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)
    hits = np.flatnonzero(values)
    return int(hits[0]) if hits.size else -1


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


def _first_sheet(path: Path) -> object:
    """The first worksheet of the workbook ``path``, read by python-calamine (Rust)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        if not names:
            book.close()
            raise CxrayError("file_empty", file=path.name)
        sheet = book.get_sheet_by_name(names[0])
    except CxrayError:
        raise
    except Exception as err:  # not a workbook: a zip of something else, a broken file
        raise CxrayError("file_not_table", file=path.name) from err
    return sheet


def _sheet_rows(sheet: object) -> Iterator[tuple[int, list[object]]]:
    """(spreadsheet row, cells from column A) of every row of ``sheet`` from row 1; an empty cell
    is ``""``. calamine starts a sheet at its first used cell: the rows and columns before it are
    put back, so that row and column numbers are the ones Excel shows."""
    if sheet.height == 0 or sheet.width == 0:
        return
    first_row, first_col = sheet.start
    for number in range(1, first_row + 1):
        yield number, []
    pad: list[object] = [""] * first_col
    for number, values in enumerate(sheet.iter_rows(), start=first_row + 1):
        yield number, (pad + values if pad else values)


def _column_text(values: list[object]) -> pa.Array:
    """The cells of one column as text (see :func:`_cell_text`); text cells as they are.

    Columns of one kind (text, numbers, dates: the usual export) are turned into text by Arrow,
    the others cell by cell. (pyarrow takes lists ~100x faster than tuples.)"""
    kinds = set(map(type, values))
    if kinds == {str}:
        return pa.array(values, pa.string())
    if kinds == {float}:
        return _numbers_text(values)  # type: ignore[arg-type]
    if kinds == {dt.date}:  # Arrow writes dates as isoformat() does, yyyy-mm-dd
        return pa.array(values, pa.date32()).cast(pa.string())
    if kinds <= {str, float}:  # numbers and text: _cell_text's rule inlined
        whole = float.is_integer
        return pa.array(
            [v if v.__class__ is str else (str(int(v)) if whole(v) else str(v)) for v in values],  # type: ignore
            pa.string(),
        )
    return pa.array([v if v.__class__ is str else _cell_text(v) for v in values], pa.string())


def _numbers_text(values: list[float]) -> pa.Array:
    """Number cells as :func:`_cell_text` writes them (``3.0`` -> ``3``, ``49.99``), by Arrow.

    Arrow writes a fraction as Python does between 1e-4 and 1e15 (beyond, it chooses another
    notation): those few cells are written by Python."""
    import pyarrow.compute as pc

    numbers = np.array(values, dtype=np.float64)
    size = np.abs(numbers)
    whole = (numbers == np.trunc(numbers)) & (size < 2.0**63)
    text = pc.if_else(
        pa.array(whole),
        pa.array(np.where(whole, numbers, 0).astype(np.int64)).cast(pa.string()),
        pa.array(numbers).cast(pa.string()),
    )
    odd = np.flatnonzero(~whole & ((size < 1e-4) | (size >= 1e15) | ~np.isfinite(numbers)))
    if odd.size:
        cells = text.to_pylist()
        for i in odd:
            cells[i] = _cell_text(values[i])
        text = pa.array(cells, pa.string())
    return text


def _xlsx_chunk(header: list[str], rows: list[list[object]], first: int) -> pa.Table:
    """Rows of a sheet (row ``first`` and the next ones) as text cells of ``header``'s columns,
    without its blank rows."""
    n = len(rows)
    width = max(map(len, rows), default=0)  # calamine gives every row the sheet's width
    if any(len(r) != width for r in rows):
        rows = [r + [""] * (width - len(r)) for r in rows]
    # one list per column (faster than zip(*rows) on long chunks)
    columns = [[r[i] for r in rows] for i in range(min(len(header), width))]
    cells = {
        name: _column_text(columns[i]) if i < len(columns) else pa.array([""] * n, pa.string())
        for i, name in enumerate(header)
    }
    cells[ROW] = pa.array(np.arange(first, first + n, dtype=np.int64))
    cells[MALFORMED] = pa.array(np.zeros(n, dtype=bool))
    cells[EXTRA] = pa.nulls(n, pa.string())
    cells[QUOTE] = pa.nulls(n, pa.string())
    table = pa.table(cells)
    blank = _blank_rows(rows, columns)
    if blank:
        keep = np.ones(n, dtype=bool)
        keep[blank] = False
        table = table.filter(pa.array(keep))
    return table


def _blank_rows(rows: list[list[object]], columns: list[list[object]]) -> list[int]:
    """The rows with no cell with something in it (spaces count as nothing): none when a column
    holds no text; else the rows whose cells are blank text in the first column, then in the
    next one, ..., then beyond the header's columns."""
    if any(str not in set(map(type, column)) for column in columns):
        return []
    maybe: Iterable[int] = range(len(rows))
    for column in columns:
        maybe = [i for i in maybe if (v := column[i]).__class__ is str and not v.strip()]  # type: ignore
        if not maybe:
            return []
    beyond = len(columns)
    return [i for i in maybe if all(v.__class__ is str and not v.strip() for v in rows[i][beyond:])]  # type: ignore


def _open_xlsx(path: Path) -> RawFile:
    sheet = _first_sheet(path)
    loaded = [sheet]  # calamine parses the whole sheet up front: the first read reuses it
    header_row = next(_sheet_rows(sheet), (1, []))[1]
    total = sheet.start[0] + sheet.height if sheet.height else 1  # rows, the header's included
    if all(v == "" for v in header_row):
        raise CxrayError("file_empty", file=path.name)
    names = [_cell_text(v).strip() for v in header_row]
    while names and not names[-1]:
        names.pop()
    header, renamed = unique_header(names)

    def chunks(progress: Progress | None) -> Iterator[pa.Table]:
        # later calls read the workbook again: validation makes a second pass for duplicates
        sheet = loaded.pop() if loaded else _first_sheet(path)
        # the header is row 1 (a sheet starting lower has an empty first row: file_empty), so
        # the sheet's rows are numbered from 1; columns before its first one are put back
        pad: list[object] = [""] * sheet.start[1]
        rows_iter = sheet.iter_rows()
        next(rows_iter, None)  # header
        number = 2
        while rows := list(itertools.islice(rows_iter, CHUNK_ROWS)):
            if pad:
                rows = [pad + r for r in rows]
            chunk = _xlsx_chunk(header, rows, number)
            number += len(rows)
            if chunk.num_rows:
                yield chunk
            if progress:
                progress(number - 1, total)
        if progress:
            progress(total, total)

    return RawFile(path, header, "xlsx", None, None, chunks, renamed)


# --- Parquet --------------------------------------------------------------------------------


def _open_parquet(path: Path) -> RawFile:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as err:
        raise CxrayError("file_not_table", file=path.name) from err
    header, renamed = unique_header(list(pf.schema_arrow.names))
    total = pf.metadata.num_rows
    kinds = {
        name: kind
        for name, type_ in zip(header, pf.schema_arrow.types, strict=True)
        if (kind := native_kind(type_)) is not None
    }

    def cells(name: str, column: pa.Array) -> pa.ChunkedArray:
        column = pa.chunked_array([column])
        kind = kinds.get(name)
        if kind is None:
            return pc.fill_null(cells_as_text(column), "")
        if kind == "timestamp" and column.type.unit == "ns":
            return column.cast(pa.timestamp("us"), safe=False)
        return column

    def chunks(progress: Progress | None) -> Iterator[pa.Table]:
        start = 2
        for batch in pf.iter_batches(batch_size=CHUNK_ROWS):
            n = batch.num_rows
            columns = {name: cells(name, batch.column(i)) for i, name in enumerate(header)}
            columns[ROW] = pa.array(np.arange(start, start + n, dtype=np.int64))
            columns[MALFORMED] = pa.array(np.zeros(n, dtype=bool))
            columns[EXTRA] = pa.nulls(n, pa.string())
            columns[QUOTE] = pa.nulls(n, pa.string())
            start += n
            yield pa.table(columns)
            if progress:
                progress(start - 2, total)

    return RawFile(path, header, "parquet", None, None, chunks, renamed, kinds, total)
