"""The HTTP status of a refused request, by the code of its CxrayError: the one table the error
handler and the pages that answer a refusal themselves (the campaign editor) read."""

from __future__ import annotations

# codes that mean "no such thing" rather than "bad input"
NOT_FOUND = ("customer_unknown", "followup_unknown", "user_unknown", "token_unknown",
             "campaign_not_found", "campaign_not_exported", "action_unknown")  # fmt: skip
# codes with a status of their own: the workspace or the campaign is in a state that does not
# allow the action now (409), or the user may not take it (403)
STATUS = {"workspace_busy": 409, "campaign_exists": 409, "campaign_bad_transition": 409,
          "campaign_locked": 409, "campaign_reapproval_needed": 409, "campaign_id_sent": 409,
          "campaign_own_approval": 403, "campaign_role_refused": 403}  # fmt: skip


def status_of(code: str) -> int:
    """404 for a thing that does not exist, the status of :data:`STATUS`, else 400."""
    return 404 if code in NOT_FOUND else STATUS.get(code, 400)
