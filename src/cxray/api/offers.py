"""Offers checked before they go out: the offer lint (:mod:`cxray.comms.offer_lint`) through the
api, with the workspace's extra stop phrases (setting ``offer_stop_phrases``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cxray.api.results import Result
from cxray.comms.offer_lint import lint_offer
from cxray.workspace import parse_stop_phrases

if TYPE_CHECKING:  # pragma: no cover
    from cxray.api.base import SessionBase
    from cxray.comms.campaign import Campaign


def extra_phrases(session: SessionBase | None) -> list[str]:
    """The workspace's stop phrases on top of the built-in list (none without a workspace)."""
    if session is None or session.workspace is None:
        return []
    return parse_stop_phrases(session._setting("offer_stop_phrases") or "")


def lint(text: str, extra: Iterable[str] = ()) -> Result:
    """The offer lint of ``text`` as a result: ``clean``, ``stop_phrases`` (phrase and the words
    found), ``missing_specifics`` and ``missing_parts`` as codes; the stop phrases found are its
    table."""
    found = lint_offer(text, extra_phrases=extra)
    payload = {"text": text, **found.to_dict()}
    return Result("offer_lint", payload, {"stop_phrases": payload["stop_phrases"]}, value=found)


def campaign_offer(campaign: Campaign, session: SessionBase | None) -> dict[str, Any] | None:
    """The lint of a campaign's ``message`` as ``to_dict()`` (None without a message)."""
    if campaign.message is None:
        return None
    return lint(campaign.message, extra_phrases(session)).to_dict()
