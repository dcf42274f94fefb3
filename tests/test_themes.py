"""Themes of comments on a small Russian + English corpus with known lemmas."""

from __future__ import annotations

import pytest
from conftest import d

from cxray.analytics.themes import STOP_WORDS, comment_groups, lemmas, themes

CORPUS = [
    ("promoter", "Очень быстрой доставкой доволен!"),
    ("promoter", "Спасибо за быструю доставку, всё отлично."),
    ("promoter", "Great deliveries, very fast."),
    ("promoter", "Fast delivery."),
    ("detractor", "Менеджера не дозвониться, доставки нет 2 недели"),
    ("detractor", "Prices are too high. Prices again!"),
    ("detractor", "Менеджер грубый"),
    ("passive", "   "),
]


def test_known_lemmas():
    assert lemmas("доставки доставкой") == ["доставка", "доставка"]
    assert lemmas("менеджера") == ["менеджер"]
    assert lemmas("deliveries prices") == ["delivery", "price"]
    assert lemmas("Всё очень хорошо, very good 123") == ["хорошо", "good"]
    assert lemmas("Ёлка") == ["елка"]


def test_themes_per_group():
    out = themes(CORPUS, top=10, examples=2)
    assert set(out) == {"promoter", "detractor"}  # blank comments skipped
    pro = {(t.kind, t.text): t for t in out["promoter"]}
    det = {(t.kind, t.text): t for t in out["detractor"]}
    # "доставкой" and "доставку" in 2 of 4 promoter comments
    assert pro[("word", "доставка")].count == 2
    assert pro[("word", "доставка")].share == pytest.approx(0.5)
    # bigram of lemmas, adjective in its normal (masculine) form
    assert pro[("phrase", "быстрый доставка")].count == 2
    assert pro[("word", "delivery")].count == 2
    assert pro[("word", "fast")].count == 2
    assert pro[("phrase", "great delivery")].count == 1
    # a phrase never crosses punctuation: "deliveries, very fast"
    assert ("phrase", "delivery fast") not in pro
    # counts are of comments: "Prices ... Prices" counts once
    assert det[("word", "price")].count == 1
    assert det[("word", "менеджер")].count == 2
    assert det[("word", "доставка")].count == 1
    # stop words and numbers are absent
    texts = {t.text for ts in out.values() for t in ts if t.kind == "word"}
    assert not texts & STOP_WORDS
    assert not {"очень", "very", "все", "весь", "2", "за", "не"} & texts
    # examples: the shortest comments containing the theme, deterministic
    assert pro[("word", "delivery")].examples == ("Fast delivery.", "Great deliveries, very fast.")
    assert det[("word", "менеджер")].examples == (
        "Менеджер грубый",
        "Менеджера не дозвониться, доставки нет 2 недели",
    )
    # ranking: count descending, then text; words then phrases
    words = [t for t in out["promoter"] if t.kind == "word"]
    assert [t.count for t in words] == sorted((t.count for t in words), reverse=True)
    assert out["promoter"][0].to_dict()["examples"]


def test_top_and_examples_limits():
    out = themes(CORPUS, top=1, examples=1)
    pro = out["promoter"]
    assert [t.kind for t in pro] == ["word", "phrase"]
    assert len(pro[0].examples) == 1
    with pytest.raises(ValueError):
        themes(CORPUS, top=-1)


def test_comment_groups(load):
    responses = load(
        "responses",
        [
            {
                "customer_id": "a",
                "date": "2026-01-01",
                "metric": "nps",
                "score": 10.0,
                "comment": "Быстрая доставка",
            },
            {
                "customer_id": "b",
                "date": "2026-01-02",
                "metric": "nps",
                "score": 7.0,
                "comment": "ok",
            },
            {
                "customer_id": "c",
                "date": "2026-01-03",
                "metric": "nps",
                "score": 3.0,
                "comment": "Дорого",
            },
            {
                "customer_id": "d",
                "date": "2026-01-03",
                "metric": "nps",
                "score": 3.0,
                "comment": "  ",
            },
            {
                "customer_id": "e",
                "date": "2026-01-03",
                "metric": "nps",
                "score": 11.0,
                "comment": "invalid",
            },
            {
                "customer_id": "f",
                "date": "2026-01-03",
                "metric": "csi",
                "score": 3.0,
                "comment": "csi",
            },
            {
                "customer_id": "g",
                "date": "2026-01-03",
                "metric": "nps",
                "score": 9.0,
                "comment": "paid",
                "incentivized": True,
            },
            {
                "customer_id": "h",
                "date": "2026-09-03",
                "metric": "nps",
                "score": 9.0,
                "comment": "later",
            },
        ],
    )
    pairs = comment_groups(responses, as_of=d("2026-06-30"))
    assert pairs == [("promoter", "Быстрая доставка"), ("passive", "ok"), ("detractor", "Дорого")]
    pairs = comment_groups(responses, as_of=d("2026-06-30"), include_incentivized=True)
    assert ("promoter", "paid") in pairs
