"""Small inline-SVG charts and colour-scaled HTML tables for the self-contained report.

No JavaScript and no external files: every chart is SVG text with real (selectable, translatable)
labels, so the report opens offline in any browser and prints as it looks.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from html import escape

from cxray.texts import format_number, format_significant, t

PALETTE = (
    "#2563eb",
    "#dc2626",
    "#16a34a",
    "#d97706",
    "#7c3aed",
    "#0891b2",
    "#db2777",
    "#65a30d",
    "#ea580c",
    "#4f46e5",
    "#0d9488",
    "#9f1239",
)
FONT = "font-family='DejaVu Sans, Arial, sans-serif'"
LABEL_CHARS = 60  # longer bar labels are cut with an ellipsis (the full text is the tooltip)


_LANG: ContextVar[str | None] = ContextVar("numbers_lang", default=None)


@contextlib.contextmanager
def numbers_in(lang: str) -> Iterator[None]:
    """Numbers written by :func:`number`, :func:`percent` and :func:`compact` in ``lang``
    while the block runs (the report sets its language once)."""
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)


def _fmt(value: float, spec: str) -> str:
    return format_number(value, spec, _LANG.get())


def number(value: float | None, digits: int = 0) -> str:
    """12345.6 -> '12,346' in English, '12 346' in Russian (narrow no-break spaces, a decimal
    comma: :func:`cxray.texts.format_number`)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return _fmt(value, f",.{digits}f")


def compact(value: float) -> str:
    """12 345 678 -> '12.3M' ('12,3 млн' in Russian); for axis ticks."""
    a = abs(value)
    for limit, suffix in ((1e9, "billions"), (1e6, "millions"), (1e3, "thousands")):
        if a >= limit:
            text = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            n = _fmt(float(text), f".{len(text.partition('.')[2])}f")
            return t(f"compact_{suffix}", lang=_LANG.get(), n=n)
    return _fmt(value, ".0f") if a >= 10 or value == int(value) else _fmt(value, ".2f")


def signed(value: float, digits: int = 0) -> str:
    """+1234.5 -> '+1,234.5' ('+1 234,5' in Russian): a change with its sign."""
    return _fmt(value, f"+,.{digits}f")


def points(share: float, digits: int = 1) -> str:
    """A change of a share in percentage points: 0.052 -> '+5.2 pp' ('+5,2 п. п.' in
    Russian)."""
    return t("points_change", lang=_LANG.get(), n=signed(share * 100, digits))


def significant(value: float | None, digits: int = 4) -> str:
    """A fitted parameter with ``digits`` significant digits: 0.000123 -> '0.0001230',
    12345.678 -> '12,346' (:func:`cxray.texts.format_significant`)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_significant(value, digits, _LANG.get())


def percent(value: float | None, digits: int = 0) -> str:
    """0.125 -> '12.5%' in English, '12,5 %' in Russian."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return _fmt(value, f".{digits}%")


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v <= hi + step * 0.5:
        ticks.append(round(v, 10))
        v += step
    return ticks


def bands(values: Sequence[float], edges: Sequence[float]) -> list[list[float]]:
    """The values in each band [edges[i], edges[i + 1]); the last band also holds its upper edge.
    Values outside the edges are left out."""
    out: list[list[float]] = [[] for _ in edges[:-1]]
    last = len(out) - 1
    for v in values:
        for i in range(len(out)):
            if edges[i] <= v < edges[i + 1] or (i == last and v == edges[-1]):
                out[i].append(v)
                break
    return out


def hbar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    value_labels: Sequence[str] | None = None,
    log: bool = False,
    width: int = 900,
    color: str = PALETTE[0],
    colors: Sequence[str] | None = None,
) -> str:
    """Horizontal bars, one per label, the value written at the end of each bar."""
    texts = list(value_labels) if value_labels else [number(v) for v in values]
    row_h, pad = 30, 10
    full = list(labels)
    labels = [x if len(x) <= LABEL_CHARS else x[: LABEL_CHARS - 1] + "…" for x in full]
    label_w = 24 + 8 * max((len(x) for x in labels), default=0)  # ~8 px a character at 13 px
    height = row_h * len(labels) + 2 * pad
    plot_w = max(120, width - label_w - 16 - 7 * max((len(x) for x in texts), default=0))
    top = max(values, default=0) or 1

    def scale(v: float) -> float:
        if v <= 0:
            return 0
        if log:
            return plot_w * math.log10(1 + v) / math.log10(1 + top)
        return plot_w * v / top

    parts = [_svg_open(width, height)]
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = pad + i * row_h
        w = max(scale(v), 1.5 if v > 0 else 0)
        fill = colors[i] if colors else color
        text = texts[i]
        parts.append(
            f"<text x='{label_w - 8}' y='{y + 19}' text-anchor='end' font-size='13' {FONT}>"
            f"<title>{escape(full[i])}</title>{escape(label)}</text>"
            f"<rect x='{label_w}' y='{y + 5}' width='{w:.1f}' height='{row_h - 10}' "
            f"fill='{fill}' rx='2'><title>{escape(label)}: {escape(text)}</title></rect>"
            f"<text x='{label_w + w + 6:.1f}' y='{y + 19}' font-size='12' {FONT}>"
            f"{escape(text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    x_labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    y_format: Callable[[float], str] = compact,
    width: int = 760,
    height: int = 320,
    y_min: float | None = None,
    y_max: float | None = None,
    x_numeric: Sequence[float] | None = None,
    x_format: Callable[[float], str] = compact,
    markers: dict[str, float] | None = None,
    legend: bool = True,
    dashed: Sequence[str] = (),
    colors: dict[str, str] | None = None,
    y_title: str | None = None,
) -> str:
    """Lines over a shared x axis (categorical labels, or numeric positions via ``x_numeric``).

    ``markers`` draws dashed horizontal reference lines (label -> y value); ``y_title`` (e.g.
    the currency) is written above the y axis.
    """
    left, right, top, bottom = 64, 16, 14, 44
    legend_h = (20 * math.ceil(len(series) / 4)) if legend and len(series) > 1 else 0
    total_h = height + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for vs in series.values() for v in vs if v is not None]
    lo = min(values + [0.0]) if y_min is None else y_min
    hi = max(values + [lo + 1e-9]) if y_max is None else y_max
    ticks = nice_ticks(lo, hi)
    lo, hi = min(ticks[0], lo), max(ticks[-1], hi)
    n = len(x_labels)
    xs = list(x_numeric) if x_numeric is not None else list(range(n))
    x_lo, x_hi = (min(xs), max(xs)) if xs else (0, 1)
    x_span = (x_hi - x_lo) or 1

    def px(x: float) -> float:
        return left + plot_w * (x - x_lo) / x_span

    def py(y: float) -> float:
        return top + plot_h * (1 - (y - lo) / ((hi - lo) or 1))

    parts = [_svg_open(width, total_h)]
    if y_title:
        parts.append(
            f"<text x='4' y='{top - 2}' font-size='11' {FONT} fill='#6b7280'>"
            f"{escape(y_title)}</text>"
        )
    for tick in ticks:
        y = py(tick)
        parts.append(
            f"<line x1='{left}' x2='{width - right}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e5e7eb'/>"
            f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end' font-size='11' {FONT} "
            f"fill='#374151'>{escape(y_format(tick))}</text>"
        )
    if x_numeric is not None:
        x_ticks = [(v, x_format(v)) for v in nice_ticks(x_lo, x_hi) if x_lo <= v <= x_hi]
    else:
        step = max(1, math.ceil(n / (12 if width >= 600 else 4)))
        x_ticks = [(xs[i], x_labels[i]) for i in range(0, n, step)]
    for k, (x, label) in enumerate(x_ticks):
        anchor = "end" if k == len(x_ticks) - 1 and px(x) > width - right - 30 else "middle"
        parts.append(
            f"<text x='{px(x):.1f}' y='{top + plot_h + 18}' text-anchor='{anchor}' "
            f"font-size='11' {FONT} fill='#374151'>{escape(label)}</text>"
        )
    for label, y_value in (markers or {}).items():
        y = py(y_value)
        parts.append(
            f"<line x1='{left}' x2='{width - right}' y1='{y:.1f}' y2='{y:.1f}' stroke='#6b7280' "
            f"stroke-dasharray='5 4'/><text x='{width - right - 4}' y='{y - 5:.1f}' "
            f"text-anchor='end' font-size='11' {FONT} fill='#374151'>{escape(label)}</text>"
        )
    for k, (name, vs) in enumerate(series.items()):
        color = (colors or {}).get(name, PALETTE[k % len(PALETTE)])
        dash = " stroke-dasharray='4 3'" if name in dashed else ""
        path, pen = [], "M"
        for x, v in zip(xs, vs, strict=True):
            if v is None:
                pen = "M"
                continue
            path.append(f"{pen}{px(x):.1f},{py(v):.1f}")
            pen = "L"
        if path:
            parts.append(
                f"<path d='{' '.join(path)}' fill='none' stroke='{color}' stroke-width='2'{dash}>"
                f"<title>{escape(name)}</title></path>"
            )
    parts.append(
        f"<line x1='{left}' x2='{left}' y1='{top}' y2='{top + plot_h}' stroke='#9ca3af'/>"
        f"<line x1='{left}' x2='{width - right}' y1='{top + plot_h}' y2='{top + plot_h}' "
        f"stroke='#9ca3af'/>"
    )
    if legend_h:
        for k, name in enumerate(series):
            x = left + (k % 4) * (plot_w / 4)
            y = height + 4 + (k // 4) * 20
            color = (colors or {}).get(name, PALETTE[k % len(PALETTE)])
            parts.append(
                f"<rect x='{x:.1f}' y='{y}' width='12' height='12' "
                f"fill='{color}'/><text x='{x + 17:.1f}' y='{y + 11}' "
                f"font-size='12' {FONT}>{escape(name)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def heat_table(
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    cells: Sequence[Sequence[float | None]],
    *,
    fmt: Callable[[float | None], str] = number,
    corner: str = "",
    zero_label: str | None = None,
    diverging: bool = False,
) -> str:
    """An HTML table whose cells are shaded by value (blue scale; red-green when diverging).

    Cells equal to 0 show ``zero_label`` (e.g. white space) on a hatched background.
    """
    flat = [abs(v) for row in cells for v in row if v is not None]
    top = max(flat, default=0) or 1
    out = ["<table class='heat'><thead><tr>", f"<th>{escape(corner)}</th>"]
    out += [f"<th>{escape(c)}</th>" for c in col_labels]
    out.append("</tr></thead><tbody>")
    for label, row in zip(row_labels, cells, strict=True):
        out.append(f"<tr><th>{escape(label)}</th>")
        for v in row:
            if v is None:
                out.append("<td class='empty'>–</td>")
            elif v == 0 and zero_label is not None:
                out.append(f"<td class='zero'>{escape(zero_label)}</td>")
            else:
                out.append(
                    f"<td style='background:{_shade(v, top, diverging)}'>{escape(fmt(v))}</td>"
                )
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def data_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    numeric: Sequence[bool] | None = None,
) -> str:
    """A plain HTML table; ``numeric`` columns are right-aligned."""
    numeric = numeric or [False] * len(columns)
    out = ["<table class='data'><thead><tr>"]
    out += [
        f"<th class='{'num' if n else ''}'>{escape(c)}</th>"
        for c, n in zip(columns, numeric, strict=True)
    ]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append(
            "<tr>"
            + "".join(
                f"<td class='{'num' if n else ''}'>{escape(str(v))}</td>"
                for v, n in zip(row, numeric, strict=True)
            )
            + "</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _shade(value: float, top: float, diverging: bool) -> str:
    t = min(abs(value) / top, 1.0) ** 0.5
    if diverging:
        base = (22, 163, 74) if value >= 0 else (220, 38, 38)
    else:
        base = (37, 99, 235)
    r, g, b = (round(255 - (255 - c) * t * 0.55) for c in base)
    return f"rgb({r},{g},{b})"


def _svg_open(width: int, height: int) -> str:
    return (
        f"<svg class='chart' xmlns='http://www.w3.org/2000/svg' "
        f"viewBox='0 0 {width} {height}' style='max-width:{width}px' role='img'>"
    )
