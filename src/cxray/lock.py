"""Who holds a workspace's DuckDB file, said in one line, and waiting for it to be free.

DuckDB lets one process write a database file at a time (readers are refused too while it does).
While cxray holds a workspace writable it leaves a note, :data:`NOTE_FILE` in the workspace
folder (``0600``: the PID, the command and when it started), and removes it when it lets go. A
process that meets the lock raises CxrayError ``workspace_busy`` naming what writes from the note;
without a note (another program holds the file, or the note's process has died) it names the PID
DuckDB's own message gives, when it gives one. :func:`opened` retries for ``wait`` seconds first.

Nothing here is translated: who holds the file is a nested text parameter (``{"key": ...,
"params": ...}``) of the error.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

NOTE_FILE = "cxray.writer"
WAIT_ENV = "CXRAY_WAIT"
RETRY_SECONDS = 0.25  # how often a waiting process tries again
_LOCK_MESSAGE = "Could not set lock"  # DuckDB: another process holds the file
_PID = re.compile(r"\(PID (\d+)\)")

_command: str | None = None
# folder -> how many writable sessions of this process hold it; their note goes with the last
# one (at exit at the latest)
_noted: dict[Path, int] = {}

T = TypeVar("T")


def set_command(command: str | None) -> None:
    """Name what this process does (``cxray import``) in the notes it leaves while it writes;
    by default the program's name (``python script.py`` shows as ``script.py``)."""
    global _command
    _command = command


def _this_command() -> str:
    return _command or Path(sys.argv[0] if sys.argv and sys.argv[0] else "python").name


def wait_seconds(wait: float | None) -> float:
    """``wait``, else ``$CXRAY_WAIT``, else 0 (give up at once); ValueError when negative or not
    a number."""
    if wait is None:
        text = os.environ.get(WAIT_ENV, "").strip()
        wait = float(text) if text else 0.0
    if not wait >= 0:  # NaN too
        raise ValueError(f"--wait takes a number of seconds, 0 or more, not {wait}")
    return float(wait)


def is_lock_error(err: BaseException) -> bool:
    """Whether ``err`` is DuckDB refusing a file another process holds."""
    return _LOCK_MESSAGE in str(err)


def write_note(folder: Path) -> Path:
    """Note in ``folder`` that this process writes it (call it while holding the lock)."""
    folder = folder.resolve()
    path = folder / NOTE_FILE
    if _noted.get(folder):  # another session of this process holds it: its note stands
        _noted[folder] += 1
        return path
    note = {
        "pid": os.getpid(),
        "command": _this_command(),
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    path.unlink(missing_ok=True)  # a stale note of a killed process: its mode is not ours to keep
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(note, fh)
    _noted[folder] = 1
    return path


def sole_writer(folder: Path) -> bool:
    """Whether one writable session of this process holds ``folder`` (not two at once)."""
    return _noted.get(folder.resolve()) == 1


def remove_note(folder: Path) -> None:
    """Remove this process's note from ``folder`` when its last writable session lets go (a
    note of another process stays)."""
    folder = folder.resolve()
    _noted[folder] = _noted.get(folder, 1) - 1
    if _noted[folder] > 0:
        return
    del _noted[folder]
    note = _read(folder / NOTE_FILE)
    if note is not None and note.get("pid") == os.getpid():
        (folder / NOTE_FILE).unlink(missing_ok=True)


@atexit.register
def _remove_notes() -> None:  # a session never closed (a script's end) leaves no note behind
    for folder in list(_noted):
        _noted[folder] = 1
        remove_note(folder)


def _read(path: Path) -> dict | None:
    try:
        note = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return note if isinstance(note, dict) and isinstance(note.get("pid"), int) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def holder(folder: Path, message: str = "") -> dict:
    """Who holds the workspace in ``folder``, as a nested text: from the note of a live cxray
    process, else from the PID in DuckDB's lock ``message``, else unknown."""
    found = _PID.search(message)
    note = _read(folder / NOTE_FILE)
    if note is not None and found and int(found.group(1)) != note["pid"]:
        note = None  # the note of a process that is gone, its PID since reused
    if note is not None and note["pid"] != os.getpid() and _alive(note["pid"]):
        try:
            started = dt.datetime.fromisoformat(str(note.get("started")))
        except ValueError:
            started = None
        if started is not None:
            local = started.astimezone() if started.tzinfo else started
            shown = local.strftime("%H:%M")
            if local.date() != dt.date.today():
                shown = local.strftime("%Y-%m-%d %H:%M")
            params = {"command": str(note.get("command") or "cxray"), "since": shown}
            return {"key": "busy_writer", "params": {**params, "pid": note["pid"]}}
    if found:
        return {"key": "busy_pid", "params": {"pid": int(found.group(1))}}
    return {"key": "busy_unknown", "params": {}}


def opened(connect: Callable[[], T], folder: Path, wait: float | None = None) -> T:
    """``connect()``, tried again every :data:`RETRY_SECONDS` for ``wait`` seconds (see
    :func:`wait_seconds`) while another process holds the file; then CxrayError
    ``workspace_busy`` naming who holds it. Other errors pass through."""
    from cxray.errors import CxrayError

    deadline = time.monotonic() + wait_seconds(wait)
    while True:
        try:
            return connect()
        except Exception as err:
            if not is_lock_error(err):
                raise
            if time.monotonic() >= deadline:
                who = holder(folder, str(err))
                raise CxrayError("workspace_busy", path=str(folder), who=who) from None
            time.sleep(min(RETRY_SECONDS, max(0.0, deadline - time.monotonic())))
