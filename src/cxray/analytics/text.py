"""Portable string expressions shared by the analytics and the communications code."""

from __future__ import annotations

import ibis.expr.types as ir


def strip_spaces(value: ir.StringValue) -> ir.StringValue:
    """``value`` without leading or trailing whitespace.

    Not Ibis's ``strip()``: Ibis 12 compiles it on PySpark to ``TRIM(' \\t\\n\\r\\v\\f' FROM x)``,
    which Spark reads as also trimming the letters "v" and "f" (``f2@example.com`` would become
    ``2@example.com``).
    """
    return value.re_replace(r"^\s+|\s+$", "")
