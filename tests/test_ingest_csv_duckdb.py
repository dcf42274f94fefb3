"""CSV text is parsed by DuckDB's own read_csv, with exactly the rows, cells, row numbers and
rejects of the Python reader; files DuckDB refuses (or cannot number) are left to that reader.

Each case is validated twice: as the import does it, and with the DuckDB path switched off (the
Python reader alone); both must give the same valid rows and the same rejects.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cxray.ingest.validate as validate_module
from cxray.errors import CxrayError
from cxray.ingest.csv_source import csv_text
from cxray.ingest.read import open_table_file
from cxray.ingest.schema import TABLES
from cxray.workspace import Workspace

H = "order_id;customer_id;order_date;amount;note\n"
ROWS = "1;Иван;01.02.2024;1,5;z\n2;Пётр;2024-02-03;2;\n"
# case -> (text, whether DuckDB reads it: False when the Python reader must; a file with a line
# end inside quotes, or an odd number of quotes on a line, goes to the Python reader, which
# looks for stray quotes)
CASES = {
    "plain": (H + ROWS, True),
    "crlf": ((H + ROWS).replace("\n", "\r\n"), True),
    "cr": ((H + ROWS).replace("\n", "\r"), True),
    "no_last_newline": (H + ROWS.rstrip("\n"), True),
    "blank_lines_at_the_end": (H + ROWS + "\n\n", True),
    "blank_line_inside": (H + "1;Иван;01.02.2024;1,5;z\n\n2;Пётр;2024-02-03;2;\n", False),
    "whitespace_line": (H + "1;Иван;01.02.2024;1,5;z\n  \u00a0 \n2;Пётр;2024-02-03;2;\n", True),
    "empty_cells_line": (H + "1;Иван;01.02.2024;1,5;z\n  ;;\n2;Пётр;2024-02-03;2;\n", True),
    "short_lines": (H + "1;Иван;01.02.2024;1,5\n2;Пётр\n", True),
    "long_line": (H + "1;Иван;01.02.2024;1,5;z;лишнее\n2;Пётр;2024-02-03;2;\n", False),
    "long_line_of_empty_cells": (H + "1;Иван;01.02.2024;1,5;z;;\n2;Пётр;2024-02-03;2;\n", True),
    "quoted_separator_and_newline": (H + '1;"Иван;\nИванович";01.02.2024;1,5;z\n' + ROWS, False),
    "quoted_newline_short_line": (H + '1;"Иван;\nИванович";01.02.2024\n' + ROWS, False),
    "quote_never_closed": (H + '1;"Иван;01.02.2024;1,5;z\n2;Пётр;2024-02-03;2;\n', False),
    "quote_inside_a_cell": (H + '1;Ив"ан;01.02.2024;1,5;z\n', False),
    "quotes_inside_a_cell": (H + '1;12" и 3" труба;01.02.2024;1,5;z\n' + ROWS, True),
    "doubled_quotes_in_a_quoted_cell": (H + '1;"Иван ""Ив"" Петров";01.02.2024;1,5;z\n', True),
    "stray_quote_closed_later": (
        H + '1;"Иван;01.02.2024;1,5;z\n' + ROWS + '3;Ян";2024-02-03;2;\n4;Ли;2024-02-03;2;\n',
        False,
    ),
    "stray_quote_closed_on_the_next_line": (
        H + '1;Иван;01.02.2024;1,5;"z\n2;Пётр;2024-02-03;2;"\n',
        False,
    ),
    "text_after_a_closing_quote": (H + '1;"Ив"ан;01.02.2024;1,5;z\n', False),
    "empty_quoted_cell": (H + '1;Иван;01.02.2024;1,5;""\n', True),
    "spaces_around_cells": (H + " 1 ; Иван ;01.02.2024; 1,5 ; z \n", True),
    "bad_values": (H + "1;Иван;не дата;1,5;z\n2;;2024-02-03;2;\n;Пётр;2024-02-03;abc;q\n", True),
    "repeats": (
        H + "1;Иван;01.02.2024;1,5;z\n1;Иван;01.02.2024;1,5;z\n1;Ян;01.02.2024;1;z\n",
        True,
    ),
    "repeated_and_blank_header": (
        "order_id;customer_id;order_date;amount;x;x;;\n1;Иван;01.02.2024;1,5;a;b;c;d\n",
        True,
    ),
    "header_only": (H, True),
    "numbers_and_dates_of_every_shape": (
        H + "1;Иван;1.2.2024;1 234,50;z\n2;Иван;03.02.24;1,234.5;z\n3;Иван;2024-02-03 10:11;-7;\n"
        "4;Иван;31.02.2024;nan;\n5;Иван;2024-02-03T10:11:12;+1e3;\n",
        True,
    ),
}


def _outcome(path: Path, table: str = "orders") -> object:
    try:
        checked = validate_module.validate(open_table_file(path), TABLES[table], {})
    except CxrayError as err:
        return ("error", str(err))
    try:
        valid = sorted(map(repr, checked.valid().to_pylist()))
        return checked.rows_read, checked.valid_rows, valid, checked.rejects.to_pylist()
    finally:
        checked.close()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_duckdb_reads_csv_exactly_as_the_python_reader(tmp_path, monkeypatch, case, encoding):
    text, by_duckdb = CASES[case]
    path = tmp_path / "orders.csv"
    path.write_bytes(text.encode(encoding))
    scans: list[str] = []
    scan = validate_module._scan_raw

    def watched(*args, **kwargs):
        try:
            result = scan(*args, **kwargs)
        except Exception:
            scans.append("refused")
            raise
        scans.append("read")
        return result

    monkeypatch.setattr(validate_module, "_scan_raw", watched)

    got = _outcome(path)
    with monkeypatch.context() as m:
        m.setattr(validate_module, "csv_text", lambda raw, progress=None: None)
        expected = _outcome(path)

    assert got == expected
    assert ("read" in scans) == by_duckdb


def test_a_windows_1251_file_is_read_from_a_temporary_utf8_copy_removed_after_import(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes((H + ROWS).encode("cp1251"))
    text = csv_text(open_table_file(path))
    assert text is not None and text.temporary
    assert text.path.read_text("utf-8") == H + ROWS
    text.remove()
    assert not text.path.exists()

    copies: list[Path] = []

    def watched(raw, progress=None):
        found = csv_text(raw, progress)
        copies.append(found.path)
        return found

    with pytest.MonkeyPatch.context() as m:
        m.setattr(validate_module, "csv_text", watched)
        with Workspace(tmp_path / "ws", create=True) as ws:
            result = ws.import_file("orders", path)
    assert (result.new, result.rejected) == (2, 0)
    assert copies and not copies[0].exists()


def test_a_byte_windows_1251_lacks_is_named_with_its_row(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes((H + ROWS).encode("cp1251") + b"3;\x98;01.02.2024;1;\n")
    with pytest.raises(CxrayError) as info:
        validate_module.validate(open_table_file(path, encoding="cp1251"), TABLES["orders"], {})
    assert info.value.key == "file_bad_encoding"
    assert str(info.value).startswith("orders.csv, row 4: ")


@pytest.mark.parametrize(
    ("blocks", "found"),
    [
        ([b"a\nb\n", b"\nc\n"], True),  # an empty line cut between two blocks
        ([b"a\r\nb\r", b"\n\r\nc"], True),
        ([b"a\r\nb\r\n", b"\r\n", b"  \r\n"], False),  # empty lines at the end only
        ([b"a\nb\n\n", b" \n", b"c"], True),  # text after them, blocks later
        ([b"a\r\nb\r\nc"], False),
        ([b"a\rb\r\rc"], True),
    ],
)
def test_empty_lines_before_a_record_are_found_across_blocks(blocks, found):
    from cxray.ingest.csv_source import _EmptyLines

    watch = _EmptyLines()
    assert any([watch.feed(block) for block in blocks]) == found


def test_rows_of_a_large_file_read_in_parallel_keep_their_numbers(tmp_path):
    # 600,000 lines (about 40 MB: many blocks of DuckDB's parallel reader); the lines whose
    # order id is a multiple of 99,991 carry an amount that is not a number. Line i (from 1) is
    # row i + 1 of the file (the header is row 1), so the rejects must be exactly those rows,
    # each with its own order id and a whitespace-only line (row 300,002) numbered but not read.
    n, bad_every = 600_000, 99_991
    pad = "x" * 40
    lines = []
    for i in range(1, n + 1):
        if i == 300_001:
            lines.append("   ")
            continue
        amount = "abc" if i % bad_every == 0 else f"{i % 1000},5"
        lines.append(f"{i};C{i % 5000};01.02.2024;{amount};{pad}")
    path = tmp_path / "big.csv"
    path.write_text(H + "\n".join(lines) + "\n", encoding="utf-8")
    with Workspace(tmp_path / "ws", create=True) as ws:
        result = ws.import_file("orders", path)
        stored = ws.sql("select count(*) as n, sum(cast(order_id as bigint)) as s from orders")
    bad = [i for i in range(1, n + 1) if i % bad_every == 0]
    assert [(r.row, r.value) for r in result.first_rejects] == [(i + 1, "abc") for i in bad][:5]
    assert result.rows_read == n - 1  # the whitespace line is not a row
    assert result.rejected == len(bad) == 6
    # the valid order ids are every line number but the blank one and the rejected ones
    expected_sum = n * (n + 1) // 2 - 300_001 - sum(bad)
    assert stored.to_pylist() == [{"n": n - 1 - len(bad), "s": expected_sum}]
