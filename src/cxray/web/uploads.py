"""An import from the browser: the uploaded file is kept in a private temporary folder under
its own name (so errors name the file the user chose), imported through the API in one
transaction, audited, and removed."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import File, Form, UploadFile

from cxray.errors import CxrayError

if TYPE_CHECKING:  # pragma: no cover
    from cxray.web.access import User
    from cxray.web.state import WebState

_UNSAFE = re.compile(r"[^\w.\- ]+")


def _file_name(upload: UploadFile) -> str:
    name = _UNSAFE.sub("_", Path(upload.filename or "upload").name).strip(" .")
    return name or "upload"


@dataclass
class ImportForm:
    """What an import asks for, from a page's form or a REST request (multipart): the table,
    the file, the column mapping (one ``source=column`` per line or separated by commas),
    the delimiter, encoding and date format (empty: found from the file)."""

    table: str
    file: UploadFile
    maps: str = ""
    sep: str = ""
    encoding: str = ""
    date_format: str = ""


def import_form(
    table: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    maps: Annotated[str, Form()] = "",
    sep: Annotated[str, Form()] = "",
    encoding: Annotated[str, Form()] = "",
    date_format: Annotated[str, Form()] = "",
) -> ImportForm:
    """The dependency that reads an :class:`ImportForm` (the page and the endpoint share it)."""
    return ImportForm(table, file, maps, sep, encoding, date_format)


def run_import(state: WebState, user: User, form: ImportForm) -> dict[str, Any]:
    """Import the form's file into its table; the import's ``--json`` payload. Audited as
    ``import_done`` or, when refused, ``import_refused`` with the error's code."""
    table, upload = form.table, form.file
    name = _file_name(upload)
    mapping = [m.strip() for m in re.split(r"[\r\n,]+", form.maps) if m.strip()]
    options = dict(maps=mapping or None, sep=form.sep or None, encoding=form.encoding or None,
                   date_format=form.date_format or None)  # fmt: skip
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
