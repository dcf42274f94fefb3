"""Campaign files: a versionable, reviewable YAML brief that a campaign must complete before it
can be planned.

The format (see ``docs/campaign-format.md``)::

    id: cheese-promo-2026-11          # required; the campaign_id written to the sends table
    name: Cheese for retail chains    # optional
    channel: email                    # required: email, sms, phone, messenger, ...
    start: 2026-11-10                 # optional send date (YYYY-MM-DD); measurement starts the
                                      # day after, so measuring needs it
    brief:                            # all six required and non-empty
      why: "..."
      target: "..."
      must_not_receive: "..."
      expected_effect: "..."
      measure:
        metric: conversion            # conversion or revenue
        window_days: 30               # > 0
        scope: promoted               # promoted or all (default all)
      client_benefit: "..."
    promoted:                         # optional; required when discount is true
      skus: [SKU-001, SKU-002]
      lines: ["Cheese"]
    discount: true                    # optional, default false
    audience:                         # optional rules, all must match (none: every customer)
      - segment in ["Retail chains", "HoReCa"]
      - active
      - not bought line "Cheese" within 90 days
    exclusions:                       # optional rules, a customer matching any is removed
      - region == "Moscow"
    holdout: 0.2                      # required: share kept as control, 0 < holdout < 1
    limits:                           # optional; defaults shown; 0 turns a check off
      global_cap: {sends: 4, days: 30}
      recent_optout_days: 180
      dormant_after: 5
      full_price_days: 30
    offer:                            # optional: one threshold of the offer
      min_quantity: 16                #   units of the promoted items in one order (or min_amount)
    message: "Скидка 7% ..."          # optional: the offer's text, linted (cxray.comms.offer_lint)

The share of the persistent global control group is not a campaign's to choose: it is the
workspace setting ``global_control_share`` (:data:`cxray.workspace.SETTINGS`), passed to
:func:`cxray.comms.plan.plan_campaign`. A file that names it (in ``limits`` or at the top level)
is refused.

The rule language is documented in :mod:`cxray.comms.rules`.

:func:`load_campaign` reads and checks a file; :func:`check_campaign` checks an already parsed
mapping. Every problem raises :class:`cxray.errors.CxrayError` whose message names the file and
the field (an incomplete brief lists every missing field at once). Checks beyond the format:
``discount: true`` or ``scope: promoted`` without promoted SKUs or lines, a rule that is both an
audience rule and an exclusion, and two audience rules that negate each other are refused as
contradictory. Field names inside rules are checked when the campaign is planned against data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cxray.comms.rules import Rule, parse_rule
from cxray.errors import CxrayError

# A brief's audience or exclusions are a few lines: a file beyond these is refused at once
# (checking rules against each other grows with their square; YAML aliases can expand a 1 KB file
# into gigabytes, so a campaign file has none).
MAX_RULES = 200
MAX_FILE_BYTES = 1_000_000


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without aliases (``*name``)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a campaign file", mark
            )
        return super().compose_node(parent, index)


__all__ = [
    "BRIEF_FIELDS",
    "BRIEF_KEYS",
    "CAMPAIGN_KEYS",
    "LIMIT_KEYS",
    "METRICS",
    "SCOPES",
    "Brief",
    "Campaign",
    "GlobalCap",
    "Limits",
    "Measure",
    "check_campaign",
    "load_campaign",
    "read_yaml_file",
]

CAMPAIGN_KEYS: tuple[str, ...] = (
    "id",
    "name",
    "channel",
    "start",
    "brief",
    "promoted",
    "discount",
    "audience",
    "exclusions",
    "holdout",
    "limits",
    "offer",
    "message",
)
BRIEF_KEYS: tuple[str, ...] = (
    "why",
    "target",
    "must_not_receive",
    "expected_effect",
    "measure",
    "client_benefit",
)
BRIEF_FIELDS = BRIEF_KEYS
"""The six fields every brief must fill."""
MEASURE_KEYS: tuple[str, ...] = ("metric", "window_days", "scope")
PROMOTED_KEYS: tuple[str, ...] = ("skus", "lines")
LIMIT_KEYS: tuple[str, ...] = (
    "global_cap",
    "recent_optout_days",
    "dormant_after",
    "full_price_days",
)
GLOBAL_CAP_KEYS: tuple[str, ...] = ("sends", "days")
OFFER_KEYS: tuple[str, ...] = ("min_quantity", "min_amount")
"""An offer's threshold, one of them (:mod:`cxray.comms.offer_relevance`)."""
METRICS: tuple[str, ...] = ("conversion", "revenue")
SCOPES: tuple[str, ...] = ("promoted", "all")
WORKSPACE_KEYS: tuple[str, ...] = ("global_control_share",)
"""Workspace settings a campaign file may not set (refused in ``limits`` and at the top level)."""


@dataclass(frozen=True)
class Measure:
    """How the campaign is measured: ``metric`` (``conversion``: share of customers who buy;
    ``revenue``: revenue per customer) over ``window_days`` days after the start, counting only
    the promoted SKUs/lines (``scope="promoted"``) or any purchase (``scope="all"``)."""

    metric: str
    window_days: int
    scope: str = "all"


@dataclass(frozen=True)
class Brief:
    """Why the campaign exists and how it will be judged; every field is required."""

    why: str
    target: str
    must_not_receive: str
    expected_effect: str
    measure: Measure
    client_benefit: str


@dataclass(frozen=True)
class GlobalCap:
    """At most ``sends`` sends to a customer on any channel in the last ``days`` days, this one
    included. ``sends == 0`` or ``days == 0`` turns the cap off."""

    sends: int = 4
    days: int = 30

    @property
    def off(self) -> bool:
        return self.sends == 0 or self.days == 0


@dataclass(frozen=True)
class Limits:
    """The always-on exclusion settings (0 turns a check off):

    - ``global_cap``: see :class:`GlobalCap`;
    - ``recent_optout_days``: unsubscribed or complained within this many days -> excluded;
    - ``dormant_after``: the last K sends on the channel were not opened -> excluded;
    - ``full_price_days``: discount campaigns: bought a promoted SKU/line at full price within
      this many days -> excluded.

    The global control group is a workspace setting, not a limit of the campaign.
    """

    global_cap: GlobalCap = GlobalCap()
    recent_optout_days: int = 180
    dormant_after: int = 5
    full_price_days: int = 30


@dataclass(frozen=True)
class Campaign:
    """A checked campaign file. ``audience`` and ``exclusions`` hold parsed rules
    (:class:`cxray.comms.rules.Rule`, whose ``text`` is the rule as written); ``source`` is the
    file the campaign came from."""

    id: str
    channel: str
    brief: Brief
    holdout: float
    name: str | None = None
    start: dt.date | None = None
    promoted_skus: tuple[str, ...] = ()
    promoted_lines: tuple[str, ...] = ()
    discount: bool = False
    audience: tuple[Rule, ...] = ()
    exclusions: tuple[Rule, ...] = ()
    limits: Limits = Limits()
    # the offer's threshold (OFFER_KEYS name, value), checked against the audience's orders
    offer: tuple[str, float] | None = None
    message: str | None = None  # the offer's text, linted by cxray.comms.offer_lint
    source: str = ""

    @property
    def promotes(self) -> bool:
        """True when the campaign names promoted SKUs or product lines."""
        return bool(self.promoted_skus or self.promoted_lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict in the shape of the campaign file (dates as ISO text, rules as
        text), plus ``source``."""
        measure = self.brief.measure
        return {
            "id": self.id,
            "name": self.name,
            "channel": self.channel,
            "start": self.start.isoformat() if self.start else None,
            "brief": {
                "why": self.brief.why,
                "target": self.brief.target,
                "must_not_receive": self.brief.must_not_receive,
                "expected_effect": self.brief.expected_effect,
                "measure": {
                    "metric": measure.metric,
                    "window_days": measure.window_days,
                    "scope": measure.scope,
                },
                "client_benefit": self.brief.client_benefit,
            },
            "promoted": {"skus": list(self.promoted_skus), "lines": list(self.promoted_lines)},
            "discount": self.discount,
            "audience": [r.text for r in self.audience],
            "exclusions": [r.text for r in self.exclusions],
            "holdout": self.holdout,
            "limits": {
                "global_cap": {
                    "sends": self.limits.global_cap.sends,
                    "days": self.limits.global_cap.days,
                },
                "recent_optout_days": self.limits.recent_optout_days,
                "dormant_after": self.limits.dormant_after,
                "full_price_days": self.limits.full_price_days,
            },
            "offer": {self.offer[0]: self.offer[1]} if self.offer else None,
            "message": self.message,
            "source": self.source,
        }


# --------------------------------------------------------------------------------------------
# checks


def _shown(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return _shown(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


class _Checker:
    def __init__(self, source: str) -> None:
        self.file = source

    def error(self, key: str, **params: object) -> CxrayError:
        return CxrayError(key, file=self.file, **params)

    def mapping(self, value: object, field: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error("campaign_not_mapping_field", field=field, value=_type_name(value))
        return value

    def workspace_keys(self, data: Mapping[str, Any]) -> None:
        """Refuse a key that is a workspace setting (:data:`WORKSPACE_KEYS`), whatever its value."""
        if any(key in data for key in WORKSPACE_KEYS):
            raise self.error("campaign_sets_global_control")

    def known_keys(self, data: Mapping[str, Any], known: tuple[str, ...], section: str) -> None:
        unknown = [str(k) for k in data if k not in known]
        if unknown:
            raise self.error(
                "campaign_unknown_keys",
                keys=", ".join(unknown),
                section=section,
                known=", ".join(known),
            )

    def text(self, value: object, field: str, *, required: bool = True) -> str | None:
        """A non-empty text (numbers are taken as text); None when absent and not required."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.error("campaign_missing_field", field=field)
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error("campaign_not_text", field=field, value=_type_name(value))
        return str(value).strip()

    def date(self, value: object, field: str) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            raise self.error("campaign_bad_date", field=field, value=value.isoformat())
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise self.error("campaign_bad_date", field=field, value=value) from None

    def text_list(self, value: object, field: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            raise self.error("campaign_not_list", field=field, value=_type_name(value))
        out = []
        for i, item in enumerate(value):
            text = self.text(item, f"{field}[{i + 1}]")
            out.append(text)
        return tuple(out)

    def rules(self, value: object, field: str) -> tuple[Rule, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.error("campaign_not_list", field=field, value=_type_name(value))
        if len(value) > MAX_RULES:
            raise self.error("campaign_too_many_rules", field=field, n=len(value), limit=MAX_RULES)
        return tuple(
            parse_rule(item, where=f"{self.file}, {field}[{i + 1}]: ")
            for i, item in enumerate(value)
        )

    def brief(self, value: object) -> Brief:
        if value is None:
            raise self.error("campaign_brief_incomplete", fields=", ".join(BRIEF_KEYS))
        data = self.mapping(value, "brief")
        self.known_keys(data, BRIEF_KEYS, "brief")
        missing: list[str] = []
        texts: dict[str, str] = {}
        measure: Any = None
        for key in BRIEF_KEYS:
            item = data.get(key)
            if key == "measure":
                if item is None or item == {} or (isinstance(item, str) and not item.strip()):
                    missing.append("measure")
                    continue
                measure = self.mapping(item, "brief.measure")
                self.known_keys(measure, MEASURE_KEYS, "brief.measure")
                for part in ("metric", "window_days"):
                    value = measure.get(part)
                    if value is None or (isinstance(value, str) and not value.strip()):
                        missing.append(f"measure.{part}")
            elif item is None or (isinstance(item, str) and not item.strip()):
                missing.append(key)
            else:
                texts[key] = self.text(item, f"brief.{key}") or ""
        if missing:
            raise self.error("campaign_brief_incomplete", fields=", ".join(missing))
        metric = str(measure["metric"]).strip().lower()
        if metric not in METRICS:
            raise self.error("campaign_bad_metric", value=measure["metric"])
        window = measure["window_days"]
        if not _is_int(window) or window <= 0:
            raise self.error("campaign_bad_window", value=_shown(window))
        scope = measure.get("scope")
        scope = "all" if scope is None else str(scope).strip().lower()
        if scope not in SCOPES:
            raise self.error("campaign_bad_scope", value=measure.get("scope"))
        return Brief(
            why=texts["why"],
            target=texts["target"],
            must_not_receive=texts["must_not_receive"],
            expected_effect=texts["expected_effect"],
            measure=Measure(metric=metric, window_days=window, scope=scope),
            client_benefit=texts["client_benefit"],
        )

    def whole(self, value: object, field: str, default: int) -> int:
        if value is None:
            return default
        if not _is_int(value) or value < 0:
            raise self.error("campaign_bad_limit", field=field, value=_shown(value))
        return value

    def limits(self, value: object) -> Limits:
        if value is None:
            return Limits()
        data = self.mapping(value, "limits")
        self.workspace_keys(data)
        self.known_keys(data, LIMIT_KEYS, "limits")
        defaults = Limits()
        cap = defaults.global_cap
        if data.get("global_cap") is not None:
            cap_data = self.mapping(data["global_cap"], "limits.global_cap")
            self.known_keys(cap_data, GLOBAL_CAP_KEYS, "limits.global_cap")
            cap = GlobalCap(
                sends=self.whole(cap_data.get("sends"), "global_cap.sends", cap.sends),
                days=self.whole(cap_data.get("days"), "global_cap.days", cap.days),
            )
        return Limits(
            global_cap=cap,
            recent_optout_days=self.whole(
                data.get("recent_optout_days"), "recent_optout_days", defaults.recent_optout_days
            ),
            dormant_after=self.whole(
                data.get("dormant_after"), "dormant_after", defaults.dormant_after
            ),
            full_price_days=self.whole(
                data.get("full_price_days"), "full_price_days", defaults.full_price_days
            ),
        )

    def offer(self, value: object, *, promotes: bool) -> tuple[str, float] | None:
        """The offer's one threshold (``min_quantity`` needs promoted SKUs or lines)."""
        if value is None:
            return None
        data = self.mapping(value, "offer")
        self.known_keys(data, OFFER_KEYS, "offer")
        given = [(k, data[k]) for k in OFFER_KEYS if data.get(k) is not None]
        if len(given) != 1:
            raise self.error("campaign_offer_one_threshold")
        key, number = given[0]
        if not _is_number(number) or not number > 0:
            raise self.error("campaign_bad_offer", field=key, value=_shown(number))
        if key == "min_quantity" and not promotes:
            raise self.error("campaign_offer_quantity_without_promoted")
        return key, float(number)


def check_campaign(data: object, source: str = "<campaign>") -> Campaign:
    """Check a parsed campaign mapping (the YAML document) and return the :class:`Campaign`.

    ``source`` names the file in messages. Raises :class:`CxrayError` for: not a mapping;
    unknown keys at the top level, in brief, brief.measure, promoted, limits or
    limits.global_cap (named, with the known ones); a missing ``id``, ``channel`` or
    ``holdout``; an incomplete brief (every missing field listed in one message); a start that is
    not a date; holdout outside (0, 1); a measure metric other than conversion/revenue,
    ``window_days <= 0`` or a scope other than promoted/all; ``scope: promoted`` or
    ``discount: true`` without promoted SKUs or lines; negative limits;
    ``global_control_share`` anywhere (a workspace setting); a rule that does not parse (with
    its text and place); a rule that is both an audience rule and an exclusion; audience rules
    that negate each other.
    """
    check = _Checker(source)
    if not isinstance(data, Mapping):
        raise check.error("campaign_not_mapping", got=_type_name(data))
    check.workspace_keys(data)
    check.known_keys(data, CAMPAIGN_KEYS, "campaign")

    campaign_id = check.text(data.get("id"), "id")
    channel = check.text(data.get("channel"), "channel")
    name = check.text(data.get("name"), "name", required=False)
    start = check.date(data.get("start"), "start")
    brief = check.brief(data.get("brief"))

    promoted = data.get("promoted")
    skus: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    if promoted is not None:
        promoted = check.mapping(promoted, "promoted")
        check.known_keys(promoted, PROMOTED_KEYS, "promoted")
        skus = check.text_list(promoted.get("skus"), "promoted.skus")
        lines = check.text_list(promoted.get("lines"), "promoted.lines")

    discount = data.get("discount", False)
    if discount is None:
        discount = False
    if not isinstance(discount, bool):
        raise check.error("campaign_not_bool", field="discount", value=_shown(discount))
    if discount and not (skus or lines):
        raise check.error("campaign_discount_without_promoted")
    if brief.measure.scope == "promoted" and not (skus or lines):
        raise check.error("campaign_scope_without_promoted")

    holdout = data.get("holdout")
    if holdout is None:
        raise check.error("campaign_missing_field", field="holdout")
    if not _is_number(holdout) or not 0 < holdout < 1:
        raise check.error("campaign_bad_holdout", value=_shown(holdout))

    limits = check.limits(data.get("limits"))
    message = check.text(data.get("message"), "message", required=False)
    offer = check.offer(data.get("offer"), promotes=bool(skus or lines))
    audience = check.rules(data.get("audience"), "audience")
    exclusions = check.rules(data.get("exclusions"), "exclusions")
    for rule in exclusions:
        if rule in audience:
            raise check.error("campaign_rule_in_both", rule=rule.text)
    for i, rule in enumerate(audience):
        opposite = rule.negate()
        for other in audience[i + 1 :]:
            if other == opposite:
                raise check.error("campaign_rules_contradict", first=rule.text, second=other.text)

    return Campaign(
        id=campaign_id or "",
        channel=channel or "",
        brief=brief,
        holdout=float(holdout),
        name=name,
        start=start,
        promoted_skus=skus,
        promoted_lines=lines,
        discount=discount,
        audience=audience,
        exclusions=exclusions,
        limits=limits,
        offer=offer,
        message=message,
        source=source,
    )


def read_yaml_file(path: str | Path) -> object:
    """The parsed YAML document of a campaign or initiative file (a safe loader without
    aliases). Raises :class:`CxrayError` when the file does not exist, is larger than
    :data:`MAX_FILE_BYTES`, is not UTF-8 or is not YAML."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise CxrayError("file_not_found", file=source)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise CxrayError(
            "campaign_too_large", file=source, size=path.stat().st_size, limit=MAX_FILE_BYTES
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CxrayError(
            "campaign_not_yaml", file=source, detail=f"not UTF-8 text: {exc}"
        ) from None
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # a safe loader, without aliases
    except ValueError as exc:  # PyYAML builds dates itself: 2026-13-01 fails there
        raise CxrayError("campaign_not_yaml", file=source, detail=str(exc)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        detail = f"line {mark.line + 1}: {problem}" if mark is not None else problem
        raise CxrayError("campaign_not_yaml", file=source, detail=detail) from None


def load_campaign(path: str | Path) -> Campaign:
    """Read and check a campaign YAML file (see the module notes for the format).

    Raises :class:`CxrayError` when the file does not exist, is not YAML, or fails
    :func:`check_campaign`.

    Example::

        campaign = load_campaign("campaigns/cheese-promo.yaml")
        print(campaign.brief.why, [r.text for r in campaign.audience])
    """
    return check_campaign(read_yaml_file(path), str(path))
