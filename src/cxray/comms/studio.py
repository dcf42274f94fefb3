"""The campaign studio's rules: the states a campaign file goes through, who may move it, its
YAML as the studio writes it, and how much an audience changed since it was approved.

States (:data:`STATES`)::

    draft -> submitted -> approved -> exported -> measured
                |
                +-> rejected -> (saved again) draft

- ``save`` writes the file; a submitted, approved or rejected campaign goes back to ``draft``
  (its approval no longer holds). An exported or measured campaign has been sent: it is not
  edited any more (``campaign_locked``).
- ``submit``: a draft (or a rejected campaign) asks for approval.
- ``approve`` / ``reject``: a user with a role of :data:`APPROVER_ROLES` who never saved nor
  submitted the campaign (:func:`authors`). A rejection carries a comment.
- ``export``: an approved campaign's lists are written and its planned sends recorded.
- ``audience_changed``: at export, the audience moved by more than the allowed share since the
  approval: the campaign goes back to ``submitted`` for a fresh approval.
- ``measured`` is not an action: an exported campaign is measured once its measurement window
  has ended at the data's date (:func:`shown_state`).

The state is read from the campaign's events (oldest first) and its file: a file changed outside
the studio since its last event is a ``draft`` again; a file the studio never saw is a ``draft``.
A campaign whose id the workspace's sends already hold, without an export by the studio, was
sent outside it (its send file imported): it is ``exported``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml

from cxray.errors import CxrayError

__all__ = [
    "ACTIONS",
    "APPROVER_ROLES",
    "EDITOR_ROLES",
    "EXPORTER_ROLES",
    "REAPPROVE_ABOVE",
    "STATES",
    "audience_change",
    "authors",
    "campaign_yaml",
    "check_action",
    "file_hash",
    "needs_reapproval",
    "next_state",
    "shown_state",
    "state_of",
    "yaml_diff",
]

STATES: tuple[str, ...] = ("draft", "submitted", "approved", "exported", "measured", "rejected")
ACTIONS: tuple[str, ...] = ("save", "submit", "approve", "reject", "export", "audience_changed")

EDITOR_ROLES = frozenset({"admin", "analyst", "marketer"})
"""Roles that write, submit and export campaigns."""
APPROVER_ROLES = frozenset({"admin", "marketer"})
"""Roles that approve or reject another user's campaign."""
EXPORTER_ROLES = EDITOR_ROLES
REAPPROVE_ABOVE = 0.05
"""At export, an audience that changed by more than this share of the approved audience needs
a fresh approval."""

# action -> (the states it starts from, the state it leads to, the roles that may take it)
_MOVES: dict[str, tuple[frozenset[str], str, frozenset[str]]] = {
    "save": (frozenset({"draft", "submitted", "approved", "rejected"}), "draft", EDITOR_ROLES),
    "submit": (frozenset({"draft", "rejected"}), "submitted", EDITOR_ROLES),
    "approve": (frozenset({"submitted"}), "approved", APPROVER_ROLES),
    "reject": (frozenset({"submitted"}), "rejected", APPROVER_ROLES),
    "export": (frozenset({"approved"}), "exported", EXPORTER_ROLES),
    "audience_changed": (frozenset({"approved"}), "submitted", EXPORTER_ROLES),
}


def next_state(state: str, action: str) -> str:
    """The state ``action`` leads to from ``state`` (CxrayError ``campaign_bad_transition``
    when it cannot be taken from there, ``campaign_locked`` for saving a sent campaign)."""
    starts, goal, _ = _MOVES[action]
    if state not in starts:
        if action == "save":
            raise CxrayError("campaign_locked", state=state)
        raise CxrayError("campaign_bad_transition", action=action, state=state)
    return goal


def check_action(
    action: str,
    state: str,
    *,
    role: str | None,
    actor: str,
    events: Sequence[Mapping[str, Any]] = (),
) -> str:
    """Check that ``actor`` with ``role`` (None: no user account) may take ``action`` on a
    campaign in ``state`` whose events are ``events``; return the state it leads to.

    CxrayError ``campaign_role_refused`` (the role may not), ``campaign_bad_transition`` /
    ``campaign_locked`` (not from this state), ``campaign_own_approval`` (approving or
    rejecting a campaign one saved or submitted)."""
    if action not in _MOVES:
        raise CxrayError("bad_parameter", detail=f"unknown campaign action {action!r}")
    goal = next_state(state, action)
    if role not in _MOVES[action][2]:
        raise CxrayError("campaign_role_refused", action=action, role=role or "-")
    if action in ("approve", "reject") and actor in authors(events):
        raise CxrayError("campaign_own_approval", actor=actor)
    return goal


def authors(events: Sequence[Mapping[str, Any]]) -> set[str]:
    """Who wrote the campaign: everyone who ever saved or submitted it (a co-author is not the
    second pair of eyes)."""
    return {e["actor"] for e in events if e["action"] in ("save", "submit")}


def state_of(events: Sequence[Mapping[str, Any]], current_hash: str | None, *, sent: bool) -> str:
    """The state of a campaign from its ``events`` (oldest first, each with ``state`` and
    ``file_hash``) and its file's hash now; ``sent``: the workspace holds sends of its id.
    A campaign whose sends are there without an export by the studio was sent outside it (its
    send file imported): ``exported``, whatever its events say."""
    if sent and not any(e["state"] == "exported" for e in events):
        return "exported"
    if not events:
        return "draft"
    last = events[-1]
    if last["state"] in ("exported", "measured"):
        return last["state"]
    if current_hash is not None and last.get("file_hash") not in (None, current_hash):
        return "draft"  # the file was changed outside the studio
    return str(last["state"])


def shown_state(state: str, *, window_ended: bool) -> str:
    """``measured`` for an exported campaign whose measurement window has ended."""
    return "measured" if state == "exported" and window_ended else state


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the file as the studio writes it ---------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the format's order, long texts kept on one line."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    if "\x85" in value:  # PyYAML writes a NEL unescaped elsewhere, and reads it back as a space
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _short(values: Iterable[Any]) -> list[Any]:
    return [v for v in values if v not in (None, "")]


def campaign_yaml(campaign: Mapping[str, Any]) -> str:
    """The campaign file the studio writes for ``campaign`` (a checked campaign's
    ``to_dict()``): the format's keys in order, empty optional ones left out, defaults written
    out. The same campaign always gives the same text, so a file saved unchanged keeps its
    bytes."""
    brief = campaign["brief"]
    out: dict[str, Any] = {"id": campaign["id"]}
    if campaign.get("name"):
        out["name"] = campaign["name"]
    out["channel"] = campaign["channel"]
    if campaign.get("start"):
        out["start"] = dt.date.fromisoformat(str(campaign["start"]))  # written unquoted
    out["brief"] = {
        "why": brief["why"],
        "target": brief["target"],
        "must_not_receive": brief["must_not_receive"],
        "expected_effect": brief["expected_effect"],
        "measure": dict(brief["measure"]),
        "client_benefit": brief["client_benefit"],
    }
    promoted = campaign.get("promoted") or {}
    chosen = {k: _short(promoted.get(k) or ()) for k in ("skus", "lines")}
    if any(chosen.values()):
        out["promoted"] = {k: v for k, v in chosen.items() if v}
    out["discount"] = bool(campaign.get("discount"))
    for key in ("audience", "exclusions"):
        rules = _short(campaign.get(key) or ())
        if rules:
            out[key] = rules
    out["holdout"] = campaign["holdout"]
    out["limits"] = campaign["limits"]
    if campaign.get("offer"):
        out["offer"] = dict(campaign["offer"])
    if campaign.get("message"):
        out["message"] = campaign["message"]
    text = yaml.dump(out, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**6,
                     default_flow_style=False)  # fmt: skip
    return text


def yaml_diff(old: str, new: str, name: str) -> str:
    """What a save changed: a unified diff of the file's text (a new file: ``old`` is empty
    and every line is added)."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"{name}.yaml", tofile=f"{name}.yaml", n=1,
    )  # fmt: skip
    return "".join(lines)


# --- how much the audience moved -------------------------------------------------------------


def audience_change(approved: Iterable[str], now: Iterable[str]) -> dict[str, Any]:
    """The audience now against the approved one: ``added`` and ``removed`` customers and
    ``share`` = (added + removed) / the approved audience's size (None when the approved
    audience was empty and the new one is not: any change then needs approval)."""
    before, after = set(approved), set(now)
    added, removed = len(after - before), len(before - after)
    if before:
        share: float | None = (added + removed) / len(before)
    else:
        share = 0.0 if not after else None
    return {"approved": len(before), "now": len(after), "added": added, "removed": removed,
            "share": share}  # fmt: skip


def needs_reapproval(change: Mapping[str, Any], limit: float) -> bool:
    """Whether an audience change (:func:`audience_change`) exceeds ``limit``."""
    share = change["share"]
    return share is None or share > limit
