"""Everything the report shows, computed once from the workspace tables.

The HTML and XLSX renderers both read a :class:`ReportData`, so the two outputs always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis

from cxray.analytics import alerts, clv, cohorts, products, rfm, structure, whitespace
from cxray.analytics.structure import Funnel, StructureParams


@dataclass
class CampaignResult:
    """A campaign file seen at the report date: planned (it starts after the date) or measured
    (it started on or before it); ``error`` when it could not be evaluated."""

    campaign: Any
    plan: Any = None
    measurement: Any = None
    error: str | None = None


@dataclass
class ReportData:
    """Rows (lists of dicts) for each section of the report."""

    as_of: dt.date
    funnel: Funnel
    pareto: list[dict]
    abc_xyz: dict[str, list[dict]]  # "customer" / "sku" -> per-entity classes
    abc_matrix: dict[str, list[dict]]  # "customer" / "sku" -> 3 x 3 cells
    line_trends: list[dict]
    line_matrix: list[dict]  # customer x product line revenue in the active window
    opportunities: list[dict]
    rfm: list[dict]
    rfm_segments: list[dict]
    cohorts: list[dict]  # quarterly acquisition cohorts x quarters since the first order
    activation: list[dict]
    clv: clv.ClvResult | None  # None when the models cannot be fitted (too little history)
    key_customers: list[str]
    alerts: list[alerts.Alert]
    campaigns: list[CampaignResult] = field(default_factory=list)
    feedback: dict[str, Any] = field(default_factory=dict)  # scores, by_month, saydo, themes
    followups: dict[str, Any] | None = None  # summary and overdue tasks (None: not tracked)
    names: dict[str, str] = field(default_factory=dict)  # customer_id -> name


def _rows(expr: ibis.Table) -> list[dict]:
    return expr.to_pyarrow().to_pylist()


def campaign_results(
    files: list[Path], tables: dict[str, ibis.Table], *, as_of: dt.date, clv: Any = None
) -> list[CampaignResult]:
    """Plan the campaigns that start after ``as_of`` and measure the others."""
    from cxray.comms.campaign import load_campaign
    from cxray.comms.measure import measure_from_campaign
    from cxray.comms.plan import plan_campaign
    from cxray.errors import CxrayError

    results = []
    for path in files:
        try:
            campaign = load_campaign(path)
        except CxrayError as err:
            results.append(CampaignResult(None, error=err.message()))
            continue
        try:
            if campaign.start is None or campaign.start > as_of:
                results.append(
                    CampaignResult(
                        campaign, plan=plan_campaign(campaign, tables, as_of=as_of, clv=clv)
                    )
                )
            else:
                results.append(
                    CampaignResult(
                        campaign, measurement=measure_from_campaign(campaign, tables, as_of=as_of)
                    )
                )
        except (CxrayError, ValueError) as err:
            text = err.message() if isinstance(err, CxrayError) else str(err)
            results.append(CampaignResult(campaign, error=text))
    return results


def feedback_data(tables: dict[str, ibis.Table], *, as_of: dt.date) -> dict[str, Any]:
    """Scores (overall and by month), say versus do and comment themes; empty without answers."""
    from cxray.analytics import feedback, themes

    r = tables["responses"]
    if r.count().to_pyarrow().as_py() == 0:
        return {}
    c = tables["customers"]
    return {
        "scores": feedback.scores(r, c, as_of=as_of),
        "by_month": feedback.scores(r, c, as_of=as_of, by="month"),
        "saydo": feedback.say_vs_do(
            r, tables["orders"], c, tables["contacts"], tables["interactions"], as_of=as_of
        ),
        "themes": themes.themes(themes.comment_groups(r, as_of=as_of), top=8),
    }


def collect(
    tables: dict[str, ibis.Table],
    *,
    as_of: dt.date,
    params: StructureParams | None = None,
    progress: Callable[[str], None] | None = None,
    campaign_files: list[Path] | None = None,
    followup_rows: list[dict] | None = None,
) -> ReportData:
    """Run every analytic the report needs on ``tables`` (name -> Ibis table) as of ``as_of``."""
    params = params or StructureParams()
    step = progress or (lambda _name: None)
    c, o, p = tables["customers"], tables["orders"], tables["products"]
    window = params.active_window

    step("structure")
    funnel = structure.funnel(
        c, tables["contacts"], tables["interactions"], o, as_of=as_of, params=params
    )
    curve = _rows(structure.pareto(o, as_of=as_of, window_months=window))
    classes, matrix = {}, {}
    for by in ("customer", "sku"):
        expr = structure.abc_xyz(o, as_of=as_of, by=by)
        classes[by] = _rows(expr)
        matrix[by] = _rows(structure.abc_xyz_matrix(expr))

    step("products")
    trends = _rows(products.line_trends(o, p, as_of=as_of, months=window))

    step("whitespace")
    lines = _rows(whitespace.line_matrix(o, p, c, as_of=as_of, window_months=window))
    opps = _rows(whitespace.opportunities(o, p, c, as_of=as_of, window_months=window))

    step("rfm")
    scores = rfm.rfm(o, as_of=as_of, window_months=window)
    rfm_rows = _rows(scores)
    segments = _rows(rfm.rfm_segments(scores))

    step("cohorts")
    grid = _rows(cohorts.cohort_table(o, as_of=as_of, period="quarter"))
    steps = _rows(cohorts.activation(o, as_of=as_of, period="quarter"))

    step("clv")
    try:
        value = clv.fit_clv(o, calibration_end=as_of, unit="week", horizon=52)
    except ValueError:
        value = None
    status = structure.customer_status(
        c, tables["contacts"], tables["interactions"], o, as_of=as_of, params=params
    )
    key_ids = [
        r["customer_id"]
        for r in _rows(status.filter(status.key).order_by("revenue_rank").select("customer_id"))
    ]

    step("alerts")
    found = alerts.alerts(tables, as_of=as_of, params=params, clv=value)

    step("campaigns")
    campaigns = campaign_results(campaign_files or [], tables, as_of=as_of, clv=value)

    step("feedback")
    voice = feedback_data(tables, as_of=as_of)
    tracked = None
    if followup_rows:
        from cxray.comms.followups import followup_summary

        tracked = {
            "summary": followup_summary(followup_rows, as_of=as_of),
            "overdue": [r for r in followup_rows if r.get("overdue")],
        }

    names = {
        r["customer_id"]: r["name"] for r in _rows(c.select("customer_id", "name")) if r["name"]
    }
    return ReportData(
        as_of,
        funnel,
        curve,
        classes,
        matrix,
        trends,
        lines,
        opps,
        rfm_rows,
        segments,
        grid,
        steps,
        value,
        key_ids,
        found,
        campaigns=campaigns,
        feedback=voice,
        followups=tracked,
        names=names,
    )
