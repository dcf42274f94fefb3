"""The offer lint: stop phrases through their inflected forms, each missing specific and each
missing value-proposition part named, the workspace's extra phrases, the campaign's ``message``
field, the CLI and the studio's check panel."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

import cxray
from cxray.api.offers import lint
from cxray.cli import app
from cxray.comms.campaign import check_campaign
from cxray.comms.offer_lint import SPECIFICS, STOP_PHRASES, VP_PARTS, lint_offer
from cxray.comms.studio import campaign_yaml
from cxray.errors import CxrayError

# Every Russian stop phrase of the built-in list, written in another case or number by hand.
INFLECTED = {
    "лучшее качество": "сыры лучшего качества",
    "высокое качество": "гордимся высоким качеством",
    "отличное качество": "товары отличного качества",
    "европейское качество": "с европейским качеством",
    "индивидуальный подход": "ценим индивидуального подхода",
    "широкий ассортимент": "с широким ассортиментом",
    "широкий выбор": "из широкого выбора",
    "богатый ассортимент": "в богатом ассортименте",
    "выгодные условия": "на выгодных условиях",
    "выгодное предложение": "нет выгоднее предложения",  # a comparative: caught too
    "гибкие условия": "с гибкими условиями",
    "индивидуальные условия": "на индивидуальных условиях",
    "гибкая система скидок": "с гибкой системой скидок",
    "лучшие цены": "по лучшим ценам",
    "доступные цены": "о доступных ценах",
    "низкие цены": "с низкими ценами",
    "оптимальное соотношение цены и качества": "с оптимальным соотношением цены и качества",
    "уникальное предложение": "с уникальным предложением",
    "команда профессионалов": "работа командой профессионалов",
    "профессиональная команда": "силами профессиональной команды",
    "многолетний опыт": "с многолетним опытом",
    "надежный партнер": "в лице надёжного партнёра",
    "высокий уровень сервиса": "с высоким уровнем сервиса",
    "качественный сервис": "ради качественного сервиса",
    "лидер рынка": "стали лидером рынка",
    "динамично развивающаяся компания": "в динамично развивающейся компании",
    "в кратчайшие сроки": "доставим в кратчайший срок",
    "клиентоориентированный подход": "благодаря клиентоориентированному подходу",
}

CLEAN = (
    "Для кофеен: скидка 7% на молоко при заказе от 16 упаковок до 31 декабря, чтобы бариста "
    "не остались без молока в час пик. Гарантия свежести, 300 клиентов с 2015 года."
)


def test_every_russian_stop_phrase_has_an_inflected_case():
    russian = [p for p in STOP_PHRASES if any("а" <= c <= "я" for c in p)]
    assert sorted(INFLECTED) == sorted(russian)


@pytest.mark.parametrize("phrase", sorted(INFLECTED))
def test_each_russian_stop_phrase_is_caught_through_its_inflected_form(phrase):
    found = lint_offer(INFLECTED[phrase]).stop_phrases
    assert [f["phrase"] for f in found] == [phrase]
    # the words found are the text's own, as written (lower case)
    assert found[0]["found"] in INFLECTED[phrase].replace("ё", "е")


def test_english_stop_phrases_through_plural_forms():
    text = "Wide ranges of cheese, individual approaches, competitive price"
    found = lint_offer(text).stop_phrases
    assert [f["phrase"] for f in found] == ["individual approach", "wide range",
                                            "competitive prices"]  # fmt: skip
    assert [f["found"] for f in found] == ["individual approaches", "wide ranges",
                                           "competitive price"]  # fmt: skip


def test_a_clean_offer_has_nothing_to_say():
    found = lint_offer(CLEAN)
    assert found.clean and found.to_dict() == {
        "clean": True, "stop_phrases": [], "missing_specifics": [], "missing_parts": []
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        # no digit at all: neither a number nor a number with a unit
        ("Для кофеен: скидка на молоко до конца декабря, чтобы не остаться без молока. "
         "Гарантия свежести.", ["number", "unit"]),
        # numbers, but none followed by a unit ("от 16" and "2026" alone)
        ("Для кофеен: скидка при заказе от 16 до 31.12, чтобы не остаться без молока. "
         "Гарантия свежести.", ["unit"]),
        # a quantity but no date, month or deadline word
        ("For cafes: 7% discount on 16 packs, so that baristas never run out of milk. "
         "Guaranteed fresh.", ["deadline"]),
        # no named benefit: a price is not a benefit
        ("Для кофеен: молоко по 95 ₽ за литр до 31 декабря, чтобы не остаться без молока. "
         "Гарантия свежести.", ["benefit"]),
    ],
)  # fmt: skip
def test_each_missing_specific_is_named(text, missing):
    assert lint_offer(text).missing_specifics == missing


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("Скидка 7% на 16 упаковок до 31 декабря, чтобы не остаться без молока. Гарантия.",
         ["for_whom"]),
        ("Для кофеен: скидка 7% на 16 упаковок до 31 декабря. Гарантия свежести.",
         ["job", "pain"]),
        ("Для кофеен: скидка 7% на 16 упаковок до 31 декабря, чтобы бариста успели к часу пик."
         " Гарантия свежести.", ["pain"]),
        ("Для кофеен: 16 упаковок до 31 декабря, чтобы не остаться без молока. Гарантия.",
         ["gain"]),
        ("Для кофеен: скидка 7% на 16 упаковок до 31 декабря, чтобы не остаться без молока.",
         ["proof"]),
    ],
)  # fmt: skip
def test_each_missing_value_proposition_part_is_named(text, missing):
    assert lint_offer(text).missing_parts == missing


def test_headings_name_the_parts():
    text = "Задача: запас на выходные. Боль: пустая витрина. Proof: 3 отзыва."
    assert [p for p in VP_PARTS if p not in lint_offer(text).missing_parts] == [
        "job", "pain", "proof"
    ]  # fmt: skip


def test_codes_are_in_a_fixed_order():
    found = lint_offer("Просто текст")
    assert found.missing_specifics == list(SPECIFICS)
    assert found.missing_parts == list(VP_PARTS)


def test_extra_phrases_add_to_the_list():
    text = "Всё для вас и никаких скрытых платежей"
    assert lint_offer(text).stop_phrases == []
    found = lint(text, ["всё для вас", "скрытые платежи"]).to_dict()["stop_phrases"]
    assert found == [{"phrase": "всё для вас", "found": "все для вас"},
                     {"phrase": "скрытые платежи", "found": "скрытых платежей"}]  # fmt: skip


# --- the workspace setting, the campaign's message, the CLI --------------------------------


def _campaign(**extra):
    return {
        "id": "milk-2026-12", "channel": "email", "holdout": 0.2,
        "brief": {"why": "w", "target": "t", "must_not_receive": "m", "expected_effect": "e",
                  "measure": {"metric": "conversion", "window_days": 30},
                  "client_benefit": "b"},
        **extra,
    }  # fmt: skip


def test_a_campaign_message_is_linted_by_check():
    checked = cxray.campaign(_campaign(message="Лучшие цены на молоко!")).check().to_dict()
    assert [p["phrase"] for p in checked["offer"]["stop_phrases"]] == ["лучшие цены"]
    assert checked["campaign"]["message"] == "Лучшие цены на молоко!"
    assert cxray.campaign(_campaign()).check().to_dict()["offer"] is None


def test_a_message_that_is_not_text_is_refused():
    with pytest.raises(CxrayError) as err:
        check_campaign(_campaign(message=["a", "b"]), "c.yaml")
    assert err.value.key == "campaign_not_text" and err.value.params["field"] == "message"


def test_the_studio_keeps_the_message_in_the_file_it_writes():
    campaign = check_campaign(_campaign(message="Скидка 7%"), "c.yaml").to_dict()
    assert yaml.safe_load(campaign_yaml(campaign))["message"] == "Скидка 7%"
    assert "message" not in yaml.safe_load(campaign_yaml(check_campaign(_campaign()).to_dict()))


def test_cli_lints_text_and_a_windows_1251_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    (tmp_path / "offer.txt").write_bytes("Широкий ассортимент сыров".encode("cp1251"))
    out = runner.invoke(app, ["offer", "lint", "offer.txt", "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    assert payload["text"] == "Широкий ассортимент сыров"
    assert [p["phrase"] for p in payload["stop_phrases"]] == ["широкий ассортимент"]
    shown = runner.invoke(app, ["--lang", "ru", "offer", "lint", CLEAN])
    assert shown.exit_code == 0 and "штампов нет" in shown.output


def test_the_workspace_setting_extends_the_list(tmp_path):
    ws = str(tmp_path / "ws")
    runner = CliRunner()
    assert runner.invoke(app, ["-w", ws, "init"]).exit_code == 0
    bad = runner.invoke(app, ["-w", ws, "settings", "set", "offer_stop_phrases", "; 123 ;"])
    assert bad.exit_code == 1
    ok = runner.invoke(app, ["-w", ws, "settings", "set", "offer_stop_phrases",
                             "всё  для вас;\nno hidden fees"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert cxray.open(ws).get_setting("offer_stop_phrases") == "всё для вас; no hidden fees"
    out = runner.invoke(app, ["-w", ws, "offer", "lint", "Всё для вас!", "--json"])
    assert [p["phrase"] for p in json.loads(out.output)["stop_phrases"]] == ["всё для вас"]
