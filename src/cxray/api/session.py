"""A session over one workspace: one method per question, every default resolved here.

>>> import cxray
>>> ws = cxray.open("cxray-workspace")          # doctest: +SKIP
>>> ws.structure().key                          # doctest: +SKIP
18

Each method resolves ``as_of`` (default: the date of the latest order) and its other defaults,
runs the analytics and returns a :class:`cxray.api.results.Result`. What several questions share
is computed once per session and date (:class:`cxray.api.base.SessionBase`): the customer
status (structure, alerts, campaign rules, say versus do, the report) and the CLV fit (``clv``,
``alerts``, campaign rules on ``p_alive`` / ``clv``, the report).

Each method imports the analytics it runs, so opening a session and answering ``status`` or
``sql`` does not load SciPy or the models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxray.api.base import SessionBase, rows_of
from cxray.api.dates import DateLike, parse_day
from cxray.api.results import Notice, Result
from cxray.errors import CxrayError

if TYPE_CHECKING:  # pragma: no cover
    from cxray.api.accounts import AccountsSession
    from cxray.api.campaigns import CampaignSession
    from cxray.api.feedback import FeedbackSession
    from cxray.api.initiatives import InitiativeSession
    from cxray.api.studio import StudioSession
    from cxray.api.web import WebSession
    from cxray.workspace import Progress

__all__ = ["DateLike", "Session", "parse_day"]

# rows a query returns at most (the API's default; `cxray sql` shows them)
SQL_MAX_ROWS = 100_000


def _groups(customers: Any, column: str | None, default: str | None = None) -> Any:
    """:func:`cxray.analytics.groups.customer_groups` of ``column`` (None without one; the
    ``default`` column may be missing: None then too); CxrayError for an unknown column."""
    from cxray.analytics.groups import customer_groups

    if column is None or (column == default and column not in customers.columns):
        return None
    try:
        return customer_groups(customers, column)
    except ValueError as err:
        raise CxrayError("bad_parameter", detail=f"--segment-by: {err}") from None


def _customer_returns(status: Any) -> Any:
    """The customers of a customer status with a return in the active window, the largest
    returned amount first: sold, returned, net, return rate by amount and returned-only."""
    import ibis

    rows = status.filter(status.returned > 0)
    rate = ibis.cases((rows.sold > 0, rows.returned / rows.sold), else_=None).cast("float64")
    return rows.select(
        "customer_id", "sold", "returned", net=rows.window_revenue, return_rate=rate,
        returned_only="returned_only",
    ).order_by([ibis.desc("returned"), "customer_id"])  # fmt: skip


class Session(SessionBase):
    """The questions cxray answers, over one workspace (see :func:`cxray.open`).

    Use it as a context manager, or call :meth:`close`, to release the workspace.
    """

    # --- the workspace ----------------------------------------------------------------------

    def status(self) -> Result:
        """Rows held, rows rejected at import and the date range of every canonical table."""
        rows = self._ws().status()
        listed = [r.to_dict() for r in rows]
        payload = {"tables": listed, "warnings": []}
        return Result("status", payload, {"tables": listed}, value=rows)

    def sql(self, query: str, *, max_rows: int = SQL_MAX_ROWS) -> Result:
        """One read-only query (SELECT / WITH ...) in the backend's SQL dialect: its first
        ``max_rows`` rows, with the warning ``sql_truncated`` when there were more. On DuckDB it
        reads the workspace's tables only and is stopped after a minute
        (:mod:`cxray.sql_sandbox`)."""
        table = self._ws().sql(query, max_rows=max_rows + 1)
        warnings = []
        if table.num_rows > max_rows:
            table = table.slice(0, max_rows)
            warnings.append(Notice("sql_truncated", {"rows": max_rows}))
        payload = {"rows": table.to_pylist(), "warnings": [w.to_dict() for w in warnings]}
        return Result("sql", payload, {"rows": table}, value=table, warnings=warnings)

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
    ) -> Result:
        """Import ``file`` into the canonical ``table`` (a writable session: ``cxray.open(path,
        read_only=False)``; :func:`cxray.import_file` also creates the workspace). Valid rows
        are upserted by natural key; rejected rows are kept with their reason codes.

        ``date_format`` (strftime syntax, e.g. ``"%m/%d/%Y %H:%M"``) reads every date column;
        ``identical_lines="reject"`` rejects identical lines of one order (kept by default)."""
        result = self._writable().import_file(
            table, file, maps=maps, sep=sep, encoding=encoding, date_format=date_format,
            identical_lines=identical_lines, progress=progress,
        )  # fmt: skip
        self._changed()
        rejects = [r.to_dict() for r in result.first_rejects]
        return Result("import", result.to_dict(), {"first_rejects": rejects}, value=result)

    def settings(self) -> Result:
        """Every workspace setting (:data:`cxray.workspace.SETTINGS`) with its value (stored,
        else its default; None where neither), its default and ``expect``, the text code of
        what a value looks like. ``.value``: setting -> value."""
        from cxray.workspace import SETTINGS

        values = self._ws().settings()
        rows = [
            {"key": k, "value": v, "default": SETTINGS[k].default, "expect": SETTINGS[k].expect}
            for k, v in values.items()
        ]
        payload = {r["key"]: {k: v for k, v in r.items() if k != "key"} for r in rows}
        return Result("settings", payload, {"settings": rows}, value=values)

    def get_setting(self, key: str) -> Any:
        """The value of the workspace setting ``key`` (CxrayError for an unknown key); its
        default in a session over tables (:meth:`from_tables`)."""
        return self._setting(key)

    def set_setting(self, key: str, value: Any) -> Result:
        """Check and store the workspace setting ``key`` (a writable session; CxrayError for an
        unknown key or a bad value)."""
        stored = self._writable().set_setting(key, value)
        return Result("setting", {"key": key, "value": stored}, value=stored)

    # --- the client base --------------------------------------------------------------------

    def structure(
        self,
        as_of: DateLike = None,
        *,
        contact_window: int = 365,
        active_window: int = 24,
        min_orders_per_year: int = 2,
        key_share: float = 0.70,
        abc_a: float = 0.80,
        abc_b: float = 0.95,
        xyz_x: float = 0.10,
        xyz_y: float = 0.25,
        xyz_months: int = 12,
        segment_by: str | None = None,
    ) -> Result:
        """The funnel known -> reachable -> active -> regular -> key, the Pareto curve and the
        ABC-XYZ matrices of customers and SKUs; returns in the active window (``sold``,
        ``returned``, ``return_rate``, ``returned_only`` customers; table ``returns``: every
        customer with a return). ``segment_by``: any customer column (``segment``, ``region``,
        ...) for the funnel per value (``by_segment``)."""
        from cxray.analytics import structure as st

        day = self.resolve_as_of(as_of)
        params = st.StructureParams(contact_window, active_window, min_orders_per_year, key_share)
        abc = dict(window_months=xyz_months, a_share=abc_a, b_share=abc_b, x_cv=xyz_x, y_cv=xyz_y)
        tb = self.tables()
        groups = _groups(tb["customers"], segment_by)
        status = self.customer_status(day, params)
        funnel = st.funnel(
            tb["customers"], tb["contacts"], tb["interactions"], tb["orders"],
            as_of=day, params=params, status=status,
        )  # fmt: skip
        returns = rows_of(_customer_returns(status))
        # every ranked customer: kept as Arrow (the payload and the figures read a few rows)
        curve = self._built(
            st.pareto, tb["orders"], as_of=day, window_months=active_window, status=status
        ).to_pyarrow()
        days = self.known_order_days()
        matrices = {
            by: rows_of(
                self._built(
                    st.abc_xyz_matrix,
                    self._built(st.abc_xyz, tb["orders"], as_of=day, by=by, days=days, **abc),
                )
            )
            for by in ("customer", "sku")
        }
        points = st.pareto_points(curve)
        payload = {
            **funnel.to_dict(),
            "pareto": points,
            "pareto_curve": st.sample_curve(curve),
            "abc_xyz": {"customers": matrices["customer"], "skus": matrices["sku"]},
            "returns": returns,
        }
        stages = [
            {"stage": s, "customers": getattr(funnel, s)}
            for s in ("known", "reachable", "active", "regular", "key")
        ]
        tables = {
            "funnel": stages,
            "pareto": points,
            "pareto_curve": curve,
            "abc_customers": matrices["customer"],
            "abc_skus": matrices["sku"],
            "returns": returns,
        }
        if groups is not None:
            payload["segment_by"] = segment_by
            payload["by_segment"] = tables["by_segment"] = rows_of(st.funnel_by(status, groups))
        warnings = self.coverage(day, regular=0, active=active_window, xyz=xyz_months)
        return Result("structure", payload, tables, value=funnel, as_of=day, warnings=warnings)

    def products(
        self,
        as_of: DateLike = None,
        *,
        customer: str | None = None,
        by: str = "sku",
        months: int | None = None,
        limit: int | None = None,
    ) -> Result:
        """Revenue and quantity per customer, SKU (or product ``by="line"``) and calendar month
        with MoM and YoY change, SKUs with their product names. Every month of every series by
        default; ``months`` (and ``limit``) keep only the latest months (the top rows),
        computing only those. Tables ``returns_sku`` and ``returns_line``: sold, returned and
        the return rate by amount per SKU and per product line over the same months; the
        payload's ``returns``: those of ``by``."""
        from cxray.analytics.returns import return_rates
        from cxray.analytics.windows import Window, add_months

        if by not in ("sku", "line"):
            raise CxrayError("bad_parameter", detail="--by must be sku or line")
        day = self.resolve_as_of(as_of)
        orders, items = self.tables()["orders"], self.tables()["products"]
        table = self._product_rows(day, customer, by, months, limit).to_pyarrow()
        window = None
        if months is not None:  # the calendar months shown
            first = add_months(day.replace(day=1), -(max(months, 1) - 1))
            window = Window(first - dt.timedelta(days=1), day)
        tables: dict[str, Any] = {"products": table}
        for key in ("sku", "line"):
            tables[f"returns_{key}"] = rows_of(
                return_rates(orders, items, as_of=day, by=key, window=window, customer_id=customer)
            )
        returns = tables[f"returns_{by}"]
        return Result("products", lambda: {"products": table.to_pylist(), "returns": returns},
                      tables, as_of=day, warnings=self.coverage(day, yoy=0))  # fmt: skip

    def _product_rows(
        self, day: dt.date, customer: str | None, by: str, months: int | None, limit: int | None
    ) -> Any:
        """The rows of :meth:`products` (an Ibis table): every month of every series, or the
        latest ``months`` months (the top ``limit`` rows)."""
        from cxray.analytics import products as pr

        orders, items = self.tables()["orders"], self.tables()["products"]
        if months is None:
            start = pr.first_order_month(orders, day, customer_id=customer)
            return pr.product_dynamics(
                orders, items, as_of=day, by=by, customer_id=customer, start=start
            )
        return pr.latest_rows(
            orders, items, as_of=day, by=by, months=max(months, 1), limit=limit,
            customer_id=customer,
        )  # fmt: skip

    def whitespace(
        self,
        as_of: DateLike = None,
        *,
        customer: str | None = None,
        min_peer_share: float = 0.3,
        window: int = 24,
        limit: int | None = None,
        matrix: bool = False,
        segment_by: str = "segment",
        min_peers: int = 5,
    ) -> Result:
        """Product lines a customer does not buy although its peers do, by potential. Peers: the
        other active customers with the same value of ``segment_by`` (any customer column);
        groups with fewer than ``min_peers`` peers give no opportunities. Table ``matrix``: the
        customer x product-line revenue of the window (lines by revenue, largest first), for
        ``customer`` when one is given, for every active customer with ``matrix=True``. Table
        ``viewed_not_bought``: the lines a customer viewed on the site but does not buy
        (:meth:`viewed_not_bought`)."""
        from cxray.analytics import whitespace as wsp

        day = self.resolve_as_of(as_of)
        tb = self.tables()
        expr = self.opportunities(day, min_peer_share, window, segment_by, min_peers)
        if customer is not None:
            expr = expr.filter(expr.customer_id == customer)
        found = (expr if limit is None else expr.limit(limit)).to_pyarrow()
        viewed = self.viewed_not_bought(day, window)
        if customer is not None:
            viewed = viewed.filter(viewed.customer_id == customer)
        viewed_rows = rows_of(viewed if limit is None else viewed.limit(limit))
        tables: dict[str, Any] = {"opportunities": found}
        if customer is not None or matrix:
            m = wsp.line_matrix(
                tb["orders"], tb["products"], tb["customers"], as_of=day, window_months=window,
                segment_by=segment_by,
            )  # fmt: skip
            tables["matrix"] = rows_of(
                m if customer is None else m.filter(m.customer_id == customer)
            )
        tables["viewed_not_bought"] = viewed_rows

        def payload() -> dict[str, Any]:
            return {"opportunities": found.to_pylist(), "viewed_not_bought": viewed_rows}

        return Result("whitespace", payload, tables, as_of=day,
                      warnings=self._whitespace_notices(day, window))  # fmt: skip

    def opportunities(
        self,
        as_of: DateLike = None,
        min_peer_share: float = 0.3,
        window: int = 24,
        segment_by: str = "segment",
        min_peers: int = 5,
    ) -> Any:
        """:func:`cxray.analytics.whitespace.opportunities` of every customer, computed once per
        session, date and parameters and kept in the backend (:meth:`whitespace`, customer
        cards)."""
        from cxray.analytics import whitespace as wsp

        day = self.resolve_as_of(as_of)
        tb = self.tables()
        _groups(tb["customers"], segment_by, "segment")  # an unknown column: one clear error

        def make() -> Any:
            return self._cached(wsp.opportunities(
                tb["orders"], tb["products"], tb["customers"], as_of=day,
                window_months=window, min_peer_share=min_peer_share, segment_by=segment_by,
                min_peers=min_peers,
            ))  # fmt: skip

        key = ("opportunities", day, min_peer_share, window, segment_by, min_peers)
        return self._once(key, make)

    def viewed_not_bought(
        self,
        as_of: DateLike = None,
        window: int = 24,
        *,
        days: int = 90,
        min_views: int = 2,
    ) -> Any:
        """:func:`cxray.analytics.web_interest.viewed_not_bought`: the product lines each
        customer viewed at least ``min_views`` times on the site in the ``days`` days up to
        ``as_of`` (their pages: the setting ``web_line_pages``) and did not buy in the
        ``window`` months of white space; computed once per session, date and parameters and
        kept in the backend (:meth:`whitespace`, customer cards)."""
        from cxray.analytics import web_interest as wi
        from cxray.workspace import parse_line_pages

        day = self.resolve_as_of(as_of)
        tb = self.tables()
        pages = parse_line_pages(self._setting("web_line_pages") or "")

        def make() -> Any:
            views = wi.line_views(tb["web_events"], pages, as_of=day, days=days)
            return self._cached(wi.viewed_not_bought(
                views, tb["orders"], tb["products"], as_of=day, window_months=window,
                min_views=min_views,
            ))  # fmt: skip

        return self._once(("viewed_not_bought", day, window, days, min_views, str(pages)), make)

    def _whitespace_notices(self, day: dt.date, window: int) -> list[Notice]:
        """What white space over ``window`` months up to ``day`` should be read with: too
        short an order history, no product lines."""
        warnings = self.coverage(day, active=window)
        products = self.tables()["products"]
        if not (products.product_line.notnull().sum().to_pyarrow().as_py() or 0):
            warnings.append(Notice("whitespace_needs_lines"))
        return warnings

    def rfm(
        self, as_of: DateLike = None, *, window: int = 24, segment_by: str | None = None
    ) -> Result:
        """Recency, frequency and monetary scores 1-5 of every customer with a purchase day in
        the window, their segments, and the segment summary; ``segment_by`` (any customer
        column) adds the segments per value of that column (``by_segment``)."""
        from cxray.analytics import rfm as rf

        day = self.resolve_as_of(as_of)
        groups = _groups(self.tables()["customers"], segment_by)
        cached = self.rfm_scores(day, window)  # the customers and their summary: one scoring
        tables: dict[str, Any] = {}
        customers = cached.to_pyarrow()
        tables["segments"] = segments = rows_of(rf.rfm_segments(cached))
        tables["customers"] = customers
        if groups is not None:
            tables["by_segment"] = rows_of(rf.rfm_segments_by(cached, groups))

        def payload() -> dict[str, Any]:
            out = {"as_of": day, "segments": segments, "customers": customers.to_pylist()}
            if groups is not None:
                out |= {"segment_by": segment_by, "by_segment": tables["by_segment"]}
            return out

        return Result("rfm", payload, tables, as_of=day,
                      warnings=self.coverage(day, active=window))  # fmt: skip

    def cohorts(
        self, as_of: DateLike = None, *, period: str = "month", metric: str = "retention"
    ) -> Result:
        """Acquisition cohorts by periods since the first order (customers, retention, revenue,
        revenue per customer in every cell; ``metric`` is checked for a view that shows one)
        and the activation view (order k -> k+1)."""
        from cxray.analytics import cohorts as ch

        ch.check_period(period)
        ch.check_metric(metric)
        day = self.resolve_as_of(as_of)
        orders = self.tables()["orders"]
        days = self.order_days(returns=False)
        grid = rows_of(self._built(ch.cohort_table, orders, as_of=day, period=period, days=days))
        steps = rows_of(self._built(ch.activation, orders, as_of=day, period=period, days=days))
        payload = {"as_of": day, "period": period, "cohorts": grid, "activation": steps}
        return Result("cohorts", payload, {"cohorts": grid, "activation": steps}, as_of=day)

    def activation(
        self,
        as_of: DateLike = None,
        *,
        margin: float = 0.3,
        message_cost: float | None = None,
        months: int = 24,
        window_days: int = 90,
    ) -> Result:
        """The activation budget: how new customers (acquired in the last ``months``, with
        ``window_days`` to make order 2) reach orders 2 and 3, one first order's margin as the
        budget per new customer (and per message), and the rise of the order 2 rate that pays
        it back (:mod:`cxray.analytics.activation_budget`). Warns ``activation_no_new_customers``
        when there is none and ``activation_no_second_orders`` when none made order 2."""
        from cxray.analytics import activation_budget as ab

        ab.check_options(margin, message_cost, months, window_days)
        day = self.resolve_as_of(as_of)
        days = self.order_days(returns=False)
        steps = rows_of(
            ab.activation_steps(
                self.tables()["orders"], as_of=day, months=months, window_days=window_days,
                days=days,
            )
        )  # fmt: skip
        figures = ab.activation_budget(steps, margin=margin, message_cost=message_cost)
        options = {"margin": margin, "message_cost": message_cost, "months": months,
                   "window_days": window_days}  # fmt: skip
        warnings = []
        if not figures["new_customers"]:
            warnings.append(Notice("activation_no_new_customers", dict(options)))
        elif not figures["order2_customers"]:
            warnings.append(Notice("activation_no_second_orders", {"window_days": window_days}))
        payload = {"as_of": day, **options, **figures}
        return Result("activation", payload, {"steps": steps}, as_of=day, warnings=warnings)

    def initiatives(self, as_of: DateLike = None, *, margin: float = 0.3) -> Result:
        """The CX initiatives of the workspace's ``initiatives/`` folder judged as a portfolio
        (:mod:`cxray.analytics.initiatives`): each one's metric for affected against unaffected
        customers (or touchpoints) as a difference in differences against the 12 months before
        its start, with its 95% interval and the months observed; its incremental margin
        (``margin``: a share, default 0.3), cost, ROI and payback month; the portfolio's totals
        and ROI over the last 12 months. ``as_of`` defaults to the latest date of the orders,
        responses and interactions. Warns ``initiative_young`` for each initiative observed for
        fewer than 12 months, ``initiative_not_started``, ``initiative_no_data`` and
        ``initiatives_none`` (no files)."""
        from cxray.api.initiatives import portfolio

        return portfolio(self, as_of, margin=margin)

    def initiative(self, initiative: str | Path | Mapping[str, Any]) -> InitiativeSession:
        """An initiative file (or its parsed mapping) with ``check()``; see
        :class:`cxray.api.initiatives.InitiativeSession`."""
        from cxray.api.initiatives import InitiativeSession

        return InitiativeSession(self, initiative)

    def loyalty(self, as_of: DateLike = None, *, window_months: int = 6) -> Result:
        """The loyalty programme: penetration among active customers and the members' share of
        revenue, the rewards' cost, redemption and breakage, the reward rate by tier and spend
        band (:mod:`cxray.analytics.loyalty`), and what the programme adds: members against
        matched non-members, a difference in differences of revenue and retention over
        ``window_months`` after joining (:mod:`cxray.analytics.loyalty_effect`). Warns
        ``loyalty_no_members``, ``loyalty_no_rewards``, ``loyalty_few_matches`` and
        ``loyalty_imbalance``."""
        from cxray.analytics import loyalty as ly
        from cxray.analytics import loyalty_effect as le

        try:
            le.check_window(window_months)
        except ValueError as err:
            raise CxrayError("bad_parameter", detail=f"--window-months: {err}") from None
        day = self.resolve_as_of(as_of)
        tables, days = self.tables(), self.order_days(returns=False)
        members, rewards = tables["loyalty_members"], tables["loyalty_rewards"]
        counts = rows_of(ly.penetration(days, members, as_of=day))[0]
        totals = rows_of(ly.reward_totals(rewards, as_of=day))[0]
        figures = ly.loyalty_figures(counts, totals)
        held = ly.member_rows(days, members, rewards, as_of=day).to_pandas()
        by_tier, by_band = ly.by_group(held)
        listed = rows_of(members.select("customer_id", "joined_at", "left_at"))
        ma, mo, found = le.anchors(listed, as_of=day, window_months=window_months)
        joined = {r["customer_id"]: r["joined_at"] for r in listed}
        summaries = le.effect_summaries(days, tables["customers"], ma, mo, as_of=day)
        frame = le.changes(summaries.to_pandas(), joined, window_months=window_months)
        effect = le.matched_did(frame)
        balance = effect.pop("balance")
        effect = {**found, "without_history": ma.num_rows - effect["evaluated"], **effect}
        warnings = []
        if not figures["members"]:
            warnings.append(Notice("loyalty_no_members", {"as_of": day}))
        else:
            if not figures["reward_rows"]:
                warnings.append(Notice("loyalty_no_rewards", {"as_of": day}))
            evaluated, matched = effect["evaluated"], effect["matched"]
            if matched < le.MIN_MATCHED or matched < evaluated / 2:
                warnings.append(Notice("loyalty_few_matches",
                                       {"matched": matched, "evaluated": evaluated}))  # fmt: skip
            smd = {b["feature"]: b["smd_after"] for b in balance}
            off = [f for f, v in smd.items() if v is not None and abs(v) > le.SMD_LIMIT]
            if off:
                warnings.append(Notice("loyalty_imbalance", {"features": ", ".join(off)}))
        tables_out = {"by_tier": by_tier, "by_band": by_band, "balance": balance}
        payload = {"as_of": day, "window_months": window_months, "penetration": figures,
                   "effect": effect, **tables_out}  # fmt: skip
        return Result("loyalty", payload, tables_out, as_of=day, warnings=warnings)

    def leads(
        self,
        as_of: DateLike = None,
        *,
        by: str = "channel",
        sla_hours: float = 24,
        margin: float = 0.3,
    ) -> Result:
        """The lead-to-deal funnel per ``by`` (channel, owner or month) with each step's rate
        and 95% interval, hours to first contact, unowned leads and SLA breaches, lost reasons,
        CPL and CAC per channel and month (offline channels with costs only included), each
        channel's payback from its won customers' margin (and their CLV when the fit is
        trusted), and the gap between owned and unowned leads
        (:mod:`cxray.analytics.leads`). ``as_of`` defaults to the latest day of the leads and
        the orders."""
        from cxray.analytics import leads as ld

        try:
            ld.check_options(by, sla_hours, margin)
        except ValueError as err:
            raise CxrayError("bad_parameter", detail=str(err)) from None
        day = self.resolve_as_of(as_of, reads=("leads", "orders"), otherwise=("channel_costs",))
        tb = self.tables()
        facts = ld.lead_facts(tb["leads"], as_of=day, sla_hours=sla_hours)
        counts = rows_of(ld.funnel_counts(facts, by))
        hours = rows_of(ld.contact_hours(facts, by))
        funnel = ld.funnel_rows(counts, hours, by)
        total = ld.total_row(rows_of(ld.funnel_counts(facts, None)),
                             rows_of(ld.contact_hours(facts, None)))  # fmt: skip
        unowned = rows_of(ld.funnel_counts(facts.filter(facts.unowned), None))
        gap = ld.owner_gap(total, unowned[0] if unowned else {"leads": 0, "won": 0})
        lost = rows_of(ld.lost_reasons(facts))
        all_lost = sum(r["leads"] for r in lost)
        lost = [{**r, "share": r["leads"] / all_lost} for r in lost]
        monthly = rows_of(ld.channel_costs(facts, tb["channel_costs"], as_of=day))
        costs = ld.cost_rows(monthly, ("channel",))
        by_month = ld.cost_rows(monthly, ("channel", "ym"))
        won = ld.won_customers(facts)
        paying = rows_of(ld.payback_orders(won, tb["orders"], as_of=day))
        warnings = []
        clv = self._lead_clv(day, margin, bool(paying), warnings)
        payback = ld.payback_rows(costs, paying, as_of=day, margin=margin, clv=clv)
        options = {"by": by, "sla_hours": sla_hours, "margin": margin}
        if not total["leads"]:
            warnings.insert(0, Notice("leads_none", {"as_of": day}))
        few = sorted(str(r["group"]) for r in funnel if 0 < r["leads"] < ld.FEW_LEADS)
        if few:
            shown = ", ".join(few[:5]) + (", …" if len(few) > 5 else "")
            warnings.append(Notice("leads_few", {"groups": shown, "count": len(few),
                                                 "n": ld.FEW_LEADS}))  # fmt: skip
        if not any(r["cost"] for r in costs):
            warnings.append(Notice("leads_no_costs", {"as_of": day}))
        payload = {"as_of": day, **options, "total": total, "funnel": funnel, "owner_gap": gap,
                   "lost_reasons": lost, "costs": costs, "costs_by_month": by_month,
                   "payback": payback}  # fmt: skip
        tables = {"funnel": funnel, "costs": costs, "costs_by_month": by_month,
                  "payback": payback, "lost_reasons": lost}  # fmt: skip
        return Result("leads", payload, tables, as_of=day, warnings=warnings)

    def _lead_clv(
        self, day: dt.date, margin: float, needed: bool, warnings: list[Notice]
    ) -> dict[str, float] | None:
        """Each customer's CLV at ``margin`` (the shared fit up to ``day``, margin 1, times
        ``margin``; customers without a CLV left out) when ``needed`` and the fit is trusted;
        else None, with the ``leads_clv_untrusted`` notice when it was needed."""
        from cxray.analytics.coverage import fit_trusted

        if not needed:
            return None
        fit = self.clv_fit(day)
        if fit is None or not fit_trusted([w.code for w in self.clv_checks(day, fit)]):
            warnings.append(Notice("leads_clv_untrusted", {"as_of": day}))
            return None
        frame = fit.customers
        values = frame["clv"].astype(float) * margin
        return {c: v for c, v in zip(frame["customer_id"], values, strict=True) if v == v}

    def clv(
        self,
        calibration_end: DateLike = None,
        *,
        holdout_end: DateLike = None,
        unit: str = "week",
        horizon: float = 52,
        discount_rate: float = 0.1,
        margin: float = 1.0,
    ) -> Result:
        """BG/NBD + Gamma-Gamma fitted up to ``calibration_end`` (default: the latest order
        date): P(alive), expected purchases and discounted CLV per customer; with
        ``holdout_end``, predicted against actual purchases (table ``validation``).
        ``fit_trusted`` is False when a warning says the per-customer figures are not to be
        read (:data:`cxray.analytics.coverage.UNTRUSTED`)."""
        from cxray.analytics.clv import CUSTOMER_COLUMNS
        from cxray.analytics.coverage import fit_trusted

        end = self.resolve_as_of(calibration_end, "--calibration-end")
        options = dict(unit=unit, horizon=horizon, discount_rate=discount_rate, margin=margin)
        holdout = parse_day(holdout_end, "--holdout-end")
        if holdout is not None:
            options["holdout_end"] = holdout
        result = self._fit(end, options)
        tables: dict[str, Any] = {"customers": result.customers[list(CUSTOMER_COLUMNS)]}
        if result.validation is not None:
            tables["validation"] = result.validation
        warnings = self.clv_checks(end, result)
        trusted = fit_trusted([w.code for w in warnings])
        return Result("clv", lambda: {"fit_trusted": trusted, **result.to_dict()}, tables,
                      value=result, as_of=end, warnings=warnings)  # fmt: skip

    def alerts(
        self,
        as_of: DateLike = None,
        *,
        p_alive_threshold: float = 0.5,
        drift_threshold: float = 0.3,
        months: int = 3,
    ) -> Result:
        """Regular and key clients that are likely gone (P(alive) below the threshold),
        drifting (the last ``months`` against a year earlier) or whose web sessions fell
        (``portal_activity_fell``: the last 30 days at most half of their mean per 30 days over
        the 180 days before, that mean at least 2), with the numbers."""
        from cxray.analytics.windows import add_months

        day = self.resolve_as_of(as_of)
        fit = self.clv_fit(day)
        status, before = self.customer_status(day), self.customer_status(add_months(day, -12))
        found = self.found_alerts(day, p_alive_threshold, drift_threshold, months)
        rows = [a.to_dict() for a in found]
        from cxray.analytics.coverage import SPEND_ONLY

        # alerts read P(alive) only: spend checks do not concern them, and without a fit
        # alerts_without_clv says what clv_not_fitted_reason would
        skip = (*SPEND_ONLY, "clv_not_fitted_reason")
        checks = [n for n in self.clv_checks(day, fit) if n.code not in skip]
        warnings = [] if fit is not None else [Notice("alerts_without_clv")]
        warnings += self.coverage(day, regular=0) + checks
        if not found:
            usable = fit is not None and not checks
            warnings += self._why_no_alerts(day, months, status, before, usable_clv=usable)
        return Result(
            "alerts", {"as_of": day, "alerts": rows}, {"alerts": rows}, value=found,
            as_of=day, warnings=warnings,
        )  # fmt: skip

    def found_alerts(
        self,
        as_of: DateLike = None,
        p_alive_threshold: float = 0.5,
        drift_threshold: float = 0.3,
        months: int = 3,
    ) -> list[Any]:
        """:func:`cxray.analytics.alerts.alerts` (a list of ``Alert``), computed once per
        session, date and thresholds (:meth:`alerts`, customer cards)."""
        from cxray.analytics.alerts import alerts as find_alerts
        from cxray.analytics.windows import add_months

        day = self.resolve_as_of(as_of)

        def make() -> list[Any]:
            status = self.customer_status(day)
            return find_alerts(
                self.tables(), as_of=day, p_alive_threshold=p_alive_threshold,
                drift_threshold=drift_threshold, months=months, clv=self.clv_fit(day),
                status=status, status_year_ago=self.customer_status(add_months(day, -12)),
            ) + self._portal_alerts(day, status)  # fmt: skip

        return self._once(("alerts", day, p_alive_threshold, drift_threshold, months), make)

    def _portal_alerts(self, day: dt.date, status: Any) -> list[Any]:
        """The ``portal_activity_fell`` alerts of ``day`` (:func:`cxray.analytics.alerts.
        portal_alerts`, default parameters), over the web events of the days they read."""
        from cxray.analytics import web_interest as wi
        from cxray.analytics.alerts import portal_alerts

        if not self.tables()["web_events"].count().to_pyarrow().as_py():
            return []  # no site: no query (nor a stand-in table kept in another backend)
        with self.web._events(day, wi.RECENT_DAYS + wi.BASE_DAYS) as events:
            return portal_alerts(events, status, as_of=day)

    def _why_no_alerts(
        self, day: dt.date, months: int, status: Any, before: Any, *, usable_clv: bool
    ) -> list[Notice]:
        """Why there are no alerts: nobody to watch (and whether the data is too short to
        have anybody), no year-earlier months for drift, no usable P(alive)."""
        from cxray.analytics.alerts import watched_count
        from cxray.analytics.coverage import RULES, covers

        span = self.order_span(day)
        spans = span.to_params()
        if not watched_count(status, before):
            if not covers(span, RULES["regular"]):  # type: ignore[arg-type]
                return [Notice("alerts_empty_no_watched", spans)]
            return [Notice("alerts_empty_none_watched", {"as_of": day})]
        found = []
        if not covers(span, 12 + months):
            found.append(Notice("alerts_empty_no_year_ago", {"recent_months": months, **spans}))
        if not usable_clv:
            found.append(Notice("alerts_empty_no_p_alive"))
        return found

    # --- one customer ---------------------------------------------------------------------

    def customer(self, customer_id: str, as_of: DateLike = None, *, months: int = 13) -> Result:
        """The customer card: its customers row (CxrayError ``customer_unknown`` when the id is
        in no table; a customer only in other tables has a row of just its id), its funnel
        ``status`` flags, its ``products`` (revenue and quantity by product line and month with
        MoM / YoY, the latest ``months`` months), ``whitespace`` opportunities, the lines it
        views on the site but does not buy (``viewed_not_bought``), ``rfm`` row and
        ``clv`` (P(alive), expected purchases, CLV, ``fit_trusted``; null without one), its
        ``alerts``, ``answers``, ``followups`` (read, not opened; as of the latest answer by
        default), ``contacts``, ``consents`` and latest 50 ``sends``. The first card of a date
        computes what every card shows for the whole base at once (:meth:`warm_cards`); the
        later cards of the session look theirs up without a query."""
        from cxray.api.customer import customer_card

        payload, day, warnings = customer_card(self, customer_id, as_of, months=months)
        tables = {k: payload[k] for k in ("products", "whitespace", "viewed_not_bought",
                                          "answers", "contacts", "consents", "sends", "alerts",
                                          "followups")}  # fmt: skip
        return Result("customer", payload, tables, as_of=day, warnings=warnings)

    def warm_cards(self, as_of: DateLike = None, *, months: int = 13) -> None:
        """Build the customer cards' index of ``as_of`` (default: the latest order date), as
        the first card of that date would: a server calls it at start so that every card is
        quick (:mod:`cxray.api.cardindex`)."""
        from cxray.api.customer import warm

        warm(self, as_of, months=months)

    def search(self, query: str, *, limit: int = 20) -> Result:
        """Customers whose id starts with ``query`` or whose name contains it, in any case (the
        exact id first, then by name), at most ``limit``: customer_id, name, segment, region
        (and account_manager where the customers have it). An empty query finds nobody."""
        from cxray.api.customer import search

        found = search(self, query, limit=limit)
        return Result("search", {"query": query, "customers": found}, {"customers": found})

        # --- communications ---------------------------------------------------------------------

    def campaign(self, campaign: str | Path | Mapping[str, Any]) -> CampaignSession:
        """A campaign file (or its parsed mapping) with ``check()``, ``plan()``, ``export()``
        and ``measure()``; see :class:`cxray.api.campaigns.CampaignSession`."""
        from cxray.api.campaigns import CampaignSession

        return CampaignSession(self, campaign)

    def lint_offer(self, text: str) -> Result:
        """The offer lint of ``text`` (:mod:`cxray.comms.offer_lint`): stop phrases (the
        built-in list and the setting ``offer_stop_phrases``), missing specifics and missing
        value-proposition parts, as codes."""
        from cxray.api.offers import extra_phrases, lint

        return lint(text, extra_phrases(self))

    def contacts_health(
        self, as_of: DateLike = None, *, half_life: int = 90, dormant_after: int = 5
    ) -> Result:
        """An attention score 0-100 per contact (customer x channel) from its sends, with its
        state (healthy, at_risk, dormant, unsubscribed). ``as_of`` defaults to the date of
        the latest send (of the latest order without sends)."""
        from cxray.comms.health import contact_health

        day = self.resolve_as_of(as_of, reads=("sends",), otherwise=("orders",))
        health = contact_health(
            self.tables()["sends"], as_of=day, half_life_days=half_life,
            dormant_after=dormant_after,
            channel_synonyms=self._channel_synonyms(),
        )  # fmt: skip
        rows = rows_of(health.order_by(["score", "customer_id"]))
        return Result("contacts_health", {"as_of": day, "contacts": rows}, {"contacts": rows},
                      as_of=day)  # fmt: skip

    @property
    def feedback(self) -> FeedbackSession:
        """Voice of the customer: ``scores()``, ``saydo()`` and ``themes()``."""
        from cxray.api.feedback import FeedbackSession

        return FeedbackSession(self)

    @property
    def web(self) -> WebSession:
        """What customers do on the website: ``actions()``, ``add_action()``, ``funnel()``,
        ``paths()`` over the captured web events (:mod:`cxray.api.web`)."""
        from cxray.api.web import WebSession

        return WebSession(self)

    @property
    def studio(self) -> StudioSession:
        """The campaign studio: the campaign files with their states, saved, submitted,
        approved by a second person, exported and measured (:mod:`cxray.api.studio`)."""
        from cxray.api.studio import StudioSession

        return StudioSession(self)

    @property
    def accounts(self) -> AccountsSession:
        """Users, API tokens and the audit log: ``users()``, ``add_user()``, ``tokens()``,
        ``audit()`` ... (:mod:`cxray.api.accounts`)."""
        from cxray.api.accounts import AccountsSession

        return AccountsSession(self)

    def followups(
        self,
        as_of: DateLike = None,
        *,
        status: str | None = None,
        owner_attribute: str = "account_manager",
        default_owner: str = "CX team",
        due_days: int = 3,
        sync: bool = True,
        owner: str | None = None,
        customer: str | None = None,
    ) -> Result:
        """Open a task for every answer that needs one and is not tracked yet (``sync``; needs
        a writable session), then list the tasks with open, overdue and time-to-close figures.
        ``as_of`` defaults to the date of the latest answer (of the latest order without
        answers). ``owner`` / ``customer`` (exact values) keep the tasks, and the figures, of
        one owner / one customer."""
        from cxray.comms import followups as fu

        day = self.resolve_as_of(as_of, reads=("responses",), otherwise=("orders",))
        ws = self._writable() if sync else self._ws()
        new = 0
        if sync:
            policy = fu.FollowupPolicy(owner_attribute, default_owner, due_days)
            new = fu.sync(ws, as_of=day, policy=policy)
            self._forget("card_tasks")
        rows = fu.followups(ws, as_of=day, status=status, owner=owner, customer=customer)
        everything = (
            rows if status is None else fu.followups(ws, as_of=day, owner=owner, customer=customer)
        )
        summary = fu.followup_summary(everything, as_of=day)
        payload = {"new": new, "summary": summary, "tasks": rows}
        return Result("followups", payload, {"tasks": rows}, as_of=day)

    def close_followup(self, task_id: str, *, resolution: str, date: DateLike = None) -> Result:
        """Close the open follow-up task ``task_id`` with what was done (default date: today)."""
        from cxray.comms.followups import close_task

        day = parse_day(date, "--date") or dt.date.today()
        close_task(self._writable(), task_id, closed_at=day, resolution=resolution)
        self._forget("card_tasks")
        payload = {"task_id": task_id, "closed_at": day, "resolution": resolution}
        return Result("followup_closed", payload, value=None, as_of=day)

    def reassign_followup(self, task_id: str, *, owner: str) -> Result:
        """Give the open follow-up task ``task_id`` to ``owner`` (CxrayError
        ``followup_unknown``, ``followup_already_closed``)."""
        from cxray.comms.followups import reassign_task

        before = reassign_task(self._writable(), task_id, owner=owner)
        self._forget("card_tasks")
        payload = {"task_id": task_id, "owner": owner.strip(), "previous_owner": before}
        return Result("followup_reassigned", payload, value=None)

        # --- the report -------------------------------------------------------------------------

    def report(
        self,
        as_of: DateLike = None,
        *,
        campaigns: Path | str | list[Path] | None = None,
        progress: Callable[[str], None] | None = None,
        currency: str | None = None,
        calibration_end: DateLike = None,
        holdout_end: DateLike = None,
        segment_by: str | None = None,
        min_peers: int = 5,
    ) -> Result:
        """Everything the X-ray report shows (``result.value``, a
        :class:`cxray.api.report.ReportData`); write it with ``cxray.report.html.render_html``
        and ``cxray.report.xlsx.write_xlsx``. ``campaigns``: a folder of campaign files or a
        list of files (default: the workspace's ``campaigns/`` folder). ``currency`` labels
        the money headings (default: the workspace's ``currency`` setting; none when unset).
        ``result.warnings``: what the data is too short for, and CLV fits not to trust.
        With ``holdout_end``, the report adds the CLV holdout check, fitted as
        ``clv(calibration_end, holdout_end=holdout_end)`` fits it. ``segment_by`` (a customer
        column) breaks the funnel and RFM down by its values and makes the white-space peers;
        ``min_peers`` as in :meth:`whitespace`."""
        from cxray.api.report import collect

        if currency is None and self.workspace is not None:
            currency = self.workspace.setting("currency")  # type: ignore[assignment]
        elif currency is not None:
            from cxray.workspace import SETTINGS

            currency = SETTINGS["currency"].check("currency", currency)  # type: ignore[assignment]
        holdout = None
        if parse_day(holdout_end, "--holdout-end") is not None:
            holdout = self.clv(calibration_end, holdout_end=holdout_end).value
        data = collect(self, as_of=self.resolve_as_of(as_of), campaigns=campaigns,
                       progress=progress, currency=currency, clv_holdout=holdout,
                       segment_by=segment_by, min_peers=min_peers)  # fmt: skip
        return Result("report", data.to_dict(), data.tables(), value=data, as_of=data.as_of,
                      warnings=data.warnings)  # fmt: skip
