"""Dates as the API takes them: a ``datetime.date`` or text (``yyyy-mm-dd`` or ``dd.mm.yyyy``)."""

from __future__ import annotations

import datetime as dt

from cxray.errors import CxrayError

DateLike = dt.date | str | None


# The dates an option may name: windows reach years back and forward from them, so the first and
# last years a calendar holds (0001-01-01, 9999-12-31) would leave it.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def parse_day(value: DateLike, name: str = "as_of") -> dt.date | None:
    """A date from a ``datetime.date`` or text (``yyyy-mm-dd`` or ``dd.mm.yyyy``); None stays
    None. CxrayError ``bad_date_option`` naming ``name`` otherwise, ``date_option_out_of_range``
    outside :data:`FIRST_DAY` .. :data:`LAST_DAY`."""
    if value is None:
        return None
    day = _day(value)
    if day is None:
        raise CxrayError("bad_date_option", option=name, value=str(value))
    if not FIRST_DAY <= day <= LAST_DAY:
        raise CxrayError(
            "date_option_out_of_range", option=name, value=day.isoformat(),
            first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat(),
        )  # fmt: skip
    return day


def _day(value: dt.date | str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    return None
