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


class StepRecorder:
    """A progress that shows steps, as a shell's bar does: records each step and, when it
    starts, DuckDB's memory limit of the workspace connection."""

    def __init__(self, con) -> None:
        self.con, self.steps, self.limits, self.counts = con, [], [], []

    def __call__(self, done: int, total: int | None) -> None:
        self.counts.append((self.steps[-1][0] if self.steps else None, done, total))

    def step(self, step: str, unit: str, total: int | None) -> None:
        self.steps.append((step, unit))
        self.limits.append(self.con.execute("SELECT current_setting('memory_limit')").fetchone())


def test_each_step_of_a_csv_import_is_reported_under_the_import_memory_limit(tmp_path):
    from cxray.workspace import Workspace

    with Workspace(tmp_path / "ws", create=True) as ws:
        con = ws.con.con
        before = con.execute("SELECT current_setting('memory_limit')").fetchone()
        con.execute("SET memory_limit = '1GB'")
        one_gb = con.execute("SELECT current_setting('memory_limit')").fetchone()
        con.execute("RESET memory_limit")
        assert one_gb != before  # the test can tell the limits apart
        seen = StepRecorder(con)
        result = ws.import_file("orders", orders_csv(tmp_path), progress=seen)
        assert result.new == 2
        # the file's bytes read, its 2 rows checked, repeats looked for, 2 rows written
        assert seen.steps == [
            ("reading", "bytes"), ("checking", "rows"), ("repeats", "rows"), ("writing", "rows"),
        ]  # fmt: skip
        assert seen.limits == [one_gb] * 4
        assert ("writing", 2, 2) in seen.counts
        assert ("reading", len(ORDERS.encode()), len(ORDERS.encode())) in seen.counts
        # the connection gets its own limit back
        assert con.execute("SELECT current_setting('memory_limit')").fetchone() == before


def test_the_terminal_bar_is_titled_with_each_step():
    bar = Progress(disable=True)
    task = bar.add_task("Importing orders.csv", total=None, unit="bytes")
    update = terminal._Bar(bar, task, "Importing orders.csv")
    update(10, 10)
    update.step("checking", "rows", 2)
    shown = bar.tasks[0]
    assert shown.description == f"Importing orders.csv: {t('import_step_checking')}"
    assert (shown.completed, shown.total, shown.fields["unit"]) == (0, 2, "rows")


def test_a_windows_1251_file_is_converted_as_a_step_of_its_own(tmp_path):
    from cxray.workspace import Workspace

    text = "order_id;customer_id;order_date;amount;channel\n1;C1;15.03.2024;10,5;магазин\n"
    path = tmp_path / "orders-1c.csv"
    path.write_bytes(text.encode("cp1251"))
    with Workspace(tmp_path / "ws", create=True) as ws:
        seen = StepRecorder(ws.con.con)
        assert ws.import_file("orders", path, progress=seen).new == 1
    size = len(text.encode("cp1251"))
    assert [s for s, _ in seen.steps] == ["decoding", "reading", "checking", "repeats", "writing"]
    assert ("decoding", size, size) in seen.counts
