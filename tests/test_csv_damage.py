"""Damaged CSV files: a stray quote never swallows the rows after it, and text in two encodings is
never stored garbled. Each case is read by both readers (DuckDB's read_csv as the import does it,
and the Python reader alone), in UTF-8 and in Windows-1251.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import cxray.ingest.validate as validate_module
from cxray.errors import CxrayError
from cxray.ingest.csv_checks import MOJIBAKE, QuoteParity, utf8_cyrillic_at
from cxray.ingest.read import open_table_file
from cxray.ingest.schema import TABLES
from cxray.texts import TEXTS
from cxray.workspace import Workspace

H = "order_id;customer_id;order_date;amount;channel\n"

# case -> (file text, rows read, valid rows {order_id: (customer_id, channel)},
#          rejects [(row, problem, column)]); rows counted by hand: the header is row 1
CASES = {
    "stray_quote_closed_later": (
        H + '1;"Иван;01.02.2024;1,5;z\n'
        "2;Пётр;2024-02-03;2;\n"
        '3;Ян";2024-02-03;2;\n'
        "4;Ли;2024-02-03;2;\n",
        4,
        {"2": ("Пётр", None), "3": ('Ян"', None), "4": ("Ли", None)},
        [(2, "unbalanced_quote", "customer_id")],
    ),
    "stray_quote_closed_on_the_next_line": (
        H + '1;Иван;01.02.2024;1,5;"z\n2;Пётр;2024-02-03;2;x"\n',
        2,
        {"2": ("Пётр", 'x"')},
        [(2, "unbalanced_quote", "channel")],
    ),
    "quote_never_closed": (
        H + '1;Иван;01.02.2024;1,5;z\n2;"Пётр;2024-02-03;2;\n3;Ян;2024-02-03;2;\n',
        3,
        {"1": ("Иван", "z"), "3": ("Ян", None)},
        [(3, "unbalanced_quote", "customer_id")],
    ),
    "multi_line_quoted_cell": (
        H + '1;Иван;01.02.2024;1,5;"строка 1\nстрока 2; ещё"\n2;Пётр;2024-02-03;2;\n',
        2,
        {"1": ("Иван", "строка 1\nстрока 2; ещё"), "2": ("Пётр", None)},
        [],
    ),
    "multi_line_cell_in_the_middle": (
        H + '1;"ООО ""Ромашка""\nМосква";01.02.2024;1,5;z\n2;Пётр;2024-02-03;2;\n',
        2,
        {"1": ('ООО "Ромашка"\nМосква', "z"), "2": ("Пётр", None)},
        [],
    ),
    "multi_line_cell_in_the_first_column": (
        "customer_id;name;segment\n"
        '"C1\nC2";Иван;опт\n'  # the closing line "C2";Иван;опт has 3 cells by itself
        "C3;Пётр;розница\n",
        2,
        {"C1\nC2": ("Иван", "опт"), "C3": ("Пётр", "розница")},
        [],
    ),
    "multi_line_address_holding_the_delimiter": (
        "customer_id,name,segment,region\n"
        'C1,"ООО Ромашка,\nМосква, 5",опт,Центр\n'  # closing line: 4 cells by itself
        "C2,Пётр,розница,Тверь\n",
        2,
        {"C1": ("ООО Ромашка,\nМосква, 5", "опт"), "C2": ("Пётр", "розница")},
        [],
    ),
    "multi_line_cells_in_the_first_and_last_columns": (
        "customer_id;name;segment\n"
        '"C1\nC1";Иван;"опт\nрозница"\n'  # the line between: 3 cells by itself
        "C3;Пётр;розница\n",
        2,
        {"C1\nC1": ("Иван", "опт\nрозница"), "C3": ("Пётр", "розница")},
        [],
    ),
    "stray_quote_closed_inside_the_next_line": (
        "customer_id;name;segment\n"
        'C1;"Иван;опт\n'  # a record by itself at every delimiter ...
        'C2;Пётр";розница\n',  # ... and so is the line where the quote closes
        2,
        {"C2": ('Пётр"', "розница")},
        [(2, "unbalanced_quote", "name")],
    ),
    # found by the fuzzing: two stray quotes in nearby rows pair up as one cell spanning lines,
    # and the line where the second one closes it, read on its own, opens a quoted cell again
    "stray_quote_closed_by_one_glued_to_a_cell": (
        H + '1;Иван;01.02.2024;1,5;"z\n'  # a record by itself, the stray quote read as text
        '2;"Пётр;2024-02-03;2;y\n'  # the quote closing the cell is followed by Пётр, not by ;
        "3;Ян;2024-02-03;2;x\n",
        3,
        {"3": ("Ян", "x")},
        [(2, "unbalanced_quote", "channel"), (3, "unbalanced_quote", "customer_id")],
    ),
    "stray_quote_closed_by_one_before_a_delimiter": (
        H + '1;Иван;01.02.2024;1,5;"\n'  # both lines are records by themselves (5 cells), the
        '2;";2024-02-03;2;y\n'  # quotes read as text; across the lines the row has 8 cells
        "3;Ян;2024-02-03;2;x\n",
        3,
        {"3": ("Ян", "x")},
        [(2, "unbalanced_quote", "channel"), (3, "unbalanced_quote", "customer_id")],
    ),
    "stray_quote_closed_by_one_in_a_later_column": (
        H + '1;"Иван;01.02.2024;1,5;z\n'
        '2;Пётр;2024-02-03;"2;y\n'  # across the lines the row has 3 cells, fewer than the header
        "3;Ян;2024-02-03;2;x\n",
        3,
        {"3": ("Ян", "x")},
        [(2, "unbalanced_quote", "customer_id"), (3, "unbalanced_quote", "amount")],
    ),
    "stray_quote_after_a_multi_line_cell_in_the_same_row": (
        "customer_id;name;segment\n"
        '"C1\nC1";Иван;"опт\n'  # the first cell is legitimate, the quote of the last one stray:
        "C2;Пётр;розница\n"  # this line wholly inside it is a record by itself
        'C3;Ян";опт\n',
        3,
        {"C2": ("Пётр", "розница"), "C3": ('Ян"', "опт")},
        [(2, "unbalanced_quote", "segment")],
    ),
    "multi_line_cell_with_the_delimiter_on_an_inner_line": (
        H + '1;Иван;01.02.2024;1,5;"строка 1\nстрока 2; ещё\nконец"\n2;Пётр;2024-02-03;2;\n',
        2,
        {"1": ("Иван", "строка 1\nстрока 2; ещё\nконец"), "2": ("Пётр", None)},
        [],
    ),
    "two_multi_line_cells_in_one_row": (
        H + '1;"Иван\nИванов";01.02.2024;1,5;"a\nb; c"\n2;Пётр;2024-02-03;2;\n',
        2,
        {"1": ("Иван\nИванов", "a\nb; c"), "2": ("Пётр", None)},
        [],
    ),
    "doubled_quotes_in_a_quoted_cell": (
        H + '1;Иван;01.02.2024;1,5;"a ""b"" c"\n',
        1,
        {"1": ("Иван", 'a "b" c')},
        [],
    ),
    "quote_inside_an_unquoted_cell": (
        H + '1;Иван;01.02.2024;1,5;12" pipe\n2;Пётр;2024-02-03;2;\n',
        2,
        {"1": ("Иван", '12" pipe'), "2": ("Пётр", None)},
        [],
    ),
}


# the columns each table's valid rows are compared on: a key, then two cells
SHOWN = {
    "orders": ("order_id", "customer_id", "channel"),
    "customers": ("customer_id", "name", "segment"),
}


def _outcome(path: Path, python_only: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    table = "customers" if path.read_bytes().startswith(b"customer_id") else "orders"
    key, first, second = SHOWN[table]
    with monkeypatch.context() as m:
        if python_only:
            m.setattr(validate_module, "csv_text", lambda raw, progress=None: None)
        try:
            checked = validate_module.validate(open_table_file(path), TABLES[table], {})
        except CxrayError as err:
            return ("error", err.key, str(err))
    try:
        valid = {r[key]: (r[first], r[second]) for r in checked.valid().to_pylist()}
        rejects = [(r["_row"], r["_problem"], r["_column"]) for r in checked.rejects.to_pylist()]
        return checked.rows_read, valid, rejects
    finally:
        checked.close()


@pytest.mark.parametrize("python_only", [False, True], ids=["import", "python_reader"])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1251"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_quotes_are_read_as_cells_or_rejected_alone(
    tmp_path, monkeypatch, case, encoding, python_only
):
    text, rows, valid, rejects = CASES[case]
    path = tmp_path / "orders.csv"
    path.write_bytes(text.encode(encoding))
    assert _outcome(path, python_only, monkeypatch) == (rows, valid, rejects)


def test_a_stray_quote_row_keeps_the_counts_of_an_import(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(CASES["stray_quote_closed_later"][0].encode("cp1251"))
    with Workspace(tmp_path / "ws", create=True) as ws:
        result = ws.import_file("orders", path)
    # 4 rows read: the one where the quote opened rejected, the 3 lines after it imported
    assert (result.rows_read, result.new, result.rejected) == (4, 3, 1)
    assert result.rows_read == result.new + result.updated + result.unchanged + result.rejected
    assert result.first_rejects[0].value == '"Иван;01.02.2024;1,5;z'


def test_a_stray_quote_is_named_by_the_canonical_column_its_file_column_maps_to(tmp_path):
    path = tmp_path / "orders.csv"
    text = CASES["stray_quote_closed_later"][0].replace("customer_id;", "Контрагент;", 1)
    path.write_bytes(text.encode("cp1251"))
    raw = open_table_file(path)
    checked = validate_module.validate(raw, TABLES["orders"], {"Контрагент": "customer_id"})
    try:
        rejects = checked.rejects.to_pylist()
    finally:
        checked.close()
    assert [(r["_row"], r["_problem"], r["_column"]) for r in rejects] == [
        (2, "unbalanced_quote", "customer_id")
    ]
    assert rejects[0]["Контрагент"] == "Иван;01.02.2024;1,5;z"  # the row's own cells


ROWS_1C = "".join(
    f"{i};ООО «Сёмга-Р» С…;{i % 28 + 1:02d}.02.2024;1 234,{i % 100:02d};Розница РЖД\n"
    for i in range(1, 3001)
)  # about 200 KB: more than the 64 KB the encoding is guessed from


@pytest.mark.parametrize("python_only", [False, True], ids=["import", "python_reader"])
@pytest.mark.parametrize(
    ("data", "key", "message"),
    [
        (  # a Windows-1251 file with a row in UTF-8 at its end: decodes into garbage
            H.encode() + ROWS_1C.encode("cp1251") + "3001;Пётр;01.03.2024;2;\n".encode(),
            "file_mixed_encoding",
            "orders.csv, row 3002, column 'customer_id': text in UTF-8 in a file read as cp1251",
        ),
        (  # ... and near its start (the UTF-8 "И" is D0 98: 98 is no Windows-1251 byte)
            H.encode()
            + "1;Ёж;01.03.2024;2;\n".encode("cp1251")
            + "2;Иван;01.03.2024;2;\n".encode(),
            "file_mixed_encoding",
            "orders.csv, row 3, column 'customer_id': text in UTF-8 in a file read as cp1251",
        ),
        (  # a UTF-8 file with a row in Windows-1251
            H.encode() + ROWS_1C.encode() + "3001;Пётр;01.03.2024;2;\n".encode("cp1251"),
            "file_bad_encoding",
            "orders.csv, row 3002: cannot decode byte 0xf2 as utf-8",
        ),
    ],
    ids=["cp1251_with_a_utf8_row", "cp1251_with_a_utf8_row_early", "utf8_with_a_cp1251_row"],
)
def test_a_file_mixing_encodings_is_refused_naming_the_row(
    tmp_path, monkeypatch, data, key, message, python_only
):
    path = tmp_path / "orders.csv"
    path.write_bytes(data)
    outcome = _outcome(path, python_only, monkeypatch)
    assert outcome[:2] == ("error", key)
    assert outcome[2].startswith(message)


@pytest.mark.parametrize("python_only", [False, True], ids=["import", "python_reader"])
def test_a_clean_1c_export_in_windows_1251_imports(tmp_path, monkeypatch, python_only):
    path = tmp_path / "orders.csv"
    path.write_bytes((H + ROWS_1C).encode("cp1251"))
    rows, valid, rejects = _outcome(path, python_only, monkeypatch)
    assert (rows, len(valid), rejects) == (3000, 3000, [])
    assert valid["7"] == ("ООО «Сёмга-Р» С…", "Розница РЖД")


@pytest.mark.parametrize(
    ("data", "found"),
    [
        ("Иван".encode(), 0),
        (b"x;" + "Ли".encode(), 2),
        ("Ё".encode() + b"x", -1),  # one letter alone
        ("ООО «Сёмга-Р» С… Р° С‚ РЁ".encode("cp1251"), -1),
        ("Р»Р".encode("cp1251"), -1),
        ("Р»С…".encode("cp1251"), 0),  # what "Лх" in UTF-8 looks like in Windows-1251
    ],
)
def test_utf8_cyrillic_letters_are_found_in_bytes(data, found):
    assert utf8_cyrillic_at(data) == found


def test_no_russian_text_in_windows_1251_looks_like_utf8():
    # every Russian text cxray shows, as Windows-1251 bytes: never taken for UTF-8
    russian = "\n".join(t["ru"] for t in TEXTS.values() if "ru" in t)
    data = russian.encode("cp1251", errors="ignore")
    assert len(data) > 20_000
    assert utf8_cyrillic_at(data) == -1

    assert re.search(MOJIBAKE, data.decode("cp1251")) is None
    assert re.search(MOJIBAKE, "Петров".encode().decode("cp1251"))


@pytest.mark.parametrize(
    ("blocks", "found"),
    [
        ([b'a;"b"\n', b'c;""\n'], False),
        ([b'a;"b\n', b'c"\n'], True),  # a line end inside quotes
        ([b'a;"b', b'"\n'], False),  # a quoted cell cut between two blocks
        ([b'a;"b', b'\nc"\n'], True),
        ([b'a;12" pipe\n'], True),  # a quote inside an unquoted cell: left to the Python reader
        ([b"a;b\r\n", b"c;d\r\n"], False),
    ],
)
def test_line_ends_inside_quotes_are_found_across_blocks(blocks, found):
    watch = QuoteParity()
    assert any([watch.feed(block) for block in blocks]) == found
