"""Output files: one that already exists is refused before any work -- one line naming it, exit
1, the file and the workspace's tables as they were -- unless ``--force`` (``force=True`` in the
API) is given. Covers every command that writes a file the user named or a file into a folder
the user named: report (--out, --xlsx, the default cxray-report.html), campaign export and demo
(both profiles)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import one_line_error
from stress.generators import fingerprint
from typer.testing import CliRunner

import cxray
from cxray.api.outputs import output_file, output_folder
from cxray.cli import app
from cxray.errors import CxrayError
from cxray.workspace import Workspace

runner = CliRunner()

ORDERS = "order_id;customer_id;order_date;amount\n" + "".join(
    f"{i};C{i};{10 + i}.03.2026;{i}0\n" for i in range(1, 9)
)
CUSTOMERS = "customer_id;name\n" + "".join(f"C{i};Client {i}\n" for i in range(1, 9))
CAMPAIGN = """id: spring sale/1
channel: email
brief: {why: w, target: t, must_not_receive: m, expected_effect: e,
        measure: {metric: conversion, window_days: 30, scope: all}, client_benefit: b}
holdout: 0.5
"""
TARGET, CONTROL = "spring_sale_1-target.csv", "spring_sale_1-control.csv"  # the id made safe
HEADER = "customer_id,name,contact_id,contact_name,address,group"
MINE = "mine"


def write(path: Path, text: str = MINE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def tables(folder: Path) -> dict:
    with Workspace(folder, read_only=True) as ws:
        return fingerprint(ws)


def cli(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("outputs")
    folder = tmp / "ws"
    for table, text in (("customers", CUSTOMERS), ("orders", ORDERS)):
        result = cli("-w", folder, "import", table, write(tmp / f"{table}.csv", text))
        assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def demo_ws(tmp_path) -> Path:
    """A workspace the demo may replace (marked as the demo's), holding one table."""
    folder = tmp_path / "demo-ws"
    result = cli("-w", folder, "import", "orders", write(tmp_path / "o.csv", ORDERS))
    assert result.exit_code == 0, result.output
    with Workspace(folder) as ws:
        ws.set_meta("kind", "demo")
    return folder


def refused(result, path: Path | str) -> None:
    assert one_line_error(result) == f"{path} already exists: add --force to overwrite it"


# --- the check ----------------------------------------------------------------------------------


def test_an_existing_file_is_refused_unless_forced(tmp_path):
    taken = write(tmp_path / "taken.csv")
    with pytest.raises(CxrayError) as err:
        output_file(taken)
    assert (err.value.key, err.value.params) == ("output_exists", {"path": str(taken)})
    assert output_file(taken, force=True) == taken
    assert output_file(tmp_path / "new.csv") == tmp_path / "new.csv"
    assert output_file("/dev/null") == Path("/dev/null")  # a device overwrites nothing
    assert taken.read_text(encoding="utf-8") == MINE


def test_a_folder_checks_the_files_it_will_hold(tmp_path):
    write(tmp_path / "out" / "campaigns" / "a.yaml")
    with pytest.raises(CxrayError) as err:
        output_folder(tmp_path / "out", ["b.csv", "campaigns/a.yaml"])
    assert err.value.params["path"] == str(tmp_path / "out" / "campaigns" / "a.yaml")
    names = ["b.csv", "campaigns/a.yaml"]
    assert output_folder(tmp_path / "out", names, force=True) == tmp_path / "out"
    assert output_folder(tmp_path / "new", names) == tmp_path / "new"


def test_the_message_in_both_languages():
    err = CxrayError("output_exists", path="out/a.csv")
    assert err.message("en") == "out/a.csv already exists: add --force to overwrite it"
    assert err.message("ru") == "out/a.csv уже существует: добавьте --force, чтобы перезаписать его"


# --- report -------------------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["--out", "--xlsx"])
def test_report_refuses_an_existing_file(workspace, tmp_path, option):
    html, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    taken = write(html if option == "--out" else xlsx)
    before = tables(workspace)

    result = cli("-w", workspace, "report", "--out", html, "--xlsx", xlsx)

    refused(result, taken)
    assert taken.read_text(encoding="utf-8") == MINE
    assert sorted(tmp_path.iterdir()) == [taken]  # the other file is not written either
    assert tables(workspace) == before


def test_report_overwrites_with_force(workspace, tmp_path):
    html, xlsx = write(tmp_path / "r.html"), write(tmp_path / "r.xlsx")

    result = cli("-w", workspace, "report", "--out", html, "--xlsx", xlsx, "--force")

    assert result.exit_code == 0, result.output
    assert "<html" in html.read_text(encoding="utf-8")
    assert xlsx.read_bytes()[:2] == b"PK"  # an XLSX is a zip file


def test_report_refuses_its_default_file_too(workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    taken = write(tmp_path / "cxray-report.html")

    refused(cli("-w", workspace, "report"), "cxray-report.html")
    assert taken.read_text(encoding="utf-8") == MINE

    assert cli("-w", workspace, "report", "--force").exit_code == 0
    assert "<html" in taken.read_text(encoding="utf-8")


# --- campaign export ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [TARGET, CONTROL])
def test_campaign_export_refuses_an_existing_list(workspace, tmp_path, name):
    campaign = write(tmp_path / "c.yaml", CAMPAIGN)
    taken = write(tmp_path / "out" / name)
    before = tables(workspace)

    result = cli("-w", workspace, "campaign", "export", campaign, "--out", tmp_path / "out")

    refused(result, taken)
    assert taken.read_text(encoding="utf-8") == MINE
    assert list((tmp_path / "out").iterdir()) == [taken]
    assert tables(workspace) == before


def test_campaign_export_overwrites_with_force(workspace, tmp_path):
    campaign = write(tmp_path / "c.yaml", CAMPAIGN)
    out = tmp_path / "out"
    write(out / TARGET), write(out / CONTROL)

    result = cli("-w", workspace, "campaign", "export", campaign, "--out", out, "--force")

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([TARGET, CONTROL])
    for name in (TARGET, CONTROL):  # no client has opted in to e-mail: headers only
        assert (out / name).read_text(encoding="utf-8").splitlines() == [HEADER]


def test_campaign_export_api_takes_force(workspace, tmp_path):
    campaign = write(tmp_path / "c.yaml", CAMPAIGN)
    taken = write(tmp_path / "out" / TARGET)
    with cxray.open(workspace) as ws:
        with pytest.raises(CxrayError) as err:
            ws.campaign(campaign).export(tmp_path / "out")
        assert (err.value.key, err.value.params) == ("output_exists", {"path": str(taken)})
        assert taken.read_text(encoding="utf-8") == MINE
        result = ws.campaign(campaign).export(tmp_path / "out", force=True)
    assert result.value.export.target_path == taken
    assert taken.read_text(encoding="utf-8").splitlines()[0] == HEADER


# --- demo ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["customers.csv", "campaigns/grill-season-2026-06.yaml"])
def test_demo_refuses_an_existing_file_before_replacing_tables(demo_ws, tmp_path, name):
    out = tmp_path / "out"
    taken = write(out / name)
    before = tables(demo_ws)
    assert before  # the workspace holds a table: "unchanged" can fail

    result = cli("-w", demo_ws, "demo", "--out", out, "--quiet")

    refused(result, taken)
    assert taken.read_text(encoding="utf-8") == MINE
    assert [p for p in out.rglob("*") if p.is_file()] == [taken]
    assert tables(demo_ws) == before


def test_retail_demo_refuses_then_overwrites_with_force(demo_ws, tmp_path):
    out = tmp_path / "out"
    taken = write(out / "orders.parquet")
    before = tables(demo_ws)
    args = ["-w", demo_ws, "demo", "--profile", "retail", "--lines", "3000", "--out", out, "-q"]

    refused(cli(*args), taken)
    assert taken.read_text(encoding="utf-8") == MINE
    assert tables(demo_ws) == before

    result = cli(*args, "--force")

    assert result.exit_code == 0, result.output
    assert pq.read_metadata(taken).num_rows >= 3000  # lines are met to within a customer's
    assert tables(demo_ws) != before


def test_demo_api_takes_force_and_a_refused_demo_makes_no_workspace(tmp_path):
    taken = write(tmp_path / "out" / "orders.csv")
    with pytest.raises(CxrayError) as err:
        cxray.demo(workspace=tmp_path / "new", out=tmp_path / "out")
    assert (err.value.key, err.value.params) == ("output_exists", {"path": str(taken)})
    assert not (tmp_path / "new").exists()
    assert taken.read_text(encoding="utf-8") == MINE
