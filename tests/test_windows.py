"""Date windows: month arithmetic in Python, half-open (start, end] bounds, yearly and monthly
splits."""

from __future__ import annotations

import datetime as dt

import ibis
import pytest
from conftest import d

from cxray.analytics.windows import (
    Window,
    add_months,
    day_window,
    month_period_index,
    month_periods,
    trailing_window,
    yearly_periods,
)


def bounds(windows: list[Window]) -> list[tuple[str, str]]:
    return [(w.start.isoformat(), w.end.isoformat()) for w in windows]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-03-31", -1, "2026-02-28"),  # February 2026 has 28 days: clamp
        ("2024-03-31", -1, "2024-02-29"),  # leap year
        ("2026-01-31", 1, "2026-02-28"),
        ("2026-05-31", -1, "2026-04-30"),
        ("2025-12-15", 1, "2026-01-15"),  # across the year end
        ("2026-01-15", -13, "2024-12-15"),
        ("2026-06-30", -24, "2024-06-30"),
        ("2026-06-30", 0, "2026-06-30"),
        ("2024-02-29", 12, "2025-02-28"),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(d(start), months) == d(expected)


def test_trailing_window_is_start_exclusive_end_inclusive():
    w = trailing_window(d("2026-06-30"), 24)
    assert w == Window(d("2024-06-30"), d("2026-06-30"))
    assert d("2024-06-30") not in w
    assert d("2024-07-01") in w
    assert d("2026-06-30") in w
    assert d("2026-07-01") not in w


def test_day_window_boundary():
    w = day_window(d("2026-06-30"), 365)
    # 2026-06-30 - 365 days = 2025-06-30 (no 29 February in between): excluded; 364 days: included
    assert w.start == d("2025-06-30")
    assert d("2025-06-30") not in w
    assert d("2025-07-01") in w
    assert w.days == 365


def test_yearly_periods_18_months_gives_12_then_6():
    periods = yearly_periods(d("2026-06-30"), 18)
    assert bounds(periods) == [
        ("2025-06-30", "2026-06-30"),  # most recent 12 months
        ("2024-12-30", "2025-06-30"),  # the remaining 6 months
    ]


def test_yearly_periods_whole_years_and_remainder():
    assert bounds(yearly_periods(d("2026-06-30"), 24)) == [
        ("2025-06-30", "2026-06-30"),
        ("2024-06-30", "2025-06-30"),
    ]
    assert bounds(yearly_periods(d("2026-06-30"), 12)) == [("2025-06-30", "2026-06-30")]
    assert bounds(yearly_periods(d("2026-06-30"), 5)) == [("2026-01-30", "2026-06-30")]
    assert bounds(yearly_periods(d("2026-03-31"), 30)) == [
        ("2025-03-31", "2026-03-31"),
        ("2024-03-31", "2025-03-31"),
        ("2023-09-30", "2024-03-31"),  # 30 - 24 = 6 months
    ]


def test_month_periods_from_a_month_end_are_calendar_months():
    # each bound is computed from as_of and clamped, so no drift: 31 May -> 30 April -> 31 March
    assert bounds(month_periods(d("2026-05-31"), 4)) == [
        ("2026-04-30", "2026-05-31"),
        ("2026-03-31", "2026-04-30"),
        ("2026-02-28", "2026-03-31"),
        ("2026-01-31", "2026-02-28"),
    ]


@pytest.mark.parametrize("as_of", ["2026-06-30", "2026-03-31", "2024-02-29", "2026-01-15"])
@pytest.mark.parametrize("months", [1, 5, 12, 18, 24, 36])
def test_splits_are_contiguous_and_cover_the_trailing_window(as_of, months):
    whole = trailing_window(d(as_of), months)
    for periods in (yearly_periods(d(as_of), months), month_periods(d(as_of), months)):
        assert periods[0].end == whole.end
        assert periods[-1].start == whole.start
        for newer, older in zip(periods, periods[1:], strict=False):
            assert older.end == newer.start
    assert len(month_periods(d(as_of), months)) == months
    assert len(yearly_periods(d(as_of), months)) == -(-months // 12)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_bad_month_counts_raise(bad):
    with pytest.raises(ValueError, match="months"):
        trailing_window(d("2026-06-30"), bad)
    with pytest.raises(ValueError, match="months"):
        yearly_periods(d("2026-06-30"), bad)
    with pytest.raises(ValueError, match="n must"):
        month_periods(d("2026-06-30"), bad)


def test_window_rejects_start_after_end():
    with pytest.raises(ValueError, match="after its end"):
        Window(d("2026-06-30"), d("2026-01-01"))


def test_contains_on_backend(load):
    # window (2026-01-31, 2026-02-28]: the start day is out, the end day is in
    rows = [
        {"customer_id": "c", "date": d(text)}
        for text in ["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-28", "2026-03-01"]
    ]
    interactions = load("interactions", rows)
    w = Window(d("2026-01-31"), d("2026-02-28"))
    inside = interactions.filter(w.contains(interactions.date)).order_by("date")
    assert [r["date"] for r in inside.select("date").to_pyarrow().to_pylist()] == [
        d("2026-02-01"),
        d("2026-02-28"),
    ]
    # usable as a column expression too (not only in filters)
    flags = interactions.select(inside=w.contains(interactions.date)).inside.sum()
    assert flags.execute() == 2
    assert isinstance(w.contains(interactions.date), ibis.expr.types.BooleanValue)


@pytest.mark.parametrize(
    "as_of", ["2024-03-31", "2024-02-29", "2025-02-28", "2025-03-30", "2025-01-31", "2025-06-15"]
)
def test_month_period_index_agrees_with_the_periods(load, as_of):
    # every day of the 14 months before as_of, its period found by walking the periods' bounds
    end = d(as_of)
    periods = month_periods(end, 14)
    days = [end - dt.timedelta(days=k) for k in range((end - periods[-1].start).days)]
    expected = {day: next(k for k, p in enumerate(periods) if day in p) for day in days}
    table = load("interactions", [{"customer_id": "c", "date": day} for day in days])
    got = table.select("date", k=month_period_index(table.date, end)).to_pyarrow().to_pylist()
    assert {row["date"]: row["k"] for row in got} == expected
