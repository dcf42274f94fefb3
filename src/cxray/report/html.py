"""The self-contained HTML report: one file, inline SVG charts, no scripts, opens offline."""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import Any

from cxray import __version__
from cxray.api.report import ReportData
from cxray.api.results import Notice
from cxray.phrases import (
    activation_lines,
    activation_sentence,
    alert_text,
    error_text,
    initiative_rows,
    initiatives_sentence,
    leads_sentence,
    leads_tables,
    loyalty_sentence,
    loyalty_tables,
    notice_text,
    offer_relevance_rows,
    step_label,
    warning_text,
    web_action_rows,
    web_funnel_rows,
    web_path_rows,
)
from cxray.report import charts
from cxray.report.charts import number, percent
from cxray.report.labels import month_label, value_label
from cxray.texts import t

TOP_CUSTOMERS = 20  # rows of the white-space heat map
TOP_OPPORTUNITIES = 20  # customers in the opportunities table
OPPORTUNITIES_PER_CUSTOMER = 3
TREND_LINES = 12
SEGMENT_LABELS = {
    "key": "stage_key",
    "not key": "not_key",
    "regular": "stage_regular",
    "not regular": "not_regular",
}
COHORTS_SHOWN = 16  # latest quarterly cohorts in the heat map
SECTION_NOTICES = ("alerts_empty_", "feedback_empty_")  # why a section is empty: shown there
MAX_BARS = 30  # more customers than this: one bar per band of values, not per customer
AT_RISK_SHOWN = 20  # key clients listed below 50% P(alive) in the banded view

CSS = """
body{font-family:'DejaVu Sans',Arial,sans-serif;color:#111827;margin:0;background:#f9fafb}
main{max-width:1240px;margin:0 auto;padding:24px 32px 64px}
h1{font-size:26px;margin:8px 0 4px} h2{font-size:20px;margin:36px 0 6px;
border-bottom:2px solid #e5e7eb;padding-bottom:4px}
.sub{color:#4b5563;margin:0 0 16px} .read{color:#374151;background:#eef2ff;border-left:4px solid
#6366f1;padding:6px 10px;margin:6px 0 12px;font-size:14px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 16px;min-width:130px}
.card b{display:block;font-size:24px} .card span{color:#4b5563;font-size:13px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:4px 20px 16px;
margin-top:20px;overflow-x:auto}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;white-space:nowrap}
thead th{background:#f3f4f6} td.num,th.num{text-align:right}
table.heat td{text-align:right;min-width:54px} table.heat td.zero{color:#9ca3af;
background:repeating-linear-gradient(45deg,#fff,#fff 4px,#f3f4f6 4px,#f3f4f6 8px);text-align:center}
.grid2{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
.grid2>div{flex:1 1 520px} .note{color:#6b7280;font-size:12px}
.up{color:#15803d} .down{color:#b91c1c}
.warn{background:#fffbeb;border:1px solid #f59e0b;border-radius:8px;padding:8px 16px;margin:12px 0}
.warn ul{margin:6px 0;padding-left:20px} .warn li{margin:3px 0;font-size:14px}
svg.chart{width:100%;height:auto;display:block}
table.heat thead th{white-space:normal;max-width:84px;font-size:12px}
table.heat td{font-size:12px;min-width:40px;padding:3px 5px}
table.data td:last-child{white-space:normal}
table.heat tbody th{white-space:normal;min-width:150px;max-width:200px;font-size:12px}
.multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:8px 16px}
.multiples h4{margin:10px 0 0;font-size:14px} .multiples p{margin:0;font-size:12px;color:#4b5563}
"""


def render_html(data: ReportData, *, lang: str = "en") -> str:
    """The whole report as one HTML document in ``lang`` (en or ru)."""
    tr = _translator(data, lang)
    with charts.numbers_in(lang):
        body = _body(data, tr)
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(tr('report_title'))} — {data.as_of}</title><style>{CSS}</style></head>"
        f"<body><main>{body}<p class='note'>cxray {__version__}</p></main></body></html>"
    )


def render_sections(data: ReportData, page: str, *, lang: str = "en") -> str:
    """The report's sections of one web page (:data:`PAGES`) as HTML, in ``lang``: the web
    workspace shows the report's own figures and charts."""
    tr = _translator(data, lang)
    with charts.numbers_in(lang):
        return "\n".join(section(data, tr) for section in PAGES[page])


def _translator(data: ReportData, lang: str):
    def tr(key: str, /, **kw: object) -> str:
        return t(key, lang=lang, **kw)

    tr.lang = lang  # type: ignore[attr-defined]  (for the cxray.phrases functions)

    def money(key: str, /, **kw: object) -> str:
        """A money heading, with the currency when the report has one (``revenue, EUR``)."""
        label = t(key, lang=lang, **kw)
        if not data.currency:
            return label
        return t("money_in", lang=lang, label=label, currency=data.currency)

    tr.money = money  # type: ignore[attr-defined]
    tr.month = lambda month: month_label(month, lang)  # type: ignore[attr-defined]
    tr.value = lambda value: value_label(value, lang)  # type: ignore[attr-defined]
    return tr


def _body(data: ReportData, tr) -> str:
    sections = [
        _summary(data, tr),
        _warnings(data, tr),
        _funnel(data, tr),
        _returns(data, tr),
        _by_segment(data, tr),
        _pareto(data, tr),
        _abc(data, tr),
        _trends(data, tr),
        _whitespace(data, tr),
        _rfm(data, tr),
        _opportunities(data, tr),
        _cohorts(data, tr),
        _activation(data, tr),
        _activation_budget(data, tr),
        _loyalty(data, tr),
        _leads(data, tr),
        _initiatives(data, tr),
        _clv(data, tr),
        _alerts(data, tr),
        _communications(data, tr),
        _voice(data, tr),
        _web(data, tr),
    ]
    return "\n".join(sections)


def _section(anchor: str, title: str, read: str, content: str) -> str:
    return (
        f"<section id='{anchor}'><h2>{escape(title)}</h2>"
        f"<p class='read'>{escape(read)}</p>{content}</section>"
    )


def _summary(d: ReportData, tr) -> str:
    f = d.funnel
    cards = [
        (number(f.known), tr("stage_known")),
        (number(f.reachable), tr("stage_reachable")),
        (number(f.active), tr("stage_active")),
        (number(f.regular), tr("stage_regular")),
        (number(f.key), tr("stage_key")),
        (percent(f.key_revenue_share, 1), tr("card_key_share")),
        (number(f.window_revenue), tr.money("card_window_revenue")),
    ]
    html = "".join(
        f"<div class='card'><b>{escape(v)}</b><span>{escape(k)}</span></div>" for v, k in cards
    )
    return (
        f"<h1>{escape(tr('report_title'))}</h1>"
        f"<p class='sub'>{escape(tr('report_subtitle', as_of=d.as_of))}</p>"
        f"<div class='cards'>{html}</div>"
    )


def _warnings(d: ReportData, tr) -> str:
    """What the data is too short for and which fits not to trust, before any figure."""
    shown = [w for w in d.warnings if not w.code.startswith(SECTION_NOTICES)]
    if not shown:
        return ""
    items = "".join(f"<li>{escape(notice_text(w, tr.lang))}</li>" for w in shown)
    title = escape(tr("warnings_title"))
    return f"<div class='warn' id='warnings'><b>{title}</b><ul>{items}</ul></div>"


def _funnel(d: ReportData, tr) -> str:
    f, p = d.funnel, d.funnel.params
    stages = ["known", "reachable", "active", "regular", "key"]
    values = [getattr(f, s) for s in stages]
    labels = [tr(f"stage_{s}") for s in stages]
    value_labels = [f"{number(v)} ({percent(v / f.known if f.known else 0, 1)})" for v in values]
    chart = charts.hbar_chart(labels, values, value_labels=value_labels, log=True)
    defs = [
        tr("def_known"),
        tr("def_reachable", days=p.contact_window),
        tr("def_active", months=p.active_window),
        tr("def_regular", n=p.min_orders_per_year),
        tr("def_key", share=p.key_share),
    ]
    table = charts.data_table(
        [tr("col_stage"), tr("col_customers"), tr("col_definition")],
        [(lab, number(v), df) for lab, v, df in zip(labels, values, defs, strict=True)],
        numeric=[False, True, False],
    )
    summary = tr("key_summary", key=f.key, share=f.key_revenue_share, key_regular=f.key_regular)
    return _section(
        "funnel",
        tr("sec_funnel"),
        tr("read_funnel"),
        f"<div class='grid2'>{chart}{table}</div><p>{escape(summary)}</p>",
    )


def _pareto(d: ReportData, tr) -> str:
    curve = d.pareto
    if not curve:
        return _section("pareto", tr("sec_pareto"), tr("read_pareto"), tr("no_rows"))
    xs = [0.0] + [r["cum_customer_share"] for r in curve]
    ys = [0.0] + [r["cum_revenue_share"] for r in curve]
    share = d.funnel.params.key_share
    chart = charts.line_chart(
        [percent(x) for x in xs],
        {tr("col_revenue_share"): ys},
        x_numeric=xs,
        x_format=lambda v: percent(v),
        y_format=lambda v: percent(v),
        y_min=0,
        y_max=1,
        legend=False,
        markers={percent(share): share},
    )
    rows = [
        (percent(p["revenue_share"]), number(p["customers"]), percent(p["customer_share"], 1))
        for p in d.pareto_points
        if p["revenue_share"] < 1
    ]
    table = charts.data_table(
        [tr("col_revenue_share"), tr("col_customers"), tr("col_share_of_buyers")],
        rows,
        numeric=[True, True, True],
    )
    note = f"<p class='note'>{escape(tr('pareto_axis'))}</p>"
    return _section(
        "pareto",
        tr("sec_pareto"),
        tr("read_pareto"),
        f"<div class='grid2'><div>{chart}{note}</div>{table}</div>",
    )


def _abc(d: ReportData, tr) -> str:
    blocks = []
    for by in ("customer", "sku"):
        cells = {(c["abc"], c["xyz"]): c for c in d.abc_matrix[by]}
        grid = [[cells[(a, x)]["n"] if (a, x) in cells else 0 for x in "XYZ"] for a in "ABC"]
        shares = [
            [cells[(a, x)]["revenue_share"] if (a, x) in cells else 0 for x in "XYZ"] for a in "ABC"
        ]
        table = charts.heat_table(
            list("ABC"),
            list("XYZ"),
            [[float(n) for n in row] for row in grid],
            fmt=lambda v: number(v),
            corner=tr(f"entity_{by}"),
        )
        share_table = charts.heat_table(
            list("ABC"), list("XYZ"), shares, fmt=lambda v: percent(v, 1), corner=tr("col_revenue")
        )
        blocks.append(
            f"<div><h3>{escape(tr('abc_title_short', by=tr(f'by_{by}')))}</h3>"
            f"<div class='grid2'>{table}{share_table}</div></div>"
        )
    legend = tr("abc_legend", a=0.8, b=0.95, x=0.1, y=0.25)
    return _section(
        "abc",
        tr("sec_abc"),
        tr("read_abc"),
        "".join(blocks) + f"<p class='note'>{escape(legend)}</p>",
    )


def _trends(d: ReportData, tr) -> str:
    if not d.line_trends:
        return _section("trends", tr("sec_trends"), tr("read_trends"), tr("no_rows"))
    months = sorted({r["month"] for r in d.line_trends})
    by_line: dict[str, dict[str, dict]] = defaultdict(dict)
    for r in d.line_trends:
        by_line[r["product_line"]][r["month"]] = r
    totals = {line: sum(r["revenue"] for r in rows.values()) for line, rows in by_line.items()}
    lines = sorted(by_line, key=lambda k: -totals[k])[:TREND_LINES]
    recent, earlier = months[-12:], months[-24:-12]
    this_year, last_year = tr("legend_last_12"), tr("legend_year_before")
    minis = []
    for line in lines:
        rows = by_line[line]
        series = {this_year: [rows.get(m, {}).get("revenue", 0.0) for m in recent]}
        if len(earlier) == len(recent):
            series[last_year] = [rows.get(m, {}).get("revenue", 0.0) for m in earlier]
        last = rows.get(months[-1], {})
        caption = tr(
            "trend_caption",
            revenue=number(last.get("revenue")),
            mom=percent(last.get("mom_pct"), 1),
            yoy=percent(last.get("yoy_pct"), 1),
        )
        chart = charts.line_chart(
            [tr.month(m) for m in recent],
            series,
            width=360,
            height=170,
            legend=False,
            dashed=[last_year],
            colors={this_year: charts.PALETTE[0], last_year: "#9ca3af"},
            y_title=d.currency,
        )
        minis.append(f"<div><h4>{escape(tr.value(line))}</h4><p>{escape(caption)}</p>{chart}</div>")
    legend = tr("trend_legend", month=tr.month(months[-1]))
    rows_html = []
    last = months[-1]
    for line in lines:
        r = by_line[line].get(last, {})
        rows_html.append(
            (
                tr.value(line),
                number(r.get("revenue")),
                number(r.get("mom_change")),
                percent(r.get("mom_pct"), 1),
                number(r.get("yoy_change")),
                percent(r.get("yoy_pct"), 1),
            )
        )
    table = charts.data_table(
        [
            tr("col_line"),
            tr.money("col_revenue_month", month=tr.month(last)),
            tr.money("col_mom"),
            tr("col_mom_pct"),
            tr.money("col_yoy"),
            tr("col_yoy_pct"),
        ],
        rows_html,
        numeric=[False] + [True] * 5,
    )
    return _section(
        "trends",
        tr("sec_trends"),
        tr("read_trends"),
        f"<p class='note'>{escape(legend)}</p><div class='multiples'>{''.join(minis)}</div>{table}",
    )


def _customer_label(d: ReportData, customer_id: str) -> str:
    name = d.names.get(customer_id)
    return f"{name} ({customer_id})" if name and name != customer_id else customer_id


def _returns(d: ReportData, tr) -> str:
    """Return rates by amount: the window's total, per product line, the customers who
    returned most (and how many only returned)."""
    f = d.funnel
    if not f.returned:
        return ""
    rate = percent(f.return_rate, 1) if f.return_rate is not None else "-"
    note = tr(
        "returns_note", net=number(f.window_revenue), ranked=number(f.ranked_revenue),
        sold=number(f.sold), returned=number(f.returned), rate=rate, only=number(f.returned_only),
    )  # fmt: skip

    def rate_of(r: dict) -> str:
        return percent(r["return_rate"], 1) if r["return_rate"] is not None else "-"

    lines = [r for r in d.returns.get("lines", []) if r["returned"]]
    line_table = charts.data_table(
        [tr("col_line"), tr.money("col_sold"), tr.money("col_returned"), tr("col_return_rate")],
        [(tr.value(r["key"]), number(r["sold"]), number(r["returned"]), rate_of(r)) for r in lines],
        numeric=[False, True, True, True],
    )
    skus = [r for r in d.returns.get("skus", []) if r["returned"]][:TOP_CUSTOMERS]
    sku_table = charts.data_table(
        [tr("col_sku"), tr.money("col_sold"), tr.money("col_returned"), tr("col_return_rate")],
        [
            (tr.value(r["key"]) + (f" — {r['name']}" if r["name"] else ""), number(r["sold"]),
             number(r["returned"]), rate_of(r))
            for r in skus
        ],
        numeric=[False, True, True, True],
    )  # fmt: skip
    top = d.returns.get("customers", [])[:TOP_CUSTOMERS]
    customer_table = charts.data_table(
        [tr("col_customer"), tr.money("col_sold"), tr.money("col_returned"),
         tr("col_return_rate"), tr("col_returned_only")],
        [
            (_customer_label(d, r["customer_id"]), number(r["sold"]), number(r["returned"]),
             rate_of(r), "✓" if r["returned_only"] else "")
            for r in top
        ],
        numeric=[False, True, True, True, False],
    )  # fmt: skip
    return _section(
        "returns",
        tr("sec_returns"),
        tr("read_returns", months=f.params.active_window),
        f"<p>{escape(note)}</p><h3>{escape(tr('returns_by_line'))}</h3>{line_table}"
        f"<h3>{escape(tr('returns_by_sku', n=len(skus)))}</h3>{sku_table}"
        f"<h3>{escape(tr('returns_top_customers', n=len(top)))}</h3>{customer_table}",
    )


def _by_segment(d: ReportData, tr) -> str:
    """The funnel and the RFM segments per value of the ``segment_by`` customer column."""
    if not d.by_segment:
        return ""
    stages = ["known", "active", "regular", "key"]
    funnel = charts.data_table(
        [d.segment_by or "", *[tr(f"stage_{s}") for s in stages], tr.money("col_revenue")],
        [
            (
                tr.value(r["group"] or "(none)"),
                *[number(r[s]) for s in stages],
                number(r["window_revenue"]),
            )
            for r in d.by_segment.get("structure", [])
        ],
        numeric=[False] + [True] * (len(stages) + 1),
    )
    rfm = charts.data_table(
        [d.segment_by or "", tr("col_segment"), tr("col_customers"), tr("col_share")],
        [
            (tr.value(r["group"] or "(none)"), tr(f"rfm_{r['segment']}"), number(r["customers"]),
             percent(r["share"], 1))
            for r in d.by_segment.get("rfm", [])
        ],
        numeric=[False, False, True, True],
    )  # fmt: skip
    return _section(
        "by-segment",
        tr("sec_by_segment", column=d.segment_by),
        tr("read_by_segment", column=d.segment_by),
        f"{funnel}<h3>{escape(tr('sec_rfm'))}</h3>{rfm}",
    )


def _whitespace(d: ReportData, tr) -> str:
    if not d.line_matrix:
        read = tr("read_whitespace", n=TOP_CUSTOMERS)
        return _section("whitespace", tr("sec_whitespace"), read, tr("no_rows"))
    revenue: dict[str, float] = defaultdict(float)
    cells: dict[tuple[str, str], float] = {}
    for r in d.line_matrix:
        revenue[r["customer_id"]] += r["revenue"]
        cells[(r["customer_id"], r["product_line"])] = r["revenue"]
    top = sorted(revenue, key=lambda k: (-revenue[k], k))[:TOP_CUSTOMERS]
    # the matrix lists each customer's lines by their total revenue, largest first
    lines = list(dict.fromkeys(r["product_line"] for r in d.line_matrix))
    grid = [[cells.get((c, line), 0.0) for line in lines] for c in top]
    table = charts.heat_table(
        [_customer_label(d, c) for c in top],
        [tr.value(line) for line in lines],
        grid,
        fmt=lambda v: charts.compact(v),
        zero_label="·",
        corner=tr("col_customer"),
    )
    return _section("whitespace", tr("sec_whitespace"), tr("read_whitespace", n=len(top)), table)


def _rfm(d: ReportData, tr) -> str:
    if not d.rfm_segments:
        return _section("rfm", tr("sec_rfm"), tr("read_rfm"), tr("no_rows"))
    total = sum(s["revenue"] or 0.0 for s in d.rfm_segments) or 1.0
    segs = [
        {**s, "revenue_share": (s["revenue"] or 0.0) / total}
        for s in sorted(d.rfm_segments, key=lambda r: -r["customers"])
        if s["customers"]
    ]
    labels = [tr(f"rfm_{s['segment']}") for s in segs]
    chart = charts.hbar_chart(
        labels,
        [s["customers"] for s in segs],
        value_labels=[f"{number(s['customers'])} · {percent(s['revenue_share'], 1)}" for s in segs],
    )
    rows = [
        (
            tr(f"rfm_{s['segment']}"),
            number(s["customers"]),
            percent(s["revenue_share"], 1),
            number(s["mean_recency"]),
            number(s["mean_frequency"], 1),
            number(s["mean_monetary"]),
        )
        for s in segs
    ]
    table = charts.data_table(
        [
            tr("col_segment"),
            tr("col_customers"),
            tr("col_revenue_share"),
            tr("col_recency"),
            tr("col_frequency"),
            tr.money("col_monetary"),
        ],
        rows,
        numeric=[False] + [True] * 5,
    )
    return _section("rfm", tr("sec_rfm"), tr("read_rfm"), chart + table)


def _opportunities(d: ReportData, tr) -> str:
    if not d.opportunities:
        return _section(
            "opportunities", tr("sec_opportunities"), tr("read_opportunities"), tr("no_rows")
        )
    by_line: dict[str, list[dict]] = defaultdict(list)
    for r in d.opportunities:
        by_line[r["product_line"]].append(r)
    line_rows = sorted(by_line.items(), key=lambda kv: -sum(r["potential"] for r in kv[1]))
    line_table = charts.data_table(
        [tr("col_line"), tr("col_customers_gap"), tr.money("col_potential_total")],
        [
            (tr.value(line), number(len(rs)), number(sum(r["potential"] for r in rs)))
            for line, rs in line_rows
        ],
        numeric=[False, True, True],
    )
    # the best lines for the largest customers (the rows of the white-space heat map)
    revenue: dict[str, float] = defaultdict(float)
    for r in d.line_matrix:
        revenue[r["customer_id"]] += r["revenue"]
    per_customer: dict[str, list[dict]] = defaultdict(list)
    for r in d.opportunities:  # already highest potential first
        if len(per_customer[r["customer_id"]]) < OPPORTUNITIES_PER_CUSTOMER:
            per_customer[r["customer_id"]].append(r)
    top = sorted(per_customer, key=lambda c: (-revenue.get(c, 0.0), c))[:TOP_OPPORTUNITIES]
    rows = [
        (
            _customer_label(d, r["customer_id"]),
            tr.value(r["segment"] or ""),
            tr.value(r["product_line"]),
            percent(r["peer_share"]),
            f"{r['peer_buyers']}/{r['peers']}",
            number(r["potential"]),
        )
        for c in top
        for r in per_customer[c]
    ]
    table = charts.data_table(
        [
            tr("col_customer"),
            tr("col_segment_attr"),
            tr("col_line"),
            tr("col_peer_share"),
            tr("col_peer_buyers"),
            tr.money("col_potential"),
        ],
        rows,
        numeric=[False, False, False, True, True, True],
    )
    total = sum(r["potential"] for r in d.opportunities)
    note = tr("opportunities_total", n=len(d.opportunities), total=number(total))
    return _section(
        "opportunities",
        tr("sec_opportunities"),
        tr("read_opportunities"),
        f"<p>{escape(note)}</p><h3>{escape(tr('opp_by_line'))}</h3>{line_table}"
        f"<h3>{escape(tr('opp_top_customers', n=len(top)))}</h3>{table}",
    )


def _cohorts(d: ReportData, tr) -> str:
    if not d.cohorts:
        return _section("cohorts", tr("sec_cohorts"), tr("read_cohorts"), tr("no_rows"))
    labels = sorted({r["cohort"] for r in d.cohorts})[-COHORTS_SHOWN:]
    cells = {(r["cohort"], r["period_index"]): r for r in d.cohorts}
    width = max(r["period_index"] for r in d.cohorts if r["cohort"] in labels) + 1
    grid = [
        [cells[(c, i)]["retention"] if (c, i) in cells else None for i in range(1, width)]
        for c in labels
    ]
    heat = charts.heat_table(
        [f"{c} ({cells[(c, 0)]['cohort_size']})" for c in labels],
        [str(i) for i in range(1, width)],
        grid,
        fmt=lambda v: percent(v),
        corner=tr("col_cohort_quarters"),
    )
    acquired = sorted({r["cohort"][:4] for r in d.cohorts})
    if len(acquired) < 2:  # curves per acquisition year compare nothing: say why they are left out
        note = tr("cohort_curves_one_year", year=acquired[0])
        return _section(
            "cohorts",
            tr("sec_cohorts"),
            tr("read_cohorts"),
            f"{heat}<h3>{escape(tr('cohort_curves'))}</h3><p class='note'>{escape(note)}</p>",
        )
    # retention curves: the mean retention by quarters since acquisition, per acquisition year
    by_year: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in d.cohorts:
        if r["period_index"] > 0 and r["cohort_size"]:
            by_year[r["cohort"][:4]][r["period_index"]].append(r["retention"])
    years = sorted(by_year)[-5:]
    horizon = list(range(1, width))
    series = {
        y: [sum(v) / len(v) if (v := by_year[y].get(i)) else None for i in horizon] for y in years
    }
    curve = charts.line_chart(
        [str(i) for i in horizon], series, y_format=lambda v: percent(v), y_min=0
    )
    return _section(
        "cohorts",
        tr("sec_cohorts"),
        tr("read_cohorts"),
        f"{heat}<h3>{escape(tr('cohort_curves'))}</h3>{curve}",
    )


def _activation(d: ReportData, tr) -> str:
    rows = [r for r in d.activation if r["cohort"] == "all"]
    if not rows or not rows[0]["customers_k"]:
        return _section("activation", tr("sec_activation"), tr("read_activation"), tr("no_rows"))
    labels = [tr("activation_step", k=r["k"], next=r["k"] + 1) for r in rows]
    chart = charts.hbar_chart(
        labels,
        [r["share_next"] or 0.0 for r in rows],
        value_labels=[
            f"{percent(r['share_next'])} · {number(r['customers_next'])}/"
            f"{number(r['customers_k'])} · "
            f"{tr('days_median', days=number(r['median_days']))}"
            for r in rows
        ],
    )
    recent = sorted({r["cohort"] for r in d.activation if r["cohort"] != "all"})[-8:]
    cells = {(r["cohort"], r["k"]): r["share_next"] for r in d.activation}
    ks = [r["k"] for r in rows]
    heat = charts.heat_table(
        recent,
        [f"{k}→{k + 1}" for k in ks],
        [[cells.get((c, k)) for k in ks] for c in recent],
        fmt=lambda v: percent(v),
        corner=tr("col_cohort"),
    )
    return _section("activation", tr("sec_activation"), tr("read_activation"), f"{chart}{heat}")


def _activation_budget(d: ReportData, tr) -> str:
    """The activation budget at the default options (``cxray activation``)."""
    p = d.budget
    if p is None:
        return ""
    read = tr(
        "read_activation_budget",
        months=p["months"],
        window_days=p["window_days"],
        margin=percent(p["margin"]),
    )
    found = [notice_text(Notice(**w), tr.lang) for w in p["warnings"]]
    items = "".join(f"<li>{escape(text)}</li>" for text in found)
    content = f"<div class='warn'><ul>{items}</ul></div>" if found else ""
    if p["new_customers"]:
        content += charts.data_table(
            [tr("activation_figure"), tr("activation_value")],
            activation_lines(p, tr.lang),
            numeric=[False, True],
        )
        sentence = activation_sentence(p, tr.lang)
        content += f"<p>{escape(sentence)}</p>" if sentence else ""
    return _section("activation-budget", tr("sec_activation_budget"), read, content)


def _loyalty(d: ReportData, tr) -> str:
    """The loyalty programme at the default options (``cxray loyalty``); its warnings, and
    "no members" alone when there are none."""
    p = d.loyalty
    if p is None:
        return ""
    read = tr("read_loyalty", months=p["window_months"])
    found = [notice_text(Notice(**w), tr.lang) for w in p["warnings"]]
    items = "".join(f"<li>{escape(text)}</li>" for text in found)
    content = f"<div class='warn'><ul>{items}</ul></div>" if found else ""
    if p["penetration"]["members"]:
        shown = loyalty_tables(p, tr.lang)
        titles = {"figures": None, "by_tier": "loyalty_tier_title",
                  "by_band": "loyalty_band_title", "balance": "loyalty_balance_title"}  # fmt: skip
        content += _tables(shown, {k: tr(v) if v else None for k, v in titles.items()})
        sentence = loyalty_sentence(p, tr.lang)
        content += f"<p>{escape(sentence)}</p>" if sentence else ""
    return _section("loyalty", tr("sec_loyalty"), read, content)


def _tables(shown: dict[str, list[dict[str, str]]], titles: dict[str, str | None]) -> str:
    """The tables of shown text ``shown`` named in ``titles`` (in that order), each under its
    title (None: none) with its first column as labels and the others numbers; tables without
    rows left out."""
    out = ""
    for name, title in titles.items():
        rows = shown[name]
        if not rows:
            continue
        columns = list(rows[0])
        out += f"<h3>{escape(title)}</h3>" if title else ""
        out += charts.data_table(
            columns, [[r[c] for c in columns] for r in rows],
            numeric=[False] + [True] * (len(columns) - 1),
        )  # fmt: skip
    return out


def _initiatives(d: ReportData, tr) -> str:
    """The CX initiatives as a portfolio at the default margin (``cxray initiatives``): the
    table, the portfolio line and the warnings; without files, the notice that says where to
    put them; a refused file, its error."""
    p = d.initiatives
    if p is None:
        return ""
    read = tr("read_initiatives")
    if "error" in p:
        text = tr(p["error"]["key"], **p["error"]["params"])
        return _section("initiatives", tr("sec_initiatives"), read,
                        f"<div class='warn'><ul><li>{escape(text)}</li></ul></div>")  # fmt: skip
    found = [notice_text(Notice(**w), tr.lang) for w in p["warnings"]]
    items = "".join(f"<li>{escape(text)}</li>" for text in found)
    content = f"<div class='warn'><ul>{items}</ul></div>" if found else ""
    rows = initiative_rows(p, tr.lang)
    if rows:
        columns = list(rows[0])
        content += charts.data_table(
            columns, [[r[c] for c in columns] for r in rows],
            numeric=[False, False, False] + [True] * (len(columns) - 3),  # id, type, metric
        )  # fmt: skip
        content += f"<p>{escape(initiatives_sentence(p, tr.lang))}</p>"
    return _section("initiatives", tr("sec_initiatives"), read, content)


def _leads(d: ReportData, tr) -> str:
    """The lead funnel by channel, speed and ownership, CPL / CAC, payback and lost reasons at
    the default options (``cxray leads``); without leads, the warning that says so (and the
    costs, when there are any)."""
    p = d.leads
    if p is None:
        return ""
    read = tr("read_leads", sla_hours=f"{p['sla_hours']:g}", margin=percent(p["margin"]))
    found = [notice_text(Notice(**w), tr.lang) for w in p["warnings"]]
    items = "".join(f"<li>{escape(text)}</li>" for text in found)
    content = f"<div class='warn'><ul>{items}</ul></div>" if found else ""
    shown = leads_tables(p, tr.lang)
    titles = {
        "funnel": tr("leads_funnel_title", by=tr(f"leads_by_{p['by']}"), as_of=p["as_of"]),
        "speed": tr("leads_speed_title", sla_hours=f"{p['sla_hours']:g}"),
        "costs": tr("leads_costs_title"),
        "payback": tr("leads_payback_title", margin=f"{p['margin']:g}"),
        "lost_reasons": tr("leads_lost_title"),
    }
    content += _tables(shown, titles)
    sentence = leads_sentence(p, tr.lang)
    content += f"<p>{escape(sentence)}</p>" if sentence else ""
    return _section("leads", tr("sec_leads"), read, content)


def _clv(d: ReportData, tr) -> str:
    if d.clv is None:
        content = escape(tr("clv_not_fitted")) + _clv_holdout(d, tr)
        return _section("clv", tr("sec_clv"), tr("read_clv"), content)
    notes = _notes(d, tr, "clv_", "coverage_clv")
    sig = charts.significant
    bg = d.clv.params["bg_nbd"]
    params = tr(
        "clv_params_line",
        **{k: sig(bg[k]) for k in ("r", "alpha", "a", "b")},
        ll=number(bg["log_likelihood"], 1),
        n=number(bg["customers"]),
    )
    gg = d.clv.params.get("gamma_gamma")
    if gg:
        params += " " + tr(
            "clv_gg_params_line",
            **{k: sig(gg[k]) for k in ("p", "q", "v")},
            ll=number(gg["log_likelihood"], 1),
            n=number(gg["repeat_customers"]),
        )
    fitted = f"<p class='note'>{escape(params)}</p>{_clv_holdout(d, tr)}"
    if not d.clv_trusted:  # the warnings and the parameters, no per-customer figure
        empty = f"<p>{escape(tr('clv_untrusted'))}</p>"
        return _section("clv", tr("sec_clv"), tr("read_clv"), f"{notes}{empty}{fitted}")
    customers = d.clv.customers
    values = customers["clv"].fillna(0.0)
    # distribution: customers and total CLV per power-of-ten band
    bands: list[tuple[str, int, float]] = []
    low = 0.0
    for high in (1e3, 1e4, 1e5, 1e6, 1e7, 1e8, float("inf")):
        inside = values[(values >= low) & (values < high)]
        if len(inside):
            label = (
                f"{charts.compact(low)}–{charts.compact(high)}"
                if high != float("inf")
                else f"≥ {charts.compact(low)}"
            )
            bands.append((label, len(inside), float(inside.sum())))
        low = high
    dist = charts.hbar_chart(
        [b[0] for b in bands],
        [b[1] for b in bands],
        value_labels=[f"{number(b[1])} · Σ {charts.compact(b[2])}" for b in bands],
    )
    top = customers.sort_values("clv", ascending=False).head(15)
    table = charts.data_table(
        [
            tr("col_customer"),
            tr("col_p_alive"),
            tr("col_expected_purchases"),
            tr.money("col_expected_value"),
            tr.money("col_clv"),
        ],
        [
            (
                _customer_label(d, r.customer_id),
                percent(r.p_alive, 1),
                number(r.expected_purchases, 1),
                number(r.expected_value),
                number(r.clv),
            )
            for r in top.itertuples()
        ],
        numeric=[False, True, True, True, True],
    )
    key_chart = _key_alive(d, tr, customers.set_index("customer_id")["p_alive"])
    return _section(
        "clv",
        tr("sec_clv"),
        tr("read_clv"),
        f"{notes}"
        f"<h3>{escape(tr.money('clv_distribution'))}</h3>{dist}"
        f"<h3>{escape(tr('clv_top'))}</h3>{table}"
        f"<h3>{escape(tr('clv_key_alive'))}</h3>{key_chart}"
        f"{fitted}",
    )


def _key_alive(d: ReportData, tr, alive) -> str:
    """P(alive) of the key clients: a bar each; when they are more than MAX_BARS, one bar per
    band of 10 points (labelled by its value when all its clients share it, e.g. "100%") and
    the list of those below 50%."""
    keys = [k for k in d.key_customers if k in alive.index]
    if not keys:
        return escape(tr("no_rows"))
    red, blue = "#dc2626", charts.PALETTE[0]
    if len(keys) <= MAX_BARS:
        return charts.hbar_chart(
            [_customer_label(d, k) for k in keys],
            [float(alive[k]) for k in keys],
            value_labels=[percent(float(alive[k])) for k in keys],
            colors=[red if alive[k] < 0.5 else blue for k in keys],
        )
    edges = [i / 10 for i in range(11)]
    bands = charts.bands([float(alive[k]) for k in keys], edges)[::-1]  # highest band first
    lows = edges[:-1][::-1]
    labels = [
        percent(vs[0]) if vs and len({percent(v) for v in vs}) == 1 else
        f"{percent(low)}–{percent(low + 0.1)}"
        for vs, low in zip(bands, lows, strict=True)
    ]  # fmt: skip
    chart = charts.hbar_chart(
        labels,
        [len(vs) for vs in bands],
        value_labels=[number(len(vs)) for vs in bands],
        colors=[red if low < 0.5 else blue for low in lows],
    )
    at_risk = sorted((k for k in keys if alive[k] < 0.5), key=lambda k: (alive[k], k))
    table = (
        charts.data_table(
            [tr("col_customer"), tr("col_p_alive")],
            [(_customer_label(d, k), percent(float(alive[k]), 1)) for k in at_risk[:AT_RISK_SHOWN]],
            numeric=[False, True],
        )
        if at_risk
        else ""
    )
    return (
        f"<p class='note'>{escape(tr('clv_key_alive_bands', n=number(len(keys))))}</p>{chart}"
        f"<h4>{escape(tr('clv_key_at_risk', n=number(len(at_risk))))}</h4>{table}"
    )


def _clv_holdout(d: ReportData, tr) -> str:
    """The holdout check of a CLV fit with a holdout: purchases per customer after the
    calibration end, actual against predicted, by calibration repeat purchases; and totals."""
    fit = d.clv_holdout
    if fit is None or fit.validation is None:
        return ""
    start, end = fit.settings["calibration_end"], fit.settings["holdout_end"]
    rows = fit.validation.to_dict("records")
    totals = fit.holdout_totals or {}

    def mean(value: float | None) -> float | None:
        return None if value is None or value != value else float(value)  # NaN: no customer

    chart = charts.line_chart(
        [r["bucket"] for r in rows],
        {
            tr("legend_actual"): [mean(r["actual_mean"]) for r in rows],
            tr("legend_predicted"): [mean(r["predicted_mean"]) for r in rows],
        },
        y_format=lambda v: number(v, 1),
        y_min=0,
        dashed=[tr("legend_predicted")],
    )
    body = [
        (
            r["bucket"],
            number(r["customers"]),
            number(mean(r["actual_mean"]), 2),
            number(mean(r["predicted_mean"]), 2),
            number(r["actual_total"], 1),
            number(r["predicted_total"], 1),
        )
        for r in rows
    ]
    body.append(
        (
            tr("row_total"),
            number(totals.get("customers")),
            "",
            "",
            number(totals.get("actual"), 1),
            number(totals.get("predicted"), 1),
        )
    )
    table = charts.data_table(
        [
            tr("col_calibration_repeats"),
            tr("col_customers"),
            tr("col_actual_mean"),
            tr("col_predicted_mean"),
            tr("col_actual_total"),
            tr("col_predicted_total"),
        ],
        body,
        numeric=[False] + [True] * 5,
    )
    return (
        f"<h3 id='clv-holdout'>{escape(tr('clv_holdout_heading', start=start, end=end))}</h3>"
        f"<p class='read'>{escape(tr('clv_holdout_read', start=start))}</p>"
        f"<div class='grid2'><div>{chart}</div>{table}</div>"
    )


def _notes(d: ReportData, tr, *codes: str) -> str:
    """The report's notices whose code starts with one of ``codes``, as a box in a section."""
    found = [w for w in d.warnings if w.code.startswith(codes)]
    items = "".join(f"<li>{escape(notice_text(w, tr.lang))}</li>" for w in found)
    return f"<div class='warn'><ul>{items}</ul></div>" if found else ""


def _alerts(d: ReportData, tr) -> str:
    if not d.alerts:
        why = [w for w in d.warnings if w.code.startswith("alerts_empty_")]
        text = "".join(f"<p>{escape(notice_text(w, tr.lang))}</p>" for w in why)
        return _section("alerts", tr("sec_alerts"), tr("read_alerts"), text or tr("no_rows"))
    rows = [
        (tr(f"alert_kind_{a.kind}"), _customer_label(d, a.customer_id), alert_text(a, tr.lang))
        for a in d.alerts
    ]
    counts = tr(
        "alerts_counts",
        fading=sum(a.kind == "p_alive" for a in d.alerts),
        drift=sum(a.kind == "drift" for a in d.alerts),
        portal=sum(a.kind == "portal_activity_fell" for a in d.alerts),
    )
    table = charts.data_table([tr("col_alert"), tr("col_customer"), tr("col_why")], rows)
    return _section(
        "alerts", tr("sec_alerts"), tr("read_alerts"), f"<p>{escape(counts)}</p>{table}"
    )


def _communications(d: ReportData, tr) -> str:
    if not d.campaigns:
        return _section("communications", tr("sec_comms"), tr("read_comms"), tr("no_campaigns"))
    parts = []
    for item in d.campaigns:
        name = item.campaign.id if item.campaign else "?"
        if item.error:
            problem = escape(error_text(item.error, tr.lang))
            parts.append(f"<h3>{escape(name)}</h3><p class='down'>{problem}</p>")
            continue
        brief = item.campaign.brief
        why = f"<p class='note'>{escape(tr('campaign_why', why=brief.why))}</p>"
        if item.plan is not None:
            title = escape(tr("campaign_planned", campaign=name))
            relevance = relevance_html(item.relevance, tr.lang) if item.relevance else ""
            parts.append(f"<h3>{title}</h3>{why}{plan_html(item.plan, tr.lang)}{relevance}")
        else:
            title = escape(tr("campaign_measured", campaign=name))
            parts.append(f"<h3>{title}</h3>{why}{measurement_html(item.measurement, tr.lang)}")
    return _section("communications", tr("sec_comms"), tr("read_comms"), "".join(parts))


def _web(d: ReportData, tr) -> str:
    """The website (``session.web`` at the report date): the actions with their counts, the
    most frequent paths and the funnel of the setting ``web_funnel``; without captured events,
    the notice that says how to capture them."""
    p = d.web
    if p is None:
        return ""
    actions, paths = p["actions"], p["paths"]
    read = tr("read_web", days=actions["days"], as_of=d.as_of, steps=paths["steps"])
    notes = [notice_text(Notice(**w), tr.lang) for w in actions["warnings"]]
    if p["missing"]:
        notes.append(tr("web_funnel_unknown", names=", ".join(p["missing"])))
    items = "".join(f"<li>{escape(text)}</li>" for text in notes)
    content = f"<div class='warn'><ul>{items}</ul></div>" if notes else ""
    if not p["events"]:
        return _section("web", tr("sec_web"), read, content)
    title = tr("web_actions_title", days=actions["days"], as_of=actions["as_of"])
    shown = {"actions": web_action_rows(actions, tr.lang), "paths": web_path_rows(paths, tr.lang)}
    content += _tables({"actions": shown["actions"]}, {"actions": title})
    if p["funnel"] is not None:
        f = p["funnel"]
        heading = tr("web_funnel_title", within=f["within_days"], days=f["days"], as_of=f["as_of"])
        content += f"<h3>{escape(heading)}</h3>"
        content += web_funnel_chart(f, tr.lang)
        content += _tables({"funnel": web_funnel_rows(f, tr.lang)}, {"funnel": None})
    title = tr("web_paths_title", steps=paths["steps"], days=paths["days"], as_of=paths["as_of"])
    content += _tables({"paths": shown["paths"]}, {"paths": title})
    return _section("web", tr("sec_web"), read, content)


def web_funnel_chart(p: dict, lang: str) -> str:
    """A funnel's steps (``session.web.funnel().to_dict()``) as horizontal bars: the people
    reaching each step, with their share of the first; the report's and the web page's."""
    with charts.numbers_in(lang):
        labels = [f"{r['step']}. {r['action']}" for r in p["steps"]]
        values = [r["persons"] for r in p["steps"]]
        texts = [number(r["persons"]) + ("" if r["of_first"] is None
                                         else f" ({percent(r['of_first'], 1)})")
                 for r in p["steps"]]  # fmt: skip
        return charts.hbar_chart(labels, values, value_labels=texts)


def plan_html(plan: Any, lang: str) -> str:
    """A campaign plan's waterfall (a bar per step, what each removed) and its target /
    control split, in ``lang``: the report's and the web studio's."""
    tr = _translator(None, lang)
    with charts.numbers_in(lang):
        labels = [tr("waterfall_candidates")] + [step_label(s, lang) for s in plan.steps]
        values = [plan.candidates] + [s.after for s in plan.steps]
        chart = charts.hbar_chart(
            labels,
            values,
            log=True,
            value_labels=[number(plan.candidates)]
            + [f"{number(s.after)} (−{number(s.removed)})" for s in plan.steps],
        )
        split = tr("plan_split", target=len(plan.target_ids), control=len(plan.control_ids))
    return f"{chart}<p>{escape(split)}</p>"


def relevance_html(found: dict, lang: str) -> str:
    """An offer threshold's three shares of the audience (and its warnings), in ``lang``."""
    tr = _translator(None, lang)
    with charts.numbers_in(lang):
        title, rows = offer_relevance_rows(found, lang)
        shown = [(group, number(count), percent(share, 1)) for group, count, share in rows]
        table = charts.data_table([tr("col_group"), tr("col_customers"), tr("col_share")], shown,
                                  numeric=[False, True, True])  # fmt: skip
    warned = "".join(f"<p class='down'>{escape(tr(code))}</p>" for code in found["warnings"])
    return f"<h4>{escape(title)}</h4>{table}{warned}"


def measurement_html(m: Any, lang: str) -> str:
    """A measured campaign's uplift table (both metrics, 95% intervals, p), its groups and
    window, its verdict and warnings, in ``lang``: the report's and the web studio's."""
    tr = _translator(None, lang)
    with charts.numbers_in(lang):
        rows = []
        for metric in ("conversion", "revenue"):
            u = getattr(m, metric)
            pct = metric == "conversion"
            rows.append(
                (
                    tr(f"metric_{metric}"),
                    _metric(u.target, pct),
                    _metric(u.control, pct),
                    _metric(u.absolute, pct, sign=True),
                    f"[{_metric(u.ci_low, pct, sign=True)}; {_metric(u.ci_high, pct, sign=True)}]",
                    "–" if u.p_value is None else number(u.p_value, 3),
                )
            )
        headers = [tr("col_metric"), tr("group_target"), tr("group_control"), tr("col_uplift"),
                   tr("col_ci95"), "p"]  # fmt: skip
        table = charts.data_table(headers, rows, numeric=[False] + [True] * 5)
        groups = tr("measure_groups", target=m.target.n, control=m.control.n, start=m.start,
                    end=m.observed_end)  # fmt: skip
    verdict = tr(f"verdict_{m.verdict}")
    warnings = "".join(f"<p class='down'>! {escape(warning_text(w, lang))}</p>" for w in m.warnings)
    cls = "up" if m.verdict == "effect" else "down" if m.verdict == "negative" else ""
    return f"<p>{escape(groups)}</p>{table}<p class='{cls}'><b>{escape(verdict)}</b></p>{warnings}"


def _metric(value: float | None, pct: bool, sign: bool = False) -> str:
    if value is None:
        return "–"
    if pct:
        return charts.points(value, 1) if sign else percent(value, 1)
    return ("+" if sign and value > 0 else "") + number(value)


def _voice(d: ReportData, tr) -> str:
    fb = d.feedback
    if not fb:
        return _section("voice", tr("sec_voice"), tr("read_voice"), tr("no_rows"))
    rows = []
    for r in fb["scores"]:
        name = r.metric.upper() + (f" 1-{r.scale}" if r.metric == "csi" else "")
        ci = "–" if r.ci_low is None else f"[{number(r.ci_low, 1)}; {number(r.ci_high, 1)}]"
        split = f"{r.promoters}/{r.passives}/{r.detractors}" if r.metric == "nps" else ""
        rows.append(
            (
                name + (" *" if r.incentivized else ""),
                number(r.responses),
                number(r.value, 1),
                ci,
                split,
                tr("small_group") if r.small else "",
            )
        )
    scores = charts.data_table(
        [
            tr("col_metric"),
            tr("col_answers"),
            tr("col_value"),
            tr("col_ci95"),
            tr("col_pnd"),
            tr("col_small"),
        ],
        rows,
        numeric=[False, True, True, True, True, False],
    )
    months = [
        r for r in fb["by_month"] if r.metric == "nps" and not r.incentivized and r.group != "(all)"
    ][-24:]
    trend = (
        charts.line_chart(
            [tr.month(r.group) for r in months],
            {"NPS": [r.value for r in months]},
            legend=False,
            y_format=lambda v: number(v),
            y_min=-100,
            y_max=100,
            markers={"0": 0.0},
        )
        if len(months) > 1
        else f"<p class='note'>{escape(tr('nps_by_month_short', n=len(months)))}</p>"
        if months
        else escape(tr("no_rows"))
    )
    say = fb["saydo"]
    say_rows = [
        (
            tr(f"group_{g.group}") if g.group != "(all)" else tr.value(g.group),
            number(g.customers),
            number(g.revenue_before),
            number(g.revenue_after),
            percent(g.retention_after),
            charts.points(g.retention_change or 0, 0),
        )
        for g in say.groups
    ]
    say_table = charts.data_table(
        [
            tr("col_group"),
            tr("col_customers"),
            tr("col_revenue_before"),
            tr("col_revenue_after"),
            tr("col_retention_after"),
            tr("col_retention_change"),
        ],
        say_rows,
        numeric=[False] + [True] * 5,
    )
    flags = {"promoter_stopped": 0, "detractor_growing": 0}
    for f in say.flags:
        flags[f.flag] = flags.get(f.flag, 0) + 1
    seg_rows = [
        (
            tr(SEGMENT_LABELS.get(s.group, s.group)),
            number(s.value, 1),
            "–" if s.ci_low is None else f"[{number(s.ci_low, 1)}; {number(s.ci_high, 1)}]",
            number(s.responses),
        )
        for s in say.segments
    ]
    seg_table = charts.data_table(
        [tr("col_group"), "NPS", tr("col_ci95"), tr("col_answers")],
        seg_rows,
        numeric=[False, True, True, True],
    )
    theme_blocks = []
    for group in ("detractor", "passive", "promoter"):
        items = fb["themes"].get(group) or []
        if not items:
            continue
        trows = [
            (th.text, number(th.count), percent(th.share), th.examples[0] if th.examples else "")
            for th in items[:8]
        ]
        theme_blocks.append(
            f"<div><h4>{escape(tr(f'group_{group}'))}</h4>"
            + charts.data_table(
                [tr("col_theme"), tr("col_comments"), tr("col_share"), tr("col_example")],
                trows,
                numeric=[False, True, True, False],
            )
            + "</div>"
        )
    loop = ""
    if d.followups:
        s = d.followups["summary"]
        loop = (
            f"<h3>{escape(tr('followups_heading'))}</h3><p>"
            + escape(
                tr(
                    "followups_report",
                    total=s["total"],
                    open=s["open"],
                    overdue=s["overdue"],
                    closed=s["closed"],
                    median=number(s["median_days_to_close"]),
                    on_time="–"
                    if s["closed_on_time_share"] is None
                    else percent(s["closed_on_time_share"]),
                )
            )
            + "</p>"
        )
        overdue = d.followups["overdue"][:15]
        if overdue:
            loop += charts.data_table(
                [tr(f"col_{c}") for c in ("task", "customer", "metric", "score", "owner", "due")],
                [
                    (
                        r["task_id"],
                        _customer_label(d, r["customer_id"]),
                        r["metric"],
                        number(r["score"]),
                        r["owner"],
                        str(r["due_date"])[:10],
                    )
                    for r in overdue
                ],
            )
    else:
        loop = f"<p class='note'>{escape(tr('followups_not_tracked'))}</p>"
    return _section(
        "voice",
        tr("sec_voice"),
        tr("read_voice"),
        f"{_notes(d, tr, 'feedback_empty_')}"
        f"{scores}<p class='note'>{escape(tr('scores_legend'))}</p>"
        f"<h3>{escape(tr('nps_by_month'))}</h3>{trend}"
        f"<h3>{escape(tr('saydo_heading'))}</h3>{say_table}"
        f"<p>{escape(tr('saydo_flags_line', **flags))}</p>{seg_table}"
        f"<h3>{escape(tr('themes_heading'))}</h3>{''.join(theme_blocks)}{loop}",
    )


# the report's sections on each page of the web workspace
PAGES = {
    "overview": (_summary, _warnings, _funnel, _alerts, _voice),
    "structure": (_warnings, _funnel, _by_segment, _returns, _pareto, _abc),
    "products": (_trends,),
    "whitespace": (_whitespace, _opportunities),
    "rfm": (_rfm,),
    "cohorts": (_cohorts, _activation),
    "activation": (_activation_budget,),
    "loyalty": (_loyalty,),
    "leads": (_leads,),
    "initiatives": (_initiatives,),
    "clv": (_clv,),
    "alerts": (_alerts,),
    "feedback": (_voice,),
    "communications": (_communications,),
}
