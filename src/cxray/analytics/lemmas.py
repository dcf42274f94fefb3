"""Lemmas of Russian and English words, shared by feedback themes and the offer lint.

Each word is lemmatized by its script: Cyrillic with pymorphy3 (``normal_form`` of the most
probable parse, "ё" written as "е"), Latin with simplemma (English); other scripts are kept as
they are. Words are runs of letters, lower-cased; digits are not words.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["WORD", "lemma", "lemmas_of", "words"]

WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[а-я]")
_LATIN = re.compile(r"[a-z]")


@lru_cache(maxsize=1)
def _morph():
    """The pymorphy3 Russian analyzer, created once (loading dictionaries takes a moment)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=100_000)
def lemma(word: str) -> str:
    """The lemma of one lower-case word ("ё" as "е")."""
    if _CYRILLIC.search(word):
        return _morph().parse(word)[0].normal_form.replace("ё", "е")
    if _LATIN.search(word):
        import simplemma

        return simplemma.lemmatize(word, lang="en").lower()
    return word


@lru_cache(maxsize=100_000)
def lemmas_of(word: str) -> frozenset[str]:
    """Every lemma ``word`` may have: the normal forms of all its pymorphy3 parses (Cyrillic;
    "стали" is "стать" or "сталь"), its simplemma lemma and itself (Latin); for comparing words
    whose most probable parse may differ."""
    if _CYRILLIC.search(word):
        return frozenset(p.normal_form.replace("ё", "е") for p in _morph().parse(word))
    return frozenset({lemma(word), word})


def words(text: str) -> list[str]:
    """The words of ``text`` in order, lower-cased, "ё" written as "е"."""
    return WORD.findall(text.lower().replace("ё", "е"))
