"""Checks that keep a damaged CSV file from being stored wrongly: stray quotes and text in two
encodings.

**Stray quotes.** A quote opening a cell makes the reader take every line up to the closing
quote as that one cell. A quoted cell spanning lines is legitimate (a multi-line description,
as Excel writes it, in any column, with delimiters in its text or not), unless the lines show
that they are records of their own. Each line of the row is counted as if read on its own with
the quotes of the cells spanning lines read as text: one cell more than its delimiters, those
inside a quoted cell wholly on that line left out. A cell spanning lines is a stray quote
(:func:`stray_quote`) when

1. its quote is never closed before the end of the file;
2. its closing quote is followed by text glued to the cell, not by the delimiter or the line's
   end (no CSV writer does that; the second of two stray quotes often opens a cell: ``"abc``);

and, in a file of two columns or more (a file of one column has no such evidence), when

3. a line wholly inside it (neither the one where it opens nor the one where it closes) counts
   as many cells as the header;
4. the line where it opens and the line where it closes both count as many cells as the header;
5. the row read across the lines has more or fewer cells than the header, and the line where it
   opens or the one where it closes counts as many cells as the header.

The cells spanning lines are looked at in order, for 1-4 first (so that a row made too wide or
too narrow by a stray quote in a later cell does not blame a legitimate earlier one), then for 5;
at the first stray one, the row up to the line where its quote opened is rejected
(``unbalanced_quote``, naming that cell's column) and the lines after it are read again as
records (where a quote may open again and is judged alike).

Only the line where a cell opens or the one where it closes counting the header's cells is no
evidence: a cell in the first column has its closing line count all the row's cells whenever
its last line holds no delimiter ("C2";Иван;опт), one in the second column whenever its last
line holds one (an address "Moscow, 5"), and a cell in the last column has its opening line
count them all. Ambiguous bytes are read as a stray quote: a legitimate cell spanning lines
whose opening and closing lines both count the header's cells (a first-column cell whose first
line holds one delimiter less than the header has, say), text after a closing quote, a row of
the wrong width holding such a line. The import fuzzing writes no such legitimate cells.

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

from dataclasses import dataclass

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


@dataclass
class Spanning:
    """A quoted cell of a record that spans lines: its index in the record, the lines (counted
    from the record's first) where its quote opens and closes (``close`` None: never closed), and
    whether the closing quote is followed by text glued to the cell instead of the delimiter or
    the line's end."""

    at: int
    open: int
    close: int | None = None
    glued: bool = False


def _scan(lines: list[str], sep: str) -> tuple[list[Spanning], list[int], int]:
    """Read the lines of one record as the csv module does (a quote opens a cell only at the
    cell's start, a doubled quote inside it is one quote, text after its closing quote is glued
    to it). Returns the cells spanning lines; each line's cells read on its own with the quotes
    of those cells taken as text (a quoted cell wholly on one line stays one cell); and the
    record's cells. Only the quotes and delimiters are visited (str.find)."""
    spans: list[Spanning] = []
    seps = [0] * len(lines)  # the delimiters of each line, a spanning cell's included
    cell, state, opened = 0, "start", 0  # state: start, plain, quoted, after (its closing quote)
    inside: dict[int, int] = {}  # line -> delimiters inside the quoted cell being read

    def close(n: int | None, glued: bool = False) -> None:  # n None: never closed
        if opened != n:
            spans.append(Spanning(cell, opened, n, glued))
            for line, count in inside.items():
                seps[line] += count

    for n, line in enumerate(lines):
        i, end = 0, len(line.rstrip("\r\n"))
        while True:
            if state == "quoted":
                j = line.find('"', i)
                inside[n] = inside.get(n, 0) + line.count(sep, i, len(line) if j < 0 else j)
                if j < 0:
                    break
                i, state = j + 1, "after"
            elif state == "after":
                if i < end and line[i] == '"':  # a doubled quote
                    i, state = i + 1, "quoted"
                    continue
                close(n, i < end and line[i] != sep)
                state = "plain"
            elif state == "start":
                if i < end and line[i] == '"':
                    i, state, opened, inside = i + 1, "quoted", n, {}
                else:
                    state = "plain"
            else:
                j = line.find(sep, i, end)
                if j < 0:
                    break
                i, state, cell = j + 1, "start", cell + 1
                seps[n] += 1
    if state == "quoted":
        close(None)
    return spans, [k + 1 for k in seps], cell + 1


def stray_quote(lines: list[str], sep: str, width: int) -> Spanning | None:
    """The first quoted cell spanning lines of the record the reader took from ``lines`` that
    opened with a stray quote (None: every such cell is legitimate); ``width`` is the header's
    cells. See the module docstring for the rule."""
    spans, widths, cells = _scan(lines, sep)

    def records(span: Spanning) -> tuple[bool, bool]:  # its opening, its closing line
        return widths[span.open] == width, widths[span.close] == width  # type: ignore[index]

    for span in spans:
        if span.close is None or span.glued:
            return span
        if width >= 2 and (
            any(widths[i] == width for i in range(span.open + 1, span.close)) or all(records(span))
        ):
            return span
    if width >= 2 and cells != width:
        return next((span for span in spans if any(records(span))), None)
    return None
