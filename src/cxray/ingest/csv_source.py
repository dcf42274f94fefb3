"""CSV/TSV text for DuckDB's own ``read_csv``: the file itself when it is UTF-8, a temporary UTF-8
copy when it is Windows-1251 (transcoded as a stream, in large blocks).

DuckDB parses the text in parallel and numbers the records in file order. It skips empty lines,
which the Python reader (:mod:`cxray.ingest.read`) counts as rows, as a spreadsheet does; a file
with an empty line before its last record is therefore left to the Python reader (None). So is a
file with a line end inside quotes, where that reader looks for stray quotes, and a Windows-1251
file holding text in UTF-8, which that reader refuses naming the row and column (see
:mod:`cxray.ingest.csv_checks`).
"""

from __future__ import annotations

import codecs
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cxray.ingest.csv_checks import QuoteParity, Utf8Letters
from cxray.ingest.read import Progress, RawFile, begin_step

BLOCK = 8 * 1024 * 1024
# an empty line: a line end right after another one (LF, CRLF or CR line ends)
EMPTY_LINES = (b"\n\n", b"\n\r\n", b"\r\r")
WHITESPACE = b" \t\r\n\x0b\x0c"


@dataclass
class CsvText:
    """A UTF-8 file DuckDB reads for a CSV file; ``temporary`` when it is a transcoded copy."""

    path: Path
    temporary: bool = False

    def remove(self) -> None:
        if self.temporary:
            self.path.unlink(missing_ok=True)


class _EmptyLines:
    """Watches blocks of a file for an empty line followed by more text."""

    def __init__(self) -> None:
        self.tail = b""
        self.pending = False  # an empty line seen, only whitespace after it so far
        self.found = False

    def feed(self, block: bytes) -> bool:
        """Whether an empty line with a record after it has been seen (so far)."""
        if self.found or not block:
            return self.found
        if self.pending and block.strip(WHITESPACE):
            self.found = True
            return True
        # the block itself, and the few bytes around its start (an empty line cut in two)
        for data in (self.tail + block[:2], block):
            marks = EMPTY_LINES if b"\r" in data else EMPTY_LINES[:1]  # LF only: one search
            at = min((i for i in (data.find(m) for m in marks) if i >= 0), default=-1)
            if at >= 0:
                rest = data[at:] if data is block else block
                if rest.strip(WHITESPACE):
                    self.found = True
                    return True
                self.pending = True
        self.tail = (self.tail + block)[-2:]
        return self.found


def csv_text(raw: RawFile, progress: Progress | None = None) -> CsvText | None:
    """The UTF-8 text of CSV file ``raw`` for DuckDB, or None when DuckDB cannot number its rows
    as the Python reader does (an empty line before the last record), when a line end is inside
    quotes (the Python reader looks for stray quotes) or when the file is not in the encoding it
    was taken for (the Python reader then names the row and the byte, or the row and column of
    text in UTF-8 in a Windows-1251 file).

    Transcoding is the ``"decoding"`` step of ``progress``, counted in bytes of the file.
    """
    watch, quotes = _EmptyLines(), QuoteParity()
    if raw.encoding in ("utf-8", "utf-8-sig"):
        with raw.path.open("rb") as fh:
            while block := fh.read(BLOCK):
                if watch.feed(block) or quotes.feed(block):
                    return None
        return CsvText(raw.path)
    if raw.encoding != "cp1251":
        return None
    fd, name = tempfile.mkstemp(prefix="cxray-", suffix=".csv")
    out = CsvText(Path(name), temporary=True)
    decoder = codecs.getincrementaldecoder("cp1251")()
    letters = Utf8Letters()
    size, done = raw.path.stat().st_size, 0
    begin_step(progress, "decoding", "bytes", size)
    try:
        with os.fdopen(fd, "wb") as dst, raw.path.open("rb") as src:
            while block := src.read(BLOCK):
                if watch.feed(block) or quotes.feed(block) or letters.feed(block):
                    out.remove()
                    return None
                try:
                    text = decoder.decode(block)
                except UnicodeDecodeError:
                    # the Python reader names the row and the byte
                    out.remove()
                    return None
                dst.write(text.encode("utf-8"))
                done += len(block)
                if progress is not None:
                    progress(done, size)
    except BaseException:
        out.remove()
        raise
    return out
