"""Headline numbers of bench_pipeline.py, shared by its three contenders, and how they compare.

Each contender's ``step_*`` returns a few headline numbers per step; the helpers here build the
ones whose rows every contender shapes the same way (products, cohorts), and :func:`compare`
with :data:`TOLERANCE` decides whether a baseline's number agrees with cxray's. Imported by
``bench_pipeline.py``, ``baseline_pandas.py`` and ``baseline_sql.py``; it imports none of them.
"""

from __future__ import annotations

from typing import Any


def products_check(rows: list[dict]) -> dict:
    """The products table view: its rows (customer, key) and their money columns."""
    return {
        "rows": len(rows),
        "top": [f"{r['customer_id']}|{r['key']}" for r in rows[:10]],
        "revenue_sum": sum(r["revenue"] for r in rows),
        "mom_change_sum": sum(r["mom_change"] or 0.0 for r in rows),
        "yoy_change_sum": sum(r["yoy_change"] or 0.0 for r in rows),
    }


def cohorts_check(grid: list[dict], steps: list[dict]) -> dict:
    """Cohort cells and the activation view's totals."""
    total = [r for r in steps if r["cohort"] == "all"]
    return {
        "cells": len(grid),
        "acquired": sum(r["cohort_size"] for r in grid if r["period_index"] == 0),
        # the size of every cohort, oldest first: moves with the acquisition definition
        "cohort_sizes": [r["cohort_size"] for r in grid if r["period_index"] == 0],
        "buying_cells_sum": sum(r["customers"] for r in grid),
        "revenue": sum(r["revenue"] for r in grid),
        "activation_rows": len(steps),
        "all_customers_k": [r["customers_k"] for r in total],
        "all_median_days": [r["median_days"] for r in total],
    }


# Relative tolerances of the comparisons (exact for everything not listed: counts, lists).
TOLERANCE = {
    "key_revenue_share": 1e-6,
    "revenue_sum": 1e-6,
    "mom_change_sum": 1e-6,
    "yoy_change_sum": 1e-6,
    "potential_sum": 1e-6,
    "revenue": 1e-6,
    "monetary_sum": 1e-6,
    "all_median_days": 1e-9,
    "r": 0.01,
    "alpha": 0.01,
    "a": 0.01,
    "b": 0.01,
    "p": 0.01,
    "q": 0.01,
    "v": 0.01,
    "p_alive_mean": 0.01,
    "clv_total": 0.02,
}

# Where a baseline's figure is defined differently (said in the output and in README.md).
KNOWN_DIFFERENCES = {
    ("pandas", "clv", "clv_total"): (
        "lifetimes' customer_lifetime_value discounts per month of 4.345 weeks at a monthly rate "
        "(given as 1.1^(1/12) - 1); cxray uses months of 365.25/12 days and an annual rate"
    ),
}


def compare(a: Any, b: Any, tol: float) -> bool:
    """Whether two headline numbers (or dicts / lists of them) agree within ``tol``."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(compare(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(compare(x, y, tol) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is None and b is None
        return abs(a - b) <= tol * max(abs(a), abs(b), 1e-12) + 1e-9
    return a == b
