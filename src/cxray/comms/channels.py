"""Channel names as exports write them, read as one name per channel: ``E-mail``, ``e-mail``,
``эл. почта`` and ``email`` are all ``email``, so that a consent, a send and a campaign on the
same channel always meet. :data:`CHANNEL_SYNONYMS` is the table (extend it by adding a spelling);
a name it does not know stays as it is (trimmed, lower case)."""

from __future__ import annotations

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


def channel_name(text: str) -> str:
    """The channel ``text`` names (``"E-mail"`` -> ``"email"``)."""
    plain = " ".join(str(text).split()).lower()
    return _CANONICAL.get(plain, plain)


def channel_column(column: ir.Value) -> ir.StringValue:
    """:func:`channel_name` of every value of ``column``, in the backend."""
    spaced = strip_spaces(column.cast("string")).re_replace(r"\s+", " ")
    plain = spaced.lower()
    # the written forms too: some backends (SQLite) lower-case ASCII letters only
    return ibis.cases(
        *(
            (plain.isin(list(spellings)) | spaced.isin(_written(spellings)), name)
            for name, spellings in CHANNEL_SYNONYMS.items()
        ),
        else_=plain,
    )


def _written(spellings: tuple[str, ...]) -> list[str]:
    """``spellings`` as they may be written: E-MAIL, Эл. почта, Электронная Почта ..."""
    forms = (str.upper, str.capitalize, str.title)
    return sorted({form(s) for s in spellings for form in forms})
