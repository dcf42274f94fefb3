"""The holdout comparison: actual vs predicted purchases by calibration-frequency bucket."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

FREQUENCY_BUCKETS: tuple[str, ...] = ("0", "1", "2", "3", "4", "5", "6", "7+")
"""Calibration-frequency buckets of the holdout validation."""


def _validation(customers: pd.DataFrame, holdout_t: float) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Actual vs predicted holdout purchases by calibration frequency 0, 1, ..., 6, 7+."""
    bucket = np.minimum(customers["frequency"].to_numpy(), 7)
    frame = pd.DataFrame(
        {
            "bucket": bucket,
            "actual": customers["holdout_purchases"].to_numpy(dtype=float),
            "predicted": customers["predicted_holdout_purchases"].to_numpy(dtype=float),
        }
    )
    grouped = (
        frame.groupby("bucket")
        .agg(
            customers=("actual", "size"),
            actual_total=("actual", "sum"),
            predicted_total=("predicted", "sum"),
        )
        .reindex(range(8), fill_value=0)
    )
    rows = pd.DataFrame(
        {
            "bucket": list(FREQUENCY_BUCKETS),
            "customers": grouped["customers"].astype("int64").to_numpy(),
            "actual_mean": (
                grouped["actual_total"] / grouped["customers"].where(grouped["customers"] > 0)
            ).to_numpy(),
            "predicted_mean": (
                grouped["predicted_total"] / grouped["customers"].where(grouped["customers"] > 0)
            ).to_numpy(),
            "actual_total": grouped["actual_total"].to_numpy(),
            "predicted_total": grouped["predicted_total"].to_numpy(),
        }
    )
    totals = {
        "customers": int(len(frame)),
        "holdout_length": holdout_t,
        "actual": float(frame["actual"].sum()),
        "predicted": float(frame["predicted"].sum()),
    }
    return rows, totals
