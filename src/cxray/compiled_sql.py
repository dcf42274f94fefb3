"""The SQL that Ibis compiles for a DuckDB workspace, kept on disk so that a question asked again
(by the next command, the report, the web page) does not pay for compiling it again.

Compiling an Ibis expression runs dozens of rewrite passes in Python: 50-100 ms for each of the
larger queries (the customer status, ABC-XYZ, the cohort grid), often more than DuckDB then needs
to answer it on a million order lines. The SQL is a function of the expression alone, so it is
kept under a key computed from the expression's structure (:func:`fingerprint`: every node's
type and arguments, tables by name and schema, never the data), the versions of Ibis, sqlglot
and DuckDB, and the row limit. A query whose expression holds anything the key cannot spell
exactly is compiled every time, never looked up.

:func:`install` makes a DuckDB backend use the store for every query it runs: results, counts
and the temporary tables of ``Table.cache()``, which it then fills with the compiled query
instead of Ibis' own compilation. The store is a folder of SQL files, the user's only (a query
can hold literal values of the data, such as a customer id in a filter), at most
:data:`MAX_FILES` of them: the oldest go first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import enum
import hashlib
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.operations as ops
import sqlglot

MAX_FILES = 2000
"""SQL files kept; when a new one would exceed it the oldest tenth goes."""

_PLAIN = (str, bytes, int, float, bool, type(None), decimal.Decimal, dt.date, dt.time,
          dt.timedelta, uuid.UUID, enum.Enum)  # fmt: skip


class _Unspellable(Exception):
    """An argument the key cannot spell exactly: the query is not kept."""


MEMTABLE_ROWS = 10_000
"""In-memory tables up to this size are spelled by their rows; a larger one is not kept."""


def fingerprint(node: ops.Node) -> tuple[str, list[str]] | None:
    """A text naming everything the SQL of ``node`` depends on, and the names of its in-memory
    tables (None when some argument cannot be written down exactly): each node once, as its
    class and arguments, children by number; physical tables by name, schema and namespace (not
    their backend, which the SQL does not name); in-memory tables, whose names are drawn at
    random, by number, schema and rows (their names are put back in the SQL when it is read)."""
    walk = _walk(node)
    return (walk.text, walk.memtables) if walk is not None else None


@dataclass(frozen=True)
class _Walk:
    """What one walk over an expression's graph found: its :func:`fingerprint` and the kinds
    of its nodes."""

    text: str
    memtables: list[str]
    kinds: frozenset[type]
    memtable_nodes: tuple[ops.InMemoryTable, ...]


def _walk(node: ops.Node) -> _Walk | None:
    numbers: dict[int, str] = {}  # by identity: objects of the graph, alive throughout
    lines: list[str] = []
    memtables: list[str] = []
    memtable_nodes: list[ops.InMemoryTable] = []
    kinds: set[type] = set()

    def spell(value: Any) -> str:
        if isinstance(value, _PLAIN):
            return f"{type(value).__name__}:{value!r}"
        if isinstance(value, tuple | list):
            return "(" + ",".join(spell(v) for v in value) + ")"
        if isinstance(value, Mapping):
            return "{" + ",".join(f"{spell(k)}={spell(v)}" for k, v in value.items()) + "}"
        if not hasattr(value, "__argnames__"):  # not an Ibis value object: nothing exact to say
            raise _Unspellable(type(value).__name__)
        if id(value) in numbers:
            return numbers[id(value)]
        if isinstance(value, ops.InMemoryTable):
            args = f"{len(memtables)},{spell(value.schema)},{_rows(value)}"
            memtables.append(value.name)
            memtable_nodes.append(value)
        else:
            names = value.__argnames__
            if isinstance(value, ops.PhysicalTable):
                names = tuple(n for n in names if n != "source")
            args = ",".join(f"{n}={spell(getattr(value, n))}" for n in names)
        kind = type(value)
        kinds.add(kind)
        lines.append(f"{kind.__module__}.{kind.__qualname__}({args})")
        numbers[id(value)] = f"#{len(lines) - 1}"
        return numbers[id(value)]

    try:
        spell(node)
    except (_Unspellable, RecursionError):
        return None
    return _Walk("\n".join(lines), memtables, frozenset(kinds), tuple(memtable_nodes))


def _rows(table: ops.InMemoryTable) -> str:
    data = table.data.to_pyarrow(table.schema)
    if data.num_rows > MEMTABLE_ROWS:
        raise _Unspellable("a large in-memory table")
    return repr(data.to_pylist())


def _token(k: int) -> str:
    return f"__cxray_memtable_{k}__"


class SqlStore:
    """Compiled SQL by key, in ``folder`` (created the user's only); a folder that cannot be
    written keeps nothing, and every query is compiled as before."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.version = (
            f"ibis {ibis.__version__} sqlglot {sqlglot.__version__} duckdb {duckdb.__version__}"
        )

    def key(self, expr: ibis.Expr, limit: Any) -> tuple[str, list[str]] | None:
        """The key of ``expr``'s SQL and the names of its in-memory tables (None: not kept)."""
        return self._key(_walk(expr.op()), limit)

    def _key(self, walk: _Walk | None, limit: Any) -> tuple[str, list[str]] | None:
        if walk is None:
            return None
        text = f"{self.version}\nlimit {limit!r} {ibis.options.sql.default_limit!r}\n{walk.text}"
        return hashlib.sha256(text.encode()).hexdigest(), walk.memtables

    def get(self, key: str, memtables: list[str]) -> str | None:
        try:
            sql = (self.folder / f"{key}.sql").read_text(encoding="utf-8")
        except OSError:
            return None
        for k, name in enumerate(memtables):
            sql = sql.replace(_token(k), name)
        return sql

    def put(self, key: str, memtables: list[str], sql: str) -> None:
        for k, name in enumerate(memtables):
            if name not in sql:  # Ibis spelled the name otherwise: the SQL cannot be filled in
                return
            sql = sql.replace(name, _token(k))
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, mode=0o700, exist_ok=True)
            files = list(self.folder.glob("*.sql"))
            if len(files) >= MAX_FILES:
                files.sort(key=_mtime)
                for old in files[: max(1, MAX_FILES // 10)]:
                    old.unlink(missing_ok=True)
            part = self.folder / f".{key}.{os.getpid()}.part"
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(sql)
            os.replace(part, self.folder / f"{key}.sql")


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


_HOOKED = (ops.ScalarUDF, ops.GeoSpatialUnOp, ops.GeoSpatialBinOp)
"""The nodes for which Ibis' DuckDB backend prepares a query that holds them (registering the
UDFs, loading the spatial extension), besides registering its in-memory tables."""


def install(backend: Any, folder: Path) -> None:
    """Make the DuckDB Ibis ``backend`` look up and keep its compiled SQL in ``folder``, and
    walk each query's graph once: for its key, and to skip Ibis' preparations before the query
    (a walk of the graph each) when it holds nothing they act on (:data:`_HOOKED`)."""
    store = SqlStore(folder)
    compile_fresh = backend.compile
    run_hooks = backend._run_pre_execute_hooks
    last: list = [None, None]  # the table expression walked last, and what the walk found

    def walked(expr: ibis.Expr) -> _Walk | None:
        # Ibis prepares the expression, then compiles it as a table: one walk for both (equal
        # nodes are the same query, with the same SQL)
        node = expr.as_table().op()
        if last[0] is node or last[0] == node:
            return last[1]
        walk = _walk(node)
        # not kept when it found what the key cannot spell (such as a large in-memory table,
        # whose rows would stay in memory until the next query)
        last[:] = (node, walk) if walk is not None else (None, None)
        return walk

    def pre_execute(expr: ibis.Expr) -> None:
        walk = walked(expr)
        hooked = (
            walk is None
            or any(issubclass(kind, _HOOKED) for kind in walk.kinds)
            or len(set(walk.memtables)) < len(walk.memtables)  # Ibis refuses the query
            # a table read from an Arrow stream: Ibis warns when a query reads it again
            or getattr(backend, "_record_batch_readers_consumed", True)
        )
        if hooked:
            run_hooks(expr)
            return
        for node in walk.memtable_nodes:  # registered as Ibis does, each walk of one node
            backend._register_in_memory_tables(node.to_expr())

    def compile(expr: ibis.Expr, /, *, limit=None, params=None, pretty=False) -> str:
        if params or pretty:
            return compile_fresh(expr, limit=limit, params=params, pretty=pretty)
        return kept(expr, limit, store._key(walked(expr), limit))

    def kept(expr: ibis.Expr, limit: Any, found: tuple[str, list[str]] | None) -> str:
        sql = store.get(*found) if found is not None else None
        if sql is None:
            sql = compile_fresh(expr, limit=limit)
            if found is not None:
                store.put(*found, sql)
        return sql

    def create_cached_table(name: str, expr: ibis.Table) -> ibis.Table:
        # as Ibis does it (a typed temporary table, then the rows), with the kept SQL, and named
        # after the expression rather than at random, so that the queries reading the table keep
        # their keys from one process to the next (Ibis' name when that one is taken)
        found = store._key(walked(expr), None)
        table = None
        if found is not None:
            with contextlib.suppress(duckdb.CatalogException):
                table = backend.create_table(
                    ours := f"cx_cache_{found[0][:24]}", schema=expr.schema(), temp=True
                )
                name = ours
        if table is None:
            table = backend.create_table(name, schema=expr.schema(), temp=True)
        backend._run_pre_execute_hooks(expr)
        quoted = sqlglot.exp.to_identifier
        columns = ", ".join(quoted(c, quoted=True).sql("duckdb") for c in expr.columns)
        target = sqlglot.exp.table_(name, db="main", catalog="temp", quoted=True).sql("duckdb")
        insert = f"INSERT INTO {target} ({columns}) {kept(expr, None, found)}"
        try:
            backend.raw_sql(insert).fetchall()
        except BaseException:
            with contextlib.suppress(Exception):
                backend.drop_table(name, force=True)
            raise
        return table

    backend.compile = compile
    backend._run_pre_execute_hooks = pre_execute
    backend._create_cached_table = create_cached_table
