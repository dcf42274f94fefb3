"""The user's own SQL on a DuckDB workspace, sandboxed: it reads the workspace's tables and
nothing else, for a bounded time and a bounded number of rows.

DuckDB's own parser (``json_serialize_sql``) gives the query's syntax tree. A query is refused
(CxrayError ``sql_not_allowed``) when it reads a table function other than :data:`TABLE_FUNCTIONS`
(``read_csv``, ``read_text``, ``read_blob``, ``glob``, ``read_parquet`` ... would reach files and
URLs), a table name that is not a plain name (``'/etc/passwd'``, ``'data.csv'``: DuckDB would read
the file), or a function of :data:`FUNCTIONS_REFUSED`. Extensions are never installed, the query
is interrupted after :data:`TIMEOUT_SECONDS` (``sql_timeout``) and at most ``max_rows`` rows are
fetched, never the whole result first.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa

from cxray.errors import CxrayError

TABLE_FUNCTIONS = frozenset(
    {"range", "generate_series", "unnest", "duckdb_tables", "duckdb_columns", "duckdb_views"}
)
FUNCTIONS_REFUSED = frozenset({"getenv", "current_setting"})
PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
TIMEOUT_SECONDS = 60.0


def sandboxed_query(
    con: duckdb.DuckDBPyConnection,
    query: str,
    max_rows: int | None = None,
    timeout: float = TIMEOUT_SECONDS,
    *,
    refused_prefix: str | None = None,
) -> pa.Table:
    """The rows of read-only ``query`` in ``con``, checked and bounded (see the module notes);
    tables whose names start with ``refused_prefix`` are refused too."""
    check_query(con, query, refused_prefix=refused_prefix)
    con.execute("SET autoinstall_known_extensions = false")
    timer = threading.Timer(timeout, con.interrupt)
    timer.start()
    try:
        relation = con.sql(query)
        if max_rows is not None:
            relation = relation.limit(max_rows)
        return relation.to_arrow_table()
    except duckdb.InterruptException:
        raise CxrayError("sql_timeout", seconds=int(timeout)) from None
    except duckdb.Error as err:
        raise CxrayError("sql_failed", detail=str(err).strip().splitlines()[0]) from None
    finally:
        timer.cancel()


def check_query(
    con: duckdb.DuckDBPyConnection, query: str, *, refused_prefix: str | None = None
) -> None:
    """Refuse ``query`` (CxrayError) when it reaches beyond the workspace's tables, or reads a
    table whose name starts with ``refused_prefix``."""
    tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [query]).fetchone()[0])
    if tree.get("error"):
        raise CxrayError("sql_failed", detail=str(tree.get("error_message", "")).splitlines()[0])
    for node in _nodes(tree):
        kind = node.get("type")
        if kind == "TABLE_FUNCTION":
            name = str(node.get("function", {}).get("function_name", "")).lower()
            if name not in TABLE_FUNCTIONS:
                raise CxrayError("sql_not_allowed", what=f"{name}(...)")
        elif kind == "BASE_TABLE":
            name = str(node.get("table_name", ""))
            if not PLAIN_NAME.fullmatch(name):
                raise CxrayError("sql_not_allowed", what=f"'{name}'")
            if refused_prefix and name.lower().startswith(refused_prefix):
                raise CxrayError("sql_not_allowed", what=name)
        elif node.get("class") == "FUNCTION":
            name = str(node.get("function_name", "")).lower()
            if name in FUNCTIONS_REFUSED:
                raise CxrayError("sql_not_allowed", what=f"{name}(...)")


def _nodes(value: Any) -> Iterator[dict]:
    """Every dict in a parsed syntax tree, depth first."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
