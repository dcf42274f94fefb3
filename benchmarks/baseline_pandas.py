"""Baseline "pandas + lifetimes" for bench_pipeline.py: the X-ray as an analyst writes it.

``pd.read_parquet`` of the files (the import step), then plain pandas groupby / merge / pivot code
computing the figures cxray computes (same definitions, see the cxray.analytics docstrings), and
for CLV the ``lifetimes`` package: ``summary_data_from_transaction_data`` + ``BetaGeoFitter`` +
``GammaGammaFitter`` and per-customer P(alive), expected purchases and CLV.

Each ``step_*`` method returns the same headline numbers as cxray's step, for the checks.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from checks import cohorts_check, products_check

from cxray.api import SEGMENT_RULES  # the segment map is a definition, not a result

EPS = 1e-9
TOL = 1e-9
NO_SKU, UNKNOWN_LINE = "(no sku)", "(unknown)"


def months_back(day: pd.Timestamp, months: int) -> pd.Timestamp:
    return day - pd.DateOffset(months=months)


def month_index(dates: pd.Series) -> pd.Series:
    return dates.dt.year * 12 + dates.dt.month - 1


def label(idx: pd.Series | np.ndarray) -> list[str]:
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in idx]


class PandasContender:
    def __init__(self, files: dict[str, Path], work: Path, *, products_by: str, limit: int):
        self.files = files
        self.by = products_by
        self.limit = limit
        self.df: dict[str, pd.DataFrame] = {}

    def warm_up(self) -> None:
        warnings.simplefilter("ignore")
        import lifetimes  # noqa: F401

    def resume(self) -> None:
        self.step_import()

    # -- import ------------------------------------------------------------------------------

    def step_import(self) -> dict:
        df = {name: pd.read_parquet(path) for name, path in self.files.items()}
        for name, cols in {
            "orders": ["order_date"],
            "customers": ["first_contact_date"],
            "interactions": ["date"],
        }.items():
            for col in cols:
                df[name][col] = pd.to_datetime(df[name][col])
        self.df = df
        return {"orders": len(df["orders"]), "customers": len(df["customers"]), "rejected": 0}

    def orders(self) -> tuple[pd.DataFrame, pd.Timestamp]:
        o = self.df["orders"]
        return o[o.customer_id.notna()], o.order_date.max()

    # -- structure ---------------------------------------------------------------------------

    def step_structure(self) -> dict:
        d = self.df
        o, as_of = self.orders()
        cust, contacts, inter = d["customers"], d["contacts"], d["interactions"]
        fc = cust.first_contact_date
        known = pd.concat(
            [
                cust.loc[fc.isna() | (fc <= as_of), "customer_id"],
                contacts.customer_id,
                inter.loc[inter.date <= as_of, "customer_id"],
                o.loc[o.order_date <= as_of, "customer_id"],
            ]
        ).dropna()
        known = known.unique()

        current = contacts[contacts.is_current.fillna(True).astype(bool)].customer_id.dropna()
        recent = inter[(inter.date > as_of - pd.Timedelta(days=365)) & (inter.date <= as_of)]
        reachable = set(current) & set(recent.customer_id.dropna())

        win = o[(o.order_date > months_back(as_of, 24)) & (o.order_date <= as_of)]
        revenue = win.groupby("customer_id").amount.sum()
        ranked = ranked_revenue(revenue)
        key = ranked[ranked.before < ranked.total * (0.70 - TOL)]

        # active: a purchase day in the window; regular: purchase days on 2 dates or more in
        # each of its two 12-month periods
        bought = order_days(win)
        bought = bought[bought.purchase]
        period = np.where(bought.order_date > months_back(as_of, 12), 0, 1)
        dates = bought.assign(period=period).groupby(["customer_id", "period"]).size()
        enough = dates[dates >= 2].reset_index()
        periods = enough.groupby("customer_id").period.nunique()
        regular = set(periods[periods == 2].index)

        curve = ranked.assign(
            cum_share=ranked.cum / ranked.total, customer_share=ranked["rank"] / len(ranked)
        )
        abc = {by: abc_xyz(o, as_of, by) for by in ("customer_id", "sku")}
        total = ranked.revenue.sum()
        return {
            "known": len(known),
            "reachable": len(reachable),
            "active": bought.customer_id.nunique(),
            "regular": len(regular),
            "key": len(key),
            "key_regular": len(set(key.customer_id) & regular),
            "returned_only": len(set(win[win.amount < 0].customer_id) - set(bought.customer_id)),
            "key_revenue_share": key.revenue.sum() / total if total > 0 else 0.0,
            "pareto_customers": len(curve),
            "abc_customers": abc["customer_id"],
            "abc_skus": abc["sku"],
        }

    # -- products ----------------------------------------------------------------------------

    def step_products(self) -> dict:
        o, _ = self.orders()
        as_of = o.order_date.max()
        lines = o[o.order_date <= as_of]
        if self.by == "line":
            line_of = self.df["products"].groupby("sku").product_line.max()
            key = lines.sku.map(line_of).fillna(UNKNOWN_LINE).where(lines.sku.notna(), NO_SKU)
        else:
            key = lines.sku.fillna(NO_SKU)
        lines = pd.DataFrame(
            {
                "customer_id": lines.customer_id,
                "key": key,
                "idx": month_index(lines.order_date),
                "amount": lines.amount,
                "quantity": lines.quantity.fillna(0.0),
            }
        )
        last = as_of.year * 12 + as_of.month - 1
        first = lines.groupby("customer_id").idx.min()
        # the shown month and the 13 before it (its previous month and a year earlier)
        recent = lines[lines.idx >= last - 13]
        monthly = recent.groupby(["customer_id", "key", "idx"]).agg(
            revenue=("amount", "sum"), quantity=("quantity", "sum")
        )
        # wide: one row per (customer, key), one column per month, zero-filled
        wide = monthly.revenue.unstack("idx", fill_value=0.0)
        months = np.arange(last - 13, last + 1)
        wide = wide.reindex(columns=months, fill_value=0.0)
        qty = monthly.quantity.unstack("idx", fill_value=0.0).reindex(
            columns=months, fill_value=0.0
        )
        start = first.reindex(wide.index.get_level_values("customer_id")).to_numpy()
        in_series = months[None, :] >= start[:, None]
        prev = wide.shift(1, axis=1)
        base = wide.shift(12, axis=1)
        mom = (wide - prev).where(months[None, :] - 1 >= start[:, None])
        yoy = (wide - base).where(months[None, :] - 12 >= start[:, None])
        mom_pct = (mom / prev).where(prev.abs() >= EPS)
        yoy_pct = (yoy / base).where(base.abs() >= EPS)
        # the long series (one row per customer, key and month from the first order month)
        mask = in_series.reshape(-1)
        series = pd.DataFrame(
            {
                "customer_id": np.repeat(wide.index.get_level_values(0), len(months))[mask],
                "key": np.repeat(wide.index.get_level_values(1), len(months))[mask],
                "idx": np.tile(months, len(wide))[mask],
                "revenue": wide.to_numpy().reshape(-1)[mask],
                "quantity": qty.to_numpy().reshape(-1)[mask],
                "mom_change": mom.to_numpy().reshape(-1)[mask],
                "mom_pct": mom_pct.to_numpy().reshape(-1)[mask],
                "yoy_change": yoy.to_numpy().reshape(-1)[mask],
                "yoy_pct": yoy_pct.to_numpy().reshape(-1)[mask],
            }
        )
        shown = series[series.idx == last].sort_values(
            ["revenue", "customer_id", "key"], ascending=[False, True, True]
        )
        shown = shown.head(self.limit).assign(month=lambda t: label(t.idx))
        rows = [
            {k: (None if pd.isna(v) else v) for k, v in r.items()} for r in shown.to_dict("records")
        ]
        return products_check(rows)

    # -- whitespace --------------------------------------------------------------------------

    def step_whitespace(self) -> dict:
        o, as_of = self.orders()
        win = o[(o.order_date > months_back(as_of, 24)) & (o.order_date <= as_of)]
        days = order_days(win)
        active = np.sort(days[days.purchase].customer_id.unique())
        line_of = self.df["products"].groupby("sku").product_line.max()
        pl = win.sku.map(line_of)
        revenue = win[pl.notna()].groupby(["customer_id", pl[pl.notna()]]).amount.sum()
        matrix = revenue.unstack(fill_value=0.0).reindex(index=active, fill_value=0.0)
        matrix = matrix.rename_axis(index="customer_id", columns="product_line")
        long = matrix.stack().rename("revenue").reset_index()
        segment = self.df["customers"].groupby("customer_id").segment.max()
        long["segment"] = long.customer_id.map(segment)
        long["bought"] = long.revenue > EPS

        def stats(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
            g = frame.groupby(keys)
            out = g.agg(n=("customer_id", "size"), buyers=("bought", "sum"))
            medians = frame[frame.bought].groupby(keys).revenue.median().rename("median")
            return out.join(medians).reset_index()

        seg = stats(long[long.segment.notna()], ["segment", "product_line"])
        every = stats(long, ["product_line"])
        gaps = long[~long.bought]
        gaps = gaps.merge(seg, on=["segment", "product_line"], how="left")
        gaps = gaps.merge(every, on="product_line", how="left", suffixes=("", "_all"))
        segmented = gaps.segment.notna()
        gaps["peers"] = np.where(segmented, gaps.n, gaps.n_all) - 1
        gaps["peer_buyers"] = np.where(segmented, gaps.buyers, gaps.buyers_all)
        gaps["potential"] = np.where(segmented, gaps["median"], gaps.median_all)
        gaps = gaps[gaps.peers > 0]
        gaps["peer_share"] = gaps.peer_buyers / gaps.peers
        opps = gaps[gaps.peer_share >= 0.3 * (1 - TOL)].sort_values(
            ["potential", "customer_id", "product_line"], ascending=[False, True, True]
        )
        return {
            "matrix_rows": len(long),
            "opportunities": len(opps),
            "potential_sum": float(opps.potential.sum()),
        }

    # -- rfm ---------------------------------------------------------------------------------

    def step_rfm(self) -> dict:
        o, as_of = self.orders()
        win = o[(o.order_date > months_back(as_of, 24)) & (o.order_date <= as_of)]
        days = order_days(win)
        bought = (
            days[days.purchase]
            .groupby("customer_id")
            .agg(last=("order_date", "max"), frequency=("order_date", "size"))
        )
        # the customers with a purchase day; monetary: the net of all their days
        r = bought.join(days.groupby("customer_id").net.sum().rename("monetary"))
        r["recency"] = (as_of - r["last"]).dt.days
        n = len(r)

        def score(values: pd.Series, ascending: bool) -> pd.Series:
            rank = values.rank(method="min", ascending=ascending)
            return (1 + (5 * (rank - 1)) // n).astype(int)

        r["r_score"] = score(r.recency, ascending=False)
        r["f_score"] = score(r.frequency, ascending=True)
        r["m_score"] = score(r.monetary, ascending=True)
        r["fm"] = (r.f_score + r.m_score + 1) // 2
        r["segment"] = None
        for name, (r_lo, r_hi), (fm_lo, fm_hi) in reversed(SEGMENT_RULES):
            hit = r.r_score.between(r_lo, r_hi) & r.fm.between(fm_lo, fm_hi)
            r.loc[hit, "segment"] = name
        segments = r.groupby("segment").agg(
            customers=("recency", "size"),
            revenue=("monetary", "sum"),
            mean_recency=("recency", "mean"),
            mean_frequency=("frequency", "mean"),
            mean_monetary=("monetary", "mean"),
        )
        return {
            "customers": n,
            "frequency_sum": int(r.frequency.sum()),
            "recency_sum": int(r.recency.sum()),
            "monetary_sum": float(r.monetary.sum()),
            "segments": {s: int(c) for s, c in segments.customers.items()},
        }

    # -- cohorts -----------------------------------------------------------------------------

    def step_cohorts(self) -> dict:
        o, as_of = self.orders()
        days = order_days(o[o.order_date <= as_of])
        last = as_of.year * 12 + as_of.month - 1
        # acquisition: the first order day of any amount; orders: purchase days
        first = days.groupby("customer_id").order_date.min()
        cidx = month_index(first).rename("cidx")
        sizes = cidx.value_counts().sort_index()
        occasions = days[days.purchase]

        # buying in a period: a purchase day in it; revenue: every line's net
        per = days.assign(pidx=month_index(days.order_date))
        per = per.groupby(["customer_id", "pidx"]).agg(
            revenue=("net", "sum"), bought=("purchase", "any")
        )
        per = per.reset_index().merge(cidx, left_on="customer_id", right_index=True)
        cells = per.groupby(["cidx", "pidx"]).agg(
            customers=("bought", "sum"), revenue=("revenue", "sum")
        )
        grid = pd.DataFrame(
            [(c, p) for c in sizes.index for p in range(c, last + 1)], columns=["cidx", "pidx"]
        )
        grid = grid.merge(cells, on=["cidx", "pidx"], how="left").fillna(0)
        grid["cohort_size"] = grid.cidx.map(sizes)
        grid["retention"] = grid.customers / grid.cohort_size
        grid["revenue_per_customer"] = grid.revenue / grid.cohort_size
        grid["period_index"] = grid.pidx - grid.cidx
        grid["cohort"] = label(grid.cidx)

        occ = occasions.sort_values(["customer_id", "order_date"])
        g = occ.groupby("customer_id").order_date
        occ = occ.assign(
            k=g.cumcount() + 1,
            days=(g.shift(-1) - occ.order_date).dt.days,
            cohort=label(occ.customer_id.map(cidx)),
        )
        steps = occ[occ.k <= 5]

        def stats(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
            return frame.groupby(keys).agg(
                customers_k=("customer_id", "size"),
                customers_next=("days", "count"),
                median_days=("days", "median"),
            )

        index = pd.MultiIndex.from_product(
            [sorted(steps.cohort.unique()), range(1, 6)], names=["cohort", "k"]
        )
        per_cohort = stats(steps, ["cohort", "k"]).reindex(index).reset_index()
        every = stats(steps, ["k"]).reindex(range(1, 6)).reset_index().assign(cohort="all")
        act = pd.concat([per_cohort, every])
        act[["customers_k", "customers_next"]] = act[["customers_k", "customers_next"]].fillna(0)
        act["share_next"] = act.customers_next / act.customers_k
        grid_rows = grid.to_dict("records")
        act_rows = [
            {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()}
            for r in act.to_dict("records")
        ]
        return cohorts_check(grid_rows, act_rows)

    # -- clv ---------------------------------------------------------------------------------

    def step_clv(self) -> dict:
        from lifetimes import BetaGeoFitter, GammaGammaFitter
        from lifetimes.utils import summary_data_from_transaction_data

        o, as_of = self.orders()
        days = order_days(o[o.order_date <= as_of])
        # lifetimes counts every day it is given after the first: give it the acquisition (the
        # first order day, of any amount) and the purchase days after it
        first = days.groupby("customer_id").order_date.transform("min")
        days = days[days.purchase | (days.order_date == first)]
        summary = summary_data_from_transaction_data(
            days, "customer_id", "order_date", monetary_value_col="net",
            observation_period_end=as_of, freq="D", freq_multiplier=7,
        )  # fmt: skip
        bgf = BetaGeoFitter().fit(summary.frequency, summary.recency, summary["T"])
        rep = summary[(summary.frequency > 0) & (summary.monetary_value > 0)]
        ggf = GammaGammaFitter().fit(rep.frequency, rep.monetary_value)
        f, r, t, m = summary.frequency, summary.recency, summary["T"], summary.monetary_value
        summary["p_alive"] = bgf.conditional_probability_alive(f, r, t)
        summary["expected_purchases"] = bgf.conditional_expected_number_of_purchases_up_to_time(
            52, f, r, t
        )
        summary["expected_value"] = ggf.conditional_expected_average_profit(f, m)
        summary["clv"] = ggf.customer_lifetime_value(
            bgf, f, r, t, m, time=12, discount_rate=1.1 ** (1 / 12) - 1, freq="W"
        )
        return {
            "customers": len(summary),
            "repeaters": len(rep),
            **{k: float(v) for k, v in bgf.params_.items()},
            **{k: float(v) for k, v in ggf.params_.items()},
            "p_alive_mean": float(summary.p_alive.mean()),
            "clv_total": float(summary.clv.sum()),
        }


def order_days(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per customer and order day of the lines with an amount: ``net`` (the day's lines
    summed) and ``purchase`` (``net > 1e-9``: a purchase day; a day of returns only, or of
    returns exceeding its sales, is none), as cxray.analytics.purchases."""
    lines = lines[lines.customer_id.notna() & lines.order_date.notna() & lines.amount.notna()]
    days = lines.groupby(["customer_id", "order_date"]).amount.sum().rename("net").reset_index()
    return days.assign(purchase=days.net > EPS)


def ranked_revenue(revenue: pd.Series) -> pd.DataFrame:
    """Positive revenue ranked descending (ties by id), with running and total sums."""
    ranked = revenue[revenue > 0].rename("revenue").reset_index()
    ranked.columns = ["customer_id", "revenue"]
    ranked = ranked.sort_values(["revenue", "customer_id"], ascending=[False, True])
    ranked["rank"] = np.arange(1, len(ranked) + 1)
    ranked["cum"] = ranked.revenue.cumsum()
    ranked["before"] = ranked.cum - ranked.revenue
    ranked["total"] = ranked.revenue.sum()
    return ranked


def abc_xyz(orders: pd.DataFrame, as_of: pd.Timestamp, column: str) -> dict[str, int]:
    """ABC-XYZ cell counts over the 12 trailing one-month periods, as cxray.analytics.structure."""
    lines = orders[
        (orders.order_date > months_back(as_of, 12))
        & (orders.order_date <= as_of)
        & orders[column].notna()
    ]
    bounds = np.array([months_back(as_of, k) for k in range(12, -1, -1)], dtype="datetime64[ns]")
    period = 12 - np.searchsorted(bounds, lines.order_date.to_numpy(), side="left")
    monthly = lines.groupby([lines[column], period]).amount.sum().unstack(fill_value=0.0)
    monthly = monthly.reindex(columns=range(12), fill_value=0.0)
    revenue = monthly.sum(axis=1)
    cv = monthly.std(axis=1, ddof=0) / (revenue / 12)
    ranked = ranked_revenue(revenue)
    share = ranked.before / ranked.total
    abc = np.where(share < 0.80 - TOL, "A", np.where(share < 0.95 - TOL, "B", "C"))
    c = cv.reindex(ranked.customer_id).to_numpy()
    xyz = np.where(c <= 0.10 + TOL, "X", np.where(c <= 0.25 + TOL, "Y", "Z"))
    counts = pd.Series(np.char.add(abc.astype(str), xyz.astype(str))).value_counts()
    return {a + x: int(counts.get(a + x, 0)) for a in "ABC" for x in "XYZ"}
