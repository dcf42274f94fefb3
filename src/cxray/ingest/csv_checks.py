"""Checks that keep a damaged CSV file from being stored wrongly: stray quotes and text in two
encodings.

**Stray quotes.** A quote opening a cell makes the reader take every line up to the closing
quote as that one cell. A quoted cell spanning lines is legitimate (a multi-line description,
as Excel writes it), unless one of the lines after the one where the quote opened (up to and
including the line where it closes), read on its own, splits into exactly as many cells as the
header (:func:`stray_quote`, which says when the closing line counts): such a line is a record
of the file, and the quote a stray one. The row where the quote opened is then rejected
(``unbalanced_quote``) and the lines after it are read again as records. A quote never closed
before the end of the file is a stray one whatever the lines after it hold. Files with one column
have no such evidence: only a quote never closed is caught there.

Looking for stray quotes costs per-line work in Python, so DuckDB's fast reader only takes
files with no line end inside quotes (:class:`QuoteParity`, a vectorised count over the bytes);
the others are read by the Python reader (:mod:`cxray.ingest.read`), which applies the rule.

**Two encodings.** A Windows-1251 file with rows in UTF-8 decodes without an error, into
garbage ("Рђ", "РЎ..."). UTF-8 Cyrillic letters are two bytes, ``D0 81``, ``D0 90``-``D0 BF``,
``D1 80``-``D1 8F`` or ``D1 91``; in Windows-1251 ``D0`` is "Р", ``D1`` is "С" and the second
bytes are punctuation and rare letters (Ђ, ‘, ™, », ...). Two such letters in a row ("Р°Р»")
never occur in Russian text written in Windows-1251 (a capital Р or С is followed by a letter or a
space, not by a quote mark, a dash or a sign and then another capital Р or С), while any UTF-8
Russian word of two letters or more holds them: :func:`utf8_cyrillic_at` finds them in bytes,
:data:`MOJIBAKE` in decoded text. (A UTF-8 file with rows in Windows-1251 fails to decode: the
reader names the row and the byte.)
"""

from __future__ import annotations

import csv

import numpy as np

# the second bytes of the UTF-8 Cyrillic letters led by D0 and by D1 (Ё ё А-я)
_SECOND = {0xD0: (0x81, *range(0x90, 0xC0)), 0xD1: (*range(0x80, 0x90), 0x91)}
_LETTER = np.zeros((2, 256), dtype=bool)  # [lead - 0xD0, second byte]
for _lead, _seconds in _SECOND.items():
    _LETTER[_lead - 0xD0, list(_seconds)] = True


def _cp1251_class(lead: int) -> str:
    """The characters Windows-1251 shows for the second bytes after ``lead`` (0x98 is none)."""
    chars = (bytes([b]).decode("cp1251") for b in _SECOND[lead] if b != 0x98)
    return "".join("\\" + c if c in "\\]^-[" else c for c in chars)


MOJIBAKE = (
    f"(?:{bytes([0xD0]).decode('cp1251')}[{_cp1251_class(0xD0)}]"
    f"|{bytes([0xD1]).decode('cp1251')}[{_cp1251_class(0xD1)}]){{2}}"
)
"""A regular expression (RE2 and Python syntax) matching two UTF-8 Cyrillic letters in a row as
Windows-1251 decodes them."""


def utf8_cyrillic_at(data: bytes) -> int:
    """The offset in ``data`` of the first two UTF-8 Cyrillic letters in a row, or -1."""
    if len(data) < 4:
        return -1
    a = np.frombuffer(data, dtype=np.uint8)
    leads = np.flatnonzero((a[:-3] & 0xFE) == 0xD0)  # D0 or D1, with three bytes after it
    if not leads.size:
        return -1
    first = _LETTER[a[leads] - 0xD0, a[leads + 1]]
    lead2 = a[leads + 2]
    second = ((lead2 & 0xFE) == 0xD0) & _LETTER[lead2 & 1, a[leads + 3]]
    hits = leads[first & second]
    return int(hits[0]) if hits.size else -1


class Utf8Letters:
    """Watches the blocks of a file read as Windows-1251 for UTF-8 Cyrillic letters."""

    def __init__(self) -> None:
        self.tail = b""

    def feed(self, block: bytes) -> bool:
        """Whether two UTF-8 Cyrillic letters in a row are in ``block`` (or across its start)."""
        found = utf8_cyrillic_at(self.tail + block) >= 0
        self.tail = block[-3:]
        return found


class QuoteParity:
    """Watches the blocks of a CSV file for a line end inside quotes: a line end with an odd
    number of quote characters before it in the file (a doubled quote inside a quoted cell counts
    two). A quote inside an unquoted cell (``12" pipe``) counts too: such files also go to the
    Python reader, which reads that quote as text."""

    def __init__(self) -> None:
        self.odd = False  # an odd number of quotes so far

    def feed(self, block: bytes) -> bool:
        """Whether a line end inside quotes is in ``block`` (given the blocks fed before)."""
        if b'"' not in block:
            return self.odd and (b"\n" in block or b"\r" in block)
        a = np.frombuffer(block, dtype=np.uint8)
        quotes = np.flatnonzero(a == 0x22)
        ends = np.flatnonzero((a == 0x0A) | (a == 0x0D))
        before = np.searchsorted(quotes, ends) + self.odd  # quotes before each line end
        self.odd = bool((quotes.size + self.odd) % 2)
        return bool((before % 2).any())


def stray_quote(lines: list[str], sep: str, width: int, record: list[str], at: int) -> bool:
    """Whether a quoted cell spanning lines is a stray quote: ``record`` is the row as the reader
    took it across the lines, its cell ``at`` the first one spanning them, ``lines`` the lines
    after the one where that cell opened, up to the one where the row ends; ``width`` the
    header's cells.

    A line wholly inside a cell spanning lines (neither its first nor its last) that, read on its
    own, splits into exactly ``width`` cells is a record of the file: a stray quote. The line
    where cell ``at`` closes is the last line of that cell followed by the row's other cells, so
    it splits into ``width`` cells by itself whenever the cell's last line holds as many
    delimiters as there are cells before it (none for a first-column cell, one for an address
    "Moscow, 5" in the second column): it counts only when the row read across the lines lacks
    the header's width, or when the line where the quote opened also splits into ``width``
    cells at every delimiter (both lines are records then). Never for a file of one column."""
    if width < 2:
        return False
    texts = [_text_lines(v) for v in record[at:] if "\n" in v or "\r" in v]
    if any(_cells(line, sep) == width for parts in texts for line in parts[1:-1]):
        return True
    closing = lines[len(texts[0]) - 2] if 2 <= len(texts[0]) <= len(lines) + 1 else ""
    if _cells(closing, sep) != width:
        return False
    return len(record) != width or at + len(texts[0][0].split(sep)) == width


def _text_lines(cell: str) -> list[str]:
    """The lines of a cell's text (line ends LF, CRLF or CR)."""
    return cell.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _cells(line: str, sep: str) -> int:
    """How many cells ``line`` splits into, read on its own (-1 when it cannot be read)."""
    try:
        return len(next(csv.reader([line], delimiter=sep), []))
    except csv.Error:
        return -1
