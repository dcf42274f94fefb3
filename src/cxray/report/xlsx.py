"""The report's tables as an XLSX workbook: one sheet per section, filters and frozen headers.

Sheets and columns are named by code in :func:`report_sheets`; :func:`write_xlsx` writes them in
the report's language (sheet names, headers, coded values such as stages and RFM segments, and
the placeholders of missing values), months as dates shown as "Dec 2010".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import xlsxwriter

from cxray.api.report import ReportData
from cxray.phrases import ACTIVATION_FIGURES, LOYALTY_FIGURES, error_text, notice_text
from cxray.report.labels import value_label
from cxray.texts import TEXTS, current_lang, t

MONTH = re.compile(r"^\d{4}-\d{2}$")  # a month column's value, written as a date


def report_sheets(data: ReportData, lang: str | None = None) -> dict[str, list[dict]]:
    """Sheet name -> rows; the same tables the HTML report shows, in full (texts such as
    errors in ``lang``)."""
    funnel = data.funnel.to_dict()
    stages = ["known", "reachable", "active", "regular", "key"]
    return {
        "funnel": [
            {
                "stage": s,
                "customers": funnel[s],
                "share_of_known": funnel[s] / funnel["known"] if funnel["known"] else None,
            }
            for s in stages
        ]
        + [
            {"stage": "key_regular", "customers": funnel["key_regular"]},
            {"stage": "key_revenue_share", "customers": funnel["key_revenue_share"]},
        ],
        "pareto": data.pareto,
        "abc_xyz_customers": data.abc_xyz["customer"],
        "abc_xyz_skus": data.abc_xyz["sku"],
        "abc_xyz_matrix": [
            {"by": by, **cell} for by in ("customer", "sku") for cell in data.abc_matrix[by]
        ],
        "line_trends": data.line_trends,
        "whitespace_matrix": data.line_matrix,
        "opportunities": data.opportunities,
        "rfm": data.rfm,
        "rfm_segments": data.rfm_segments,
        "cohorts_quarterly": data.cohorts,
        "activation": data.activation,
        "activation_budget": [
            {"figure": key, "value": data.budget[key]}
            for key in ("margin", "months", "window_days", *(k for k, _ in ACTIVATION_FIGURES))
            if key != "messages" or data.budget["message_cost"] is not None
        ]
        if data.budget
        else [],
        **_loyalty_sheets(data.loyalty),
        **_leads_sheets(data.leads),
        **_initiative_sheets(data.initiatives),
        **_web_sheets(data.web),
        "clv": data.clv.to_dict()["customers"] if data.clv and data.clv_trusted else [],
        "clv_params": data.clv.parameter_rows() if data.clv else [],
        **(
            {}
            if data.clv_holdout is None or data.clv_holdout.validation is None
            else {"clv_holdout": data.clv_holdout.validation.to_dict("records")}
        ),
        "campaigns": [
            {
                "campaign": c.campaign.id if c.campaign else None,
                "kind": "plan" if c.plan else "measure" if c.measurement else "error",
                "error": None if c.error is None else error_text(c.error, lang),
                **(
                    {
                        "final": len(c.plan.final_ids),
                        "target": len(c.plan.target_ids),
                        "control": len(c.plan.control_ids),
                    }
                    if c.plan
                    else {}
                ),
                **(
                    {
                        "verdict": c.measurement.verdict,
                        "target": c.measurement.target.n,
                        "control": c.measurement.control.n,
                        "uplift": c.measurement.uplift.absolute,
                        "ci_low": c.measurement.uplift.ci_low,
                        "ci_high": c.measurement.uplift.ci_high,
                    }
                    if c.measurement
                    else {}
                ),
            }
            for c in data.campaigns
        ],
        "alerts": [
            {k: v for k, v in a.to_dict().items() if k != "lines"}
            | {"lines": "; ".join(f"{ln['product_line']} {ln['change']:.0f}" for ln in a.lines)}
            for a in data.alerts
        ],
        "warnings": [
            {"as_of": data.as_of, "code": w.code, "warning": notice_text(w, lang)}
            for w in data.warnings
        ],
    }


def _loyalty_sheets(p: dict | None) -> dict[str, list[dict]]:
    """The loyalty programme's sheets: its figures (each estimate with its interval's bounds),
    the reward rate by tier and by spend band, and the balance; none without members."""
    if not p or not p["penetration"]["members"]:
        return {}
    figures = [{"figure": "window_months", "value": p["window_months"]}]
    for section, key, kind in LOYALTY_FIGURES:
        keys = [key]
        if kind.endswith("_ci"):
            stem = key.removesuffix("_did")
            keys += [f"{stem}_low", f"{stem}_high"]
        figures += [{"figure": k, "value": p[section][k]} for k in keys]
    return {"loyalty": figures, "loyalty_by_tier": p["by_tier"],
            "loyalty_by_band": p["by_band"], "loyalty_balance": p["balance"]}  # fmt: skip


def _leads_sheets(p: dict | None) -> dict[str, list[dict]]:
    """The lead funnel (all leads last, as group null), CPL / CAC by channel and by channel and
    month, payback and lost reasons; each only when it has rows."""
    if not p:
        return {}
    funnel = [*p["funnel"], {"group": None, **p["total"]}] if p["funnel"] else []
    sheets = {"leads_funnel": funnel, "leads_costs": p["costs"],
              "leads_costs_by_month": p["costs_by_month"], "leads_payback": p["payback"],
              "leads_lost_reasons": p["lost_reasons"]}  # fmt: skip
    return {name: rows for name, rows in sheets.items() if rows}


def _initiative_sheets(p: dict | None) -> dict[str, list[dict]]:
    """The CX initiatives (one row each, without the cells of their groups) and the portfolio
    line (the young initiatives' ids joined); none without initiatives or with a refused
    file."""
    if not p or "error" in p or not p["initiatives"]:
        return {}
    rows = [{k: v for k, v in r.items() if k != "cells"} for r in p["initiatives"]]
    line = {**p["portfolio"], "young": ", ".join(p["portfolio"]["young"])}
    return {"initiatives": rows, "initiatives_portfolio": [line]}


def _web_sheets(p: dict | None) -> dict[str, list[dict]]:
    """The website's actions (their rule and counts), the most frequent paths (pages joined by
    arrows) and the funnel of the setting ``web_funnel``; none without captured events."""
    if not p or not p["events"]:
        return {}
    actions = [{k: v for k, v in r.items() if k != "counts"} for r in p["actions"]["actions"]]
    paths = [{**r, "pages": " → ".join(r["pages"])} for r in p["paths"]["paths"]]
    sheets = {"web_actions": actions, "web_paths": paths}
    if p["funnel"] is not None:
        sheets["web_funnel"] = p["funnel"]["steps"]
    return sheets


#: columns whose numbers keep every digit they have (Excel's General format), whatever their scale
GENERAL = {("clv_params", "value")}


#: coded values translated in the sheets: (sheet, column) -> text key prefix
CODED = {
    ("funnel", "stage"): "stage_",
    ("abc_xyz_matrix", "by"): "entity_",
    ("rfm", "segment"): "rfm_",
    ("rfm_segments", "segment"): "rfm_",
    ("campaigns", "kind"): "kind_",
    ("campaigns", "verdict"): "verdict_",
    ("alerts", "kind"): "alert_kind_",
    ("activation_budget", "figure"): "activation_",
    ("initiatives", "type"): "initiative_type_",
    ("loyalty", "figure"): "loyalty_",
    ("loyalty_balance", "feature"): "loyalty_feature_",
}


def _header(kind: str, code: str, lang: str | None, sheet: str = "") -> str:
    """A sheet name (``kind`` "sheet") or column header ("col") in ``lang``: the text of the
    column in its sheet (``xlsx_col_<sheet>_<code>``) or else of the code; the code itself
    when it has no text."""
    for key in (f"xlsx_{kind}_{sheet}_{code}", f"xlsx_{kind}_{code}"):
        if key in TEXTS:
            return t(key, lang=lang)
    return code


def _value(sheet: str, column: str, value: object, lang: str) -> object:
    """A cell's value in ``lang``: coded values by their text, placeholders translated."""
    prefix = CODED.get((sheet, column))
    if prefix and isinstance(value, str) and f"{prefix}{value}" in TEXTS:
        return t(f"{prefix}{value}", lang=lang)
    return value_label(value, lang)


def write_xlsx(data: ReportData, path: Path | str, *, lang: str | None = None) -> Path:
    """Write every report table to ``path`` in ``lang`` (default: the current language) and
    return it."""
    lang = lang or current_lang()
    path = Path(path)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": False})
    bold = book.add_format({"bold": True, "bg_color": "#F3F4F6", "border": 1})
    money = book.add_format({"num_format": "#,##0.00"})
    share = book.add_format({"num_format": "0.0%"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    locale = "[$-419]" if lang == "ru" else "[$-409]"  # month names in the report's language
    month = book.add_format({"num_format": f"{locale}mmm yyyy"})
    general = book.add_format({"num_format": "General"})
    for name, rows in report_sheets(data, lang).items():
        sheet = book.add_worksheet(_header("sheet", name, lang)[:31])
        columns = list(dict.fromkeys(k for r in rows for k in r)) if rows else []
        headers = [_header("col", c, lang, name) for c in columns] or [t("no_rows", lang=lang)]
        for j, title in enumerate(headers):
            sheet.write(0, j, title, bold)
            sheet.set_column(j, j, max(12, min(40, len(title) + 2)))
        for i, row in enumerate(rows, start=1):
            for j, col in enumerate(columns):
                value = _value(name, col, row.get(col), lang)
                if value is None or (isinstance(value, float) and math.isnan(value)):
                    continue  # an empty cell (e.g. a mean over no customer)
                if col == "month" and isinstance(value, str) and MONTH.match(value):
                    sheet.write_datetime(i, j, dt.datetime.strptime(value, "%Y-%m"), month)
                elif isinstance(value, dt.date | dt.datetime):
                    sheet.write_datetime(i, j, value, day)
                elif isinstance(value, float) and (name, col) in GENERAL:
                    sheet.write_number(i, j, value, general)
                elif isinstance(value, float):
                    fmt = share if ("share" in col or col.endswith("_pct")) else money
                    sheet.write_number(i, j, value, fmt)
                elif isinstance(value, bool | int):
                    sheet.write_number(i, j, int(value))
                else:
                    sheet.write_string(i, j, str(value))
        sheet.freeze_panes(1, 0)
        if rows:
            sheet.autofilter(0, 0, len(rows), len(columns) - 1)
    book.close()
    return path
