"""What customers do on the website, through a session: the actions defined over captured events,
their counts, funnels of actions and the paths people take (:mod:`cxray.analytics.web_events`).

Actions are kept in the workspace table :data:`ACTIONS` (name, rule, who defined it and when), so
every shell sees the same ones; an action defined today counts the events captured before it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import ibis
import pyarrow as pa

from cxray.analytics import web_events as we
from cxray.analytics.leads import quantile
from cxray.analytics.web_actions import EVENT_TYPES as EVENT_TYPES  # for the shells' forms
from cxray.analytics.web_actions import Action
from cxray.api.base import rows_of
from cxray.api.dates import parse_day
from cxray.api.results import Notice, Result
from cxray.errors import CxrayError
from cxray.workspace import INTERNAL_PREFIX, as_date

if TYPE_CHECKING:  # pragma: no cover
    from cxray.api.base import SessionBase
    from cxray.api.dates import DateLike

ACTIONS = f"{INTERNAL_PREFIX}web_actions"
ACTIONS_SCHEMA = {
    "name": "string",
    "url": "string",
    "selector": "string",
    "text": "string",
    "event": "string",
    "created_at": "timestamp",
    "created_by": "string",
}
RULE = ("url", "selector", "text", "event")
DEFAULT_DAYS = 90
MAX_FUNNEL_STEPS = 10


class WebSession:
    """``session.web``: actions over captured web events, their funnels and paths."""

    def __init__(self, session: SessionBase) -> None:
        self.session = session

    # --- the actions ------------------------------------------------------------------------

    def defined(self) -> list[Action]:
        """The actions the workspace keeps, by name."""
        ws = self.session.workspace
        if ws is None or not ws.has(ACTIONS):
            return []
        rows = ws.con.table(ACTIONS).order_by("name").to_pyarrow().to_pylist()
        return [Action(r["name"], **{k: r[k] for k in RULE}) for r in rows]

    def action(self, name: str) -> Action:
        """The action called ``name``; CxrayError ``action_unknown`` when there is none."""
        for found in self.defined():
            if found.name == name:
                return found
        known = ", ".join(a.name for a in self.defined()) or "-"
        raise CxrayError("action_unknown", name=name, known=known)

    def add_action(
        self,
        name: str,
        *,
        url: str | None = None,
        selector: str | None = None,
        text: str | None = None,
        event: str | None = None,
        by: str | None = None,
        days: int = DEFAULT_DAYS,
    ) -> Result:
        """Define the action ``name`` (or replace its rule): events of type ``event`` whose URL
        matches ``url``, whose element matches the CSS ``selector`` and whose text is ``text``
        (see :mod:`cxray.analytics.web_actions`). ``by`` names who defined it. Returns the
        action with what it counts over the ``days`` days up to the latest captured event (as
        :meth:`actions`)."""
        action = Action(name.strip(), url=url or None, selector=selector or None,
                        text=text or None, event=event or None)  # fmt: skip
        ws = self.session._writable()
        row = pa.table(
            {
                **{k: [v] for k, v in action.to_dict().items()},
                "created_at": [dt.datetime.now(dt.UTC).replace(tzinfo=None)],
                "created_by": [by],
            }
        )
        with ws.transaction():
            self._drop(action.name)
            ws.append(ACTIONS, row, ACTIONS_SCHEMA)
        return self.actions(days=days, only=[action.name])

    def remove_action(self, name: str) -> Result:
        """Forget the action ``name`` (the events stay); CxrayError ``action_unknown``."""
        action = self.action(name)
        ws = self.session._writable()
        with ws.transaction():
            self._drop(action.name)
        return Result("action_removed", {"name": action.name, **action.to_dict()}, {})

    def _drop(self, name: str) -> None:
        ws = self.session._writable()
        if ws.has(ACTIONS):
            t = ws.con.table(ACTIONS)
            ws.replace(ACTIONS, t.filter(t.name != name))

    # --- the questions ----------------------------------------------------------------------

    def _as_of(self, as_of: DateLike = None) -> dt.date:
        """``as_of`` as a date; by default the day of the latest captured event (read anew:
        the collector adds events while a server runs)."""
        day = parse_day(as_of, "as_of")
        if day is not None:
            return day
        events = self.session.tables()["web_events"]
        latest = as_date(events.ts.max().to_pyarrow().as_py())
        if latest is None:
            raise CxrayError("as_of_required", tables="web_events")
        return latest

    @contextlib.contextmanager
    def _events(self, as_of: dt.date, days: int) -> Iterator[ibis.Table]:
        """The identified and sessioned events of the ``days`` days up to ``as_of``
        (:func:`cxray.analytics.web_events.sessions`), kept in the backend while the question
        reads them, then let go (the collector adds events while a server runs)."""
        if days < 1:
            raise CxrayError("bad_parameter", detail="--days must be 1 or more")
        raw = self.session.tables()["web_events"]
        # identify events of any time name the visitor; the window is taken afterwards
        found = we.sessions(we.window(we.identified(raw), as_of=as_of, days=days))
        kept = self.session._cached(found)
        try:
            yield kept
        finally:
            if hasattr(kept, "release"):
                with contextlib.suppress(Exception):
                    kept.release()

    def actions(
        self, as_of: DateLike = None, *, days: int = DEFAULT_DAYS, only: list[str] | None = None
    ) -> Result:
        """Every action (or those named ``only``) with its rule and, over the ``days`` days up
        to ``as_of``, its events, visitors, persons, identified customers and when it was first
        and last seen."""
        actions = self.defined()
        if only is not None:
            actions = [self.action(n) for n in only]
        day = self._day_or_none(as_of)
        counted: dict[str, dict[str, Any]] = {}
        if day is not None and actions:
            with self._events(day, days) as events:
                found = we.action_counts(we.action_events(events, actions))
                counted = {r["action"]: r for r in rows_of(found)}
        zero = {"events": 0, "visitors": 0, "persons": 0, "customers": 0,
                "first_seen": None, "last_seen": None}  # fmt: skip
        rows = []
        for a in actions:
            got = {k: v for k, v in counted.get(a.name, zero).items() if k != "action"}
            rows.append({**a.to_dict(), "counts": list(a.events), **got})
        warnings = self._notices(day, defined=bool(actions))
        payload = {"as_of": day, "days": days, "actions": rows}
        return Result("web_actions", payload, {"actions": rows}, as_of=day, warnings=warnings)

    def funnel(
        self,
        steps: list[str],
        as_of: DateLike = None,
        *,
        within_days: int = 7,
        days: int = DEFAULT_DAYS,
    ) -> Result:
        """The funnel of the actions ``steps`` in order: per step the persons who reached it
        within ``within_days`` of their first step, the share of the previous step and of the
        first, the drop-off and the median hours from the previous step, over the events of the
        ``days`` days up to ``as_of``. A person is a customer (identified on any device) or an
        anonymous visitor."""
        if not 2 <= len(steps) <= MAX_FUNNEL_STEPS:
            detail = f"a funnel takes 2 to {MAX_FUNNEL_STEPS} actions"
            raise CxrayError("bad_parameter", detail=detail)
        if within_days < 1:
            raise CxrayError("bad_parameter", detail="--within must be 1 day or more")
        actions = [self.action(n) for n in steps]
        day = self._day_or_none(as_of)
        persons: list[int] = [0] * len(actions)
        medians: list[float | None] = [None] * len(actions)
        if day is not None:
            with self._events(day, days) as events:
                reached = we.funnel_reach(events, actions, within_days=within_days)
                persons[0] = int(rows_of(we.first_step_persons(reached[0]))[0]["persons"] or 0)
                for i in range(1, len(reached)):
                    found = rows_of(we.step_hours(reached[i], reached[i - 1]))
                    hours = [r["hours"] for r in found]
                    persons[i], medians[i] = len(hours), quantile(hours, 0.5)
        rows = [s.to_dict() for s in we.funnel_steps(actions, persons, medians)]
        payload = {"as_of": day, "days": days, "within_days": within_days, "steps": rows}
        warnings = self._notices(day, defined=True)
        return Result("web_funnel", payload, {"steps": rows}, as_of=day, warnings=warnings)

    def paths(
        self,
        as_of: DateLike = None,
        *,
        start: str | None = None,
        steps: int = 3,
        top: int = 20,
        days: int = DEFAULT_DAYS,
    ) -> Result:
        """The ``top`` most frequent sequences of ``steps`` pages that sessions take, from their
        first page or from their first page whose path matches ``start`` (``/catalog/*``), with
        the sessions taking each and their share."""
        if not 1 <= steps <= 10 or top < 1:
            raise CxrayError("bad_parameter", detail="--steps must be 1 to 10 and --top 1 or more")
        day = self._day_or_none(as_of)
        rows: list[dict[str, Any]] = []
        if day is not None:
            with self._events(day, days) as events:
                found = rows_of(we.path_rows(events, start=start, steps=steps))
            rows = we.top_paths(found, top=top)
        payload = {"as_of": day, "days": days, "start": start, "steps": steps, "paths": rows}
        warnings = self._notices(day, defined=True)
        tables = {"paths": [{**r, "pages": " → ".join(r["pages"])} for r in rows]}
        return Result("web_paths", payload, tables, as_of=day, warnings=warnings)

    def customer(self, customer_id: str, as_of: DateLike = None, *, days: int = DEFAULT_DAYS,
                 limit: int = 20) -> dict[str, Any]:  # fmt: skip
        """A customer's web sessions (the latest ``limit``) and the actions they did, over the
        ``days`` days up to ``as_of`` (default: the day of the latest captured event; None
        without any), with that ``as_of`` and ``days``: what the customer card shows."""
        day = self._day_or_none(as_of)
        if day is None:
            return {"as_of": None, "days": days, "sessions": [], "actions": [],
                    "total_sessions": 0}  # fmt: skip
        with self._events(day, days) as events:
            mine = events.filter(events.customer == customer_id)
            summary = we.session_summary(mine)
            total = int(summary.count().to_pyarrow().as_py())
            sessions = rows_of(summary.order_by(ibis.desc("start")).limit(limit))
            acts = self.defined()
            done = []
            if acts:
                hits = we.action_counts(we.action_events(mine, acts))
                done = rows_of(hits.order_by([ibis.desc("events"), "action"]))
        done = [{k: r[k] for k in ("action", "events", "first_seen", "last_seen")} for r in done]
        return {"as_of": day, "days": days, "sessions": sessions, "actions": done,
                "total_sessions": total}  # fmt: skip

    def _day_or_none(self, as_of: DateLike) -> dt.date | None:
        try:
            return self._as_of(as_of)
        except CxrayError as err:
            if err.key == "as_of_required":
                return None
            raise

    def _notices(self, day: dt.date | None, *, defined: bool) -> list[Notice]:
        out = []
        if day is None:
            out.append(Notice("web_events_none"))
        if not defined:
            out.append(Notice("web_actions_none"))
        return out
