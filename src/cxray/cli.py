"""The `cxray` command line: each command parses its options, calls one method of the Python API
(:mod:`cxray.api`) and shows the result (:mod:`cxray.terminal`) in the user's language.

Every report command has ``--json`` (the result's ``to_dict()``); every error a user can cause
prints one line and exits 1.
"""

from __future__ import annotations

import inspect
import os
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

import cxray
from cxray import texts
from cxray.api import DEMO_AS_OF, TABLES, parse_day
from cxray.api.outputs import output_file
from cxray.api.results import Result
from cxray.errors import CxrayError
from cxray.phrases import (
    alert_text,
    note_text,
    notice_text,
    plan_title,
    portfolio_sentence,
    step_label,
)
from cxray.terminal import (
    TerminalEvents,
    console,
    err_console,
    money_headers,
    print_json,
    say,
    show_abc_matrix,
    show_as_of,
    show_balance,
    show_funnel,
    show_measurement,
    show_notices,
    show_rejects,
    show_returns,
    show_table,
)
from cxray.texts import t


def _workspace_options(envvar: bool) -> tuple[Any, Any, Any, Any]:
    """The options every command takes -- ``--workspace`` / ``-w``, ``--backend``, ``--wait`` and
    ``--debug`` -- declared once: before the command (read from the environment too) and after
    it (see :func:`_with_workspace`)."""
    folder = typer.Option(
        "--workspace", "-w", envvar="CXRAY_WORKSPACE" if envvar else None,
        help="Workspace folder (default ./cxray-workspace).",
    )  # fmt: skip
    backend = typer.Option(
        "--backend", envvar="CXRAY_BACKEND" if envvar else None,
        help="Ibis backend URL to use instead of the workspace's DuckDB file, "
        "e.g. postgres://user:pass@host/db or pyspark://.",
    )  # fmt: skip
    wait = typer.Option(
        "--wait", envvar="CXRAY_WAIT" if envvar else None, min=0, metavar="SECONDS",
        help="While another process writes the workspace, wait up to SECONDS for it "
        "(default 0: stop at once, saying which process writes).",
    )  # fmt: skip
    debug = typer.Option(
        "--debug", envvar="CXRAY_DEBUG" if envvar else None,
        help="Print the traceback of an internal error (otherwise one line).",
    )  # fmt: skip
    return (
        Annotated[Path | None, folder],
        Annotated[str | None, backend],
        Annotated[float | None, wait],
        Annotated[bool, debug],
    )


WorkspaceOption, BackendOption, WaitOption, DebugOption = _workspace_options(envvar=False)
MainWorkspaceOption, MainBackendOption, MainWaitOption, MainDebugOption = _workspace_options(
    envvar=True
)
_GLOBAL = {"workspace": WorkspaceOption, "backend": BackendOption, "wait": WaitOption,
           "debug": DebugOption}  # fmt: skip


def _take(given: dict[str, Any]) -> None:
    """Keep the global options given after a command's or a group's name (they win)."""
    for name, value in given.items():
        if value is not None and value is not False:
            _state[name] = value


def _with_workspace(fn: Callable) -> Callable:
    """``fn`` taking the global options (:data:`_GLOBAL`) after the command name too
    (``cxray demo -w DIR``); given there, they win over the ones before it."""
    signature = inspect.signature(fn, eval_str=True)
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind)
        for name, kind in _GLOBAL.items()
    ]
    extra.append(
        inspect.Parameter(_CONTEXT, inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)
    )

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _take({name: kwargs.pop(name, None) for name in _GLOBAL})
        _describe_command(kwargs.pop(_CONTEXT))
        return fn(*args, **kwargs)

    params = [*signature.parameters.values(), *extra]
    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return wrapper


_CONTEXT = "cxray_context"  # the command's Typer context, which typer passes by its type


def _describe_command(ctx: typer.Context | None) -> None:
    """Name the running command (``cxray settings set``) for other processes that find the
    workspace busy while it writes."""
    names = []
    while ctx is not None and ctx.parent is not None:
        names.insert(0, ctx.info_name or "")
        ctx = ctx.parent
    cxray.api.describe_process(" ".join(["cxray", *names]))


def _group_workspace(
    workspace: WorkspaceOption = None,
    backend: BackendOption = None,
    wait: WaitOption = None,
    debug: DebugOption = False,
) -> None:
    # the global options given after a group's name (cxray campaign -w DIR plan ...)
    _take({"workspace": workspace, "backend": backend, "wait": wait, "debug": debug})


class _Typer(typer.Typer):
    """A Typer app whose every command, and the group itself (``cxray campaign -w DIR plan``),
    takes the workspace options (see _with_workspace)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.callback()(_group_workspace)  # the main app replaces it with its own

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable], Callable]:
        register = super().command(*args, **kwargs)

        def decorator(fn: Callable) -> Callable:
            register(_with_workspace(fn))
            return fn

        return decorator


app = _Typer(
    help="cxray: an X-ray of your customer base from ERP / 1C / CRM exports.\n\n"
    "Start with `cxray demo` (synthetic data) or `cxray import TABLE FILE`, then "
    "`cxray structure` and `cxray report`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

_state: dict[str, Any] = {"workspace": None, "backend": None, "wait": None, "debug": False}
PRIVATE_UMASK = 0o077  # files 0600, folders 0700


@app.callback()
def main(
    workspace: MainWorkspaceOption = None,
    backend: MainBackendOption = None,
    wait: MainWaitOption = None,
    debug: MainDebugOption = False,
    lang: Annotated[
        str | None, typer.Option(envvar="CXRAY_LANG", help="Language of texts: en or ru.")
    ] = None,
) -> None:
    _state.update(workspace=workspace, backend=backend, wait=wait, debug=debug)
    code = (lang or "").lower()[:2]
    texts.set_lang(code if code in texts.LANGS else None)
    # what cxray writes holds personal data (the database, rejected rows, exports, the report):
    # readable by the user only
    os.umask(PRIVATE_UMASK)


def _open(*, read_only: bool = True) -> cxray.api.Session:
    return cxray.open(
        _state["workspace"], backend=_state["backend"], read_only=read_only, wait=_state["wait"]
    )


def _has_workspace() -> bool:
    return cxray.api.exists(_state["workspace"], backend=_state["backend"])


def _currency(ws: cxray.api.Session) -> str | None:
    """The workspace's ``currency`` setting, shown in money headings (None: unset)."""
    return ws.get_setting("currency") if ws.workspace is not None else None


USER_ERROR = 1  # a CxrayError, a bad parameter, an OS error (click's usage errors exit 2)
INTERNAL_ERROR = 3  # anything else: a bug, shown in one line (--debug: the traceback)


def user_errors(fn: Callable) -> Callable:
    """Print a CxrayError (or a bad parameter) as one line and exit :data:`USER_ERROR`; any
    other exception as one line too, exiting :data:`INTERNAL_ERROR` (with ``--debug`` or
    ``CXRAY_DEBUG=1``: its traceback)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CxrayError as err:
            err_console.print(
                f"[bold red]error:[/] {escape(err.message(texts.current_lang()))}",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(1) from None
        except ValueError as err:
            err_console.print(f"[bold red]error:[/] {escape(str(err))}", highlight=False,
                              soft_wrap=True)  # fmt: skip
            raise typer.Exit(1) from None
        except OSError as err:  # an output path that is a folder, a file not writable ...
            reason = err.strerror or str(err)
            line = t("cannot_write", path=err.filename or "", reason=reason)
            err_console.print(f"[bold red]error:[/] {escape(line)}", highlight=False,
                              soft_wrap=True)  # fmt: skip
            raise typer.Exit(1) from None
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise  # typer's own exits and usage errors keep their codes
        except Exception as err:
            if _state["debug"]:
                traceback.print_exc(file=sys.stderr)
            else:
                detail = (str(err).strip().splitlines() or [""])[0]
                line = t("internal_error", kind=type(err).__name__, detail=detail)
                err_console.print(f"[bold red]error:[/] {escape(line)}", highlight=False,
                              soft_wrap=True)  # fmt: skip
            raise typer.Exit(INTERNAL_ERROR) from None

    return wrapper


# --- import -----------------------------------------------------------------------------------

TableArg = Annotated[str, typer.Argument(help="Canonical table: " + ", ".join(TABLES) + ".")]
QUIET_HELP = "No progress bars (there are none either when stderr is not a terminal)."
Force = Annotated[
    bool,
    typer.Option(
        "--force", help="Overwrite output files that already exist (without it: refused)."
    ),
]


@app.command("import")
@user_errors
def import_(
    table: TableArg,
    file: Annotated[Path, typer.Argument(help="CSV/TSV, XLSX or Parquet file.")],
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            "-m",
            help='Column mapping "file column=canonical column"; '
            'repeatable, e.g. --map "Контрагент=customer_id".',
        ),
    ] = None,
    sep: Annotated[
        str | None, typer.Option(help="Delimiter (default: detected among ; , tab |).")
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(help="utf-8, utf-8-sig or cp1251 (default: detected)."),
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(
            help='Format of every date column, strftime syntax, e.g. "%m/%d/%Y %H:%M" '
            "(default: yyyy-mm-dd, dd.mm.yyyy, dd.mm.yy, and m/d/yyyy or d/m/yyyy when the "
            "values show which).",
        ),
    ] = None,
    identical_lines: Annotated[
        str,
        typer.Option(
            help="Identical lines of one order in a file without line numbers: keep (as "
            "separate lines) or reject.",
        ),
    ] = "keep",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)] = False,
) -> None:
    """Import FILE into TABLE: valid rows are added or updated by natural key, invalid rows are
    kept with their reason (a rejects CSV in the workspace and the _rejects table)."""
    result = cxray.import_file(
        table, file, workspace=_state["workspace"], backend=_state["backend"], maps=map_,
        wait=_state["wait"],
        sep=sep, encoding=encoding, date_format=date_format, identical_lines=identical_lines,
        events=TerminalEvents(quiet=quiet),
    )  # fmt: skip
    if as_json:
        print_json(result)
        return
    r = result.value
    say(
        "import_done",
        table=table,
        file=file.name,
        read=r.rows_read,
        new=r.new,
        updated=r.updated,
        unchanged=r.unchanged,
        rejected=r.rejected,
    )
    if r.derived_amounts:
        say("import_derived_amounts", n=r.derived_amounts)
    if r.identical_lines:
        say("import_identical_lines", n=r.identical_lines, amount=r.identical_amount)
    if r.ignored_columns:
        say("import_ignored", columns=", ".join(r.ignored_columns))
    for name, counts in r.related.items():
        say("import_related", table=name, **counts)
    if r.rejected:
        show_rejects(r.rejects_by_reason)
        say("import_rejects_at", path=r.rejects_path)


# --- init -------------------------------------------------------------------------------------


@app.command()
@user_errors
def init(
    folder: Annotated[
        Path | None,
        typer.Argument(
            metavar="[DIR]",
            help="Workspace folder (default: --workspace, else ./cxray-workspace).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Create an empty workspace for your own data (refused where a workspace exists). Import
    into it with `cxray --workspace DIR import TABLE FILE`; a demo workspace takes no imports."""
    result = cxray.init(folder if folder is not None else _state["workspace"],
                        backend=_state["backend"], wait=_state["wait"])  # fmt: skip
    say("init_done", path=result.to_dict()["backend"] or result.to_dict()["path"])


# --- status and sql -----------------------------------------------------------------------------


@app.command()
@user_errors
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Per table: rows held, rows rejected at import, and the date range."""
    with _open() as ws:
        result = ws.status()
    if as_json:
        print_json(result)
        return
    table = Table(title=t("status_title", path=_state["workspace"] or "cxray-workspace"))
    for key in ("col_table", "col_rows", "col_rejected", "col_from", "col_to"):
        table.add_column(t(key), justify="right" if key in ("col_rows", "col_rejected") else "left")
    for r in result.value:
        table.add_row(
            r.table, f"{r.rows:,}", f"{r.rejected:,}", str(r.date_from or ""), str(r.date_to or "")
        )
    console.print(table)


@app.command()
@user_errors
def sql(
    query: Annotated[str, typer.Argument(help="One read-only query (SELECT / WITH ...).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the rows and the warnings.")
    ] = False,
    limit: Annotated[int, typer.Option(help="Rows to show in the table view.")] = 100,
) -> None:
    """Run a read-only SQL query against the workspace tables (customers, orders, ... and
    _rejects, _imports)."""
    with _open() as ws:
        result = ws.sql(query)
    show_notices(result)
    if as_json:
        print_json(result)
        return
    rows = result.value
    show_table(rows.slice(0, limit).to_pylist(), columns=rows.column_names)
    if rows.num_rows > limit:
        console.print(t("more_rejects", n=rows.num_rows - limit))


# --- demo ---------------------------------------------------------------------------------------


@app.command()
@user_errors
def demo(
    profile: Annotated[
        str,
        typer.Option(
            help="Demo profile: b2b-food (a B2B food producer, ~15,000 clients) or retail (a "
            "grocery retailer with a loyalty card: millions of order lines, written to Parquet "
            "files and loaded through the importer)."
        ),
    ] = "b2b-food",
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same data.")] = 42,
    as_of: Annotated[
        str | None,
        typer.Option(help=f"Last date of the generated history (default {DEMO_AS_OF})."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="b2b-food: also write the generated tables as CSV files here. retail: the "
            "folder for the Parquet files (default: demo-retail/ in the workspace folder)."
        ),
    ] = None,
    lines: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="retail only: order lines to generate (default 10,000,000; the customers are "
            "as many as needed, ~26 lines each).",
        ),
    ] = None,
    customers: Annotated[
        int | None,
        typer.Option(min=1, help="retail only: card holders to generate, instead of --lines."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)] = False,
    force: Force = False,
) -> None:
    """Generate a synthetic company (default: a B2B food producer) into the workspace, replacing
    its tables, so every report can be tried at once. The retail profile is written to Parquet
    files first and then imported like any user's files, so it also shows how cxray copes with
    tens of millions of rows."""
    cxray.demo(
        profile, workspace=_state["workspace"], backend=_state["backend"], seed=seed,
        wait=_state["wait"],
        as_of=as_of, out=out, lines=lines, customers=customers,
        events=TerminalEvents(quiet=quiet), force=force,
    )  # fmt: skip


# --- structure ------------------------------------------------------------------------------------

AsOf = Annotated[
    str | None,
    typer.Option(help="Analysis date, yyyy-mm-dd or dd.mm.yyyy (default: the latest order date)."),
]
Json = Annotated[bool, typer.Option("--json", help="Print as JSON.")]
SegmentBy = Annotated[
    str | None,
    typer.Option(help="A customer column (segment, region, ...) to break the figures down by."),
]


@app.command()
@user_errors
def structure(
    as_of: AsOf = None,
    contact_window: Annotated[
        int, typer.Option(help="Days: reachable needs an interaction this recent.")
    ] = 365,
    active_window: Annotated[
        int, typer.Option(help="Months: active needs an order this recent.")
    ] = 24,
    min_orders_per_year: Annotated[
        int, typer.Option(help="Regular: distinct order dates in every 12 months of the window.")
    ] = 2,
    key_share: Annotated[
        float, typer.Option(help="Key: the fewest customers giving this share of revenue.")
    ] = 0.70,
    abc_a: Annotated[float, typer.Option(help="ABC: cumulative revenue share of class A.")] = 0.80,
    abc_b: Annotated[float, typer.Option(help="ABC: cumulative share of A and B.")] = 0.95,
    xyz_x: Annotated[float, typer.Option(help="XYZ: highest CV of monthly revenue for X.")] = 0.10,
    xyz_y: Annotated[float, typer.Option(help="XYZ: highest CV for Y.")] = 0.25,
    xyz_months: Annotated[int, typer.Option(help="Months of revenue for ABC-XYZ.")] = 12,
    segment_by: SegmentBy = None,
    returns_by: Annotated[
        str,
        typer.Option(help="List the customers with returns by amount (largest first) or rate."),
    ] = "amount",
    as_json: Json = False,
) -> None:
    """The client-base funnel known -> reachable -> active -> regular -> key, the Pareto curve,
    ABC-XYZ classes of customers and SKUs, and returns (return rate by amount, customers who
    only returned). --segment-by COLUMN adds the funnel per value of a customer column."""
    if returns_by not in ("amount", "rate"):
        raise CxrayError("bad_parameter", detail="--returns-by must be amount or rate")
    with _open() as ws:
        result = ws.structure(
            parse_day(as_of, "--as-of"), contact_window=contact_window,
            active_window=active_window, min_orders_per_year=min_orders_per_year,
            key_share=key_share, abc_a=abc_a, abc_b=abc_b, xyz_x=xyz_x, xyz_y=xyz_y,
            xyz_months=xyz_months, segment_by=segment_by,
        )  # fmt: skip
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    show_funnel(result.value)
    returned = result.tables["returns"]
    if returns_by == "rate":  # only returned (no rate) first, then the highest rate
        returned = sorted(returned, key=lambda r: -(r["return_rate"] or float("inf")))
    show_returns(result.value, returned)
    if segment_by is not None:
        show_table(
            result.tables["by_segment"],
            columns=["group", "known", "active", "regular", "key", "window_revenue"],
            formats={"window_revenue": ",.0f"},
            title=t("by_segment_title", column=segment_by),
        )
    show_table(
        [
            {
                t("col_revenue_share"): f"{p['revenue_share']:.0%}",
                t("col_customers"): p["customers"],
                t("col_share_of_buyers"): f"{p['customer_share']:.1%}",
            }
            for p in result.pareto
        ],
        title=t("pareto_title"),
    )
    for by, name in (("customer", "abc_customers"), ("sku", "abc_skus")):
        title = t("abc_title", by=t(f"by_{by}"), count=t(f"abc_count_{by}"))
        show_abc_matrix(result.tables[name], title=title)
    say("abc_legend", a=abc_a, b=abc_b, x=xyz_x, y=xyz_y)


@app.command()
@user_errors
def products(
    as_of: AsOf = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer_id.")] = None,
    by: Annotated[str, typer.Option(help="sku or line (product line).")] = "sku",
    months: Annotated[
        int, typer.Option(help="Months to show in the table view (JSON has every month).")
    ] = 1,
    limit: Annotated[int, typer.Option(help="Rows to show in the table view.")] = 40,
    as_json: Json = False,
) -> None:
    """What each customer buys: revenue and quantity per SKU or product line and calendar month,
    every month from the customer's first order to the as-of month (zeros included), with
    month-on-month and year-on-year change."""
    with _open() as ws:
        # JSON: every month of every series; the table: only the months shown are computed
        result = ws.products(
            parse_day(as_of, "--as-of"), customer=customer, by=by,
            months=None if as_json else months, limit=None if as_json else limit,
        )  # fmt: skip
        currency = _currency(ws)
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    show_table(
        result.to_dict()["products"],
        columns=[
            "customer_id",
            "key",
            *(["name"] if by == "sku" else []),
            "month",
            "revenue",
            "quantity",
            "mom_change",
            "mom_pct",
            "yoy_change",
            "yoy_pct",
        ],
        formats={"mom_pct": ".1%", "yoy_pct": ".1%"},
        headers=money_headers(["revenue", "mom_change", "yoy_change"], currency),
        title=t("products_title", as_of=result.as_of),
    )
    returned = [r for r in result.to_dict()["returns"] if r["returned"]]
    if returned:
        show_table(
            returned[:limit],
            columns=["key", *(["name"] if by == "sku" else []), "sold", "returned", "net",
                     "return_rate"],
            formats={"return_rate": ".1%", "sold": ",.0f", "returned": ",.0f", "net": ",.0f"},
            headers=money_headers(["sold", "returned", "net"], currency),
            title=t("products_returns_title", n=min(limit, len(returned)), total=len(returned)),
        )  # fmt: skip


@app.command()
@user_errors
def whitespace(
    as_of: AsOf = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer_id.")] = None,
    min_peer_share: Annotated[
        float,
        typer.Option(
            help="A line counts as an opportunity when at least this share "
            "of the customer's peers buy it."
        ),
    ] = 0.3,
    window: Annotated[int, typer.Option(help="Months of the active window.")] = 24,
    limit: Annotated[int, typer.Option(help="Rows to show in the table view.")] = 30,
    segment_by: Annotated[
        str, typer.Option(help="Customer column whose values make the peer groups.")
    ] = "segment",
    min_peers: Annotated[
        int, typer.Option(help="Peer groups with fewer peers than this give no opportunities.")
    ] = 5,
    as_json: Json = False,
) -> None:
    """White space: product lines a customer does not buy although its peers (active customers
    with the same value of --segment-by, default segment) do, ranked by potential (the median
    revenue of that line among the peers who buy it)."""
    with _open() as ws:
        result = ws.whitespace(
            parse_day(as_of, "--as-of"), customer=customer, min_peer_share=min_peer_share,
            window=window, limit=None if as_json else limit, segment_by=segment_by,
            min_peers=min_peers,
        )  # fmt: skip
        currency = _currency(ws)
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    if result.tables.get("matrix"):
        show_table(result.tables["matrix"], title=t("whitespace_matrix_title", customer=customer))
    show_table(
        result.to_dict()["opportunities"],
        formats={"peer_share": ".0%"},
        headers=money_headers(["potential"], currency),
        title=t("whitespace_title", as_of=result.as_of),
    )
    viewed = result.to_dict().get("viewed_not_bought") or []
    if viewed:
        show_table(viewed, title=t("whitespace_viewed_title", as_of=result.as_of),
                   formats={"last_view": lambda v: str(v)[:16]})  # fmt: skip


@app.command()
@user_errors
def rfm(
    as_of: AsOf = None,
    window: Annotated[int, typer.Option(help="Months of history scored.")] = 24,
    segment_by: SegmentBy = None,
    as_json: Json = False,
) -> None:
    """RFM: recency (days since the last purchase day), frequency (purchase days: days whose
    lines net to more than zero) and monetary value (net revenue) in the window, 1-5 scores by
    quintiles and named segments (champions, loyal, at risk, hibernating, lost, ...). JSON has
    every customer and the segment summary; --segment-by COLUMN adds the segments per value."""
    with _open() as ws:
        result = ws.rfm(parse_day(as_of, "--as-of"), window=window, segment_by=segment_by)
        currency = _currency(ws)
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    segments = [{**seg, "segment": t(f"rfm_{seg['segment']}")} for seg in result.tables["segments"]]
    show_table(
        segments,
        formats={
            "share": ".1%",
            "mean_recency": ",.0f",
            "mean_frequency": ",.1f",
            "mean_monetary": ",.0f",
        },
        headers=money_headers(["mean_monetary"], currency),
        title=t("rfm_title", as_of=result.as_of),
    )
    if segment_by is not None:
        show_table(
            [{**r, "segment": t(f"rfm_{r['segment']}")} for r in result.tables["by_segment"]],
            formats={"share": ".1%", "revenue": ",.0f"},
            title=t("by_segment_title", column=segment_by),
        )
    say("rfm_legend")


@app.command()
@user_errors
def cohorts(
    as_of: AsOf = None,
    period: Annotated[str, typer.Option(help="month or quarter.")] = "month",
    metric: Annotated[
        str, typer.Option(help="customers, retention, revenue or revenue_per_customer.")
    ] = "retention",
    periods: Annotated[
        int, typer.Option(help="Periods since acquisition shown in the table.")
    ] = 12,
    cohorts_shown: Annotated[
        int, typer.Option("--cohorts", help="Latest cohorts shown in the table.")
    ] = 24,
    as_json: Json = False,
) -> None:
    """Acquisition cohorts (period of the first order) by periods since the first order, and the
    activation view: the share of each cohort's customers who made order k+1 after order k
    (k = 1..5) and the median days between them."""
    with _open() as ws:
        result = ws.cohorts(parse_day(as_of, "--as-of"), period=period, metric=metric)
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    grid, steps, day = result.cohorts, result.activation, result.as_of
    labels = sorted({r["cohort"] for r in grid})[-cohorts_shown:]
    cells = {(r["cohort"], r["period_index"]): r for r in grid}
    fmt = ".0%" if metric == "retention" else ",.0f"
    rows = []
    for label in labels:
        row = {t("col_cohort"): label, t("col_cohort_size"): cells[(label, 0)]["cohort_size"]}
        for i in range(periods + 1):
            cell = cells.get((label, i))
            row[str(i)] = None if cell is None else cell[metric]
        rows.append(row)
    show_table(
        rows,
        formats={str(i): fmt for i in range(periods + 1)},
        title=t("cohorts_title", metric=metric, period=period, as_of=day),
    )
    act = [
        {
            t("col_cohort"): r["cohort"],
            "k": r["k"],
            t("col_customers"): r["customers_k"],
            t("col_next"): r["customers_next"],
            t("col_share_next"): r["share_next"],
            t("col_median_days"): r["median_days"],
        }
        for r in steps
        if r["cohort"] in (set(labels[-6:]) | {"all"})
    ]
    show_table(
        act,
        formats={t("col_share_next"): ".0%", t("col_median_days"): ",.0f"},
        title=t("activation_title"),
    )


@app.command()
@user_errors
def activation(
    as_of: AsOf = None,
    margin: Annotated[
        float, typer.Option(help="Margin as a share of the net amount (0.3 = 30%).")
    ] = 0.3,
    message_cost: Annotated[
        float | None, typer.Option(help="Cost of one message: how many the budget buys.")
    ] = None,
    months: Annotated[int, typer.Option(help="New customers: acquired in the last months.")] = 24,
    window_days: Annotated[
        int, typer.Option(help="Days after order 1 in which orders 2 and 3 count.")
    ] = 90,
    as_json: Json = False,
) -> None:
    """The activation budget: the share of new customers making orders 2 and 3 and the median
    days between them, one first order's margin as the budget per new customer (and per
    message), and the rise of the order 2 rate that pays it back."""
    from cxray.phrases import activation_lines, activation_sentence

    with _open() as ws:
        result = ws.activation(
            parse_day(as_of, "--as-of"), margin=margin, message_cost=message_cost,
            months=months, window_days=window_days,
        )  # fmt: skip
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    figure, value = t("activation_figure"), t("activation_value")
    show_table(
        [{figure: label, value: text} for label, text in activation_lines(result.to_dict())],
        title=t("activation_budget_title", months=months, window_days=window_days,
                as_of=result.as_of),
    )  # fmt: skip
    sentence = activation_sentence(result.to_dict())
    if sentence:
        console.print(sentence, highlight=False)


@app.command()
@user_errors
def loyalty(
    as_of: AsOf = None,
    window_months: Annotated[
        int, typer.Option(help="Months after joining in which the effect is measured.")
    ] = 6,
    as_json: Json = False,
) -> None:
    """The loyalty programme: penetration among active customers and the members' share of
    revenue, the rewards' cost, redemption and breakage, the reward rate by tier and spend
    band, and what the programme adds: members against matched non-members, a difference in
    differences of revenue and retention with 95% intervals, and the members who would have
    come back anyway."""
    from cxray.phrases import loyalty_sentence, loyalty_tables

    with _open() as ws:
        result = ws.loyalty(parse_day(as_of, "--as-of"), window_months=window_months)
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    p = result.to_dict()
    shown = loyalty_tables(p)
    titles = {
        "figures": t("loyalty_figures_title", as_of=result.as_of, months=window_months),
        "by_tier": t("loyalty_tier_title"),
        "by_band": t("loyalty_band_title"),
        "balance": t("loyalty_balance_title"),
    }
    for name, title in titles.items():
        if shown[name]:
            show_table(shown[name], title=title)
    sentence = loyalty_sentence(p)
    if sentence:
        console.print(sentence, highlight=False)


@app.command()
@user_errors
def leads(
    as_of: AsOf = None,
    by: Annotated[str, typer.Option(help="channel, owner or month (of created_at).")] = "channel",
    sla_hours: Annotated[
        float, typer.Option(help="Hours within which a new lead must be contacted.")
    ] = 24,
    margin: Annotated[
        float, typer.Option(help="Margin as a share of the net amount, for the payback.")
    ] = 0.3,
    as_json: Json = False,
) -> None:
    """The lead-to-deal funnel (leads -> contacted -> qualified -> won) with each step's rate
    and 95% interval, hours to first contact, unowned leads and SLA breaches, lost reasons,
    CPL and CAC per channel (offline channels with costs only included), the payback of each
    channel's won customers, and the gap between owned and unowned leads."""
    from cxray.phrases import leads_sentence, leads_tables

    with _open() as ws:
        result = ws.leads(parse_day(as_of, "--as-of"), by=by, sla_hours=sla_hours, margin=margin)
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    p = result.to_dict()
    shown = leads_tables(p)
    titles = {
        "funnel": t("leads_funnel_title", by=t(f"leads_by_{by}"), as_of=result.as_of),
        "speed": t("leads_speed_title", sla_hours=f"{sla_hours:g}"),
        "costs": t("leads_costs_title"),
        "costs_by_month": t("leads_costs_month_title"),
        "payback": t("leads_payback_title", margin=f"{margin:g}"),
        "lost_reasons": t("leads_lost_title"),
    }
    for name, title in titles.items():
        if shown[name] and (name != "costs_by_month" or by == "month"):
            show_table(shown[name], title=title)
    sentence = leads_sentence(p)
    if sentence:
        console.print(sentence, highlight=False)


@app.command()
@user_errors
def clv(
    calibration_end: Annotated[
        str | None,
        typer.Option(help="Last date the models learn from (default: the latest order date)."),
    ] = None,
    holdout_end: Annotated[
        str | None,
        typer.Option(
            help="Compare predictions with the purchases made after the calibration "
            "end up to this date."
        ),
    ] = None,
    unit: Annotated[
        str, typer.Option(help="Time unit of the models: day, week or month.")
    ] = "week",
    horizon: Annotated[float, typer.Option(help="CLV horizon, in units.")] = 52,
    discount_rate: Annotated[float, typer.Option(help="Annual discount rate (0.1 = 10%).")] = 0.1,
    margin: Annotated[float, typer.Option(help="Share of revenue kept as profit (0-1].")] = 1.0,
    limit: Annotated[int, typer.Option(help="Customers shown in the table view.")] = 20,
    as_json: Json = False,
) -> None:
    """Customer lifetime value: BG/NBD (who is still buying, how often) and Gamma-Gamma (how
    much) fitted on the orders up to the calibration end; per customer P(alive), expected
    purchases and discounted CLV. With --holdout-end, predicted against actual purchases."""
    with _open() as ws:
        result = ws.clv(
            parse_day(calibration_end, "--calibration-end"),
            holdout_end=parse_day(holdout_end, "--holdout-end"), unit=unit, horizon=horizon,
            discount_rate=discount_rate, margin=margin,
        )  # fmt: skip
        currency = _currency(ws)
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    end = result.as_of
    show_table(  # one row per parameter: 4 significant digits whatever its scale
        result.value.parameter_rows(),
        formats={"value": texts.format_significant},
        headers={
            "model": t("xlsx_col_model"),
            "parameter": t("xlsx_col_parameter"),
            "value": t("xlsx_col_clv_params_value"),
        },
        title=t("clv_params_title", end=end, unit=t(f"clv_unit_{unit}")),
    )
    top = result.to_pandas("customers").sort_values("clv", ascending=False).head(limit)
    title = t("clv_top_title", n=limit, horizon=horizon, unit=t(f"clv_unit_{unit}"))
    if not result.fit_trusted:  # the warnings (stderr, above) say why; the table is marked
        say("clv_unreliable_line")
        title = f"{title} {t('clv_unreliable_mark')}"
    show_table(
        top.to_dict("records"),
        formats={"p_alive": ".1%", "recency": ",.1f", "T": ",.1f", "expected_purchases": ",.1f"},
        headers=money_headers(["monetary", "expected_value", "clv"], currency),
        title=title,
    )
    if result.value.validation is not None:
        show_table(result.value.validation.to_dict("records"), title=t("clv_validation_title"))
        totals = result.value.holdout_totals or {}
        say(
            "clv_holdout_totals",
            actual=totals.get("actual", 0),
            predicted=totals.get("predicted", 0),
        )


@app.command()
@user_errors
def alerts(
    as_of: AsOf = None,
    p_alive_threshold: Annotated[
        float, typer.Option(help="Alert when P(alive) of a regular or key client is below this.")
    ] = 0.5,
    drift_threshold: Annotated[
        float, typer.Option(help="Alert when revenue fell by more than this share (0.3 = 30%).")
    ] = 0.3,
    months: Annotated[
        int, typer.Option(help="Months compared with the same months a year earlier.")
    ] = 3,
    as_json: Json = False,
) -> None:
    """Alerts on regular and key clients: P(alive) below a threshold (they are likely gone) and
    drift (the last months fell against a year earlier), each with the numbers and, for drift,
    the product lines that fell most."""
    with _open() as ws:
        result = ws.alerts(
            parse_day(as_of, "--as-of"), p_alive_threshold=p_alive_threshold,
            drift_threshold=drift_threshold, months=months,
        )  # fmt: skip
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    why = [n for n in result.warnings if n.code.startswith("alerts_empty_")]
    show_notices(Result(result.kind, {}, warnings=[n for n in result.warnings if n not in why]))
    if not result.value:
        for notice in why:  # why there is none, in place of the bare "no alerts"
            console.print(notice_text(notice), highlight=False)
        if not why:
            console.print(t("alerts_none", as_of=result.as_of))
        return
    say("alerts_title", n=len(result.value), as_of=result.as_of)
    for alert in result.value:
        console.print(f"- {alert_text(alert)}", highlight=False)


@app.command()
@user_errors
def report(
    out: Annotated[Path, typer.Option(help="HTML file to write.")] = Path("cxray-report.html"),
    as_of: AsOf = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of the report: en or ru.")
    ] = None,
    xlsx: Annotated[
        Path | None, typer.Option(help="Also write the report's tables to this XLSX file.")
    ] = None,
    campaigns: Annotated[
        Path | None,
        typer.Option(help="Folder of campaign YAML files (default: the workspace's campaigns/)."),
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(
            help="Currency shown in money headings, e.g. EUR (default: the workspace's "
            "`currency` setting; none when unset)."
        ),
    ] = None,
    calibration_end: Annotated[
        str | None,
        typer.Option(
            help="With --holdout-end: last date the CLV models learn from for the holdout "
            "check (default: the latest order date), as in `cxray clv`."
        ),
    ] = None,
    holdout_end: Annotated[
        str | None,
        typer.Option(
            help="Add the CLV holdout check: purchases after the calibration end up to this "
            "date, predicted against actual (table and chart), as in `cxray clv`."
        ),
    ] = None,
    segment_by: SegmentBy = None,
    min_peers: Annotated[
        int, typer.Option(help="White space: peer groups with fewer peers give no opportunities.")
    ] = 5,
    force: Force = False,
) -> None:
    """Write the X-ray as one self-contained HTML file (opens offline): funnel, Pareto, ABC-XYZ,
    product-line trends, white space, RFM segments and cross-sell opportunities; with
    --holdout-end also the CLV holdout check."""
    from cxray.report.html import render_html
    from cxray.report.xlsx import write_xlsx

    language = (lang or texts.current_lang()).lower()[:2]
    if language not in texts.LANGS:
        raise CxrayError("bad_parameter", detail=f"--lang must be one of {', '.join(texts.LANGS)}")
    for path in (out, xlsx):
        if path is not None:
            output_file(path, force=force)
    with _open() as ws, console.status("") as spinner:
        result = ws.report(
            parse_day(as_of, "--as-of"),
            campaigns=campaigns,
            progress=lambda step: spinner.update(t("report_step", step=step)),
            currency=currency,
            calibration_end=parse_day(calibration_end, "--calibration-end"),
            holdout_end=parse_day(holdout_end, "--holdout-end"),
            segment_by=segment_by,
            min_peers=min_peers,
        )
    show_as_of(result)
    show_notices(result)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(result.value, lang=language), encoding="utf-8")
    say("report_written", path=out)
    if xlsx is not None:
        xlsx.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(result.value, xlsx, lang=language)
        say("report_written", path=xlsx)


campaign_app = _Typer(
    help="Campaigns that keep promises: check a campaign file, plan its audience, export the "
    "target and control lists, measure the uplift.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(campaign_app, name="campaign")
CampaignFile = Annotated[Path, typer.Argument(help="The campaign YAML file.")]
Reach = Annotated[
    float,
    typer.Option(help="With an offer threshold: a typical order of at least this share of it is "
                 "within reach.", min=0.01, max=0.99),
]  # fmt: skip


@campaign_app.command("check")
@user_errors
def campaign_check(file: CampaignFile, reach: Reach = 0.5, as_json: Json = False) -> None:
    """Refuse a campaign whose brief is incomplete (why, target, must_not_receive,
    expected_effect, measure, client_benefit) or whose settings contradict each other; with a
    workspace, also check that every rule's field exists, and with an offer threshold show how
    much of the audience already qualifies, is within reach or out of reach (warning when
    under 10% are within reach or over 50% qualify). A message is linted as offer lint does."""
    if _has_workspace():
        with _open() as ws:
            result = ws.campaign(file).check(reach=reach)
    else:
        result = cxray.campaign(file).check()
    if as_json:
        print_json(result)
        return
    say("campaign_ok", file=file.name, campaign=result.value.id)
    for rule in result.needs_clv:
        console.print("  " + t("campaign_needs_clv", rule=rule), highlight=False)
    show_notices(result)
    if result.offer_relevance is not None:
        _print_relevance(result.offer_relevance)
    if result.offer is not None:
        _print_offer(result.offer)


def _print_offer(found: dict) -> None:
    from cxray.phrases import offer_lines

    console.print(t("offer_title") + ":", style="bold", highlight=False)
    for line in offer_lines(found):
        console.print("  " + line, highlight=False)


def _text_or_file(text: str) -> str:
    """``text``, or the text of the file it names (UTF-8, else Windows-1251)."""
    try:
        is_file = "\n" not in text and Path(text).is_file()
    except OSError:  # too long for a file name: it is the text
        is_file = False
    if not is_file:
        return text
    raw = Path(text).read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1251")


offer_app = _Typer(
    help="Offers checked before they go out: stop phrases, missing specifics and the value "
    "proposition's parts.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(offer_app, name="offer")


@offer_app.command("lint")
@user_errors
def offer_lint(
    text: Annotated[str, typer.Argument(help="The offer's text, or a text file holding it.")],
    as_json: Json = False,
) -> None:
    """Lint an offer: stop phrases ("лучшее качество", "wide range"; the built-in list and the
    workspace setting offer_stop_phrases) found through their inflected forms; a missing
    number, unit, deadline or named benefit; the value proposition's missing parts (for whom,
    job, pain, gain, proof). Exits 0 either way: the findings are advice."""
    text = _text_or_file(text)
    if _has_workspace():
        with _open() as ws:
            result = ws.lint_offer(text)
    else:
        result = cxray.api.lint_offer(text)
    if as_json:
        print_json(result)
        return
    _print_offer(result.to_dict())


@campaign_app.command("plan")
@user_errors
def campaign_plan(
    file: CampaignFile, as_of: AsOf = None, reach: Reach = 0.5, as_json: Json = False
) -> None:
    """The audience as a waterfall from all known customers to the final list: one step per
    audience rule, per always-on exclusion (consent, promised frequency, global cap, recent
    opt-outs, dormant contacts, global control group, recent full-price buyers for discounts)
    and per custom exclusion, with the number removed; then the target/control split and its
    balance, and with an offer threshold the audience's shares that already qualify, are within
    reach and are out of reach."""
    with _open() as ws:
        result = ws.campaign(file).plan(parse_day(as_of, "--as-of"), reach=reach)
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    plan = result.value
    console.print(plan_title(plan), highlight=False)
    show_table(
        [
            {
                t("col_step"): step_label(s),
                t("col_before"): s.before,
                t("col_removed"): s.removed,
                t("col_after"): s.after,
            }
            for s in plan.steps
        ],
        title=t("waterfall_title"),
    )
    for note in plan.notes:
        console.print("  " + note_text(note), highlight=False)
    show_balance(plan.balance)
    if result.offer_relevance is not None:
        _print_relevance(result.offer_relevance)


def _print_relevance(found: dict) -> None:
    from cxray.phrases import offer_relevance_rows

    title, rows = offer_relevance_rows(found)
    share = t("col_share")
    show_table([{t("col_group"): group, t("col_customers"): count, share: value}
                for group, count, value in rows], title=title, formats={share: ".1%"})  # fmt: skip


@campaign_app.command("export")
@user_errors
def campaign_export(
    file: CampaignFile,
    out: Annotated[Path, typer.Option(help="Folder for the target and control CSV files.")],
    as_of: AsOf = None,
    as_json: Json = False,
    force: Force = False,
) -> None:
    """Plan the campaign and write its target list (customer, contact, channel address) and its
    control list as CSV files."""
    with _open() as ws:
        exported = ws.campaign(file).export(out, parse_day(as_of, "--as-of"), force=force)
    if as_json:
        print_json(exported)
        return
    show_as_of(exported)
    plan, result = exported.value.plan, exported.value.export
    console.print(plan_title(plan), highlight=False)
    say(
        "export_done",
        target=result.target_path,
        target_rows=result.target_rows,
        control=result.control_path,
        control_rows=result.control_rows,
    )
    if result.missing_address:
        say("export_missing_address", n=len(result.missing_address))


@campaign_app.command("measure")
@user_errors
def campaign_measure(file: CampaignFile, as_of: AsOf = None, as_json: Json = False) -> None:
    """After the campaign: conversion and revenue per customer of target and control in the
    measurement window of the brief, absolute and relative uplift with 95% intervals,
    incremental revenue, the minimum detectable effect, warnings and a verdict. Groups come
    from the campaign's rows in the sends table (group target / control)."""
    with _open() as ws:
        result = ws.campaign(file).measure(parse_day(as_of, "--as-of"))
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_measurement(result.value)  # with its warnings, one per reason


CampaignName = Annotated[
    str, typer.Argument(help="The campaign's name: its file's stem in the workspace's campaigns/.")
]


@campaign_app.command("list")
@user_errors
def campaign_list(as_of: AsOf = None, as_json: Json = False) -> None:
    """Every campaign file of the workspace's campaigns/ folder with its state in the campaign
    studio (draft, submitted, approved, rejected, exported, measured), channel, start, audience
    and, once measured, its verdict. Saving, submitting, approving and exporting a campaign are
    done by signed-in users in the web workspace (cxray serve) or its REST API: an approval is
    given by a second person with a role, which the command line has not."""
    with _open() as ws:
        result = ws.studio.campaigns(parse_day(as_of, "--as-of"))
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    rows = []
    for r in result.to_dict()["campaigns"]:
        state = t(f"web_state_{r['state']}")
        if not r["ok"]:
            state += f" ({t('web_campaign_broken')}: {r['error']['code']})"
        rows.append({
            t("web_col_campaign"): r["name"], t("web_col_state"): state,
            t("web_col_channel"): r["channel"], t("web_col_start"): r["start"],
            t("web_col_audience"): r["audience"],
            t("web_col_verdict"): t(f"verdict_{r['verdict']}") if r["verdict"] else None,
        })  # fmt: skip
    show_table(rows)


@campaign_app.command("history")
@user_errors
def campaign_history(name: CampaignName, as_json: Json = False) -> None:
    """Who did what to the campaign and when (UTC): saved, submitted, approved, rejected,
    exported, sent back for approval after its audience changed, with each comment; then the
    changes of each save to the file, as a diff."""
    with _open() as ws:
        result = ws.studio.history(name)
    if as_json:
        print_json(result)
        return
    events = result.to_dict()["history"]
    show_table([{t("web_col_when"): e["at"], t("web_col_who"): e["actor"],
                 t("web_col_action"): t(f"web_action_{e['action']}"),
                 t("col_comment"): e["comment"]} for e in events])  # fmt: skip
    for e in events:
        if e["diff"]:
            say("campaign_history_diff", at=e["at"], actor=e["actor"])
            console.print(e["diff"].rstrip("\n"), markup=False, highlight=False)


@campaign_app.command("portfolio")
@user_errors
def campaign_portfolio(as_of: AsOf = None, as_json: Json = False) -> None:
    """Every measured campaign (exported, its measurement window ended) summed: the revenue
    the campaigns added against their control groups, with its 95% interval, against the
    revenue their own attribution claims (every purchase of the customers who got them), both
    also as shares of all sales over the campaigns' windows; then one row per campaign."""
    with _open() as ws:
        result = ws.studio.portfolio(parse_day(as_of, "--as-of"))
        money = _currency(ws)
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    p = result.to_dict()
    console.print(portfolio_sentence(p), highlight=False)
    if not p["measured"]:
        return
    label = money_headers([t("portfolio_incremental"), t("portfolio_attributed"),
                           t("portfolio_sales")], money)  # fmt: skip
    line = [
        (t("portfolio_measured"), p["measured"]),
        (t("portfolio_incremental"), p["incremental_revenue"]),
        (t("portfolio_interval"), _interval(p["incremental_ci_low"], p["incremental_ci_high"])),
        (t("portfolio_attributed"), p["attributed_revenue"]),
        (t("portfolio_sales"), p["sales"]),
        (t("portfolio_incremental_share"), _percent(p["incremental_share"])),
        (t("portfolio_attributed_share"), _percent(p["attributed_share"])),
    ]
    show_table([{t("col_figure"): label.get(name, name), t("col_figure_value"): value}
                for name, value in line], title=t("portfolio_title"))  # fmt: skip
    show_table([{
        t("web_col_campaign"): c["name"], t("web_col_verdict"): t(f"verdict_{c['verdict']}"),
        t("portfolio_incremental"): c["incremental_revenue"],
        t("portfolio_interval"): _interval(c["incremental_ci_low"], c["incremental_ci_high"]),
        t("portfolio_attributed"): c["attributed_revenue"],
        t("portfolio_included"): t("portfolio_included_yes" if c["included"] else
                                   "portfolio_included_no"),
    } for c in p["campaigns"]], headers=label)  # fmt: skip


def _percent(value: float | None) -> str | None:
    return None if value is None else t("portfolio_share_value", value=value)


def _interval(low: float | None, high: float | None) -> str | None:
    if low is None or high is None:
        return None
    return t("portfolio_interval_value", low=low, high=high)


contacts_app = _Typer(
    help="Contacts and their attention.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(contacts_app, name="contacts")


@contacts_app.command("health")
@user_errors
def contacts_health(
    as_of: AsOf = None,
    half_life: Annotated[int, typer.Option(help="Days for the weight of a send to halve.")] = 90,
    dormant_after: Annotated[
        int, typer.Option(help="Dormant: the last K sends were not opened.")
    ] = 5,
    limit: Annotated[int, typer.Option(help="Rows per list in the table view.")] = 20,
    as_json: Json = False,
) -> None:
    """Per contact (a customer's address on a channel) an attention score 0-100 from its
    history: opens and clicks raise it, ignored sends lower it, an unsubscribe or complaint sets
    it to 0. Lists the dormant and at-risk contacts."""
    with _open() as ws:
        result = ws.contacts_health(
            parse_day(as_of, "--as-of"), half_life=half_life, dormant_after=dormant_after
        )
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    rows, day = result.contacts, result.as_of
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["state"]] = counts.get(r["state"], 0) + 1
    say(
        "health_counts",
        as_of=day,
        **{k: counts.get(k, 0) for k in ("healthy", "at_risk", "dormant", "unsubscribed")},
    )
    cols = ["customer_id", "channel", "score", "sends", "opens", "clicks", "last_sent", "last_open"]
    for state in ("dormant", "at_risk"):
        show_table(
            [{c: r[c] for c in cols} for r in rows if r["state"] == state][:limit],
            formats={"score": ".0f"},
            title=t(f"health_{state}"),
        )


feedback_app = _Typer(
    help="Voice of the customer: NPS / CSI / CES scores, what customers say against what they "
    "do, and the themes of their comments.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(feedback_app, name="feedback")


def _csi_scales(items: list[str] | None) -> dict[str, int] | None:
    """``["post-delivery=10"]`` -> ``{"post-delivery": 10}``."""
    if not items:
        return None
    scales = {}
    for item in items:
        survey, _, scale = item.rpartition("=")
        if not survey or scale not in ("5", "10"):
            raise CxrayError(
                "bad_parameter", detail=f"--csi-scale '{item}': use SURVEY=5 or SURVEY=10"
            )
        scales[survey] = int(scale)
    return scales


CsiScale = Annotated[
    list[str] | None,
    typer.Option(
        help="CSI scale of a survey, SURVEY=5 or SURVEY=10 (repeatable; default: 10 when "
        "any of its scores is above 5)."
    ),
]


@feedback_app.command("scores")
@user_errors
def feedback_scores(
    as_of: AsOf = None,
    by: Annotated[
        str | None, typer.Option(help="Group by month, segment, touchpoint or survey.")
    ] = None,
    include_incentivized: Annotated[
        bool, typer.Option(help="Count answers given for a reward in the main figures.")
    ] = False,
    min_responses: Annotated[int, typer.Option(help="Fewer answers than this: marked small.")] = 30,
    csi_scale: CsiScale = None,
    as_json: Json = False,
) -> None:
    """NPS with promoters / passives / detractors and a 95% interval, CSI and CES means with
    intervals, per group; incentivized answers are excluded by default and shown apart; answers
    with impossible scores are listed and left out."""
    with _open() as ws:
        result = ws.feedback.scores(
            parse_day(as_of, "--as-of"), by=by, include_incentivized=include_incentivized,
            min_responses=min_responses, csi_scale=_csi_scales(csi_scale),
        )  # fmt: skip
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    rows, invalid, unknown, day = (
        result.value,
        result.invalid,
        result.unknown_customers,
        result.as_of,
    )
    table = []
    for r in rows:
        ci = "" if r.ci_low is None else f"[{r.ci_low:.1f}; {r.ci_high:.1f}]"
        table.append(
            {
                t("col_group"): r.group + (" *" if r.incentivized else ""),
                t("col_metric"): r.metric.upper() + (f" 1-{r.scale}" if r.metric == "csi" else ""),
                t("col_answers"): r.responses,
                t("col_value"): r.value,
                "95% CI": ci,
                "P/N/D": "" if r.metric != "nps" else f"{r.promoters}/{r.passives}/{r.detractors}",
                t("col_small"): t("small_group") if r.small else "",
            }
        )
    show_table(table, formats={t("col_value"): ",.1f"}, title=t("scores_title", as_of=day))
    say("scores_legend")
    if invalid:
        say("invalid_answers", n=len(invalid))
    if unknown:
        say("unknown_answer_customers", n=len(unknown))


@feedback_app.command("saydo")
@user_errors
def feedback_saydo(
    as_of: AsOf = None,
    months: Annotated[int, typer.Option(help="Months before and after each answer.")] = 6,
    as_json: Json = False,
) -> None:
    """What customers say against what they do: revenue, orders and retention in the months
    before and after their NPS answer, by answer group; promoters who stopped buying and
    detractors who keep growing; NPS of key and regular customers against the rest."""
    with _open() as ws:
        answer = ws.feedback.saydo(parse_day(as_of, "--as-of"), months=months)
    if as_json:
        print_json(answer)
        return
    show_as_of(answer)
    result = answer.value
    show_table(
        [g.__dict__ for g in result.groups],
        formats={"retention_after": ".0%", "active_before": ".0%", "retention_change": "+.0%"},
        title=t("saydo_title", months=months, until=result.answered_until),
    )
    show_table(
        [{k: v for k, v in f.__dict__.items()} for f in result.flags], title=t("saydo_flags")
    )
    show_table(
        [
            {
                t("col_group"): s.group,
                "NPS": s.value,
                "95% CI": "" if s.ci_low is None else f"[{s.ci_low:.1f}; {s.ci_high:.1f}]",
                t("col_answers"): s.responses,
            }
            for s in result.segments
        ],
        formats={"NPS": ",.1f"},
        title=t("saydo_segments"),
    )


@feedback_app.command("themes")
@user_errors
def feedback_themes(
    as_of: AsOf = None,
    top: Annotated[int, typer.Option(help="Words and phrases per group.")] = 10,
    as_json: Json = False,
) -> None:
    """The most frequent words and two-word phrases in NPS comments by group (promoters,
    passives, detractors), lemmatized in Russian and English, without stop words, with
    example comments."""
    with _open() as ws:
        result = ws.feedback.themes(parse_day(as_of, "--as-of"), top=top)
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    found = result.value
    for group, items in found.items():
        show_table(
            [
                {
                    t("col_theme"): th.text,
                    t("col_comments"): th.count,
                    t("col_share"): th.share,
                    t("col_example"): th.examples[0] if th.examples else "",
                }
                for th in items
            ],
            formats={t("col_share"): ".0%"},
            title=t("themes_title", group=t(f"group_{group}")),
        )


followups_app = _Typer(
    help="Closed-loop follow-ups: every detractor, low CSI or high-effort CES answer opens a task "
    "with an owner and a due date.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(followups_app, name="followups")


@followups_app.command("list")
@user_errors
def followups_list(
    as_of: AsOf = None,
    status: Annotated[
        str | None, typer.Option(help="open, closed or overdue (default: all).")
    ] = None,
    owner_attribute: Annotated[
        str, typer.Option(help="Customers column naming the task owner.")
    ] = "account_manager",
    default_owner: Annotated[str, typer.Option(help="Owner when the column is empty.")] = "CX team",
    due_days: Annotated[int, typer.Option(help="Days from the answer to the due date.")] = 3,
    owner: Annotated[str | None, typer.Option(help="Only the tasks of this owner.")] = None,
    customer: Annotated[
        str | None, typer.Option(help="Only the tasks of this customer id.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows shown in the table view.")] = 30,
    as_json: Json = False,
) -> None:
    """Open a task for every answer that needs one and is not tracked yet, then list the tasks
    with open, overdue and time-to-close figures."""
    with _open(read_only=False) as ws:
        result = ws.followups(
            parse_day(as_of, "--as-of"), status=status, owner_attribute=owner_attribute,
            default_owner=default_owner, due_days=due_days, owner=owner, customer=customer,
        )  # fmt: skip
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    new, summary, rows, day = result.new, result.summary, result.tasks, result.as_of
    say("followups_summary", new=new, **summary)
    cols = ["task_id", "customer_id", "metric", "score", "owner", "due_date", "status", "comment"]
    show_table(
        [{c: r[c] for c in cols} for r in rows[:limit]],
        formats={"score": ".0f"},
        title=t("followups_title", as_of=day),
    )


@followups_app.command("close")
@user_errors
def followups_close(
    task_id: Annotated[str, typer.Argument(help="The task id (FU-...).")],
    resolution: Annotated[str, typer.Option(help="What was done.")],
    date: Annotated[str | None, typer.Option(help="Closing date (default: today).")] = None,
) -> None:
    """Close a follow-up task with what was done."""
    with _open(read_only=False) as ws:
        day = ws.close_followup(
            task_id, resolution=resolution, date=parse_day(date, "--date")
        ).as_of
    say("followup_closed", task=task_id, date=day)


@followups_app.command("reassign")
@user_errors
def followups_reassign(
    task_id: Annotated[str, typer.Argument(help="The task id (FU-...).")],
    owner: Annotated[str, typer.Option(help="The new owner.")],
) -> None:
    """Give an open follow-up task to another owner."""
    with _open(read_only=False) as ws:
        result = ws.reassign_followup(task_id, owner=owner)
    say("followup_reassigned", task=task_id, owner=result.owner)


actions_app = _Typer(
    help="Actions: named rules over the web events already captured (a URL pattern, a CSS "
    "selector, a text). An action defined today counts the events captured before it.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(actions_app, name="actions")
Days = Annotated[int, typer.Option(help="How many days up to the as-of date to read.")]


@actions_app.command("add")
@user_errors
def actions_add(
    name: Annotated[str, typer.Argument(help="The action's name, e.g. add_to_cart.")],
    url: Annotated[
        str | None,
        typer.Option(help="URL pattern with *, e.g. '/catalog/*' (a path) or a whole URL."),
    ] = None,
    selector: Annotated[
        str | None,
        typer.Option(help="CSS selector of the element, e.g. 'button.buy' or 'form#order'."),
    ] = None,
    text: Annotated[
        str | None, typer.Option(help="The element's text, e.g. 'В корзину' (* allowed).")
    ] = None,
    event: Annotated[
        str | None,
        typer.Option(
            help="pageview, click, submit, outbound or scroll (default: pageview without a "
            "selector or text, else click, submit and outbound)."
        ),
    ] = None,
    days: Days = 90,
) -> None:
    """Define the action NAME (or replace its rule) and show what it counts in the history."""
    with _open(read_only=False) as ws:
        result = ws.web.add_action(
            name, url=url, selector=selector, text=text, event=event, days=days
        )
    row = result.to_dict()["actions"][0]
    if result.as_of is None:
        say("web_events_none")
    else:
        say("action_saved", name=row["name"], events=row["events"], visitors=row["visitors"],
            days=days, as_of=result.as_of)  # fmt: skip


@actions_app.command("list")
@user_errors
def actions_list(as_of: AsOf = None, days: Days = 90, as_json: Json = False) -> None:
    """Every action with its rule and, over the DAYS days up to the as-of date (default: the
    latest captured event), its events, visitors, identified customers, first and last seen."""
    from cxray.phrases import web_action_rows

    with _open() as ws:
        result = ws.web.actions(parse_day(as_of, "--as-of"), days=days)
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    p = result.to_dict()
    if p["actions"]:
        show_table(web_action_rows(p), title=t("web_actions_title", days=days, as_of=p["as_of"]))


@actions_app.command("remove")
@user_errors
def actions_remove(
    name: Annotated[str, typer.Argument(help="The action's name.")],
) -> None:
    """Forget the action NAME (the captured events stay)."""
    with _open(read_only=False) as ws:
        ws.web.remove_action(name)
    say("action_removed", name=name)


@app.command()
@user_errors
def funnel(
    steps: Annotated[list[str], typer.Argument(help="2 to 10 action names, in order.")],
    within: Annotated[
        int, typer.Option(help="Days from a person's first step within which the others count.")
    ] = 7,
    as_of: AsOf = None,
    days: Days = 90,
    as_json: Json = False,
) -> None:
    """The funnel of the actions STEPS in order: per step the people (customers, or anonymous
    visitors) who reached it within WITHIN days of their first step, the share of the previous
    step and of the first, the drop-off and the median hours from the previous step."""
    from cxray.phrases import web_funnel_rows

    with _open() as ws:
        result = ws.web.funnel(steps, parse_day(as_of, "--as-of"), within_days=within, days=days)
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    p = result.to_dict()
    if p["as_of"] is not None:
        title = t("web_funnel_title", within=within, days=days, as_of=p["as_of"])
        show_table(web_funnel_rows(p), title=title)


@app.command()
@user_errors
def paths(
    start: Annotated[
        str | None,
        typer.Option(help="Begin at the first page whose path matches, e.g. '/catalog/*'."),
    ] = None,
    steps: Annotated[int, typer.Option(help="Pages per path (1 to 10).")] = 3,
    top: Annotated[int, typer.Option(help="How many paths to show.")] = 20,
    as_of: AsOf = None,
    days: Days = 90,
    as_json: Json = False,
) -> None:
    """The most frequent sequences of pages that website sessions take (from their first page,
    or from START), with the sessions taking each and their share."""
    from cxray.phrases import web_path_rows

    with _open() as ws:
        result = ws.web.paths(parse_day(as_of, "--as-of"), start=start, steps=steps, top=top,
                              days=days)  # fmt: skip
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    p = result.to_dict()
    if p["paths"]:
        show_table(web_path_rows(p), title=t("web_paths_title", steps=steps, days=days,
                                              as_of=p["as_of"]))  # fmt: skip


settings_app = _Typer(
    help="Workspace settings, kept in the workspace: list them, read one, set one "
    "(e.g. `cxray settings set currency EUR`).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(settings_app, name="settings")
SettingKey = Annotated[
    str, typer.Argument(help="The setting, e.g. currency (`cxray settings list` shows them all).")
]


@settings_app.command("list")
@user_errors
def settings_list(as_json: Json = False) -> None:
    """Every setting the workspace knows with its value and its default ("(not set)" where
    there is none); --json adds the code of what each setting expects."""
    with _open() as ws:
        result = ws.settings()
    if as_json:
        print_json(result)
        return

    def shown(value: object) -> object:
        return t("setting_not_set") if value in (None, "") else value

    rows = [
        {
            t("col_setting"): row["key"],
            t("col_setting_value"): shown(row["value"]),
            t("col_setting_default"): shown(row["default"]),
        }
        for row in result.tables["settings"]
    ]
    show_table(rows, title=t("settings_title"))


@settings_app.command("get")
@user_errors
def settings_get(key: SettingKey, as_json: Json = False) -> None:
    """The value of one setting ("(not set)" when unset; null in JSON)."""
    with _open() as ws:
        value = ws.get_setting(key)
    if as_json:
        print_json({"key": key, "value": value})
        return
    console.print(t("setting_not_set") if value in (None, "") else str(value), highlight=False)


@settings_app.command("set")
@user_errors
def settings_set(
    key: SettingKey,
    value: Annotated[str, typer.Argument(help="The new value (checked for the setting).")],
    as_json: Json = False,
) -> None:
    """Check and store one setting in the workspace (refused, with what is expected, for an
    unknown setting or a bad value)."""
    with _open(read_only=False) as ws:
        result = ws.set_setting(key, value)
    if as_json:
        print_json(result)
        return
    console.print(f"{key} = {result.value}", highlight=False)


# --- users, API tokens and the audit log ------------------------------------------------------

users_app = _Typer(
    help="The people who sign in to the web workspace: add, list and disable users, change a "
    "password. There is no default account.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(users_app, name="users")
tokens_app = _Typer(
    help="API tokens of the web workspace's REST API: create (shown once), list, revoke.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(tokens_app, name="tokens")
LoginArg = Annotated[str, typer.Argument(help="The user's login.")]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of stdin (else: asked twice, hidden).",
    ),
]


def _when(value: Any) -> str:
    """A time of the account tables (UTC) to the second; empty for none."""
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else ""


_WHEN = {c: _when for c in ("at", "created_at", "updated_at", "locked_until", "last_used_at",
                            "revoked_at")}  # fmt: skip


def _show_accounts(result: Result, key: str, columns: list[str], *, as_json: bool) -> None:
    """The rows of ``result`` under ``key`` (``users``, ``tokens``) as JSON, or as a table
    titled ``<key>_title`` (``<key>_none`` when there are none)."""
    if as_json:
        print_json(result)
    elif not result.to_dict()[key]:
        say(f"{key}_none")
    else:
        rows = result.to_dict()[key]
        show_table(rows, columns=columns, title=t(f"{key}_title"), formats=_WHEN)


def _cli_actor() -> str:
    """Who acts from the command line, as the audit log records it: ``cli:<os user>``."""
    from cxray.api.accounts import os_actor

    return os_actor("cli")


def _new_password(login: str, from_stdin: bool) -> str:
    """A password read from standard input's first line, or asked twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt(t("password_prompt", login=login), hide_input=True)
    if typer.prompt(t("password_repeat"), hide_input=True) != first:
        raise CxrayError("password_mismatch")
    return first


@users_app.command("add")
@user_errors
def users_add(
    login: LoginArg,
    role: Annotated[str, typer.Option(help="admin, analyst, marketer, manager or viewer.")],
    name: Annotated[str | None, typer.Option(help="Display name (default: the login).")] = None,
    password_stdin: PasswordStdin = False,
    as_json: Json = False,
) -> None:
    """Add a user with a role; the password (10 characters or more) is hashed with argon2."""
    with _open(read_only=False) as ws:
        password = _new_password(login, password_stdin)
        result = ws.accounts.add_user(
            login, role=role, name=name, password=password, actor=_cli_actor()
        )
    if as_json:
        print_json(result)
        return
    say("user_added", login=result.user["login"], role=result.user["role"])


@users_app.command("list")
@user_errors
def users_list(as_json: Json = False) -> None:
    """Every user with its role, whether it is disabled, and its failed sign-ins."""
    with _open() as ws:
        result = ws.accounts.users()
    cols = ["login", "name", "role", "disabled", "failed_count", "locked_until", "created_at"]
    _show_accounts(result, "users", cols, as_json=as_json)


@users_app.command("disable")
@user_errors
def users_disable(login: LoginArg) -> None:
    """Disable a user: no sign-in and none of its API tokens accepted from now on."""
    with _open(read_only=False) as ws:
        result = ws.accounts.disable_user(login, actor=_cli_actor())
    say("user_disabled", login=result.user["login"])


@users_app.command("enable")
@user_errors
def users_enable(login: LoginArg) -> None:
    """Enable a disabled user again."""
    with _open(read_only=False) as ws:
        result = ws.accounts.enable_user(login, actor=_cli_actor())
    say("user_enabled", login=result.user["login"])


@users_app.command("role")
@user_errors
def users_role(
    login: LoginArg,
    role: Annotated[str, typer.Argument(help="admin, analyst, marketer, manager or viewer.")],
) -> None:
    """Give a user another role."""
    with _open(read_only=False) as ws:
        result = ws.accounts.set_role(login, role, actor=_cli_actor())
    say("user_role_changed", login=result.user["login"], role=result.user["role"])


@users_app.command("passwd")
@user_errors
def users_passwd(login: LoginArg, password_stdin: PasswordStdin = False) -> None:
    """Change a user's password (which also lifts a lock after failed sign-ins)."""
    with _open(read_only=False) as ws:
        password = _new_password(login, password_stdin)
        result = ws.accounts.set_password(login, password, actor=_cli_actor())
    say("password_changed", login=result.user["login"])


@tokens_app.command("create")
@user_errors
def tokens_create(
    login: LoginArg,
    label: Annotated[str | None, typer.Option(help="What the token is for.")] = None,
    as_json: Json = False,
) -> None:
    """Create an API token for a user and print it once: only its hash is kept."""
    with _open(read_only=False) as ws:
        result = ws.accounts.create_token(login, label=label, actor=_cli_actor())
    if as_json:
        print_json(result)
        return
    info = result.token_info
    say("token_created", token_id=info["token_id"], login=info["login"], token=result.token)


@tokens_app.command("list")
@user_errors
def tokens_list(as_json: Json = False) -> None:
    """Every API token (never the token itself): id, user, label, created, last used, revoked."""
    with _open() as ws:
        result = ws.accounts.tokens()
    cols = ["token_id", "login", "label", "created_at", "last_used_at", "revoked_at"]
    _show_accounts(result, "tokens", cols, as_json=as_json)


@tokens_app.command("revoke")
@user_errors
def tokens_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (tok-...).")],
) -> None:
    """Revoke an API token: it is refused from now on."""
    with _open(read_only=False) as ws:
        result = ws.accounts.revoke_token(token_id, actor=_cli_actor())
    say("token_revoked", token_id=result.token_info["token_id"])


@app.command("audit")
@user_errors
def audit(
    action: Annotated[
        str | None, typer.Option(help="Only this action code (e.g. sign_in_failed).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Entries shown (newest first).")] = 50,
    offset: Annotated[int, typer.Option(help="Newest entries skipped first.")] = 0,
    as_json: Json = False,
) -> None:
    """The audit log, newest first: sign-ins (failed ones too) and every user and token
    change, with who and when (UTC). It never holds a password or a token."""
    with _open() as ws:
        result = ws.accounts.audit(action=action, limit=limit, offset=offset)
    if as_json:
        print_json(result)
        return
    if not result.entries:
        say("audit_none")
        return
    rows = [
        {**r, "actor": r["actor"] or "-", "target": r["target"] or "-",
         "details": ", ".join(f"{k}={v}" for k, v in r["details"].items())}
        for r in result.entries
    ]  # fmt: skip
    title = t("audit_title", shown=len(rows), total=result.total)
    show_table(rows, columns=["at", "actor", "action", "target", "details"], title=title,
               formats=_WHEN)  # fmt: skip


# --- CX initiatives -------------------------------------------------------------------------

initiative_app = _Typer(
    help="CX initiatives as a portfolio: check an initiative file (docs/initiative-format.md).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(initiative_app, name="initiative")


@initiative_app.command("check")
@user_errors
def initiative_check(
    file: Annotated[Path, typer.Argument(help="The initiative YAML file.")], as_json: Json = False
) -> None:
    """Refuse an initiative file that is incomplete (id, name, type, owner, start, costs,
    expected_effect, target, affected; unlocks for enabling, value_per_unit for cost) or
    contradictory (end before start, rules and a touchpoint, a metric of another type, a target
    change in the wrong direction); with a workspace, also check the rules' fields and count the
    affected customers on the start date."""
    if _has_workspace():
        with _open() as ws:
            result = ws.initiative(file).check()
    else:
        result = cxray.initiative(file).check()
    if as_json:
        print_json(result)
        return
    found = result.value
    say(
        "initiative_ok",
        file=file.name,
        initiative=found.id,
        type=t(f"initiative_type_{found.type}"),
    )
    if result.customers is not None:
        console.print("  " + t("initiative_customers", n=result.customers), highlight=False)


@app.command()
@user_errors
def initiatives(
    as_of: AsOf = None,
    margin: Annotated[
        float, typer.Option(help="Margin as a share of the net amount (0.3 = 30%).")
    ] = 0.3,
    as_json: Json = False,
) -> None:
    """The CX initiatives of the workspace's initiatives/ folder judged as a portfolio: each
    one's metric for affected against unaffected customers (or touchpoints) as a difference in
    differences against the 12 months before its start (95% interval, months observed), its
    incremental margin, cost, ROI and payback month; then the portfolio line: total cost, total
    effect with its interval, ROI over the last 12 months and the initiatives too young to judge
    (observed for fewer than 12 months, each also warned about)."""
    from cxray.phrases import initiative_rows, initiatives_sentence

    with _open() as ws:
        result = ws.initiatives(parse_day(as_of, "--as-of"), margin=margin)
    if as_json:
        print_json(result)
        return
    show_as_of(result)
    show_notices(result)
    payload = result.to_dict()
    show_table(initiative_rows(payload), title=t("initiatives_title", margin=result.margin))
    console.print(initiatives_sentence(payload), highlight=False)


# --- the web workspace ----------------------------------------------------------------------


@app.command()
@user_errors
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve the workspace to the team in the browser: sign-in, roles, the report's pages, the
    customer card, the follow-up queue, imports, the audit log and the REST API under /api/v1.
    Refused until an admin exists (cxray users add LOGIN --role admin). While it runs, the
    server is the workspace's only writer: other commands say it is busy and name the server."""
    from cxray.web.serve import run_server

    run_server(_state["workspace"], host=host, port=port, backend=_state["backend"],
               wait=_state["wait"], lang=texts.current_lang())  # fmt: skip


def run() -> None:  # pragma: no cover - console entry point alias
    app()
