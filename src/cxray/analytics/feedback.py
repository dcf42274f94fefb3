"""Voice of the customer: NPS / CSI / CES scores with confidence intervals, and "say versus do".

Every function takes Ibis tables with the canonical schema (see :mod:`cxray.ingest.schema`) and an
explicit ``as_of`` date; answers dated after ``as_of`` are ignored. Aggregates (counts, sums, sums
of squares) are computed in the backend, statistics in Python.

Scales (:data:`SCALES`):

- ``nps``: whole numbers 0-10; promoter 9-10, passive 7-8, detractor 0-6 (:func:`nps_group`).
- ``ces``: whole numbers 1-7.
- ``csi``: 1-5 or 1-10, per survey. :func:`csi_scales` infers 10 for a survey when any of its CSI
  scores is above 5, otherwise 5; a ``csi_scale`` mapping ``{survey: 5 | 10}`` overrides the
  inference for the surveys it names (answers without a survey use the key ``""``). CSI scores
  need not be whole numbers.

Bad scores (out of range for their metric / scale, not a whole number where one is required, or
missing) are listed by :func:`invalid_scores` with a ``problem`` text, and ignored by the score
functions, which report how many they ignored. Non-numeric scores never reach analytics: the
``score`` column is numeric and ingest rejects (and keeps) rows whose score is not a number.
Duplicate answers are rejected at import (natural key customer_id, date, metric, survey).

Formulas:

- NPS = 100 * (P - D) / n with P promoters, D detractors, n answers. Its 95% confidence interval
  is the score (Wilson-type) interval of the trinomial: the values d in [-100, 100] that the score
  test does not reject, ``n * (NPS/100 - d/100) ** 2 / (q_P + q_D - (d/100) ** 2) <= 1.96 ** 2``,
  with q_P, q_D the promoter and detractor shares that maximise the likelihood under
  ``q_P - q_D = d/100``. It stays inside the scale and does not collapse on few answers: 4
  promoters of 4 give [100 * (4 - 1.96²) / (4 + 1.96²); 100] = [2.0; 100]. Without passives it is
  the Wilson interval of the promoter share, mapped to ``2 * p - 1``.
- CSI / CES: the mean; its 95% interval is computed on the scale [low, high]: 1.96² / 2 answers
  are added at each end of the scale (the Agresti-Coull adjustment, which for answers at the two
  ends only is the Wilson interval), ``mean' ± 1.96 * sqrt(var' / n')`` from the adjusted count,
  mean and variance, then cut to the scale. Equal answers do not collapse the interval.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
from scipy import optimize

from cxray.analytics.structure import customer_status
from cxray.analytics.windows import add_months, check_as_of

__all__ = [
    "SCALES",
    "AnswerGroupRow",
    "CustomerFlag",
    "SayVsDo",
    "ScoreRow",
    "csi_scales",
    "invalid_scores",
    "mean_interval",
    "nps_group",
    "nps_interval",
    "say_vs_do",
    "scores",
    "unknown_customers",
]

#: Valid score range (low, high) per metric; CSI's high end is 5 or 10 per survey (see module doc).
SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csi": (1, 5), "ces": (1, 7)}
CSI_SCALES = (5, 10)
METRICS = ("nps", "csi", "ces")
BY = (None, "month", "segment", "touchpoint", "survey")
ALL = "(all)"
NONE = "(none)"
Z95 = 1.96


# --------------------------------------------------------------------------------------------
# scales and validation


def _survey_key(responses: ir.Table) -> ir.StringValue:
    return responses.survey.fill_null("")


def csi_scales(responses: ir.Table, csi_scale: dict[str, int] | None = None) -> dict[str, int]:
    """The CSI scale (5 or 10) of each survey that has CSI answers: 10 when any CSI score of the
    survey is above 5, else 5. ``csi_scale`` overrides the inference for the surveys it names.
    Answers without a survey are under the key ``""``. Executes one small query."""
    csi_scale = dict(csi_scale or {})
    for survey, scale in csi_scale.items():
        if scale not in CSI_SCALES:
            raise ValueError(f"csi_scale for survey {survey!r} must be 5 or 10, got {scale!r}")
    csi = responses.filter(responses.metric == "csi")
    top = (
        csi.mutate(survey_key=_survey_key(csi))
        .group_by("survey_key")
        .aggregate(top=lambda t: t.score.max())
        .to_pandas()
    )
    inferred = {
        str(row.survey_key): 10 if pd.notna(row.top) and row.top > 5 else 5
        for row in top.itertuples()
    }
    inferred.update(csi_scale)
    return inferred


def _scale_expr(responses: ir.Table, scales: dict[str, int]) -> ir.IntegerValue:
    """The high end of each answer's scale (10 for NPS, 7 for CES, 5 or 10 for CSI)."""
    key = _survey_key(responses)
    csi_cases = [(key == ibis.literal(s), v) for s, v in sorted(scales.items()) if v != 5]
    csi_high = ibis.cases(*csi_cases, else_=5) if csi_cases else ibis.literal(5)
    return ibis.cases(
        (responses.metric == "nps", 10),
        (responses.metric == "ces", 7),
        else_=csi_high,
    ).cast("int64")


def _annotate(responses: ir.Table, scales: dict[str, int]) -> ir.Table:
    """``responses`` with ``scale`` (high end) and ``problem`` (null when the score is valid)."""
    t = responses.mutate(scale=_scale_expr(responses, scales))
    low = ibis.cases((t.metric == "nps", 0), else_=1)
    whole_required = t.metric.isin(["nps", "ces"])
    not_whole = t.score.cast("int64").cast("float64") != t.score
    problem = ibis.cases(
        (~t.metric.isin(list(METRICS)) | t.metric.isnull(), "unknown metric"),
        (t.score.isnull(), "missing score"),
        (
            (t.score < low) | (t.score > t.scale),
            "out of range " + low.cast("string") + "-" + t.scale.cast("string"),
        ),
        (whole_required & not_whole, "not a whole number"),
        else_=ibis.null("string"),
    )
    return t.mutate(problem=problem)


def invalid_scores(responses: ir.Table, csi_scale: dict[str, int] | None = None) -> ir.Table:
    """The answers whose score is not valid for its metric and scale, with a ``problem`` column
    ("out of range 0-10", "out of range 1-5", "not a whole number", "missing score",
    "unknown metric") and the ``scale`` column (high end of the scale used). Lazy Ibis table;
    computing the CSI scales executes one small query (see :func:`csi_scales`)."""
    scales = csi_scales(responses, csi_scale)
    t = _annotate(responses, scales)
    return t.filter(t.problem.notnull()).order_by(["customer_id", "date", "metric"])


def nps_group(score: ir.NumericValue) -> ir.StringValue:
    """The NPS answer group of a (valid) score expression: "promoter" 9-10, "passive" 7-8,
    "detractor" 0-6."""
    return ibis.cases((score >= 9, "promoter"), (score >= 7, "passive"), else_="detractor")


def _nps_group_py(score: float) -> str:
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


# --------------------------------------------------------------------------------------------
# statistics


def nps_interval(promoters: int, passives: int, detractors: int) -> tuple[float, float, float]:
    """(NPS, CI low, CI high) from the three counts (score interval, see the module notes);
    NaNs when there is no answer."""
    n = promoters + passives + detractors
    if n == 0:
        return math.nan, math.nan, math.nan
    observed = (promoters - detractors) / n

    def excess(delta: float) -> float:  # score statistic minus its 95% critical value
        return _nps_score(promoters, passives, detractors, observed, delta) - Z95 * Z95

    eps = 1e-12
    low = -1.0 if observed <= -1 + eps or excess(-1 + eps) <= 0 else None
    high = 1.0 if observed >= 1 - eps or excess(1 - eps) <= 0 else None
    if low is None:
        low = optimize.brentq(excess, -1 + eps, min(observed, 1 - eps), xtol=1e-12)
    if high is None:
        high = optimize.brentq(excess, max(observed, -1 + eps), 1 - eps, xtol=1e-12)
    return 100.0 * observed, 100.0 * low, 100.0 * high


def _nps_score(promoters: int, passives: int, detractors: int, observed: float, delta: float):
    """The score statistic of ``q_P - q_D = delta`` at the constrained maximum likelihood."""
    n = promoters + passives + detractors
    if observed == delta:
        return 0.0
    x = _nps_detractor_share(promoters, passives, detractors, delta)
    var = 2 * x + delta - delta * delta  # q_P + q_D - delta², with q_P = x + delta, q_D = x
    if var <= 0:
        return math.inf
    return n * (observed - delta) ** 2 / var


def _nps_detractor_share(promoters: int, passives: int, detractors: int, delta: float) -> float:
    """The detractor share x maximising P log(x + delta) + M log(1 - 2x - delta) + D log x on
    max(0, -delta) <= x <= (1 - delta) / 2; its derivative decreases in x."""

    def term(count: int, share: float) -> float:
        if count == 0:
            return 0.0
        return math.inf if share <= 0 else count / share

    def slope(x: float) -> float:
        return (
            term(promoters, x + delta) + term(detractors, x) - 2 * term(passives, 1 - 2 * x - delta)
        )

    lo, hi = max(0.0, -delta), (1 - delta) / 2
    if slope(lo) <= 0:
        return lo
    if slope(hi) >= 0:
        return hi
    return optimize.brentq(slope, lo, hi, xtol=1e-15)


def mean_interval(
    n: int, total: float, total_sq: float, low: float, high: float
) -> tuple[float, float, float]:
    """(mean, CI low, CI high) of answers on the scale [low, high] from n, their sum and sum of
    squares: 1.96² / 2 answers added at each end of the scale, normal interval, cut to the scale
    (see the module notes); NaNs without answers."""
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = total / n
    extra = Z95 * Z95 / 2
    n_adj = n + 2 * extra
    mean_adj = (total + extra * (low + high)) / n_adj
    var_adj = max((total_sq + extra * (low * low + high * high)) / n_adj - mean_adj**2, 0.0)
    half = Z95 * math.sqrt(var_adj / n_adj)
    return mean, max(low, mean_adj - half), min(high, mean_adj + half)


def _num(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


@dataclass(frozen=True)
class ScoreRow:
    """One metric for one group of answers.

    - ``group``: the group label ("(all)" for the overall row; a month "YYYY-MM", a segment,
      touchpoint or survey, "(none)" when the value is missing)
    - ``metric``: "nps", "csi" or "ces"; ``scale``: high end of the scale (10, 7, 5 or 10)
    - ``incentivized``: True for the rows of incentivized answers, reported apart
    - ``responses``: valid answers counted; ``ignored``: invalid answers left out
    - ``promoters`` / ``passives`` / ``detractors``: NPS counts (None for CSI / CES)
    - ``value``: the NPS (-100..100) or the mean score (CSI / CES); None without answers
    - ``ci_low`` / ``ci_high``: 95% interval (None when it cannot be computed)
    - ``small``: fewer than ``min_responses`` answers, too few to read
    """

    group: str
    metric: str
    scale: int
    incentivized: bool
    responses: int
    ignored: int
    small: bool
    value: float | None
    ci_low: float | None
    ci_high: float | None
    promoters: int | None = None
    passives: int | None = None
    detractors: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the fields."""
        return asdict(self)


def _row(
    group: str,
    metric: str,
    scale: int,
    incentivized: bool,
    agg: dict[str, float],
    min_responses: int,
) -> ScoreRow:
    n = int(agg["n"])
    common = dict(
        group=group,
        metric=metric,
        scale=int(scale),
        incentivized=bool(incentivized),
        responses=n,
        ignored=int(agg["ignored"]),
        small=n < min_responses,
    )
    if metric == "nps":
        p, m, d = int(agg["promoters"]), int(agg["passives"]), int(agg["detractors"])
        value, low, high = nps_interval(p, m, d)
        return ScoreRow(
            **common,
            value=_num(value),
            ci_low=_num(low),
            ci_high=_num(high),
            promoters=p,
            passives=m,
            detractors=d,
        )
    bottom = SCALES[metric][0]
    value, low, high = mean_interval(
        n, float(agg["total"]), float(agg["total_sq"]), bottom, int(scale)
    )
    return ScoreRow(**common, value=_num(value), ci_low=_num(low), ci_high=_num(high))


_SUMS = ("n", "ignored", "promoters", "passives", "detractors", "total", "total_sq")


def _aggregate(t: ir.Table, keys: list[str]) -> pd.DataFrame:
    """Per ``keys``: valid count, ignored count, NPS counts, sum and sum of squares of scores."""
    valid = t.problem.isnull()
    score = ibis.cases((valid, t.score), else_=ibis.null("float64"))

    def count(cond: ir.BooleanValue) -> ir.IntegerScalar:
        return ibis.cases((cond, 1), else_=0).sum()

    frame = (
        t.group_by(keys)
        .aggregate(
            n=count(valid),
            ignored=count(~valid),
            promoters=count(valid & (t.score >= 9)),
            passives=count(valid & (t.score >= 7) & (t.score < 9)),
            detractors=count(valid & (t.score < 7)),
            total=score.sum(),
            total_sq=(score * score).sum(),
        )
        .to_pandas()
    )
    for col in _SUMS:
        frame[col] = frame[col].fillna(0).astype(float)
    return frame


def _rows(frame: pd.DataFrame, min_responses: int, overall: bool) -> list[ScoreRow]:
    """Score rows from an aggregate frame keyed by group, metric, scale, incentivized; adds the
    overall row per metric/scale/incentivized (sums are additive) when ``overall``."""
    rows: list[ScoreRow] = []
    order = {m: i for i, m in enumerate(METRICS)}
    keys = sorted(
        {(bool(r.incentivized), str(r.metric), int(r.scale)) for r in frame.itertuples()},
        key=lambda k: (k[0], order.get(k[1], 9), k[2]),
    )
    for inc, metric, scale in keys:
        part = frame[
            (frame.incentivized.astype(bool) == inc)
            & (frame.metric == metric)
            & (frame.scale.astype(int) == scale)
        ]
        if overall:
            rows.append(
                _row(ALL, metric, scale, inc, part[list(_SUMS)].sum().to_dict(), min_responses)
            )
        for r in part.sort_values("group").itertuples():
            rows.append(_row(str(r.group), metric, scale, inc, r._asdict(), min_responses))
    return rows


def _group_column(t: ir.Table, customers: ir.Table, by: str | None) -> ir.Table:
    if by is None:
        return t.mutate(group=ibis.literal(ALL))
    if by == "month":
        label = (
            t.date.year().cast("string")
            + "-"
            + ibis.cases((t.date.month() < 10, "0"), else_="")
            + t.date.month().cast("string")
        )
        return t.mutate(group=label)
    if by == "segment":
        seg = customers.select("customer_id", "segment").distinct(on="customer_id", keep="first")
        seg = seg.rename(seg_customer_id="customer_id")
        joined = t.left_join(seg, t.customer_id == seg.seg_customer_id)
        return joined.mutate(group=joined.segment.fill_null(NONE)).drop(
            "seg_customer_id", "segment"
        )
    return t.mutate(group=t[by].fill_null(NONE))


def _check_common(as_of: dt.date, min_responses: int) -> None:
    check_as_of(as_of)
    if isinstance(min_responses, bool) or not isinstance(min_responses, int) or min_responses < 1:
        raise ValueError(f"min_responses must be a whole number >= 1, got {min_responses!r}")


def scores(
    responses: ir.Table,
    customers: ir.Table,
    *,
    as_of: dt.date,
    by: str | None = None,
    include_incentivized: bool = False,
    min_responses: int = 30,
    csi_scale: dict[str, int] | None = None,
) -> list[ScoreRow]:
    """NPS, CSI and CES of the answers dated on or before ``as_of``, overall and per group.

    ``by``: None (overall only), "month" (of the answer date, "YYYY-MM"), "segment" (of the
    customer, from ``customers``), "touchpoint" or "survey". For each metric (and CSI scale) the
    result has the overall row (group "(all)") then one row per group, sorted by label.

    Incentivized answers are left out of the main rows unless ``include_incentivized``; they are
    always ALSO reported on their own, in rows with ``incentivized=True`` (with
    ``include_incentivized`` the main rows hold all answers, ``incentivized=False`` rows are then
    "all answers"). Invalid scores (see :func:`invalid_scores`) are ignored and counted in
    ``ignored``. Rows with fewer than ``min_responses`` answers are flagged ``small``.
    Executes two small aggregate queries.
    """
    _check_common(as_of, min_responses)
    if by not in BY:
        raise ValueError(f"by must be one of month, segment, touchpoint, survey, got {by!r}")
    scales = csi_scales(responses.filter(responses.date <= ibis.literal(as_of)), csi_scale)
    t = _annotate(responses.filter(responses.date <= ibis.literal(as_of)), scales)
    t = t.mutate(inc=t.incentivized.fill_null(False))
    t = _group_column(t, customers, by)
    keys = ["group", "metric", "scale", "incentivized"]
    main = t if include_incentivized else t.filter(~t.inc)
    main = main.mutate(incentivized=ibis.literal(False))
    inc = t.filter(t.inc).mutate(incentivized=ibis.literal(True))
    frame = pd.concat([_aggregate(main, keys), _aggregate(inc, keys)], ignore_index=True)
    if frame.empty:
        return []
    return _rows(frame, min_responses, overall=by is not None)


# --------------------------------------------------------------------------------------------
# unknown customers


def _known_ids(customers: ir.Table, orders: ir.Table) -> ir.Table:
    a = customers.select("customer_id")
    b = orders.select("customer_id")
    return a.union(b, distinct=True).filter(lambda t: t.customer_id.notnull())


def unknown_customers(responses: ir.Table, customers: ir.Table, orders: ir.Table) -> ir.Table:
    """Respondents not known in ``customers`` nor ``orders``: one row per ``customer_id`` with
    ``answers`` (how many answers), ``first_date`` and ``last_date``. Lazy Ibis table ordered
    by ``customer_id``. Their answers still count in :func:`scores` (segment "(none)")."""
    known = _known_ids(customers, orders)
    unknown = responses.filter(~responses.customer_id.isin(known.customer_id))
    return (
        unknown.group_by("customer_id")
        .aggregate(
            answers=unknown.count(),
            first_date=unknown.date.min(),
            last_date=unknown.date.max(),
        )
        .order_by("customer_id")
    )


# --------------------------------------------------------------------------------------------
# say versus do


@dataclass(frozen=True)
class AnswerGroupRow:
    """Behaviour of one NPS answer group around the answer date.

    Per customer averages over the group's ``customers``: ``revenue_before`` / ``revenue_after``
    (net revenue in the ``months`` months before / after the answer), ``revenue_change``
    (after - before), ``orders_before`` / ``orders_after`` (distinct order dates), ``active_before``
    (share with an order in the before window) and ``retention_after`` (share with an order in
    the after window), ``retention_change`` (retention_after - active_before).
    """

    group: str
    customers: int
    revenue_before: float
    revenue_after: float
    revenue_change: float
    orders_before: float
    orders_after: float
    active_before: float
    retention_after: float
    retention_change: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CustomerFlag:
    """A respondent whose behaviour contradicts the answer: ``flag`` is "promoter_stopped"
    (promoter with orders before and none after) or "detractor_growing" (detractor whose after
    revenue is above the before revenue)."""

    customer_id: str
    flag: str
    answer_date: dt.date
    score: float
    revenue_before: float
    revenue_after: float
    orders_before: int
    orders_after: int

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["answer_date"] = self.answer_date.isoformat()
        return d


@dataclass(frozen=True)
class SayVsDo:
    """Result of :func:`say_vs_do`: ``groups`` (promoter, passive, detractor, then "(all)"),
    ``flags`` (sorted by flag then customer), ``segments`` (NPS of key / not key / regular /
    not regular customers, as :class:`ScoreRow`), ``unknown_customers`` (respondent ids not
    known in customers / orders) and ``ignored`` (invalid NPS answers left out)."""

    as_of: dt.date
    months: int
    answered_until: dt.date
    groups: list[AnswerGroupRow]
    flags: list[CustomerFlag]
    segments: list[ScoreRow]
    unknown_customers: list[str] = field(default_factory=list)
    ignored: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "months": self.months,
            "answered_until": self.answered_until.isoformat(),
            "groups": [g.to_dict() for g in self.groups],
            "flags": [f.to_dict() for f in self.flags],
            "segments": [s.to_dict() for s in self.segments],
            "unknown_customers": list(self.unknown_customers),
            "ignored": int(self.ignored),
        }


def _latest_nps(t: ir.Table, until: dt.date) -> ir.Table:
    """The latest valid non-incentivized NPS answer per customer dated on or before ``until``
    (ties on one date: the lowest score, then the survey)."""
    nps = t.filter(
        t.metric == "nps",
        t.problem.isnull(),
        ~t.incentivized.fill_null(False),
        t.date <= ibis.literal(until),
        t.customer_id.notnull(),
    )
    ranked = nps.mutate(
        _rn=ibis.row_number().over(
            group_by="customer_id",
            order_by=[ibis.desc("date"), ibis.asc("score"), ibis.asc("survey")],
        )
    )
    return ranked.filter(ranked._rn == 0).select("customer_id", "date", "score")


def say_vs_do(
    responses: ir.Table,
    orders: ir.Table,
    customers: ir.Table,
    contacts: ir.Table,
    interactions: ir.Table,
    *,
    as_of: dt.date,
    months: int = 6,
    min_responses: int = 30,
    status: ir.Table | None = None,
) -> SayVsDo:
    """What customers say (NPS) against what they do (orders) before and after the answer.

    Respondents: for each customer the latest valid, non-incentivized NPS answer dated on or
    before ``answered_until = add_months(as_of, -months)``, so that its after window is complete.
    Around the answer date ``a``: the before window is ``(a - months, a]`` (an order on the
    answer day counts as before) and the after window ``(a, a + months]`` (month arithmetic with
    :func:`~cxray.analytics.windows.add_months`); orders after ``as_of`` are ignored.

    Returns a :class:`SayVsDo` with per answer group averages, the flagged customers, and the NPS
    of key and regular customers (:func:`~cxray.analytics.structure.customer_status` at
    ``as_of``, default parameters) against the rest, each customer counted once with their
    latest valid non-incentivized NPS answer up to ``as_of``. Executes a few small queries.
    ``status``: that customer status, when already computed.
    """
    _check_common(as_of, min_responses)
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValueError(f"months must be a positive whole number, got {months!r}")
    until = add_months(as_of, -months)
    t = _annotate(responses.filter(responses.date <= ibis.literal(as_of)), {})
    nps_all = t.filter(t.metric == "nps", ~t.incentivized.fill_null(False))
    ignored = int(nps_all.filter(nps_all.problem.notnull()).count().to_pyarrow().as_py())
    unknown = unknown_customers(
        responses.filter(responses.date <= ibis.literal(as_of)), customers, orders
    )
    unknown_ids = [str(x) for x in unknown.customer_id.to_pyarrow().to_pylist()]

    answers = _latest_nps(t, until)
    per_customer = _behaviour(answers, orders, as_of, months)
    groups, flags = _group_behaviour(per_customer)

    latest = _latest_nps(t, as_of)
    if status is None:
        status = customer_status(customers, contacts, interactions, orders, as_of=as_of)
    status = status.select(s_id="customer_id", key="key", regular="regular")
    joined = latest.left_join(status, latest.customer_id == status.s_id)
    seg = joined.select(
        score="score",
        key=joined.key.fill_null(False),
        regular=joined.regular.fill_null(False),
    ).mutate(
        problem=ibis.null("string"),
        metric=ibis.literal("nps"),
        scale=ibis.literal(10).cast("int64"),
        incentivized=ibis.literal(False),
    )
    segments: list[ScoreRow] = []
    for col in ("key", "regular"):
        frame = _aggregate(
            seg.mutate(group=ibis.cases((seg[col], col), else_="not " + col)),
            ["group", "metric", "scale", "incentivized"],
        )
        for label in (col, "not " + col):
            part = frame[frame.group == label]
            agg = part[list(_SUMS)].sum().to_dict() if len(part) else dict.fromkeys(_SUMS, 0)
            segments.append(_row(label, "nps", 10, False, agg, min_responses))
    return SayVsDo(
        as_of=as_of,
        months=months,
        answered_until=until,
        groups=groups,
        flags=flags,
        segments=segments,
        unknown_customers=unknown_ids,
        ignored=ignored,
    )


def _behaviour(answers: ir.Table, orders: ir.Table, as_of: dt.date, months: int) -> pd.DataFrame:
    """Per respondent: answer date, score, revenue and distinct order dates before / after."""
    dates = answers.select("date").distinct().to_pyarrow().column("date").to_pylist()
    empty = pd.DataFrame(
        columns=[
            "customer_id",
            "date",
            "score",
            "rev_before",
            "rev_after",
            "orders_before",
            "orders_after",
        ]
    )
    if not dates:
        return empty
    bounds = ibis.memtable(
        pd.DataFrame(
            {
                "b_date": dates,
                "b_start": [add_months(d, -months) for d in dates],
                "b_end": [add_months(d, months) for d in dates],
            }
        ),
        schema={"b_date": "date", "b_start": "date", "b_end": "date"},
    )
    a = answers.join(bounds, answers.date == bounds.b_date)
    o = orders.filter(orders.order_date <= ibis.literal(as_of)).select(
        o_id="customer_id", order_date="order_date", amount="amount"
    )
    lines = a.join(o, a.customer_id == o.o_id)
    before = (lines.order_date > lines.b_start) & (lines.order_date <= lines.date)
    after = (lines.order_date > lines.date) & (lines.order_date <= lines.b_end)
    per = (
        lines.group_by("customer_id")
        .aggregate(
            rev_before=ibis.cases((before, lines.amount), else_=0.0).sum(),
            rev_after=ibis.cases((after, lines.amount), else_=0.0).sum(),
            orders_before=ibis.cases((before, lines.order_date), else_=ibis.null("date")).nunique(),
            orders_after=ibis.cases((after, lines.order_date), else_=ibis.null("date")).nunique(),
        )
        .rename(p_id="customer_id")
    )
    full = answers.left_join(per, answers.customer_id == per.p_id)
    frame = (
        full.select(
            "customer_id",
            "date",
            "score",
            rev_before=full.rev_before.fill_null(0.0),
            rev_after=full.rev_after.fill_null(0.0),
            orders_before=full.orders_before.fill_null(0),
            orders_after=full.orders_after.fill_null(0),
        )
        .order_by("customer_id")
        .to_pandas()
    )
    return frame if len(frame) else empty


def _group_behaviour(frame: pd.DataFrame) -> tuple[list[AnswerGroupRow], list[CustomerFlag]]:
    frame = frame.copy()
    frame["group"] = [_nps_group_py(float(s)) for s in frame["score"]]
    groups = []
    for label in ("promoter", "passive", "detractor", ALL):
        part = frame if label == ALL else frame[frame.group == label]
        n = len(part)
        if n == 0:
            groups.append(AnswerGroupRow(label, 0, *([0.0] * 8)))
            continue
        rb, ra = float(part.rev_before.sum()) / n, float(part.rev_after.sum()) / n
        act = float((part.orders_before > 0).sum()) / n
        ret = float((part.orders_after > 0).sum()) / n
        groups.append(
            AnswerGroupRow(
                group=label,
                customers=n,
                revenue_before=rb,
                revenue_after=ra,
                revenue_change=ra - rb,
                orders_before=float(part.orders_before.sum()) / n,
                orders_after=float(part.orders_after.sum()) / n,
                active_before=act,
                retention_after=ret,
                retention_change=ret - act,
            )
        )
    flags = []
    for r in frame.itertuples():
        flag = None
        if r.group == "promoter" and r.orders_before > 0 and r.orders_after == 0:
            flag = "promoter_stopped"
        elif r.group == "detractor" and r.rev_after > r.rev_before:
            flag = "detractor_growing"
        if flag:
            d = r.date.date() if isinstance(r.date, pd.Timestamp) else r.date
            flags.append(
                CustomerFlag(
                    customer_id=str(r.customer_id),
                    flag=flag,
                    answer_date=d,
                    score=float(r.score),
                    revenue_before=float(r.rev_before),
                    revenue_after=float(r.rev_after),
                    orders_before=int(r.orders_before),
                    orders_after=int(r.orders_after),
                )
            )
    flags.sort(key=lambda f: (f.flag, f.customer_id))
    return groups, flags
