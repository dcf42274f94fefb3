"""CX initiatives through a session: check one file, measure the workspace's ``initiatives/``
folder as a portfolio (docs/initiative-format.md; definitions:
:mod:`cxray.analytics.initiatives`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxray.api.results import Notice, Result
from cxray.comms.initiative import Initiative, check_initiative, load_initiative
from cxray.errors import CxrayError

if TYPE_CHECKING:  # pragma: no cover
    from cxray.api.base import SessionBase
    from cxray.api.dates import DateLike

FOLDER = "initiatives"
"""The workspace's folder of initiative files."""
READS = ("orders", "responses", "interactions")
"""The default as-of: the latest date of the tables the metrics read."""


def initiative_files(folder: Path | None) -> list[Path]:
    """The initiative YAML files of ``folder``, sorted (none when it does not exist)."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))


def check_margin(margin: object) -> float:
    """``margin`` as a share in (0, 1] (CxrayError otherwise)."""
    if isinstance(margin, bool) or not isinstance(margin, int | float) or not 0 < margin <= 1:
        detail = f"--margin must be above 0 and at most 1: {margin}"
        raise CxrayError("bad_parameter", detail=detail)
    return float(margin)


class InitiativeSession:
    """``session.initiative(file_or_mapping)``: the file is read and checked at once
    (CxrayError naming what is wrong); ``check()`` returns it. Without a session
    (``cxray.initiative(file)``) the rules' fields are not checked against data."""

    def __init__(self, session: SessionBase | None, source: str | Path | Mapping[str, Any]) -> None:
        self.session = session
        if isinstance(source, Mapping):
            self.initiative: Initiative = check_initiative(dict(source))
        else:
            self.initiative = load_initiative(source)

    def __repr__(self) -> str:
        return f"<cxray initiative {self.initiative.id} ({self.initiative.type})>"

    def check(self) -> Result:
        """The file is complete and consistent; with a workspace, every rule's field exists
        and ``customers`` counts the affected customers of the base at the start (those with an
        order line in the 12 months before it; None for enabling initiatives)."""
        customers = None
        if self.session is not None and self.initiative.type != "enabling":
            from cxray.comms.initiative_measure import base_groups

            groups = base_groups(self.initiative, self.session.tables())
            customers = int(groups.filter(groups.affected).count().to_pyarrow().as_py())
        payload = {"ok": True, "initiative": self.initiative.to_dict(), "customers": customers}
        return Result("initiative_check", payload, value=self.initiative)


def portfolio(
    session: SessionBase,
    as_of: DateLike = None,
    *,
    margin: float = 0.3,
    files: list[Path] | None = None,
) -> Result:
    """See :meth:`cxray.api.session.Session.initiatives`."""
    from cxray.comms.initiative_measure import measure_portfolio

    margin = check_margin(margin)
    day = session.resolve_as_of(as_of, reads=READS)
    if files is None:
        files = initiative_files(session.path / FOLDER if session.path is not None else None)
    initiatives = [load_initiative(f) for f in files]
    rows, line = measure_portfolio(initiatives, session.tables(), as_of=day, margin=margin)
    warnings = []
    if not initiatives:
        warnings.append(Notice("initiatives_none", {"folder": FOLDER}))
    for row in rows:
        if not row["started"]:
            warnings.append(
                Notice("initiative_not_started", {"id": row["id"], "start": row["start"]})
            )
        elif row["young"]:
            warnings.append(
                Notice("initiative_young", {"id": row["id"], "months": round(row["months"], 1)})
            )
        if row["started"] and row["type"] != "enabling" and row["did"] is None:
            warnings.append(
                Notice("initiative_no_data", {"id": row["id"], "metric": row["metric"]})
            )
    listed = [{k: v for k, v in r.items() if k != "cells"} for r in rows]
    payload = {"margin": margin, "initiatives": rows, "portfolio": line}
    return Result("initiatives", payload, {"initiatives": listed}, value=rows, as_of=day,
                  warnings=warnings)  # fmt: skip
