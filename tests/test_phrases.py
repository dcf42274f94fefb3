"""Sentences for people built from result objects (cxray.phrases), in English and in Russian.

The objects are made by hand: the phrases read only their codes and numbers.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cxray import texts
from cxray.analytics.alerts import Alert
from cxray.comms.measure import MeasureWarning
from cxray.comms.plan import Note, Plan, Step
from cxray.errors import CxrayError
from cxray.phrases import (
    alert_text,
    error_text,
    measurement_sentence,
    note_text,
    plan_title,
    portfolio_sentence,
    step_label,
    warning_text,
)

NNBSP = "\u202f"  # the Russian thousands separator (cxray.texts.format_number)
NBSP = "\u00a0"  # before a Russian percent sign


@pytest.fixture(autouse=True)
def restore_lang():
    yield
    texts.set_lang(None)


def step(name, params, off=False):
    return Step(name=name, kind="always", rule="-", before=10, removed=2, after=8, off=off,
                params=params)  # fmt: skip


STEPS = [
    (
        step("audience", {"rule": 'segment == "retail"'}),
        'audience: segment == "retail"',
        'аудитория: segment == "retail"',
    ),
    (
        step("exclusion", {"rule": 'region == "Moscow"'}),
        'exclusion: region == "Moscow"',
        'исключение: region == "Moscow"',
    ),
    (
        step("no_opt_in", {"channel": "email"}),
        "no opt-in on email (latest consent is not opt_in)",
        "нет согласия на email (последняя запись согласия — не opt_in)",
    ),
    (
        step("promised_frequency", {"channel": "sms"}),
        "this send would exceed the frequency promised on sms",
        "отправка превысит обещанную частоту по sms",
    ),
    (
        step("global_cap", {"sends": 4, "days": 30}),
        "global cap: 4 sends in 30 days reached",
        "общий лимит: уже 4 отправок за 30 дн.",
    ),
    (
        step("recent_optout", {"days": 90}),
        "unsubscribed or complained within 90 days",
        "отписался или пожаловался за последние 90 дн.",
    ),
    (
        step("dormant", {"k": 3, "channel": "email"}),
        "dormant: the last 3 sends on email were not opened",
        "спящие: последние 3 отправок по email не открыты",
    ),
    (
        step("global_control", {"share": 0.03}),
        "global control group (3.0% of all customers)",
        "глобальная контрольная группа (3,0\u00a0% всех клиентов)",
    ),
    (
        step("full_price", {"days": 30}),
        "bought a promoted item at full price within 30 days",
        "купил продвигаемый товар по полной цене за последние 30 дн.",
    ),
    (
        step("dormant", {"k": 3, "channel": "sms"}, off=True),
        "dormant: the last 3 sends on sms were not opened (check off)",
        "спящие: последние 3 отправок по sms не открыты (проверка отключена)",
    ),
    (
        step("global_control", {"share": 0}, off=True),
        "global control group (0.0% of all customers) (check off)",
        "глобальная контрольная группа (0,0\u00a0% всех клиентов) (проверка отключена)",
    ),
]


@pytest.mark.parametrize(("obj", "en", "ru"), STEPS, ids=[s[0].name for s in STEPS])
def test_step_label(obj, en, ru):
    assert step_label(obj, "en") == en
    assert step_label(obj, "ru") == ru


PLAN = Plan(
    campaign_id="cheese-sale",
    channel="email",
    as_of=dt.date(2026, 11, 1),
    candidates=27,
    steps=(),
    final_ids=tuple(f"F{i}" for i in range(11)),
    target_ids=tuple(f"F{i}" for i in range(7)),
    control_ids=tuple(f"F{i}" for i in range(7, 11)),
    holdout=0.3,
    balance={},
)


def test_plan_title():
    assert plan_title(PLAN, "en") == (
        "Campaign cheese-sale on email, as of 2026-11-01: 11 of 27 customers remain "
        "(7 target, 4 control)"
    )
    assert plan_title(PLAN, "ru") == (
        "Кампания cheese-sale, канал email, на 2026-11-01: остаётся 11 из 27 клиентов "
        "(7 в целевой группе, 4 в контрольной)"
    )


def test_note_text():
    unparsed = Note("note_unparsed_promise", {"value": "often", "channel": "email"})
    assert note_text(unparsed, "en") == (
        "promised frequency 'often' in consents on email is not understood "
        "(write e.g. 2/month, 1/week, twice a month, ежемесячно): its customers get nothing"
    )
    assert note_text(unparsed, "ru") == (
        "обещанная частота 'often' в согласиях по email не распознана "
        "(пишите, например, 2/month, 1/week, 2 раза в месяц, ежемесячно): этим клиентам "
        "ничего не отправляется"
    )
    skipped = Note("note_dormant_skipped", {"channel": "sms"})
    assert note_text(skipped, "en") == (
        "dormant check skipped: no send on sms records an open or a click"
    )
    assert note_text(skipped, "ru") == (
        "проверка спящих пропущена: ни одна отправка по sms не содержит открытий или кликов"
    )


def test_the_default_language_is_the_current_one():
    texts.set_lang("ru")
    assert step_label(STEPS[4][0]) == "общий лимит: уже 4 отправок за 30 дн."
    assert plan_title(PLAN).startswith("Кампания cheese-sale")
    texts.set_lang("en")
    assert step_label(STEPS[4][0]) == "global cap: 4 sends in 30 days reached"
    # an explicit language wins over the current one
    assert step_label(STEPS[4][0], "ru") == "общий лимит: уже 4 отправок за 30 дн."


@pytest.mark.parametrize("lang", ["de", "", texts.t])
def test_an_unknown_language_is_refused(lang):
    # e.g. the old call style alert_text(alert, t) must fail, not fall back to English
    with pytest.raises(ValueError, match="language must be one of en, ru"):
        step_label(STEPS[4][0], lang)


DRIFT = Alert(
    kind="drift",
    customer_id="C1",
    key=True,
    regular=True,
    numbers={
        "months": 3,
        "revenue_recent": 12000.0,
        "revenue_year_ago": 20000.0,
        "change_pct": -0.4,
    },
    lines=(
        {"product_line": "Сыры", "change": -5000.0},
        {"product_line": "Молоко", "change": -3000.0},
    ),
)
FADING = Alert(
    kind="p_alive",
    customer_id="C2",
    key=False,
    regular=True,
    numbers={"p_alive": 0.23, "weeks_since_last": 30.4, "repeat_purchases": 5},
)


def test_alert_text():
    k = NNBSP
    assert alert_text(DRIFT, "en") == (
        "C1 (key): revenue of the last 3 months 12,000 against 20,000 a year earlier "
        "(-40%); fell most: Сыры -5,000; Молоко -3,000"
    )
    assert alert_text(DRIFT, "ru") == (
        f"C1 (ключевые): выручка за последние 3 мес. 12{k}000 против 20{k}000 годом ранее "
        f"(-40{NBSP}%); сильнее всего упали: Сыры -5{k}000; Молоко -3{k}000"
    )
    assert alert_text(FADING, "en") == (
        "C2 (regular): P(alive) 23%; no purchase for 30 weeks after 5 repeat purchases"
    )
    assert alert_text(FADING, "ru") == (
        f"C2 (регулярные): вероятность активности 23{NBSP}%; нет покупок 30 нед. после 5 "
        "повторных покупок"
    )
    was = Alert(**{**FADING.__dict__, "regular": False})
    assert alert_text(was, "en").startswith("C2 (regular a year ago): ")
    assert alert_text(was, "ru").startswith("C2 (регулярный год назад): ")


def test_warning_text():
    small = MeasureWarning(
        "control_too_small", {"reason": "size", "control_n": 12, "min_control": 50}
    )
    assert warning_text(small, "en") == (
        "the control group has 12 customers, fewer than 50: too small to conclude"
    )
    assert warning_text(small, "ru") == (
        "в контрольной группе 12 клиентов, меньше 50: слишком мало для вывода"
    )
    open_window = MeasureWarning(
        "window_open", {"end": dt.date(2026, 12, 1), "days_observed": 10, "window_days": 30}
    )
    assert warning_text(open_window, "en") == (
        "the measurement window ends on 2026-12-01: only 10 of 30 days observed"
    )
    assert warning_text(open_window, "ru") == (
        "окно измерения заканчивается 2026-12-01: прошло только 10 из 30 дней"
    )


def test_error_text():
    err = CxrayError("campaign_missing_field", file="x.yaml", field="holdout")
    assert error_text(err, "en") == "x.yaml: holdout is required"
    assert error_text(err, "ru") == "x.yaml: не указано обязательное поле holdout"
    assert error_text(ValueError("as_of must be a date"), "ru") == "as_of must be a date"


def test_russian_texts_write_numbers_the_russian_way():
    # 70,117 lines and 12,140,254.21: thousands by narrow no-break spaces, a decimal comma
    ru = texts.t("import_identical_lines", lang="ru", n=70117, amount=12140254.21)
    assert "70\u202f117" in ru and "12\u202f140\u202f254,21" in ru
    en = texts.t("import_identical_lines", lang="en", n=70117, amount=12140254.21)
    assert "70,117" in en and "12,140,254.21" in en


def _measurement(verdict: str, metric: str = "conversion", **uplift: float):
    """A measurement with round figures: 400 in target, 100 in control over 30 days."""
    from cxray.comms.measure import GroupStats, Measurement, Uplift

    figures = dict(target=None, control=None, absolute=None, ci_low=None, ci_high=None,
                   p_value=None, relative=None, relative_ci_low=None, relative_ci_high=None,
                   mde=None, mde_relative=None)  # fmt: skip
    chosen = Uplift(metric=metric, **{**figures, **uplift})
    other = Uplift(metric="revenue" if metric == "conversion" else "conversion", **figures)
    day = dt.date(2026, 6, 9)
    return Measurement(
        campaign_id="grill", metric=metric, scope="all", promoted_skus=(), promoted_lines=(),
        as_of=dt.date(2026, 10, 31), start=day, end=day + dt.timedelta(30),
        observed_end=day + dt.timedelta(30), window_days=30,
        days_observed=30,
        target=GroupStats(n=400, converters=72, conversion_rate=0.18, revenue=0.0,
                          revenue_per_customer=None, revenue_sd=None),
        control=GroupStats(n=100, converters=9, conversion_rate=0.09, revenue=0.0,
                           revenue_per_customer=None, revenue_sd=None),
        conversion=chosen if metric == "conversion" else other,
        revenue=chosen if metric == "revenue" else other,
        incremental_revenue=12000.0 if verdict == "effect" else None,
        incremental_revenue_ci_low=-3000.0, incremental_revenue_ci_high=27000.0,
        target_total_revenue=0.0, verdict=verdict,
    )  # fmt: skip


def test_measurement_sentence_says_what_the_campaign_did():
    m = _measurement("effect", target=0.18, control=0.09, absolute=0.09, ci_low=0.02,
                     ci_high=0.16)  # fmt: skip
    assert measurement_sentence(m, "Grill", "en") == (
        "18.0% of the 400 customers who got “Grill” bought within 30 days, against 9.0% of the "
        "100 held out: the campaign added +9.0 pp (between +2.0 pp and +16.0 pp, 95% "
        "confidence). In revenue: +12,000 (between -3,000 and +27,000)."
    )
    m = _measurement("no_effect_detected", target=0.10, control=0.09, absolute=0.01,
                     ci_low=-0.05, ci_high=0.07, mde=0.086)  # fmt: skip
    assert measurement_sentence(m, "Grill", "en") == (
        "Customers who got “Grill” bought about as often as the 100 held out (10.0% against "
        "9.0% within 30 days). The test would have seen an effect of +8.6 pp or more, so any "
        "effect was smaller than that."
    )
    m = _measurement("inconclusive", "revenue", target=120.0, control=100.0, mde=250.0)
    assert measurement_sentence(m, "Grill", "ru") == (
        "В контрольной группе слишком мало клиентов (100), чтобы понять, сработала ли «Grill»: "
        "заметна была бы только прибавка от 250 на клиента."
    )


def test_portfolio_sentence_sets_the_measured_against_the_claimed():
    p = {"measured": 2, "incremental_revenue": 50_000.0, "incremental_ci_low": -10_000.0,
         "incremental_ci_high": 110_000.0, "incremental_share": 0.025,
         "attributed_revenue": 2_920_000.0, "attributed_share": 1.46}  # fmt: skip
    assert portfolio_sentence(p, "en") == (
        "Measured against their control groups, the 2 campaigns changed revenue by +50,000 "
        "(between -10,000 and +110,000, 95% confidence): 2.5% of sales over their windows. "
        "Their own attribution, counting every purchase of the customers who got them, claims "
        "2,920,000: 146% of sales. More than all sales: the attribution counts the same "
        "purchases several times."
    )
    assert portfolio_sentence({"measured": 0}, "en").startswith("No campaign has been measured")
