"""What the kill -9 tests share: order files made from a seed, the state they must leave (computed
from the files alone, without cxray), and an import that runs in its own process to be killed.

Used by ``tests/test_kill.py`` (a few kills in CI) and ``tests/stress/kill_stress.py`` (100).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

DB_FILE = "cxray.duckdb"
NOTE_FILE = "cxray.writer"  # a writer's note (cxray.lock)


def write_orders(path: Path, *, orders: int, first: int, seed: int, lines: int = 2) -> Path:
    """A CSV of ``orders`` orders (ids ``first``, ``first + 1`` ...), each of ``lines`` lines
    numbered 1..lines, amounts drawn from ``seed``: ``order_id,customer_id,order_date,sku,
    line_no,amount``."""
    con = duckdb.connect()
    con.execute("SELECT setseed(?)", [(seed % 1000) / 1000])
    con.execute(
        f"""
        COPY (
            SELECT 'O' || (o + {first}) AS order_id,
                   'C' || ((o * 7919) % 5000) AS customer_id,
                   DATE '2024-01-01' + CAST(o % 700 AS INTEGER) AS order_date,
                   'S' || (l * 13 % 97) AS sku,
                   l AS line_no,
                   round(1 + random() * 999, 2) AS amount
            FROM range({orders}) r(o), range(1, {lines + 1}) s(l)
        ) TO '{path}' (HEADER, DELIMITER ',')
        """
    )
    con.close()
    return path


@dataclass(frozen=True)
class State:
    """What the orders table holds, compared without cxray: rows, distinct orders and the sum of
    amounts in cents."""

    rows: int
    orders: int
    cents: int


def expected(*files: Path) -> State:
    """The state after importing ``files`` in turn into an empty workspace, read from the files
    alone (their keys ``order_id, line_no`` are unique across them, as :func:`write_orders`
    makes them)."""
    if not files:
        return State(0, 0, 0)
    con = duckdb.connect()
    names = ", ".join(f"'{f}'" for f in files)
    row = con.execute(
        "SELECT count(*), count(DISTINCT order_id), sum(round(amount * 100)::BIGINT) "
        f"FROM read_csv([{names}], header = true, all_varchar = false)"
    ).fetchone()
    con.close()
    return State(int(row[0]), int(row[1]), int(row[2] or 0))


def stored(folder: Path) -> tuple[State, list[str]]:
    """The orders table's state and the files of the import log (``_imports``), read with DuckDB
    directly (opening the database is itself part of what is checked)."""
    con = duckdb.connect(str(folder / DB_FILE), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        state = State(0, 0, 0)
        if "orders" in tables:
            row = con.execute(
                "SELECT count(*), count(DISTINCT order_id), "
                "coalesce(sum(round(amount * 100)::BIGINT), 0) FROM orders"
            ).fetchone()
            state = State(int(row[0]), int(row[1]), int(row[2]))
        log = []
        if "_imports" in tables:
            log = [
                Path(r[0]).name
                for r in con.execute(
                    "SELECT file FROM _imports WHERE table_name = 'orders' ORDER BY imported_at"
                ).fetchall()
            ]
        return state, log
    finally:
        con.close()


def import_command(folder: Path, file: Path) -> list[str]:
    """The CLI import of ``file`` into ``folder``, as a user runs it (``python -m cxray``)."""
    return [sys.executable, "-m", "cxray", "-w", str(folder), "import", "orders", str(file), "-q"]


def run_import(folder: Path, file: Path) -> subprocess.CompletedProcess:
    return subprocess.run(import_command(folder, file), capture_output=True, text=True, timeout=600)


def killed_import(folder: Path, file: Path, delay: float) -> tuple[bool, bool]:
    """Start the import of ``file`` and kill -9 it ``delay`` seconds later; whether it was still
    running when killed (False: it had finished), and whether it held the workspace writable
    then (its note ``cxray.writer`` was there: the kill hit reading, checking or writing rather
    than Python starting)."""
    proc = subprocess.Popen(
        import_command(folder, file), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    alive = proc.poll() is None
    holding = alive and (folder / NOTE_FILE).exists()
    if alive:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return alive, holding


def db_size(folder: Path) -> int:
    """The database file's size in bytes (with its write-ahead log, if one was left)."""
    db = folder / DB_FILE
    wal = db.with_name(DB_FILE + ".wal")
    return db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


@dataclass
class Summary:
    """What a run of kills found: ``running`` of the ``kills`` landed while the import ran,
    ``holding`` while it held the workspace writable (past Python's start-up);
    ``survived``: the workspace opened after the kill, held the old or the new state with a
    matching import log, and took the next import; ``mixed``: held anything else."""

    kills: int = 0
    running: int = 0
    holding: int = 0
    survived: int = 0
    mixed: int = 0
    size_start: int = 0
    size_end: int = 0
    problems: list[str] | None = None

    def line(self) -> str:
        growth = (self.size_end - self.size_start) / 1e6
        return (
            f"kills: {self.kills} ({self.running} while the import ran, {self.holding} while "
            f"it held the workspace), survived: "
            f"{self.survived}, mixed states: {self.mixed}, file size: "
            f"{self.size_start / 1e6:.1f} MB -> {self.size_end / 1e6:.1f} MB ({growth:+.1f} MB)"
        )


def kill_loop(root: Path, *, kills: int, orders: int, seed: int, report=None) -> Summary:
    """Import a base file into a workspace in ``root``, then ``kills`` times: kill -9 the import
    of a new file of ``orders`` orders after a random delay (seeded, within the time a whole
    import of such a file takes), check what the workspace holds, and import the file again
    when the kill left the old state (the next command must work)."""
    import random

    rng = random.Random(seed)
    folder = root / "ws"
    files = [write_orders(root / "base.csv", orders=orders, first=0, seed=seed)]
    started = time.perf_counter()
    done = run_import(folder, files[0])
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    summary = Summary(size_start=db_size(folder), problems=[])
    logged = [files[0].name]  # the files the import log names, in order
    for i in range(1, kills + 1):
        file = write_orders(root / f"f{i}.csv", orders=orders, first=i * 10 * orders, seed=seed + i)
        old, new = expected(*files), expected(*files, file)
        delay = rng.uniform(0.1, 1.1) * seconds
        summary.kills += 1
        running, holding = killed_import(folder, file, delay)
        summary.running += running
        summary.holding += holding
        try:
            state, log = stored(folder)
        except Exception as err:  # the database does not open
            summary.problems.append(f"kill {i}: {type(err).__name__}: {err}")
            continue
        # the next command works: the import of the same file lands (again, when it had)
        if state == old and log == logged:
            logged.append(file.name)
        elif state == new and log == [*logged, file.name]:
            logged.extend([file.name, file.name])  # a file imported twice is logged twice
        else:
            summary.mixed += 1
            summary.problems.append(f"kill {i} after {delay:.2f} s: {state}, log {log}")
            continue
        files.append(file)
        again = run_import(folder, file)
        if again.returncode == 0 and stored(folder) == (new, logged):
            summary.survived += 1
        else:
            summary.problems.append(f"kill {i}: the next import failed or did not land")
        summary.size_end = db_size(folder)
        if report:
            report(f"kill {i}/{kills} after {delay:.2f} s: {summary.line()}")
    summary.size_end = db_size(folder)
    return summary
