"""Did the campaign work? Uplift of a campaign against its control group, with honest intervals.

Groups
------
The groups come from the ``sends`` rows of the campaign (``sends.campaign_id == campaign_id``):

- **target**: customers with a row whose ``group`` is ``"target"`` (or null: a send outside any
  experiment is a send to a target);
- **control**: customers with rows whose ``group`` is ``"control"`` only. Control customers are
  recorded in ``sends`` like the others -- one row per customer with ``group = "control"``,
  ``sent_at`` = the date they would have been sent, and ``opened_at`` / ``clicked_at`` null --
  so that the holdout is kept with the campaign and can be measured later.

A customer with rows in both groups (a data error: the holdout was mailed after all) counts as
target, since it received the campaign; the ``mixed_groups`` warning reports how many.

Window
------
``start`` is the ``start`` argument or, without it, the date of the campaign's earliest
``sent_at``. The measurement window is ``(start, start + window_days]`` (the send day itself is
excluded, as in the campaign file: "the measurement window starts the day after"), with the end
computed in Python and passed as a literal. It is cut at ``as_of``: only the days up to ``as_of``
are observed (``days_observed``), and the ``window_open`` warning says so when the window has
not ended yet.

Per group
---------
For every group customer, its revenue in the window *in scope* (``scope="all"``: every order
line; ``scope="promoted"``: only lines whose SKU is in ``promoted_skus`` or whose product line
is in ``promoted_lines``), net of returns; a customer without such lines has 0.

- ``n``: customers; ``converters``: customers with positive revenue in scope;
  ``conversion_rate = converters / n``;
- ``revenue``: the group's total; ``revenue_per_customer``: the mean over ALL group customers,
  zeros included; ``revenue_sd``: the sample standard deviation of the per-customer revenue
  (divisor ``n - 1``).

The backend computes only ``n``, ``converters``, the sum and the sum of squares per group (one
small aggregate query); the statistics below are computed in Python from them.

Statistics (95% intervals, two-sided p-values)
----------------------------------------------
With ``z = 1.959964`` (the 97.5% normal quantile):

- **conversion**, absolute uplift ``d = p_t - p_c``, unpooled Wald interval
  ``d +- z * sqrt(p_t (1 - p_t) / n_t + p_c (1 - p_c) / n_c)``; p-value from ``d / se`` on the
  normal distribution (so the interval excludes 0 exactly when p < 0.05).
- **revenue per customer**, absolute uplift ``d = m_t - m_c``, Welch interval
  ``d +- t(0.975, df) * se`` with ``se = sqrt(s_t^2 / n_t + s_c^2 / n_c)`` and the
  Welch-Satterthwaite ``df = se^4 / ((s_t^2/n_t)^2 / (n_t - 1) + (s_c^2/n_c)^2 / (n_c - 1))``;
  p-value from ``d / se`` on Student's t with ``df``.
- **relative uplift** ``r = d / m_c = m_t / m_c - 1`` (``m`` the rates or the means), with a
  delta-method interval for the ratio of two independent means ``R = m_t / m_c``:
  ``se(r) = sqrt(v_t + R^2 v_c) / m_c`` where ``v_t``, ``v_c`` are the variances of the two
  means (``p (1 - p) / n`` or ``s^2 / n``); ``r +- z * se(r)``. Defined only when the control's
  level ``m_c`` is positive.
- **incremental revenue** = ``d`` (revenue per customer) x ``n_t``, its interval the Welch
  interval times ``n_t``: the revenue the campaign added among its target customers.
- **minimum detectable effect** (alpha 0.05 two-sided, power 0.8, normal approximation,
  ``k = z(0.975) + z(0.8) = 2.801585``) for the actual group sizes:
  conversion ``k * sqrt(p_c (1 - p_c) (1/n_t + 1/n_c))`` (on the control rate), revenue
  ``k * s_pooled * sqrt(1/n_t + 1/n_c)`` with
  ``s_pooled^2 = ((n_t - 1) s_t^2 + (n_c - 1) s_c^2) / (n_t + n_c - 2)``; relative = absolute
  / the control's level.

Values that cannot be computed (an empty group, a one-customer group for a variance, a zero
control level for a relative figure) are ``None``.

Warnings (stable codes, with the numbers)
-----------------------------------------
- ``control_too_small``: the control is too small to conclude on the campaign's metric, for one
  of two reasons (``reason``):

  - ``"size"``: fewer than ``min_control`` control customers (default 100): too few for the
    normal approximations behind the intervals, whatever the data say;
  - ``"power"``: the relative MDE of the metric is above ``max_relative_mde`` (default 1.0:
    only an effect larger than doubling the control's level would be detected with 80% power)
    or undefined (the control's level is 0 or below). A difference that was not found then says
    nothing; one that was found is real at the 95% level but its size is likely overstated.
- ``window_open``: ``as_of`` is before the window's end; the figures cover ``days_observed`` of
  ``window_days`` days.
- ``attributed_exceeds_total``: the incremental revenue (point estimate) is larger than the
  total revenue (all purchases, whatever the scope) of the target customers in the window: an
  impossible claim, which happens when the control's revenue per customer is negative (returns)
  or the target's other purchases are net returns.
- ``mixed_groups``: customers recorded in both groups (counted as target).

Verdict (on the campaign's metric)
----------------------------------
- ``inconclusive``: the control is too small by size; or the 95% interval of the absolute
  uplift contains 0 while the control is too small by power (the test could not have found a
  plausible effect);
- ``effect``: otherwise, when the interval is above 0 (also when the power was low: a
  significant difference is a finding; the warning stays);
- ``negative``: otherwise, when the interval is below 0;
- ``no_effect_detected``: the interval contains 0 and the test had the power to find an effect
  of ``max_relative_mde``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
from scipy import stats

from cxray.analytics.products import with_product_line

__all__ = [
    "CONFIDENCE",
    "POWER",
    "GroupStats",
    "Measurement",
    "MeasureWarning",
    "Uplift",
    "mde_conversion",
    "mde_mean",
    "measure_campaign",
]

CONFIDENCE = 0.95
"""Confidence level of every interval (and 1 - alpha of the MDE's two-sided test)."""
POWER = 0.8
"""Power of the minimum detectable effect."""

_Z = float(stats.norm.ppf(1 - (1 - CONFIDENCE) / 2))  # 1.959964
_K = _Z + float(stats.norm.ppf(POWER))  # 2.801585

METRICS = ("conversion", "revenue")
SCOPES = ("all", "promoted")
VERDICTS = ("effect", "no_effect_detected", "negative", "inconclusive")


# --------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class GroupStats:
    """One group's figures in the measurement window (see the module notes)."""

    n: int
    converters: int
    conversion_rate: float | None
    revenue: float
    revenue_per_customer: float | None
    revenue_sd: float | None


@dataclass(frozen=True)
class Uplift:
    """Target against control on one metric (``conversion`` or ``revenue`` per customer)."""

    metric: str
    target: float | None  # the target's rate / revenue per customer
    control: float | None
    absolute: float | None  # target - control
    ci_low: float | None
    ci_high: float | None
    p_value: float | None  # two-sided
    relative: float | None  # absolute / control
    relative_ci_low: float | None
    relative_ci_high: float | None
    mde: float | None  # minimum detectable absolute effect for these group sizes
    mde_relative: float | None
    df: float | None = None  # Welch-Satterthwaite degrees of freedom (revenue only)


@dataclass(frozen=True)
class MeasureWarning:
    """A warning with a stable ``code`` and the numbers behind it."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, **{k: _jsonable(v) for k, v in self.values.items()}}


@dataclass(frozen=True)
class Measurement:
    """The result of :func:`measure_campaign`."""

    campaign_id: str
    metric: str
    scope: str
    promoted_skus: tuple[str, ...]
    promoted_lines: tuple[str, ...]
    as_of: dt.date
    start: dt.date  # the send date; the window is (start, end]
    end: dt.date  # start + window_days
    observed_end: dt.date  # min(end, as_of)
    window_days: int
    days_observed: int
    target: GroupStats
    control: GroupStats
    conversion: Uplift
    revenue: Uplift
    incremental_revenue: float | None
    incremental_revenue_ci_low: float | None
    incremental_revenue_ci_high: float | None
    target_total_revenue: float  # all purchases of the target customers in the window
    verdict: str
    warnings: tuple[MeasureWarning, ...] = ()

    @property
    def uplift(self) -> Uplift:
        """The uplift on the campaign's metric (the one the verdict is about)."""
        return self.conversion if self.metric == "conversion" else self.revenue

    @property
    def warning_codes(self) -> tuple[str, ...]:
        return tuple(w.code for w in self.warnings)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: dates as ISO text, undefined numbers as None."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name == "warnings":
                out[name] = [w.to_dict() for w in value]
            elif isinstance(value, GroupStats | Uplift):
                out[name] = {k: _jsonable(v) for k, v in asdict(value).items()}
            else:
                out[name] = _jsonable(value)
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --------------------------------------------------------------------------------------------
# statistics on group aggregates (pure Python)


def mde_conversion(p_control: float, n_target: int, n_control: int) -> float | None:
    """Minimum detectable absolute difference of two proportions (alpha 0.05 two-sided,
    power 0.8): ``2.801585 * sqrt(p (1 - p) (1/n_t + 1/n_c))`` on the control rate ``p``.

    None when a group is empty. Also usable when planning a holdout, with the expected rate.
    """
    if n_target < 1 or n_control < 1:
        return None
    return _K * math.sqrt(p_control * (1 - p_control) * (1 / n_target + 1 / n_control))


def mde_mean(sd: float, n_target: int, n_control: int) -> float | None:
    """Minimum detectable absolute difference of two means (alpha 0.05 two-sided, power 0.8):
    ``2.801585 * sd * sqrt(1/n_t + 1/n_c)`` for a common standard deviation ``sd``."""
    if n_target < 1 or n_control < 1:
        return None
    return _K * sd * math.sqrt(1 / n_target + 1 / n_control)


def _mean_var(n: int, total: float, squares: float) -> tuple[float | None, float | None]:
    """Mean and sample variance (divisor n - 1) from n, the sum and the sum of squares."""
    if n < 1:
        return None, None
    mean = total / n
    if n < 2:
        return mean, None
    return mean, max(squares - total * total / n, 0.0) / (n - 1)


def _interval(d: float, se: float, quantile: float) -> tuple[float, float]:
    return d - quantile * se, d + quantile * se


def _p_value(d: float, se: float, df: float | None = None) -> float:
    if se == 0:
        return 1.0 if d == 0 else 0.0
    z = abs(d) / se
    return float(2 * (stats.t.sf(z, df) if df is not None else stats.norm.sf(z)))


def _relative(
    m_t: float | None, m_c: float | None, v_t: float | None, v_c: float | None
) -> tuple[float | None, float | None, float | None]:
    """Relative uplift m_t / m_c - 1 and its delta-method interval (variances of the means)."""
    if m_t is None or m_c is None or m_c <= 0:
        return None, None, None
    rel = m_t / m_c - 1
    if v_t is None or v_c is None:
        return rel, None, None
    ratio = m_t / m_c
    se = math.sqrt(v_t + ratio * ratio * v_c) / m_c
    low, high = _interval(rel, se, _Z)
    return rel, low, high


def _conversion_uplift(t: GroupStats, c: GroupStats) -> Uplift:
    p_t, p_c = t.conversion_rate, c.conversion_rate
    if p_t is None or p_c is None:
        return Uplift("conversion", p_t, p_c, *([None] * 9))
    d = p_t - p_c
    v_t, v_c = p_t * (1 - p_t) / t.n, p_c * (1 - p_c) / c.n
    se = math.sqrt(v_t + v_c)
    low, high = _interval(d, se, _Z)
    rel, rel_low, rel_high = _relative(p_t, p_c, v_t, v_c)
    mde = mde_conversion(p_c, t.n, c.n)
    mde_rel = mde / p_c if mde is not None and p_c > 0 else None
    return Uplift(
        "conversion", p_t, p_c, d, low, high, _p_value(d, se), rel, rel_low, rel_high, mde, mde_rel
    )


def _revenue_uplift(t: GroupStats, c: GroupStats) -> Uplift:
    m_t, m_c = t.revenue_per_customer, c.revenue_per_customer
    if m_t is None or m_c is None:
        return Uplift("revenue", m_t, m_c, *([None] * 9))
    d = m_t - m_c
    s_t, s_c = t.revenue_sd, c.revenue_sd
    if s_t is None or s_c is None:  # a one-customer group: no variance
        rel = m_t / m_c - 1 if m_c > 0 else None
        return Uplift("revenue", m_t, m_c, d, None, None, None, rel, None, None, None, None)
    v_t, v_c = s_t * s_t / t.n, s_c * s_c / c.n
    se = math.sqrt(v_t + v_c)
    if se > 0:
        df = se**4 / (v_t * v_t / (t.n - 1) + v_c * v_c / (c.n - 1))
        low, high = _interval(d, se, float(stats.t.ppf(1 - (1 - CONFIDENCE) / 2, df)))
        p = _p_value(d, se, df)
    else:  # every customer of both groups spent the same: no uncertainty
        df, low, high, p = None, d, d, _p_value(d, se)
    rel, rel_low, rel_high = _relative(m_t, m_c, v_t, v_c)
    pooled = math.sqrt(((t.n - 1) * s_t * s_t + (c.n - 1) * s_c * s_c) / (t.n + c.n - 2))
    mde = mde_mean(pooled, t.n, c.n)
    mde_rel = mde / m_c if mde is not None and m_c > 0 else None
    return Uplift("revenue", m_t, m_c, d, low, high, p, rel, rel_low, rel_high, mde, mde_rel, df)


def _group_stats(n: int, converters: int, total: float, squares: float) -> GroupStats:
    mean, var = _mean_var(n, total, squares)
    return GroupStats(
        n=n,
        converters=converters,
        conversion_rate=converters / n if n else None,
        revenue=total,
        revenue_per_customer=mean,
        revenue_sd=math.sqrt(var) if var is not None else None,
    )


# --------------------------------------------------------------------------------------------
# the measurement


def _check_date(value: object, name: str) -> None:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a datetime.date, got {value!r}")


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.datetime.fromisoformat(str(value)).date()


def _rows(expr: ir.Table) -> list[dict[str, Any]]:
    return expr.to_pyarrow().to_pylist()


def measure_campaign(
    orders: ir.Table,
    products: ir.Table | None,
    sends: ir.Table,
    *,
    campaign_id: str,
    as_of: dt.date,
    window_days: int,
    metric: Literal["conversion", "revenue"] = "conversion",
    scope: Literal["all", "promoted"] = "all",
    promoted_skus: Iterable[str] = (),
    promoted_lines: Iterable[str] = (),
    start: dt.date | None = None,
    min_control: int = 100,
    max_relative_mde: float = 1.0,
) -> Measurement:
    """Measure campaign ``campaign_id`` against its control group (see the module notes).

    ``metric`` is the campaign's measure (conversion, or revenue per customer): both are
    computed, the verdict and ``control_too_small`` are about ``metric``. ``scope="promoted"``
    counts only the order lines of ``promoted_skus`` or of the product lines ``promoted_lines``
    (``products`` gives the SKUs' lines; it may be None when no line is promoted).
    ``min_control`` and ``max_relative_mde`` set when the control is too small to conclude
    (by size, by power; see the module notes).

    **Executes** two small queries (the campaign's first send, the group aggregates).
    Raises ValueError for an unknown campaign id, a bad metric / scope / window, a promoted
    scope without promoted items, or an ``as_of`` that leaves no day of the window.

    Example::

        m = measure_campaign(orders, products, sends, campaign_id="grill-season-2026-06",
                             as_of=date(2026, 10, 31), window_days=30, scope="promoted",
                             promoted_lines=["Колбасные изделия", "Соусы"])
        m.verdict, m.conversion.absolute, m.conversion.ci_low, m.conversion.ci_high
    """
    _check_date(as_of, "as_of")
    if start is not None:
        _check_date(start, "start")
    if metric not in METRICS:
        raise ValueError(f'metric must be "conversion" or "revenue", got {metric!r}')
    if scope not in SCOPES:
        raise ValueError(f'scope must be "all" or "promoted", got {scope!r}')
    if isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 1:
        raise ValueError(f"window_days must be a positive whole number, got {window_days!r}")
    skus = tuple(str(s) for s in promoted_skus)
    lines_promoted = tuple(str(s) for s in promoted_lines)
    if scope == "promoted" and not skus and not lines_promoted:
        raise ValueError('scope "promoted" needs promoted SKUs or product lines')
    if scope == "promoted" and lines_promoted and products is None:
        raise ValueError("promoted product lines need the products table")

    camp = sends.filter(sends.campaign_id == campaign_id)
    first = _rows(camp.aggregate(first_sent=camp.sent_at.min(), rows=camp.count()))[0]
    if not first["rows"]:
        raise ValueError(f"unknown campaign {campaign_id!r}: no sends with this campaign_id")
    if start is None:
        start = _as_date(first["first_sent"])
    end = start + dt.timedelta(days=window_days)
    if as_of <= start:
        raise ValueError(
            f"campaign {campaign_id!r} was sent on {start.isoformat()}; as_of "
            f"{as_of.isoformat()} leaves no day of its measurement window to measure"
        )
    observed_end = min(end, as_of)

    # the campaign's customers: treated (any target or unlabelled row) or control only
    sent = ibis.cases((camp["group"] == "control", 0), else_=1)
    members = camp.group_by(_cid=camp.customer_id).aggregate(
        _any_sent=sent.max(), _any_control=(1 - sent).max()
    )

    lines = orders.filter(
        orders.order_date > ibis.literal(start),
        orders.order_date <= ibis.literal(observed_end),
        orders.customer_id.notnull(),
    )
    lines = lines.select("customer_id", "sku", amount=lines.amount.cast("float64"))
    everything = lines.group_by(_aid=lines.customer_id).aggregate(_all=lines.amount.sum())
    if scope == "promoted":
        in_scope = None
        if lines_promoted:
            lines = with_product_line(lines, products)
            in_scope = lines.product_line.isin(lines_promoted)
        if skus:
            by_sku = lines.sku.isin(skus)
            in_scope = by_sku if in_scope is None else (in_scope | by_sku)
        lines = lines.filter(in_scope)
    scoped = lines.group_by(_sid=lines.customer_id).aggregate(_rev=lines.amount.sum())

    per = members.left_join(scoped, members._cid == scoped._sid)
    per = per.left_join(everything, per._cid == everything._aid)
    rev = per._rev.fill_null(0.0)
    per = per.select(
        treated=per._any_sent,
        mixed=ibis.cases(((per._any_sent == 1) & (per._any_control == 1), 1), else_=0),
        rev=rev,
        total=per._all.fill_null(0.0),
        converted=ibis.cases((rev > 0, 1), else_=0),
    )
    agg = per.group_by("treated").aggregate(
        n=per.count(),
        converters=per.converted.sum(),
        s=per.rev.sum(),
        ss=(per.rev * per.rev).sum(),
        total=per.total.sum(),
        mixed=per.mixed.sum(),
    )
    by_group = {int(r["treated"]): r for r in _rows(agg)}
    empty = {"n": 0, "converters": 0, "s": 0.0, "ss": 0.0, "total": 0.0, "mixed": 0}

    def group(flag: int) -> GroupStats:
        r = by_group.get(flag, empty)
        return _group_stats(
            int(r["n"]), int(r["converters"] or 0), float(r["s"] or 0.0), float(r["ss"] or 0.0)
        )

    target, control = group(1), group(0)
    target_total = float(by_group.get(1, empty)["total"] or 0.0)
    mixed = int(by_group.get(1, empty)["mixed"] or 0)

    conversion = _conversion_uplift(target, control)
    revenue = _revenue_uplift(target, control)
    incremental = ci_inc_low = ci_inc_high = None
    if revenue.absolute is not None:
        incremental = revenue.absolute * target.n
        if revenue.ci_low is not None:
            ci_inc_low, ci_inc_high = revenue.ci_low * target.n, revenue.ci_high * target.n

    primary = conversion if metric == "conversion" else revenue
    warnings: list[MeasureWarning] = []
    too_few = control.n < min_control
    low_power = primary.mde_relative is None or primary.mde_relative > max_relative_mde
    if too_few or low_power:
        warnings.append(
            MeasureWarning(
                "control_too_small",
                {
                    "reason": "size" if too_few else "power",
                    "metric": metric,
                    "control_n": control.n,
                    "min_control": min_control,
                    "relative_mde": primary.mde_relative,
                    "max_relative_mde": max_relative_mde,
                },
            )
        )
    if observed_end < end:
        warnings.append(
            MeasureWarning(
                "window_open",
                {
                    "end": end,
                    "as_of": as_of,
                    "days_observed": (observed_end - start).days,
                    "window_days": window_days,
                },
            )
        )
    if incremental is not None and incremental > target_total:
        warnings.append(
            MeasureWarning(
                "attributed_exceeds_total",
                {"incremental_revenue": incremental, "target_total_revenue": target_total},
            )
        )
    if mixed:
        warnings.append(MeasureWarning("mixed_groups", {"customers": mixed}))

    if too_few or primary.ci_low is None:
        verdict = "inconclusive"
    elif primary.ci_low > 0:
        verdict = "effect"
    elif primary.ci_high < 0:
        verdict = "negative"
    elif low_power:
        verdict = "inconclusive"
    else:
        verdict = "no_effect_detected"

    return Measurement(
        campaign_id=campaign_id,
        metric=metric,
        scope=scope,
        promoted_skus=skus,
        promoted_lines=lines_promoted,
        as_of=as_of,
        start=start,
        end=end,
        observed_end=observed_end,
        window_days=window_days,
        days_observed=(observed_end - start).days,
        target=target,
        control=control,
        conversion=conversion,
        revenue=revenue,
        incremental_revenue=incremental,
        incremental_revenue_ci_low=ci_inc_low,
        incremental_revenue_ci_high=ci_inc_high,
        target_total_revenue=target_total,
        verdict=verdict,
        warnings=tuple(warnings),
    )


def measure_from_campaign(
    campaign: Any, tables: Mapping[str, ir.Table], *, as_of: dt.date
) -> Measurement:
    """:func:`measure_campaign` with the settings of a campaign file
    (:class:`cxray.comms.campaign.Campaign`) on the canonical ``tables``."""
    m = campaign.brief.measure
    return measure_campaign(
        tables["orders"],
        tables["products"],
        tables["sends"],
        campaign_id=campaign.id,
        as_of=as_of,
        window_days=m.window_days,
        metric=m.metric,
        scope=m.scope,
        promoted_skus=campaign.promoted_skus,
        promoted_lines=campaign.promoted_lines,
        start=campaign.start,
    )
