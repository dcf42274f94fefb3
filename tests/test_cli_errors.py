"""Bad options and outputs end in one line and exit 1, never a traceback."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from cxray.api import parse_day
from cxray.cli import app
from cxray.errors import CxrayError

ORDERS = "order_id;customer_id;order_date;amount\n1;C1;15.03.2024;10,5\n2;C2;16.03.2024;3\n"


@pytest.fixture
def workspace(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    folder = tmp_path / "ws"
    assert (
        CliRunner().invoke(app, ["-w", str(folder), "import", "orders", str(path)]).exit_code == 0
    )
    return folder


def run(workspace, *args: str):
    return CliRunner().invoke(app, ["-w", str(workspace), *args])


def error_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


# --as-of out of range, report --out a folder, demo --out a file: tests/test_bad_inputs.py


def test_the_range_holds_for_dates_given_to_the_api_too():
    assert parse_day("1900-01-01") == dt.date(1900, 1, 1)
    assert parse_day(dt.date(2999, 12, 31)) == dt.date(2999, 12, 31)
    with pytest.raises(CxrayError) as err:
        parse_day(dt.datetime(1, 1, 1, 12, 0), "--holdout-end")
    assert err.value.key == "date_option_out_of_range"
    assert err.value.params["option"] == "--holdout-end"


def test_outputs_are_checked_as_files_or_folders(tmp_path):
    from cxray.api.outputs import output_file, output_folder

    taken = tmp_path / "taken.csv"
    taken.write_text("mine", encoding="utf-8")
    assert output_file(taken, force=True) == taken  # an existing file: tests/test_outputs.py
    assert output_folder(tmp_path / "new") == tmp_path / "new"  # made when written
    with pytest.raises(NotADirectoryError):
        output_folder(taken)
    with pytest.raises(IsADirectoryError):
        output_file(tmp_path)


def test_a_password_in_a_backend_url_is_never_shown(tmp_path):
    from cxray.workspace import masked_url

    url = "postgres://admin:S3cret-pw@db.example:5432/crm"
    assert masked_url(url) == "postgres://admin:***@db.example:5432/crm"
    assert masked_url("sqlite:///tmp/x.sqlite") == "sqlite:///tmp/x.sqlite"
    # a backend that cannot be opened: the one-line error names the URL without the password
    result = CliRunner().invoke(app, ["--backend", url, "status"])
    line = error_line(result)
    assert "S3cret-pw" not in result.output
    assert "admin:***@db.example" in line


def test_a_workspace_another_process_writes_is_busy_in_one_line(workspace):
    import subprocess
    import sys

    # another process holds the workspace open for writing until its stdin closes
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
         "sys.stdin.read()", str(workspace / "cxray.duckdb")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "open"
        line = error_line(run(workspace, "status"))
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert line == (
        f"error: the workspace {workspace} is busy: another program (PID {holder.pid}) holds "
        "its database; try again later, or wait for it with --wait SECONDS"
    )


def test_what_cxray_writes_is_readable_by_the_user_only(tmp_path):
    import os
    import stat

    before = os.umask(0o022)  # a usual umask: files 0644 unless cxray says otherwise
    try:
        path = tmp_path / "orders.csv"
        path.write_text(ORDERS + "3;;17.03.2024;4\n", encoding="utf-8")
        folder = tmp_path / "ws"
        result = CliRunner().invoke(app, ["-w", str(folder), "import", "orders", str(path)])
        assert result.exit_code == 0, result.output
        report = tmp_path / "report.html"
        assert (
            CliRunner().invoke(app, ["-w", str(folder), "report", "--out", str(report)]).exit_code
            == 0
        )
    finally:
        os.umask(before)
    written = [folder, folder / "cxray.duckdb", *(folder / "rejects").iterdir(), report]
    assert len(written) == 4  # the one rejected row has its rejects file
    for item in written:
        mode = stat.S_IMODE(item.stat().st_mode)
        assert mode & 0o077 == 0, f"{item}: {oct(mode)}"


def test_a_workspace_made_through_the_api_is_private(tmp_path):
    import stat

    from cxray.workspace import Workspace

    with Workspace(tmp_path / "ws", create=True):
        pass
    assert stat.S_IMODE((tmp_path / "ws").stat().st_mode) == 0o700
