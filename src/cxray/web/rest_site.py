"""The website over the REST API: the actions defined over captured web events with their
counts, defining and removing one (``define_actions``, audited), funnels of actions and the
paths sessions take (``session.web``). Every answer is the API result's ``to_dict()``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response

from cxray.api.web import DEFAULT_DAYS
from cxray.web import site
from cxray.web.access import User, api_access
from cxray.web.rest import answer

router = APIRouter(tags=["website"])
Viewer = Annotated[User, api_access("view")]
Definer = Annotated[User, api_access("define_actions")]
MAX_DAYS = 36500  # a hundred years: more than any history, less than the calendar's end
Days = Annotated[int, Query(ge=1, le=MAX_DAYS)]
Text = Annotated[str | None, Body(embed=True)]


@router.get("/web/actions")
def actions(request: Request, user: Viewer, as_of: str | None = None,
            days: Days = DEFAULT_DAYS) -> Response:  # fmt: skip
    """Every action with its rule and, over the ``days`` days up to ``as_of`` (default: the
    day of the latest captured event), its events, visitors, persons, customers and when it was
    first and last seen."""
    return answer(site.actions_answer(request.app.state.web, as_of, days=days), user)


@router.post("/web/actions")
def add_action(
    request: Request, user: Definer, name: Annotated[str, Body(embed=True)],
    url: Text = None, selector: Text = None, text: Text = None, event: Text = None,
) -> Response:  # fmt: skip
    """Define the action ``name`` (or replace its rule): events of type ``event`` whose URL
    matches ``url`` (``/catalog/*``), whose element matches the CSS ``selector`` and whose text
    is ``text``; 400 ``action_bad`` for a rule that cannot match. Audited."""
    rule = {"url": url, "selector": selector, "text": text, "event": event}
    return answer(site.define_action(request.app.state.web, user, name, rule), user)


@router.delete("/web/actions/{name}")
def delete_action(request: Request, name: str, user: Definer) -> Response:
    """Forget the action ``name`` (the events stay); 404 ``action_unknown``. Audited."""
    return answer(site.remove_action(request.app.state.web, user, name), user)


@router.get("/web/funnel")
def funnel(
    request: Request, user: Viewer, steps: str, as_of: str | None = None,
    within: Annotated[int, Query(ge=1, le=MAX_DAYS)] = 7, days: Days = DEFAULT_DAYS,
) -> Response:  # fmt: skip
    """The funnel of the actions ``steps`` (``a,b,c``: 2 to 10, in order): per step the people
    who reached it within ``within`` days of their first step, the shares, the drop-off and the
    median hours from the previous step."""
    state, names = request.app.state.web, site.split_steps(steps)
    payload = site.funnel_answer(state, names, as_of, within=within, days=days)
    return answer(payload, user)


@router.get("/web/paths")
def paths(
    request: Request, user: Viewer, as_of: str | None = None, start: str | None = None,
    steps: Annotated[int, Query(ge=1, le=10)] = 3,
    top: Annotated[int, Query(ge=1, le=1000)] = 20, days: Days = DEFAULT_DAYS,
) -> Response:  # fmt: skip
    """The ``top`` most frequent sequences of ``steps`` pages sessions take, from their first
    page or their first page whose path matches ``start`` (``/catalog/*``)."""
    payload = site.paths_answer(request.app.state.web, as_of, start=start or None, steps=steps,
                                top=top, days=days)  # fmt: skip
    return answer(payload, user)
