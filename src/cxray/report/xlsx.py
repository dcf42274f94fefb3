"""The report's tables as an XLSX workbook: one sheet per section, filters and frozen headers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from cxray.api.report import ReportData
from cxray.phrases import error_text


def report_sheets(data: ReportData) -> dict[str, list[dict]]:
    """Sheet name -> rows; the same tables the HTML report shows, in full."""
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
        "clv": [] if data.clv is None else data.clv.to_dict()["customers"],
        "campaigns": [
            {
                "campaign": c.campaign.id if c.campaign else None,
                "kind": "plan" if c.plan else "measure" if c.measurement else "error",
                "error": None if c.error is None else error_text(c.error),
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
    }


def write_xlsx(data: ReportData, path: Path | str) -> Path:
    """Write every report table to ``path`` and return it."""
    path = Path(path)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": False})
    bold = book.add_format({"bold": True, "bg_color": "#F3F4F6", "border": 1})
    money = book.add_format({"num_format": "#,##0.00"})
    share = book.add_format({"num_format": "0.0%"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in report_sheets(data).items():
        sheet = book.add_worksheet(name[:31])
        columns = list(dict.fromkeys(k for r in rows for k in r)) if rows else ["(no rows)"]
        for j, col in enumerate(columns):
            sheet.write(0, j, col, bold)
            sheet.set_column(j, j, max(12, min(40, len(col) + 2)))
        for i, row in enumerate(rows, start=1):
            for j, col in enumerate(columns):
                value = row.get(col)
                if value is None:
                    continue
                if isinstance(value, dt.date | dt.datetime):
                    sheet.write_datetime(i, j, value, day)
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
