"""Related tables filled from one file: ``--map "Country=customers.region"`` on an order-line file
also gives each customer of the file its region, ``--map "Description=products.name"`` each SKU
its name.

A map whose target is ``table.column`` of another canonical table names a *related* column. The
related table must be keyed by columns the imported table has (customers by ``customer_id``,
products by ``sku``): each key of the file's valid rows gets one row, holding per related column
the latest value the file gives it (latest by the imported table's date column, e.g.
``order_date``, then by file order; empty cells give no value). Repeated keys are the point of
such a file, so they are never rejects. Columns that are not mapped never become attributes.

Validation reads a related column as one more column of the imported table (named
``table.column``, typed as the target column), so a value that does not parse is a reject of
the line like any other; :func:`latest_rows` then computes the related rows in SQL in the DuckDB
connection that checked the file.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass

import duckdb

from cxray.errors import CxrayError
from cxray.ingest.read import ROW
from cxray.ingest.schema import TABLES, Column, Table
from cxray.ingest.validate import DUCK_TYPES, VALID, Validated, normalize_name

_LINES = "_cx_related_lines"


@dataclass(frozen=True)
class Related:
    """One related column: file column ``source`` fills ``column`` of ``table``."""

    table: str
    column: str
    source: str
    type: str = "string"
    extra: bool = False  # an extra attribute of the table (customers), not a canonical column

    @property
    def name(self) -> str:
        """The column's name while the imported rows are validated: ``customers.region``."""
        return f"{self.table}.{self.column}"


def split_maps(table: Table, maps: dict[str, str]) -> tuple[dict[str, str], list[Related]]:
    """``maps`` (file column -> target) with the related columns taken out as
    :class:`Related`, and the maps that validation reads (a related column maps to its
    :attr:`Related.name`). ``table.column`` naming the imported table itself is its column.

    Raises CxrayError for a related table whose key the imported table lacks, a target column
    the related table lacks (and keeps no extra attributes), or a map onto its key.
    """
    plain: dict[str, str] = {}
    related: list[Related] = []
    for source, target in maps.items():
        other, dot, column = target.partition(".")
        if not dot or other not in TABLES:
            plain[source] = target
            continue
        if other == table.name:
            plain[source] = column
            continue
        spec = TABLES[other]
        item = f"{source}={target}"
        missing = [k for k in spec.key if table.column(k) is None]
        if missing:
            raise CxrayError(
                "related_not_keyed", item=item, table=table.name, related=other,
                by=", ".join(missing),
            )  # fmt: skip
        if column in spec.key:
            raise CxrayError("related_map_key", item=item, related=other, by=column)
        col = spec.column(column)
        if col is None and spec.extra_columns:  # an attribute, named as a file header would be
            column = normalize_name(column)
            col = spec.column(column)
        if col is None and not spec.extra_columns:
            raise CxrayError(
                "map_target_unknown", table=other, column=column, known=", ".join(spec.names)
            )
        found = Related(other, column, source, col.type if col else "string", col is None)
        related.append(found)
        plain[source] = found.name
    return plain, related


def with_related(table: Table, related: list[Related]) -> Table:
    """``table`` with one more (optional) column per related column, for validation."""
    if not related:
        return table
    more = tuple(Column(r.name, r.type) for r in related)
    return dataclasses.replace(table, columns=table.columns + more)


def check_keys(checked: Validated, table: Table, related: list[Related], file: str) -> None:
    """Refuse related columns whose table's key the file does not carry (e.g. products.name
    from a file without a sku column)."""
    present = set(checked.mapping.source_of)
    for r in related:
        missing = [k for k in TABLES[r.table].key if k not in present]
        if missing:
            raise CxrayError(
                "related_key_missing", file=file, item=f"{r.source}={r.name}", related=r.table,
                by=", ".join(missing),
            )  # fmt: skip


def latest_rows(checked: Validated, table: Table, related: list[Related]) -> dict[str, str]:
    """Per related table, the name of a temporary table in ``checked.engine`` holding one row
    per key of the valid rows, with every canonical column of the related table (NULL where the
    file maps nothing) and its extra attributes, each the latest value the file gives.

    Call :func:`drop` with the names once the rows are stored."""
    con: duckdb.DuckDBPyConnection = checked.engine
    by_table: dict[str, list[Related]] = {}
    for r in related:
        by_table.setdefault(r.table, []).append(r)
    keys = sorted({k for name in by_table for k in TABLES[name].key})
    date = table.date_column
    wanted = [*keys, *([date] if date else []), *(r.name for r in related), ROW]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_LINES} AS "
        f"SELECT {', '.join(_q(c) for c in dict.fromkeys(wanted))} FROM {VALID}"
    )
    order = f"{_q(date)} DESC NULLS LAST, {_q(ROW)} DESC" if date else f"{_q(ROW)} DESC"
    made = {}
    for name, columns in by_table.items():
        spec = TABLES[name]
        mapped = {r.column: r for r in columns}
        select = []
        for col in spec.columns:
            if col.name in spec.key:
                select.append(_q(col.name))
            elif col.name in mapped:
                select.append(_latest(mapped[col.name], order))
            else:
                select.append(f"CAST(NULL AS {DUCK_TYPES[col.type]}) AS {_q(col.name)}")
        select += [_latest(r, order) for r in columns if r.extra]
        key = ", ".join(_q(k) for k in spec.key)
        not_null = " AND ".join(f"{_q(k)} IS NOT NULL" for k in spec.key)
        target = f"_cx_related_{name}"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {target} AS SELECT {', '.join(select)} "
            f"FROM {_LINES} WHERE {not_null} GROUP BY {key} ORDER BY {key}"
        )
        made[name] = target
    con.execute(f"DROP TABLE {_LINES}")
    return made


def drop(checked: Validated, made: dict[str, str]) -> None:
    """Drop the temporary tables of :func:`latest_rows`."""
    for target in made.values():
        with contextlib.suppress(duckdb.Error):
            checked.engine.execute(f"DROP TABLE IF EXISTS temp.{target}")


def _latest(r: Related, order: str) -> str:
    value = _q(r.name)
    return f"first({value} ORDER BY {order}) FILTER (WHERE {value} IS NOT NULL) AS {_q(r.column)}"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
