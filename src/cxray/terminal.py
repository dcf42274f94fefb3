"""The terminal side of the CLI: results as rich tables and lines in the user's language, JSON
on stdout, progress bars on stderr. Nothing here computes a figure: it shows API results."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from rich.text import Text

from cxray.api.events import Events
from cxray.api.results import Result, to_json
from cxray.errors import reject_text
from cxray.phrases import notice_text, reject_reason, warning_text
from cxray.texts import t

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def say(key: str, /, **params: Any) -> None:
    """Print the text ``key`` of :mod:`cxray.texts` in the user's language."""
    console.print(t(key, **params), highlight=False)


def print_json(result: Result | Any) -> None:
    payload = result.to_dict() if isinstance(result, Result) else result
    sys.stdout.write(to_json(payload) + "\n")


class _Count(ProgressColumn):
    """Rows done of the total (``1,200,000/10,000,000 rows``); bytes as MB for a byte count."""

    def render(self, task: Task) -> Text:
        if task.fields.get("unit") == "bytes":
            return DownloadColumn().render(task)
        total = "?" if task.total is None else f"{int(task.total):,}"
        return Text(f"{int(task.completed):,}/{total} {t('rows_unit')}", style="progress.download")


class _Rate(ProgressColumn):
    """Rows per second (``85,000 rows/s``); MB/s for a byte count."""

    def render(self, task: Task) -> Text:
        if task.fields.get("unit") == "bytes":
            return TransferSpeedColumn().render(task)
        speed = task.finished_speed or task.speed
        if speed is None:
            return Text("", style="progress.data.speed")
        return Text(t("rows_per_second", rate=speed), style="progress.data.speed")


def _progress(quiet: bool = False) -> Progress:
    """Progress bars on stderr; none with ``quiet`` or when stderr is not a terminal."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        _Count(),
        _Rate(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=quiet or not err_console.is_terminal,
    )


class TerminalEvents(Events):
    """The API's progress shown in the terminal: notes as lines, bars with rich (none when
    ``quiet`` or when stderr is not a terminal)."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet

    def note(self, key: str, **params: Any) -> None:
        say(key, **params)

    def status(self, key: str, **params: Any) -> None:
        err_console.print(t(key, **params), highlight=False)

    @contextlib.contextmanager
    def bar(
        self, key: str, *, unit: str = "rows", **params: Any
    ) -> Iterator[Callable[[int, int | None], None]]:
        with _progress(self.quiet) as bar:
            task = bar.add_task(t(key, **params), total=None, unit=unit)
            yield _Bar(bar, task, t(key, **params))


class _Bar:
    """``update(done, total)`` of one progress bar; each step of the work (see
    :func:`cxray.ingest.read.begin_step`) starts it again, titled with the step."""

    def __init__(self, bar: Progress, task: TaskID, title: str) -> None:
        self.bar, self.task, self.title = bar, task, title

    def __call__(self, done: int, total: int | None) -> None:
        self.bar.update(self.task, completed=done, total=total)

    def step(self, step: str, unit: str, total: int | None) -> None:
        title = f"{self.title}: {t('import_step_' + step)}"
        self.bar.reset(self.task, total=total, description=title, unit=unit)


def show_notices(result: Result) -> None:
    """The result's warnings, one line each on stderr, in the user's language."""
    for notice in result.warnings:
        err_console.print(notice_text(notice), highlight=False)


def money_headers(columns: list[str], currency: str | None) -> dict[str, str]:
    """Money columns headed with the currency (``revenue, EUR``); none without a currency."""
    if not currency:
        return {}
    return {c: t("money_in", label=c, currency=currency) for c in columns}


def show_as_of(result: Result) -> None:
    """The header line every report command starts with: the date its figures hold for."""
    if result.as_of is not None:
        say("as_of_line", as_of=result.as_of)


def _share(value: float) -> str:
    """A share as a whole percent; a share that is not zero never reads as 0%."""
    if 0 < abs(value) < 0.005:
        return "<1%" if value > 0 else ">-1%"
    return f"{value:.0%}"


def show_rejects(groups: list[Any], examples: int = 3) -> None:
    """An import's rejects by reason (``ImportResult.rejects_by_reason``): one line per reason
    with its rows, share of rows and share of amount, then up to ``examples`` of its rows."""
    for group in groups:
        reason = reject_reason(group.problem, group.column)
        unit = t("rows_unit_one" if group.rows == 1 else "rows_unit")
        params = {"rows": group.rows, "unit": unit, "share": _share(group.share), "reason": reason}
        if group.amount_share is None:
            console.print("  " + t("rejects_group_rows", **params), highlight=False)
        else:
            line = t("rejects_group", amount_share=_share(group.amount_share), **params)
            console.print("  " + line, highlight=False)
        for reject in group.examples[:examples]:
            text = t("reject_line", row=reject.row, reason=reject_text(reject))
            console.print("    " + text, highlight=False)


def show_balance(balance: dict) -> None:
    """The target/control balance check as a table (metric, means, SMD, flag)."""
    metrics = balance.get("metrics") or {}
    rows = [
        {
            "metric": name,
            "target_mean": m["target_mean"],
            "control_mean": m["control_mean"],
            "smd": m["smd"],
            "imbalanced": m["imbalanced"],
        }
        for name, m in metrics.items()
    ]
    if rows and balance.get("target") and balance.get("control"):
        show_table(rows, formats={"smd": "+.3f"}, title=t("balance_title"))


def show_measurement(result: Any) -> None:
    say(
        "measure_title",
        campaign=result.campaign_id,
        start=result.start,
        end=result.observed_end,
        days=result.days_observed,
        metric=result.metric,
        scope=result.scope,
    )
    rows = []
    for name in ("target", "control"):
        g = getattr(result, name)
        rows.append(
            {
                t("col_group"): t(f"group_{name}"),
                "n": g.n,
                t("col_converters"): g.converters,
                t("col_conversion"): g.conversion_rate,
                t("col_revenue_per_customer"): g.revenue_per_customer,
            }
        )
    show_table(rows, formats={t("col_conversion"): ".1%"})
    rows = []
    for name in ("conversion", "revenue"):
        u = getattr(result, name)
        pct = name == "conversion"
        rows.append(
            {
                t("col_metric"): t(f"metric_{name}"),
                t("col_uplift"): _fmt_metric(u.absolute, pct),
                "95% CI": f"[{_fmt_metric(u.ci_low, pct)}, {_fmt_metric(u.ci_high, pct)}]",
                t("col_relative"): "" if u.relative is None else f"{u.relative:+.1%}",
                "p": u.p_value,
                "MDE": _fmt_metric(u.mde, pct),
            }
        )
    show_table(rows, formats={"p": ".3f"}, title=t("uplift_title"))
    say(
        "incremental_revenue",
        value=_fmt_metric(result.incremental_revenue, False),
        low=_fmt_metric(result.incremental_revenue_ci_low, False),
        high=_fmt_metric(result.incremental_revenue_ci_high, False),
    )
    for w in result.warnings:
        console.print("[yellow]! " + warning_text(w) + "[/]", highlight=False)
    say("verdict_line", verdict=t(f"verdict_{result.verdict}"))


def _fmt_metric(value: float | None, pct: bool) -> str:
    if value is None:
        return "-"
    return t("points_change", n=f"{value * 100:+.1f}") if pct else f"{value:+,.0f}"


def show_funnel(funnel: Any) -> None:
    p = funnel.params
    table = Table(title=t("structure_title", as_of=funnel.as_of))
    for key in ("col_stage", "col_customers", "col_share_of_known", "col_definition"):
        table.add_column(
            t(key), justify="right" if key in ("col_customers", "col_share_of_known") else "left"
        )
    definitions = {
        "known": t("def_known"),
        "reachable": t("def_reachable", days=p.contact_window),
        "active": t("def_active", months=p.active_window),
        "regular": t("def_regular", n=p.min_orders_per_year),
        "key": t("def_key", share=p.key_share),
    }
    for stage, text in definitions.items():
        n = getattr(funnel, stage)
        share = n / funnel.known if funnel.known else 0.0
        table.add_row(t(f"stage_{stage}"), f"{n:,}", f"{share:.1%}", text)
    console.print(table)
    say(
        "key_summary",
        key=funnel.key,
        share=funnel.key_revenue_share,
        key_regular=funnel.key_regular,
    )


def show_returns(funnel: Any, customers: list[dict], top: int = 10) -> None:
    """The active window's revenue figures and returns, and the customers who returned most."""
    rate = funnel.return_rate
    say(
        "returns_summary",
        net=funnel.window_revenue,
        ranked=funnel.ranked_revenue,
        sold=funnel.sold,
        returned=funnel.returned,
        rate="-" if rate is None else f"{rate:.1%}",
        returned_only=funnel.returned_only,
    )
    if customers:
        show_table(
            customers[:top],
            formats={"return_rate": ".1%", "sold": ",.0f", "returned": ",.0f", "net": ",.0f"},
            title=t("returns_title", n=min(top, len(customers)), total=len(customers)),
        )


def show_abc_matrix(cells: list[dict], *, title: str) -> None:
    table = Table(title=title)
    table.add_column(t("col_class"))
    for xyz in "XYZ":
        table.add_column(xyz, justify="right")
    by_cell = {(c["abc"], c["xyz"]): c for c in cells}
    for abc in "ABC":
        row = []
        for xyz in "XYZ":
            c = by_cell.get((abc, xyz))
            row.append(f"{c['n']:,} / {c['revenue']:,.0f}" if c and c["n"] else "-")
        table.add_row(abc, *row)
    console.print(table)


def show_table(
    rows: list[dict],
    *,
    columns: list[str] | None = None,
    title: str | None = None,
    formats: dict[str, str | Callable[[Any], str]] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Print rows as a rich table; numbers right-aligned, floats with 2 decimals by default;
    ``formats``: a format spec or a function per column; ``headers``: shown names of some
    columns (see :func:`money_headers`)."""
    columns = columns or (list(rows[0]) if rows else [])
    formats = formats or {}
    headers = headers or {}
    table = Table(title=title)
    numeric = {
        c: all(isinstance(r.get(c), int | float) or r.get(c) is None for r in rows) for c in columns
    }
    for c in columns:
        table.add_column(headers.get(c, c), justify="right" if numeric[c] and rows else "left")
    for r in rows:
        table.add_row(*[_fmt(r.get(c), formats.get(c)) for c in columns])
    console.print(table if rows else t("no_rows"))


def _fmt(value: Any, fmt: str | Callable[[Any], str] | None) -> str:
    if value is None:
        return ""
    if callable(fmt):
        return fmt(value)
    if fmt:
        return format(value, fmt)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
