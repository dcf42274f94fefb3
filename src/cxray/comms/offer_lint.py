"""The offer lint: what an offer's text says that nobody can act on, and what it leaves out.

Three checks, each a list of codes (``to_dict()``), never a refusal: the author decides.

1. **Stop phrases**: claims every competitor makes ("лучшее качество", "индивидуальный подход",
   "wide range"). :data:`STOP_PHRASES` is the built-in list, Russian and English; the workspace
   setting ``offer_stop_phrases`` adds to it. A phrase is found through its inflected forms:
   the text and the phrase are compared as sequences of lemmas (:mod:`cxray.analytics.lemmas`),
   so "лучшего качества" and "с индивидуальным подходом" are caught. Comparatives and
   superlatives share their adjective's lemma: "лучший" is "хороший", so "хорошее качество" is
   caught by "лучшее качество" too.
2. **Missing specifics** (:data:`SPECIFICS`, in this order):
   - ``number``: no digit at all;
   - ``unit``: no number with a unit or a currency after it ("7%", "16 упаковок", "500 ₽",
     "$20", "3 days"): a number alone is not an offer;
   - ``deadline``: no date (``31.12``, ``2026-12-31``), month name or deadline word
     (:data:`DEADLINE_WORDS`: "до конца", "сегодня", "until", "expires" ...);
   - ``benefit``: no named benefit for the client (:data:`BENEFIT_WORDS`: "скидка", "бесплатно",
     "подарок", "free", "discount" ...).
3. **The value proposition template** (:data:`VP_PARTS`): for whom, which job, which pain,
   which gain, which proof. A part is present when the text holds one of its marker words
   (:data:`VP_MARKERS`: "для" / "for"; "чтобы" / "helps"; "проблема" / "hassle"; the benefit
   words and "получить" / "save"; "гарантия" / "reviews", or a number of years or clients), or
   names it as a heading ("Задача: ...", "Боль: ...", "Proof: ..."). Markers are a reminder,
   not a reading of the text: a part the lint names as missing may be there in other words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cxray.analytics.lemmas import WORD, lemma, lemmas_of

__all__ = [
    "SPECIFICS",
    "STOP_PHRASES",
    "VP_PARTS",
    "OfferLint",
    "lint_offer",
]

STOP_PHRASES: tuple[str, ...] = (
    # Russian
    "лучшее качество", "высокое качество", "отличное качество", "европейское качество",
    "индивидуальный подход", "широкий ассортимент", "широкий выбор", "богатый ассортимент",
    "выгодные условия", "выгодное предложение", "гибкие условия", "индивидуальные условия",
    "гибкая система скидок", "лучшие цены", "доступные цены", "низкие цены",
    "оптимальное соотношение цены и качества", "уникальное предложение",
    "команда профессионалов", "профессиональная команда", "многолетний опыт",
    "надежный партнер", "высокий уровень сервиса", "качественный сервис", "лидер рынка",
    "динамично развивающаяся компания", "в кратчайшие сроки", "клиентоориентированный подход",
    # English
    "best quality", "high quality", "premium quality", "individual approach",
    "personal approach", "wide range", "wide selection", "competitive prices", "best prices",
    "affordable prices", "flexible terms", "unique offer", "great deal", "team of professionals",
    "years of experience", "reliable partner", "market leader", "excellent service",
    "world class", "best in class", "one stop shop", "tailored solutions", "customer oriented",
)  # fmt: skip
"""The built-in stop phrases (see the module notes); ``offer_stop_phrases`` adds to them."""

SPECIFICS: tuple[str, ...] = ("number", "unit", "deadline", "benefit")
VP_PARTS: tuple[str, ...] = ("for_whom", "job", "pain", "gain", "proof")

UNIT_WORDS = frozenset(
    """процент рубль руб р коп копейка тысяча тыс штука шт упаковка уп пачка коробка ящик паллета
    палета бутылка банка пакет килограмм кг грамм г тонна т литр л мл метр м день сутки неделя
    месяц час минута балл бонус раз порция позиция sku
    percent rub ruble rouble usd dollar eur euro pound pack package box case pallet bottle can
    bag piece pc pcs unit item kg kilo kilogram g gram gramme t ton tonne l liter litre ml meter
    metre day week month hour minute point time serving""".split()
)
"""Words that make a number a quantity (after it: "16 упаковок", "3 days"), as lemmas."""
_CURRENCY = "%₽$€£¥"

MONTHS = frozenset(
    """январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
DEADLINE_WORDS = frozenset(
    """срок сегодня завтра послезавтра выходные успеть последний осталось
    until till deadline expire expires today tomorrow tonight weekend last hurry""".split()
)
"""Deadline words as lemmas; "до конца" / "by the end" and dates count too."""
_DEADLINE_PAIRS = (("до", "конец"), ("by", "the", "end"), ("end", "of"), ("в", "течение"))
_DATE = re.compile(r"\b\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?\b|\b\d{4}-\d{2}-\d{2}\b")

BENEFIT_WORDS = frozenset(
    """скидка бесплатно бесплатный подарок экономия сэкономить экономить бонус кэшбэк кешбэк
    выгода промокод купон дешевле бесплатная
    free discount gift save saving bonus cashback rebate voucher coupon off cheaper""".split()
)

VP_MARKERS: dict[str, frozenset[str]] = {
    "for_whom": frozenset("для for тот кто those whoever".split()),
    "job": frozenset(
        "чтобы помогать помочь позволять позволить задача help let enable allow job".split()
    ),
    "pain": frozenset(
        """проблема устать надоесть риск потеря простой задержка дефицит ошибка перебой хлопоты
        без забыть problem tired hassle risk loss delay downtime shortage stockout error pain
        worry without forget боль""".split()
    ),
    "gain": BENEFIT_WORDS
    | frozenset(
        """получить получать увеличить увеличение рост снизить сократить быстрый больше
        get increase grow growth cut reduce fast faster more boost gain""".split()
    ),
    "proof": frozenset(
        """гарантия гарантировать отзыв сертификат сертифицированный кейс рейтинг проверенный
        доверять награда доказательство guarantee review certified certificate case rating rated
        trusted trust award testimonial proof""".split()
    ),
}
"""Marker lemmas of each value-proposition part (see the module notes)."""
# a number followed by one of these is proof too: "500 клиентов", "15 лет", "since 2005"
_PROOF_AFTER_NUMBER = frozenset(
    "клиент покупатель год магазин ресторан партнер customer client year store restaurant".split()
)
_SINCE_YEAR = re.compile(r"\b(?:с|since)\s+(?:19|20)\d{2}\b")
_TOKEN = re.compile(rf"\d+(?:[.,]\d+)?|[^\W\d_]+|[{re.escape(_CURRENCY)}]")


@dataclass(frozen=True)
class OfferLint:
    """What :func:`lint_offer` found: ``stop_phrases`` (each ``phrase`` of the list and the
    words ``found`` in the text), ``missing_specifics`` (codes of :data:`SPECIFICS`) and
    ``missing_parts`` (codes of :data:`VP_PARTS`)."""

    stop_phrases: list[dict[str, str]] = field(default_factory=list)
    missing_specifics: list[str] = field(default_factory=list)
    missing_parts: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.stop_phrases or self.missing_specifics or self.missing_parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "clean": self.clean,
            "stop_phrases": [dict(p) for p in self.stop_phrases],
            "missing_specifics": list(self.missing_specifics),
            "missing_parts": list(self.missing_parts),
        }


@dataclass(frozen=True)
class _Token:
    text: str  # as written
    lemma: str  # a word's lemma; a number's or symbol's own text
    number: bool


def _tokens(text: str) -> list[_Token]:
    found = []
    for match in _TOKEN.finditer(text.lower().replace("ё", "е")):
        word = match.group()
        is_number = word[0].isdigit()
        kept = is_number or word in _CURRENCY  # numbers and signs are their own lemma
        found.append(_Token(word, word if kept else lemma(word), is_number))
    return found


def _stop_phrases(tokens: list[_Token], phrases: Iterable[str]) -> list[dict[str, str]]:
    """Each phrase whose words follow each other in the text, a word matching when the two may
    share a lemma (:func:`cxray.analytics.lemmas.lemmas_of`)."""
    forms = [lemmas_of(t.text) if not t.number else frozenset({t.text}) for t in tokens]
    found = []
    for phrase in phrases:
        wanted = [lemmas_of(w) for w in WORD.findall(phrase.lower().replace("ё", "е"))]
        n = len(wanted)
        for i in range(len(forms) - n + 1):
            if all(forms[i + k] & wanted[k] for k in range(n)):
                written = " ".join(t.text for t in tokens[i : i + n])
                found.append({"phrase": phrase, "found": written})
                break
    return found


def _has_pair(lemmas: list[str], pairs: Iterable[tuple[str, ...]]) -> bool:
    return any(
        lemmas[i : i + len(pair)] == list(pair) for pair in pairs for i in range(len(lemmas))
    )


def _after_number(tokens: list[_Token], words: frozenset[str]) -> bool:
    """A number followed by one of ``words``."""
    return any(
        tok.number and nxt.lemma in words for tok, nxt in zip(tokens, tokens[1:], strict=False)
    )


def _has_quantity(tokens: list[_Token]) -> bool:
    """A number with a unit or currency after it, or a currency sign before it ("$20")."""
    signed = any(
        tok.lemma in _CURRENCY and nxt.number for tok, nxt in zip(tokens, tokens[1:], strict=False)
    )
    return signed or _after_number(tokens, UNIT_WORDS | frozenset(_CURRENCY))


def _specifics(tokens: list[_Token], text: str) -> list[str]:
    lemmas = {t.lemma for t in tokens}
    seq = [t.lemma for t in tokens]
    present = {
        "number": any(t.number for t in tokens),
        "unit": _has_quantity(tokens),
        "deadline": bool(_DATE.search(text)) or bool(lemmas & (MONTHS | DEADLINE_WORDS))
        or _has_pair(seq, _DEADLINE_PAIRS),
        "benefit": bool(lemmas & BENEFIT_WORDS),
    }  # fmt: skip
    return [code for code in SPECIFICS if not present[code]]


def _parts(tokens: list[_Token], text: str) -> list[str]:
    lemmas = {t.lemma for t in tokens}
    seq = [t.lemma for t in tokens]
    present = {part: bool(lemmas & VP_MARKERS[part]) for part in VP_PARTS}
    present["for_whom"] |= _has_pair(seq, [("если", "вы"), ("if", "you")])
    present["pain"] |= _has_pair(seq, [("больше", "не"), ("no", "more"), ("never", "again")])
    present["proof"] |= _after_number(tokens, _PROOF_AFTER_NUMBER) or bool(
        _SINCE_YEAR.search(text.lower())
    )
    return [part for part in VP_PARTS if not present[part]]


def lint_offer(text: str, *, extra_phrases: Iterable[str] = ()) -> OfferLint:
    """Lint an offer's ``text`` (see the module notes); ``extra_phrases``: stop phrases on top
    of :data:`STOP_PHRASES`."""
    tokens = _tokens(text)
    phrases = dict.fromkeys([*STOP_PHRASES, *extra_phrases])  # in order, each once
    return OfferLint(
        stop_phrases=_stop_phrases(tokens, phrases),
        missing_specifics=_specifics(tokens, text),
        missing_parts=_parts(tokens, text),
    )
