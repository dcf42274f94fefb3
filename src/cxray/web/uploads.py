"""An import from the browser: the uploaded file is kept in a private temporary folder under
its own name (so errors name the file the user chose), imported through the API in one
transaction, audited, and removed."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import UploadFile

from cxray.errors import CxrayError

if TYPE_CHECKING:  # pragma: no cover
    from cxray.web.access import User
    from cxray.web.state import WebState

_UNSAFE = re.compile(r"[^\w.\- ]+")


def _file_name(upload: UploadFile) -> str:
    name = _UNSAFE.sub("_", Path(upload.filename or "upload").name).strip(" .")
    return name or "upload"


def run_import(
    state: WebState, user: User, table: str, upload: UploadFile, *, maps: str = "",
    sep: str = "", encoding: str = "", date_format: str = "",
) -> dict[str, Any]:  # fmt: skip
    """Import ``upload`` into ``table`` with the column mapping ``maps`` (one ``source=column``
    per line or separated by commas); the import's ``--json`` payload. Audited as
    ``import_done`` or, when refused, ``import_refused`` with the error's code."""
    name = _file_name(upload)
    mapping = [m.strip() for m in re.split(r"[\r\n,]+", maps) if m.strip()]
    options = dict(maps=mapping or None, sep=sep or None, encoding=encoding or None,
                   date_format=date_format or None)  # fmt: skip
    folder = Path(tempfile.mkdtemp(prefix="cxray-upload-"))
    try:
        path = folder / name
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out)
        try:
            result = state.run(lambda s: s.import_file(table, path, **options).to_dict())
            result["file"] = name  # the name the user chose, not the temporary folder's
        except CxrayError as err:
            refused = {"file": name, "code": err.key}
            state.run(lambda s: s.accounts.record(
                "import_refused", actor=user.actor, target=table, details=refused))  # fmt: skip
            raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    state.run(lambda s: s.accounts.record(
        "import_done", actor=user.actor, target=table,
        details={"file": name, **{k: result.get(k) for k in ("rows_read", "new", "updated",
                                                               "rejected")}}))  # fmt: skip
    state.changed()
    state.open_followups()  # new answers start their follow-up tasks
    return result
