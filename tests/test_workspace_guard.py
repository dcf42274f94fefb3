"""Which workspace a command works on, and the guard around the demo's:

- a workspace the demo filled is marked as one, and imports into it are refused, naming
  `cxray init DIR` and `--workspace DIR`; nothing changes;
- `cxray init [DIR]` (``cxray.init``) creates an empty real workspace, and refuses an existing one;
- read commands on a missing workspace fail in one line and create nothing;
- `--workspace` / `-w` and `--backend` work before the command and after it, on every command.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from conftest import one_line_error
from typer.testing import CliRunner

import cxray
import cxray.cli
from cxray.cli import app
from cxray.errors import CxrayError
from cxray.workspace import META, Workspace

NO_WORKSPACE_HINT = "run `cxray init`, import files or run `cxray demo` first"

ORDERS = "order_id;customer_id;order_date;amount\n1;A;15.03.2024;100\n2;B;16.03.2024;50\n"


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def snapshot(folder: Path) -> dict[str, list]:
    with Workspace(folder, read_only=True) as ws:
        return {n: ws.con.table(n).to_pyarrow().to_pylist() for n in sorted(ws.con.list_tables())}


@pytest.fixture
def orders(tmp_path) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    return path


@pytest.fixture
def demo_marked(tmp_path, orders) -> Path:
    """A workspace holding orders and marked as the demo's (as `cxray demo` leaves it)."""
    folder = tmp_path / "demo-ws"
    with Workspace(folder, create=True) as ws:
        ws.import_file("orders", orders)
        ws.set_meta("kind", "demo")
    return folder


# --- the demo mark ------------------------------------------------------------------------------


def test_meta_notes_a_value_per_key_and_replaces_it(ws):
    assert ws.meta("kind") is None

    ws.set_meta("kind", "real")
    ws.set_meta("kind", "demo")
    ws.set_meta("other", "x")

    assert ws.meta("kind") == "demo"
    assert sorted(ws.con.table(META).to_pyarrow().to_pylist(), key=str) == [
        {"key": "kind", "value": "demo"},
        {"key": "other", "value": "x"},
    ]


def test_an_import_into_a_demo_workspace_is_refused_and_changes_nothing(demo_marked, orders):
    before = snapshot(demo_marked)

    with Workspace(demo_marked) as ws, pytest.raises(CxrayError) as err:
        ws.import_file("orders", orders)

    assert err.value.key == "import_into_demo"
    assert snapshot(demo_marked) == before
    assert not (demo_marked / "rejects").exists()


def test_the_import_command_refuses_a_demo_workspace_in_one_line(demo_marked, orders):
    before = snapshot(demo_marked)

    result = cli("-w", str(demo_marked), "import", "orders", str(orders))

    message = one_line_error(result)
    assert message.startswith(f"{demo_marked} holds the demo company")
    assert "`cxray init DIR`" in message and "--workspace DIR" in message
    assert snapshot(demo_marked) == before
    # the Python API refuses it the same way
    with pytest.raises(CxrayError, match="holds the demo company"):
        cxray.import_file("orders", orders, workspace=demo_marked)
    assert snapshot(demo_marked) == before


def test_the_demo_mark_works_on_another_backend(tmp_path, orders):
    url = f"sqlite:///{tmp_path / 'cx.sqlite'}"
    with Workspace(tmp_path / "ws", backend=url, create=True) as ws:
        ws.set_meta("kind", "demo")
    with Workspace(tmp_path / "ws", backend=url) as ws, pytest.raises(CxrayError) as err:
        ws.import_file("orders", orders)
    assert err.value.key == "import_into_demo"
    assert str(err.value).startswith(url)


def test_replacing_all_tables_drops_the_demo_mark(demo_marked):
    with Workspace(demo_marked) as ws:
        ws.replace_all({})
        assert ws.meta("kind") is None


# --- init ---------------------------------------------------------------------------------------


def test_init_creates_an_empty_real_workspace_that_takes_imports(tmp_path, orders):
    folder = tmp_path / "mine"

    made = cxray.init(folder)

    assert made.to_dict() == {"path": str(folder), "backend": None, "kind": "real"}
    with cxray.open(folder) as session:
        assert all(row["rows"] == 0 for row in session.status().to_dict()["tables"])
    assert cxray.import_file("orders", orders, workspace=folder).to_dict()["new"] == 2
    with Workspace(folder, read_only=True) as ws:
        assert ws.meta("kind") == "real"


def test_init_refuses_an_existing_workspace_and_changes_nothing(demo_marked, tmp_path):
    before = snapshot(demo_marked)

    with pytest.raises(CxrayError) as err:
        cxray.init(demo_marked)

    assert err.value.key == "workspace_exists"
    assert snapshot(demo_marked) == before
    cxray.init(tmp_path / "mine")
    with pytest.raises(CxrayError, match="already exists"):
        cxray.init(tmp_path / "mine")


def test_the_init_command_takes_a_folder_or_the_workspace_option(tmp_path):
    first = cli("init", str(tmp_path / "a"))
    second = cli("-w", str(tmp_path / "b"), "init")
    third = cli("init", "--workspace", str(tmp_path / "c"))

    for result, name in ((first, "a"), (second, "b"), (third, "c")):
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == (
            f"Empty workspace created at {tmp_path / name}: import your files with "
            f"`cxray --workspace {tmp_path / name} import TABLE FILE`"
        )
        assert (tmp_path / name / "cxray.duckdb").exists()
    again = one_line_error(cli("init", str(tmp_path / "a")))
    assert again == f"a workspace already exists at {tmp_path / 'a'}: nothing changed"


# --- a missing workspace ------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_read_command_on_a_missing_workspace_fails_in_one_line_and_creates_nothing(
    tmp_path, where
):
    missing = tmp_path / "missing"
    option = ["-w", str(missing)]
    args = [*option, "structure"] if where == "before" else ["structure", *option]

    message = one_line_error(cli(*args))

    assert message == f"no workspace at {missing}: {NO_WORKSPACE_HINT}"
    assert not missing.exists()


# --- --workspace in either place ----------------------------------------------------------------


def every_command() -> list[list[str]]:
    found: list[list[str]] = []

    def walk(group, prefix: list[str]) -> None:
        for name, command in sorted(group.commands.items()):
            if hasattr(command, "commands"):
                walk(command, [*prefix, name])
            else:
                found.append([*prefix, name])

    walk(typer.main.get_group(cxray.cli.app), [])
    return found


@pytest.mark.parametrize("command", every_command(), ids=" ".join)
def test_every_command_takes_the_workspace_options_after_its_name(command):
    result = cli(*command, "--help")

    assert result.exit_code == 0, result.output
    assert "--workspace" in result.stdout and "-w" in result.stdout
    assert "--backend" in result.stdout


def test_the_workspace_option_works_before_and_after_the_command(tmp_path, orders):
    folder = str(tmp_path / "ws")
    assert cli("import", "orders", str(orders), "--workspace", folder).exit_code == 0

    before = cli("-w", folder, "status", "--json")
    after = cli("status", "--json", "-w", folder)
    # after the command it wins over the one before it
    both = cli("-w", str(tmp_path / "elsewhere"), "status", "--workspace", folder, "--json")

    for result in (before, after, both):
        assert result.exit_code == 0, result.output
        rows = {r["table"]: r["rows"] for r in json.loads(result.stdout)["tables"]}
        assert rows["orders"] == 2
    assert not (tmp_path / "elsewhere").exists()


def test_subcommands_and_demo_take_the_workspace_option_after_their_name(tmp_path):
    missing = tmp_path / "missing"
    plan = one_line_error(cli("followups", "list", "--workspace", str(missing)))
    assert plan == f"no workspace at {missing}: {NO_WORKSPACE_HINT}"
    # `cxray demo --workspace X` is an option demo takes (the profile is what is wrong here)
    demo = one_line_error(cli("demo", "--workspace", str(missing), "--profile", "nope"))
    assert demo.startswith("unknown demo profile 'nope'")
    assert not missing.exists()


def test_a_command_group_takes_the_workspace_option_after_its_name(tmp_path, orders):
    folder = str(tmp_path / "ws")
    assert cli("import", "orders", str(orders), "--workspace", folder).exit_code == 0
    missing = tmp_path / "missing"

    found = cli("followups", "-w", folder, "list", "--json")
    lost = one_line_error(cli("followups", "-w", str(missing), "list"))

    assert found.exit_code == 0, found.output
    assert lost == f"no workspace at {missing}: {NO_WORKSPACE_HINT}"
    # the option after the subcommand wins over the one after the group
    both = cli("followups", "-w", str(missing), "list", "-w", folder, "--json")
    assert both.exit_code == 0, both.output
    assert not missing.exists()


def test_the_backend_option_works_after_the_command(tmp_path, orders):
    url = f"sqlite:///{tmp_path / 'cx.sqlite'}"

    folder = str(tmp_path / "ws")
    result = cli("import", "orders", str(orders), "--backend", url, "-w", folder, "--json")

    assert result.exit_code == 0, result.output
    with Workspace(tmp_path / "unused", backend=url) as ws:
        assert ws.table("orders").count().to_pyarrow().as_py() == 2


def test_the_demo_marks_its_workspace_and_runs_again_over_it(tmp_path, orders):
    folder = tmp_path / "shop"
    args = ["demo", "--profile", "retail", "--lines", "2000", "--workspace", str(folder)]

    assert cli(*args).exit_code == 0
    with Workspace(folder, read_only=True) as ws:
        assert ws.meta("kind") == "demo"
    message = one_line_error(cli("import", "orders", str(orders), "-w", str(folder)))
    assert "holds the demo company" in message
    # the demo itself imports into its workspace: a second run replaces the first
    again = cli(*args, "--seed", "7")
    assert again.exit_code == 0, again.output
    with Workspace(folder, read_only=True) as ws:
        assert ws.meta("kind") == "demo"


def test_the_demo_never_replaces_imported_data(tmp_path):
    """A workspace that holds a user's import (or was made by init) is refused by the demo,
    which would replace every table; a demo workspace can be generated again."""
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,order_date,amount\n1,A,2026-01-05,10\n")
    cxray.import_file("orders", path, workspace=tmp_path / "real")
    with pytest.raises(CxrayError) as err:
        cxray.demo(workspace=tmp_path / "real")
    assert err.value.key == "demo_over_real"
    with cxray.open(tmp_path / "real") as ws:  # nothing replaced
        assert ws.status().to_dict()["tables"][3]["rows"] == 1
    cxray.init(tmp_path / "empty")
    with pytest.raises(CxrayError):
        cxray.demo(workspace=tmp_path / "empty")
