"""Bad inputs, one table: each case runs one CLI command that must fail with a non-zero exit,
exactly one line on stderr, no traceback, and the workspace's tables as they were (their
contents compared, not the file's bytes). Some cases check more (the message, a file left as
it was)."""

from __future__ import annotations

from pathlib import Path

import pytest
from stress.generators import fingerprint
from typer.testing import CliRunner

from cxray.cli import app
from cxray.workspace import Workspace

ORDERS = "order_id;customer_id;order_date;amount\n1;C1;15.03.2024;10,5\n2;C2;16.03.2024;3\n"
CAMPAIGN = """id: t
channel: email
brief: {why: w, target: t, must_not_receive: m, expected_effect: e,
        measure: {metric: conversion, window_days: 30, scope: all}, client_benefit: b}
holdout: 0.1
"""
# 1 KB of YAML that would expand to 9^9 strings: refused before anything is expanded
ALIAS_BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{b}: &{b} [{','.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)
ORDERS_HEADER = "order_id;customer_id;order_date;amount"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def tables(folder: Path) -> dict:
    if not (folder / "cxray.duckdb").exists():
        return {}
    with Workspace(folder, read_only=True) as ws:
        return fingerprint(ws)


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "ws"
    orders = write(tmp_path / "orders.csv", ORDERS)
    result = CliRunner().invoke(app, ["-w", str(folder), "import", "orders", str(orders)])
    assert result.exit_code == 0, result.output
    return folder


def _taken(tmp: Path) -> Path:
    return write(tmp / "taken", "mine")


def _demo_kind(folder: Path) -> None:
    with Workspace(folder) as ws:  # a demo workspace: `cxray demo` may replace its tables
        ws.set_meta("kind", "demo")


def _import(tmp: Path, rows: str, header: str = ORDERS_HEADER) -> list[str]:
    return ["import", "orders", str(write(tmp / "bad.csv", f"{header}\n{rows}\n"))]


def _as_of(day: str):
    return (
        lambda tmp, ws: ["structure", "--as-of", day],
        f"error: --as-of: {day} is out of range (from 1900-01-01 to 2999-12-31)",
    )


CASES = {
    "export_out_an_existing_file": (
        lambda tmp, ws: ["campaign", "export", str(write(tmp / "c.yaml", CAMPAIGN)),
                         "--out", str(_taken(tmp))],
        "error: cannot write {tmp}/taken: Not a directory",
    ),
    "export_out_dev_null": (
        lambda tmp, ws: ["campaign", "export", str(write(tmp / "c.yaml", CAMPAIGN)),
                         "--out", "/dev/null"],
        "error: cannot write /dev/null: Not a directory",
    ),
    "workspace_is_a_file": (
        lambda tmp, ws: ["-w", str(_taken(tmp)), "status"], None,
    ),
    "import_into_a_workspace_that_is_a_file": (
        lambda tmp, ws: ["-w", str(_taken(tmp)), *_import(tmp, "9;C9;15.03.2024;1")], None,
    ),
    "as_of_0001_01_01": _as_of("0001-01-01"),
    "as_of_9999_12_31": _as_of("9999-12-31"),
    "as_of_1899_12_31": _as_of("1899-12-31"),
    "as_of_3000_01_01": _as_of("3000-01-01"),
    "report_out_a_folder": (
        lambda tmp, ws: ["report", "--out", str(tmp)], "error: cannot write {tmp}: Is a directory",
    ),
    "demo_out_an_existing_file": (
        lambda tmp, ws: (_demo_kind(ws), ["demo", "--out", str(_taken(tmp)), "--quiet"])[1],
        "error: cannot write {tmp}/taken: Not a directory",
    ),
    "demo_out_an_existing_file_in_a_new_workspace": (
        lambda tmp, ws: ["-w", str(tmp / "new"), "demo", "--out", str(_taken(tmp)), "--quiet"],
        "error: cannot write {tmp}/taken: Not a directory",
    ),
    "yaml_alias_bomb": (
        lambda tmp, ws: ["campaign", "plan", str(write(tmp / "bomb.yaml", ALIAS_BOMB))], None,
    ),
    "campaign_of_300000_rules": (
        lambda tmp, ws: ["campaign", "plan", str(write(
            tmp / "big.yaml", CAMPAIGN + "audience:\n" + "  - active\n" * 300_000))],
        None,
    ),
    "line_no_1e20": (
        lambda tmp, ws: _import(tmp, "9;C9;15.03.2024;1;1e20", ORDERS_HEADER + ";line_no"), None,
    ),
    "headers_named_like_the_checks_columns": (
        lambda tmp, ws: _import(tmp, "9;;15.03.2024;1;a;b;c",
                                ORDERS_HEADER + ";_problem;_row;_extra"),
        None,
    ),
    "amount_1e309": (lambda tmp, ws: _import(tmp, "9;C9;15.03.2024;1e309"), None),
    "amount_minus_1e309": (lambda tmp, ws: _import(tmp, "9;C9;15.03.2024;-1e309"), None),
    "amount_inf": (lambda tmp, ws: _import(tmp, "9;C9;15.03.2024;inf"), None),
    "amount_nan": (lambda tmp, ws: _import(tmp, "9;C9;15.03.2024;NaN"), None),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_input_fails_in_one_line_and_changes_nothing(name, workspace, tmp_path):
    make, message = CASES[name]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    args = make(scratch, workspace)
    before = tables(workspace)
    assert before  # the workspace holds tables: "unchanged" can fail
    argv = args if args[0] == "-w" else ["-w", str(workspace), *args]

    result = CliRunner().invoke(app, argv)

    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    if message is not None:
        assert lines[0] == message.format(tmp=scratch)
    assert tables(workspace) == before
    if (scratch / "taken").exists():  # a file named as an output is left as it was
        assert (scratch / "taken").read_text(encoding="utf-8") == "mine"
    assert not (scratch / "new").exists()  # a refused demo makes no workspace


def test_a_refused_report_computes_nothing(workspace, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    result = CliRunner().invoke(app, ["-w", str(workspace), "report", "--out", str(folder)])
    assert result.exit_code == 1
    assert "As of" not in result.output  # refused before the report was computed
    assert list(folder.iterdir()) == []
