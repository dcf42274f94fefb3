"""Turning raw text rows into typed canonical rows, with a reason for every row that is rejected.

Values are parsed by an in-memory DuckDB (a local parsing engine, whatever the workspace backend):
- numbers: spaces and non-breaking spaces are thousands separators; a comma is the decimal
  separator unless a dot comes after it (``1 234,56`` = ``1234.56`` = ``1,234.56``); only finite
  numbers (no ``nan`` / ``inf``);
- dates: ``yyyy-mm-dd``, ``dd.mm.yyyy`` and ``dd.mm.yy``, optionally followed by a time;
- booleans: true/false, 1/0, yes/no, y/n, да/нет, истина/ложь;
- empty cells are nulls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from cxray.errors import CxrayError
from cxray.ingest.read import EXTRA, MALFORMED, ROW, Progress, RawFile
from cxray.ingest.schema import Table

# Dates with a four-digit year. DuckDB's %Y also reads "24" as the year 24, so these formats are
# only tried on text that starts with four year digits or dd.mm.yyyy (see _parse_sql).
DATE_FORMATS = [
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
]
# dd.mm.yy, as 1C prints dates: 00-68 are 2000-2068, 69-99 are 1969-1999
SHORT_YEAR_FORMATS = ["%d.%m.%y", "%d.%m.%y %H:%M:%S", "%d.%m.%y %H:%M"]
FOUR_DIGIT_YEAR = r"^([0-9]{4}-|[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}($|[ T]))"
TWO_DIGIT_YEAR = r"^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2}($| )"
# what is left of a number once thousands separators are gone and the decimal mark is a dot
NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
TRUE_WORDS = ("true", "1", "yes", "y", "t", "да", "д", "истина")
FALSE_WORDS = ("false", "0", "no", "n", "f", "нет", "н", "ложь")

# Columns of the rejects output, after the file's own columns.
REJECT_COLUMNS = ("row", "column", "problem", "value")


@dataclass
class Mapping:
    """How file columns map onto canonical columns."""

    source_of: dict[str, str]  # canonical name -> file column
    extra: dict[str, str] = field(default_factory=dict)  # extra attribute name -> file column
    ignored: list[str] = field(default_factory=list)


@dataclass
class Validated:
    """Typed valid rows and the rejected rows (raw text + row, column, problem, value)."""

    valid: pa.Table
    rejects: pa.Table
    mapping: Mapping
    rows_read: int


def normalize_name(name: str) -> str:
    """``"Order Date "`` -> ``"order_date"``: how file headers are matched to canonical names."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def parse_maps(maps: list[str] | None) -> dict[str, str]:
    """``["Контрагент=customer_id"]`` -> ``{"Контрагент": "customer_id"}``."""
    result: dict[str, str] = {}
    for item in maps or []:
        if "=" not in item:
            raise CxrayError("bad_map", item=item)
        source, target = (part.strip() for part in item.rsplit("=", 1))
        if not source or not target:
            raise CxrayError("bad_map", item=item)
        result[source] = target
    return result


def map_columns(raw: RawFile, table: Table, maps: dict[str, str]) -> Mapping:
    """Match the file header to the canonical columns of ``table``.

    Raises CxrayError for a --map naming a column the file lacks or a column the table lacks,
    for two file columns landing on one canonical column (or, for tables that keep extra columns,
    on one extra attribute), and for missing required columns.
    """
    header = raw.header
    in_file = {name: raw.renamed.get(name, name) for name in header}  # name as the file has it
    for source, target in maps.items():
        if source not in header:
            raise CxrayError(
                "map_source_missing", file=raw.path.name, column=source, found=", ".join(header)
            )
        if table.column(target) is None:
            raise CxrayError(
                "map_target_unknown",
                table=table.name,
                column=target,
                known=", ".join(table.names),
            )
    source_of: dict[str, str] = {}
    extra: dict[str, str] = {}
    ignored: list[str] = []
    for name in header:
        if not name:
            continue
        original = in_file[name]
        target = maps.get(original) or normalize_name(original)
        if table.column(target) is not None:
            if target in source_of:
                raise CxrayError(
                    "duplicate_column",
                    file=raw.path.name,
                    column=target,
                    first=in_file[source_of[target]],
                    second=original,
                )
            source_of[target] = name
        elif table.extra_columns and original not in maps:
            attribute = normalize_name(original)
            if attribute in extra:  # "Менеджер" and "менеджер": one attribute, two columns
                raise CxrayError(
                    "duplicate_column",
                    file=raw.path.name,
                    column=attribute,
                    first=in_file[extra[attribute]],
                    second=original,
                )
            extra[attribute] = name
        else:
            ignored.append(name)
    missing = [c for c in table.required if c not in source_of]
    if missing:
        raise CxrayError(
            "missing_columns",
            file=raw.path.name,
            table=table.name,
            columns=", ".join(missing),
            found=", ".join(h for h in header if h),
        )
    return Mapping(source_of, extra, ignored)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _number_sql(v: str) -> str:
    """Parse text ``v`` (already trimmed, non-empty) into a DOUBLE or NULL."""
    s = f"replace(replace(replace({v}, ' ', ''), chr(160), ''), chr(8239), '')"
    comma_last = f"strpos(reverse({s}), ',') < strpos(reverse({s}), '.')"
    cleaned = (
        f"CASE WHEN strpos({s}, ',') > 0 AND strpos({s}, '.') > 0 THEN "
        f"CASE WHEN {comma_last} THEN replace(replace({s}, '.', ''), ',', '.') "
        f"ELSE replace({s}, ',', '') END "
        f"ELSE replace({s}, ',', '.') END"
    )
    # the pattern keeps out what a DOUBLE cast also accepts: nan, inf, infinity, 1_000
    return (
        f"CASE WHEN regexp_full_match({cleaned}, {_lit(NUMBER)}) "
        f"THEN TRY_CAST({cleaned} AS DOUBLE) END"
    )


def _parse_sql(col_type: str, v: str) -> tuple[str, str]:
    """(SQL parsing text ``v``, problem code when it does not parse)."""
    if col_type == "float64":
        return _number_sql(v), "bad_number"
    if col_type == "int64":
        n = _number_sql(v)
        return f"CASE WHEN {n} = round({n}) THEN CAST({n} AS BIGINT) END", "bad_integer"
    if col_type in ("date", "timestamp"):
        long = "[" + ", ".join(_lit(f) for f in DATE_FORMATS) + "]"
        short = "[" + ", ".join(_lit(f) for f in SHORT_YEAR_FORMATS) + "]"
        parsed = (
            f"CASE WHEN regexp_matches({v}, {_lit(FOUR_DIGIT_YEAR)}) "
            f"THEN try_strptime({v}, {long}) "
            f"WHEN regexp_matches({v}, {_lit(TWO_DIGIT_YEAR)}) "
            f"THEN try_strptime({v}, {short}) END"
        )
        if col_type == "date":
            return f"CAST({parsed} AS DATE)", "bad_date"
        return parsed, "bad_timestamp"
    if col_type == "boolean":
        true = ", ".join(_lit(w) for w in TRUE_WORDS)
        false = ", ".join(_lit(w) for w in FALSE_WORDS)
        low = f"lower({v})"
        return (
            f"CASE WHEN {low} IN ({true}) THEN TRUE WHEN {low} IN ({false}) THEN FALSE END",
            "bad_boolean",
        )
    return v, ""


def _chunk_sql(table: Table, mapping: Mapping) -> str:
    """SQL over a raw chunk ``raw``: typed canonical columns, extras, and the first problem."""
    selects = [_q(ROW), _q(MALFORMED), _q(EXTRA)]
    typed: list[tuple[str, str]] = []
    # the cells beyond the header are kept as the value, so nothing of the line is lost
    checks = [f"WHEN {_q(MALFORMED)} THEN ['malformed_line', NULL, {_q(EXTRA)}]"]
    for col in table.columns:
        source = mapping.source_of.get(col.name)
        if source is None:
            continue
        text = f"NULLIF(trim({_q(source)}), '')"
        selects.append(f"{text} AS {_q('t:' + col.name)}")
        t = _q("t:" + col.name)
        if col.choices:
            parsed = (
                f"CASE WHEN lower({t}) IN ({', '.join(map(_lit, col.choices))}) THEN lower({t}) END"
            )
            problem = "bad_choice"
        else:
            parsed, problem = _parse_sql(col.type, t)
        if col.required or (col.name == "line_no"):
            checks.append(f"WHEN {t} IS NULL THEN ['missing_value', {_lit(col.name)}, NULL]")
        if problem:
            checks.append(
                f"WHEN {t} IS NOT NULL AND ({parsed}) IS NULL "
                f"THEN [{_lit(problem)}, {_lit(col.name)}, {t}]"
            )
        if col.default is not None:
            parsed = f"coalesce({parsed}, {str(col.default).upper()})"
        typed.append((col.name, parsed))
    for name, source in mapping.extra.items():
        selects.append(f"NULLIF(trim({_q(source)}), '') AS {_q('x:' + name)}")
    problem_sql = "CASE " + " ".join(checks) + " END"
    outputs = [_q(ROW)] + [f"{sql} AS {_q(name)}" for name, sql in typed]
    outputs += [f"{_q('x:' + name)} AS {_q(name)}" for name in mapping.extra]
    return (
        f"WITH t AS (SELECT {', '.join(selects)} FROM raw), "
        f"p AS (SELECT *, {problem_sql} AS _p FROM t) "
        f"SELECT {', '.join(outputs)}, _p[1] AS _problem, _p[2] AS _column, _p[3] AS _value FROM p"
    )


def validate(
    raw: RawFile, table: Table, maps: dict[str, str] | None = None, progress: Progress | None = None
) -> Validated:
    """Read every row of ``raw``, type it for ``table`` and split valid rows from rejected ones.

    Rows rejected keep their original text, their row number, the column at fault, a problem code
    and the value. Within the file, a row repeating the natural key of an earlier row is rejected
    (``duplicate_row`` when identical, ``duplicate_key`` otherwise).
    """
    mapping = map_columns(raw, table, maps or {})
    sql = _chunk_sql(table, mapping)
    con = duckdb.connect()
    valid_parts: list[pa.Table] = []
    reject_parts: list[pa.Table] = []
    rows_read = 0
    for chunk in raw.chunks(progress):
        rows_read += chunk.num_rows
        con.register("raw", chunk)
        result = con.sql(sql).to_arrow_table()
        con.unregister("raw")
        con.register("result", result)
        con.register("raw", chunk)
        valid_parts.append(
            con.sql(
                "SELECT * EXCLUDE (_problem, _column, _value) FROM result WHERE _problem IS NULL"
            ).to_arrow_table()
        )
        reject_parts.append(
            con.sql(
                f"SELECT raw.* EXCLUDE ({_q(MALFORMED)}, {_q(EXTRA)}), r._column AS _column, "
                f"r._problem AS _problem, r._value AS _value "
                f"FROM result r JOIN raw USING ({_q(ROW)}) WHERE r._problem IS NOT NULL"
            ).to_arrow_table()
        )
        con.unregister("result")
        con.unregister("raw")
    valid, dup_rejects = _finish(con, table, mapping, valid_parts, raw)
    rejects = _combine_rejects(con, raw, reject_parts, dup_rejects)
    con.close()
    return Validated(valid, rejects, mapping, rows_read)


def _finish(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    mapping: Mapping,
    parts: list[pa.Table],
    raw: RawFile,
) -> tuple[pa.Table, pa.Table]:
    """Derive missing key columns, reject in-file duplicates, order the canonical columns."""
    schema_cols = [c.name for c in table.columns]
    if parts:
        data = pa.concat_tables(parts)
    else:
        data = pa.table({ROW: pa.array([], pa.int64())})
    con.register("data", data)
    present = [c for c in data.column_names if c != ROW]
    # absent canonical columns: their default or null, typed
    fill = []
    for col in table.columns:
        if col.name not in present:
            default = "NULL" if col.default is None else str(col.default).upper()
            fill.append(f"CAST({default} AS {_duck_type(col.type)}) AS {_q(col.name)}")
    base = f"SELECT *{', ' if fill else ''}{', '.join(fill)} FROM data"
    numbered = table.name == "orders" and "line_no" not in mapping.source_of
    if numbered:
        # exact duplicate lines first, then number the lines of each order in file order
        same = ", ".join(_q(c) for c in schema_cols if c != "line_no")
        base = (
            f"WITH b AS ({base}), d AS (SELECT *, row_number() OVER (PARTITION BY {same} "
            f"ORDER BY {_q(ROW)}) AS _dup, min({_q(ROW)}) OVER (PARTITION BY {same}) AS _first "
            f"FROM b) SELECT * EXCLUDE (line_no, _dup, _first), "
            f"CASE WHEN _dup = 1 THEN row_number() OVER (PARTITION BY order_id, _dup = 1 "
            f"ORDER BY {_q(ROW)}) END AS line_no, _dup, _first FROM d"
        )
    elif table.name == "contacts" and "contact_id" not in mapping.source_of:
        base = (
            f"WITH b AS ({base}) SELECT * EXCLUDE (contact_id), coalesce(lower(email), phone, "
            f"contact_name, customer_id || '#' || row_number() OVER (PARTITION BY customer_id "
            f"ORDER BY {_q(ROW)})) AS contact_id FROM b"
        )
    key = ", ".join(_q(k) for k in table.key)
    every = ", ".join(_q(c) for c in schema_cols + list(mapping.extra))
    # _dup / _first: exact duplicates found before numbering order lines (see above)
    no_dup = "" if numbered else "1 AS _dup, 0 AS _first, "
    ranked = (
        f"WITH b AS ({base}) SELECT *, {no_dup}"
        f"row_number() OVER (PARTITION BY {key} ORDER BY {_q(ROW)}) AS _key_n, "
        f"min({_q(ROW)}) OVER (PARTITION BY {key}) AS _key_first, "
        f"row_number() OVER (PARTITION BY {every} ORDER BY {_q(ROW)}) AS _all_n, "
        f"min({_q(ROW)}) OVER (PARTITION BY {every}) AS _all_first FROM b"
    )
    con.execute(f"CREATE TEMP TABLE ranked AS {ranked}")
    ordered = ", ".join(_q(c) for c in schema_cols + list(mapping.extra))
    valid = con.sql(
        f"SELECT {ordered} FROM ranked WHERE _dup = 1 AND _key_n = 1 ORDER BY {_q(ROW)}"
    ).to_arrow_table()
    dups = con.sql(
        f"SELECT {_q(ROW)}, CASE WHEN _dup > 1 OR _all_n > 1 THEN 'duplicate_row' "
        f"ELSE 'duplicate_key' END AS _problem, "
        f"CASE WHEN _dup > 1 THEN _first WHEN _all_n > 1 THEN _all_first "
        f"ELSE _key_first END AS _first "
        f"FROM ranked WHERE _dup > 1 OR _key_n > 1"
    ).to_arrow_table()
    con.unregister("data")
    return valid, dups


def _combine_rejects(
    con: duckdb.DuckDBPyConnection, raw: RawFile, parts: list[pa.Table], dups: pa.Table
) -> pa.Table:
    """Rejected rows with their raw text; duplicates get their raw text read back from the file."""
    header = [h for h in raw.header if h]
    names = header + ["_row", "_column", "_problem", "_value"]
    text = {n: pa.string() for n in header + ["_column", "_problem", "_value"]}
    schema = pa.schema([(n, pa.int64() if n == ROW else text[n]) for n in names])
    tables = [p.select(names).cast(schema) for p in parts if p.num_rows]
    if dups.num_rows:
        wanted = set(dups.column(ROW).to_pylist())
        first = dict(
            zip(dups.column(ROW).to_pylist(), dups.column("_first").to_pylist(), strict=True)
        )
        problem = dict(
            zip(dups.column(ROW).to_pylist(), dups.column("_problem").to_pylist(), strict=True)
        )
        for chunk in raw.chunks(None):
            rows = chunk.filter(pc.is_in(chunk.column(ROW), pa.array(sorted(wanted))))
            if not rows.num_rows:
                continue
            numbers = rows.column(ROW).to_pylist()
            rows = rows.select(header + [ROW])
            rows = rows.append_column("_column", pa.array([None] * len(numbers), pa.string()))
            rows = rows.append_column("_problem", pa.array([problem[n] for n in numbers]))
            rows = rows.append_column("_value", pa.array([str(first[n]) for n in numbers]))
            tables.append(rows.cast(schema))
    if not tables:
        return schema.empty_table()
    combined = pa.concat_tables(tables)
    return combined.sort_by(ROW)


def _duck_type(col_type: str) -> str:
    return {
        "string": "VARCHAR",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "float64": "DOUBLE",
        "int64": "BIGINT",
        "boolean": "BOOLEAN",
    }[col_type]
