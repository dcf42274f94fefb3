"""Errors a user can cause. Each carries a text key so the message can be shown in any language.

Rejected rows are user errors too, one row at a time: a :class:`Reject` holds the reason as a
code (a text key) with its parameters, and :func:`reject_text` is the one way to show it.
Nothing here translates at import time: :mod:`cxray.texts` is imported when a text is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass


class CxrayError(Exception):
    """A problem with the user's input (file, column, parameter). The CLI prints it as one line
    and exits non-zero; nothing in the workspace has changed when it is raised.

    ``params`` are codes and values, never translated text. A parameter that is itself a text
    -- a dict ``{"key": <text key>, "params": {...}}``, e.g. the reason of a rejected row (see
    :meth:`Reject.as_text`) -- is translated in the language of the message that shows it.
    """

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (``en`` or ``ru``): the one way to show an error."""
        from cxray.texts import t

        params = {name: _shown(value, lang) for name, value in self.params.items()}
        return t(self.key, lang=lang, **params)


@dataclass(frozen=True)
class Reject:
    """One rejected row of an import: its row number in the file (the header is row 1) and why,
    as the reason code ``problem`` (a text key such as ``bad_date``) with its parameters
    ``column`` and ``value`` (either may be None). Show it with :func:`reject_text`."""

    row: int
    problem: str
    column: str | None = None
    value: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    def as_text(self) -> dict:
        """The reason as a nested text parameter of a :class:`CxrayError` (see there)."""
        return {"key": self.problem, "params": _reason_params(self.column, self.value)}


def reject_text(reject: Reject | Mapping, lang: str | None = None) -> str:
    """Why a row was rejected, in ``lang`` (default: the current language), e.g.
    ``order_date: 'вчера' is not a date (yyyy-mm-dd or dd.mm.yyyy)``.

    ``reject`` is a :class:`Reject` (``ImportResult.first_rejects``) or a mapping with the keys
    ``problem``, ``column`` and ``value`` (a row of the ``_rejects`` table).
    """
    from cxray.texts import t

    if isinstance(reject, Mapping):
        problem, column, value = reject["problem"], reject.get("column"), reject.get("value")
    else:
        problem, column, value = reject.problem, reject.column, reject.value
    return t(problem, lang=lang, **_reason_params(column, value))


def _reason_params(column: str | None, value: str | None) -> dict[str, str]:
    return {"column": column or "", "value": value or ""}


def _shown(value: object, lang: str | None) -> object:
    """A parameter as shown: a nested text (``{"key": ..., "params": ...}``) translated."""
    if isinstance(value, Mapping) and isinstance(value.get("key"), str):
        from cxray.texts import t

        nested = {k: _shown(v, lang) for k, v in (value.get("params") or {}).items()}
        return t(value["key"], lang=lang, **nested)
    return value
