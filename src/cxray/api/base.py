"""What every question of a session shares: the workspace, its tables, the default as-of
date and the intermediates computed once per date (customer status, the CLV fit).

:class:`SessionBase` is the part of :class:`cxray.api.session.Session` that the campaign,
feedback and report helpers need; the questions themselves live in ``session.py``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis.expr.types as ir

from cxray.api.dates import DateLike, parse_day
from cxray.api.results import Notice
from cxray.errors import CxrayError
from cxray.ingest.schema import TABLES, empty_table
from cxray.workspace import SETTINGS, Workspace, as_date, masked_url, parse_channel_synonyms

if TYPE_CHECKING:  # pragma: no cover
    from cxray.analytics.clv import ClvResult
    from cxray.analytics.coverage import Shortfall, Span
    from cxray.analytics.structure import StructureParams

CLV_DEFAULTS = {"unit": "week", "horizon": 52, "discount_rate": 0.1, "margin": 1.0}
"""The CLV options every consumer (alerts, campaign rules, the report) fits with."""


def rows_of(expr: ir.Table) -> list[dict]:
    """An executed Ibis table as a list of row dicts."""
    return expr.to_pyarrow().to_pylist()


def notices(found: list[Shortfall]) -> list[Notice]:
    """The analytics' shortfalls as result notices."""
    return [Notice(s.code, dict(s.params)) for s in found]


class SessionBase:
    """A workspace (or tables you hold) with caches; see :class:`cxray.api.session.Session`."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._tables: Mapping[str, ir.Table] | None = None
        self._cache: dict[tuple, Any] = {}

    @classmethod
    def from_tables(cls, tables: Mapping[str, ir.Table]) -> Any:
        """A read-only session over Ibis tables you hold (canonical names; missing tables count
        as empty), e.g. tables of your own backend connection. ``status``, ``sql``,
        ``import_file`` and the follow-up store need a workspace."""
        session = cls.__new__(cls)
        session.workspace = None
        session._tables = {
            name: tables.get(name) if name in tables else empty_table(name) for name in TABLES
        }
        session._cache = {}
        return session

    # --- the session ------------------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        return self.workspace.path if self.workspace is not None else None

    def close(self) -> None:
        self._release()
        if self.workspace is not None:
            self.workspace.close()

    def __enter__(self) -> SessionBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = "tables"
        if self.workspace:
            where = masked_url(self.workspace.backend_url or str(self.path))
        return f"<cxray session {where}>"

    def tables(self) -> Mapping[str, ir.Table]:
        """Every canonical table (empty where never imported), by name."""
        if self._tables is None:
            self._tables = self._ws().tables()
        return self._tables

    def _ws(self) -> Workspace:
        if self.workspace is None:
            raise CxrayError("bad_parameter", detail="this session has no workspace")
        return self.workspace

    def _setting(self, key: str) -> Any:
        """The workspace setting ``key`` (:data:`cxray.workspace.SETTINGS`); its default in a
        session over tables without a workspace."""
        if self.workspace is None and key in SETTINGS:
            return SETTINGS[key].default
        return self._ws().setting(key)

    def _channel_synonyms(self) -> dict[str, str]:
        """The workspace's extra channel spellings (setting ``channel_synonyms``): spelling ->
        channel, for :mod:`cxray.comms.channels`."""
        return parse_channel_synonyms(self._setting("channel_synonyms") or "")

    def _writable(self) -> Workspace:
        ws = self._ws()
        if ws.read_only:
            raise CxrayError("read_only_session")
        return ws

    def _changed(self) -> None:
        """Forget what was computed: the workspace's tables changed."""
        self._tables = None
        self._release()

    def _release(self) -> None:
        """Drop what the session cached, the backend's cached tables first (while the
        connection is still open)."""
        for value in self._cache.values():
            if hasattr(value, "release"):
                with contextlib.suppress(Exception):
                    value.release()
        self._cache.clear()

    def _forget(self, kind: str) -> None:
        """Drop what was cached under keys that start with ``kind`` (the follow-up tasks of the
        customer cards after a task was written)."""
        for key in [key for key in self._cache if key[0] == kind]:
            del self._cache[key]

    def _once(self, key: tuple, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # --- defaults ---------------------------------------------------------------------------

    def latest_order_date(self) -> dt.date | None:
        """The date of the latest order (None without orders)."""
        return self.latest_date("orders")

    def latest_date(self, *tables: str) -> dt.date | None:
        """The latest date of the canonical ``tables`` (their date columns: ``order_date`` of
        orders, ``date`` of responses, ``sent_at`` of sends ...), None when they are empty."""
        found = [self._once(("latest", name), lambda name=name: self._latest(name))
                 for name in tables]  # fmt: skip
        days = [d for d in found if d is not None]
        return max(days) if days else None

    def _latest(self, name: str) -> dt.date | None:
        column = self.tables()[name][TABLES[name].date_column]
        return as_date(column.max().to_pyarrow().as_py())

    def resolve_as_of(
        self,
        as_of: DateLike = None,
        name: str = "as_of",
        *,
        reads: tuple[str, ...] = ("orders",),
        otherwise: tuple[str, ...] = (),
    ) -> dt.date:
        """``as_of`` as a date; by default the latest date of the tables the question
        ``reads`` (the orders unless told), or of the tables ``otherwise`` names when those
        are empty (CxrayError when they are all empty)."""
        day = parse_day(as_of, name)
        if day is not None:
            return day
        latest = self.latest_date(*reads)
        if latest is None and otherwise:
            latest = self.latest_date(*otherwise)
        if latest is None:
            raise CxrayError("as_of_required", tables=", ".join(reads))
        return latest

    # --- coverage and fit checks ------------------------------------------------------------

    def order_span(self, as_of: dt.date) -> Span:
        """The first and last order date up to ``as_of`` (once per session and date)."""
        from cxray.analytics.coverage import order_span

        return self._once(("span", as_of), lambda: order_span(self.tables()["orders"], as_of))

    def coverage(self, as_of: dt.date, **windows: int) -> list[Notice]:
        """A notice for every figure of ``windows`` (figure -> months, 0 for the rule's own:
        see :data:`cxray.analytics.coverage.RULES`) that the orders up to ``as_of`` are too
        short for."""
        from cxray.analytics.coverage import window_shortfalls

        return notices(window_shortfalls(self.order_span(as_of), **windows))

    def clv_checks(self, end: dt.date, fit: ClvResult | None) -> list[Notice]:
        """Why a CLV fitted up to ``end`` should not be trusted (a short calibration, few repeat
        buyers, a degenerate fit, a large holdout error), or ``clv_not_fitted``."""
        from cxray.analytics.coverage import calibration_shortfalls, fit_shortfalls

        found = notices(calibration_shortfalls(self.order_span(end)))
        if fit is None:
            return [*found, Notice("clv_not_fitted_reason", {"calibration_end": end})]
        return found + notices(fit_shortfalls(fit.params, fit.holdout_totals))

    # --- shared intermediates ---------------------------------------------------------------

    def customer_status(
        self, as_of: DateLike = None, params: StructureParams | None = None
    ) -> ir.Table:
        """:func:`cxray.analytics.structure.customer_status`, computed once per date and
        parameters and kept in the backend for the session."""
        from cxray.analytics import structure as st

        day = self.resolve_as_of(as_of)
        params = params or st.StructureParams()
        tb = self.tables()

        def make() -> ir.Table:
            expr = self._built(
                st.customer_status,
                tb["customers"], tb["contacts"], tb["interactions"], tb["orders"],
                as_of=day, params=params, days=self.known_order_days(),
            )  # fmt: skip
            return self._cached(expr)

        return self._once(("status", day, params), make)

    def rfm_scores(self, as_of: DateLike = None, window: int = 24) -> ir.Table:
        """:func:`cxray.analytics.rfm.rfm` of every customer, computed once per date and
        window and kept in the backend for the session (the RFM question, customer cards)."""
        from cxray.analytics import rfm as rf

        day = self.resolve_as_of(as_of)

        def make() -> ir.Table:
            orders = self.tables()["orders"]
            days = self.known_order_days()
            expr = self._built(rf.rfm, orders, as_of=day, window_months=window, days=days)
            return self._cached(expr)

        return self._once(("rfm", day, window), make)

    def order_days(self, *, returns: bool = True) -> ir.Table:
        """:func:`cxray.analytics.purchases.order_days` of every order line (net, sold,
        returned, purchase day), computed once per session and kept in the backend: what
        structure, RFM and cohorts count, each filtered to its own date and window.
        ``returns=False``: a question that needs no ``sold`` / ``returned`` (cohorts) gets the
        lighter table without them, unless the whole one is held already."""
        from cxray.analytics.purchases import order_days

        orders = self.tables()["orders"]
        if returns or ("order_days",) in self._cache:
            whole = lambda: self._cached(self._built(order_days, orders))  # noqa: E731
            return self._once(("order_days",), whole)
        lighter = lambda: self._cached(self._built(order_days, orders, returns=False))  # noqa: E731
        return self._once(("order_days", "net"), lighter)

    def known_order_days(self) -> ir.Table | None:
        """:meth:`order_days` when the session holds them already, else None: a question that
        reads only a window of them (structure, RFM) then computes that window from the orders in
        its own query rather than every order day of the history first."""
        return self._cache.get(("order_days",))

    def _built(self, build: Callable[..., ir.Table], /, *args: Any, **kwargs: Any) -> ir.Table:
        """``build(*args, **kwargs)``, an analytics function's table; on a DuckDB workspace, a
        call made before with the same arguments reads the SQL it compiled to from the
        workspace's store instead of building the expression again
        (:meth:`cxray.compiled_sql.SqlStore.built`)."""
        store = self.workspace.sql_store if self.workspace is not None else None
        if store is None:
            return build(*args, **kwargs)
        return store.built(self.workspace.con, build, *args, **kwargs)

    def _cached(self, expr: ir.Table) -> ir.Table:
        """``expr`` kept in the backend for the session; lazy where the backend cannot cache it
        (PySpark cannot cache a query over in-memory tables, such as the empty stand-ins of
        tables a workspace lacks): the same figures, computed at each use."""
        import ibis.expr.operations as ops

        in_memory = bool(expr.op().find(ops.InMemoryTable))
        if in_memory and (self.workspace is None or not self.workspace.is_duckdb):
            return expr
        return expr.cache()

    def clv_fit(self, calibration_end: DateLike = None, **options: Any) -> ClvResult | None:
        """The CLV models fitted up to ``calibration_end`` (default: the latest order date),
        once per session and options; None when there is too little history to fit them."""
        try:
            return self._fit(self.resolve_as_of(calibration_end, "calibration_end"), options)
        except ValueError:
            return None

    def _fit(self, end: dt.date, options: dict[str, Any]) -> ClvResult:
        from cxray.analytics.clv import fit_clv

        options = {**CLV_DEFAULTS, **options}
        key = ("clv", end, tuple(sorted(options.items(), key=lambda item: item[0])))
        orders = self.tables()["orders"]
        return self._once(key, lambda: fit_clv(orders, calibration_end=end, **options))
