"""The rejects of one import grouped by reason: how many rows, what share of the file's rows and
of its amount, and a few example rows of each reason.

Computed in SQL by the DuckDB connection that checked the file (the workspace's own on a DuckDB
workspace), over the rejected rows and the parsed rows of :mod:`cxray.ingest.validate`, never
row by row in Python. Reasons stay codes (``problem`` with its ``column``): a shell turns them
into text.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import duckdb

from cxray.errors import Reject
from cxray.ingest.read import ROW
from cxray.ingest.validate import PARSED, Validated

EXAMPLES = 3
"""Example rows kept per reason."""

_REJECTED = "_cx_rejected"


@dataclass(frozen=True)
class RejectGroup:
    """The rejected rows of one reason (``problem`` code and ``column``, either may repeat
    across groups but not both).

    - ``rows``: how many; ``share``: of the rows read from the file;
    - ``amount``: the sum of their amounts, as far as they could be read (tables with an
      amount: orders), else None; ``amount_share``: that sum over the sum of every amount of the
      file that could be read (amounts as read: returns are negative), None without amounts;
    - ``examples``: the first rows of the reason (:class:`Reject`: row, problem, column, value).
    """

    problem: str
    column: str | None
    rows: int
    share: float
    amount: float | None = None
    amount_share: float | None = None
    examples: list[Reject] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "problem": self.problem,
            "column": self.column,
            "rows": self.rows,
            "share": self.share,
            "amount": self.amount,
            "amount_share": self.amount_share,
            "examples": [{"row": r.row, "value": r.value} for r in self.examples],
        }


def group_rejects(checked: Validated, examples: int = EXAMPLES) -> list[RejectGroup]:
    """The rejects of ``checked`` by reason, the largest group first (then by first row).

    Call it before ``checked.close()``: it reads the parsed rows still held by its engine.
    """
    rejects = checked.rejects
    if not rejects.num_rows:
        return []
    con: duckdb.DuckDBPyConnection = checked.engine
    con.register(_REJECTED, rejects.select([ROW, "_problem", "_column", "_value"]))
    try:
        has_amount = "amount" in con.table(PARSED).columns
        row = f'"{ROW}"'
        if has_amount:
            amounts = (
                f"LEFT JOIN (SELECT {row}, amount FROM {PARSED}) a USING ({row})",
                "sum(a.amount)",
                f"(SELECT sum(amount) FROM {PARSED})",
            )
        else:
            amounts = ("", "CAST(NULL AS DOUBLE)", "CAST(NULL AS DOUBLE)")
        join, amount, total = amounts
        found = con.execute(
            f"WITH r AS (SELECT *, row_number() OVER (PARTITION BY _problem, _column "
            f"ORDER BY {row}) AS _k FROM {_REJECTED}) "
            f"SELECT r._problem, r._column, count(*) AS n, {amount} AS amount, "
            f"list([CAST(r.{row} AS VARCHAR), r._value] ORDER BY r.{row}) "
            f"FILTER (WHERE r._k <= {int(examples)}) AS examples, min(r.{row}) AS first "
            f"FROM r {join} GROUP BY r._problem, r._column ORDER BY n DESC, first"
        ).fetchall()
        whole = con.execute(f"SELECT {total}").fetchone()[0] if has_amount else None
    finally:
        with contextlib.suppress(duckdb.Error):
            con.unregister(_REJECTED)
    rows_read = checked.rows_read or 1
    groups = []
    for problem, column, n, summed, shown, _ in found:
        groups.append(
            RejectGroup(
                problem,
                column,
                int(n),
                n / rows_read,
                None if summed is None and not has_amount else float(summed or 0.0),
                float(summed or 0.0) / whole if has_amount and whole else None,
                [Reject(int(r), problem, column, v) for r, v in (shown or [])],
            )
        )
    return groups
