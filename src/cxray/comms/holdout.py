"""Holdout groups: deterministic target / control assignment, the persistent global control
group, the balance check and the exported lists.

Assignment is a hash, not a random draw, so it is the same on every run and every machine and
needs no stored state:

- :func:`unit_hash` maps a text key to a number in ``[0, 1)``: the first 8 bytes of the SHA-256
  of its UTF-8 encoding, read as a big-endian unsigned integer, divided by ``2**64``;
- in a campaign, a customer is **control** when ``unit_hash(f"{campaign_id}:{customer_id}") <
  holdout`` (:func:`assign`), otherwise **target**. Each campaign draws its own control group,
  independent of the others, and a customer's group does not depend on who else is in the
  audience;
- the **global control group** holds the customers with
  ``unit_hash(f"global-control:{customer_id}") < global_control_share``
  (:func:`in_global_control`); it is kept out of every campaign so the total effect of all
  communications can be measured. Raising the share only adds customers to it.

:func:`balance` compares target and control on prior revenue and purchase frequency;
:func:`export_lists` writes both lists as CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from cxray.analytics.text import strip_spaces
from cxray.analytics.windows import day_window
from cxray.comms.rules import table_or_empty

if TYPE_CHECKING:
    from cxray.comms.plan import Plan

__all__ = [
    "ADDRESS_COLUMNS",
    "CONTROL",
    "EXPORT_COLUMNS",
    "SMD_THRESHOLD",
    "TARGET",
    "ExportResult",
    "address_column",
    "assign",
    "balance",
    "export_lists",
    "in_global_control",
    "unit_hash",
]

TARGET, CONTROL = "target", "control"
SMD_THRESHOLD = 0.1
"""Groups whose standardized mean difference exceeds this (in absolute value) are flagged."""

ADDRESS_COLUMNS: dict[str, str] = {
    "email": "email",
    "sms": "phone",
    "phone": "phone",
    "call": "phone",
    "messenger": "phone",
    "whatsapp": "phone",
    "telegram": "phone",
    "viber": "phone",
}
"""The contacts column holding the address for each channel (lower-case channel names).
Other channels have no address column; their lists carry empty addresses."""

EXPORT_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "name",
    "contact_id",
    "contact_name",
    "address",
    "group",
)


def unit_hash(key: str) -> float:
    """A number in ``[0, 1)`` from the SHA-256 of ``key`` (stable across runs and machines).

    >>> unit_hash("abc") == unit_hash("abc")
    True
    """
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def _check_share(share: object, name: str, high: float = 1.0) -> float:
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= high:
        raise ValueError(f"{name} must be a number from 0 to {high}, got {share!r}")
    return float(share)


def assign(campaign_id: str, customer_ids: Iterable[str], share: float) -> dict[str, str]:
    """Customer id -> ``"target"`` or ``"control"`` for a campaign's final audience.

    A customer is control when ``unit_hash(f"{campaign_id}:{customer_id}") < share``. The result
    depends only on the campaign id, the customer id and the share: not on the order of
    ``customer_ids``, nor on the other customers, nor on the run. About ``share`` of a large
    audience ends up in control. Raises ``ValueError`` unless ``0 <= share <= 1``.
    """
    share = _check_share(share, "share")
    return {
        str(cid): CONTROL if unit_hash(f"{campaign_id}:{cid}") < share else TARGET
        for cid in customer_ids
    }


def in_global_control(customer_id: str, share: float) -> bool:
    """True when the customer belongs to the persistent global control group of ``share``
    (``unit_hash(f"global-control:{customer_id}") < share``). Raises ``ValueError`` unless
    ``0 <= share <= 1``."""
    share = _check_share(share, "global control share")
    return unit_hash(f"global-control:{customer_id}") < share


def _groups_table(target_ids: Iterable[str], control_ids: Iterable[str]) -> ir.Table:
    ids = [str(c) for c in target_ids]
    controls = [str(c) for c in control_ids]
    return ibis.memtable(
        {"customer_id": ids + controls, "grp": [TARGET] * len(ids) + [CONTROL] * len(controls)},
        schema={"customer_id": "string", "grp": "string"},
    )


def balance(
    orders: ir.Table,
    target_ids: Iterable[str],
    control_ids: Iterable[str],
    *,
    as_of: dt.date,
    days: int = 365,
) -> dict[str, Any]:
    """Compare target and control on what they did before the campaign.

    Over the ``days`` days up to ``as_of`` (``(as_of - days, as_of]``), per customer:
    ``revenue`` (net sum of ``amount``) and ``frequency`` (distinct order dates), both 0 for a
    customer without orders. For each metric and group: the mean; and the standardized mean
    difference ``smd = (mean_target - mean_control) / sqrt((var_target + var_control) / 2)``
    with sample variances (n - 1). A metric is ``imbalanced`` when ``|smd| > 0.1``; when both
    variances are 0, smd is None and the metric is imbalanced exactly when the means differ.
    With an empty group means and smd are None and nothing is flagged.

    Returns a JSON-ready dict::

        {"as_of": "2026-11-01", "days": 365, "threshold": 0.1,
         "target": 800, "control": 200,
         "metrics": {"revenue": {"target_mean": ..., "control_mean": ..., "smd": ...,
                                 "imbalanced": False},
                     "frequency": {...}},
         "balanced": True}

    The per-customer sums are computed by the backend; only one row per group comes back.
    """
    groups = _groups_table(target_ids, control_ids)
    window = day_window(as_of, days)
    lines = orders.filter(window.contains(orders.order_date), orders.customer_id.notnull())
    per = lines.group_by("customer_id").aggregate(
        _revenue=lines.amount.sum(), _frequency=lines.order_date.nunique()
    )
    joined = groups.left_join(per, groups.customer_id == per.customer_id)
    values = joined.select(
        grp=joined.grp,
        revenue=joined._revenue.fill_null(0.0).cast("float64"),
        frequency=joined._frequency.fill_null(0).cast("float64"),
    )
    stats = values.group_by("grp").aggregate(
        n=values.count(),
        revenue_sum=values.revenue.sum(),
        revenue_sq=(values.revenue * values.revenue).sum(),
        frequency_sum=values.frequency.sum(),
        frequency_sq=(values.frequency * values.frequency).sum(),
    )
    rows = {r["grp"]: r for r in stats.to_pyarrow().to_pylist()}

    def moments(grp: str, metric: str) -> tuple[int, float | None, float]:
        row = rows.get(grp)
        n = int(row["n"]) if row else 0
        if n == 0:
            return 0, None, 0.0
        total = float(row[f"{metric}_sum"] or 0.0)
        sq = float(row[f"{metric}_sq"] or 0.0)
        mean = total / n
        var = max((sq - n * mean * mean) / (n - 1), 0.0) if n > 1 else 0.0
        return n, mean, var

    metrics: dict[str, dict[str, Any]] = {}
    n_target = n_control = 0
    for metric in ("revenue", "frequency"):
        n_target, mean_t, var_t = moments(TARGET, metric)
        n_control, mean_c, var_c = moments(CONTROL, metric)
        smd: float | None = None
        imbalanced = False
        if mean_t is not None and mean_c is not None:
            sd = math.sqrt((var_t + var_c) / 2)
            diff = mean_t - mean_c
            if sd > 1e-12:
                smd = diff / sd
                imbalanced = abs(smd) > SMD_THRESHOLD
            else:
                smd = 0.0 if abs(diff) <= 1e-12 else None
                imbalanced = smd is None
        metrics[metric] = {
            "target_mean": mean_t,
            "control_mean": mean_c,
            "smd": smd,
            "imbalanced": imbalanced,
        }
    return {
        "as_of": as_of.isoformat(),
        "days": days,
        "threshold": SMD_THRESHOLD,
        "target": n_target,
        "control": n_control,
        "metrics": metrics,
        "balanced": not any(m["imbalanced"] for m in metrics.values()),
    }


# --------------------------------------------------------------------------------------------
# export


def address_column(channel: str) -> str | None:
    """The contacts column with the address for ``channel`` (``email`` for email, ``phone`` for
    sms / phone / call / messenger / whatsapp / telegram / viber), None for other channels."""
    return ADDRESS_COLUMNS.get(channel.strip().lower())


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_lists` wrote. Unpacks as ``target_path, control_path``.

    ``missing_address`` lists the target customers written without an address (no current
    contact with one for the channel); ``address_column`` is the contacts column used (None for a
    channel without one).
    """

    target_path: Path
    control_path: Path
    target_rows: int
    control_rows: int
    address_column: str | None
    missing_address: tuple[str, ...] = field(default=())

    def __iter__(self) -> Iterator[Path]:
        return iter((self.target_path, self.control_path))

    def to_dict(self) -> dict[str, Any]:
        return {
            "target_path": str(self.target_path),
            "control_path": str(self.control_path),
            "target_rows": self.target_rows,
            "control_rows": self.control_rows,
            "address_column": self.address_column,
            "missing_address": len(self.missing_address),
            "missing_address_ids": list(self.missing_address),
        }


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("._") or "campaign"


def export_lists(plan: Plan, tables: Mapping[str, ir.Table], out_dir: str | Path) -> ExportResult:
    """Write the plan's target and control lists as CSV files in ``out_dir``.

    Files: ``<campaign id>-target.csv`` and ``<campaign id>-control.csv`` (UTF-8, comma
    separated, header row, ordered by customer_id), with the columns ``customer_id, name,
    contact_id, contact_name, address, group``. ``name`` comes from the customers table. The
    contact is the customer's current contact (``is_current`` true or empty) with a non-empty
    address for the plan's channel (see :func:`address_column`), the first by ``contact_id``
    (then ``contact_name``). Customers without such a contact are still written, with empty
    contact and address fields, and the target ones are listed in
    ``ExportResult.missing_address``. ``out_dir`` is created when missing.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    column = address_column(plan.channel)
    groups = _groups_table(plan.target_ids, plan.control_ids)

    customers = table_or_empty(tables, "customers")
    names = customers.filter(customers.customer_id.notnull())
    names = names.group_by(_n_id=names.customer_id).aggregate(_name=names["name"].max())
    rows = groups.left_join(names, groups.customer_id == names._n_id)
    rows = rows.select("customer_id", "grp", "_name")
    if column is not None:
        contacts = table_or_empty(tables, "contacts")
        address = strip_spaces(contacts[column].cast("string"))
        usable = contacts.filter(
            contacts.is_current.fill_null(True),
            contacts.customer_id.notnull(),
            address.notnull(),
            address != "",
        )
        usable = usable.select(
            _c_id=usable.customer_id,
            _contact_id=usable.contact_id,
            _contact_name=usable.contact_name,
            _address=strip_spaces(usable[column].cast("string")),
        )
        order = [usable._contact_id.isnull(), usable._contact_id, usable._contact_name]
        usable = usable.mutate(_rn=ibis.row_number().over(group_by="_c_id", order_by=order))
        first = usable.filter(usable._rn == 0)
        rows = rows.left_join(first, rows.customer_id == first._c_id)
        rows = rows.select(
            "customer_id", "grp", "_name", "_contact_id", "_contact_name", "_address"
        )
    data = sorted(rows.to_pyarrow().to_pylist(), key=lambda r: r["customer_id"])

    stem = _safe_name(plan.campaign_id)
    paths = {TARGET: out / f"{stem}-target.csv", CONTROL: out / f"{stem}-control.csv"}
    counts = {TARGET: 0, CONTROL: 0}
    missing: list[str] = []
    handles = {g: p.open("w", encoding="utf-8", newline="") for g, p in paths.items()}
    try:
        writers = {g: csv.writer(h) for g, h in handles.items()}
        for writer in writers.values():
            writer.writerow(EXPORT_COLUMNS)
        for row in data:
            grp = row["grp"]
            addr = row.get("_address") or ""
            if grp == TARGET and not addr:
                missing.append(row["customer_id"])
            writers[grp].writerow(
                [
                    row["customer_id"],
                    row.get("_name") or "",
                    (row.get("_contact_id") or "") if addr else "",
                    (row.get("_contact_name") or "") if addr else "",
                    addr,
                    grp,
                ]
            )
            counts[grp] += 1
    finally:
        for handle in handles.values():
            handle.close()
    return ExportResult(
        target_path=paths[TARGET],
        control_path=paths[CONTROL],
        target_rows=counts[TARGET],
        control_rows=counts[CONTROL],
        address_column=column,
        missing_address=tuple(missing),
    )
