"""The campaign editor's form and the campaign file's shape, both ways: the posted fields as a
campaign mapping (which the studio checks: a value that is not a number stays text, so the
check names it), and a campaign mapping (checked, or a file that fails its check, read as it
is) as the form's values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

BRIEF_TEXTS = ("why", "target", "must_not_receive", "expected_effect", "client_benefit")
LIMIT_FIELDS = ("recent_optout_days", "dormant_after", "full_price_days")
OFFER_FIELDS = ("min_quantity", "min_amount")
DEFAULTS = {
    "metric": "conversion", "window_days": "30", "scope": "all", "holdout": "0.2",
    "cap_sends": "4", "cap_days": "30", "recent_optout_days": "180", "dormant_after": "5",
    "full_price_days": "30", "channel": "email",
}  # fmt: skip
"""A new campaign's form: the file format's defaults."""


def _text(form: Mapping[str, Any], key: str) -> str | None:
    value = str(form.get(key) or "").strip()
    return value or None


def _lines(form: Mapping[str, Any], key: str) -> list[str]:
    return [line.strip() for line in str(form.get(key) or "").splitlines() if line.strip()]


def _number(form: Mapping[str, Any], key: str) -> Any:
    """An integer or a decimal (a comma taken as the decimal mark); other text as it is."""
    value = _text(form, key)
    if value is None:
        return None
    for kind in (int, float):
        try:
            return kind(value.replace(",", ".") if kind is float else value)
        except ValueError:
            continue
    return value


def _offer(form: Mapping[str, Any]) -> dict[str, Any] | None:
    """The offer's threshold fields that are filled (none: no offer)."""
    given = {key: _number(form, key) for key in OFFER_FIELDS}
    return {key: value for key, value in given.items() if value is not None} or None


def form_campaign(form: Mapping[str, Any]) -> dict[str, Any]:
    """The posted form as a campaign mapping in the file's shape."""
    brief: dict[str, Any] = {key: _text(form, key) for key in BRIEF_TEXTS}
    brief["measure"] = {"metric": _text(form, "metric"), "scope": _text(form, "scope"),
                        "window_days": _number(form, "window_days")}  # fmt: skip
    limits: dict[str, Any] = {
        "global_cap": {"sends": _number(form, "cap_sends"), "days": _number(form, "cap_days")}
    }
    limits.update({key: _number(form, key) for key in LIMIT_FIELDS})
    return {
        "id": _text(form, "id"), "name": _text(form, "name"), "channel": _text(form, "channel"),
        "start": _text(form, "start"), "brief": brief,
        "promoted": {"skus": _lines(form, "skus"), "lines": _lines(form, "lines")},
        "discount": str(form.get("discount") or "") in ("on", "true", "1"),
        "audience": _lines(form, "audience"), "exclusions": _lines(form, "exclusions"),
        "holdout": _number(form, "holdout"), "limits": limits,
        "offer": _offer(form), "message": _text(form, "message"),
    }  # fmt: skip


def _get(data: Any, *path: str) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, Mapping) else None
    return data


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "\n".join(_shown(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an offer of 100 units, not 100.0
    return str(value)


def campaign_form(campaign: Any) -> dict[str, str]:
    """A campaign mapping (or whatever a file holds) as the form's values, as text."""
    if not isinstance(campaign, Mapping):
        return dict(DEFAULTS)
    values = {key: _get(campaign, key)
              for key in ("id", "name", "channel", "start", "holdout", "message")}  # fmt: skip
    values.update({key: _get(campaign, "brief", key) for key in BRIEF_TEXTS})
    values.update({key: _get(campaign, "brief", "measure", key)
                   for key in ("metric", "window_days", "scope")})  # fmt: skip
    values.update(skus=_get(campaign, "promoted", "skus"),
                  lines=_get(campaign, "promoted", "lines"),
                  audience=campaign.get("audience"), exclusions=campaign.get("exclusions"),
                  cap_sends=_get(campaign, "limits", "global_cap", "sends"),
                  cap_days=_get(campaign, "limits", "global_cap", "days"))  # fmt: skip
    values.update({key: _get(campaign, "limits", key) for key in LIMIT_FIELDS})
    values.update({key: _get(campaign, "offer", key) for key in OFFER_FIELDS})
    shown = {key: _shown(value) for key, value in values.items()}
    for key, default in DEFAULTS.items():  # a file leaving a default out shows the default
        if not shown.get(key) and key not in ("channel",):
            shown[key] = default
    shown["discount"] = "on" if campaign.get("discount") is True else ""
    return shown
