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
instead of Ibis' own compilation.

Building the expression costs Python time too: 10-20 ms for each of the larger ones, a thousand
Ibis nodes created and checked. :meth:`SqlStore.built` keeps what a call of an analytics
function compiled to, under a key that spells the call (the function, a digest of its package's
source files, its arguments: tables by name and schema, dates, options), so that a question asked
again runs the kept SQL without building the expression; the in-memory tables it holds (a grid
of cells, a list of steps) are kept with it as Arrow rows.

The store is a folder of SQL and JSON files, the user's only (a query can hold literal values of
the data, such as a customer id in a filter), at most :data:`MAX_FILES` of them: the oldest go
first. Nothing in it is a result: every kept query reads the data as it is when it runs.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import decimal
import enum
import functools
import hashlib
import json
import os
import sys
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.operations as ops
import pyarrow as pa
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
    speller = _Speller()
    try:
        speller.spell(node)
    except (_Unspellable, RecursionError):
        return None
    return speller.found()


class _Speller:
    """Writes values down exactly, Ibis nodes each once (children by number): the text behind
    the keys."""

    def __init__(self) -> None:
        self.numbers: dict[int, str] = {}  # by identity: objects of the graph, alive throughout
        self.lines: list[str] = []
        self.memtables: list[str] = []
        self.memtable_nodes: list[ops.InMemoryTable] = []
        self.kinds: set[type] = set()

    def found(self) -> _Walk:
        text = "\n".join(self.lines)
        return _Walk(text, self.memtables, frozenset(self.kinds), tuple(self.memtable_nodes))

    def spell(self, value: Any) -> str:
        if isinstance(value, _PLAIN):
            return f"{type(value).__name__}:{value!r}"
        if isinstance(value, tuple | list):
            return "(" + ",".join(self.spell(v) for v in value) + ")"
        if isinstance(value, Mapping):
            pairs = (f"{self.spell(k)}={self.spell(v)}" for k, v in value.items())
            return "{" + ",".join(pairs) + "}"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):  # options
            fields = dataclasses.fields(value)
            args = ",".join(f"{f.name}={self.spell(getattr(value, f.name))}" for f in fields)
            return f"{type(value).__qualname__}({args})"
        if isinstance(value, ibis.Expr):
            return self.spell(value.op())
        if not hasattr(value, "__argnames__"):  # not an Ibis value object: nothing exact to say
            raise _Unspellable(type(value).__name__)
        if id(value) in self.numbers:
            return self.numbers[id(value)]
        if isinstance(value, ops.InMemoryTable):
            args = f"{len(self.memtables)},{self.spell(value.schema)},{_rows(value)}"
            self.memtables.append(value.name)
            self.memtable_nodes.append(value)
        else:
            names = value.__argnames__
            if isinstance(value, ops.PhysicalTable):
                names = tuple(n for n in names if n != "source")
            args = ",".join(f"{n}={self.spell(getattr(value, n))}" for n in names)
        kind = type(value)
        self.kinds.add(kind)
        self.lines.append(f"{kind.__module__}.{kind.__qualname__}({args})")
        self.numbers[id(value)] = f"#{len(self.lines) - 1}"
        return self.numbers[id(value)]


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
        self._registered: set[str] = set()  # views and in-memory tables of the connection
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
        sql = _tokens_for(memtables, sql)
        if sql is not None:
            self._write(f"{key}.sql", sql)

    def built(self, backend: Any, build: Callable[..., ibis.Table], /, *args, **kwargs):
        """``build(*args, **kwargs)``, an Ibis table that Python code builds (an analytics
        function), as a temporary view of the SQL it compiles to on ``backend``. When the store
        holds what the same call compiled to (the same function, the same source files of its
        package, arguments spelled alike), the expression is not built again. Either way the
        caller gets the view, so the queries built on it keep their keys from one call to the
        next. The expression itself where the call cannot be kept."""
        key = self._call_key(build, args, kwargs)
        entry = self._entry(key) if key is not None else None
        if entry is None:
            expr = build(*args, **kwargs)
            entry = self._keep(backend, key, expr) if key is not None else None
            if entry is None:
                return expr
        return self._over(backend, key, entry)

    def forget(self) -> None:
        """The connection rolled a transaction back: the views and rows it registered in it
        are gone, and are made again when next asked for."""
        self._registered.clear()

    def _call_key(self, build: Callable, args: tuple, kwargs: dict) -> str | None:
        source = _source_digest(build.__module__)
        if source is None:
            return None
        speller = _Speller()
        try:
            spelled = speller.spell((args, dict(sorted(kwargs.items()))))
        except (_Unspellable, RecursionError):
            return None
        call = f"{build.__module__}.{build.__qualname__} {source}"
        text = f"{self.version}\ncall {call}\n{speller.found().text}\n{spelled}"
        return "call-" + hashlib.sha256(text.encode()).hexdigest()

    def _entry(self, key: str) -> dict | None:
        """The kept call ``key``; None when there is none or it is damaged (built again)."""
        try:
            entry = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        shapes = {"sql": str, "schema": list, "memtables": list}
        if not isinstance(entry, dict) or any(
            not isinstance(entry.get(name), kind) for name, kind in shapes.items()
        ):
            return None
        return entry

    def _keep(self, backend: Any, key: str, expr: ibis.Table) -> dict | None:
        walk = _walk(expr.op())
        if walk is None or any(issubclass(kind, _HOOKED) for kind in walk.kinds):
            return None
        if len(set(walk.memtables)) < len(walk.memtables):
            return None
        sql = _tokens_for(walk.memtables, backend.compile(expr))
        if sql is None:
            return None
        entry = {
            "sql": sql,
            "schema": [[name, str(dtype)] for name, dtype in expr.schema().items()],
            # in-memory tables (a grid of cells, a list of steps) by their rows, as Arrow
            "memtables": [_ipc(node.data.to_pyarrow(node.schema)) for node in walk.memtable_nodes],
        }
        self._write(f"{key}.json", json.dumps(entry))
        return entry

    def _over(self, backend: Any, key: str, entry: dict) -> ibis.Table:
        # a temporary view of the kept SQL, named after the call: the queries built on it name
        # it (DuckDB reads it in, as a subquery) and keep their keys from one process to the
        # next; its in-memory tables likewise under names that their rows give
        view = f"cx_call_{key.removeprefix('call-')[:24]}"
        if view not in self._registered:
            sql = entry["sql"]
            for k, blob in enumerate(entry["memtables"]):
                name = "cx_rows_" + hashlib.sha256(blob.encode()).hexdigest()[:24]
                if name not in self._registered:
                    data = pa.ipc.open_stream(base64.b64decode(blob)).read_all()
                    backend.con.register(name, data)
                    self._registered.add(name)
                sql = sql.replace(_token(k), name)
            backend.con.execute(f'CREATE OR REPLACE TEMPORARY VIEW "{view}" AS {sql}')
            self._registered.add(view)
        schema = ibis.schema(dict(entry["schema"]))
        return ops.DatabaseTable(view, schema=schema, source=backend,
                                 namespace=ops.Namespace()).to_expr()  # fmt: skip

    def _write(self, name: str, text: str) -> None:
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, mode=0o700, exist_ok=True)
            files = [*self.folder.glob("*.sql"), *self.folder.glob("*.json")]
            if len(files) >= MAX_FILES:
                files.sort(key=_mtime)
                for old in files[: max(1, MAX_FILES // 10)]:
                    old.unlink(missing_ok=True)
            part = self.folder / f".{name}.{os.getpid()}.part"
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(part, self.folder / name)


def _tokens_for(memtables: list[str], sql: str) -> str | None:
    """``sql`` with the names of its in-memory tables replaced by numbered tokens (None when
    Ibis spelled a name otherwise: the SQL could not be filled in)."""
    for k, name in enumerate(memtables):
        if name not in sql:
            return None
        sql = sql.replace(name, _token(k))
    return sql


def _ipc(table: pa.Table) -> str:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return base64.b64encode(sink.getvalue().to_pybytes()).decode("ascii")


@functools.cache
def _source_digest(module: str) -> str | None:
    """A digest of the source files of ``module``'s package (a builder and the helpers beside
    it), read once per process; None where they cannot be read (no memo then)."""
    package = sys.modules.get(module.rpartition(".")[0])
    try:
        files = sorted(Path(package.__file__).parent.glob("*.py"))
        digest = hashlib.sha256()
        for file in files:
            digest.update(file.name.encode() + b"\0" + file.read_bytes())
    except (AttributeError, TypeError, OSError):
        return None
    return digest.hexdigest() if files else None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


_HOOKED = (ops.ScalarUDF, ops.GeoSpatialUnOp, ops.GeoSpatialBinOp)
"""The nodes for which Ibis' DuckDB backend prepares a query that holds them (registering the
UDFs, loading the spatial extension), besides registering its in-memory tables."""


def install(backend: Any, folder: Path) -> SqlStore:
    """Make the DuckDB Ibis ``backend`` look up and keep its compiled SQL in ``folder``, and
    walk each query's graph once: for its key, and to skip Ibis' preparations before the query
    (a walk of the graph each) when it holds nothing they act on (:data:`_HOOKED`). Returns
    the store, for :meth:`SqlStore.built`."""
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
    return store
