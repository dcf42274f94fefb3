"""Everything the X-ray report shows, collected once through the session's methods.

The HTML and XLSX renderers (:mod:`cxray.report`) both read a :class:`ReportData`, so the two
outputs always agree, and they agree with the CLI: every figure comes from the same session
results (the customer status and the CLV fit are shared with alerts and campaigns).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxray.analytics import products, structure
from cxray.analytics.alerts import Alert
from cxray.analytics.clv import ClvResult
from cxray.analytics.structure import Funnel
from cxray.api.base import SessionBase, rows_of
from cxray.errors import CxrayError


@dataclass
class CampaignResult:
    """A campaign file seen at the report date: planned (it starts after the date) or measured
    (it started on or before it); ``error`` when it could not be evaluated."""

    campaign: Any
    plan: Any = None
    measurement: Any = None
    error: CxrayError | ValueError | None = None  # shown with cxray.phrases.error_text


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
    clv: ClvResult | None  # None when the models cannot be fitted (too little history)
    key_customers: list[str]
    alerts: list[Alert]
    campaigns: list[CampaignResult] = field(default_factory=list)
    feedback: dict[str, Any] = field(default_factory=dict)  # scores, by_month, saydo, themes
    followups: dict[str, Any] | None = None  # summary and overdue tasks (None: not tracked)
    names: dict[str, str] = field(default_factory=dict)  # customer_id -> name

    def to_dict(self) -> dict[str, Any]:
        """The report's headline figures as codes and numbers (the JSON twin of its summary)."""
        return {
            "as_of": self.as_of,
            "structure": self.funnel.to_dict(),
            "alerts": [a.to_dict() for a in self.alerts],
            "campaigns": [
                {
                    "id": c.campaign.id if c.campaign is not None else None,
                    "state": "error" if c.error else "planned" if c.plan else "measured",
                    "verdict": c.measurement.verdict if c.measurement is not None else None,
                }
                for c in self.campaigns
            ],
            "followups": self.followups["summary"] if self.followups else None,
        }

    def tables(self) -> dict[str, list[dict]]:
        """The report's tables by name, as rows."""
        return {
            "pareto": self.pareto,
            "line_trends": self.line_trends,
            "line_matrix": self.line_matrix,
            "opportunities": self.opportunities,
            "rfm": self.rfm,
            "rfm_segments": self.rfm_segments,
            "cohorts": self.cohorts,
            "activation": self.activation,
        }


def campaign_results(
    session: SessionBase, files: list[Path], *, as_of: dt.date
) -> list[CampaignResult]:
    """Plan the campaigns that start after ``as_of`` and measure the others."""
    results = []
    for path in files:
        try:
            handle = session.campaign(path)
        except CxrayError as err:
            results.append(CampaignResult(None, error=err))
            continue
        campaign = handle.campaign
        try:
            if campaign.start is None or campaign.start > as_of:
                results.append(CampaignResult(campaign, plan=handle.plan(as_of).value))
            else:
                results.append(CampaignResult(campaign, measurement=handle.measure(as_of).value))
        except (CxrayError, ValueError) as err:
            results.append(CampaignResult(campaign, error=err))
    return results


def campaign_files(folder: Path | None) -> list[Path]:
    """The campaign YAML files of ``folder``, sorted (none when it does not exist)."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))


def collect(
    session: SessionBase,
    *,
    as_of: dt.date,
    campaigns: Path | str | list[Path] | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReportData:
    """Run every question the report answers through ``session`` (a
    :class:`cxray.api.session.Session`, which calls this from ``report()``) as of ``as_of``."""
    step = progress or (lambda _name: None)
    tb = session.tables()
    c, o, p = tb["customers"], tb["orders"], tb["products"]
    params = structure.StructureParams()
    window = params.active_window

    step("structure")
    shape = session.structure(as_of)
    classes = {by: rows_of(structure.abc_xyz(o, as_of=as_of, by=by)) for by in ("customer", "sku")}
    matrix = {"customer": shape.tables["abc_customers"], "sku": shape.tables["abc_skus"]}

    step("products")
    trends = rows_of(products.line_trends(o, p, as_of=as_of, months=window))

    step("whitespace")
    space = session.whitespace(as_of, window=window, matrix=True)
    lines, opps = space.to_arrow("matrix").to_pylist(), space.to_dict()

    step("rfm")
    scored = session.rfm(as_of, window=window)

    step("cohorts")
    grouped = session.cohorts(as_of, period="quarter")

    step("clv")
    value = session.clv_fit(as_of)
    status = session.customer_status(as_of, params)
    key_ids = [
        r["customer_id"]
        for r in rows_of(status.filter(status.key).order_by("revenue_rank").select("customer_id"))
    ]

    step("alerts")
    found = session.alerts(as_of).value

    step("campaigns")
    if campaigns is None or isinstance(campaigns, str | Path):
        default = session.path / "campaigns" if session.path is not None else None
        files = campaign_files(Path(campaigns) if campaigns is not None else default)
    else:
        files = list(campaigns)
    planned = campaign_results(session, files, as_of=as_of)

    step("feedback")
    voice = feedback_data(session, as_of=as_of)
    tracked = None
    if session.workspace is not None:
        listed = session.followups(as_of, sync=False)
        if listed.tasks:
            tracked = {
                "summary": listed.summary,
                "overdue": [r for r in listed.tasks if r.get("overdue")],
            }

    names = {
        r["customer_id"]: r["name"] for r in rows_of(c.select("customer_id", "name")) if r["name"]
    }
    return ReportData(
        as_of,
        shape.value,
        shape.tables["pareto_curve"],
        classes,
        matrix,
        trends,
        lines,
        opps,
        scored.customers,
        scored.segments,
        grouped.cohorts,
        grouped.activation,
        value,
        key_ids,
        found,
        campaigns=planned,
        feedback=voice,
        followups=tracked,
        names=names,
    )


def feedback_data(session: SessionBase, *, as_of: dt.date) -> dict[str, Any]:
    """Scores (overall and by month), say versus do and comment themes; empty without answers."""
    r = session.tables()["responses"]
    if r.count().to_pyarrow().as_py() == 0:
        return {}
    voice = session.feedback
    return {
        "scores": voice.scores(as_of).value,
        "by_month": voice.scores(as_of, by="month").value,
        "saydo": voice.saydo(as_of).value,
        "themes": voice.themes(as_of, top=8).value,
    }
