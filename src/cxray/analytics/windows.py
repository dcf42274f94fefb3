"""Date windows shared by the reports: month arithmetic done in Python, bounds passed as literals.

Month arithmetic with SQL intervals is not portable between Ibis backends, so every window is
computed here as a pair of Python dates and compared against columns as literals. All windows
are half-open intervals ``(start, end]``: the start date is excluded, the end date (usually
``as_of``) is included, so consecutive windows never overlap and together cover exactly the span
they split.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

__all__ = [
    "Window",
    "add_months",
    "day_window",
    "month_period_index",
    "month_periods",
    "trailing_window",
    "yearly_periods",
]


def check_as_of(as_of: object) -> None:
    """Raise TypeError unless ``as_of`` is a plain ``datetime.date`` (not a datetime)."""
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise TypeError(f"as_of must be a datetime.date, got {as_of!r}")


def add_months(d: dt.date, months: int) -> dt.date:
    """Shift a date by a whole number of months (negative goes back), clamping to the month end.

    The day of month is kept when the target month has it, otherwise it becomes the target month's
    last day::

        >>> add_months(dt.date(2026, 3, 31), -1)
        datetime.date(2026, 2, 28)
        >>> add_months(dt.date(2024, 1, 31), 1)
        datetime.date(2024, 2, 29)
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"add_months: {d.isoformat()} shifted by {months} months is out of range")
    day = min(d.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


@dataclass(frozen=True)
class Window:
    """The half-open date interval ``(start, end]``: ``start`` excluded, ``end`` included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(
                f"Window start {self.start.isoformat()} is after its end {self.end.isoformat()}"
            )

    def contains(self, col: ir.Value) -> ir.BooleanValue:
        """The Ibis condition ``start < col <= end`` for a date column ``col``.

        Null dates are not contained (the condition is null, which filters treat as false).
        """
        return (col > ibis.literal(self.start)) & (col <= ibis.literal(self.end))

    def __contains__(self, d: dt.date) -> bool:
        """``d in window`` for a Python date, with the same bounds as :meth:`contains`."""
        return self.start < d <= self.end

    @property
    def days(self) -> int:
        """Number of days the window covers."""
        return (self.end - self.start).days


def _check_months(months: int, name: str = "months") -> None:
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValueError(f"{name} must be a positive whole number of months, got {months!r}")


def trailing_window(as_of: dt.date, months: int) -> Window:
    """The ``months`` months up to and including ``as_of``: ``(add_months(as_of, -months), as_of]``.

    >>> trailing_window(dt.date(2026, 6, 30), 24)
    Window(start=datetime.date(2024, 6, 30), end=datetime.date(2026, 6, 30))
    """
    _check_months(months)
    return Window(add_months(as_of, -months), as_of)


def day_window(as_of: dt.date, days: int) -> Window:
    """The ``days`` days up to and including ``as_of``: ``(as_of - days, as_of]``.

    With ``days=365`` a date exactly 365 days before ``as_of`` is outside, 364 days before is
    inside.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"days must be a positive whole number of days, got {days!r}")
    return Window(as_of - dt.timedelta(days=days), as_of)


def yearly_periods(as_of: dt.date, months: int) -> list[Window]:
    """Split the trailing ``months`` window into consecutive 12-month periods, most recent first.

    Periods count back from ``as_of``; when ``months`` is not a multiple of 12 the oldest period is
    the shorter remainder. Every bound is computed from ``as_of`` directly, so month-end clamping
    never drifts, and the periods together cover exactly ``trailing_window(as_of, months)``::

        >>> periods = yearly_periods(dt.date(2026, 6, 30), 18)
        >>> [(w.start.isoformat(), w.end.isoformat()) for w in periods]
        [('2025-06-30', '2026-06-30'), ('2024-12-30', '2025-06-30')]
    """
    _check_months(months)
    periods = []
    for back in range(0, months, 12):
        periods.append(Window(add_months(as_of, -min(back + 12, months)), add_months(as_of, -back)))
    return periods


def month_periods(as_of: dt.date, n: int) -> list[Window]:
    """``n`` consecutive one-month periods counting back from ``as_of``, most recent first.

    Period ``k`` (0-based) is ``(add_months(as_of, -k - 1), add_months(as_of, -k)]``; together they
    cover exactly ``trailing_window(as_of, n)``.
    """
    _check_months(n, "n")
    return [Window(add_months(as_of, -k - 1), add_months(as_of, -k)) for k in range(n)]


def month_period_index(date: ir.DateValue, as_of: dt.date) -> ir.IntegerValue:
    """The ``k`` of the :func:`month_periods` period holding ``date``, for dates on or before
    ``as_of`` (``k`` grows without bound into the past; filter to the window first).

    ``date`` lies ``j`` calendar months before ``as_of`` (``12 * (year(as_of) - year(date)) +
    month(as_of) - month(date)``), and ``add_months(as_of, -j)`` is the day ``min(as_of.day,
    length of date's month)`` of date's month: ``date`` is on or before it (period ``j``) exactly
    when its day is at most ``as_of.day``, else it is in period ``j - 1``. Integer arithmetic,
    a few operations whatever the number of periods."""
    check_as_of(as_of)
    months = (as_of.year - date.year()) * 12 + (as_of.month - date.month())
    return (months - (date.day() > as_of.day).cast("int64")).cast("int64")
