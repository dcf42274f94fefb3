"""Import fuzzing: hostile orders files (random headers, cells, delimiters, encodings, repeated
keys, missing columns; see tests/stress/generators.py) never raise anything but a one-line
CxrayError, never lose or merge a row, and never store a value other than the one written.

Every data row carries a unique marker in its ``channel`` cell, so each row can be found among
the stored rows or the rejected ones. The reading and checking of a file (what an import does
before it stores) runs on 1,000 files per run; whole imports into one workspace, with the
row-count invariant and an unchanged workspace after a refused file, on fewer (an import costs
about ten times more). tests/stress/fuzz_stress.py runs the same cases in larger numbers.
"""

from __future__ import annotations

import itertools

import duckdb
import pytest
from hypothesis import HealthCheck, given, seed, settings
from stress.generators import import_case, import_cases, read_case

from cxray.workspace import Workspace

FUZZ = dict(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def engine():
    con = duckdb.connect()
    con.execute("SET threads TO 1")  # files of 1-30 rows: threads only cost here
    yield con
    con.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def workspace(folder):
    with Workspace(folder / "ws", create=True) as ws:
        yield ws


_numbers = itertools.count()


def _check(found) -> None:
    assert found.problems == [], "\n".join(found.problems[:20])


@seed(20261203)
@settings(max_examples=1000, **FUZZ)
@given(case=import_cases())
def test_any_hostile_file_is_read_row_for_row(case, engine, folder):
    _check(read_case(case, f"R{next(_numbers)}", folder, engine))


@seed(20261204)
@settings(max_examples=60, **FUZZ)
@given(case=import_cases())
def test_any_hostile_file_imports_with_every_row_counted_once(case, workspace, folder):
    # one workspace for the run: each import must hold the invariant, whatever came before
    _check(import_case(case, f"I{next(_numbers)}", folder, workspace))


@seed(20261205)
@settings(max_examples=100, **FUZZ)
@given(case=import_cases(stray=True))
def test_a_stray_quote_rejects_its_row_and_swallows_no_other(case, engine, folder):
    found = read_case(case, f"S{next(_numbers)}", folder, engine)
    _check(found)
    assert found.refused == 0, "the file was refused as a whole"


def test_a_cell_spanning_lines_in_the_first_column_is_one_cell(ws, tmp_path):
    # found by the fuzzing: the cell's last line, read alone, has as many cells as the header,
    # which made a legitimate multi-line cell look like a stray quote and split its row in two
    path = tmp_path / "o.csv"
    path.write_text(
        "sku;customer_id;order_id;order_date;amount\nq;C1;1;31.03.2024;5\n"
        '"a\nb";C2;2;31.03.2024;6\nx;C3;3;31.03.2024;7\n',
        encoding="utf-8",
    )
    result = ws.import_file("orders", path)
    assert (result.rows_read, result.new, result.rejected) == (3, 3, 0)
    got = ws.sql("select sku, amount from orders order by order_id").to_pylist()
    assert got == [
        {"sku": "q", "amount": 5.0}, {"sku": "a\nb", "amount": 6.0}, {"sku": "x", "amount": 7.0}
    ]  # fmt: skip
