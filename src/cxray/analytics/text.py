"""Portable string expressions shared by the analytics and the communications code."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir


def strip_spaces(value: ir.StringValue) -> ir.StringValue:
    """``value`` without leading or trailing whitespace.

    Not Ibis's ``strip()``: Ibis 12 compiles it on PySpark to ``TRIM(' \\t\\n\\r\\v\\f' FROM x)``,
    which Spark reads as also trimming the letters "v" and "f" (``f2@example.com`` would become
    ``2@example.com``).
    """
    return value.re_replace(r"^\s+|\s+$", "")


def lower_case(value: ir.StringValue, backend: str | None) -> ir.StringValue:
    """``value`` in lower case, Cyrillic and every other alphabet too.

    SQLite's ``LOWER`` changes only the letters A-Z ("ООО" stays "ООО"), so on SQLite
    (``backend``, the name of the backend that runs the query) the lower-casing is Python's,
    a row at a time; every other backend lower-cases in its own SQL.
    """
    if backend == "sqlite":
        return _python_lower(value)
    return value.lower()


@ibis.udf.scalar.python
def _python_lower(value: str) -> str:
    return value.lower() if value is not None else None
