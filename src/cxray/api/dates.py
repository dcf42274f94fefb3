"""Dates as the API takes them: a ``datetime.date`` or text (``yyyy-mm-dd`` or ``dd.mm.yyyy``)."""

from __future__ import annotations

import datetime as dt

from cxray.errors import CxrayError

DateLike = dt.date | str | None


def parse_day(value: DateLike, name: str = "as_of") -> dt.date | None:
    """A date from a ``datetime.date`` or text (``yyyy-mm-dd`` or ``dd.mm.yyyy``); None stays
    None. CxrayError ``bad_date_option`` naming ``name`` otherwise."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    raise CxrayError("bad_date_option", option=name, value=str(value))
