"""What each role of the web workspace may do: one table, read by every page and endpoint.

A permission names a kind of action; :data:`GRANTS` says which roles hold it. ``manager``
holds ``own_customers``: the full card and the tasks of the customers whose
``account_manager`` is the user's name (checked per customer by the card and the queue).
"""

from __future__ import annotations

from cxray.api.accounts import ROLES
from cxray.api.studio import APPROVER_ROLES

EVERYONE = frozenset(ROLES)

GRANTS: dict[str, frozenset[str]] = {
    "view": EVERYONE,  # every analytic view, with contact PII masked unless "pii" is held too
    "pii": frozenset({"admin", "analyst", "marketer"}),  # unmasked contact data everywhere
    "own_customers": frozenset({"manager"}),  # unmasked card and tasks of one's own customers
    "tasks": frozenset({"admin", "analyst", "manager"}),  # the follow-up queue (managers: own)
    "all_tasks": frozenset({"admin", "analyst"}),  # every task, not only one's own
    "campaigns": frozenset({"admin", "analyst", "marketer"}),
    "approve_campaigns": APPROVER_ROLES,  # approve or reject a submitted campaign
    "export": frozenset({"admin", "analyst", "marketer"}),  # contact data leaving the server
    "import": frozenset({"admin", "analyst"}),
    "sql": frozenset({"admin", "analyst"}),
    "define_actions": frozenset({"admin", "analyst"}),  # the website's actions: data rules
    "audit": frozenset({"admin"}),
    "users": frozenset({"admin"}),
}


def can(role: str, permission: str) -> bool:
    """Whether ``role`` holds ``permission`` (KeyError for a permission nobody declared)."""
    return role in GRANTS[permission]
