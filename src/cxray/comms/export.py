"""The exported lists of a campaign plan: the target list (customer, contact, channel address)
and the control list, as CSV files.

:func:`export_lists` writes both lists of a :class:`cxray.comms.plan.Plan`; the split itself is
:mod:`cxray.comms.holdout`. The address comes from the contacts column of the plan's channel
(:func:`address_column`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from cxray.analytics.text import strip_spaces
from cxray.comms.holdout import CONTROL, TARGET, groups_table
from cxray.comms.plan import Plan
from cxray.comms.rules import table_or_empty

__all__ = [
    "ADDRESS_COLUMNS",
    "EXPORT_COLUMNS",
    "ExportResult",
    "address_column",
    "export_lists",
    "export_names",
]

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


def export_names(campaign_id: str) -> dict[str, str]:
    """The names of the files :func:`export_lists` writes for ``campaign_id``, by group
    (``target``, ``control``): known before planning, so they can be checked first."""
    stem = _safe_name(campaign_id)
    return {TARGET: f"{stem}-target.csv", CONTROL: f"{stem}-control.csv"}


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
    groups = groups_table(plan.target_ids, plan.control_ids)

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

    paths = {group: out / name for group, name in export_names(plan.campaign_id).items()}
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
