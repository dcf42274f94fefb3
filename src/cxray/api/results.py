"""What every API method returns: a :class:`Result`.

A result holds the ``--json`` payload (:meth:`Result.to_dict`: codes and numbers, never
translated text), its tables (:meth:`Result.to_pandas` / :meth:`Result.to_arrow`, the first one
by default), the typed object the analytics returned (``result.value``: a ``Funnel``, a ``Plan``,
a ``Measurement`` ...) and ``warnings`` as codes with parameters. Keys of a dict payload and
attributes of the value read as attributes: ``ws.structure().key``, ``ws.clv().params``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:  # pragma: no cover - pandas and Arrow load with the first table asked for
    import pandas as pd
    import pyarrow as pa


@dataclass(frozen=True)
class Notice:
    """Something a reader of the result should know: a text code and its parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


def distinct(found: list[Notice]) -> list[Notice]:
    """The notices in order, each once (several sections raise the same one)."""
    seen: list[Notice] = []
    for notice in found:
        if notice not in seen:
            seen.append(notice)
    return seen


def json_default(value: Any) -> Any:
    """How values that JSON does not know are written: dates as ISO text, NumPy scalars as
    numbers, anything else as its text."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def to_json(payload: Any) -> str:
    """The ``--json`` text of a payload (UTF-8, indented, dates as ISO text)."""
    return json.dumps(payload, ensure_ascii=False, indent=2, default=json_default)


Rows: TypeAlias = "list[dict[str, Any]] | pa.Table | pd.DataFrame"


@dataclass
class Result:
    """One answer of the API.

    - ``kind``: the method that made it (``"structure"``, ``"rfm"``, ...);
    - ``payload``: exactly the ``--json`` output of the matching CLI command, or a function that
      builds it (called once, when first asked for: a large answer read as Arrow or pandas is
      never turned into Python rows);
    - ``tables``: its tables by name (rows, Arrow or pandas), the main one first;
    - ``value``: the typed analytics object behind it, when there is one;
    - ``as_of``: the analysis date the answer holds for (None where it has none);
    - ``warnings``: :class:`Notice` codes with parameters.
    """

    kind: str
    payload: Any
    tables: dict[str, Rows] = field(default_factory=dict)
    value: Any = None
    as_of: dt.date | None = None
    warnings: list[Notice] = field(default_factory=list)

    def to_dict(self) -> Any:
        """The ``--json`` payload: codes and numbers, the same in every language. An answer
        that holds for a date is an object that names its ``as_of`` and lists its
        ``warnings`` (codes with parameters; ``[]`` when there are none), its rows under a
        named key (``products``, ``opportunities``, ``rows`` ...); other objects list their
        warnings when there are any."""
        if callable(self.payload):
            self.payload = self.payload()
        if isinstance(self.payload, dict):
            if self.as_of is not None and "as_of" not in self.payload:
                self.payload = {"as_of": self.as_of, **self.payload}
            listed = self.warnings or self.as_of is not None
            if listed and "warnings" not in self.payload:  # a measurement has its own
                self.payload["warnings"] = [w.to_dict() for w in self.warnings]
        return self.payload

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text, as ``--json`` prints it."""
        return to_json(self.to_dict())

    def to_arrow(self, table: str | None = None) -> pa.Table:
        """Table ``table`` (default: the main one) as an Arrow table."""
        import pandas as pd
        import pyarrow as pa

        rows = self._table(table)
        if isinstance(rows, pa.Table):
            return rows
        if isinstance(rows, pd.DataFrame):
            return pa.Table.from_pandas(rows, preserve_index=False)
        return pa.Table.from_pylist(rows)

    def to_pandas(self, table: str | None = None) -> pd.DataFrame:
        """Table ``table`` (default: the main one) as a pandas DataFrame."""
        import pandas as pd

        rows = self._table(table)
        if isinstance(rows, pd.DataFrame):
            return rows
        return self.to_arrow(table).to_pandas()

    def _table(self, name: str | None) -> Rows:
        if not self.tables:
            raise KeyError(f"a {self.kind} result has no tables")
        if name is None:
            return next(iter(self.tables.values()))
        if name not in self.tables:
            raise KeyError(f"{name!r}: a {self.kind} result has tables {', '.join(self.tables)}")
        return self.tables[name]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in ("payload", "value"):
            raise AttributeError(name)
        payload = self.to_dict()
        if isinstance(payload, dict) and name in payload:
            return payload[name]
        if self.value is not None and hasattr(self.value, name):
            return getattr(self.value, name)
        raise AttributeError(f"a {self.kind} result has no {name!r}")

    def _shapes(self) -> list[str]:
        import pyarrow as pa

        out = []
        for name, rows in self.tables.items():
            n = rows.num_rows if isinstance(rows, pa.Table) else len(rows)
            out.append(f"{name}: {n:,} rows")
        return out

    def __repr__(self) -> str:
        head = f"<cxray {self.kind}" + (f" as of {self.as_of}" if self.as_of else "")
        parts = self._shapes() + [f"warning {w.code}" for w in self.warnings]
        return head + ("; " + "; ".join(parts) if parts else "") + ">"

    def _repr_html_(self) -> str:
        """Jupyter: the title line and the first rows of the main table."""
        title = html.escape(repr(self))
        if not self.tables:
            return f"<p><code>{title}</code></p>"
        frame = self.to_pandas().head(10)
        return f"<p><code>{title}</code></p>" + frame.to_html(index=False, max_cols=12)
