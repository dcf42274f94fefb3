"""The campaign studio through a session: ``session.studio``. The campaign files of the
workspace's ``campaigns/`` folder with their states, written, submitted, approved by a second
person, exported (the lists, and the planned sends recorded) and measured; the rules are
:mod:`cxray.comms.studio`, the log :mod:`cxray.comms.studio_log`.

Every action names its ``actor``, a user login: the action is allowed by the user's role
(:data:`cxray.comms.studio.EDITOR_ROLES`, :data:`~cxray.comms.studio.APPROVER_ROLES`) and goes
to the studio's log and to the audit log. Writing needs a writable session.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxray.api.offers import campaign_offer
from cxray.api.results import Result
from cxray.comms import studio_log
from cxray.comms.campaign import Campaign, check_campaign, load_campaign
from cxray.comms.studio import (
    APPROVER_ROLES,
    EDITOR_ROLES,
    REAPPROVE_ABOVE,
    STATES,
    audience_change,
    campaign_yaml,
    check_action,
    file_hash,
    needs_reapproval,
    shown_state,
    state_of,
    yaml_diff,
)
from cxray.errors import CxrayError

if TYPE_CHECKING:  # pragma: no cover
    from cxray.api.base import SessionBase
    from cxray.api.dates import DateLike

__all__ = ["APPROVER_ROLES", "EDITOR_ROLES", "REAPPROVE_ABOVE", "STATES", "StudioSession"]

FOLDER = "campaigns"
EXPORTS = "exports"
_NAME = re.compile(r"[\w.-]{1,120}")


def file_name(campaign_id: str) -> str:
    """The stem of the file the studio writes a new campaign to: its id, safe as a file name."""
    return re.sub(r"[^\w.-]+", "_", campaign_id).strip("._")[:120] or "campaign"


def _counts(plan: Any) -> dict[str, Any]:
    return {"as_of": plan.as_of.isoformat(), "candidates": plan.candidates,
            "final": len(plan.final_ids), "target": len(plan.target_ids),
            "control": len(plan.control_ids)}  # fmt: skip


class StudioSession:
    """``session.studio``: ``campaigns()``, ``campaign(name)``, ``preview(mapping)``,
    ``save(mapping)``, ``submit`` / ``approve`` / ``reject`` / ``export(name)``,
    ``download(name, group)``, ``measurement(name)`` and ``portfolio()``. ``name`` is the
    file's stem in the workspace's ``campaigns/`` folder."""

    def __init__(self, session: SessionBase) -> None:
        self.session = session

    # --- the folder and the states --------------------------------------------------------

    def _folder(self) -> Path:
        path = self.session.path
        if path is None:
            raise CxrayError("bad_parameter", detail="the campaign studio needs a workspace folder")
        return path / FOLDER

    def _files(self) -> dict[str, Path]:
        folder = self._folder()
        if not folder.is_dir():
            return {}
        found = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
        return {p.stem: p for p in found}

    def _path(self, name: str) -> Path:
        found = self._files().get(name) if _NAME.fullmatch(name or "") else None
        if found is None:
            raise CxrayError("campaign_not_found", file=name)
        return found

    def _role(self, actor: str) -> str | None:
        from cxray import accounts

        try:
            user = accounts.user(self.session._ws(), actor)
        except CxrayError:
            return None
        return None if user["disabled"] else str(user["role"])

    def _sent(self) -> set[str]:
        """The campaign ids the sends table holds."""
        sends = self.session.tables().get("sends")
        if sends is None:
            return set()
        ids = sends.select("campaign_id").distinct().to_pyarrow().column(0).to_pylist()
        return {str(i) for i in ids if i is not None}

    def _state(self, name: str, path: Path, events: list[dict[str, Any]], sent: set[str]) -> str:
        try:
            campaign_id = load_campaign(path).id
        except CxrayError:
            campaign_id = None
        return state_of(events, file_hash(path.read_bytes()), sent=campaign_id in sent)

    def _day(self, as_of: DateLike) -> dt.date | None:
        """The studio's day: ``as_of``, else the latest order's date (not the sends': an
        exported campaign's planned sends are dated on its start, ahead of the data, and the
        audience, its caps and its measurement are judged on the days the orders cover)."""
        try:
            return self.session.resolve_as_of(as_of)
        except CxrayError as err:
            if err.key != "as_of_required":
                raise
            return None  # nothing dated yet

    def _measured(self, path: Path, day: dt.date | None) -> Any:
        """The campaign's measurement at ``day`` when its window has ended, else None."""
        if day is None:
            return None
        try:
            m = self.session.campaign(path).measure(day).value
        except (CxrayError, ValueError):  # no sends of its id, or no day of the window yet
            return None
        return m if m.observed_end >= m.end else None

    # --- reading --------------------------------------------------------------------------

    def campaigns(self, as_of: DateLike = None) -> Result:
        """Every campaign file with its state, channel, start, audience size (the latest plan
        the studio recorded, or the target group sent) and, once measured, its verdict; a
        file that fails its check shows ``ok`` false and the error's code."""
        ws = self.session._ws()
        day = self._day(as_of)
        sent = self._sent()
        by_name: dict[str, list[dict[str, Any]]] = {}
        for event in studio_log.events(ws):
            by_name.setdefault(event["name"], []).append(event)
        rows = []
        for name, path in self._files().items():
            events = by_name.get(name, [])
            row: dict[str, Any] = {"name": name, "ok": True, "error": None}
            try:
                campaign = load_campaign(path)
            except CxrayError as err:
                row.update(ok=False, error={"code": err.key, "params": _plain(err.params)})
                campaign = None
            state = state_of(events, file_hash(path.read_bytes()),
                             sent=campaign is not None and campaign.id in sent)  # fmt: skip
            measured = self._measured(path, day) if state == "exported" else None
            counted = [e for e in events if "final" in e["details"]]
            audience = counted[-1]["details"]["final"] if counted else None
            if audience is None and measured is not None:
                audience = measured.target.n + measured.control.n
            row.update(
                campaign_id=campaign.id if campaign else None,
                title=campaign.name if campaign else None,
                channel=campaign.channel if campaign else None,
                start=campaign.start.isoformat() if campaign and campaign.start else None,
                state=shown_state(state, window_ended=measured is not None),
                audience=audience,
                verdict=measured.verdict if measured is not None else None,
                updated_at=events[-1]["at"] if events else None,
                updated_by=events[-1]["actor"] if events else None,
            )
            rows.append(row)
        return Result("campaigns", {"as_of": day, "campaigns": rows}, {"campaigns": rows},
                      as_of=day)  # fmt: skip

    def campaign(self, name: str, *, actor: str | None = None, as_of: DateLike = None) -> Result:
        """One campaign: its file's text, the checked campaign (or the error), its state, its
        history (every event, with the diff of each save), the latest approval's counts and
        the latest export; with ``actor``, ``can``: the actions that user may take now."""
        path = self._path(name)
        ws = self.session._ws()
        events = studio_log.events(ws, name)
        text = path.read_text(encoding="utf-8-sig")
        try:
            checked: Campaign | None = load_campaign(path)
            error = None
        except CxrayError as err:
            checked, error = None, {"code": err.key, "params": _plain(err.params)}
        state = state_of(events, file_hash(path.read_bytes()),
                         sent=checked is not None and checked.id in self._sent())  # fmt: skip
        measured = self._measured(path, self._day(as_of)) if state == "exported" else None
        payload = {
            "name": name, "yaml": text, "ok": checked is not None, "error": error,
            "campaign": _file_fields(checked) if checked else None,
            "state": shown_state(state, window_ended=measured is not None),
            "history": [_event(e) for e in events],
            "approval": _last(events, "approve"), "export": _last(events, "export"),
            "verdict": measured.verdict if measured is not None else None,
        }  # fmt: skip
        if actor is not None:
            actions = ("save", "submit", "approve", "reject", "export")
            payload["can"] = {a: self._may(a, state, actor, events) for a in actions}
        return Result("campaign", payload, {"history": payload["history"]}, value=checked)

    def _may(self, action: str, state: str, actor: str, events: list[dict[str, Any]]) -> bool:
        try:
            check_action(action, state, role=self._role(actor), actor=actor, events=events)
        except CxrayError:
            return False
        return True

    def preview(
        self, campaign: Mapping[str, Any], as_of: DateLike = None, *, name: str | None = None
    ) -> Result:
        """Check a campaign not saved yet (a mapping in the file's shape) as it is typed:
        ``errors`` (each rule's parse error, then the campaign's first problem, as codes with
        parameters) and, when there are none, the plan (the waterfall and the target / control
        split) at ``as_of``."""
        from cxray.comms.rules import parse_rule

        source = f"{name or campaign.get('id') or 'campaign'}.yaml"
        errors: list[dict[str, Any]] = []
        for key in ("audience", "exclusions"):
            rules = campaign.get(key)
            for i, text in enumerate(rules if isinstance(rules, list) else []):
                try:
                    parse_rule(text, where=f"{source}, {key}[{i + 1}]: ")
                except CxrayError as err:
                    errors.append(_error(err, f"{key}[{i + 1}]"))
        plan = relevance = None
        try:
            checked = check_campaign(dict(campaign), source)
        except CxrayError as err:
            if not errors or not err.key.startswith("rule_"):  # a rule's error is listed
                errors.append(_error(err, err.params.get("field")))
            checked = None
        if checked is not None:
            try:
                planned = self.session.campaign(_file_fields(checked)).plan(self._day(as_of))
                plan, relevance = planned.value, planned.offer_relevance
            except CxrayError as err:
                errors.append(_error(err, None))
        offer = campaign_offer(checked, self.session) if checked is not None else None
        payload = {"ok": not errors, "errors": errors, "offer": offer,
                   "plan": plan.to_dict() if plan is not None else None,
                   "offer_relevance": relevance}  # fmt: skip
        return Result("campaign_preview", payload, value=plan)

    def history(self, name: str) -> Result:
        """Every event of the campaign, oldest first (who, when, what; a save with its diff)."""
        self._path(name)
        rows = [_event(e) for e in studio_log.events(self.session._ws(), name)]
        return Result("campaign_history", {"name": name, "history": rows}, {"history": rows})

    # --- writing --------------------------------------------------------------------------

    def _plan(self, source: Path | Mapping[str, Any], as_of: DateLike) -> Any:
        return self.session.campaign(source).plan(self._day(as_of)).value

    def _check(self, name: str, path: Path, action: str, actor: str) -> tuple[list[Any], str]:
        """The campaign's events and the state ``action`` leads to, once ``actor`` may take it
        (CxrayError otherwise)."""
        events = studio_log.events(self.session._writable(), name)
        state = self._state(name, path, events, self._sent())
        goal = check_action(action, state, role=self._role(actor), actor=actor, events=events)
        return events, goal

    def _act(
        self, name: str, action: str, actor: str, *, campaign: Campaign, path: Path,
        comment: str | None = None, details: dict[str, Any] | None = None,
        audience: Any = None, goal: str | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Check ``action`` for ``actor`` and record it (studio log and audit log); ``goal``:
        the state it leads to, when the caller checked it already."""
        ws = self.session._writable()
        if goal is None:
            _, goal = self._check(name, path, action, actor)
        event = studio_log.append(
            ws, name=name, campaign_id=campaign.id, actor=actor, action=action, state=goal,
            file_hash=file_hash(path.read_bytes()), comment=comment, details=details,
            audience=audience,
        )  # fmt: skip
        self.session.accounts.record(f"campaign_{action}", actor=actor, target=name,
                                     details={"state": goal, **_audited(details)})  # fmt: skip
        return event

    def save(
        self, campaign: Mapping[str, Any], *, actor: str, name: str | None = None,
        as_of: DateLike = None,
    ) -> Result:  # fmt: skip
        """Write ``campaign`` (a mapping in the file's shape) as the file ``name`` (None: a new
        file named after its id; CxrayError ``campaign_exists`` when that file is there). The
        campaign must pass its check and plan against the data. A campaign equal to its file
        is not written (``changed`` false: the file keeps its bytes, comments included), once
        the user may save it (a sent campaign is ``campaign_locked`` even unchanged);
        otherwise the file is written as :func:`cxray.comms.studio.campaign_yaml` writes it
        and the save is recorded with its diff. A submitted or approved campaign goes back to
        draft; an exported one cannot be changed (``campaign_locked``), nor a campaign whose id
        the sends table holds (``campaign_id_sent``: its export would replace those sends)."""
        folder = self._folder()
        stem = name or file_name(str(campaign.get("id") or ""))
        checked = check_campaign(dict(campaign), f"{stem}.yaml")
        plan = self._plan(_file_fields(checked), as_of)
        text = campaign_yaml(checked.to_dict())
        if name is None:
            if stem in self._files():
                raise CxrayError("campaign_exists", file=stem)
            path, old = folder / f"{stem}.yaml", ""
        else:
            path = self._path(name)
            old = path.read_text(encoding="utf-8-sig")
        ws = self.session._writable()
        events = studio_log.events(ws, stem)
        sent = self._sent()
        state = self._state(stem, path, events, sent) if path.exists() else "draft"
        # checked before the comparison: a user who may not save is refused, changed or not
        goal = check_action("save", state, role=self._role(actor), actor=actor, events=events)
        _not_sent(checked.id, sent)
        if name is not None:
            try:
                if campaign_yaml(load_campaign(path).to_dict()) == text:
                    payload = {"name": stem, "changed": False, "state": None,
                               "plan": _counts(plan)}  # fmt: skip
                    return Result("campaign_saved", payload, value=checked)
            except CxrayError:
                pass  # a file that fails its check is replaced by one that passes
        folder.mkdir(parents=True, exist_ok=True)
        _write_text(path, text)
        studio_log.append(
            ws, name=stem, campaign_id=checked.id, actor=actor, action="save", state=goal,
            file_hash=file_hash(path.read_bytes()), yaml=text, diff=yaml_diff(old, text, stem),
            details=_counts(plan),
        )  # fmt: skip
        self.session.accounts.record("campaign_save", actor=actor, target=stem,
                                     details={"state": goal})  # fmt: skip
        payload = {"name": stem, "changed": True, "state": goal, "plan": _counts(plan)}
        return Result("campaign_saved", payload, value=checked)

    def submit(self, name: str, *, actor: str, comment: str | None = None) -> Result:
        """Ask for a second person's approval (a draft or a rejected campaign)."""
        path = self._path(name)
        event = self._act(name, "submit", actor, campaign=load_campaign(path), path=path,
                          comment=_comment(comment))  # fmt: skip
        return Result("campaign_submitted", _event(event))

    def approve(
        self, name: str, *, actor: str, comment: str | None = None, as_of: DateLike = None
    ) -> Result:
        """Approve a submitted campaign (a marketer or an admin who never saved nor submitted
        it): the plan at this moment is recorded, its counts and its
        final audience, against which the export is compared."""
        path = self._path(name)
        campaign = load_campaign(path)
        self._check(name, path, "approve", actor)  # before planning
        plan = self._plan(path, as_of)
        event = self._act(name, "approve", actor, campaign=campaign, path=path,
                          comment=_comment(comment), details=_counts(plan),
                          audience=plan.final_ids)  # fmt: skip
        return Result("campaign_approved", _event(event), value=plan)

    def reject(self, name: str, *, actor: str, comment: str) -> Result:
        """Send a submitted campaign back to its author with ``comment`` (required)."""
        path = self._path(name)
        text = _comment(comment)
        if not text:
            raise CxrayError("campaign_comment_required")
        event = self._act(name, "reject", actor, campaign=load_campaign(path), path=path,
                          comment=text)  # fmt: skip
        return Result("campaign_rejected", _event(event))

    def export(
        self, name: str, *, actor: str, as_of: DateLike = None,
        reapprove_above: float = REAPPROVE_ABOVE,
    ) -> Result:  # fmt: skip
        """Export an approved campaign: plan it now and compare the audience with the approved
        one. A change above ``reapprove_above`` (a share of the approved audience) sends the
        campaign back for approval (CxrayError ``campaign_reapproval_needed`` with the
        difference; the event is recorded). Otherwise write ``<id>-target.csv`` and
        ``<id>-control.csv`` into ``exports/<name>-<n>/`` of the workspace and record the
        planned sends, one row per target and control customer (``sent_at``: the campaign's
        start, else today; upserted by the sends' natural key, campaign, customer and channel:
        the mailing tool's send file imported with the campaign's channel replaces them; one
        without the channel adds its rows beside them). A campaign whose sends were imported
        meanwhile was sent outside the studio: it is ``exported`` already, not exported again."""
        from cxray.comms.export import export_lists

        if not 0 <= reapprove_above < 1:
            raise CxrayError("bad_parameter", detail="reapprove_above must be in [0, 1)")
        path = self._path(name)
        campaign = load_campaign(path)
        ws = self.session._writable()
        events, goal = self._check(name, path, "export", actor)
        plan = self._plan(path, as_of)
        approval = [e for e in events if e["action"] == "approve"][-1]
        change = audience_change(studio_log.audience(ws, approval["seq"]), plan.final_ids)
        if needs_reapproval(change, reapprove_above):
            self._act(name, "audience_changed", actor, campaign=campaign, path=path,
                      details={**_counts(plan), "change": change})  # fmt: skip
            share = change["share"]
            raise CxrayError(
                "campaign_reapproval_needed", added=change["added"], removed=change["removed"],
                share="-" if share is None else f"{share:.1%}", limit=f"{reapprove_above:.0%}",
            )  # fmt: skip
        folder = self._folder().parent / EXPORTS / f"{name}-{len(events) + 1}"
        written = export_lists(plan, self.session.tables(), folder)
        sent_at = campaign.start or dt.date.today()
        rows = _planned_sends(campaign.id, plan, sent_at)
        files = {"target": str(written.target_path), "control": str(written.control_path)}
        with ws.transaction():  # the planned sends and the export's event, or neither
            new, updated, unchanged = ws.write("sends", rows)
            details = {**_counts(plan), "change": change, "files": files,
                       "sent_at": sent_at.isoformat(), "sends_new": new,
                       "sends_updated": updated, "sends_unchanged": unchanged,
                       "missing_address": len(written.missing_address)}  # fmt: skip
            event = self._act(name, "export", actor, campaign=campaign, path=path,
                              details=details, goal=goal)  # fmt: skip
        self.session._changed()
        return Result("campaign_exported", _event(event), value=written)

    def download(self, name: str, group: str) -> Path:
        """The file of ``group`` (target or control) of the campaign's latest export
        (CxrayError ``campaign_not_exported`` when there is none)."""
        if group not in ("target", "control"):
            raise CxrayError("bad_parameter", detail="group must be target or control")
        self._path(name)
        exported = _last(studio_log.events(self.session._ws(), name), "export")
        found = Path(exported["details"]["files"][group]) if exported else None
        if found is None or not found.is_file():
            raise CxrayError("campaign_not_exported", file=name)
        return found

    # --- measuring --------------------------------------------------------------------------

    def measurement(self, name: str, as_of: DateLike = None) -> Result:
        """The campaign's uplift table (``cxray campaign measure``) with ``window_ended``."""
        result = self.session.campaign(self._path(name)).measure(self._day(as_of))
        m = result.value
        payload = {"name": name, "window_ended": m.observed_end >= m.end, **result.to_dict()}
        return Result("campaign_measurement", payload, result.tables, value=m,
                      as_of=result.as_of, warnings=result.warnings)  # fmt: skip

    def portfolio(self, as_of: DateLike = None) -> Result:
        """Every measured campaign (exported, its window ended) summed: incremental revenue
        with its 95% interval against the revenue the campaigns' own attribution claims, both
        also as shares of all sales over their windows (:mod:`cxray.comms.portfolio`)."""
        from cxray.comms.portfolio import portfolio

        day = self._day(as_of)
        listed = self.campaigns(day).to_dict()["campaigns"]
        found = []
        for row in listed:
            if row["state"] == "measured":
                found.append((row["name"], self._measured(self._path(row["name"]), day)))
        result = portfolio(found, self.session.tables()["orders"]) if found else None
        payload = (result.to_dict() if result else
                   {"campaigns": [], "measured": 0, "incremental_revenue": None,
                    "attributed_revenue": None, "sales": None})  # fmt: skip
        payload = {"as_of": day, **payload}
        return Result("campaign_portfolio", payload, {"campaigns": payload["campaigns"]},
                      value=result, as_of=day)  # fmt: skip


# --- helpers ---------------------------------------------------------------------------------


def _not_sent(campaign_id: str, sent: set[str]) -> None:
    """Refuse a new campaign whose id the sends table already holds: its export would replace
    the sends of the campaign sent under that id."""
    if campaign_id in sent:
        raise CxrayError("campaign_id_sent", id=campaign_id)


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, str | int | float | bool | None | dict) else str(v)
            for k, v in params.items()}  # fmt: skip


def _error(err: CxrayError, field: Any) -> dict[str, Any]:
    return {"field": field, "code": err.key, "params": _plain(err.params)}


def _comment(comment: str | None) -> str | None:
    text = (comment or "").strip()
    if len(text) > 2000:
        raise CxrayError("bad_parameter", detail="a comment is at most 2,000 characters")
    return text or None


def _event(event: Mapping[str, Any]) -> dict[str, Any]:
    """An event as answers show it (without the file's whole text)."""
    return {k: event.get(k) for k in ("seq", "at", "name", "campaign_id", "actor", "action",
                                      "state", "comment", "diff", "details")}  # fmt: skip


def _last(events: list[dict[str, Any]], action: str) -> dict[str, Any] | None:
    found = [e for e in events if e["action"] == action]
    return _event(found[-1]) if found else None


def _audited(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """What of an event's details goes to the audit log: the counts."""
    keys = ("final", "target", "control", "as_of")
    return {k: v for k, v in (details or {}).items() if k in keys}


def _file_fields(campaign: Campaign) -> dict[str, Any]:
    out = campaign.to_dict()
    out.pop("source", None)
    return out


def _planned_sends(campaign_id: str, plan: Any, day: dt.date) -> Any:
    import pyarrow as pa

    ids = [*plan.target_ids, *plan.control_ids]
    groups = ["target"] * len(plan.target_ids) + ["control"] * len(plan.control_ids)
    at = dt.datetime.combine(day, dt.time())
    return pa.table({"campaign_id": [campaign_id] * len(ids), "customer_id": ids,
                     "sent_at": pa.array([at] * len(ids), pa.timestamp("us")),
                     "channel": [plan.channel] * len(ids), "group": groups})  # fmt: skip


def _write_text(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)
