"""Synthetic demo data with named profiles, reproducible by seed.

>>> from cxray.demo import generate
>>> tables = generate("b2b-food", seed=42)
>>> sorted(tables)
['consents', 'contacts', 'customers', 'interactions', 'orders', 'products', 'responses', 'sends']

Each profile returns pandas DataFrames named after the canonical tables
(:data:`cxray.ingest.schema.TABLES`), with exactly the canonical columns in schema order
(customers may carry extra attribute columns after them). All dates are placed relative to
``as_of`` and never after it; nothing depends on the wall clock or on global random state.

Profiles too large for memory (``retail``: millions of order lines) are in
:data:`STREAMED_PROFILES` and write Parquet files instead.

:func:`campaign_files` lists the demo's campaign files (YAML, see :mod:`cxray.comms`): the past
campaigns recorded in the generated ``sends`` and one planned campaign after the default
``as_of``.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxray.demo.dates import DEFAULT_AS_OF

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@functools.cache
def _profiles() -> dict[str, Callable[..., dict[str, pd.DataFrame]]]:
    from cxray.demo import b2b_food

    return {"b2b-food": b2b_food.generate}


@functools.cache
def _streamed_profiles() -> dict[str, Callable[..., dict[str, Path]]]:
    from cxray.demo import retail

    return {"retail": retail.write}


def __getattr__(name: str) -> Any:
    """The profiles and their modules load on first use (the generators need NumPy, pandas and
    Arrow; the demo date does not).

    - ``PROFILES``: profile name -> ``generate(seed=, as_of=)`` returning DataFrames;
    - ``STREAMED_PROFILES``: profiles too large for memory: ``write(out_dir, *, seed, as_of,
      lines, customers, progress)`` streams one Parquet file per canonical table into
      ``out_dir`` and returns table name -> path (see :func:`cxray.demo.retail.write`); load
      them with the importer, as ``cxray demo`` does.
    """
    if name == "PROFILES":
        return _profiles()
    if name == "STREAMED_PROFILES":
        return _streamed_profiles()
    if name in ("b2b_food", "retail"):
        return importlib.import_module(f"cxray.demo.{name}")
    raise AttributeError(f"module 'cxray.demo' has no attribute {name!r}")


def generate(
    profile: str, *, seed: int = 42, as_of: dt.date | None = None
) -> dict[str, pd.DataFrame]:
    """Generate the demo tables of ``profile`` for the analysis date ``as_of``.

    Raises ValueError naming the known profiles when ``profile`` is unknown.
    ``as_of`` defaults to :data:`DEFAULT_AS_OF`.
    """
    try:
        make = _profiles()[profile]
    except KeyError:
        if profile in _streamed_profiles():
            raise ValueError(
                f"demo profile {profile!r} is written to Parquet files: "
                f"use cxray.demo.STREAMED_PROFILES[{profile!r}](out_dir, ...)"
            ) from None
        known = ", ".join(sorted(_profiles()))
        raise ValueError(f"unknown demo profile {profile!r}; known profiles: {known}") from None
    if as_of is None:
        as_of = DEFAULT_AS_OF
    elif isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    return make(seed=seed, as_of=as_of)


def campaign_files() -> list[Path]:
    """The demo's campaign files (``*.yaml`` in the package's ``demo/campaigns`` folder), sorted.

    Two past campaigns of the ``b2b-food`` profile, recorded in its ``sends`` with a control
    group -- ``grill-season-2026-06`` (it worked) and ``autumn-catalogue-2026-09`` (it did
    not) -- and one planned for after :data:`DEFAULT_AS_OF`, ``cheese-new-year-2026-11``. Their
    dates are written for :data:`DEFAULT_AS_OF`; data generated for another ``as_of`` keep the
    past campaigns' distance to ``as_of`` (measure them with the start date of their sends).
    """
    from cxray.demo import b2b_food

    return b2b_food.campaign_files()


def initiative_files() -> list[Path]:
    """The demo's CX initiative files (``*.yaml`` in the package's ``demo/initiatives``
    folder), sorted: a satisfaction initiative with a real effect on its customers' NPS
    (``horeca-manager-2025-11``), a cost initiative without any (``self-service-portal-2025-03``)
    and a young enabling one (``linked-orders-2026-06``), written for :data:`DEFAULT_AS_OF`
    (see :mod:`cxray.demo.b2b_food`)."""
    from cxray.demo import b2b_food

    return b2b_food.initiative_files()


if TYPE_CHECKING:  # pragma: no cover
    from cxray.workspace import Workspace


def close_demo_followups(ws: Workspace, *, as_of: dt.date) -> None:
    """Open the follow-up tasks of the demo's answers and close most of the older ones, as a
    CX team would have: 85% of the tasks due more than a week before ``as_of``, 1-9 days after
    the answer (chosen by a hash of the task id, so the same every run)."""
    import hashlib

    from cxray.comms.followups import close_tasks, followups, sync
    from cxray.workspace import as_date

    sync(ws, as_of=as_of)
    closures: list[tuple[str, dt.date, str]] = []
    for task in followups(ws, as_of=as_of, status="open"):
        due, created = as_date(task["due_date"]), as_date(task["created_at"])
        h = int(hashlib.sha256(task["task_id"].encode()).hexdigest()[:8], 16)
        if due >= as_of - dt.timedelta(days=7) or h % 100 >= 85:
            continue
        closed = min(created + dt.timedelta(days=1 + h % 9), as_of)
        closures.append((task["task_id"], closed, "called back" if h % 2 else "issue resolved"))
    close_tasks(ws, closures)
