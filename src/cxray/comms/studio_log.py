"""The campaign studio's log: every save, submission, approval, rejection and export of a
campaign file, and the audience each approval saw.

Two append-only tables, named with :data:`~cxray.workspace.ACCOUNTS_PREFIX` like the audit log,
so that a demo (which replaces the data) keeps them and read-only SQL cannot read them:

- :data:`LOG`: ``seq``, ``at`` (naive UTC), ``name`` (the file's stem), ``campaign_id``,
  ``actor``, ``action`` (:data:`cxray.comms.studio.ACTIONS`), ``state`` (the state it led to),
  ``file_hash`` (SHA-256 of the file's bytes after the action), ``yaml`` (the file's text, on a
  save), ``diff`` (what the save changed), ``comment`` and ``details`` (JSON: the plan's counts,
  the audience's change, the exported files);
- :data:`AUDIENCES`: ``seq`` (of the approval) and ``customer_id``: the final audience the
  approver saw.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import ibis
import pyarrow as pa

from cxray.workspace import ACCOUNTS_PREFIX, Workspace

LOG = ACCOUNTS_PREFIX + "campaign_log"
AUDIENCES = ACCOUNTS_PREFIX + "campaign_audiences"

LOG_SCHEMA = pa.schema(
    [
        ("seq", pa.int64()),
        ("at", pa.timestamp("us")),
        ("name", pa.string()),
        ("campaign_id", pa.string()),
        ("actor", pa.string()),
        ("action", pa.string()),
        ("state", pa.string()),
        ("file_hash", pa.string()),
        ("yaml", pa.string()),
        ("diff", pa.string()),
        ("comment", pa.string()),
        ("details", pa.string()),
    ]
)
AUDIENCES_SCHEMA = pa.schema([("seq", pa.int64()), ("customer_id", pa.string())])


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def events(ws: Workspace, name: str | None = None) -> list[dict[str, Any]]:
    """The log's events, oldest first (``details`` as a dict); those of ``name`` only when
    given."""
    if not ws.has(LOG):
        return []
    tbl = ws.table(LOG)
    if name is not None:
        tbl = tbl.filter(tbl.name == name)
    rows = tbl.order_by("seq").to_pyarrow().to_pylist()
    return [{**r, "details": json.loads(r["details"] or "{}")} for r in rows]


def append(
    ws: Workspace,
    *,
    name: str,
    campaign_id: str,
    actor: str,
    action: str,
    state: str,
    file_hash: str | None,
    yaml: str | None = None,
    diff: str | None = None,
    comment: str | None = None,
    details: dict[str, Any] | None = None,
    audience: Iterable[str] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Append one event (and, for an approval, its ``audience``) in one transaction; returns
    the event as :func:`events` shows it."""
    with ws.transaction():
        seq = 1
        if ws.has(LOG):
            seq = (ws.table(LOG).seq.max().to_pyarrow().as_py() or 0) + 1
        row = {"seq": seq, "at": now or utc_now(), "name": name, "campaign_id": campaign_id,
               "actor": actor, "action": action, "state": state, "file_hash": file_hash,
               "yaml": yaml, "diff": diff, "comment": comment,
               "details": json.dumps(details or {}, sort_keys=True, default=str)}  # fmt: skip
        ws.append(LOG, pa.Table.from_pylist([row], schema=LOG_SCHEMA), LOG_SCHEMA)
        if audience is not None:
            ids = sorted(set(audience))
            data = pa.table({"seq": [seq] * len(ids), "customer_id": ids}, schema=AUDIENCES_SCHEMA)
            ws.append(AUDIENCES, data, AUDIENCES_SCHEMA)
    return {**row, "details": dict(details or {})}


def audience(ws: Workspace, seq: int) -> list[str]:
    """The final audience recorded with the approval ``seq``."""
    if not ws.has(AUDIENCES):
        return []
    tbl = ws.table(AUDIENCES)
    rows = tbl.filter(tbl.seq == ibis.literal(seq)).customer_id.to_pyarrow().to_pylist()
    return sorted(rows)
