"""Closed loop: the survey answers that open a follow-up task, and the tasks' figures.

Which answers open a task (the thresholds are the module constants below):

- NPS: a detractor, score <= ``NPS_DETRACTOR_MAX`` (6) on the 0-10 scale;
- CSI: a low satisfaction score, <= ``CSI_LOW_MAX[5]`` (2) on a 1-5 survey or
  <= ``CSI_LOW_MAX[10]`` (4) on a 1-10 survey. A survey is taken to be on the 1-10 scale when any
  of its CSI scores is above ``CSI_5_SCALE_MAX`` (5), unless ``csi_scale={survey: 5 | 10}`` says so;
- CES: high effort, score >= ``CES_HIGH_EFFORT_MIN`` (5) on the 1-7 scale.

Incentivized answers open tasks too: an unhappy client is unhappy, bonus or not.

A task belongs to one answer; its id is a hash of the answer's natural key
(customer_id | date | metric | survey), so computing the tasks again gives the same ids and
:func:`store_tasks` stores each task once. The owner comes from a customer attribute
(``FollowupPolicy.owner_attribute``, the account manager by default) or, when the customer has
none, the policy's default owner; the task is due ``due_days`` calendar days after the answer.

The task store lives here too: the table :data:`FOLLOWUPS` (columns :data:`FOLLOWUPS_SCHEMA`),
written with :func:`store_tasks`, :func:`close_task` and :func:`close_tasks` through the
workspace's table-agnostic primitives (:meth:`~cxray.workspace.Workspace.append`,
:meth:`~cxray.workspace.Workspace.replace`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from dataclasses import dataclass

import ibis
import pyarrow as pa

from cxray.errors import CxrayError
from cxray.workspace import Workspace, as_date

NPS_DETRACTOR_MAX = 6  # NPS 0-10: 0..6 is a detractor
CSI_LOW_MAX = {5: 2, 10: 4}  # CSI: low satisfaction on a 1-5 / 1-10 survey
CSI_5_SCALE_MAX = 5  # a CSI survey with any score above this is on the 1-10 scale
CES_HIGH_EFFORT_MIN = 5  # CES 1-7: 5..7 is high effort

STATUSES = ("open", "closed", "overdue")

TASK_SCHEMA = pa.schema(
    [
        ("task_id", pa.string()),
        ("customer_id", pa.string()),
        ("date", pa.date32()),
        ("metric", pa.string()),
        ("score", pa.float64()),
        ("survey", pa.string()),
        ("touchpoint", pa.string()),
        ("comment", pa.string()),
        ("owner", pa.string()),
        ("due_date", pa.date32()),
        ("created_at", pa.date32()),
    ]
)
"""The columns of :func:`open_tasks` (the stored table adds status, closed_at and resolution)."""

FOLLOWUPS = "_followups"
"""The workspace table of follow-up tasks."""

FOLLOWUPS_SCHEMA = pa.schema(
    [
        *TASK_SCHEMA,
        ("status", pa.string()),  # "open" or "closed" (overdue is computed as of a date)
        ("closed_at", pa.date32()),
        ("resolution", pa.string()),
    ]
)
"""The columns of the stored tasks: :data:`TASK_SCHEMA` plus status, closed_at, resolution."""


@dataclass(frozen=True)
class FollowupPolicy:
    """Who owns a follow-up task and when it is due.

    ``owner_attribute``: the customers column naming the owner (e.g. the account manager);
    ``default_owner``: the owner when the customer has no value there (or no such column);
    ``due_days``: calendar days from the answer to the due date.
    """

    owner_attribute: str = "account_manager"
    default_owner: str = "CX team"
    due_days: int = 3


def needs_followup(responses: ibis.Table, *, csi_scale: dict[str, int] | None = None) -> ibis.Table:
    """The answers of ``responses`` that open a follow-up task (a lazy Ibis expression).

    ``csi_scale`` maps a survey name to its CSI scale (5 or 10) when the scores alone should not
    decide it. Returns the rows of ``responses`` with their columns unchanged.
    """
    for survey, scale in (csi_scale or {}).items():
        if scale not in CSI_LOW_MAX:
            raise ValueError(f"csi_scale for survey {survey!r} must be 5 or 10, not {scale!r}")
    r = responses
    metric = r.metric.lower()
    csi_max = ibis.cases((metric == "csi", r.score)).max().over(group_by=r.survey)
    ten = csi_max.fill_null(0) > CSI_5_SCALE_MAX
    tens = [s for s, v in (csi_scale or {}).items() if v == 10]
    fives = [s for s, v in (csi_scale or {}).items() if v == 5]
    if tens:
        ten = ibis.cases((r.survey.isin(tens), True), else_=ten)
    if fives:
        ten = ibis.cases((r.survey.isin(fives), False), else_=ten)
    low_csi = ibis.cases((ten, CSI_LOW_MAX[10]), else_=CSI_LOW_MAX[5])
    marked = r.mutate(
        _needs=((metric == "nps") & (r.score <= NPS_DETRACTOR_MAX))
        | ((metric == "csi") & (r.score <= low_csi))
        | ((metric == "ces") & (r.score >= CES_HIGH_EFFORT_MIN))
    )
    return marked.filter(marked._needs.fill_null(False)).select(*responses.columns)


def task_id(customer_id: str, date: dt.date, metric: str, survey: str | None) -> str:
    """The deterministic id of the task of one answer (its natural key, hashed)."""
    key = f"{customer_id}|{date.isoformat()}|{metric.lower()}|{survey or ''}"
    return "FU-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def open_tasks(
    responses: ibis.Table,
    customers: ibis.Table | None,
    *,
    as_of: dt.date,
    policy: FollowupPolicy | None = None,
    csi_scale: dict[str, int] | None = None,
) -> pa.Table:
    """The follow-up tasks that should exist on ``as_of``: one per answer dated <= ``as_of``
    that :func:`needs_followup` selects. Returns an Arrow table with :data:`TASK_SCHEMA`, sorted
    by date and customer."""
    policy = policy or FollowupPolicy()
    r = responses.filter(responses.date <= ibis.literal(as_of, type="date"))
    r = needs_followup(r, csi_scale=csi_scale)
    owner_col = None
    if customers is not None and policy.owner_attribute in customers.columns:
        owners = customers.select(
            _cid=customers.customer_id,
            _owner=customers[policy.owner_attribute].cast("string"),
        ).distinct(on="_cid", keep="first")
        r = r.left_join(owners, r.customer_id == owners._cid)
        owner_col = "_owner"
    cols = ["customer_id", "date", "metric", "score", "survey", "touchpoint", "comment"]
    picked = r.select(*cols, *([owner_col] if owner_col else []))
    rows = picked.order_by("date", "customer_id", "metric").to_pyarrow().to_pylist()
    due = dt.timedelta(days=policy.due_days)
    out = []
    for row in rows:
        day = as_date(row["date"])
        owner = row.get("_owner")
        owner = owner.strip() if isinstance(owner, str) else None
        out.append(
            {
                "task_id": task_id(row["customer_id"], day, row["metric"], row["survey"]),
                **{c: row[c] for c in cols},
                "date": day,
                "metric": row["metric"].lower(),
                "owner": owner or policy.default_owner,
                "due_date": day + due,
                "created_at": day,
            }
        )
    return pa.Table.from_pylist(out, schema=TASK_SCHEMA)


def sync(
    ws: Workspace,
    *,
    as_of: dt.date,
    policy: FollowupPolicy | None = None,
    csi_scale: dict[str, int] | None = None,
) -> int:
    """Compute the tasks of the workspace's responses on ``as_of`` and store the new ones.

    Needs a writable workspace. Returns how many tasks were new."""
    customers = ws.table("customers") if ws.has("customers") else None
    tasks = open_tasks(
        ws.table("responses"), customers, as_of=as_of, policy=policy, csi_scale=csi_scale
    )
    return store_tasks(ws, tasks)


# --- the task store -------------------------------------------------------------------------


def store_tasks(ws: Workspace, tasks: pa.Table) -> int:
    """Store the follow-up tasks whose ``task_id`` is not stored yet, as open tasks.

    ``tasks`` has the task columns of :data:`FOLLOWUPS_SCHEMA` (status, closed_at and
    resolution may be absent). Stored tasks are never changed, closed ones included, so
    storing the same tasks again inserts nothing. One transaction; returns how many tasks
    were new.
    """
    n = tasks.num_rows
    defaults = {"status": pa.array(["open"] * n, pa.string())}
    data = pa.table(
        {
            f.name: tasks.column(f.name).cast(f.type)
            if f.name in tasks.column_names
            else defaults.get(f.name, pa.nulls(n, f.type))
            for f in FOLLOWUPS_SCHEMA
        }
    )
    with ws.transaction():
        stored: set[str] = set()
        if ws.has(FOLLOWUPS):
            ids = ws.con.table(FOLLOWUPS).select("task_id").to_pyarrow()
            stored = set(ids.column("task_id").to_pylist())
        keep, seen = [], set(stored)
        for i, tid in enumerate(data.column("task_id").to_pylist()):
            if tid is not None and tid not in seen:
                seen.add(tid)
                keep.append(i)
        ws.append(FOLLOWUPS, data.take(pa.array(keep, pa.int64())), FOLLOWUPS_SCHEMA)
    return len(keep)


def close_task(ws: Workspace, task_id: str, *, closed_at: dt.date, resolution: str) -> None:
    """Close the open follow-up task ``task_id`` on ``closed_at`` with ``resolution``.

    Raises CxrayError ``followup_unknown`` for an unknown task id, ``followup_already_closed``
    for a task already closed and ``followup_closed_before_created`` for a date before the
    task's creation.
    """
    close_tasks(ws, [(task_id, closed_at, resolution)])


def close_tasks(ws: Workspace, closures: list[tuple[str, dt.date, str]]) -> None:
    """Close several open tasks at once: ``(task_id, closed_at, resolution)`` each; all or
    none (the errors of :func:`close_task`); one transaction."""
    if not closures:
        return
    with ws.transaction():
        _close_tasks(ws, closures)


def _close_tasks(ws: Workspace, closures: list[tuple[str, dt.date, str]]) -> None:
    if not ws.has(FOLLOWUPS):
        raise CxrayError("followup_unknown", task_id=closures[0][0])
    stored = ws.con.table(FOLLOWUPS)
    ids = [c[0] for c in closures]
    found = stored.filter(stored.task_id.isin(ids)).select("task_id", "status", "created_at")
    held = {r["task_id"]: r for r in found.to_pyarrow().to_pylist()}
    rows = []
    for tid, closed_at, resolution in closures:
        if tid not in held:
            raise CxrayError("followup_unknown", task_id=tid)
        if held[tid]["status"] == "closed":
            raise CxrayError("followup_already_closed", task_id=tid)
        closed_at = closed_at.date() if isinstance(closed_at, dt.datetime) else closed_at
        created = as_date(held[tid]["created_at"])
        if created is not None and closed_at < created:
            raise CxrayError(
                "followup_closed_before_created",
                task_id=tid,
                closed_at=closed_at.isoformat(),
                created_at=created.isoformat(),
            )
        rows.append((tid, closed_at, resolution))
    done = ibis.memtable(
        pa.table(
            {
                "_c_id": pa.array([r[0] for r in rows], pa.string()),
                "_c_at": pa.array([r[1] for r in rows], pa.date32()),
                "_c_text": pa.array([r[2] for r in rows], pa.string()),
            }
        )
    )
    j = stored.left_join(done, stored.task_id == done._c_id)
    hit = j._c_id.notnull()
    updated = j.mutate(
        status=ibis.cases((hit, ibis.literal("closed")), else_=j.status),
        closed_at=ibis.cases((hit, j._c_at), else_=j.closed_at),
        resolution=ibis.cases((hit, j._c_text), else_=j.resolution),
    ).select(*FOLLOWUPS_SCHEMA.names)
    ws.replace(FOLLOWUPS, updated)


def reassign_task(ws: Workspace, task_id: str, *, owner: str) -> str:
    """Give the open follow-up task ``task_id`` to ``owner``; returns the previous owner.

    Raises CxrayError ``followup_unknown`` for an unknown task id, ``followup_already_closed``
    for a closed task and ``bad_parameter`` for an empty owner.
    """
    owner = owner.strip() if isinstance(owner, str) else ""
    if not owner:
        raise CxrayError("bad_parameter", detail="--owner must name the new owner")
    with ws.transaction():
        if not ws.has(FOLLOWUPS):
            raise CxrayError("followup_unknown", task_id=task_id)
        stored = ws.con.table(FOLLOWUPS)
        found = stored.filter(stored.task_id == task_id).select("status", "owner")
        rows = found.to_pyarrow().to_pylist()
        if not rows:
            raise CxrayError("followup_unknown", task_id=task_id)
        if rows[0]["status"] == "closed":
            raise CxrayError("followup_already_closed", task_id=task_id)
        hit = stored.task_id == task_id
        updated = stored.mutate(owner=ibis.cases((hit, ibis.literal(owner)), else_=stored.owner))
        ws.replace(FOLLOWUPS, updated.select(*FOLLOWUPS_SCHEMA.names))
    return rows[0]["owner"]


def followups(
    ws: Workspace,
    *,
    as_of: dt.date,
    status: str | None = None,
    owner: str | None = None,
    customer: str | None = None,
) -> list[dict]:
    """The stored follow-up tasks as they stood on ``as_of``, oldest first.

    A task exists from its ``created_at``; it is closed on ``as_of`` when it was closed on or
    before that day, otherwise open, and overdue when open and its due date is before ``as_of``.
    Each row has the stored columns (with ``status`` as of ``as_of``) plus ``overdue`` (bool)
    and ``days_to_close`` (closed tasks; else None). ``status`` filters: None (all), "open",
    "closed" or "overdue"; ``owner`` and ``customer`` (exact values) keep the tasks of one
    owner, of one customer.
    """
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)} or None, not {status!r}")
    if not ws.has(FOLLOWUPS):
        return []
    t = ws.con.table(FOLLOWUPS)
    t = t.filter(t.created_at <= ibis.literal(as_of, type="date"))
    if owner is not None:
        t = t.filter(t.owner == owner)
    if customer is not None:
        t = t.filter(t.customer_id == customer)
    rows = [_at(row, as_of) for row in t.order_by("created_at", "task_id").to_pyarrow().to_pylist()]
    if status == "overdue":
        return [row for row in rows if row["overdue"]]
    if status is not None:
        return [row for row in rows if row["status"] == status]
    return rows


def followup_summary(rows: list[dict], *, as_of: dt.date) -> dict:
    """Open, overdue and time-to-close figures of ``rows`` (from :func:`followups`) on ``as_of``.

    Returns total, open, overdue (open with due_date < as_of), closed, median_days_to_close and
    mean_days_to_close (calendar days from created_at to closed_at; None without closed tasks)
    and closed_on_time_share (closed tasks with closed_at <= due_date; None without them).
    """
    rows = [_at(row, as_of) for row in rows if as_date(row["created_at"]) <= as_of]
    closed = [row for row in rows if row["status"] == "closed"]
    days = [row["days_to_close"] for row in closed]
    on_time = [row for row in closed if as_date(row["closed_at"]) <= as_date(row["due_date"])]
    return {
        "as_of": as_of,
        "total": len(rows),
        "open": sum(row["status"] == "open" for row in rows),
        "overdue": sum(row["overdue"] for row in rows),
        "closed": len(closed),
        "median_days_to_close": float(statistics.median(days)) if days else None,
        "mean_days_to_close": float(statistics.fmean(days)) if days else None,
        "closed_on_time_share": len(on_time) / len(closed) if closed else None,
    }


def _at(row: dict, as_of: dt.date) -> dict:
    """A stored task row with status, overdue and days_to_close as of ``as_of``."""
    row = dict(row)
    closed_at = as_date(row.get("closed_at"))
    closed = closed_at is not None and closed_at <= as_of
    row["status"] = "closed" if closed else "open"
    if not closed:
        row["closed_at"], row["resolution"] = None, None
    row["overdue"] = not closed and as_date(row["due_date"]) < as_of
    row["days_to_close"] = (closed_at - as_date(row["created_at"])).days if closed else None
    return row
