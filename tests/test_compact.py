"""A killed import's space is given back by the next write: DuckDB writes a large uncommitted
transaction's blocks into the file (past the data), and a kill -9 leaves them there; DuckDB
reuses them on later writes but never shrinks the file. A writer that finds more than
COMPACT_MIN_BYTES and COMPACT_MIN_SHARE of the file unused copies the data into a new file that
takes the old one's place (lowered here to test with small files).
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap

import pytest

import cxray.workspace as workspace_module
from cxray.workspace import DB_FILE, SQL_STORE, Workspace

ORDERS = "order_id,customer_id,order_date,amount\n1,A,2024-01-01,10\n2,B,2024-01-02,5.5\n"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "orders.csv").write_text(ORDERS, encoding="utf-8")
    folder = tmp_path / "ws"
    with Workspace(folder, create=True) as ws:
        ws.import_file("orders", tmp_path / "orders.csv")
    return folder


def orders(folder):
    with Workspace(folder, read_only=True) as ws:
        return sorted(ws.con.table("orders").to_pyarrow().to_pylist(), key=str)


def killed_writer(folder) -> None:
    """A second process writes ~1M rows in a transaction it never commits, and is killed -9."""
    code = f"""
        import duckdb, time
        con = duckdb.connect({str(folder / DB_FILE)!r})
        con.execute("SET enable_progress_bar = false")
        con.execute("BEGIN TRANSACTION")
        con.execute("CREATE TABLE scratch AS SELECT range AS i, md5(range::VARCHAR) AS s "
                    "FROM range(1000000)")
        print("written", flush=True)
        time.sleep(60)
    """
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "written"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_the_next_write_gives_a_killed_transactions_space_back(folder, monkeypatch):
    before_rows = orders(folder)
    before = (folder / DB_FILE).stat().st_size
    killed_writer(folder)
    bloated = (folder / DB_FILE).stat().st_size
    assert bloated > before + 8 * 2**20  # the uncommitted rows were written into the file

    monkeypatch.setattr(workspace_module, "COMPACT_MIN_BYTES", 2**20)
    with Workspace(folder) as ws:  # the next write
        ws.set_setting("currency", "EUR")
        assert "scratch" not in ws.con.list_tables()

    after = folder / DB_FILE
    assert after.stat().st_size < before + 2**20
    assert stat.S_IMODE(after.stat().st_mode) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == [SQL_STORE, DB_FILE]  # no copy or note left
    assert orders(folder) == before_rows
    with Workspace(folder, read_only=True) as ws:
        assert ws.setting("currency") == "EUR"


def test_below_the_thresholds_the_file_is_kept(folder):
    killed_writer(folder)  # ~30 MB unused: under the default 64 MB
    inode = (folder / DB_FILE).stat().st_ino
    with Workspace(folder) as ws:
        ws.set_setting("currency", "EUR")
    assert (folder / DB_FILE).stat().st_ino == inode


def test_readers_never_rewrite_the_file(folder, monkeypatch):
    killed_writer(folder)
    monkeypatch.setattr(workspace_module, "COMPACT_MIN_BYTES", 2**20)
    inode = (folder / DB_FILE).stat().st_ino
    with Workspace(folder, read_only=True) as ws:
        ws.status()
    assert (folder / DB_FILE).stat().st_ino == inode


def test_two_writable_sessions_of_one_process_never_rewrite_the_file_under_each_other(
    folder, monkeypatch
):
    killed_writer(folder)
    monkeypatch.setattr(workspace_module, "COMPACT_MIN_BYTES", 2**20)
    inode = (folder / DB_FILE).stat().st_ino
    first, second = Workspace(folder), Workspace(folder)
    first.close()
    assert (folder / DB_FILE).stat().st_ino == inode  # the second still holds the file
    assert (folder / "cxray.writer").exists()
    second.set_setting("currency", "EUR")
    second.close()  # the last one compacts, and its note goes
    assert (folder / DB_FILE).stat().st_ino != inode
    assert not (folder / "cxray.writer").exists()
    with Workspace(folder, read_only=True) as ws:
        assert ws.setting("currency") == "EUR"
