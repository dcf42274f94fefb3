"""The XLSX reader (python-calamine): cells come out as the text a person would type, with the
row numbers Excel shows, whatever chunk a row falls in."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from cxray.errors import CxrayError
from cxray.ingest import read
from cxray.ingest.read import ROW, open_table_file


def rows_of(path) -> list[dict]:
    raw = open_table_file(path)
    return [
        {k: v for k, v in row.items() if k not in (read.MALFORMED, read.EXTRA, read.QUOTE)}
        for chunk in raw.chunks(None)
        for row in chunk.to_pylist()
    ]


@pytest.mark.parametrize("chunk_rows", [2, 200_000])
def test_cells_are_text_and_rows_keep_their_numbers(tmp_path, monkeypatch, chunk_rows):
    monkeypatch.setattr(read, "CHUNK_ROWS", chunk_rows)  # rows cross chunk boundaries
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "amount", "day", "when"])
    sheet.append([1001, 1234.56, dt.date(2023, 12, 31), dt.datetime(2024, 1, 2, 14, 30)])
    sheet.append([])  # row 3: blank
    sheet.append(["  ", None, "", None])  # row 4: spaces only, blank too
    sheet.append(["0002", -0.0, dt.datetime(2024, 3, 15), dt.time(8, 26)])
    sheet.append([3.0, 1e-05, 1e20, True])
    sheet.append([None, None, None, None, "beyond the header"])  # row 7: kept, cells empty
    sheet.append([2.5, 0.1, dt.date(2024, 1, 1), dt.date(2024, 1, 2)])
    book.save(tmp_path / "o.xlsx")

    got = rows_of(tmp_path / "o.xlsx")

    assert got == [
        {"id": "1001", "amount": "1234.56", "day": "2023-12-31", "when": "2024-01-02 14:30:00",
         ROW: 2},
        {"id": "0002", "amount": "0", "day": "2024-03-15", "when": "08:26:00", ROW: 5},
        {"id": "3", "amount": "1e-05", "day": "100000000000000000000", "when": "True", ROW: 6},
        {"id": "", "amount": "", "day": "", "when": "", ROW: 7},
        {"id": "2.5", "amount": "0.1", "day": "2024-01-01", "when": "2024-01-02", ROW: 8},
    ]  # fmt: skip


def test_columns_and_rows_before_the_first_cell_count(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B1"], sheet["C1"] = "id", "amount"
    sheet["B2"], sheet["C4"] = "a", 5
    book.save(tmp_path / "o.xlsx")

    raw = open_table_file(tmp_path / "o.xlsx")

    assert raw.header == ["", "id", "amount"]
    assert [(r["id"], r["amount"], r[ROW]) for r in rows_of(tmp_path / "o.xlsx")] == [
        ("a", "", 2),
        ("", "5", 4),
    ]


def test_the_first_sheet_is_read_and_a_header_on_a_lower_row_is_no_header(tmp_path):
    book = openpyxl.Workbook()
    book.active["A3"] = "id"
    book.create_sheet("second")["A1"] = "other"
    book.save(tmp_path / "o.xlsx")

    with pytest.raises(CxrayError) as caught:
        open_table_file(tmp_path / "o.xlsx")
    assert caught.value.key == "file_empty"


def test_a_zip_that_is_no_workbook_is_not_a_table(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "o.xlsx", "w") as z:
        z.writestr("a.txt", "hello")

    with pytest.raises(CxrayError) as caught:
        open_table_file(tmp_path / "o.xlsx")
    assert caught.value.key == "file_not_table"
