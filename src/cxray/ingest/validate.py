"""Turning raw text rows into typed canonical rows, with a reason for every row that is rejected.

Values are parsed by an in-memory DuckDB (a local parsing engine, whatever the workspace backend):
- numbers: spaces and non-breaking spaces are thousands separators; a comma is the decimal
  separator unless a dot comes after it (``1 234,56`` = ``1234.56`` = ``1,234.56``); only finite
  numbers (no ``nan`` / ``inf``);
- dates: ``yyyy-mm-dd``, ``dd.mm.yyyy`` and ``dd.mm.yy``, optionally followed by a time;
  ``m/d/yyyy`` or ``d/m/yyyy`` (optionally with ``h:mm`` or ``h:mm:ss``) when the column's values
  say which (see :func:`_slash_orders`); with a ``date_format`` only that format (strftime syntax);
- amount: quantity x price, rounded to cents, when an orders file has those and no amount;
- identical lines of one order (a file without line numbers) are kept as separate lines, or
  rejected as repeats with ``identical_lines="reject"``;
- booleans: true/false, 1/0, yes/no, y/n, да/нет, истина/ложь;
- empty cells are nulls.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from cxray.errors import CxrayError
from cxray.ingest.csv_source import CsvText, csv_text
from cxray.ingest.read import (
    EXTRA,
    MALFORMED,
    QUOTE,
    ROW,
    Progress,
    RawFile,
    begin_step,
    cells_as_text,
    progress_unit,
)
from cxray.ingest.schema import Column, Table

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
DMY_DOTS = r"[0-9]{2}\.[0-9]{2}\.[0-9]{4}"
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
TWO_DIGIT_YEAR = r"^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2}($| )"
# m/d/yyyy or d/m/yyyy: which one is decided per column, from the values (see _slash_orders)
SLASH_DATE = r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}($| )"
MDY_FORMATS = ["%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S"]
DMY_FORMATS = ["%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"]
# what the XLSX reader makes of a date cell: read as a date whatever --date-format says
CELL_DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f"]
IDENTICAL_LINES = ("keep", "reject")
# a number needing no cleaning (no thousands separators, at most one decimal comma or dot)
PLAIN_NUMBER = r"[+-]?[0-9]+([.,][0-9]+)?"
# what is left of a number once thousands separators are gone and the decimal mark is a dot
NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
TRUE_WORDS = ("true", "1", "yes", "y", "t", "да", "д", "истина")
FALSE_WORDS = ("false", "0", "no", "n", "f", "нет", "н", "ложь")

# Kinds of typed file values (see cxray.ingest.read.native_kind) each canonical type takes as they
# are, without text parsing; other typed columns are turned into text first.
TYPED_KINDS = {
    "float64": ("number", "integer"),
    "int64": ("integer", "number"),
    "date": ("date", "timestamp"),
    "timestamp": ("timestamp", "date"),
    "boolean": ("boolean",),
}

# Temporary relations of a validation in its DuckDB connection: the raw cells, the parsed rows
# with their first problem, the valid rows; and, for CSV text, the cells as DuckDB read them (in
# file order: a table's row ids number its records, as no window over the parallel read could).
RAW, PARSED, VALID, TEXT = "_cx_raw", "_cx_parsed", "_cx_valid", "_cx_text"

# What DuckDB's read_csv takes for a missing cell (a short line): text no file holds, so that an
# empty cell stays "" and the cells a short line lacks can be told apart (see _csv_raw_sql).
CSV_NULL = "\u2063cxray: no cell\u2063"
# the characters Python's str.strip() removes: a line of only these is a blank row
BLANK = (
    r"[\s\x{0b}\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}"
    r"\x{205f}\x{3000}]*"
)

# DuckDB's memory limit, as text
MEMORY_LIMIT_SQL = "SELECT current_setting('memory_limit')"

# Columns of the rejects output, after the file's own columns.
REJECT_COLUMNS = ("row", "column", "problem", "value")


@dataclass
class Mapping:
    """How file columns map onto canonical columns."""

    source_of: dict[str, str]  # canonical name -> file column
    extra: dict[str, str] = field(default_factory=dict)  # extra attribute name -> file column
    ignored: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)  # canonical columns computed (amount)


@dataclass
class Validated:
    """Typed valid rows and the rejected rows (raw text + row, column, problem, value).

    The valid rows stay in the DuckDB connection that checked them, as the temporary relation
    :data:`VALID` (canonical columns in schema order, extra attributes, then the row number
    :data:`ROW`; in no particular order); :meth:`close` drops it (and closes the connection when
    validation opened its own).
    """

    engine: duckdb.DuckDBPyConnection
    valid_rows: int
    rejects: pa.Table
    mapping: Mapping
    rows_read: int
    own_engine: bool = False
    derived_amounts: int = 0  # valid rows whose amount is quantity x price
    identical_lines: int = 0  # kept lines identical to an earlier line of their order
    identical_amount: float = 0.0  # their amount
    text: CsvText | None = None  # the UTF-8 text DuckDB reads a CSV file from (removed on close)
    memory_limit: str | None = None  # the engine's memory limit before validation (restored)

    def valid(self) -> pa.Table:
        """The valid rows as an Arrow table (in file order)."""
        return self.engine.sql(
            f"SELECT * EXCLUDE ({_q(ROW)}) FROM {VALID} ORDER BY {_q(ROW)}"
        ).to_arrow_table()

    def close(self) -> None:
        _drop(self.engine, VALID, PARSED, RAW, TEXT)
        if self.memory_limit is not None:
            # the default back as it was (the limit is shown rounded: setting it from its text
            # would shrink it), else the text of the limit that was set
            self.engine.execute("RESET memory_limit")
            if self.engine.execute(MEMORY_LIMIT_SQL).fetchone()[0] != self.memory_limit:
                self.engine.execute(f"SET memory_limit = {_lit(self.memory_limit)}")
        if self.own_engine:
            self.engine.close()
        if self.text is not None:
            self.text.remove()


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
    derived = [
        c.name
        for c in table.columns
        if c.required
        and c.name not in source_of
        and c.derived_from
        and all(d in source_of for d in c.derived_from)
    ]
    missing = [c for c in table.required if c not in source_of and c not in derived]
    if missing:
        raise CxrayError(
            "missing_columns",
            file=raw.path.name,
            table=table.name,
            columns=", ".join(missing),
            found=", ".join(h for h in header if h),
        )
    return Mapping(source_of, extra, ignored, derived)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _choice_sql(col: Column, t: str) -> str:
    """The choice that text ``t`` (trimmed, non-empty) names, in any case and spacing, or by a
    synonym of the column's (:attr:`Column.synonyms`); NULL for anything else."""
    spelled = f"lower(regexp_replace({t}, '[\\s\\x{{00A0}}]+', ' ', 'g'))"
    pairs = [(c, c) for c in col.choices] + list(col.synonyms)
    cases = " ".join(f"WHEN {_lit(spelling)} THEN {_lit(choice)}" for spelling, choice in pairs)
    return f"CASE {spelled} {cases} END"


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
    # the pattern keeps out what a DOUBLE cast also accepts: nan, inf, infinity, 1_000; plain
    # numbers (12, -3.5, 1,25) skip the cleaning, which gives them the same value
    # a number beyond a double's range (1e309, 400 digits) reads as infinity: no number either
    plain = _finite(f"TRY_CAST(replace({v}, ',', '.') AS DOUBLE)")
    return (
        f"CASE WHEN regexp_full_match({v}, {_lit(PLAIN_NUMBER)}) THEN {plain} "
        f"WHEN regexp_full_match({cleaned}, {_lit(NUMBER)}) "
        f"THEN {_finite(f'TRY_CAST({cleaned} AS DOUBLE)')} END"
    )


def _finite(number: str) -> str:
    """``number`` (a DOUBLE), NULL when it is infinite."""
    return f"nullif(nullif({number}, 'inf'::DOUBLE), '-inf'::DOUBLE)"


def _parse_sql(
    col_type: str, v: str, date_format: str | None = None, cell_dates: bool = False
) -> tuple[str, str]:
    """(SQL parsing text ``v``, problem code when it does not parse).

    ``date_format``: dates are read with that format only (``cell_dates``: and as the XLSX
    reader writes date cells)."""
    if col_type in ("date", "timestamp") and date_format is not None:
        formats = [date_format, *(CELL_DATE_FORMATS if cell_dates else [])]
        parsed = f"try_strptime({v}, [{', '.join(map(_lit, formats))}])"
        if col_type == "date":
            parsed = f"CAST({parsed} AS DATE)"
        return parsed, "date_not_in_format"
    if col_type == "float64":
        return _number_sql(v), "bad_number"
    if col_type == "int64":
        n = _number_sql(v)
        # TRY_CAST: a whole number beyond 64 bits (1e20) is no integer here
        return f"CASE WHEN {n} = round({n}) THEN TRY_CAST({n} AS BIGINT) END", "bad_integer"
    if col_type in ("date", "timestamp"):
        long = "[" + ", ".join(_lit(f) for f in DATE_FORMATS) + "]"
        short = "[" + ", ".join(_lit(f) for f in SHORT_YEAR_FORMATS) + "]"
        # the usual shapes first, read with the one format of DATE_FORMATS they fit
        parsed = (
            f"CASE WHEN regexp_full_match({v}, {_lit(DMY_DOTS)}) "
            f"THEN try_strptime({v}, '%d.%m.%Y') "
            f"WHEN regexp_full_match({v}, {_lit(ISO_DATE)}) THEN try_strptime({v}, '%Y-%m-%d') "
            f"WHEN regexp_matches({v}, {_lit(FOUR_DIGIT_YEAR)}) "
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


def typed_sources(raw: RawFile, table: Table, mapping: Mapping) -> dict[str, str]:
    """File columns whose typed values a canonical column takes as they are: name -> kind."""
    typed = {}
    for col in table.columns:
        source = mapping.source_of.get(col.name)
        kind = raw.kinds.get(source) if source is not None else None
        if kind in TYPED_KINDS.get(col.type, ()) and not col.choices:
            typed[source] = kind
    return typed


def _typed_sql(col_type: str, kind: str, v: str) -> tuple[str, str]:
    """(SQL turning typed value ``v`` of ``kind`` into ``col_type``, problem code if it fails)."""
    if col_type == "float64":
        return f"CASE WHEN isfinite(CAST({v} AS DOUBLE)) THEN CAST({v} AS DOUBLE) END", "bad_number"
    if col_type == "int64":
        if kind == "integer":
            return f"TRY_CAST({v} AS BIGINT)", "bad_integer"
        whole = f"isfinite({v}) AND {v} = round({v})"
        return f"CASE WHEN {whole} THEN TRY_CAST({v} AS BIGINT) END", "bad_integer"
    if col_type in ("date", "timestamp"):
        return f"CAST({v} AS {_duck_type(col_type)})", ""
    return v, ""


def text_cells(chunk: pa.Table, columns: list[str] | None = None) -> pa.Table:
    """``chunk`` with its typed ``columns`` (default: all but the row number) as text cells."""
    names = [n for n in chunk.column_names if n != ROW] if columns is None else columns
    for name in names:
        column = chunk.column(name)
        if not pa.types.is_string(column.type):
            text = pc.fill_null(cells_as_text(column), "")
            chunk = chunk.set_column(chunk.column_names.index(name), name, text)
    return chunk


def _slash_columns(table: Table, mapping: Mapping, native: dict[str, str]) -> list[str]:
    """The date columns read as text, whose ``m/d/yyyy`` or ``d/m/yyyy`` values are read in the
    order the column's values show (no ``date_format``): see :func:`_slash_orders`."""
    return [
        c.name
        for c in table.columns
        if c.type in ("date", "timestamp")
        and c.name in mapping.source_of
        and mapping.source_of[c.name] not in native
    ]


def _chunk_sql(
    table: Table,
    mapping: Mapping,
    native: dict[str, str],
    date_format: str | None = None,
    cell_dates: bool = False,
) -> str:
    """SQL over the raw cells (:data:`RAW`): typed canonical columns, extras, the first problem.

    ``native`` names the file columns whose typed values are taken as they are (no text parsing).
    Without a ``date_format``, a slash date column ``c`` comes out read as ``m/d/yyyy``, with
    ``_s:c`` (its slash text) and ``_dm:c`` (read as ``d/m/yyyy``) beside it; :func:`_finish`
    keeps the reading :func:`_slash_orders` chose and drops them.
    """
    selects = [_q(ROW), _q(MALFORMED), _q(EXTRA), _q(QUOTE)]
    typed: list[tuple[str, str]] = []
    hidden: list[tuple[str, str]] = []
    values: list[tuple[str, str]] = []  # parsed values, computed once: name -> SQL over t
    slash = [] if date_format is not None else _slash_columns(table, mapping, native)
    # the cells beyond the header are kept as the value, so nothing of the line is lost
    # a row where a stray quote opened: the column (its canonical name when it has one) and the
    # cell as the row has it
    names = {source: name for name, source in {**mapping.extra, **mapping.source_of}.items()}
    quoted = "".join(f"WHEN {_lit(s)} THEN {_lit(n)} " for s, n in names.items() if s != n)
    quoted = f"CASE {_q(QUOTE)} {quoted}ELSE {_q(QUOTE)} END" if quoted else _q(QUOTE)
    checks = [
        f"WHEN {_q(QUOTE)} IS NOT NULL THEN ['unbalanced_quote', {quoted}, {_q(EXTRA)}]",
        f"WHEN {_q(MALFORMED)} THEN ['malformed_line', NULL, {_q(EXTRA)}]",
    ]
    for col in table.columns:
        source = mapping.source_of.get(col.name)
        if source is None:
            continue
        kind = native.get(source)
        text = _q(source) if kind else f"NULLIF(trim({_q(source)}), '')"
        selects.append(f"{text} AS {_q('t:' + col.name)}")
        t = _q("t:" + col.name)
        if kind:
            parsed, problem = _typed_sql(col.type, kind, t)
        elif col.choices:
            parsed, problem = _choice_sql(col, t), "bad_choice"
        else:
            parsed, problem = _parse_sql(col.type, t, date_format, cell_dates)
        # each value is parsed once (column "v:name"); checks and outputs use the result
        values.append((f"v:{col.name}", parsed))
        parsed = _q(f"v:{col.name}")
        unparsed = f"{parsed} IS NULL"
        if col.name in slash:
            # most values hold no slash: the pattern is only tried on those that do
            is_slash = f"(contains({t}, '/') AND regexp_matches({t}, {_lit(SLASH_DATE)}))"
            cast = "AS DATE" if col.type == "date" else "AS TIMESTAMP"
            mdy = f"CAST(try_strptime({t}, [{', '.join(map(_lit, MDY_FORMATS))}]) {cast})"
            dmy = f"CAST(try_strptime({t}, [{', '.join(map(_lit, DMY_FORMATS))}]) {cast})"
            values[-1] = (
                f"v:{col.name}",
                f"CASE WHEN {is_slash} THEN {mdy} ELSE {values[-1][1]} END",
            )
            values += [
                (f"_s:{col.name}", f"CASE WHEN {is_slash} THEN {t} END"),
                (f"_dm:{col.name}", f"CASE WHEN {is_slash} THEN {dmy} END"),
            ]
            hidden += [(f"_s:{col.name}", _q(f"_s:{col.name}"))]
            hidden += [(f"_dm:{col.name}", _q(f"_dm:{col.name}"))]
            unparsed = f"{parsed} IS NULL AND {_q(f'_dm:{col.name}')} IS NULL"
        if col.required or (col.name == "line_no"):
            checks.append(f"WHEN {t} IS NULL THEN ['missing_value', {_lit(col.name)}, NULL]")
        if problem:
            checks.append(
                f"WHEN {t} IS NOT NULL AND {unparsed} "
                f"THEN [{_lit(problem)}, {_lit(col.name)}, CAST({t} AS VARCHAR)]"
            )
        if col.default is not None:
            parsed = f"coalesce({parsed}, {str(col.default).upper()})"
        typed.append((col.name, parsed))
    if "amount" in mapping.derived:
        # quantity x price to the cent, in decimals (1.5 x 1.785 = 2.6775 -> 2.68, as an invoice
        # rounds a line total); beyond 10^15, or with a factor of more than 9 decimals
        # (4.59e-8), in doubles. Each factor becomes a decimal through its shortest text: a
        # double cast straight to a decimal keeps the double's error (8435001.711 ->
        # 8435001.710999999), which moves the cent of a large product
        of = dict(typed)
        q, p = of["quantity"], of["price"]
        dec = {x: f"CAST(CAST({x} AS VARCHAR) AS DECIMAL(38, 9))" for x in (q, p)}
        small = f"abs({q}) < 1e15 AND abs({p}) < 1e15 AND abs({q} * {p}) < 1e15"
        small += "".join(f" AND CAST({dec[x]} AS DOUBLE) = {x}" for x in (q, p))
        exact = f"{dec[q]} * {dec[p]}"
        exact = f"CAST(round({exact}, 2) AS DOUBLE)"
        typed.append(("amount", f"CASE WHEN {small} THEN {exact} ELSE round({q} * {p}, 2) END"))
        for name in ("quantity", "price"):
            t = _q("t:" + name)
            checks.append(f"WHEN {t} IS NULL THEN ['amount_underivable', {_lit(name)}, NULL]")
        # finite factors whose product is not (1e200 x 1e200)
        product = f"{q} * {p}"
        checks.append(
            f"WHEN NOT isfinite({product}) "
            f"THEN ['bad_number', 'amount', CAST({product} AS VARCHAR)]"
        )
    for name, source in mapping.extra.items():
        selects.append(f"NULLIF(trim({_q(source)}), '') AS {_q('x:' + name)}")
    problem_sql = "CASE " + " ".join(checks) + " END"
    outputs = [_q(ROW)] + [f"{sql} AS {_q(name)}" for name, sql in typed]
    outputs += [f"{sql} AS {_q(name)}" for name, sql in hidden]
    outputs += [f"{_q('x:' + name)} AS {_q(name)}" for name in mapping.extra]
    parsed_values = "".join(f", {sql} AS {_q(name)}" for name, sql in values)
    return (
        f"WITH t AS (SELECT {', '.join(selects)} FROM {RAW}), "
        f"v AS (SELECT *{parsed_values} FROM t), "
        f"p AS (SELECT *, {problem_sql} AS _p FROM v) "
        f"SELECT {', '.join(outputs)}, _p[1] AS _problem, _p[2] AS _column, _p[3] AS _value FROM p"
    )


def validate(
    raw: RawFile,
    table: Table,
    maps: dict[str, str] | None = None,
    progress: Progress | None = None,
    engine: duckdb.DuckDBPyConnection | None = None,
    *,
    date_format: str | None = None,
    identical_lines: str = "keep",
    memory_limit: str | None = None,
) -> Validated:
    """Read every row of ``raw``, type it for ``table`` and split valid rows from rejected ones.

    Rows rejected keep their original text, their row number, the column at fault, a problem code
    and the value. Within the file, a row repeating the natural key of an earlier row is rejected
    (``duplicate_row`` when identical, ``duplicate_key`` otherwise). Order lines of a file without
    line numbers are numbered; identical lines of one order are kept as separate lines (counted
    in ``identical_lines``) or, with ``identical_lines="reject"``, rejected as ``duplicate_row``.

    ``date_format`` (strftime syntax) is the one format of every date column read as text;
    without it, a column of ``m/d/yyyy`` / ``d/m/yyyy`` dates is read in the order its values
    show, and refused (CxrayError, nothing read) when they do not show it.

    The work runs in ``engine`` (a DuckDB workspace passes its own connection, so rows never leave
    it) or in a new in-memory DuckDB, held to ``memory_limit`` (DuckDB's syntax, e.g. ``"1GB"``:
    what does not fit spills to disk) until :meth:`Validated.close`. A Parquet file whose typed
    columns fit the canonical types is read by DuckDB itself and parsed lazily: its valid rows are
    a view over the file, read once more when the caller stores them.
    """
    if identical_lines not in IDENTICAL_LINES:
        raise CxrayError(
            "bad_identical_lines", value=identical_lines, known=", ".join(IDENTICAL_LINES)
        )
    mapping = map_columns(raw, table, maps or {})
    native = typed_sources(raw, table, mapping)
    as_text = [name for name in raw.kinds if name not in native]
    sql = _chunk_sql(table, mapping, native, date_format, cell_dates=raw.format == "xlsx")
    own = engine is None
    con = duckdb.connect() if engine is None else engine
    if date_format is not None:
        try:
            con.execute(f"SELECT try_strptime('', {_lit(date_format)})")
        except duckdb.Error as err:
            if own:
                con.close()
            detail = str(err).splitlines()[0].split(": ", 1)[-1]
            raise CxrayError("bad_date_format", format=date_format, detail=detail) from None
    before = None
    if memory_limit is not None:
        before = con.execute(MEMORY_LIMIT_SQL).fetchone()[0]
        con.execute(f"SET memory_limit = {_lit(memory_limit)}")
    # DuckDB's own progress is read by watching, never printed
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    reject_parts: list[pa.Table] = []
    used = set(mapping.source_of.values()) | set(mapping.extra.values())
    scannable = not raw.renamed and "file_row_number" not in raw.header
    # DuckDB prints these kinds as text exactly as cells_as_text does (not so numbers or times)
    sql_text = {name for name in as_text if raw.kinds[name] in ("integer", "boolean", "date")}
    # CSV text: parsed by DuckDB itself (read_csv), in parallel
    text = csv_text(raw, progress) if raw.format == "csv" and raw.header else None
    try:
        views = []
        if raw.format == "parquet" and scannable and not used & (set(as_text) - sql_text):
            # typed Parquet columns: DuckDB reads the file itself, in parallel
            header = ", ".join(
                f"CAST({_q(h)} AS VARCHAR) AS {_q(h)}" if h in sql_text else _q(h)
                for h in raw.header
            )
            views.append((None, (
                f"SELECT {header}, "
                f"file_row_number + 2 AS {_q(ROW)}, FALSE AS {_q(MALFORMED)}, "
                f"CAST(NULL AS VARCHAR) AS {_q(EXTRA)}, CAST(NULL AS VARCHAR) AS {_q(QUOTE)} "
                f"FROM read_parquet({_lit(str(raw.path))}, file_row_number = true)"
            )))  # fmt: skip
        if text is not None:
            # a short line with a quoted line break is only read serially
            views += [_csv_raw_sql(raw, text, parallel=True), _csv_raw_sql(raw, text, False)]
        scanned = False
        for records, view in views:
            try:
                rows_read, unique = _scan_raw(
                    con, records, view, sql, table, mapping, progress, raw, reject_parts
                )
                scanned = True
                break
            except duckdb.Error as err:
                # DuckDB refuses a line the Python reader takes (a line with more cells than the
                # header, a stray quote, bytes that are not UTF-8): that reader reads the file,
                # keeping its rules and its messages
                if text is None:
                    raise
                if "quoted new lines" not in str(err):
                    break
        if text is not None and not scanned:
            _drop(con, PARSED, RAW, TEXT)
            text.remove()
            text = None
        if not scanned:
            rows_read, unique = 0, None
            begin_step(progress, "reading", progress_unit(raw.path))
            for chunk in raw.chunks(progress):
                rows_read += chunk.num_rows
                con.register(RAW, text_cells(chunk, as_text))
                into = f"INSERT INTO {PARSED} " if rows_read > chunk.num_rows else ""
                con.execute(f"CREATE OR REPLACE TEMP TABLE _cx_chunk AS {sql}")
                reject_parts.append(con.sql(_rejected_sql("_cx_chunk")).to_arrow_table())
                if into:
                    con.execute(f"{into}SELECT * FROM _cx_chunk")
                else:
                    con.execute(f"CREATE OR REPLACE TEMP TABLE {PARSED} AS SELECT * FROM _cx_chunk")
                con.execute("DROP TABLE _cx_chunk")
                con.unregister(RAW)
            if rows_read == 0:
                con.register(RAW, _empty_raw(raw))
                con.execute(f"CREATE OR REPLACE TEMP TABLE {PARSED} AS {sql}")
                con.unregister(RAW)
        reject_parts = [part for part in reject_parts if part.num_rows]
        parse_rejects = sum(part.num_rows for part in reject_parts)
        slash = [] if date_format is not None else _slash_columns(table, mapping, native)
        day_first = _slash_orders(con, raw, mapping, slash)
        with watching(con, progress, rows_read - parse_rejects, "repeats", "rows"):
            dup_rejects, identical = _finish(
                con, table, mapping, bool(reject_parts), unique, day_first, identical_lines
            )
        rejects = _combine_rejects(con, raw, reject_parts, dup_rejects, text is not None)
        if text is not None:  # the raw cells of the rejects are taken: their memory is free
            _drop(con, RAW, TEXT)
    except BaseException:
        Validated(con, 0, pa.table({}), mapping, 0, own, text=text, memory_limit=before).close()
        raise
    valid_rows = rows_read - parse_rejects - dup_rejects.num_rows
    return Validated(
        con, valid_rows, rejects, mapping, rows_read, own,
        derived_amounts=valid_rows if "amount" in mapping.derived else 0,
        identical_lines=identical[0], identical_amount=identical[1], text=text,
        memory_limit=before,
    )  # fmt: skip


def _csv_raw_sql(raw: RawFile, text: CsvText, parallel: bool) -> tuple[str, str]:
    """(SQL of a table of the records of CSV file ``raw`` as DuckDB's read_csv parses ``text``,
    the raw cells over that table as the Python reader (:mod:`cxray.ingest.read`) gives them).

    The table keeps the records in file order (the parallel read preserves it), so its row ids
    number them: rows from 2 (the header is row 1). The raw cells are text ("" for an empty or
    missing one), blank lines numbered but left out."""
    names = [f"c{i}" for i in range(len(raw.header))]
    columns = ", ".join(f"{_lit(n)}: 'VARCHAR'" for n in names)
    cells = ", ".join(
        f"coalesce({n}, '') AS {_q(h or f'_cx_blank_{i}')}"
        for i, (n, h) in enumerate(zip(names, raw.header, strict=True))
    )
    # a line of one cell of whitespace is a blank line: numbered, not read
    blank = f"regexp_full_match({names[0]}, {_lit(BLANK)})"
    if len(names) > 1:
        blank = f"{names[1]} IS NULL AND {blank}"
    records = (
        f"SELECT * FROM read_csv("
        f"{_lit(str(text.path))}, columns = {{{columns}}}, header = true, skip = 0, "
        f"delim = {_lit(raw.sep or ',')}, quote = '\"', escape = '\"', auto_detect = false, "
        f"null_padding = true, nullstr = {_lit(CSV_NULL)}, parallel = {str(parallel).lower()})"
    )
    cells_sql = (
        f"SELECT {cells}, rowid + 2 AS {_q(ROW)}, FALSE AS {_q(MALFORMED)}, "
        f"CAST(NULL AS VARCHAR) AS {_q(EXTRA)}, CAST(NULL AS VARCHAR) AS {_q(QUOTE)} "
        f"FROM {TEXT} WHERE NOT ({blank})"
    )
    return records, cells_sql


def _drop(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Drop the temporary relations ``names`` of a validation, views or tables, if they exist."""
    for name in names:
        for kind in ("VIEW", "TABLE"):
            with contextlib.suppress(duckdb.Error):
                con.execute(f"DROP {kind} IF EXISTS temp.{name}")


def _scan_raw(
    con: duckdb.DuckDBPyConnection,
    records: str | None,
    raw_sql: str,
    sql: str,
    table: Table,
    mapping: Mapping,
    progress: Progress | None,
    raw: RawFile,
    reject_parts: list[pa.Table],
) -> tuple[int, bool | None]:
    """Check the rows of a file DuckDB reads itself (``raw_sql``): :data:`RAW` is a view over the
    file (Parquet) or over the table :data:`TEXT` of its ``records`` (CSV text, read once, in
    parallel and in file order); :data:`PARSED` is a view parsing them lazily (Parquet) or a table
    parsed once. Returns (rows read, whether no two valid rows share the natural key: None when
    not counted); rejected rows go to ``reject_parts``."""
    if records is not None:
        with watching(con, progress, raw.path.stat().st_size, "reading", "bytes"):
            con.execute(f"CREATE OR REPLACE TEMP TABLE {TEXT} AS {records}")
        rows = con.execute(f"SELECT count(*) FROM {TEXT}").fetchone()[0]
        con.execute(f"CREATE OR REPLACE TEMP VIEW {RAW} AS {raw_sql}")
        with watching(con, progress, rows, "checking", "rows"):
            con.execute(f"CREATE OR REPLACE TEMP TABLE {PARSED} AS {sql}")
        progress = None
    else:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {RAW} AS {raw_sql}")
        con.execute(f"CREATE OR REPLACE TEMP VIEW {PARSED} AS {sql}")
    # one pass over the file counts the rows, those with a problem and, when the file holds the
    # whole natural key, whether any two valid rows share it
    counts = "count(*), count(*) FILTER (WHERE _problem IS NOT NULL)"
    keys = ", ".join(_q(k) for k in table.key if k in mapping.source_of)
    if keys and not _derived_key(table, mapping):
        counts += (
            f", count(*) FILTER (WHERE _problem IS NULL) - count(DISTINCT hash({keys})) "
            f"FILTER (WHERE _problem IS NULL)"
        )
    with watching(con, progress, raw.rows or 0, "reading", "rows"):
        found = con.execute(f"SELECT {counts} FROM {PARSED}").fetchone()
    if found[1]:
        reject_parts.append(con.sql(_rejected_sql(PARSED)).to_arrow_table())
    return found[0], (found[2] == 0 if len(found) > 2 else None)


def _slash_orders(
    con: duckdb.DuckDBPyConnection, raw: RawFile, mapping: Mapping, columns: list[str]
) -> list[str]:
    """The ``columns`` (slash dates possible) whose slash dates are ``d/m/yyyy`` (the others are
    ``m/d/yyyy``), as their valid rows show; raises CxrayError when they do not show it.

    A column is ``m/d/yyyy`` when a second field is above 12 somewhere and no first field is,
    ``d/m/yyyy`` the other way round. No field above 12 (``3/4/2024`` everywhere) is ambiguous;
    both (``3/14/2024`` and ``14/3/2024``) is a mix. A value that reads neither way is rejected
    with the row (``bad_date``), so it never decides."""
    if not columns:
        return []
    parts = []
    for c in columns:
        s, md, dm = _q("_s:" + c), _q(c), _q("_dm:" + c)
        only_dm = f"{s} IS NOT NULL AND {md} IS NULL AND {dm} IS NOT NULL"
        only_md = f"{s} IS NOT NULL AND {dm} IS NULL AND {md} IS NOT NULL"
        parts += [
            f"count({s})",
            f"arg_min({s}, {_q(ROW)})",
            f"arg_min({s}, {_q(ROW)}) FILTER (WHERE {only_md})",
            f"arg_min({s}, {_q(ROW)}) FILTER (WHERE {only_dm})",
        ]
    found = con.execute(
        f"SELECT {', '.join(parts)} FROM {PARSED} WHERE _problem IS NULL"
    ).fetchone()
    day_first = []
    for i, c in enumerate(columns):
        n, example, month_first_example, day_first_example = found[4 * i : 4 * i + 4]
        if not n:
            continue
        source = mapping.source_of[c]
        column = raw.renamed.get(source, source)
        if month_first_example is not None and day_first_example is not None:
            raise CxrayError(
                "mixed_dates",
                file=raw.path.name,
                column=column,
                first=month_first_example,
                second=day_first_example,
            )
        if month_first_example is None and day_first_example is None:
            raise CxrayError("ambiguous_dates", file=raw.path.name, column=column, value=example)
        if day_first_example is not None:
            day_first.append(c)
    return day_first


def _empty_raw(raw: RawFile) -> pa.Table:
    """A raw chunk with no rows (the columns of a file that has only its header)."""
    columns = {h: pa.array([], pa.string()) for h in raw.header}
    columns[ROW] = pa.array([], pa.int64())
    columns[MALFORMED] = pa.array([], pa.bool_())
    columns[EXTRA] = pa.array([], pa.string())
    columns[QUOTE] = pa.array([], pa.string())
    return pa.table(columns)


def _rejected_sql(parsed: str) -> str:
    """The rows of ``parsed`` with a problem, with their raw cells from the raw relation."""
    return (
        f"SELECT raw.* EXCLUDE ({_q(MALFORMED)}, {_q(EXTRA)}, {_q(QUOTE)}), "
        f"r._column AS _column, "
        f"r._problem AS _problem, r._value AS _value "
        f"FROM (SELECT {_q(ROW)}, _problem, _column, _value FROM {parsed} "
        f"WHERE _problem IS NOT NULL) r JOIN {RAW} raw USING ({_q(ROW)})"
    )


@contextlib.contextmanager
def watching(
    con: duckdb.DuckDBPyConnection, progress: Progress | None, total: int, step: str, unit: str
) -> Iterator[None]:
    """Report DuckDB's progress on the statements run in ``con`` inside the block to ``progress``
    as ``step`` of the work (see :func:`cxray.ingest.read.begin_step`), out of ``total``."""
    if progress is None:
        yield
        return
    begin_step(progress, step, unit, total)
    done = threading.Event()
    shown = [0]

    def poll() -> None:
        while not done.wait(0.25):
            share = con.query_progress()
            # several statements each run from 0 to 100%: the bar only moves forward
            if share >= 0 and int(total * share / 100) > shown[0]:
                shown[0] = int(total * share / 100)
                progress(shown[0], total)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
    progress(total, total)


def _derived_key(table: Table, mapping: Mapping) -> bool:
    """Whether validation derives a key column the file lacks (order line numbers, contact ids)."""
    return (table.name == "orders" and "line_no" not in mapping.source_of) or (
        table.name == "contacts" and "contact_id" not in mapping.source_of
    )


def _finish(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    mapping: Mapping,
    any_rejected: bool,
    unique: bool | None = None,
    day_first: list[str] | None = None,
    identical_lines: str = "keep",
) -> tuple[pa.Table, tuple[int, float]]:
    """Make :data:`VALID` of the parsed rows without a problem: derive missing key columns,
    reject in-file duplicates, order the canonical columns. Returns the duplicates' rows and the
    number and amount of identical order lines kept (``identical_lines="keep"``).

    ``unique`` True says no two valid rows share the natural key (already counted).
    ``day_first``: slash date columns read as ``d/m/yyyy`` (see :func:`_chunk_sql`)."""
    schema_cols = [c.name for c in table.columns]
    present = [
        c for c in con.table(PARSED).columns if c not in (ROW, "_problem", "_column", "_value")
    ]
    # without rejected rows the problem checks need not run again
    where = " WHERE _problem IS NULL" if any_rejected else ""
    swap = ", ".join(
        f"CASE WHEN {_q('_s:' + c)} IS NULL THEN {_q(c)} ELSE {_q('_dm:' + c)} END AS {_q(c)}"
        for c in day_first or []
    )
    swap = f" REPLACE ({swap})" if swap else ""
    data = f"(SELECT * EXCLUDE (_problem, _column, _value){swap} FROM {PARSED}{where})"
    # absent canonical columns: their default or null, typed
    fill = []
    for col in table.columns:
        if col.name not in present:
            default = "NULL" if col.default is None else str(col.default).upper()
            fill.append(f"CAST({default} AS {_duck_type(col.type)}) AS {_q(col.name)}")
    base = f"SELECT *{', ' if fill else ''}{', '.join(fill)} FROM {data}"
    numbered = table.name == "orders" and "line_no" not in mapping.source_of
    key = ", ".join(_q(k) for k in table.key)
    ordered = ", ".join(_q(c) for c in schema_cols + list(mapping.extra))
    identical = (0, 0.0)
    # most files hold no duplicates: look for any with one hash aggregate before ranking rows
    if numbered:
        # exact duplicate lines first, then number the lines of each order in file order
        same = ", ".join(_q(c) for c in schema_cols if c != "line_no")
        # lines repeating an earlier identical line, and their amount, in one aggregate over a
        # 64-bit hash of each line (a collision, odds about 1 in 10^5 at 10M lines, could only
        # miscount the lines kept: rejecting them ranks the lines exactly)
        n, amount = con.execute(
            f"SELECT coalesce(sum(n - 1), 0), coalesce(sum((n - 1) * amount), 0) FROM "
            f"(SELECT count(*) AS n, any_value(amount) AS amount FROM ({base}) "
            f"GROUP BY hash({same})) WHERE n > 1"
        ).fetchone()
        clash = n > 0
        if clash and identical_lines == "keep":
            # identical lines of one order are separate lines (the same item scanned twice)
            identical, clash = (int(n), float(amount)), False
        if clash:
            base = (
                f"WITH b AS ({base}), d AS (SELECT *, row_number() OVER (PARTITION BY {same} "
                f"ORDER BY {_q(ROW)}) AS _dup, min({_q(ROW)}) OVER (PARTITION BY {same}) AS _first "
                f"FROM b) SELECT * EXCLUDE (line_no, _dup, _first), "
                f"CASE WHEN _dup = 1 THEN row_number() OVER (PARTITION BY order_id, _dup = 1 "
                f"ORDER BY {_q(ROW)}) END AS line_no, _dup, _first FROM d"
            )
        else:  # numbered lines cannot share a key
            base = (
                f"WITH b AS ({base}) SELECT * EXCLUDE (line_no), row_number() OVER "
                f"(PARTITION BY order_id ORDER BY {_q(ROW)}) AS line_no, 1 AS _dup, 0 AS _first "
                f"FROM b"
            )
    else:
        if table.name == "contacts" and "contact_id" not in mapping.source_of:
            base = (
                f"WITH b AS ({base}) SELECT * EXCLUDE (contact_id), coalesce(lower(email), phone, "
                f"contact_name, customer_id || '#' || row_number() OVER (PARTITION BY customer_id "
                f"ORDER BY {_q(ROW)})) AS contact_id FROM b"
            )
        clash = _may_repeat(con, base, key) if unique is None else not unique
    empty = pa.schema({ROW: pa.int64(), "_problem": pa.string(), "_first": pa.int64()})
    if not clash and base.startswith("SELECT"):
        # a plain projection: a view, so a lazily parsed file is read once more when stored
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {VALID} AS SELECT {ordered}, {_q(ROW)} FROM ({base})"
        )
        return empty.empty_table(), identical
    if not clash:  # window functions: computed once
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {VALID} AS SELECT {ordered}, {_q(ROW)} FROM ({base})"
        )
        return empty.empty_table(), identical
    # _dup / _first: exact duplicates found before numbering order lines (see above)
    every = ", ".join(_q(c) for c in schema_cols + list(mapping.extra))
    no_dup = "" if numbered else "1 AS _dup, 0 AS _first, "
    ranked = (
        f"WITH b AS ({base}) SELECT *, {no_dup}"
        f"row_number() OVER (PARTITION BY {key} ORDER BY {_q(ROW)}) AS _key_n, "
        f"min({_q(ROW)}) OVER (PARTITION BY {key}) AS _key_first, "
        f"row_number() OVER (PARTITION BY {every} ORDER BY {_q(ROW)}) AS _all_n, "
        f"min({_q(ROW)}) OVER (PARTITION BY {every}) AS _all_first FROM b"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _cx_ranked AS {ranked}")
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {VALID} AS SELECT {ordered}, {_q(ROW)} "
            f"FROM _cx_ranked WHERE _dup = 1 AND _key_n = 1"
        )
        dups = con.sql(
            f"SELECT {_q(ROW)}, CASE WHEN _dup > 1 OR _all_n > 1 THEN 'duplicate_row' "
            f"ELSE 'duplicate_key' END AS _problem, "
            f"CASE WHEN _dup > 1 THEN _first WHEN _all_n > 1 THEN _all_first "
            f"ELSE _key_first END AS _first "
            f"FROM _cx_ranked WHERE _dup > 1 OR _key_n > 1"
        ).to_arrow_table()
        return dups, identical
    finally:
        con.execute("DROP TABLE _cx_ranked")


def _may_repeat(con: duckdb.DuckDBPyConnection, rows: str, columns: str) -> bool:
    """False when no two of ``rows`` share ``columns``: as many distinct 64-bit hashes of them as
    rows proves it, at the cost of counting integers. True may also be a hash collision; the
    caller then ranks the rows exactly."""
    n, distinct = con.sql(
        f"SELECT count(*), count(DISTINCT hash({columns})) FROM ({rows})"
    ).fetchone()
    return distinct < n


def _combine_rejects(
    con: duckdb.DuckDBPyConnection,
    raw: RawFile,
    parts: list[pa.Table],
    dups: pa.Table,
    from_raw: bool = False,
) -> pa.Table:
    """Rejected rows with their raw text; duplicates get their raw text read back from the file
    (``from_raw``: from the view :data:`RAW` DuckDB reads the file through)."""
    header = [h for h in raw.header if h]
    names = header + ["_row", "_column", "_problem", "_value"]
    text = {n: pa.string() for n in header + ["_column", "_problem", "_value"]}
    schema = pa.schema([(n, pa.int64() if n == ROW else text[n]) for n in names])
    tables = [text_cells(p.select(names)).cast(schema) for p in parts if p.num_rows]
    if dups.num_rows:
        wanted = set(dups.column(ROW).to_pylist())
        first = dict(
            zip(dups.column(ROW).to_pylist(), dups.column("_first").to_pylist(), strict=True)
        )
        problem = dict(
            zip(dups.column(ROW).to_pylist(), dups.column("_problem").to_pylist(), strict=True)
        )
        chunks = (
            [
                con.execute(
                    f"SELECT * FROM {RAW} WHERE {_q(ROW)} IN (SELECT unnest(?::BIGINT[]))",
                    [sorted(wanted)],
                ).to_arrow_table()
            ]
            if from_raw
            else raw.chunks(None)
        )
        for chunk in chunks:
            rows = chunk.filter(pc.is_in(chunk.column(ROW), pa.array(sorted(wanted))))
            if not rows.num_rows:
                continue
            numbers = rows.column(ROW).to_pylist()
            rows = text_cells(rows.select(header + [ROW]))
            rows = rows.append_column("_column", pa.array([None] * len(numbers), pa.string()))
            rows = rows.append_column("_problem", pa.array([problem[n] for n in numbers]))
            rows = rows.append_column("_value", pa.array([str(first[n]) for n in numbers]))
            tables.append(rows.cast(schema))
    if not tables:
        return schema.empty_table()
    combined = pa.concat_tables(tables)
    return combined.sort_by(ROW)


DUCK_TYPES = {
    "string": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "float64": "DOUBLE",
    "int64": "BIGINT",
    "boolean": "BOOLEAN",
}
"""DuckDB's name of each canonical column type."""


def _duck_type(col_type: str) -> str:
    return DUCK_TYPES[col_type]
