"""Themes of feedback comments: the most frequent lemmas and two-word phrases per answer group.

Text processing, per comment:

1. lower-case, "ё" -> "е"; split into chunks at punctuation (``.,;:!?`` and the like) so phrases
   never cross a sentence or clause;
2. words are runs of letters (digits and numbers are dropped);
3. each word is lemmatized by its script (:mod:`cxray.analytics.lemmas`: pymorphy3 for
   Cyrillic, simplemma for English);
4. stop words (built-in Russian and English lists, with feedback fillers such as "очень",
   "всё", "very", "really") are removed, checked on both the word and its lemma;
5. themes are single lemmas ("word") and two-word phrases ("phrase"): consecutive lemmas of a
   chunk once stop words are removed, joined by a space (lemmas, so "быстрой доставкой" gives
   "быстрый доставка").

Counts are of COMMENTS containing the theme, not occurrences. Examples are the shortest comments
containing the theme (ties by text), so the output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from cxray.analytics.lemmas import WORD, lemma
from cxray.analytics.text import strip_spaces
from cxray.analytics.windows import check_as_of

__all__ = ["STOP_WORDS", "Theme", "comment_groups", "lemmas", "themes"]

_RU_STOP = """
а без более бы был была были было быть в вам вас весь во вот все всего всех всё вы где да даже
для до его ее её если есть еще ещё же за здесь и из или им их к как какой когда кто ли либо мне
много может мой мы на над надо наш не него нее неё нет ни них но ну о об однако он она они оно
от очень по под после потому при про раз с свой себя сейчас со так такой также там тем то тогда
того тоже только том тот тут ты у уже хотя чем через что чтобы чтоб эта эти это этот я
всегда просто вообще спасибо пожалуйста вс который мочь свой наш ваш весьма довольно
""".split()

_EN_STOP = """
a about above after again all also am an and any are as at be because been before being below
between both but by can could did do does doing done down during each few for from further get
got had has have having he her here hers him his how i if in into is it its itself just me more
most my no nor not now of off on once only or other our out over own please same she should so
some such than thank thanks that the their them then there these they this those through to too
under until up us very was we were what when where which while who whom why will with would you
your really quite lot much many thing things
""".split()

#: The built-in stop words (lemmas and word forms), Russian and English, "ё" written as "е".
STOP_WORDS: frozenset[str] = frozenset(w.replace("ё", "е") for w in _RU_STOP + _EN_STOP)

_CHUNK = re.compile(r"[.,;:!?()\[\]\"«»…\n\r\t]+|\s[-–—]\s")


def _chunks(text: str) -> list[list[str]]:
    """Lemmas without stop words, per chunk of the comment."""
    text = text.lower().replace("ё", "е")
    out = []
    for chunk in _CHUNK.split(text):
        kept = []
        for word in WORD.findall(chunk):
            if len(word) < 2 or word in STOP_WORDS:
                continue
            found = lemma(word)
            if found in STOP_WORDS:
                continue
            kept.append(found)
        if kept:
            out.append(kept)
    return out


def lemmas(text: str) -> list[str]:
    """The lemmas of ``text`` without stop words, in order (see the module doc)."""
    return [word for chunk in _chunks(text) for word in chunk]


@dataclass(frozen=True)
class Theme:
    """A frequent lemma or phrase of a group: ``text``, ``kind`` ("word" or "phrase"),
    ``count`` (comments containing it), ``share`` (count / the group's comments) and
    ``examples`` (the shortest comments containing it)."""

    text: str
    kind: str
    count: int
    share: float
    examples: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["examples"] = list(self.examples)
        return d


def themes(
    comments: list[tuple[str, str]], *, top: int = 10, examples: int = 2
) -> dict[str, list[Theme]]:
    """Themes per group from ``(group, comment)`` pairs (groups such as promoter / passive /
    detractor, as the caller gives them).

    For each group: the ``top`` most frequent single lemmas followed by the ``top`` most frequent
    two-word phrases, each sorted by comment count descending then text. Empty or blank
    comments are skipped (and not counted in the group's comments). Groups come in the order
    of their first comment.
    """
    for name, value in (("top", top), ("examples", examples)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
    by_group: dict[str, list[str]] = {}
    for group, comment in comments:
        if comment is None or not str(comment).strip():
            continue
        by_group.setdefault(str(group), []).append(str(comment).strip())

    result: dict[str, list[Theme]] = {}
    for group, texts in by_group.items():
        holders: dict[tuple[str, str], set[int]] = {}
        for i, text in enumerate(texts):
            for chunk in _chunks(text):
                for word in chunk:
                    holders.setdefault(("word", word), set()).add(i)
                for a, b in zip(chunk, chunk[1:], strict=False):
                    holders.setdefault(("phrase", f"{a} {b}"), set()).add(i)
        n = len(texts)
        out: list[Theme] = []
        for kind in ("word", "phrase"):
            ranked = sorted(
                ((text, ids) for (k, text), ids in holders.items() if k == kind),
                key=lambda item: (-len(item[1]), item[0]),
            )[:top]
            for text, ids in ranked:
                shortest = sorted({texts[i] for i in ids}, key=lambda s: (len(s), s))
                out.append(Theme(text, kind, len(ids), len(ids) / n, tuple(shortest[:examples])))
        result[group] = out
    return result


def comment_groups(
    responses: ir.Table,
    *,
    as_of: dt.date,
    include_incentivized: bool = False,
) -> list[tuple[str, str]]:
    """``(group, comment)`` pairs of the valid NPS answers with a non-blank comment dated on or
    before ``as_of`` (group: promoter / passive / detractor; incentivized answers left out unless
    ``include_incentivized``), ordered by date then customer. Executes one small query."""
    from cxray.analytics.feedback import _annotate, nps_group

    check_as_of(as_of)
    t = _annotate(responses.filter(responses.date <= ibis.literal(as_of)), {})
    t = t.filter(
        t.metric == "nps",
        t.problem.isnull(),
        t.comment.notnull(),
        strip_spaces(t.comment) != "",
    )
    if not include_incentivized:
        t = t.filter(~t.incentivized.fill_null(False))
    frame = (
        t.select("date", "customer_id", "comment", group=nps_group(t.score))
        .order_by(["date", "customer_id"])
        .to_pandas()
    )
    return [(str(g), str(c)) for g, c in zip(frame.group, frame.comment, strict=True)]
