"""The customer card's charts, drawn with the report's chart code: revenue month by month (with
the year before, dashed) and the product lines x months heat table."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cxray.report import charts
from cxray.report.labels import month_label
from cxray.texts import t


def revenue_chart(products: list[dict[str, Any]], lang: str) -> str:
    """The customer's revenue per month over the card's months, against the same months a year
    earlier (from the rows' YoY changes); empty without rows."""
    if not products:
        return ""
    months = sorted({r["month"] for r in products})
    now: dict[str, float] = defaultdict(float)
    before: dict[str, float] = defaultdict(float)
    for r in products:
        now[r["month"]] += r["revenue"] or 0.0
        before[r["month"]] += (r["revenue"] or 0.0) - (r.get("yoy_change") or 0.0)
    this_year, last_year = t("web_revenue", lang=lang), t("legend_year_before", lang=lang)
    series = {this_year: [now[m] for m in months], last_year: [before[m] for m in months]}
    return charts.line_chart(
        [month_label(m, lang) for m in months], series, width=760, height=240,
        dashed=[last_year], colors={this_year: charts.PALETTE[0], last_year: "#9ca3af"},
    )  # fmt: skip


def lines_table(products: list[dict[str, Any]], lang: str) -> str:
    """Product lines (rows, largest first) x months (columns): revenue, shaded."""
    if not products:
        return ""
    months = sorted({r["month"] for r in products})
    cells: dict[str, dict[str, float]] = defaultdict(dict)
    for r in products:
        cells[r["key"]][r["month"]] = r["revenue"] or 0.0
    lines = sorted(cells, key=lambda k: -sum(cells[k].values()))
    return charts.heat_table(
        lines, [month_label(m, lang) for m in months],
        [[cells[line].get(m, 0.0) for m in months] for line in lines],
        corner=t("web_product_line", lang=lang), zero_label="·",
    )  # fmt: skip
