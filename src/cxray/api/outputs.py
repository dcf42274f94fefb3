"""Where the API and its shells write files: each path checked before any work is done, so a bad
one fails at once, in one line, and never after the work (or the workspace) has changed."""

from __future__ import annotations

import errno
import os
from pathlib import Path


def output_file(path: Path | str) -> Path:
    """``path`` as a file to write: a folder there cannot be one (IsADirectoryError)."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    return path


def output_folder(path: Path | str) -> Path:
    """``path`` as a folder to write into: a file there cannot be one (NotADirectoryError)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))
    return path
