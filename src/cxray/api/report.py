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
from cxray.analytics.coverage import fit_trusted
from cxray.analytics.returns import return_rates
from cxray.analytics.structure import Funnel
from cxray.analytics.windows import trailing_window
from cxray.api.base import SessionBase, rows_of
from cxray.api.results import Notice, distinct
from cxray.errors import CxrayError


@dataclass
class CampaignResult:
    """A campaign file seen at the report date: planned (it starts after the date) or measured
    (it started on or before it); ``error`` when it could not be evaluated."""

    campaign: Any
    plan: Any = None
    relevance: dict[str, Any] | None = None  # the plan's offer relevance (an offer threshold)
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
    # how many top customers reach each share of revenue (structure's "pareto")
    pareto_points: list[dict] = field(default_factory=list)
    feedback: dict[str, Any] = field(default_factory=dict)  # scores, by_month, saydo, themes
    followups: dict[str, Any] | None = None  # summary and overdue tasks (None: not tracked)
    names: dict[str, str] = field(default_factory=dict)  # customer_id -> name
    # returns in the active window: "customers" (with a return), "lines" / "skus" (per product
    # line / SKU)
    returns: dict[str, list[dict]] = field(default_factory=dict)
    segment_by: str | None = None  # the customer column of the breakdowns (None: none)
    by_segment: dict[str, list[dict]] = field(default_factory=dict)  # "structure", "rfm"
    clv_holdout: ClvResult | None = None  # CLV fitted with a holdout (validation table)
    currency: str | None = None  # shown in money headings; None: none shown
    warnings: list[Notice] = field(default_factory=list)  # coverage and fit, each once
    clv_trusted: bool = True  # False: a check says not to read the CLV per customer
    budget: dict[str, Any] | None = None  # the activation budget (Session.activation, defaults)
    loyalty: dict[str, Any] | None = None  # the loyalty programme (Session.loyalty, defaults)
    leads: dict[str, Any] | None = None  # the lead funnel and CAC (Session.leads, defaults)
    # the CX initiatives as a portfolio (Session.initiatives, defaults); {"error": ...} when a
    # file is refused
    initiatives: dict[str, Any] | None = None
    # the website (web_data): actions, top paths and the funnel of the setting web_funnel
    web: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The report's headline figures as codes and numbers (the JSON twin of its summary)."""
        return {
            "as_of": self.as_of,
            "currency": self.currency,
            "warnings": [w.to_dict() for w in self.warnings],
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
            "clv_holdout": None if self.clv_holdout is None else self.clv_holdout.holdout_totals,
            "clv_trusted": self.clv is not None and self.clv_trusted,
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
            **(
                {}
                if self.clv_holdout is None
                else {"clv_holdout": self.clv_holdout.validation.to_dict("records")}
            ),
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
                planned = handle.plan(as_of)
                results.append(CampaignResult(campaign, plan=planned.value,
                                              relevance=planned.offer_relevance))  # fmt: skip
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
    currency: str | None = None,
    clv_holdout: ClvResult | None = None,
    segment_by: str | None = None,
    min_peers: int = 5,
) -> ReportData:
    """Run every question the report answers through ``session`` (a
    :class:`cxray.api.session.Session`, which calls this from ``report()``) as of ``as_of``;
    ``currency`` is the label of money headings (None: none); ``clv_holdout``, a CLV fit with a
    holdout (:meth:`Session.clv` with ``holdout_end``), adds the holdout check; ``segment_by``
    (a customer column) breaks the funnel and RFM down and makes the white-space peer groups,
    which give opportunities from ``min_peers`` peers on."""
    step = progress or (lambda _name: None)
    tb = session.tables()
    c, o, p = tb["customers"], tb["orders"], tb["products"]
    params = structure.StructureParams()
    window = params.active_window

    step("structure")
    session.order_days()  # computed once here, for structure, RFM and cohorts alike
    shape = session.structure(as_of, segment_by=segment_by)
    classes = {by: rows_of(structure.abc_xyz(o, as_of=as_of, by=by)) for by in ("customer", "sku")}
    named = p.filter(p.sku.notnull() & p.name.notnull()).select("sku", "name")
    sku_names = {r["sku"]: r["name"] for r in rows_of(named)}
    classes["sku"] = [{**r, "name": sku_names.get(r["key"])} for r in classes["sku"]]
    matrix = {"customer": shape.tables["abc_customers"], "sku": shape.tables["abc_skus"]}

    step("products")
    trends = rows_of(products.line_trends(o, p, as_of=as_of, months=window))
    line_returns, sku_returns = (
        rows_of(return_rates(o, p, as_of=as_of, by=by, window=trailing_window(as_of, window)))
        for by in ("line", "sku")
    )

    step("whitespace")
    space = session.whitespace(
        as_of, window=window, matrix=True, segment_by=segment_by or "segment", min_peers=min_peers
    )
    lines, opps = space.to_arrow("matrix").to_pylist(), space.to_dict()["opportunities"]

    step("rfm")
    scored = session.rfm(as_of, window=window, segment_by=segment_by)
    by_segment = {}
    if segment_by is not None:
        by_segment = {"structure": shape.by_segment, "rfm": scored.tables["by_segment"]}

    step("cohorts")
    grouped = session.cohorts(as_of, period="quarter")
    budget = session.activation(as_of)

    step("loyalty")
    loyalty = session.loyalty(as_of)

    step("leads")
    leads = session.leads(as_of)

    step("initiatives")
    try:
        programme: dict[str, Any] = session.initiatives(as_of).to_dict()
    except CxrayError as err:  # a refused file: the section says which, the report goes on
        programme = {"error": {"key": err.key, "params": err.params}}

    step("clv")
    value = session.clv_fit(as_of)
    fit_checks = session.clv_checks(as_of, value)
    status = session.customer_status(as_of, params)
    key_ids = [
        r["customer_id"]
        for r in rows_of(status.filter(status.key).order_by("revenue_rank").select("customer_id"))
    ]

    step("alerts")
    alerted = session.alerts(as_of)
    found = alerted.value

    step("campaigns")
    if campaigns is None or isinstance(campaigns, str | Path):
        default = session.path / "campaigns" if session.path is not None else None
        files = campaign_files(Path(campaigns) if campaigns is not None else default)
    else:
        files = list(campaigns)
    planned = campaign_results(session, files, as_of=as_of)

    step("feedback")
    voice = feedback_data(session, as_of=as_of)
    heard = [session.feedback.scores(as_of)] if voice else []
    tracked = None
    if session.workspace is not None:
        listed = session.followups(as_of, sync=False)
        if listed.tasks:
            tracked = {
                "summary": listed.summary,
                "overdue": [r for r in listed.tasks if r.get("overdue")],
            }

    step("web")
    site = web_data(session, as_of=as_of)

    names = {
        r["customer_id"]: r["name"] for r in rows_of(c.select("customer_id", "name")) if r["name"]
    }
    return ReportData(
        as_of,
        shape.value,
        shape.to_arrow("pareto_curve").to_pylist(),
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
        pareto_points=shape.to_dict()["pareto"],
        feedback=voice,
        followups=tracked,
        names=names,
        clv_holdout=clv_holdout,
        currency=currency,
        returns={"customers": shape.tables["returns"], "lines": line_returns, "skus": sku_returns},
        segment_by=segment_by,
        by_segment=by_segment,
        clv_trusted=fit_trusted([w.code for w in fit_checks]),
        budget=budget.to_dict(),
        loyalty=loyalty.to_dict(),
        leads=leads.to_dict(),
        initiatives=programme,
        web=site,
        warnings=distinct(
            [
                *shape.warnings,
                *session.coverage(as_of, yoy=0),
                *space.warnings,
                *scored.warnings,
                *fit_checks,
                *alerted.warnings,
                *(w for r in heard for w in r.warnings),
            ]
        ),
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


WEB_PATHS = 10  # the most frequent paths the report shows


def web_data(session: SessionBase, *, as_of: dt.date) -> dict[str, Any]:
    """The website over the default days up to ``as_of`` (``session.web``): ``actions`` and
    ``paths`` (their ``to_dict()``), ``funnel`` of the defined actions the setting
    ``web_funnel`` names when they are 2 or more (else None), ``missing``: the names it gives
    that are not defined, and ``events``: whether any web event was captured at all."""
    from cxray.workspace import parse_action_names

    web = session.web
    events = session.tables()["web_events"]
    captured = bool(events.count().to_pyarrow().as_py())
    defined = {a.name for a in web.defined()}
    wanted = parse_action_names(str(session.get_setting("web_funnel") or ""))
    steps = [name for name in wanted if name in defined]
    funnel = None
    if captured and len(steps) >= 2:
        funnel = web.funnel(steps, as_of).to_dict()
    return {
        "events": captured,
        "actions": web.actions(as_of if captured else None).to_dict(),
        "paths": web.paths(as_of if captured else None, top=WEB_PATHS).to_dict(),
        "funnel": funnel,
        "missing": [name for name in wanted if name not in defined],
    }
