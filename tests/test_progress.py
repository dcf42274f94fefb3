"""Progress bars of long imports (DESIGN.md "Import"): rows and rows per second on stderr, none
with ``--quiet`` and none when stderr is not a terminal (a pipe, a log file, CliRunner)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.progress import Progress
from typer.testing import CliRunner

from cxray import terminal
from cxray.cli import app
from cxray.ingest.read import progress_unit
from cxray.texts import t

ORDERS = "order_id;customer_id;order_date;amount\r\n1;C1;15.03.2024;10,5\r\n2;C2;16.03.2024;3\r\n"
BAR = "━"  # what rich draws a bar with


def orders_csv(folder: Path) -> Path:
    path = folder / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    return path


def run(tmp_path: Path, *args: str):
    return CliRunner().invoke(app, ["--workspace", str(tmp_path / "ws"), *args])


@pytest.fixture
def terminal_stderr(monkeypatch):
    """stderr taken for a terminal, as when a person runs cxray (CliRunner's is not one)."""
    monkeypatch.setattr(terminal.err_console, "_force_terminal", True)
    monkeypatch.setattr(terminal.err_console, "is_interactive", True)


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    assert not terminal.err_console.is_terminal  # CliRunner's stderr

    result = run(tmp_path, "import", "orders", str(orders_csv(tmp_path)))

    assert result.exit_code == 0, result.output
    assert t("import_progress", file="orders.csv") not in result.stderr
    assert BAR not in result.stderr
    assert result.stderr == ""


def test_a_terminal_gets_a_progress_bar(tmp_path, terminal_stderr):
    # the control for the two tests around it: the same import on a terminal draws the bar
    result = run(tmp_path, "import", "orders", str(orders_csv(tmp_path)))

    assert result.exit_code == 0, result.output
    assert t("import_progress", file="orders.csv") in result.stderr


def test_quiet_import_draws_no_progress_bar_even_on_a_terminal(tmp_path, terminal_stderr):
    result = run(tmp_path, "import", "orders", str(orders_csv(tmp_path)), "--quiet")

    assert result.exit_code == 0, result.output
    assert t("import_progress", file="orders.csv") not in result.stderr
    assert BAR not in result.stderr
    assert "2 new" in result.stdout  # the summary is still printed


@pytest.mark.parametrize("quiet", [False, True])
def test_quiet_demo_draws_no_progress_bar_even_on_a_terminal(tmp_path, terminal_stderr, quiet):
    out = tmp_path / "files"
    args = ["demo", "--profile", "retail", "--lines", "3000", "--out", str(out)]
    result = run(tmp_path, *args, *(["--quiet"] if quiet else []))

    assert result.exit_code == 0, result.output
    drawn = t("import_progress", file="orders.parquet") in result.stderr
    assert drawn is not quiet
    assert (t("demo_writing", path=out) in result.stderr) is not quiet


def test_the_bar_counts_rows_and_rows_per_second():
    now = [0.0]
    progress = Progress(get_time=lambda: now[0], disable=True)
    task_id = progress.add_task("import", total=None, unit="rows")
    for second in (1, 2, 3):  # 100,000 rows a second
        now[0] = float(second)
        progress.update(task_id, completed=100_000 * second, total=1_000_000)
    task = progress.tasks[0]

    assert terminal._Count().render(task).plain == "300,000/1,000,000 " + t("rows_unit")
    assert terminal._Rate().render(task).plain == t("rows_per_second", rate=100_000)
    assert t("rows_per_second", rate=100_000, lang="en") == "100,000 rows/s"


def test_byte_counts_stay_bytes(tmp_path):
    progress = Progress(disable=True)
    task_id = progress.add_task("write", total=2_000_000, unit="bytes")
    progress.update(task_id, completed=1_000_000)

    assert "MB" in terminal._Count().render(progress.tasks[0]).plain


def test_what_the_readers_progress_counts(tmp_path):
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    book = openpyxl.Workbook()
    book.active.append(["order_id"])
    book.save(tmp_path / "o.xlsx")
    pq.write_table(pa.table({"order_id": ["1"]}), tmp_path / "o.parquet")

    assert progress_unit(orders_csv(tmp_path)) == "bytes"
    assert progress_unit(tmp_path / "o.xlsx") == "rows"
    assert progress_unit(tmp_path / "o.parquet") == "rows"
