"""The workspace: the one place that opens the backend and writes to it.

A workspace is a folder. By default it holds an embedded DuckDB database (``cxray.duckdb``) reached
through Ibis; a backend URL (any Ibis backend: ``duckdb://``, ``sqlite://``, ``postgres://``,
``pyspark://`` ...) can replace it. The folder always keeps the rejects files of every import.

Writes go through :meth:`Workspace.write`: rows are upserted by the table's natural key, so
importing the same rows twice changes nothing. On DuckDB an import (data, rejects, log) is one
transaction. Stores kept by other modules (the follow-up tasks of :mod:`cxray.comms.followups`)
write through the table-agnostic primitives :meth:`Workspace.append` and
:meth:`Workspace.replace`, inside :meth:`Workspace.transaction`.

Nothing here is translated: rejected rows are kept as reason codes with their parameters
(:class:`cxray.errors.Reject`), and shown with :func:`cxray.errors.reject_text`. The one
exception is the rejects CSV, a file for people, whose ``reason`` column is written in the
language of the moment.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import re
import secrets
import sys
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt_
import ibis.expr.operations as ops
import pyarrow as pa
import pyarrow.csv as pacsv

from cxray.compiled_sql import SqlStore
from cxray.compiled_sql import install as install_sql_store
from cxray.errors import CxrayError, Reject, reject_text
from cxray.ingest.read import ROW, Progress, open_table_file
from cxray.ingest.rejects import RejectGroup, group_rejects
from cxray.ingest.related import (
    Related,
    check_keys,
    latest_rows,
    split_maps,
    with_related,
)
from cxray.ingest.related import drop as drop_related
from cxray.ingest.schema import IMPORTS, REJECTS, TABLES, Table, empty_table
from cxray.ingest.validate import VALID, Validated, parse_maps, validate, watching
from cxray.lock import opened, remove_note, sole_writer, write_note
from cxray.sql_sandbox import sandboxed_query

DEFAULT_DIR = "cxray-workspace"
DB_FILE = "cxray.duckdb"
SQL_STORE = "compiled-sql"
"""The folder of the workspace where the SQL compiled for its queries is kept
(:mod:`cxray.compiled_sql`)."""
# DuckDB's memory while an import checks and writes a file (its temporary tables spill to disk
# beyond it): a file of 10M lines then fits a laptop. The setting ``memory_limit`` replaces it.
IMPORT_MEMORY_LIMIT = "1GB"
INTERNAL_PREFIX = "_"
# A writer that leaves the database file with more space unused than both of these (an import
# killed midway leaves its blocks past the end of the data) copies the data into a new file
# and puts it in place of the old one, before it lets go of the lock (see compact_file)
COMPACT_MIN_BYTES = 64 * 2**20
COMPACT_MIN_SHARE = 0.5
META = "_meta"
"""What cxray notes about the workspace itself, as key / value text: ``kind`` is ``demo`` for a
workspace ``cxray demo`` filled (imports into it are refused) and ``real`` for one ``cxray
init`` made. A table, so that it travels with the data on every backend."""
META_SCHEMA = {"key": "string", "value": "string"}
"""Tables cxray keeps besides the canonical ones (``_rejects``, ``_imports``, ``_followups``)
are named with this prefix; :meth:`Workspace.replace_all` drops them with the canonical tables."""

ACCOUNTS_PREFIX = "cxray_"
"""The prefix of the tables of users, API tokens and the audit log (:mod:`cxray.accounts`). Not
:data:`INTERNAL_PREFIX`: :meth:`Workspace.replace_all` (a demo) keeps them, and
:meth:`Workspace.sql` refuses to read them (they hold password and token hashes)."""

SETTINGS_TABLE = "_settings"
"""The workspace's settings as key / value text (see :data:`SETTINGS`)."""
SETTINGS_SCHEMA = {"key": "string", "value": "string"}


@dataclass(frozen=True)
class Setting:
    """A known setting: ``parse`` turns its text into a value or raises ValueError; ``expect``
    is the text key saying what a valid value looks like; ``default`` is the value when unset."""

    parse: Callable[[str], object]
    expect: str
    default: object = None

    def check(self, key: str, value: object) -> object:
        """``value`` parsed, or CxrayError ``setting_bad_value`` naming what is expected."""
        try:
            return self.parse(str(value))
        except (TypeError, ValueError):
            expect = {"key": self.expect, "params": {}}
            raise CxrayError("setting_bad_value", setting=key, value=value, expect=expect) from None


def _label(text: str) -> str:
    """A short label (a currency code or symbol): 1 to 12 printable characters, no spaces."""
    text = text.strip()
    if not 0 < len(text) <= 12 or not text.isprintable() or any(c.isspace() for c in text):
        raise ValueError(text)
    return text


GLOBAL_CONTROL_SHARE = 0.05
"""The default share of customers in the persistent global control group
(:func:`cxray.comms.holdout.in_global_control`), kept out of every campaign."""
MAX_GLOBAL_CONTROL_SHARE = 0.5


def _share(text: str) -> float:
    """A share from 0 to :data:`MAX_GLOBAL_CONTROL_SHARE` (``0.05``; a decimal comma too)."""
    share = float(text.strip().replace(",", "."))
    if not 0 <= share <= MAX_GLOBAL_CONTROL_SHARE:  # NaN fails this too
        raise ValueError(text)
    return share


def parse_channel_synonyms(text: str) -> dict[str, str]:
    """Extra channel spellings, written ``spelling=channel`` and separated by ``;`` or line
    breaks: ``"мыло=email; смска=sms; WA=whatsapp"`` -> ``{"мыло": "email", "смска": "sms",
    "wa": "whatsapp"}``. Both sides are read as channel names are (surrounding spaces dropped,
    inner runs of spaces made one, lower case); empty items are skipped, so ``""`` means no
    extras. ValueError for an item without exactly one ``=``, an empty spelling or channel, or
    a spelling given two different channels. The channel may be one cxray does not know."""
    extras: dict[str, str] = {}
    for item in text.replace("\n", ";").split(";"):
        if not item.strip():
            continue
        parts = [" ".join(part.split()).lower() for part in item.split("=")]
        if len(parts) != 2 or not all(parts):
            raise ValueError(item)
        spelling, channel = parts
        if extras.setdefault(spelling, channel) != channel:
            raise ValueError(item)
    return extras


def _channel_synonyms(text: str) -> str:
    """The extras of :func:`parse_channel_synonyms` written back as one line."""
    return "; ".join(f"{s}={c}" for s, c in parse_channel_synonyms(text).items())


def parse_stop_phrases(text: str) -> list[str]:
    """Extra stop phrases of the offer lint (:mod:`cxray.comms.offer_lint`), separated by ``;``
    or line breaks: ``"всё для вас; no hidden fees"``. Inner runs of spaces become one; empty
    items are skipped. ValueError for a phrase without a letter."""
    phrases = []
    for item in text.replace("\n", ";").split(";"):
        item = " ".join(item.split())
        if item and not any(c.isalpha() for c in item):
            raise ValueError(item)
        if item:
            phrases.append(item)
    return phrases


def _stop_phrases(text: str) -> str:
    """The phrases of :func:`parse_stop_phrases` written back as one line."""
    return "; ".join(parse_stop_phrases(text))


MIN_MEMORY_BYTES = 64 * 2**20
_MEMORY = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT])(I?)B", re.IGNORECASE)


def _memory_limit(text: str) -> str:
    """A DuckDB memory limit of at least 64 MiB: a number and a unit, KB, MB, GB, TB (powers of
    1000) or KiB, MiB, GiB, TiB (powers of 1024): ``2GB``, ``512MB``, ``1.5 gb`` -> ``1.5GB``."""
    found = _MEMORY.fullmatch(text.strip())
    if found is None:
        raise ValueError(text)
    number, unit, binary = found[1], found[2].upper(), bool(found[3])
    power = "KMGT".index(unit) + 1
    if float(number) * (1024 if binary else 1000) ** power < MIN_MEMORY_BYTES:
        raise ValueError(text)
    return f"{number}{unit}{'iB' if binary else 'B'}"


def parse_origins(text: str) -> list[str]:
    """Web origins separated by commas, each as a browser writes its ``Origin`` header:
    ``"https://Shop.example:443, http://127.0.0.1:9000/"`` -> ``["https://shop.example",
    "http://127.0.0.1:9000"]`` (scheme and host in lower case, a default port dropped, a final
    ``/`` allowed). ValueError for an item that is not ``http(s)://host[:port]``."""
    origins: list[str] = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        parts = urllib.parse.urlsplit(item)
        try:
            port = parts.port
        except ValueError:
            raise ValueError(item) from None
        if (parts.scheme.lower() not in ("http", "https") or not parts.hostname
                or parts.path not in ("", "/") or parts.query or parts.fragment
                or parts.username is not None or parts.password is not None):  # fmt: skip
            raise ValueError(item)
        scheme, host = parts.scheme.lower(), parts.hostname.lower()
        host = f"[{host}]" if ":" in host else host
        default = {"http": 80, "https": 443}[scheme]
        origin = f"{scheme}://{host}" + (f":{port}" if port not in (None, default) else "")
        if origin not in origins:
            origins.append(origin)
    return origins


def _origins(text: str) -> str:
    """The origins of :func:`parse_origins` written back as one line."""
    return ", ".join(parse_origins(text))


def _choice(*choices: str) -> Callable[[str], str]:
    """A checker of one of ``choices`` (surrounding spaces and case ignored)."""

    def parse(text: str) -> str:
        if text.strip().lower() not in choices:
            raise ValueError(text)
        return text.strip().lower()

    return parse


def parse_line_pages(text: str) -> dict[str, list[str]]:
    """The site's pages of each product line, written ``line=pattern, pattern`` and separated
    by ``;`` or line breaks: ``"Cheese=/catalog/cheese*; Wine=/catalog/wine*, /promo/wine*"``
    -> ``{"Cheese": ["/catalog/cheese*"], "Wine": ["/catalog/wine*", "/promo/wine*"]}``.
    Patterns are URL patterns of :mod:`cxray.analytics.web_actions` (``*`` for any run of
    characters; one starting with ``/`` is matched against the URL's path). Inner runs of
    spaces in a line's name become one; empty items are skipped. ValueError for an item
    without exactly one ``=``, an empty name, no pattern, a pattern with a space, or a line
    named twice."""
    lines: dict[str, list[str]] = {}
    for item in text.replace("\n", ";").split(";"):
        if not item.strip():
            continue
        parts = item.split("=")
        if len(parts) != 2:
            raise ValueError(item)
        name = " ".join(parts[0].split())
        patterns = [p.strip() for p in parts[1].split(",") if p.strip()]
        if not name or not patterns or name in lines or any(" " in p for p in patterns):
            raise ValueError(item)
        lines[name] = list(dict.fromkeys(patterns))
    return lines


def _line_pages(text: str) -> str:
    """The lines of :func:`parse_line_pages` written back as one line."""
    return "; ".join(f"{name}={', '.join(p)}" for name, p in parse_line_pages(text).items())


MAX_WEB_RATE = 10_000_000
MAX_FUNNEL_NAMES = 10


def parse_action_names(text: str) -> list[str]:
    """Action names separated by commas, in order, each once: ``"view, cart ,order"`` ->
    ``["view", "cart", "order"]``. ValueError for one name alone or more than
    :data:`MAX_FUNNEL_NAMES` (a funnel takes 2 to 10 steps); none at all is allowed (unset)."""
    names = list(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    if names and not 2 <= len(names) <= MAX_FUNNEL_NAMES:
        raise ValueError(text)
    return names


def _action_names(text: str) -> str:
    """The names of :func:`parse_action_names` written back as one line."""
    return ", ".join(parse_action_names(text))


def _rate(text: str) -> int:
    """A whole number of events per minute, 1 .. :data:`MAX_WEB_RATE`."""
    rate = int(text.strip())
    if not 1 <= rate <= MAX_WEB_RATE:
        raise ValueError(text)
    return rate


SETTINGS: dict[str, Setting] = {
    "currency": Setting(_label, "setting_expect_currency"),
    "global_control_share": Setting(_share, "setting_expect_share", GLOBAL_CONTROL_SHARE),
    "channel_synonyms": Setting(_channel_synonyms, "setting_expect_synonyms"),
    "memory_limit": Setting(_memory_limit, "setting_expect_memory"),
    "offer_stop_phrases": Setting(_stop_phrases, "setting_expect_phrases"),
    "web_origins": Setting(_origins, "setting_expect_origins"),
    "web_consent": Setting(_choice("required", "implied"), "setting_expect_consent", "required"),
    "web_dnt": Setting(_choice("respect", "ignore"), "setting_expect_dnt", "respect"),
    "web_rate_visitor": Setting(_rate, "setting_expect_rate", 600),
    "web_rate_address": Setting(_rate, "setting_expect_rate", 6000),
    "web_line_pages": Setting(_line_pages, "setting_expect_line_pages"),
    "web_funnel": Setting(_action_names, "setting_expect_funnel"),
}
"""Every setting a workspace keeps, one line each: name -> how it is checked and its default.

- ``currency``: the currency label of money headings and the report (none by default);
- ``global_control_share``: the share of all customers in the persistent global control group,
  kept out of every campaign (0 .. 0.5, default 0.05); a campaign file cannot change it;
- ``channel_synonyms``: channel spellings on top of the built-in table of
  :mod:`cxray.comms.channels` (:func:`parse_channel_synonyms`; none by default);
- ``memory_limit``: DuckDB's memory limit (``2GB``), set when the workspace is opened and used by
  imports (unset: DuckDB's default, and :data:`IMPORT_MEMORY_LIMIT` for imports);
- ``offer_stop_phrases``: stop phrases the offer lint finds on top of its built-in list
  (:func:`parse_stop_phrases`; none by default);
- ``web_origins``: the sites whose pages may send events to the collector (``POST /e``),
  comma-separated origins (:func:`parse_origins`; none by default: the collector accepts
  nothing);
- ``web_consent``: ``required`` (default: the snippet captures nothing before the site says the
  visitor consented) or ``implied``;
- ``web_dnt``: ``respect`` (default: a browser's Do Not Track or Global Privacy Control turns
  the snippet off) or ``ignore``;
- ``web_rate_visitor`` / ``web_rate_address``: events per minute the collector accepts from
  one visitor (default 600) / one client address (default 6000);
- ``web_line_pages``: the site's pages of each product line (:func:`parse_line_pages`; none by
  default), whose views white space reads as interest in the line;
- ``web_funnel``: the actions of the report's website funnel, in order, comma-separated
  (:func:`parse_action_names`: 2 to 10 names; none by default: no funnel)."""


def _known_setting(key: str) -> str:
    if key not in SETTINGS:
        raise CxrayError("setting_unknown", setting=key, known=", ".join(SETTINGS))
    return key


# Rejected rows: the reason as a code (``problem``, a text key) with its parameters (``column``,
# ``value``), never translated text. Workspaces made before this layout have a ``reason`` column
# of translated text after ``value``: :meth:`Workspace.append` fills it with NULL.

REJECTS_SCHEMA = {
    "import_id": "string",
    "table_name": "string",
    "file": "string",
    "sha256": "string",
    "row": "int64",
    "column": "string",
    "problem": "string",
    "value": "string",
    "raw": "string",
}
IMPORTS_SCHEMA = {
    "import_id": "string",
    "table_name": "string",
    "file": "string",
    "sha256": "string",
    "imported_at": "timestamp",
    "rows_read": "int64",
    "rows_new": "int64",
    "rows_updated": "int64",
    "rows_unchanged": "int64",
    "rows_rejected": "int64",
}


@dataclass
class ImportResult:
    """What an import did: counts, where the rejects went and the first few rejected rows
    (``first_rejects``: reason codes with their parameters; show one with
    :func:`cxray.errors.reject_text`)."""

    table: str
    file: str
    rows_read: int
    new: int
    updated: int
    unchanged: int
    rejected: int
    rejects_path: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    derived_amounts: int = 0  # rows whose amount was computed as quantity x price
    identical_lines: int = 0  # lines identical to an earlier line of their order, kept
    identical_amount: float = 0.0  # their amount
    first_rejects: list[Reject] = field(default_factory=list)
    # the rejects by reason code, largest first (see cxray.ingest.rejects.RejectGroup)
    rejects_by_reason: list[RejectGroup] = field(default_factory=list)
    # related tables filled from the file (--map "Country=customers.region"): table -> counts
    related: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "table": self.table,
            "file": self.file,
            "rows_read": self.rows_read,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "rejects_path": self.rejects_path,
            "ignored_columns": self.ignored_columns,
            "derived_amounts": self.derived_amounts,
            "identical_lines": self.identical_lines,
            "identical_amount": self.identical_amount,
            "rejects_by_reason": [g.to_dict() for g in self.rejects_by_reason],
            "related": self.related,
        }


@dataclass
class TableStatus:
    table: str
    rows: int
    rejected: int
    date_from: dt.date | None
    date_to: dt.date | None

    def to_dict(self) -> dict:
        return {
            "table": self.table,
            "rows": self.rows,
            "rejected": self.rejected,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }


def default_path() -> Path:
    return Path(os.environ.get("CXRAY_WORKSPACE", DEFAULT_DIR))


def masked_url(url: str) -> str:
    """``url`` with its password, if any, shown as ``***``."""
    parts = urllib.parse.urlsplit(url) if "://" in url else None
    if parts is None or not parts.password:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def holds_workspace(folder: Path | str | None) -> bool:
    """Whether ``folder`` (default: :func:`default_path`) holds a workspace's DuckDB file."""
    return (Path(folder) if folder is not None else default_path()).joinpath(DB_FILE).exists()


SPARK_SCHEMES = ("pyspark", "spark")


def is_spark_url(url: str) -> bool:
    """Whether ``url`` asks for Spark (``pyspark://...`` or a ``spark://host:port`` master)."""
    return urllib.parse.urlparse(url).scheme in SPARK_SCHEMES


def spark_conf(url: str, folder: Path) -> dict[str, str]:
    """The Spark properties a Spark backend URL asks for, with cxray's defaults filled in.

    - ``pyspark://`` runs Spark in local mode (``local[*]``) inside the cxray process;
    - ``pyspark://?spark.master=spark://host:7077&spark.executor.memory=8g``: every query
      parameter is a Spark property, set before the session starts (so ``spark.master``,
      ``spark.driver.memory`` or ``spark.sql.warehouse.dir`` work too);
    - ``spark://host:7077?spark.executor.memory=8g`` is the same with the master URL itself.

    In local mode the tables live in the workspace folder (``spark/warehouse``, catalogued in a
    Derby metastore in ``spark/metastore``) so that they outlive the process, as the DuckDB file
    does; on a cluster pass a warehouse every executor can reach and the cluster's metastore.
    """
    parsed = urllib.parse.urlparse(url)
    conf = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
    if parsed.scheme == "spark":
        if not parsed.netloc:
            raise ValueError("a spark:// URL names its master: spark://host:7077")
        conf.setdefault("spark.master", f"spark://{parsed.netloc}")
    elif parsed.netloc or parsed.path.strip("/"):
        raise ValueError(
            "Spark properties go in the query: pyspark://?spark.master=spark://host:7077"
        )
    conf.setdefault("spark.master", "local[*]")
    conf.setdefault("spark.app.name", "cxray")
    conf.setdefault("spark.sql.session.timeZone", "UTC")
    conf.setdefault("spark.ui.showConsoleProgress", "false")  # cxray shows its own progress
    conf.setdefault("spark.log.level", "ERROR")
    if conf["spark.master"].startswith("local"):
        base = (folder / "spark").absolute()
        conf.setdefault("spark.sql.catalogImplementation", "hive")
        conf.setdefault("spark.sql.warehouse.dir", str(base / "warehouse"))
        conf.setdefault(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={base / 'metastore'};create=true",
        )
        conf.setdefault("spark.driver.extraJavaOptions", f"-Dderby.system.home={base}")
        conf.setdefault("spark.pyspark.python", sys.executable)  # workers see cxray's packages
    return conf


def connect_spark(url: str, folder: Path) -> tuple[ibis.BaseBackend, bool]:
    """An Ibis PySpark connection for a Spark backend URL (see :func:`spark_conf`), and whether
    cxray started its session (inside a running Spark application cxray joins its session,
    applies only the URL's runtime properties and leaves the session running when it closes)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ImportError("pyspark is not installed: pip install 'cxray[spark]'") from None
    conf = spark_conf(url, folder)
    try:
        session = SparkSession.active()  # the running Spark application's session, if any
    except Exception:
        session = None
    if session is not None:
        asked = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(url).query))
        for key, value in asked.items():
            if session.conf.isModifiable(key):
                session.conf.set(key, value)
        return ibis.pyspark.connect(session), False
    builder = SparkSession.builder
    for key, value in conf.items():
        builder = builder.config(key, value)
    return ibis.pyspark.connect(builder.getOrCreate()), True


class _Tables(Mapping):
    """The canonical tables of a workspace, each looked up on first use from one listing of the
    workspace's tables (a question reads a few of them)."""

    def __init__(self, workspace: Workspace, listing: Mapping[str, list | None]) -> None:
        self._ws, self._listing, self._found = workspace, listing, {}

    def __getitem__(self, name: str) -> ibis.Table:
        if name not in TABLES:
            raise KeyError(name)
        if name not in self._found:
            held = self._ws._held(name, self._listing)
            self._found[name] = held if held is not None else empty_table(name)
        return self._found[name]

    def __iter__(self) -> Iterator[str]:
        return iter(TABLES)

    def __len__(self) -> int:
        return len(TABLES)


_WRITES = ("create_table", "drop_table", "rename_table", "truncate_table", "insert", "upsert",
           "create_view", "drop_view")  # fmt: skip
"""The methods of an Ibis backend that change which tables a database holds, or their rows."""

_changes: dict[str, int] = {}
"""How many times this process changed the tables of a workspace's DuckDB file (by the file's
resolved path): the mark of a listing of its tables (see :meth:`Workspace._listing`)."""

_HERE = "WHERE database_name = current_database() AND schema_name = current_schema()"
_COLUMNS_QUERY = (
    f"SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() {_HERE} "
    "ORDER BY table_name, column_index"
)
_VIEWS_QUERY = f"SELECT view_name FROM duckdb_views() {_HERE}"


class Workspace:
    """A workspace folder and its backend connection (``self.con``, an Ibis backend)."""

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        backend: str | None = None,
        read_only: bool = False,
        create: bool = False,
        wait: float | None = None,
    ) -> None:
        """``wait``: seconds to wait while another process holds the DuckDB file (default
        ``$CXRAY_WAIT``, else none), then CxrayError ``workspace_busy`` naming who holds it
        (see :mod:`cxray.lock`)."""
        self.path = Path(path) if path is not None else default_path()
        self.read_only = read_only
        self.backend_url = backend or os.environ.get("CXRAY_BACKEND") or None
        db = self.path / DB_FILE
        if self.backend_url is None and not db.exists() and not create:
            raise CxrayError("no_workspace", path=str(self.path))
        if create and not self.path.exists():
            # the workspace holds personal data: its folder is the user's only
            self.path.mkdir(parents=True, mode=0o700)
            self.path.chmod(0o700)
        self._owns_con = True  # False when cxray joined a Spark session it did not start
        self._in_transaction = False
        self._noted = False  # whether this process left the note that it writes the file
        try:
            if self.backend_url and is_spark_url(self.backend_url):
                self.con, self._owns_con = connect_spark(self.backend_url, self.path)
            elif self.backend_url:
                self.con = ibis.connect(self.backend_url)
            else:
                connect = lambda: ibis.duckdb.connect(str(db), read_only=read_only)  # noqa: E731
                self.con = opened(connect, self.path, wait)  # CxrayError workspace_busy
        except CxrayError:
            raise
        except Exception as err:  # a wrong URL, a missing driver
            if "different configuration" in str(err):  # DuckDB: open read-only and writable
                raise CxrayError("workspace_open_twice", path=str(self.path)) from None
            url = self.backend_url or str(db)
            detail = str(err).splitlines()[0]
            # a password in the URL is never shown, nor any echo of it in the driver's message
            secret = urllib.parse.urlsplit(url).password if "://" in url else None
            if secret:
                detail = detail.replace(secret, "***")
            raise CxrayError("backend_failed", url=masked_url(url), detail=detail) from None
        self.is_duckdb = self.con.name == "duckdb"
        # a DuckDB file's tables are listed once and the listing kept (see _listing)
        self._file = str(db.resolve()) if self.is_duckdb and self.backend_url is None else None
        self._listed: tuple[int, dict[str, list | None]] | None = None
        if self._file is not None:
            _watch_writes(self.con, self._file)
        if self.is_duckdb and self.backend_url is None and not read_only:
            write_note(self.path)  # who writes, for the processes that find the file locked
            self._noted = True
        self.sql_store: SqlStore | None = None  # a DuckDB file's (see SqlStore.built)
        if self.is_duckdb and self.backend_url is None:
            self.sql_store = install_sql_store(self.con, self.path / SQL_STORE)
        if self.is_duckdb:  # the terminal shows cxray's own progress, not DuckDB's
            self.con.raw_sql("SET enable_progress_bar_print = false")
            limit = self.setting("memory_limit")  # checked: digits and a unit
            if limit is not None:
                self.con.raw_sql(f"SET memory_limit = '{limit}'")

    def close(self) -> None:
        if not self._owns_con:
            return
        if self._noted and not self._in_transaction and sole_writer(self.path):
            compact_file(self.con.con, self.path / DB_FILE)
        with contextlib.suppress(Exception):
            self.con.disconnect()
        if self._noted:
            self._noted = False
            remove_note(self.path)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading --------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        """Whether the workspace holds table ``name`` (temporary tables of the connection, such
        as the session's cached results, do not count on a DuckDB file)."""
        return name in self._listing()

    def table(self, name: str) -> ibis.Table:
        """The canonical table ``name``; an empty table of the right schema if never imported."""
        held = self._held(name, self._listing())
        return held if held is not None else empty_table(name)

    def tables(self) -> Mapping[str, ibis.Table]:
        """Every canonical table (empty where never imported), by name (the backend's tables
        listed once, each table's columns read when it is first asked for)."""
        return _Tables(self, self._listing())

    def _listing(self) -> dict[str, list | None]:
        """The workspace's tables: name -> its columns as (name, type, nullable), None where
        they are not read yet.

        On a DuckDB file, one query gives every table with its columns, and the listing is kept
        until this process changes the file's tables (:data:`_changes`, counted by the backend's
        writing methods of every workspace of this process that holds the file, and by the end
        of each transaction). Nothing else can change them meanwhile: DuckDB lets a process
        write a file only while no other process holds it, read-only or not, and refuses to open
        a file read-only and writable in one process at once. So a read-only workspace lists
        its tables once; a writable one lists them again after its own writes. Raw SQL run on
        the connection (``con.raw_sql``, ``con.con``) is not watched: write through the
        workspace's methods. Any other backend is a server that others may write to: its tables
        are listed every time they are asked for."""
        if self._file is None:
            return dict.fromkeys(self.con.list_tables())
        mark = _changes.get(self._file, 0)
        if self._listed is None or self._listed[0] != mark:
            listing: dict[str, list | None] = {}
            for table, *column in self.con.con.execute(_COLUMNS_QUERY).fetchall():
                listing.setdefault(table, []).append(column)
            # a view's columns say nullable where DESCRIBE may not: Ibis reads those itself
            views = self.con.con.execute(_VIEWS_QUERY).fetchall()
            listing.update(dict.fromkeys(view for (view,) in views))
            self._listed = mark, listing
        return self._listed[1]

    def _held(self, name: str, listing: Mapping[str, list | None]) -> ibis.Table | None:
        """Table ``name`` of the backend (None when ``listing`` lacks it), with the columns the
        listing gives where it has them (as ``con.table(name)`` would read them)."""
        if name not in listing:
            return None
        columns = listing[name]
        schema = None
        if columns is not None:
            mapper = self.con.compiler.type_mapper
            schema = ibis.schema({c: _type(mapper, t, n) for c, t, n in columns})
        if schema is None or schema.geospatial:  # Ibis loads the spatial extension for these
            return self.con.table(name)
        return ops.DatabaseTable(name, schema=schema, source=self.con,
                                 namespace=ops.Namespace()).to_expr()  # fmt: skip

    def status(self) -> list[TableStatus]:
        """Rows held, rows rejected and the date range of every canonical table."""
        rejected: dict[str, int] = {}
        if self.has(REJECTS):
            r = self.con.table(REJECTS)
            # a file imported twice rejects the same rows twice: count each row once
            key = r.sha256.concat(ibis.literal("#"), r.row.cast("string"))
            counts = r.group_by("table_name").agg(n=key.nunique()).to_pyarrow().to_pylist()
            rejected = {row["table_name"]: row["n"] for row in counts}
        result = []
        for name, spec in TABLES.items():
            rows, lo, hi = 0, None, None
            if self.has(name):
                tbl = self.con.table(name)
                if spec.date_column:
                    col = tbl[spec.date_column]
                    row = tbl.aggregate(n=tbl.count(), lo=col.min(), hi=col.max())
                    rows, lo, hi = row.to_pyarrow().to_pylist()[0].values()
                else:
                    rows = tbl.count().to_pyarrow().as_py()
            result.append(
                TableStatus(name, int(rows), rejected.get(name, 0), as_date(lo), as_date(hi))
            )
        return result

    def sql(self, query: str, max_rows: int | None = None) -> pa.Table:
        """Run one read-only query (SELECT / WITH ...) against the workspace tables, returning at
        most ``max_rows`` rows (all when None).

        On DuckDB the query is sandboxed (:mod:`cxray.sql_sandbox`): it reads the workspace's
        tables only (no files, URLs or extensions) and is stopped after
        :data:`~cxray.sql_sandbox.TIMEOUT_SECONDS`."""
        import sqlglot
        from sqlglot import exp

        try:
            statements = [s for s in sqlglot.parse(query, read=self.con.dialect) if s is not None]
        except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as err:  # '$', '['
            raise CxrayError("sql_failed", detail=str(err).splitlines()[0]) from None
        if len(statements) != 1 or not isinstance(statements[0], exp.Query):
            raise CxrayError("sql_not_read_only")
        for table in statements[0].find_all(exp.Table):
            if table.name.lower().startswith(ACCOUNTS_PREFIX):
                raise CxrayError("sql_not_allowed", what=table.name)
        if self.is_duckdb:
            return sandboxed_query(self.con.con, query, max_rows, refused_prefix=ACCOUNTS_PREFIX)
        try:
            expr = self.con.sql(query)
            return (expr.limit(max_rows) if max_rows is not None else expr).to_pyarrow()
        except Exception as err:
            raise CxrayError("sql_failed", detail=str(err).strip().splitlines()[0]) from None

    # --- writing --------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """The value noted under ``key`` in the :data:`META` table, None when there is none."""
        tbl = self._held(META, self._listing())
        if tbl is None:
            return None
        found = tbl.filter(tbl.key == key).value.to_pyarrow().to_pylist()
        return found[-1] if found else None

    def set_meta(self, key: str, value: str) -> None:
        """Note ``value`` under ``key`` in the :data:`META` table (replacing what was there)."""
        with self.transaction():
            if self.has(META):
                tbl = self.con.table(META)
                self.replace(META, tbl.filter(tbl.key != key))
            self.append(META, pa.table({"key": [key], "value": [value]}), META_SCHEMA)

    # --- settings (one store, the keys of SETTINGS) ---------------------------------------

    def settings(self) -> dict[str, object]:
        """Every known setting (:data:`SETTINGS`) with its value: stored, else its default."""
        stored = {}
        held = self._held(SETTINGS_TABLE, self._listing())
        if held is not None:
            rows = held.to_pyarrow().to_pylist()
            stored = {r["key"]: r["value"] for r in rows if r["key"] in SETTINGS}
        return {
            key: SETTINGS[key].parse(stored[key]) if key in stored else SETTINGS[key].default
            for key in SETTINGS
        }

    def setting(self, key: str) -> object:
        """The value of the setting ``key`` (CxrayError ``setting_unknown`` for a key that is
        not in :data:`SETTINGS`)."""
        return self.settings()[_known_setting(key)]

    def set_setting(self, key: str, value: object) -> object:
        """Check ``value`` for the setting ``key`` and store it (CxrayError
        ``setting_unknown`` / ``setting_bad_value``); returns the value as stored."""
        spec = SETTINGS[_known_setting(key)]
        parsed = spec.check(key, value)
        with self.transaction():
            if self.has(SETTINGS_TABLE):
                tbl = self.con.table(SETTINGS_TABLE)
                self.replace(SETTINGS_TABLE, tbl.filter(tbl.key != key))
            row = pa.table({"key": [key], "value": [str(parsed)]})
            self.append(SETTINGS_TABLE, row, SETTINGS_SCHEMA)
        return parsed

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing on DuckDB; other backends apply statements as they come.

        Transactions nest: inside one, another is part of it (the outermost commits or rolls
        back everything).
        """
        if not self.is_duckdb or self._in_transaction:
            yield
            return
        self.con.raw_sql("BEGIN TRANSACTION")
        self._in_transaction = True
        before = _changes.get(self._file, 0) if self._file is not None else 0
        try:
            yield
        except BaseException:
            self.con.raw_sql("ROLLBACK")
            if self.sql_store is not None:  # the views it made are undone too
                self.sql_store.forget()
            raise
        else:
            self.con.raw_sql("COMMIT")
        finally:
            self._in_transaction = False
            # tables it created or dropped are undone, or seen by the process's other
            # connections (rows appended change no listing)
            if self._file is not None and _changes.get(self._file, 0) != before:
                _changed(self._file)

    def import_file(
        self,
        table: str,
        file: Path | str,
        *,
        maps: list[str] | None = None,
        sep: str | None = None,
        encoding: str | None = None,
        date_format: str | None = None,
        identical_lines: str = "keep",
        progress: Progress | None = None,
    ) -> ImportResult:
        """Import ``file`` into canonical table ``table``.

        ``date_format`` (strftime syntax) reads every date column; ``identical_lines``
        (``"keep"`` or ``"reject"``) says what becomes of identical lines of one order in a file
        without line numbers (see :func:`cxray.ingest.validate.validate`).

        Valid rows are upserted by natural key; rejected rows go to the ``_rejects`` table and
        to ``rejects/<import id>.csv`` in the workspace folder, each with its reason. A file that
        cannot be read raises CxrayError and changes nothing; so does a file whose rows are all
        rejected (its rejects file is still written so the user can see why).
        """
        spec = _spec(table)
        if self.meta("kind") == "demo":  # a user's rows must not mix with synthetic ones
            raise CxrayError(
                "import_into_demo", path=masked_url(self.backend_url or str(self.path))
            )
        file = Path(file)
        # "Country=customers.region": related columns, read with the rows (cxray.ingest.related)
        pairs, related = split_maps(spec, parse_maps(maps))
        raw = open_table_file(file, sep=sep, encoding=encoding)
        # a DuckDB workspace checks the rows itself, so they never leave it
        engine = self.con.con if self.is_duckdb else None
        checked = validate(
            raw, with_related(spec, related), pairs, progress=progress, engine=engine,
            date_format=date_format, identical_lines=identical_lines,
            memory_limit=self.setting("memory_limit") or IMPORT_MEMORY_LIMIT,
        )  # fmt: skip
        related_counts: dict[str, dict[str, int]] = {}
        try:
            check_keys(checked, spec, related, file.name)
            import_id = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f") + "-" + table
            with file.open("rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
            rejects_path = (
                self._write_rejects_csv(import_id, checked) if checked.rejects.num_rows else None
            )
            first = [Reject(r, p, c, v) for r, p, c, v in _reject_rows(checked.rejects, 5)]
            by_reason = group_rejects(checked)
            if checked.valid_rows == 0 and checked.rejects.num_rows:
                raise CxrayError(
                    "all_rows_rejected",
                    file=file.name,
                    rows=checked.rows_read,
                    row=first[0].row,
                    reason=first[0].as_text(),
                    path=str(rejects_path),
                )
            present = set(checked.mapping.source_of) | set(checked.mapping.extra)
            present |= set(checked.mapping.derived)  # amount from quantity x price
            present |= {"line_no"} if table == "orders" else set()
            present |= {"contact_id"} if table == "contacts" else set()
            valid = self.con.table(VALID).drop(ROW) if engine else ibis.memtable(checked.valid())
            valid = valid.drop(*(r.name for r in related)) if related else valid
            writing = (
                watching(engine, progress, checked.valid_rows, "writing", "rows")
                if engine
                else contextlib.nullcontext()
            )
            with self.transaction(), writing:
                if table == "orders" and "line_no" not in checked.mapping.source_of:
                    valid = self._match_order_lines(valid)
                counts = self._upsert(spec, valid, present, checked.valid_rows)
                related_counts = self._upsert_related(checked, spec, related)
                self._log_rejects(import_id, table, file, digest, checked)
                self._log_import(import_id, table, file, digest, checked, counts, related_counts)
                if self.meta("kind") is None:  # a user's file: the demo must not replace it
                    self.set_meta("kind", "real")
        finally:
            with contextlib.suppress(Exception):
                self.con.drop_table("_matched", force=True)
            checked.close()
        return ImportResult(
            table,
            str(file),
            checked.rows_read,
            *counts,
            rejected=checked.rejects.num_rows,
            rejects_path=str(rejects_path) if rejects_path else None,
            ignored_columns=checked.mapping.ignored,
            derived_amounts=checked.derived_amounts,
            identical_lines=checked.identical_lines,
            identical_amount=checked.identical_amount,
            first_rejects=first,
            rejects_by_reason=by_reason,
            related=related_counts,
        )

    def write(self, table: str, data: pa.Table | object) -> tuple[int, int, int]:
        """Upsert already-clean rows (a pandas DataFrame or Arrow table with canonical columns).

        Returns (new, updated, unchanged). Used by the demo generator and by tests.
        """
        spec = _spec(table)
        arrow = self._canonical_arrow(spec, data)
        with self.transaction():
            return self._upsert(spec, ibis.memtable(arrow), set(arrow.column_names), arrow.num_rows)

    def add_web_events(self, data: pa.Table) -> int:
        """Add the events of ``data`` (canonical ``web_events`` columns) that the table does not
        hold yet, by ``event_id``: an event sent twice (a retry, a beacon sent again from the
        next page) is kept once, the first received. One transaction; returns the rows added.
        Adding the same rows again adds none, so a journal flushed twice changes nothing."""
        spec = _spec("web_events")
        arrow = self._canonical_arrow(spec, data)
        if not arrow.num_rows:
            return 0
        with self.transaction():
            if not self.has(spec.name):
                self.con.create_table(spec.name, schema=ibis.schema(spec.ibis_schema()))
            if self.is_duckdb:  # every second while a site sends: no Ibis to compile
                return self._add_new_rows(spec, arrow)
            incoming = ibis.memtable(arrow)
            first = ibis.row_number().over(group_by="event_id", order_by="received_at")
            once = incoming.mutate(_first=first).filter(lambda t: t._first == 0).drop("_first")
            new = once.anti_join(self.con.table(spec.name), "event_id").to_pyarrow()
            self.append(spec.name, new, spec.ibis_schema())
        return new.num_rows

    def _add_new_rows(self, spec: Table, arrow: pa.Table) -> int:
        """:meth:`add_web_events` on DuckDB: one INSERT of the Arrow rows whose key is new,
        the first received of each key."""
        raw, view = self.con.con, f"{INTERNAL_PREFIX}new_{secrets.token_hex(8)}"
        key = '"' + spec.key[0] + '"'
        stored = self.table(spec.name).columns  # from the kept listing: no query
        columns = ", ".join(f'"{c}"' if c in arrow.column_names else "NULL" for c in stored)
        raw.register(view, arrow)
        try:
            return raw.execute(
                f'INSERT INTO "{spec.name}" SELECT {columns} FROM (SELECT *, row_number() OVER '
                f'(PARTITION BY {key} ORDER BY received_at) AS _first FROM "{view}") AS v '
                f'WHERE _first = 1 AND NOT EXISTS (SELECT 1 FROM "{spec.name}" AS held '
                f"WHERE held.{key} = v.{key})"
            ).fetchone()[0]
        finally:
            raw.unregister(view)

    def replace_all(self, frames: dict[str, object]) -> None:
        """Drop the data of the workspace (the canonical tables and cxray's own, named with
        :data:`INTERNAL_PREFIX`) and write ``frames`` (table name -> rows) instead. The users,
        tokens and audit log (:data:`ACCOUNTS_PREFIX`) stay."""
        with self.transaction():
            held = self.con.list_tables()
            for name in [*TABLES, *(n for n in held if n.startswith(INTERNAL_PREFIX))]:
                if name in held:
                    self.con.drop_table(name)
            for name, frame in frames.items():
                arrow = self._canonical_arrow(_spec(name), frame)
                self._upsert(_spec(name), ibis.memtable(arrow), set(), arrow.num_rows)

    def append(self, name: str, data: pa.Table, schema: object) -> None:
        """Append the rows of ``data`` to table ``name``, creating it with ``schema`` (anything
        :func:`ibis.schema` takes: a dict of type names, an Ibis or Arrow schema) if missing.

        Rows go in by column name: a stored column that ``data`` lacks (a column of an older
        layout) is filled with NULL; ``data`` must not carry columns the table lacks. No
        transaction of its own: call it inside :meth:`transaction` to make it part of one.
        """
        if not self.has(name):
            self.con.create_table(name, schema=ibis.schema(schema))
        stored = self.table(name).schema()  # from the kept listing: no query
        unknown = [c for c in data.column_names if c not in stored]
        if unknown:
            raise ValueError(f"table {name} has no column(s) {', '.join(unknown)}")
        aligned = pa.table(
            {
                c: data.column(c).cast(typ.to_pyarrow())
                if c in data.column_names
                else pa.nulls(data.num_rows, typ.to_pyarrow())
                for c, typ in stored.items()
            }
        )
        if not aligned.num_rows:
            return
        if not self.is_duckdb:
            self.con.insert(name, aligned)
            return
        # DuckDB reads the Arrow rows as they are: no SQL to compile for each batch of literals
        # (an audit entry, a follow-up task), which Ibis' insert would compile and keep anew
        raw, view = self.con.con, f"{INTERNAL_PREFIX}append_{secrets.token_hex(8)}"
        raw.register(view, aligned)
        try:
            quoted = '"' + name.replace('"', '""') + '"'
            raw.execute(f'INSERT INTO {quoted} SELECT * FROM "{view}"')
        finally:
            raw.unregister(view)

    def replace(self, name: str, expr: ibis.Table) -> None:
        """Overwrite table ``name`` with the rows of ``expr`` (which may read ``name`` itself).

        The rows are staged in a scratch table first, so the expression is computed before the
        table is overwritten; all or nothing on DuckDB (one :meth:`transaction`, which may be
        part of the caller's).
        """
        con = self.con
        staged_name = f"{INTERNAL_PREFIX}{name.lstrip(INTERNAL_PREFIX)}_staged"
        with self.transaction():
            try:
                staged = con.create_table(staged_name, expr, overwrite=True)
                con.create_table(name, staged, overwrite=True)
            finally:
                with contextlib.suppress(Exception):
                    con.drop_table(staged_name, force=True)

    def _canonical_arrow(self, spec: Table, data: pa.Table | object) -> pa.Table:
        if not isinstance(data, pa.Table):
            data = pa.Table.from_pandas(data, preserve_index=False)
        extra = [c for c in data.column_names if spec.column(c) is None]
        schema = ibis.schema(spec.ibis_schema(extra if spec.extra_columns else []))
        return pa.table(
            {
                n: data.column(n).cast(t.to_pyarrow())
                if n in data.column_names
                else pa.nulls(data.num_rows, t.to_pyarrow())
                for n, t in schema.items()
            }
        )

    def _upsert_related(
        self, checked: Validated, spec: Table, related: list[Related]
    ) -> dict[str, dict[str, int]]:
        """Upsert the related tables' rows of a validated file (see :mod:`cxray.ingest.related`):
        only the mapped columns of rows already held change. Returns table -> counts."""
        if not related:
            return {}
        made = latest_rows(checked, spec, related)
        counts = {}
        try:
            for name, temp in made.items():
                rows = checked.engine.execute(f"SELECT count(*) FROM {temp}").fetchone()[0]
                if self.is_duckdb:  # the same connection: the rows never leave it
                    data = self.con.table(temp)
                else:
                    rows_of = checked.engine.sql(f"SELECT * FROM {temp}").to_arrow_table()
                    data = ibis.memtable(rows_of)
                present = {*TABLES[name].key, *(r.column for r in related if r.table == name)}
                new, updated, unchanged = self._upsert(TABLES[name], data, present, rows)
                counts[name] = {"new": new, "updated": updated, "unchanged": unchanged}
        finally:
            drop_related(checked, made)
        return counts

    def _match_order_lines(self, data: ibis.Table) -> ibis.Table:
        """Give order lines from a file without line numbers the numbers of the stored lines.

        A file line matches the stored line of the same order and SKU with the same rank (the
        k-th milk line of order 7 in the file is the k-th stored milk line of order 7), so a file
        with only some lines of an order updates those and keeps the others; lines without a
        match are numbered after the order's highest stored line number. The result is the
        table ``_matched``, which the caller drops.
        """
        if not self.has("orders"):
            return data
        con = self.con
        stored = con.table("orders")
        incoming = con.create_table("_lines", data, overwrite=True)
        try:
            occ = ibis.row_number().over(group_by=["order_id", "sku"], order_by="line_no")
            inc = incoming.mutate(_occ=occ)
            held = stored.semi_join(incoming.select("order_id").distinct(), "order_id")
            held = held.select("order_id", "sku", "line_no").mutate(_occ=occ)
            held = held.rename(_h_order="order_id", _h_sku="sku", _h_line="line_no", _h_occ="_occ")
            j = inc.left_join(
                held,
                [
                    inc.order_id == held._h_order,
                    inc.sku.identical_to(held._h_sku),
                    inc._occ == held._h_occ,
                ],
            )
            top = stored.group_by(_t_order=stored.order_id).aggregate(_top=stored.line_no.max())
            j = j.left_join(top, j.order_id == top._t_order)
            unmatched = j._h_line.isnull()
            extra = ibis.row_number().over(group_by=[j.order_id, unmatched], order_by=j.line_no)
            line = ibis.cases((unmatched, j._top.fill_null(0) + extra + 1), else_=j._h_line)
            result = j.mutate(line_no=line.cast("int64")).select(*data.columns)
            return con.create_table("_matched", result, overwrite=True)
        finally:
            with contextlib.suppress(Exception):
                con.drop_table("_lines", force=True)

    def _upsert(
        self, spec: Table, data: ibis.Table, present: set[str], rows: int
    ) -> tuple[int, int, int]:
        """Upsert the ``rows`` rows of ``data`` into ``spec``'s table by its natural key."""
        name, key, con = spec.name, list(spec.key), self.con
        if not self.has(name):
            con.create_table(name, data)
            return rows, 0, 0
        existing = con.table(name)
        columns = list(data.columns)
        new_columns = [c for c in columns if c not in existing.columns]
        incoming = con.create_table("_incoming", data, overwrite=True)
        try:
            # columns the file did not carry keep their stored values for rows already held
            absent = [c for c in existing.columns if c not in present]
            if absent:
                held = existing.select(
                    *key, *[existing[c].name(f"_old_{c}") for c in absent], _hit=ibis.literal(True)
                )
                j = incoming.left_join(held, _same(incoming, held, key))
                incoming = j.select(
                    *[j[c] for c in columns if c not in absent],
                    *[
                        ibis.cases((j["_hit"].notnull(), j[f"_old_{c}"]), else_=j[c]).name(c)
                        if c in columns
                        else ibis.cases((j["_hit"].notnull(), j[f"_old_{c}"])).name(c)
                        for c in absent
                    ],
                )
                incoming = con.create_table("_filled", incoming, overwrite=True)
            cols = [c for c in columns if c in existing.columns] + [
                c for c in absent if c not in columns
            ]
            changed_expr = incoming.anti_join(existing, _same(incoming, existing, cols))
            changed = con.create_table("_changed", changed_expr, overwrite=True)
            n_changed = changed.count().to_pyarrow().as_py()
            n_new = changed.anti_join(existing, _same(changed, existing, key)).count()
            n_new = n_new.to_pyarrow().as_py()
            n_updated = n_changed - n_new
            n_unchanged = rows - n_changed
            if n_changed == 0:
                return 0, 0, n_unchanged
            if n_updated == 0 and not new_columns:
                con.insert(name, changed.select(*existing.columns))
            else:
                keep = existing.anti_join(changed, _same(existing, changed, key))
                all_cols = list(existing.columns) + new_columns
                keep = keep.mutate(**{c: ibis.null("string") for c in new_columns})
                changed = changed.mutate(
                    **{
                        c: ibis.null(existing[c].type())
                        for c in all_cols
                        if c not in changed.columns
                    }
                )
                merged = keep.select(*all_cols).union(changed.select(*all_cols))
                staged = con.create_table("_merged", merged, overwrite=True)
                con.create_table(name, staged, overwrite=True)
            return n_new, n_updated, n_unchanged
        finally:
            for tmp in ("_incoming", "_filled", "_changed", "_merged"):
                with contextlib.suppress(Exception):
                    con.drop_table(tmp, force=True)

    def _write_rejects_csv(self, import_id: str, checked: Validated) -> Path:
        out = self.path / "rejects"
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"{import_id}.csv"
        rej = checked.rejects
        rows = list(_reject_rows(rej))
        # a file for people: the reason in the language of the moment, and its code
        reasons = [reject_text(Reject(*r)) for r in rows]
        table = rej.drop_columns(["_column", "_problem", "_value"])
        # "row", "reason" and "problem" unless the file has columns of those names
        row_name, reason_name, problem_name = (
            name if name not in table.column_names else f"_{name}"
            for name in ("row", "reason", "problem")
        )
        table = table.rename_columns([c if c != ROW else row_name for c in table.column_names])
        table = table.append_column(reason_name, pa.array(reasons, pa.string()))
        table = table.append_column(problem_name, pa.array([r[1] for r in rows], pa.string()))
        with path.open("wb") as fh:
            fh.write(b"\xef\xbb\xbf")  # BOM: Excel opens Cyrillic UTF-8 correctly
            pacsv.write_csv(table, fh)
        return path

    def _log_rejects(
        self, import_id: str, table: str, file: Path, digest: str, checked: Validated
    ) -> None:
        rej = checked.rejects
        if not rej.num_rows:
            return
        header = [c for c in rej.column_names if not c.startswith("_")]
        raw_json = [
            json.dumps({h: row[h] for h in header}, ensure_ascii=False) for row in rej.to_pylist()
        ]
        rows = list(_reject_rows(rej))
        data = pa.table(
            {
                "import_id": [import_id] * len(rows),
                "table_name": [table] * len(rows),
                "file": [str(file)] * len(rows),
                "sha256": [digest] * len(rows),
                "row": pa.array([r[0] for r in rows], pa.int64()),
                "column": pa.array([r[2] for r in rows], pa.string()),
                "problem": pa.array([r[1] for r in rows], pa.string()),
                "value": pa.array([r[3] for r in rows], pa.string()),
                "raw": raw_json,
            }
        )
        self.append(REJECTS, data, REJECTS_SCHEMA)

    def _log_import(
        self,
        import_id: str,
        table: str,
        file: Path,
        digest: str,
        checked: Validated,
        counts: tuple,
        related: dict[str, dict[str, int]] | None = None,
    ) -> None:
        """One row of the import log for ``table``, and one per related table the file filled
        (``--map``: its rows read are the keys the file gave it, none rejected)."""
        rows = [(table, checked.rows_read, *counts, checked.rejects.num_rows)]
        for name, c in (related or {}).items():
            given = c["new"] + c["updated"] + c["unchanged"]
            rows.append((name, given, c["new"], c["updated"], c["unchanged"], 0))
        now = dt.datetime.now()
        numbers = ("rows_read", "rows_new", "rows_updated", "rows_unchanged", "rows_rejected")
        data = pa.table(
            {
                "import_id": [import_id] * len(rows),
                "table_name": [r[0] for r in rows],
                "file": [str(file)] * len(rows),
                "sha256": [digest] * len(rows),
                "imported_at": pa.array([now] * len(rows), pa.timestamp("us")),
                **{
                    n: pa.array([r[i + 1] for r in rows], pa.int64()) for i, n in enumerate(numbers)
                },
            }
        )
        self.append(IMPORTS, data, IMPORTS_SCHEMA)


@functools.cache
def _type(type_mapper: type, text: str, nullable: bool) -> dt_.DataType:
    """The Ibis type of a DuckDB column type (parsing one takes Ibis a fraction of a ms)."""
    return type_mapper.from_string(text, nullable=nullable)


def _changed(file: str) -> None:
    """Note that this process changed the tables of the DuckDB ``file``."""
    _changes[file] = _changes.get(file, 0) + 1


def _watch_writes(con: ibis.BaseBackend, file: str) -> None:
    """Make the writing methods of the Ibis backend ``con`` (:data:`_WRITES`) note each change
    of ``file`` (:func:`_changed`); the temporary tables of a session (``temp=True``) leave the
    workspace's tables as they are."""

    def watched(write: Callable) -> Callable:
        def write_and_note(*args: object, **kwargs: object) -> object:
            try:
                return write(*args, **kwargs)
            finally:
                if not kwargs.get("temp"):
                    _changed(file)

        return write_and_note

    for method in _WRITES:
        if hasattr(con, method):
            setattr(con, method, watched(getattr(con, method)))


def compact_file(con: object, db: Path) -> bool:
    """Rewrite the DuckDB file ``db`` that ``con`` holds writable when more of it is unused
    than :data:`COMPACT_MIN_BYTES` and :data:`COMPACT_MIN_SHARE` of the file: the data is copied
    into a new file (0600) that atomically takes the old one's place while ``con`` still holds
    the lock. DuckDB reuses such space on later writes but never gives it back. Whether the file
    was rewritten; a failure leaves the old file as it was."""
    spare_file = db.with_name(db.name + ".compact")
    try:
        con.execute("CHECKPOINT")  # what DuckDB does on closing anyway: the free blocks known
        size = db.stat().st_size
        info = con.execute("PRAGMA database_size").fetchone()
        used = int(info[2]) * int(info[4])  # block size x used blocks
        spare = size - used
        if spare <= COMPACT_MIN_BYTES or spare <= COMPACT_MIN_SHARE * size:
            return False
        name = con.execute("SELECT current_database()").fetchone()[0]
        spare_file.unlink(missing_ok=True)
        quoted = str(spare_file).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS cxray_compact")
        try:
            con.execute(f'COPY FROM DATABASE "{name}" TO cxray_compact')
        finally:
            con.execute("DETACH cxray_compact")
        spare_file.chmod(0o600)
        os.replace(spare_file, db)
        return True
    except Exception:
        spare_file.unlink(missing_ok=True)
        return False


def _spec(table: str) -> Table:
    if table not in TABLES:
        raise CxrayError("unknown_table", table=table, known=", ".join(TABLES))
    return TABLES[table]


def _same(left: ibis.Table, right: ibis.Table, cols: list[str]) -> list:
    """Null-safe equality of ``cols`` between two tables (for joins on natural keys)."""
    return [left[c].identical_to(right[c]) for c in cols]


def _reject_rows(rejects: pa.Table, limit: int | None = None) -> Iterator[tuple]:
    """(row, problem, column, value) of each rejected row, the order of :class:`Reject`."""
    rows = rejects.select([ROW, "_problem", "_column", "_value"])
    if limit is not None:
        rows = rows.slice(0, limit)
    return zip(*(rows.column(i).to_pylist() for i in range(4)), strict=True)


def as_date(value: object) -> dt.date | None:
    """A date from what a backend returns for a date column (a date, a datetime or None)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value  # type: ignore[return-value]
