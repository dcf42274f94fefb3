"""Where the API and its shells write files: each path checked before any work is done, so a bad
one fails at once, in one line, and never after the work (or the workspace) has changed."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path

from cxray.errors import CxrayError


def output_file(path: Path | str, *, force: bool = False) -> Path:
    """``path`` as a file to write: a folder there cannot be one (IsADirectoryError), and an
    existing file is refused (CxrayError ``output_exists``) unless ``force``. Only a regular
    file counts as existing: a device such as ``/dev/null`` is written to as before."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if path.is_file() and not force:
        raise CxrayError("output_exists", path=str(path))
    return path


def output_folder(path: Path | str, files: Iterable[str] = (), *, force: bool = False) -> Path:
    """``path`` as a folder to write into: a file there cannot be one (NotADirectoryError); each
    of ``files`` (names relative to it, e.g. ``campaigns/a.yaml``) is checked as
    :func:`output_file` with ``force``."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))
    for name in files:
        output_file(path / name, force=force)
    return path
