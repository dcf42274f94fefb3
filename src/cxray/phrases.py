"""Sentences in the user's language built from result objects, shared by the CLI, the report and
the web pages.

Results (a campaign plan, an alert, a measurement warning, an error) carry codes and numbers,
never translated text, so their ``to_dict()`` -- the ``--json`` payload -- is the same in every
language. This module is the edge where those codes become sentences, through the texts of
:mod:`cxray.texts`. Every function takes the object and ``lang`` (``en`` or ``ru``; default: the
current language, see :func:`cxray.texts.set_lang`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxray.errors import CxrayError, Reject, reject_text
from cxray.report.charts import number, numbers_in, percent, points, signed
from cxray.texts import LANGS, TEXTS, current_lang, t

if TYPE_CHECKING:  # pragma: no cover
    from cxray.analytics.alerts import Alert
    from cxray.api.results import Notice
    from cxray.comms.measure import Measurement, MeasureWarning
    from cxray.comms.plan import Note, Plan, Step

__all__ = [
    "ACTIVATION_FIGURES",
    "LOYALTY_FIGURES",
    "activation_lines",
    "activation_sentence",
    "alert_text",
    "error_text",
    "leads_sentence",
    "leads_tables",
    "loyalty_sentence",
    "loyalty_tables",
    "measurement_sentence",
    "note_text",
    "notice_text",
    "offer_lines",
    "offer_relevance_rows",
    "plan_title",
    "portfolio_sentence",
    "step_label",
    "warning_text",
    "web_action_rows",
    "web_funnel_rows",
    "web_path_rows",
]


def _lang(lang: str | None) -> str:
    """``lang``, or the current language when None; refuses anything else than en / ru."""
    if lang is None:
        return current_lang()
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


# --------------------------------------------------------------------------------------------
# campaign plans (cxray.comms.plan)


def step_label(step: Step, lang: str | None = None) -> str:
    """The label of a waterfall step, e.g. ``"global cap: 4 sends in 30 days reached"``; a step
    turned off or skipped ends with ``" (check off)"``."""
    lang = _lang(lang)
    text = t(f"step_{step.name}", lang=lang, **step.params)
    return t("step_off", lang=lang, label=text) if step.off else text


def plan_title(plan: Plan, lang: str | None = None) -> str:
    """One line: campaign, channel, date and how many customers remain (target, control)."""
    return t(
        "plan_title",
        lang=_lang(lang),
        campaign=plan.campaign_id,
        channel=plan.channel,
        as_of=plan.as_of.isoformat(),
        final=len(plan.final_ids),
        candidates=plan.candidates,
        target=len(plan.target_ids),
        control=len(plan.control_ids),
    )


def note_text(note: Note, lang: str | None = None) -> str:
    """A note of a plan (a promise that could not be read, a check skipped) as a sentence."""
    return t(note.key, lang=_lang(lang), **note.params)


# --------------------------------------------------------------------------------------------
# alerts (cxray.analytics.alerts) and measurement warnings (cxray.comms.measure)


def alert_text(alert: Alert, lang: str | None = None) -> str:
    """One sentence explaining an alert, with its numbers."""
    lang = _lang(lang)
    n = alert.numbers
    if alert.key:
        status = t("stage_key", lang=lang)
    elif alert.regular:
        status = t("stage_regular", lang=lang)
    else:
        status = t("was_regular", lang=lang)
    if alert.kind == "p_alive":
        return t(
            "alert_p_alive",
            lang=lang,
            customer=alert.customer_id,
            status=status,
            p=n["p_alive"],
            weeks=n["weeks_since_last"],
            repeats=n["repeat_purchases"],
        )
    if alert.kind == "portal_activity_fell":
        return _portal_text(alert, status, lang)
    with numbers_in(lang):
        lines = "; ".join(f"{ln['product_line']} {number(ln['change'])}" for ln in alert.lines)
        recent, before = number(n["revenue_recent"]), number(n["revenue_year_ago"])
    return t(
        "alert_drift",
        lang=lang,
        customer=alert.customer_id,
        status=status,
        months=n["months"],
        recent=recent,
        before=before,
        pct=n["change_pct"],
        lines=lines or "-",
    )


def _portal_text(alert: Alert, status: str, lang: str) -> str:
    """The sentence of a ``portal_activity_fell`` alert."""
    n = alert.numbers
    with numbers_in(lang):
        mean = number(n["sessions_mean"], 1)
    return t(
        "alert_portal_activity_fell",
        lang=lang,
        customer=alert.customer_id,
        status=status,
        recent=n["sessions_recent"],
        recent_days=n["recent_days"],
        mean=mean,
        base_days=n["base_days"],
        ratio=n["ratio"],
    )


def warning_text(warning: MeasureWarning, lang: str | None = None) -> str:
    """The text of a measurement warning (``control_too_small`` has one per reason)."""
    key = f"warn_{warning.code}"
    if warning.code == "control_too_small":
        key += "_" + warning.values["reason"]
    return t(key, lang=_lang(lang), **warning.values)


def _signed(value: float | None, pct: bool) -> str:
    if value is None:
        return "–"
    return points(value, 1) if pct else signed(value)


def measurement_sentence(m: Measurement, title: str, lang: str | None = None) -> str:
    """What a measured campaign did, in one sentence a director can repeat: the two groups'
    levels, the difference with its 95% interval (or, without an effect, the smallest effect
    the test could have seen), and the revenue it added."""
    lang = _lang(lang)
    u, pct = m.uplift, m.metric == "conversion"
    with numbers_in(lang):
        level = (lambda v: percent(v, 1)) if pct else number
        params = dict(title=title, n_t=number(m.target.n), n_c=number(m.control.n),
                      days=m.window_days, t=level(u.target), c=level(u.control),
                      diff=_signed(u.absolute, pct), low=_signed(u.ci_low, pct),
                      high=_signed(u.ci_high, pct),
                      mde="–" if u.mde is None else (points(u.mde, 1) if pct else number(u.mde)),
                      )  # fmt: skip
        text = t(f"say_{m.verdict}_{m.metric}", lang=lang, **params)
        if m.verdict == "effect" and m.incremental_revenue is not None:
            text += " " + t("say_revenue_added", lang=lang,
                            inc=_signed(m.incremental_revenue, False),
                            low=_signed(m.incremental_revenue_ci_low, False),
                            high=_signed(m.incremental_revenue_ci_high, False))  # fmt: skip
    return text


def portfolio_sentence(p: dict, lang: str | None = None) -> str:
    """The portfolio line (a :class:`cxray.comms.portfolio.Portfolio` as ``to_dict()``) in
    words: what the measured campaigns added, with its interval and share of sales, against
    what their own attribution claims."""
    lang = _lang(lang)
    if not p.get("measured"):
        return t("say_portfolio_none", lang=lang)
    with numbers_in(lang):
        text = t("say_portfolio", lang=lang, n=p["measured"],
                 inc=_signed(p["incremental_revenue"], False),
                 low=_signed(p["incremental_ci_low"], False),
                 high=_signed(p["incremental_ci_high"], False),
                 inc_share=percent(p["incremental_share"], 1),
                 claimed=number(p["attributed_revenue"]),
                 claimed_share=percent(p["attributed_share"], 0))  # fmt: skip
        if (p.get("attributed_share") or 0) > 1:
            text += " " + t("say_portfolio_impossible", lang=lang)
    return text


# how a figure of the activation budget and loyalty tables is written, by its kind ("_ci": an
# estimate with its interval, see _interval)
_SHOWN = {
    "count": lambda v: number(v),
    "share": lambda v: percent(v, 1),
    "share2": lambda v: percent(v, 2),
    "days": lambda v: number(v, 1),
    "money": lambda v: number(v, 2),
    "signed_money": lambda v: "–" if v is None else signed(v, 2),
    "points": lambda v: "–" if v is None else points(v, 1),
}


# (payload key, how it is written) of the activation budget, in the order shown
ACTIVATION_FIGURES = (
    ("new_customers", "count"),
    ("order2_rate", "share"),
    ("order3_rate", "share"),
    ("median_days_1_2", "days"),
    ("median_days_2_3", "days"),
    ("first_order_value", "money"),
    ("first_order_margin", "money"),
    ("budget_per_message", "money"),
    ("messages", "count"),
    ("second_order_value", "money"),
    ("breakeven_rise", "points"),
    ("breakeven_rate", "share"),
)


def activation_lines(p: dict, lang: str | None = None) -> list[tuple[str, str]]:
    """The activation budget (:meth:`cxray.api.Session.activation` as ``to_dict()``) as
    (label, value) pairs in ``lang``; ``messages`` only when a message cost was given."""
    lang = _lang(lang)
    lines = []
    with numbers_in(lang):
        for key, kind in ACTIVATION_FIGURES:
            if key == "messages" and p.get("message_cost") is None:
                continue
            lines.append((t(f"activation_{key}", lang=lang), _SHOWN[kind](p.get(key))))
    return lines


def activation_sentence(p: dict, lang: str | None = None) -> str:
    """The activation budget in words: the budget per new customer and the rise of the order 2
    rate that pays it back (empty without a break-even rate)."""
    lang = _lang(lang)
    if p.get("breakeven_rate") is None:
        return ""
    with numbers_in(lang):
        text = t(
            "activation_summary", lang=lang, budget=number(p["budget_per_customer"], 2),
            margin=percent(p["margin"], 0), rise=number(p["breakeven_rise"] * 100, 1),
            rate=percent(p["order2_rate"], 1), target=percent(p["breakeven_rate"], 1),
        )  # fmt: skip
        if not p.get("breakeven_reachable"):
            text += " " + t("activation_unreachable", lang=lang)
    return text


# --------------------------------------------------------------------------------------------
# leads (cxray.api.Session.leads)

LEAD_RATES = ("contact", "qualify", "win", "lead_to_won")


def rate_interval(rate: float | None, low: float | None, high: float | None) -> str:
    """A share with its 95% interval in percent: ``"75.0% [46.8–91.1]"``; ``"–"`` without a
    share."""
    if rate is None:
        return "–"
    return f"{percent(rate, 1)} [{number(low * 100, 1)}–{number(high * 100, 1)}]"


def _group_name(value: object, lang: str) -> str:
    return t("leads_unowned", lang=lang) if value is None else str(value)


def leads_tables(p: dict, lang: str | None = None) -> dict[str, list[dict[str, str]]]:
    """The leads result (``to_dict()``) as tables of shown text, headed in ``lang``:
    ``funnel`` (counts and each step's rate with its interval, all leads last), ``speed``
    (hours to first contact, unowned leads, SLA breaches), ``costs``, ``costs_by_month``,
    ``payback`` and ``lost_reasons``. The CLI, the report and the web page show these."""
    lang = _lang(lang)

    def col(key: str) -> str:
        return t(f"leads_col_{key}", lang=lang)

    def money(value: float | None) -> str:
        return number(value, 0)

    out: dict[str, list[dict[str, str]]] = {}
    with numbers_in(lang):
        rows = [*p["funnel"], {**p["total"], "group": t("leads_all", lang=lang)}]
        rows = rows if p["funnel"] else []
        out["funnel"] = [{
            col(p["by"]): _group_name(r["group"], lang),
            **{col(k): number(r[k]) for k in ("leads", "contacted", "qualified", "won")},
            **{col(f"{s}_rate"): rate_interval(r[f"{s}_rate"], r[f"{s}_low"], r[f"{s}_high"])
               for s in LEAD_RATES},
        } for r in rows]  # fmt: skip
        out["speed"] = [{
            col(p["by"]): _group_name(r["group"], lang),
            col("median_hours"): number(r["median_hours"], 1),
            col("p90_hours"): number(r["p90_hours"], 1),
            **{col(k): number(r[k]) for k in ("unowned", "breaches", "not_due")},
        } for r in rows]  # fmt: skip

        def cost_row(r: dict) -> dict[str, str]:
            return {col("cost"): money(r["cost"]), col("leads"): number(r["leads"]),
                    col("won_customers"): number(r["won_customers"]),
                    col("cpl"): money(r["cpl"]), col("cac"): money(r["cac"])}  # fmt: skip

        out["costs"] = [{col("channel"): r["channel"], **cost_row(r)} for r in p["costs"]]
        out["costs_by_month"] = [{col("channel"): r["channel"], col("month"): r["month"],
                                  **cost_row(r)} for r in p["costs_by_month"]]  # fmt: skip
        not_yet = t("leads_not_yet", lang=lang)
        out["payback"] = [{
            col("channel"): r["channel"], col("cac"): money(r["cac"]),
            col("customers_with_orders"): number(r["customers_with_orders"]),
            col("margin_per_customer"): money(r["margin_per_customer"]),
            col("payback_months"): not_yet if r["payback_months"] is None and r["cac"]
            else number(r["payback_months"]),
            col("months_observed"): number(r["months_observed"]),
            col("clv_per_customer"): money(r["clv_per_customer"]),
            col("clv_to_cac"): number(r["clv_to_cac"], 2),
        } for r in p["payback"] if r["won_customers"]]  # fmt: skip
        out["lost_reasons"] = [{col("reason"): r["reason"], col("leads"): number(r["leads"]),
                                col("share"): percent(r["share"], 1)}
                               for r in p["lost_reasons"]]  # fmt: skip
    return out


def leads_sentence(p: dict, lang: str | None = None) -> str:
    """The funnel in words: leads won, the owned / unowned gap with its interval, SLA breaches
    and unowned leads (empty without leads)."""
    lang = _lang(lang)
    total, gap = p["total"], p["owner_gap"]
    if not total["leads"]:
        return ""
    with numbers_in(lang):

        def pp(value: float | None) -> str:
            return "–" if value is None else points(value, 1)

        return t(
            "leads_summary", lang=lang, leads=number(total["leads"]), won=number(total["won"]),
            rate=percent(total["lead_to_won_rate"], 1), owned=percent(gap["owned_rate"], 1),
            unowned=percent(gap["unowned_rate"], 1), gap=pp(gap["gap"]), low=pp(gap["gap_low"]),
            high=pp(gap["gap_high"]), breaches=number(total["breaches"]),
            sla_hours=f"{p['sla_hours']:g}", unowned_leads=number(total["unowned"]),
        )  # fmt: skip


# --------------------------------------------------------------------------------------------
# result notices (cxray.api.results.Notice: coverage and fit warnings, empty sections)


def span_text(params: dict, lang: str | None = None) -> str:
    """How long the data is (notice parameters ``weeks`` / ``months``): weeks under three
    months, months from then on."""
    if params.get("months", 0) < 3:
        return t("span_weeks", lang=_lang(lang), n=params.get("weeks", 0))
    return t("span_months", lang=_lang(lang), n=params["months"])


def notice_text(notice: Notice, lang: str | None = None) -> str:
    """A result's notice as a sentence (its span in words, listed parameters joined)."""
    params = dict(notice.params)
    if "weeks" in params:
        params["span"] = span_text(params, lang)
    if isinstance(params.get("parameters"), list):
        params["parameters"] = ", ".join(params["parameters"]) or "-"
    return t(notice.code, lang=_lang(lang), **params)


# --------------------------------------------------------------------------------------------
# errors


def error_text(error: BaseException, lang: str | None = None) -> str:
    """An error as one line: a :class:`cxray.errors.CxrayError` in ``lang``, any other exception
    (e.g. a ``ValueError`` from an analytic) as its own text."""
    if isinstance(error, CxrayError):
        return error.message(_lang(lang))
    return str(error)


def reject_reason(problem: str, column: str | None, lang: str | None = None) -> str:
    """Why a group of import rows was rejected, without any one row's value (``order_date: not
    a date``): its summary text, else its row text without the value."""
    lang = _lang(lang)
    why = f"why_{problem}"
    if why in TEXTS:
        return t(why, lang=lang, column=column or "")
    return reject_text(Reject(0, problem, column, None), lang)


# --------------------------------------------------------------------------------------------
# the offer lint (cxray.comms.offer_lint)


def offer_lines(found: dict, lang: str | None = None) -> list[str]:
    """The offer lint (``to_dict()``) as lines: each stop phrase found, then the missing
    specifics and the missing value-proposition parts; one line saying so when it is clean."""
    lang = _lang(lang)
    if found["clean"]:
        return [t("offer_clean", lang=lang)]
    lines = [t("offer_stop_phrase", lang=lang, phrase=p["phrase"], found=p["found"])
             for p in found["stop_phrases"]]  # fmt: skip
    if found["missing_specifics"]:
        named = ", ".join(t(f"offer_specific_{c}", lang=lang) for c in found["missing_specifics"])
        lines.append(t("offer_missing_specifics", lang=lang, missing=named))
    if found["missing_parts"]:
        named = ", ".join(t(f"offer_part_{c}", lang=lang) for c in found["missing_parts"])
        lines.append(t("offer_missing_parts", lang=lang, missing=named))
    return lines


# --------------------------------------------------------------------------------------------
# the loyalty programme (cxray.api.Session.loyalty)

# (section of the payload, key, how it is written) of the loyalty figures, in the order shown
LOYALTY_FIGURES = (
    ("penetration", "members", "count"),
    ("penetration", "active_customers", "count"),
    ("penetration", "active_members", "count"),
    ("penetration", "penetration", "share"),
    ("penetration", "member_revenue_share", "share"),
    ("penetration", "accrued_value", "money"),
    ("penetration", "redeemed_value", "money"),
    ("penetration", "reward_cost_share", "share2"),
    ("penetration", "accrual_share", "share2"),
    ("penetration", "redemption_rate", "share"),
    ("penetration", "breakage", "share"),
    ("effect", "evaluated", "count"),
    ("effect", "matched", "count"),
    ("effect", "without_history", "count"),
    ("effect", "revenue_did", "signed_money_ci"),
    ("effect", "retention_did", "points_ci"),
    ("effect", "naive_revenue_diff", "money"),
    ("effect", "retained", "count"),
    ("effect", "would_have_come_back", "count"),
    ("effect", "would_have_come_back_share", "share"),
)


def _interval(p: dict, key: str, shown) -> str:
    """An estimate with its 95% interval: ``"+12.30 [+5.10; +19.50]"``; ``"–"`` without one."""
    stem = key.removesuffix("_did")
    if p.get(key) is None:
        return "–"
    return f"{shown(p[key])} [{shown(p[f'{stem}_low'])}; {shown(p[f'{stem}_high'])}]"


def loyalty_tables(p: dict, lang: str | None = None) -> dict[str, list[dict[str, str]]]:
    """The loyalty result (``to_dict()``) as tables of shown text, headed in ``lang``:
    ``figures`` (penetration, rewards and the effect), ``by_tier``, ``by_band`` and
    ``balance``. The CLI, the report and the web page show these."""
    lang = _lang(lang)

    def col(key: str) -> str:
        return t(f"loyalty_col_{key}", lang=lang)

    out: dict[str, list[dict[str, str]]] = {}
    with numbers_in(lang):
        figures = []
        for section, key, kind in LOYALTY_FIGURES:
            part = p[section]
            value = (_interval(part, key, _SHOWN[kind.removesuffix("_ci")])
                     if kind.endswith("_ci") else _SHOWN[kind](part.get(key)))  # fmt: skip
            figures.append({col("figure"): t(f"loyalty_{key}", lang=lang), col("value"): value})
        out["figures"] = figures

        def rewards(r: dict) -> dict[str, str]:
            return {col("members"): number(r["members"]), col("revenue"): number(r["revenue"], 2),
                    col("accrued_value"): number(r["accrued_value"], 2),
                    col("reward_rate"): percent(r["reward_rate"], 2)}  # fmt: skip

        no_tier = t("loyalty_no_tier", lang=lang)
        out["by_tier"] = [{col("tier"): r["tier"] or no_tier, **rewards(r)} for r in p["by_tier"]]
        out["by_band"] = [{
            col("band"): f"{r['band']}: {number(r['min_revenue'], 2)} – "
            f"{number(r['max_revenue'], 2)}",
            **rewards(r),
        } for r in p["by_band"]]  # fmt: skip
        out["balance"] = [{
            col("feature"): t(f"loyalty_feature_{r['feature']}", lang=lang),
            col("smd_before"): "–" if r["smd_before"] is None else number(r["smd_before"], 3),
            col("smd_after"): "–" if r["smd_after"] is None else number(r["smd_after"], 3),
        } for r in p["balance"]]  # fmt: skip
    return out


def loyalty_sentence(p: dict, lang: str | None = None) -> str:
    """What the programme adds, in words: the revenue and retention DiD with their intervals
    and the members who would have come back anyway (empty without a matched member)."""
    lang = _lang(lang)
    e = p["effect"]
    if e.get("revenue_did") is None:
        return ""
    with numbers_in(lang):
        return t(
            "loyalty_summary", lang=lang, months=p["window_months"], matched=number(e["matched"]),
            did=signed(e["revenue_did"], 2), low=signed(e["revenue_low"], 2),
            high=signed(e["revenue_high"], 2), ret=points(e["retention_did"], 1),
            anyway=number(e["would_have_come_back"], 0), retained=number(e["retained"]),
            share=percent(e["would_have_come_back_share"], 0),
        )  # fmt: skip


INITIATIVE_DIGITS = {"nps": 1, "csi": 2, "ces": 2, "revenue": 0}
"""Decimals of a difference in differences per metric; the rates per customer-month: 3."""


def initiative_rows(p: dict, lang: str | None = None) -> list[dict[str, str]]:
    """The initiatives (:meth:`cxray.api.Session.initiatives` as ``to_dict()``) as rows of
    shown text headed in ``lang``: id, type, metric, months observed, the file's target change,
    the effect with its 95% interval (enabling: the change of the unlocked metric in percentage
    points), the margin with its interval, cost, ROI and payback month. The CLI, the report and
    the web page show these."""
    lang = _lang(lang)

    def col(key: str) -> str:
        return t(f"col_{key}", lang=lang)

    rows = []
    with numbers_in(lang):
        for r in p["initiatives"]:
            if r["type"] == "enabling":
                effect = "–" if r["change"] is None else points(r["change"], 1)
            else:
                digits = INITIATIVE_DIGITS.get(r["metric"], 3)
                effect = _interval(r, "did", lambda v, n=digits: signed(v, n))
            rows.append({
                col("initiative"): r["id"],
                col("type"): t(f"initiative_type_{r['type']}", lang=lang),
                col("metric"): r["metric"],
                col("months"): number(r["months"], 1),
                col("target_change"): "–" if r["target_change"] is None
                else signed(r["target_change"], INITIATIVE_DIGITS.get(r["metric"], 3)),
                col("did"): effect,
                col("margin_effect"): _interval(r, "margin", lambda v: signed(v, 0)),
                col("cost"): number(r["cost"], 0),
                col("roi"): percent(r["roi"], 0),
                col("payback_month"): number(r["payback_month"]),
            })  # fmt: skip
    return rows


def initiatives_sentence(p: dict, lang: str | None = None) -> str:
    """The portfolio line in words: initiatives, total cost, total effect with its interval,
    ROI over the last 12 months and the initiatives too young to judge."""
    lang = _lang(lang)
    line = p["portfolio"]
    with numbers_in(lang):
        effect = _interval(
            {"total": line["total_effect"], "total_low": line["total_effect_low"],
             "total_high": line["total_effect_high"]}, "total", lambda v: signed(v, 0),
        )  # fmt: skip
        return t(
            "initiatives_portfolio", lang=lang, n=line["initiatives"],
            cost=number(line["total_cost"]), effect=effect, roi=percent(line["roi_12m"], 0),
            young=", ".join(line["young"]) or "–",
        )  # fmt: skip


def offer_relevance_rows(found: dict, lang: str | None = None) -> tuple[str, list[tuple]]:
    """Offer relevance (``to_dict()`` of :class:`cxray.comms.offer_relevance.OfferRelevance`)
    as a title and rows ``(group, count, share)``: already qualify, within reach, out of
    reach."""
    lang = _lang(lang)
    value = number(found["value"], 0 if float(found["value"]).is_integer() else 2)
    threshold = t(f"offer_threshold_{found['threshold']}", lang=lang, value=value)
    title = t("offer_relevance_title", lang=lang, threshold=threshold)
    params = {"reach": percent(found["reach"]), "without": number(found["without_orders"])}
    rows = [(t(f"offer_group_{g}", lang=lang, **params), found["counts"][g], found["shares"][g])
            for g in ("qualify", "within_reach", "out_of_reach")]  # fmt: skip
    return title, rows


# --------------------------------------------------------------------------------------------
# web events (cxray.api.web)


def _moment(value: object) -> str:
    """A time of the payload (a datetime, or its ISO text in JSON) to the minute."""
    return "–" if value is None else str(value).replace("T", " ")[:16]


def web_rule(action: dict, lang: str | None = None) -> str:
    """An action's rule in words: ``URL /catalog/* · element button.buy · text «В корзину»``."""
    lang = _lang(lang)
    parts = [t(f"site_rule_{k}", lang=lang, value=action[k])
             for k in ("url", "selector", "text", "event") if action.get(k)]  # fmt: skip
    return " · ".join(parts)


def duration(hours: float | None, lang: str | None = None) -> str:
    """Hours as a person reads them: ``4 min``, ``2.5 h``, ``3.2 d``."""
    lang = _lang(lang)
    if hours is None:
        return "–"
    with numbers_in(lang):
        if hours < 1:
            return t("site_minutes", lang=lang, n=number(hours * 60, 0))
        if hours < 48:
            return t("site_hours", lang=lang, n=number(hours, 1))
        return t("site_days", lang=lang, n=number(hours / 24, 1))


def web_action_rows(p: dict, lang: str | None = None) -> list[dict[str, str]]:
    """The actions result (``session.web.actions().to_dict()``) as rows of shown text."""
    lang = _lang(lang)
    with numbers_in(lang):
        return [{
            t("site_col_action", lang=lang): a["name"],
            t("site_col_rule", lang=lang): web_rule(a, lang),
            **{t(f"site_col_{k}", lang=lang): number(a[k])
               for k in ("events", "visitors", "customers")},
            t("site_col_first_seen", lang=lang): _moment(a["first_seen"]),
            t("site_col_last_seen", lang=lang): _moment(a["last_seen"]),
        } for a in p["actions"]]  # fmt: skip


def web_funnel_rows(p: dict, lang: str | None = None) -> list[dict[str, str]]:
    """The funnel result (``session.web.funnel().to_dict()``) as rows of shown text."""
    lang = _lang(lang)

    def share(v: float | None) -> str:
        return "–" if v is None else percent(v, 1)

    with numbers_in(lang):
        return [{
            t("site_col_step", lang=lang): f"{r['step']}. {r['action']}",
            t("site_col_persons", lang=lang): number(r["persons"]),
            t("site_col_of_previous", lang=lang): share(r["of_previous"]),
            t("site_col_of_first", lang=lang): share(r["of_first"]),
            t("site_col_dropped", lang=lang): number(r["dropped"]),
            t("site_col_median_time", lang=lang): duration(r["median_hours"], lang),
        } for r in p["steps"]]  # fmt: skip


def web_path_rows(p: dict, lang: str | None = None) -> list[dict[str, str]]:
    """The paths result (``session.web.paths().to_dict()``) as rows of shown text."""
    lang = _lang(lang)
    with numbers_in(lang):
        return [{
            t("site_col_pages", lang=lang): " → ".join(r["pages"]),
            t("site_col_sessions", lang=lang): number(r["sessions"]),
            t("site_col_share", lang=lang): percent(r["share"], 1),
        } for r in p["paths"]]  # fmt: skip
