"""Pages rendered on the server: the Jinja2 templates of this package, in the user's language,
with the navigation their role allows."""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from cxray import __version__
from cxray.errors import reject_text
from cxray.phrases import alert_text, reject_reason
from cxray.report import charts
from cxray.report.html import CSS as REPORT_CSS
from cxray.texts import TEXTS, t

if TYPE_CHECKING:  # pragma: no cover
    from cxray.web.access import User

# (path, text key, permission): the navigation, in order; a user sees what their role allows
NAV = (
    ("/", "web_nav_overview", "view"),
    ("/structure", "web_nav_structure", "view"),
    ("/products", "web_nav_products", "view"),
    ("/whitespace", "web_nav_whitespace", "view"),
    ("/rfm", "web_nav_rfm", "view"),
    ("/cohorts", "web_nav_cohorts", "view"),
    ("/activation", "web_nav_activation", "view"),
    ("/loyalty", "web_nav_loyalty", "view"),
    ("/leads", "web_nav_leads", "view"),
    ("/initiatives", "web_nav_initiatives", "view"),
    ("/clv", "web_nav_clv", "view"),
    ("/alerts", "web_nav_alerts", "view"),
    ("/feedback", "web_nav_feedback", "view"),
    ("/web", "web_nav_web", "view"),
    ("/followups", "web_nav_followups", "tasks"),
    ("/campaigns", "web_nav_campaigns", "campaigns"),
    ("/campaigns/results", "web_nav_campaign_results", "campaigns"),
    ("/imports", "web_nav_imports", "import"),
    ("/audit", "web_nav_audit", "audit"),
)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cxray.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render_page(
    request: Request,
    user: User | None,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """``template`` rendered for ``user`` (None: signed out) in their language."""
    lang = user.lang if user is not None else request.app.state.web.lang

    def tr(key: str, /, **params: Any) -> str:
        return t(key, lang=lang, **params)

    nav = [] if user is None else [
        {"path": path, "label": tr(key), "current": request.url.path == path}
        for path, key, permission in NAV
        if user.can(permission)
    ]  # fmt: skip
    with charts.numbers_in(lang):
        html = environment().get_template(template).render(
            request=request, user=user, t=tr, lang=lang, nav=nav, version=__version__,
            role_label=tr(f"web_role_{user.role}") if user is not None else "",
            report_css=REPORT_CSS, **_helpers(lang), **context,
        )  # fmt: skip
    return HTMLResponse(html, status_code=status_code)


def _helpers(lang: str) -> dict[str, Any]:
    """Formatting for the templates, in ``lang`` (numbers as the report writes them)."""

    def fmt_number(value: Any, digits: int = 0) -> str:
        return "" if value is None else charts.number(value, digits)

    def fmt_percent(value: Any, digits: int = 0) -> str:
        return "" if value is None else charts.percent(value, digits)

    def fmt_points(value: Any, digits: int = 1) -> str:
        """A change of a share in percentage points (``+5.2 pp``)."""
        return "" if value is None else charts.points(value, digits)

    def alert_line(row: dict[str, Any]) -> str:
        """An alert of an answer (its ``to_dict()``) as the report says it."""
        fixed = ("kind", "customer_id", "key", "regular", "lines")
        alert = SimpleNamespace(**{k: row.get(k) for k in fixed})
        alert.numbers = {k: v for k, v in row.items() if k not in fixed}
        alert.lines = tuple(row.get("lines") or ())
        return alert_text(alert, lang)  # type: ignore[arg-type]

    def group_reason(group: dict[str, Any]) -> str:
        """A group of an import's rejects (``rejects_by_reason``) as the CLI words it."""
        return reject_reason(group["problem"], group["column"], lang)

    def reject_example(group: dict[str, Any], example: dict[str, Any]) -> str:
        """One row of a group of rejects: its row number and why, with its value."""
        reject = {"problem": group["problem"], "column": group["column"], **example}
        return t("reject_line", lang=lang, row=example["row"], reason=reject_text(reject, lang))

    def attr_label(column: str) -> str:
        """A customer column's label: known columns translated, extra attributes as named."""
        key = f"web_attr_{column}"
        return t(key, lang=lang) if key in TEXTS else column

    return dict(fmt_number=fmt_number, fmt_percent=fmt_percent, fmt_points=fmt_points,
                alert_line=alert_line,
                group_reason=group_reason, reject_example=reject_example,
                attr_label=attr_label)  # fmt: skip
