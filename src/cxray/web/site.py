"""The website's actions, funnels and paths as a signed-in user sees and changes them: answers
over web events kept only until the collector adds events, and every action defined or removed
audited.

Pages and REST endpoints both call these, so the rules hold in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

from cxray.web.access import User

if TYPE_CHECKING:  # pragma: no cover
    from cxray.api.session import Session
    from cxray.web.state import WebState

T = TypeVar("T")
RULE = ("url", "selector", "text", "event")


def web_kept(state: WebState, key: tuple[Hashable, ...], fn: Callable[[Session], T]) -> T:
    """``fn``'s answer over web events, kept while the collector has added no events (its
    ``web_generation`` is part of the key)."""
    return state.kept(("web", state.web_generation, *key), fn)


def define_action(state: WebState, user: User, name: str, rule: dict[str, str | None]) -> dict:
    """Define (or redefine) the action ``name`` with ``rule`` (url, selector, text, event) as
    ``user``; audited as ``web_action_defined``. CxrayError (``action_bad_selector``,
    ``action_bad_character`` ...: :class:`cxray.analytics.web_actions.Action`) for a rule the
    events cannot be matched by."""
    given = {k: (rule.get(k) or "").strip() or None for k in RULE}
    result = state.run(lambda s: s.web.add_action(name, **given, by=user.actor).to_dict())
    saved = result["actions"][0]
    state.run(lambda s: s.accounts.record(
        "web_action_defined", actor=user.actor, target=saved["name"],
        details={k: saved[k] for k in RULE if saved[k] is not None}))  # fmt: skip
    state.changed()
    return result


def remove_action(state: WebState, user: User, name: str) -> dict:
    """Forget the action ``name`` as ``user`` (the events stay); audited as
    ``web_action_removed``. CxrayError ``action_unknown``."""
    result = state.run(lambda s: s.web.remove_action(name).to_dict())
    state.run(lambda s: s.accounts.record(
        "web_action_removed", actor=user.actor, target=result["name"],
        details={k: result[k] for k in RULE if result.get(k) is not None}))  # fmt: skip
    state.changed()
    return result


def split_steps(text: str | list[str] | None) -> list[str]:
    """A funnel's actions from ``a,b,c`` (or a list of names, empty ones left out)."""
    parts = text.split(",") if isinstance(text, str) else list(text or [])
    return [p.strip() for p in parts if p and p.strip()]


def funnel_answer(state: WebState, steps: list[str], as_of: str | None, *, within: int,
                  days: int) -> dict[str, Any]:  # fmt: skip
    """``session.web.funnel(...)``'s answer, kept as :func:`web_kept` keeps."""
    key = ("funnel", tuple(steps), as_of, within, days)
    return web_kept(state, key, lambda s: s.web.funnel(
        steps, as_of, within_days=within, days=days).to_dict())  # fmt: skip


def actions_answer(state: WebState, as_of: str | None, *, days: int) -> dict[str, Any]:
    """``session.web.actions(...)``'s answer, kept as :func:`web_kept` keeps."""
    return web_kept(state, ("actions", as_of, days),
                    lambda s: s.web.actions(as_of, days=days).to_dict())  # fmt: skip


def paths_answer(state: WebState, as_of: str | None, *, start: str | None, steps: int, top: int,
                 days: int) -> dict[str, Any]:  # fmt: skip
    """``session.web.paths(...)``'s answer, kept as :func:`web_kept` keeps."""
    key = ("paths", as_of, start, steps, top, days)
    return web_kept(state, key, lambda s: s.web.paths(
        as_of, start=start, steps=steps, top=top, days=days).to_dict())  # fmt: skip
