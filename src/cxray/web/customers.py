"""The customer card and the follow-up tasks as a signed-in user may see and change them:
contact data masked unless the role (or, for a manager, owning the customer) allows it, every
unmasked view and every task change audited.

Pages and REST endpoints both call these, so the rules hold in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cxray.api import parse_day
from cxray.errors import CxrayError
from cxray.web.access import Forbidden, User
from cxray.web.masking import PII_KEYS, mask_payload
from cxray.web.site import web_kept

if TYPE_CHECKING:  # pragma: no cover
    from cxray.web.state import WebState

OWNER_COLUMN = "account_manager"  # whose customer it is: a manager's name


def owns(user: User, customer: dict[str, Any]) -> bool:
    """Whether ``user`` is a manager and ``customer``'s account manager."""
    return bool(user.can("own_customers") and user.name and customer.get(OWNER_COLUMN) == user.name)


def _holds_pii(value: Any) -> bool:
    if isinstance(value, dict):
        return any((k in PII_KEYS and v) or _holds_pii(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_pii(v) for v in value)
    return False


def card_for(state: WebState, user: User, customer_id: str, as_of: str | None, *,
             via: str = "page") -> dict[str, Any]:  # fmt: skip
    """The card of ``customer_id`` as ``user`` may see it, with ``masked`` and ``own``; tasks
    only for a role that works them (a manager: their own customers); ``web``: the customer's
    web sessions and actions (``session.web.customer``)."""
    day = parse_day(as_of or None, "as_of")
    card = state.kept(("customer", customer_id, day),
                      lambda s: s.customer(customer_id, day).to_dict())  # fmt: skip
    # the website part: the sessions up to the card's date, else the latest captured event's,
    # read apart from the card's index (kept until the collector adds events)
    web = web_kept(state, ("card", customer_id, day),
                   lambda s: s.web.customer(customer_id, day))  # fmt: skip
    card = {**card, "web": web}
    if day is None:  # today's card: its tasks as the queue shows them (closed today: closed)
        tasks = [row for row in _tasks(state) if row["customer_id"] == customer_id]
        card = {**card, "followups": tasks}
    own = owns(user, card["customer"])
    unmasked = user.can("pii") or own
    shown = dict(card) if unmasked else mask_payload(card)
    if not (user.can("all_tasks") or own):
        shown["followups"] = None
    if unmasked and _holds_pii(card):
        state.run(
            lambda s: s.accounts.record(
                "pii_viewed", actor=user.actor, target=customer_id, details={"via": via}
            )
        )
    return {**shown, "masked": not unmasked, "own": own}


def visible_tasks(state: WebState, user: User, status: str | None = None) -> list[dict]:
    """The follow-up tasks ``user`` works: every task for admins and analysts, a manager's
    own (owner = their name) otherwise."""
    rows = _tasks(state, status)
    if user.can("all_tasks"):
        return rows
    return [row for row in rows if user.name and row.get("owner") == user.name]


def _tasks(state: WebState, status: str | None = None) -> list[dict]:
    """Every follow-up task (of ``status``), as of :meth:`WebState.tasks_day`; kept."""
    day = state.tasks_day()
    return state.kept(
        ("followups", status, day),
        lambda s: s.followups(day, status=status, sync=False).to_dict()["tasks"],
    )


def _task(state: WebState, user: User, task_id: str) -> dict:
    for row in visible_tasks(state, user):
        if row["task_id"] == task_id:
            return row
    if user.can("all_tasks"):
        raise CxrayError("followup_unknown", task_id=task_id)
    raise Forbidden("all_tasks")


def close_followup(state: WebState, user: User, task_id: str, resolution: str) -> dict:
    """Close a task ``user`` works, with what was done; audited."""
    task = _task(state, user, task_id)
    if not resolution.strip():
        raise CxrayError("web_resolution_needed")
    result = state.run(lambda s: s.close_followup(task_id, resolution=resolution.strip()))
    state.run(lambda s: s.accounts.record(
        "task_closed", actor=user.actor, target=task_id,
        details={"customer_id": task.get("customer_id")}))  # fmt: skip
    state.changed()
    return result.to_dict()


def reassign_followup(state: WebState, user: User, task_id: str, owner: str) -> dict:
    """Give a task ``user`` works to ``owner``; audited."""
    task = _task(state, user, task_id)
    if not owner.strip():
        raise CxrayError("web_owner_needed")
    result = state.run(lambda s: s.reassign_followup(task_id, owner=owner.strip()))
    state.run(lambda s: s.accounts.record(
        "task_reassigned", actor=user.actor, target=task_id,
        details={"customer_id": task.get("customer_id"), "owner": owner.strip(),
                 "previous_owner": task.get("owner")}))  # fmt: skip
    state.changed()
    return result.to_dict()
