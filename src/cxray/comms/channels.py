"""Channel names as exports write them, read as one name per channel: ``E-mail``, ``e-mail``,
``эл. почта`` and ``email`` are all ``email``, so that a consent, a send and a campaign on the
same channel always meet. :data:`CHANNEL_SYNONYMS` is the built-in table; a name it does not know
stays as it is (trimmed, inner spaces made one, lower case).

A workspace extends the table with its own spellings (the setting ``channel_synonyms``, read by
:func:`cxray.workspace.parse_channel_synonyms`): the ``extra`` mapping ``spelling -> channel``
that :func:`channel_name` and :func:`channel_column` take. An extra spelling wins over a built-in
one (a workspace whose exports say ``mail`` for paper mail writes ``mail=post``); its channel is
read through the built-in table (``мыло=E-mail`` means ``email``) and may be a channel the table
does not know."""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from cxray.analytics.text import strip_spaces

CHANNEL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e-mail", "e mail", "mail", "эл. почта", "эл.почта", "электронная почта",
              "емейл", "имейл", "имэйл", "e-mail рассылка"),
    "sms": ("sms", "смс", "sms-рассылка", "смс-рассылка", "text message"),
    "phone": ("phone", "call", "calls", "telephone", "телефон", "звонок", "звонки"),
    "push": ("push", "push-уведомления", "пуш", "пуш-уведомления"),
    "whatsapp": ("whatsapp", "ватсап", "вотсап"),
    "telegram": ("telegram", "телеграм", "телеграмм"),
    "viber": ("viber", "вайбер"),
}  # fmt: skip
"""Each channel's name and the spellings that mean it (lower case)."""

_CANONICAL = {
    spelling: name for name, spellings in CHANNEL_SYNONYMS.items() for spelling in spellings
}


def _plain(text: object) -> str:
    return " ".join(str(text).split()).lower()


def channel_table(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Spelling -> channel: the built-in table with the ``extra`` spellings on top."""
    table = dict(_CANONICAL)
    for spelling, channel in (extra or {}).items():
        table[_plain(spelling)] = _CANONICAL.get(_plain(channel), _plain(channel))
    return table


def channel_name(text: str, extra: Mapping[str, str] | None = None) -> str:
    """The channel ``text`` names (``"E-mail"`` -> ``"email"``), with the ``extra`` spellings."""
    plain = _plain(text)
    return channel_table(extra).get(plain, plain)


def channel_column(column: ir.Value, extra: Mapping[str, str] | None = None) -> ir.StringValue:
    """:func:`channel_name` of every value of ``column``, in the backend."""
    spaced = strip_spaces(column.cast("string")).re_replace(r"\s+", " ")
    plain = spaced.lower()
    names: dict[str, list[str]] = {}
    for spelling, name in channel_table(extra).items():
        names.setdefault(name, []).append(spelling)
    # the written forms too: some backends (SQLite) lower-case ASCII letters only
    return ibis.cases(
        *(
            (plain.isin(spellings) | spaced.isin(_written(spellings)), name)
            for name, spellings in names.items()
        ),
        else_=plain,
    )


def _written(spellings: list[str]) -> list[str]:
    """``spellings`` as they may be written: E-MAIL, Эл. почта, Электронная Почта ..."""
    forms = (str.upper, str.capitalize, str.title)
    return sorted({form(s) for s in spellings for form in forms})
