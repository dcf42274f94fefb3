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
    note_text,
    plan_title,
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
