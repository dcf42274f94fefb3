"""RFM scores, segments and the segment summary on hand-computed data, on DuckDB and SQLite."""

from __future__ import annotations

import datetime as dt

import ibis
import pytest
from conftest import d

from cxray.analytics.rfm import (
    SEGMENT_RULES,
    SEGMENTS,
    _segment_expr,
    rfm,
    rfm_segments,
    segment_of,
)

AS_OF = d("2026-06-30")
# window (24 months): (2024-06-30, 2026-06-30]

_order_no = iter(range(1, 10_000))


def line(cid: str, date: str, amount: float) -> dict:
    return {
        "order_id": f"o{next(_order_no)}",
        "customer_id": cid,
        "order_date": d(date),
        "amount": float(amount),
        "line_no": 1,
    }


ORDERS = [
    # c1: last 2026-06-30 -> recency 0; dates 2026-06-30, 2025-01-10 -> frequency 2; 180
    line("c1", "2026-06-30", 100),
    line("c1", "2026-06-30", 50),  # same date: counts once
    line("c1", "2025-01-10", 30),
    line("c1", "2026-07-01", 777),  # after as_of: ignored
    # c2: recency 29 (June has 30 days: 06-01 -> 06-30); frequency 1; 500
    line("c2", "2026-06-01", 500),
    # c3: recency 29; frequency 3; 120
    line("c3", "2026-06-01", 40),
    line("c3", "2025-06-01", 40),
    line("c3", "2024-07-01", 40),
    # c4: recency 365; frequency 1; 200 - 50 (return) = 150
    line("c4", "2025-06-30", 200),
    line("c4", "2025-06-30", -50),
    # c5: recency 365 + 364 = 729 (2024-07-01 -> 2025-07-01 -> 2026-06-30); frequency 1; 60
    line("c5", "2024-07-01", 60),
    line("c5", "2024-06-30", 999),  # on the window start: out
    # c6: recency 61 (04-30 -> 05-31 -> 06-30); frequency 4; 40
    line("c6", "2024-12-31", 10),
    line("c6", "2025-12-31", 10),
    line("c6", "2026-03-31", 10),
    line("c6", "2026-04-30", 10),
    # old: only on the window start: not scored
    line("old", "2024-06-30", 1000),
]

# n = 6 customers, score = 1 + floor(5 * (rank_min - 1) / 6), rank_min in ascending goodness:
#   rank_min - 1:       0  1  2  3  4  5
#   score:              1  1  2  3  4  5
# recency (most days first): c5 729 (0), c4 365 (1), c6 61 (2), c2 = c3 29 (3, tied), c1 0 (5)
#   -> r: c5 1, c4 1, c6 2, c2 3, c3 3, c1 5
# frequency: c2 = c4 = c5 1 (0, tied), c1 2 (3), c3 3 (4), c6 4 (5)
#   -> f: c2 1, c4 1, c5 1, c1 3, c3 4, c6 5
# monetary: c6 40 (0), c5 60 (1), c3 120 (2), c4 150 (3), c1 180 (4), c2 500 (5)
#   -> m: c6 1, c5 1, c3 2, c4 3, c1 4, c2 5
# fm = floor((f + m + 1) / 2): c1 (3+4) 3.5 -> 4, c2 (1+5) 3, c3 (4+2) 3, c4 (1+3) 2, c5 1, c6 3
# segment: c1 r5 fm4 champions, c2 r3 fm3 need_attention, c3 r3 fm3 need_attention,
#          c4 r1 fm2 lost, c5 r1 fm1 lost, c6 r2 fm3 at_risk
EXPECTED = {
    # cid: (recency, frequency, monetary, r, f, m, fm, segment)
    "c1": (0, 2, 180.0, 5, 3, 4, 4, "champions"),
    "c2": (29, 1, 500.0, 3, 1, 5, 3, "need_attention"),
    "c3": (29, 3, 120.0, 3, 4, 2, 3, "need_attention"),
    "c4": (365, 1, 150.0, 1, 1, 3, 2, "lost"),
    "c5": (729, 1, 60.0, 1, 1, 1, 1, "lost"),
    "c6": (61, 4, 40.0, 2, 5, 1, 3, "at_risk"),
}


def rows(table) -> list[dict]:
    return table.to_pyarrow().to_pylist()


@pytest.fixture
def orders(load):
    return load("orders", ORDERS)


def test_rfm_values_scores_and_segments(orders):
    result = rfm(orders, as_of=AS_OF)
    assert result.columns == (
        "customer_id", "recency", "frequency", "monetary",
        "r_score", "f_score", "m_score", "fm", "segment",
    )  # fmt: skip
    got = {
        r["customer_id"]: (
            r["recency"],
            r["frequency"],
            r["monetary"],
            r["r_score"],
            r["f_score"],
            r["m_score"],
            r["fm"],
            r["segment"],
        )  # fmt: skip
        for r in rows(result)
    }
    assert got == EXPECTED
    assert [r["customer_id"] for r in rows(result)] == sorted(EXPECTED)


def test_ties_share_the_group_minimum_rank_score(load):
    # ten customers, frequencies 1, 1, 1, 2, 3, 4, 5, 6, 7, 8 (one order date each day)
    freqs = [1, 1, 1, 2, 3, 4, 5, 6, 7, 8]
    data = [
        line(f"k{i}", (AS_OF - dt.timedelta(days=day)).isoformat(), 10)
        for i, f in enumerate(freqs)
        for day in range(f)
    ]
    got = {r["customer_id"]: r["f_score"] for r in rows(rfm(load("orders", data), as_of=AS_OF))}
    # n = 10: rank_min - 1 = 0, 0, 0, 3, 4, 5, 6, 7, 8, 9 -> 1 + floor(5 * that / 10)
    assert [got[f"k{i}"] for i in range(10)] == [1, 1, 1, 2, 3, 3, 4, 4, 5, 5]


def test_rfm_window_months(orders):
    # 12 months: (2025-06-30, 2026-06-30]; c4 (2025-06-30) and c5 are out
    got = {r["customer_id"]: r for r in rows(rfm(orders, as_of=AS_OF, window_months=12))}
    assert set(got) == {"c1", "c2", "c3", "c6"}
    assert (got["c3"]["frequency"], got["c3"]["monetary"]) == (1, 40.0)  # only 2026-06-01
    assert (got["c6"]["frequency"], got["c6"]["recency"]) == (3, 61)


def test_segment_map_is_exhaustive_and_non_overlapping():
    for r in range(1, 6):
        for fm in range(1, 6):
            matches = [
                name
                for name, (r_lo, r_hi), (fm_lo, fm_hi) in SEGMENT_RULES
                if r_lo <= r <= r_hi and fm_lo <= fm <= fm_hi
            ]
            assert len(matches) == 1, (r, fm, matches)
            assert segment_of(r, fm) == matches[0]
    assert len(set(SEGMENTS)) == len(SEGMENTS) == 11
    assert all(name.isidentifier() and name == name.lower() for name in SEGMENTS)
    with pytest.raises(ValueError):
        segment_of(0, 3)


def test_segment_map_examples():
    assert segment_of(5, 5) == "champions"
    assert segment_of(4, 4) == "champions"
    assert segment_of(3, 5) == "loyal"
    assert segment_of(5, 3) == "potential_loyalist"
    assert segment_of(5, 1) == "new"
    assert segment_of(4, 1) == "promising"
    assert segment_of(3, 3) == "need_attention"
    assert segment_of(3, 2) == "about_to_sleep"
    assert segment_of(1, 5) == "cant_lose"
    assert segment_of(2, 4) == "at_risk"
    assert segment_of(2, 1) == "hibernating"
    assert segment_of(1, 2) == "lost"


def test_segment_expression_matches_the_python_map(backend):
    pairs = [(r, fm) for r in range(1, 6) for fm in range(1, 6)]
    table = ibis.memtable(
        {"r": [p[0] for p in pairs], "fm": [p[1] for p in pairs]},
        schema={"r": "int64", "fm": "int64"},
    )
    result = table.mutate(segment=_segment_expr(table.r, table.fm)).order_by(["r", "fm"])
    got = backend.to_pyarrow(result).to_pylist()
    assert [(g["r"], g["fm"], g["segment"]) for g in got] == [
        (r, fm, segment_of(r, fm)) for r, fm in pairs
    ]


def test_rfm_segments(orders):
    result = rfm_segments(rfm(orders, as_of=AS_OF))
    assert result.columns == (
        "segment", "customers", "share", "revenue",
        "mean_recency", "mean_frequency", "mean_monetary",
    )  # fmt: skip
    got = rows(result)
    assert [r["segment"] for r in got] == list(SEGMENTS)
    by = {r["segment"]: r for r in got}
    assert sum(r["customers"] for r in got) == 6
    # need_attention: c2, c3 -> 2/6; 500 + 120 = 620; recency (29 + 29) / 2; freq (1 + 3) / 2
    na = by["need_attention"]
    assert (na["customers"], na["revenue"], na["mean_recency"], na["mean_frequency"]) == (
        2,
        620.0,
        29.0,
        2.0,
    )
    assert na["share"] == pytest.approx(2 / 6)
    assert na["mean_monetary"] == pytest.approx(310.0)
    # lost: c4, c5 -> recency (365 + 729) / 2 = 547, revenue 150 + 60 = 210
    assert (by["lost"]["mean_recency"], by["lost"]["revenue"]) == (547.0, 210.0)
    assert by["champions"]["share"] == pytest.approx(1 / 6)
    # empty segments: zero counts, null means
    empty = by["new"]
    assert (empty["customers"], empty["share"], empty["revenue"], empty["mean_recency"]) == (
        0,
        0.0,
        0.0,
        None,
    )


def test_rfm_segments_empty(load):
    got = rows(rfm_segments(rfm(load("orders", [line("x", "2020-01-01", 5)]), as_of=AS_OF)))
    assert len(got) == 11
    assert all(r["customers"] == 0 and r["share"] == 0.0 for r in got)


def test_bad_arguments(orders):
    with pytest.raises(ValueError, match="months"):
        rfm(orders, as_of=AS_OF, window_months=0)
    with pytest.raises(TypeError, match="as_of"):
        rfm(orders, as_of=dt.datetime(2026, 6, 30))
