"""What a loyalty programme adds: members against matched non-members, a difference in differences.

Definitions
-----------

- **Join day** J: ``loyalty_members.joined_at``. The **post window** is the ``window_months``
  calendar months from J (J included, J + ``window_months`` excluded); the **pre period** is the
  12 months before J (J - 12 months included, J excluded); the **retention pre window** is the
  ``window_months`` months just before J.
- **Evaluated members**: members who joined on or before ``as_of - window_months`` (a complete
  post window), did not leave before the end of their post window (``left_at`` empty or on or
  after it) and have at least one purchase day (:mod:`cxray.analytics.purchases`) in their pre
  period. Members with no purchase day in it are counted apart as **members without history**.
- **Candidate controls** for the members who joined in month M: customers with a purchase day in
  the 12 months before the first day of M who were no member by the end of M (they never
  joined, or joined on or after the first day of month M + 1: :data:`CONTROL_CLEAR_MONTHS`).
  Their **pseudo-join day** is the first day of M. A member's own figures are taken at its own
  J. A customer can be a candidate in several months. A candidate who joins during the post
  window stays a control with all its post-window purchases: whatever the programme adds to them
  pulls the estimate towards zero, by the effect x the share of controls joining x the part of
  the window after they joined (small, and cautious). Requiring controls that stay non-members
  through the post window would instead keep the ones who stop buying: people join while they
  buy, so those who go on buying join and would leave the control group, which makes the
  estimate too high (measured on the retail demo: about 5 roubles per member-month).
- **Features** (at J, or the pseudo-join day): recency (days from the latest pre-period purchase
  day), frequency (pre-period purchase days), monetary (pre-period net revenue), tenure (days
  from acquisition, the first order day of any amount) and ``customers.segment``.
- **Matching**: coarsened exact matching; a stratum is one join month, segment (empty is its own
  group), recency band (:data:`RECENCY_EDGES`), frequency band (:data:`FREQUENCY_EDGES`), monetary
  band (:data:`MONETARY_BANDS` quantile bands of the evaluated members' pre-period revenue) and
  tenure band (:data:`TENURE_EDGES`). A member is **matched** when its stratum holds at least one
  candidate; each of the stratum's k controls weighs 1 / k for each of its members.
- **Outcomes** (net revenue: returns count against it, as everywhere in cxray): the **revenue
  change** is the net revenue per month of the post window minus the net revenue per month of
  the pre period; the **retention change** is 1 / 0 for a purchase day in the post window minus
  1 / 0 for one in the retention pre window.
- **DiD** = the mean over matched members of (the member's change - the mean change of its
  stratum's controls) = sum over strata of n_s / N x (members' mean - controls' mean).
  **95% interval**: DiD +- 1.96 x the stratified standard error sqrt(sum (n_s / N)^2 x (v_m /
  n_s + v_c / k_s)), with v the group's sample variance in the stratum where it holds two or
  more of the group's customers, else the variance of both groups around their own means in
  the stratum where it holds three or more customers, else the group's variance pooled within
  strata. Controls serving several months are treated as independent.
- **Would have come back anyway**: the evaluated members retained (a purchase day in the post
  window) minus the retention DiD x the evaluated members, bounded to [0, retained]; also as a
  share of the retained.
- **Balance**: the standardized mean difference (SMD) of recency, frequency, monetary and tenure
  between matched members and their weighted controls, (mean_m - mean_c) / sqrt((var_m + var_c)
  / 2), and the same between all evaluated members and all candidates before matching.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from cxray.analytics.windows import add_months, check_as_of

__all__ = [
    "BALANCE_FEATURES",
    "CONTROL_CLEAR_MONTHS",
    "FREQUENCY_EDGES",
    "MIN_MATCHED",
    "MONETARY_BANDS",
    "RECENCY_EDGES",
    "SMD_LIMIT",
    "TENURE_EDGES",
    "anchors",
    "changes",
    "check_window",
    "effect_summaries",
    "matched_did",
    "matched_rows",
]

CONTROL_CLEAR_MONTHS = 1
"""A candidate for the members of month M never joined before the first day of month M + this."""
PRE_MONTHS = 12
"""The pre period: the months before the join day that the features and the revenue base use."""
RECENCY_EDGES = (30, 90, 180)
"""Recency bands (days since the latest pre-period purchase day): <= 30, <= 90, <= 180, more."""
FREQUENCY_EDGES = (2, 3, 4, 5, 6, 8, 10, 13, 17, 23, 31)
"""Frequency bands (pre-period purchase days): 1, 2, 3, 4, 5, 6-7, 8-9, 10-12, 13-16, 17-22,
23-30, 31 or more. Fine, because members are often chosen by how often they bought: within a
wide band members would have bought more often than their controls, and their revenue would
fall back more (regression to the mean)."""
MONETARY_BANDS = 4
"""Monetary bands: quartiles of the evaluated members' pre-period net revenue."""
TENURE_EDGES = (365, 730)
"""Tenure bands (days from acquisition): under a year, one to two years, two years or more."""
BALANCE_FEATURES = ("recency", "frequency", "monetary", "tenure")
SMD_LIMIT = 0.1
"""An absolute SMD above this after matching is an imbalance."""
MIN_MATCHED = 30
"""Fewer matched members than this (or under half of the evaluated) is too few matches."""
Z95 = 1.959963984540054


def check_window(window_months: object) -> None:
    """Raise ``ValueError`` unless ``window_months`` is a whole number from 1 to 12."""
    if (
        isinstance(window_months, bool)
        or not isinstance(window_months, int)
        or not 1 <= window_months <= 12
    ):
        raise ValueError(
            f"window_months must be a whole number from 1 to 12, got {window_months!r}"
        )


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def anchors(
    members: list[dict[str, Any]], *, as_of: dt.date, window_months: int = 6
) -> tuple[pa.Table, pa.Table, dict[str, int]]:
    """The members to evaluate and the months to draw controls for, from the rows of
    ``loyalty_members`` (``customer_id``, ``joined_at``, ``left_at``).

    Returns ``(member_anchors, month_anchors, counts)``: one row per member with a complete post
    window who stayed through it (``customer_id``, ``month``, ``anchor`` = J, ``pre_start``,
    ``ret_start``, ``post_end``), one row per join month (``month``, ``anchor`` = its first
    day, the same bounds and ``bound``: a candidate never joined before it), and the counts
    ``members`` (joined on or before ``as_of``), ``too_recent`` and ``left_early``.
    """
    check_as_of(as_of)
    check_window(window_months)
    last_join = add_months(as_of, -window_months)
    rows, months = [], set()
    counts = {"members": 0, "too_recent": 0, "left_early": 0}
    for m in members:
        joined, left = m["joined_at"], m.get("left_at")
        if joined is None or joined > as_of:
            continue
        counts["members"] += 1
        if joined > last_join:
            counts["too_recent"] += 1
            continue
        post_end = add_months(joined, window_months)
        if left is not None and left < post_end:
            counts["left_early"] += 1
            continue
        month = _first_of_month(joined)
        months.add(month)
        rows.append((m["customer_id"], month, joined, post_end))

    def bounds(anchor: dt.date) -> dict[str, dt.date]:
        return {
            "pre_start": add_months(anchor, -PRE_MONTHS),
            "ret_start": add_months(anchor, -window_months),
        }

    date = pa.date32()
    member_anchors = pa.table(
        {
            "customer_id": pa.array([r[0] for r in rows], pa.string()),
            "month": pa.array([r[1] for r in rows], date),
            "anchor": pa.array([r[2] for r in rows], date),
            "pre_start": pa.array([bounds(r[2])["pre_start"] for r in rows], date),
            "ret_start": pa.array([bounds(r[2])["ret_start"] for r in rows], date),
            "post_end": pa.array([r[3] for r in rows], date),
        }
    )
    ordered = sorted(months)
    month_anchors = pa.table(
        {
            "month": pa.array(ordered, date),
            "anchor": pa.array(ordered, date),
            "pre_start": pa.array([bounds(m)["pre_start"] for m in ordered], date),
            "ret_start": pa.array([bounds(m)["ret_start"] for m in ordered], date),
            "post_end": pa.array([add_months(m, window_months) for m in ordered], date),
            "bound": pa.array([add_months(m, CONTROL_CLEAR_MONTHS) for m in ordered], date),
        }
    )
    return member_anchors, month_anchors, counts


def _window_figures(joined: ir.Table) -> dict[str, ir.Value]:
    d, a = joined.order_date, joined.anchor
    pre = (d >= joined.pre_start) & (d < a)
    ret = (d >= joined.ret_start) & (d < a)
    post = (d >= a) & (d < joined.post_end)
    buy = joined.purchase
    return {
        "frequency": (pre & buy).cast("int64").sum(),
        "monetary": joined.net.sum(where=pre),
        "last_pre": d.max(where=pre & buy),
        "ret_pre_days": (ret & buy).cast("int64").sum(),
        "post_revenue": joined.net.sum(where=post),
        "post_days": (post & buy).cast("int64").sum(),
    }


def effect_summaries(
    days: ir.Table,
    customers: ir.Table,
    member_anchors: pa.Table,
    month_anchors: pa.Table,
    *,
    as_of: dt.date,
) -> ir.Table:
    """One row per evaluated member and per (candidate, join month), lazily: ``customer_id``,
    ``member`` (bool), ``month``, ``anchor``, ``frequency`` (pre-period purchase days),
    ``monetary`` (pre-period net revenue), ``last_pre`` (latest pre-period purchase day),
    ``ret_pre_days`` (purchase days in the retention pre window), ``post_revenue``,
    ``post_days``, ``first_date`` (acquisition) and ``segment``. Members without a pre-period
    purchase day have ``frequency`` 0 (or no row when they have no order day in their windows);
    candidates who joined before their month's ``bound`` are left in with ``bound`` set, for
    :func:`changes` to drop.

    ``days``: :func:`cxray.analytics.purchases.order_days` of the orders.
    """
    check_as_of(as_of)
    days = days.filter(days.order_date <= ibis.literal(as_of))
    days = days.select("customer_id", "order_date", "net", "purchase")
    first = days.group_by("customer_id").aggregate(first_date=days.order_date.min())
    ma = ibis.memtable(member_anchors)
    mj = ma.join(
        days,
        [ma.customer_id == days.customer_id, days.order_date >= ma.pre_start,
         days.order_date < ma.post_end],
    )  # fmt: skip
    mrows = mj.group_by(["customer_id", "month", "anchor"]).aggregate(**_window_figures(mj))
    mrows = mrows.mutate(member=ibis.literal(True), bound=ibis.null("date"))
    mo = ibis.memtable(month_anchors)
    cj = mo.join(days, [days.order_date >= mo.pre_start, days.order_date < mo.post_end])
    crows = cj.group_by(["customer_id", "month", "anchor", "bound"]).aggregate(
        **_window_figures(cj)
    )
    crows = crows.filter(crows.frequency > 0).mutate(member=ibis.literal(False))
    columns = ["customer_id", "member", "month", "anchor", "bound", "frequency", "monetary",
               "last_pre", "ret_pre_days", "post_revenue", "post_days"]  # fmt: skip
    rows = mrows.select(*columns).union(crows.select(*columns))
    rows = rows.left_join(first, "customer_id").drop("customer_id_right")
    segments = customers.select("customer_id", segment=customers.segment.cast("string"))
    segments = segments.distinct(on="customer_id", keep="first")
    rows = rows.left_join(segments, "customer_id").drop("customer_id_right")
    return rows


def _days_between(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    later = pd.to_datetime(later)
    earlier = pd.to_datetime(earlier)
    return (later - earlier).dt.days.to_numpy(dtype="float64")


def changes(
    rows: pd.DataFrame, members_joined: dict[str, dt.date], *, window_months: int = 6
) -> pd.DataFrame:
    """The rows of :func:`effect_summaries` as the matching's input: candidates who joined
    before their month's bound (``members_joined``: customer_id -> joined_at) and members
    without history dropped; columns ``customer_id``, ``member``, ``month``, ``segment``,
    ``recency``, ``frequency``, ``monetary``, ``tenure``, ``revenue_change``,
    ``retention_change`` and ``retained`` (1 / 0: a post-window purchase day)."""
    frame = rows.copy()
    frame = frame[frame["frequency"].fillna(0) > 0]
    joined = frame["customer_id"].map(members_joined)
    bound = pd.to_datetime(frame["bound"])
    early = ~frame["member"].astype(bool) & joined.notna() & (pd.to_datetime(joined) < bound)
    frame = frame[~early.fillna(False).astype(bool)]
    retained = (frame["post_days"].fillna(0) > 0).astype(float)
    before = (frame["ret_pre_days"].fillna(0) > 0).astype(float)
    return pd.DataFrame(
        {
            "customer_id": frame["customer_id"].astype(str),
            "member": frame["member"].astype(bool),
            "month": pd.to_datetime(frame["month"]).dt.date,
            "segment": frame["segment"].astype(object).where(frame["segment"].notna(), None),
            "recency": _days_between(frame["anchor"], frame["last_pre"]),
            "frequency": frame["frequency"].astype(float),
            "monetary": frame["monetary"].fillna(0.0).astype(float),
            "tenure": _days_between(frame["anchor"], frame["first_date"]),
            "revenue_change": frame["post_revenue"].fillna(0.0).astype(float) / window_months
            - frame["monetary"].fillna(0.0).astype(float) / PRE_MONTHS,
            "retention_change": retained - before,
            "retained": retained,
        }
    ).reset_index(drop=True)


def _bands(frame: pd.DataFrame) -> pd.DataFrame:
    """The stratum of every row: join month, segment and the four bands."""
    members = frame.loc[frame["member"], "monetary"].to_numpy()
    shares = np.arange(1, MONETARY_BANDS) / MONETARY_BANDS
    cuts = np.quantile(members, shares) if len(members) else np.zeros(0)
    return pd.DataFrame(
        {
            "month": frame["month"].astype(str),
            "segment": frame["segment"].fillna("\0").astype(str),
            "recency": np.searchsorted(RECENCY_EDGES, frame["recency"].to_numpy(), side="left"),
            "frequency": np.searchsorted(FREQUENCY_EDGES, frame["frequency"].to_numpy(), "right"),
            "monetary": np.searchsorted(cuts, frame["monetary"].to_numpy(), "right"),
            "tenure": np.searchsorted(TENURE_EDGES, frame["tenure"].to_numpy(), side="right"),
        }
    )


def _strata(frame: pd.DataFrame) -> np.ndarray:
    """A stratum number per row (rows with equal bands share one)."""
    if frame.empty:
        return np.zeros(0, dtype=np.int64)
    bands = _bands(frame)
    return bands.groupby(list(bands.columns), sort=False).ngroup().to_numpy()


def _stratified(
    y: np.ndarray, member: np.ndarray, stratum: np.ndarray, matched: np.ndarray
) -> tuple[float | None, float | None]:
    """The DiD of outcome ``y`` over the matched strata and its stratified standard error."""
    if not matched.any():
        return None, None
    s = stratum
    n_strata = int(s.max()) + 1

    def moments(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        count = np.bincount(s[mask], minlength=n_strata).astype(float)
        total = np.bincount(s[mask], weights=y[mask], minlength=n_strata)
        mean = np.divide(total, count, out=np.zeros(n_strata), where=count > 0)
        resid = y[mask] - mean[s[mask]]
        ss = np.bincount(s[mask], weights=resid**2, minlength=n_strata)
        df = count[count > 0].sum() - (count > 0).sum()
        if df > 0:
            pooled = ss.sum() / df
        else:  # one customer per stratum: the group's overall variance
            pooled = float(np.var(y[mask], ddof=1)) if mask.sum() > 1 else 0.0
        return count, mean, ss, pooled

    nm, mm, ssm, pm = moments(member & matched)
    nc, mc, ssc, pc = moments(~member & matched)
    # a group's variance in a stratum: its own with two or more customers there, else both
    # groups' within the stratum with three or more, else the group's pooled within strata
    both = np.divide(ssm + ssc, nm + nc - 2, out=np.zeros(n_strata), where=nm + nc > 2)

    def variance(count: np.ndarray, ss: np.ndarray, pooled: float) -> np.ndarray:
        own = np.divide(ss, count - 1, out=np.zeros(n_strata), where=count > 1)
        return np.where(count > 1, own, np.where(nm + nc > 2, both, pooled))

    vm, vc = variance(nm, ssm, pm), variance(nc, ssc, pc)
    used = (nm > 0) & (nc > 0)
    total = nm[used].sum()
    w = nm[used] / total
    did = float(np.sum(w * (mm[used] - mc[used])))
    se = float(np.sqrt(np.sum(w**2 * (vm[used] / nm[used] + vc[used] / nc[used]))))
    return did, se


def _smd(a: np.ndarray, b: np.ndarray, wa: np.ndarray, wb: np.ndarray) -> float | None:
    if wa.sum() <= 0 or wb.sum() <= 0:
        return None
    ma, mb = np.average(a, weights=wa), np.average(b, weights=wb)
    va = np.average((a - ma) ** 2, weights=wa)
    vb = np.average((b - mb) ** 2, weights=wb)
    scale = np.sqrt((va + vb) / 2)
    tiny = 1e-9 * max(1.0, abs(ma), abs(mb))  # a weighted mean of equal values may differ a bit
    if scale <= tiny:
        return 0.0 if abs(ma - mb) <= tiny else None
    return float((ma - mb) / scale)


def _interval(did: float | None, se: float | None) -> tuple[float | None, float | None]:
    if did is None or se is None:
        return None, None
    return did - Z95 * se, did + Z95 * se


def matched_rows(frame: pd.DataFrame, stratum: np.ndarray | None = None) -> np.ndarray:
    """Which rows of :func:`changes` are matched: members whose stratum holds a candidate, and
    candidates whose stratum holds a member (bool per row)."""
    stratum = _strata(frame) if stratum is None else stratum
    if not len(stratum):
        return np.zeros(0, dtype=bool)
    member = frame["member"].to_numpy(dtype=bool)
    n_strata = int(stratum.max()) + 1
    has_m = np.bincount(stratum[member], minlength=n_strata) > 0
    has_c = np.bincount(stratum[~member], minlength=n_strata) > 0
    return (has_m & has_c)[stratum]


def matched_did(frame: pd.DataFrame) -> dict[str, Any]:
    """The matched difference in differences (see the module notes) of the rows of
    :func:`changes`.

    Keys: ``evaluated`` (members with history), ``matched``, ``unmatched``, ``controls``
    (distinct candidates used), ``strata``, ``revenue_did`` / ``revenue_low`` /
    ``revenue_high`` / ``revenue_se``, ``retention_did`` / ``retention_low`` /
    ``retention_high`` / ``retention_se``, ``naive_revenue_diff`` (members' mean revenue change
    minus the candidates', unmatched), ``retained``, ``would_have_come_back`` and
    ``would_have_come_back_share``, and ``balance``: one row per feature with ``smd_before``
    and ``smd_after``. Figures are None when nothing is matched.
    """
    member = frame["member"].to_numpy(dtype=bool)
    stratum = _strata(frame)
    n_strata = int(stratum.max()) + 1 if len(stratum) else 0
    matched = matched_rows(frame, stratum)
    evaluated = int(member.sum())
    n_matched = int((member & matched).sum())
    out: dict[str, Any] = {
        "evaluated": evaluated,
        "matched": n_matched,
        "unmatched": evaluated - n_matched,
        "controls": int(frame.loc[~member & matched, "customer_id"].nunique()),
        "strata": len(np.unique(stratum[member & matched])),
    }
    for name in ("revenue", "retention"):
        y = frame[f"{name}_change"].to_numpy(dtype=float)
        did, se = _stratified(y, member, stratum, matched)
        low, high = _interval(did, se)
        out.update({f"{name}_did": did, f"{name}_low": low, f"{name}_high": high,
                    f"{name}_se": se})  # fmt: skip
    y = frame["revenue_change"].to_numpy(dtype=float)
    out["naive_revenue_diff"] = (
        float(y[member].mean() - y[~member].mean()) if member.any() and (~member).any() else None
    )
    retained = int(frame.loc[member, "retained"].sum())
    out["retained"] = retained
    if out["retention_did"] is None:
        out["would_have_come_back"] = out["would_have_come_back_share"] = None
    else:
        anyway = min(max(retained - out["retention_did"] * evaluated, 0.0), float(retained))
        out["would_have_come_back"] = anyway
        out["would_have_come_back_share"] = anyway / retained if retained else None
    # control weights: each matched member gives 1 / k to each of its stratum's k controls
    count_m = np.bincount(stratum[member & matched], minlength=n_strata).astype(float)
    count_c = np.bincount(stratum[~member & matched], minlength=n_strata).astype(float)
    ratio = np.divide(count_m, count_c, out=np.zeros(n_strata), where=count_c > 0)
    weight_c = ratio[stratum]
    balance = []
    for feature in BALANCE_FEATURES:
        x = frame[feature].to_numpy(dtype=float)
        ones = np.ones(len(x))
        before = _smd(x[member], x[~member], ones[member], ones[~member])
        after = _smd(x[member & matched], x[~member & matched], ones[member & matched],
                     weight_c[~member & matched])  # fmt: skip
        balance.append({"feature": feature, "smd_before": before, "smd_after": after})
    out["balance"] = balance
    return out
