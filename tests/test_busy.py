"""A workspace another process holds: one line naming who holds it, and ``--wait`` for it.

The holders are real second processes: plain DuckDB opening the file writable (another tool),
and cxray writing (which leaves the note ``cxray.writer``, 0600, naming its command, start time
and PID).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import one_line_error
from typer.testing import CliRunner

import cxray
from cxray import lock
from cxray.cli import app
from cxray.errors import CxrayError
from cxray.workspace import DB_FILE, Workspace


def hold(folder: Path, *, seconds: float, cxray_writer: bool = False) -> subprocess.Popen:
    """A second process holding the workspace's database writable for ``seconds`` seconds after
    it says ``ready``: plain DuckDB, or cxray (``cxray_writer``) as `cxray import` would."""
    if cxray_writer:
        code = f"""
            import cxray, time
            cxray.api.describe_process("cxray import")
            session = cxray.open({str(folder)!r}, read_only=False)
            print("ready", flush=True)
            time.sleep({seconds})
            session.close()
        """
    else:
        code = f"""
            import duckdb, time
            con = duckdb.connect({str(folder / DB_FILE)!r})
            print("ready", flush=True)
            time.sleep({seconds})
        """
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def cli(*args: str, **env: str):
    return CliRunner().invoke(app, list(args), env=env or None)


def test_another_programs_lock_gives_one_line_naming_its_pid(folder):
    holder = hold(folder, seconds=60)
    try:
        line = one_line_error(cli("-w", str(folder), "status"))
        with pytest.raises(CxrayError) as err:
            cxray.open(folder)
    finally:
        holder.kill()
        holder.wait()

    assert line == (
        f"the workspace {folder} is busy: another program (PID {holder.pid}) holds its "
        "database; try again later, or wait for it with --wait SECONDS"
    )
    assert err.value.key == "workspace_busy"
    assert err.value.params["who"] == {"key": "busy_pid", "params": {"pid": holder.pid}}


def test_a_writing_cxray_names_its_command_start_and_pid_in_both_languages(folder):
    before = dt.datetime.now()
    holder = hold(folder, seconds=60, cxray_writer=True)
    try:
        note_path = folder / lock.NOTE_FILE
        note = json.loads(note_path.read_text(encoding="utf-8"))
        mode = stat.S_IMODE(note_path.stat().st_mode)
        en = one_line_error(cli("-w", str(folder), "status"))
        ru = one_line_error(cli("-w", str(folder), "--lang", "ru", "status"))
        writer = one_line_error(cli("-w", str(folder), "settings", "set", "currency", "EUR"))
    finally:
        holder.kill()
        holder.wait()

    assert mode == 0o600
    assert note["pid"] == holder.pid and note["command"] == "cxray import"
    started = dt.datetime.fromisoformat(note["started"]).astimezone().replace(tzinfo=None)
    assert before - dt.timedelta(minutes=1) <= started <= dt.datetime.now()
    since = started.strftime("%H:%M")
    assert en == (
        f"the workspace {folder} is busy: `cxray import` started at {since} by PID {holder.pid} "
        "is writing to it; try again later, or wait for it with --wait SECONDS"
    )
    assert ru == (
        f"рабочая область {folder} занята: в неё пишет команда `cxray import`, запущенная в "
        f"{since} процессом PID {holder.pid}; повторите позже или подождите с --wait СЕКУНДЫ"
    )
    assert writer == en  # a writer meets the same line


def test_the_note_goes_when_the_writer_closes_and_a_dead_writers_note_is_ignored(folder):
    holder = hold(folder, seconds=0.1, cxray_writer=True)
    holder.wait()
    assert not (folder / lock.NOTE_FILE).exists()

    # a killed writer's note: its PID is gone, so the note says nothing
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    stale = {"pid": int(dead), "command": "cxray import", "started": "2026-01-01T10:00:00"}
    (folder / lock.NOTE_FILE).write_text(json.dumps(stale), encoding="utf-8")
    assert lock.holder(folder, "")["key"] == "busy_unknown"
    other = hold(folder, seconds=60)
    try:
        line = one_line_error(cli("-w", str(folder), "status"))
    finally:
        other.kill()
        other.wait()
    assert f"another program (PID {other.pid}) holds its database" in line
    # a writer replaces the stale note with its own, and removes it when done
    with Workspace(folder) as ws:
        assert json.loads((folder / lock.NOTE_FILE).read_text())["pid"] == os.getpid()
        assert ws.read_only is False
    assert not (folder / lock.NOTE_FILE).exists()


def test_a_writer_since_another_day_shows_the_date(folder):
    holder = hold(folder, seconds=60)  # alive, so its note counts
    try:
        started = dt.datetime(2026, 1, 2, 9, 5).astimezone()
        note = {"pid": holder.pid, "command": "cxray demo", "started": started.isoformat()}
        (folder / lock.NOTE_FILE).write_text(json.dumps(note), encoding="utf-8")
        who = lock.holder(folder, f"Conflicting lock is held in python (PID {holder.pid}).")
        other_pid = lock.holder(folder, "Conflicting lock is held in python (PID 1).")
    finally:
        holder.kill()
        holder.wait()
    assert who == {
        "key": "busy_writer",
        "params": {"command": "cxray demo", "since": "2026-01-02 09:05", "pid": holder.pid},
    }
    # DuckDB names another process than the note: the note is an old one, its PID reused
    assert other_pid == {"key": "busy_pid", "params": {"pid": 1}}


def test_wait_gives_up_with_the_busy_error_when_the_holder_stays(folder):
    holder = hold(folder, seconds=60)
    try:
        result = cli("-w", str(folder), "--wait", "1", "status")
        after = cli("-w", str(folder), "status", "--wait", "0.5")  # after the command too
        from_env = cli("-w", str(folder), "status", CXRAY_WAIT="0.5")
        with pytest.raises(CxrayError) as err:
            cxray.open(folder, wait=1)
    finally:
        holder.kill()
        holder.wait()
    for res in (result, after, from_env):
        assert f"is busy: another program (PID {holder.pid})" in one_line_error(res)
    assert err.value.key == "workspace_busy"


def test_wait_succeeds_when_the_holder_lets_go(folder):
    holder = hold(folder, seconds=1.5)
    try:
        result = cli("-w", str(folder), "--wait", "30", "status")
    finally:
        holder.wait()
    assert result.exit_code == 0, result.output
    assert "orders" in result.stdout

    holder = hold(folder, seconds=1.5)
    try:
        with cxray.open(folder, wait=30) as session:
            rows = {s.table: s.rows for s in session.status().value}
    finally:
        holder.wait()
    assert rows["orders"] == 2


def test_wait_seconds_read_from_the_argument_then_the_environment(monkeypatch):
    monkeypatch.delenv(lock.WAIT_ENV, raising=False)
    assert lock.wait_seconds(None) == 0
    monkeypatch.setenv(lock.WAIT_ENV, "2.5")
    assert lock.wait_seconds(None) == 2.5
    assert lock.wait_seconds(1) == 1
    with pytest.raises(ValueError):
        lock.wait_seconds(-1)
    monkeypatch.setenv(lock.WAIT_ENV, "soon")
    with pytest.raises(ValueError):
        lock.wait_seconds(None)


def test_a_negative_wait_is_a_usage_error(folder):
    result = cli("-w", str(folder), "--wait", "-1", "status")
    assert result.exit_code == 2
