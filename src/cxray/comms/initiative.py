"""Initiative files: a CX initiative as a typed, costed YAML entry of the programme's ledger.

The format (see ``docs/initiative-format.md``)::

    id: delivery-callback-2025-11     # required
    name: Call back within the hour   # required
    type: satisfaction                # required: satisfaction, cost, conversion or enabling
    owner: Head of customer service   # required
    start: 2025-11-01                 # required (YYYY-MM-DD)
    end: 2026-12-31                   # optional; on or after start
    costs:                            # required: at least one of the two, numbers >= 0
      one_off: 400000
      monthly: 60000
    expected_effect: "..."            # required: the effect expected, in words
    target:                           # required except for enabling initiatives
      metric: nps                     # the metric of the type (see TYPE_METRICS)
      change: 5                       # optional: the expected difference in differences
      kind: complaint                 # cost initiatives measuring contacts only: the kind
    affected:                         # required except for enabling initiatives: one of
      customers:                      #   rules of the campaign language (all must match),
        - segment == "HoReCa"         #   evaluated on the start date
      # touchpoint: delivery          #   or a touchpoint of the responses (satisfaction only)
    value_per_unit: 1500              # cost initiatives only (required there): money per
                                      # contact, return or complaint avoided
    unlocks: linked_revenue_share     # enabling initiatives only (required there)

Metrics of each type (:data:`TYPE_METRICS`; measured by :mod:`cxray.analytics.initiatives`):

- satisfaction: ``nps``, ``csi`` or ``ces`` of the answers;
- cost: ``contacts`` (inbound interactions, of ``target.kind`` when given), ``returns``
  (negative order lines) or ``complaints`` (interactions of kind ``complaint``);
- conversion: ``purchase_days`` or ``revenue`` per customer-month;
- enabling: the metric unlocked, ``linked_revenue_share`` (the share of revenue on orders of a
  customer of the customers table).

:func:`load_initiative` reads and checks a file; :func:`check_initiative` checks a parsed
mapping. Every problem raises :class:`cxray.errors.CxrayError` naming the file and the field.
Refused as contradictory: an end before the start; both ``customers`` and ``touchpoint``; a
touchpoint for a type other than satisfaction; a metric of another type; a target change in the
wrong direction (a cost initiative that expects more contacts, a satisfaction initiative that
expects a lower NPS or CSI or a higher CES, a conversion initiative that expects less);
``value_per_unit`` outside cost initiatives; ``unlocks`` outside enabling ones; ``affected``
on an enabling initiative (it has no control group); ``kind`` outside the contacts metric; a
rule that negates another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis.expr.types as ir

from cxray.comms.campaign import _Checker, _is_number, _shown, _type_name, read_yaml_file
from cxray.comms.rules import Rule, compile_rule, rule_context
from cxray.errors import CxrayError

__all__ = [
    "INITIATIVE_KEYS",
    "TYPES",
    "TYPE_METRICS",
    "Initiative",
    "affected_customers",
    "check_initiative",
    "load_initiative",
]

INITIATIVE_KEYS: tuple[str, ...] = (
    "id",
    "name",
    "type",
    "owner",
    "start",
    "end",
    "costs",
    "expected_effect",
    "target",
    "affected",
    "value_per_unit",
    "unlocks",
)
TYPES: tuple[str, ...] = ("satisfaction", "cost", "conversion", "enabling")
TYPE_METRICS: dict[str, tuple[str, ...]] = {
    "satisfaction": ("nps", "csi", "ces"),
    "cost": ("contacts", "returns", "complaints"),
    "conversion": ("purchase_days", "revenue"),
    "enabling": ("linked_revenue_share",),
}
"""The metrics an initiative of each type may target; the first is the default."""
COST_KEYS: tuple[str, ...] = ("one_off", "monthly")
TARGET_KEYS: tuple[str, ...] = ("metric", "change", "kind")
AFFECTED_KEYS: tuple[str, ...] = ("customers", "touchpoint")
LOWER_IS_BETTER: tuple[str, ...] = ("ces", "contacts", "returns", "complaints")
"""Metrics that an initiative means to lower (its expected change must not be positive)."""


@dataclass(frozen=True)
class Initiative:
    """A checked initiative file (see the module notes). ``customers`` holds the parsed rules
    of ``affected.customers``; ``metric`` is ``target.metric`` (``unlocks`` for enabling
    initiatives); ``source`` is the file."""

    id: str
    name: str
    type: str
    owner: str
    start: dt.date
    expected_effect: str
    metric: str
    end: dt.date | None = None
    one_off: float = 0.0
    monthly: float = 0.0
    change: float | None = None
    kind: str | None = None
    customers: tuple[Rule, ...] = ()
    touchpoint: str | None = None
    value_per_unit: float | None = None
    unlocks: str | None = None
    source: str = ""

    @property
    def affected_text(self) -> str | None:
        """The affected customers or touchpoint as written (None for enabling initiatives)."""
        if self.touchpoint is not None:
            return f"touchpoint {self.touchpoint}"
        if self.customers:
            return "; ".join(r.text for r in self.customers)
        return None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict in the shape of the file (dates as ISO text), plus ``source``."""
        affected = None
        if self.touchpoint is not None:
            affected = {"touchpoint": self.touchpoint}
        elif self.customers:
            affected = {"customers": [r.text for r in self.customers]}
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "owner": self.owner,
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "costs": {"one_off": self.one_off, "monthly": self.monthly},
            "expected_effect": self.expected_effect,
            "target": {"metric": self.metric, "change": self.change, "kind": self.kind},
            "affected": affected,
            "value_per_unit": self.value_per_unit,
            "unlocks": self.unlocks,
            "source": self.source,
        }


def _error(source: str, key: str, **params: object) -> CxrayError:
    return CxrayError(key, file=source, **params)


def _amount(check: _Checker, value: object, field: str, *, positive: bool = False) -> float:
    if not _is_number(value) or value < 0 or (positive and not value > 0):
        raise check.error("initiative_bad_amount", field=field, value=_shown(value))
    return float(value)  # type: ignore[arg-type]


def _costs(check: _Checker, value: object) -> tuple[float, float]:
    if value is None:
        raise check.error("campaign_missing_field", field="costs")
    data = check.mapping(value, "costs")
    check.known_keys(data, COST_KEYS, "costs")
    if all(data.get(k) is None for k in COST_KEYS):
        raise check.error("campaign_missing_field", field="costs.one_off / costs.monthly")
    one_off, monthly = (_amount(check, data.get(k) or 0, f"costs.{k}") for k in COST_KEYS)
    return one_off, monthly


def check_initiative(data: object, source: str = "<initiative>") -> Initiative:
    """Check a parsed initiative mapping (the YAML document) and return the
    :class:`Initiative`; ``source`` names the file in messages. Raises :class:`CxrayError` for
    an incomplete or contradictory file (see the module notes), listing every missing required
    top-level field at once."""
    check = _Checker(source)
    if not isinstance(data, Mapping):
        raise _error(source, "initiative_not_mapping", got=_type_name(data))
    check.known_keys(data, INITIATIVE_KEYS, "initiative")
    kind = data.get("type")
    required = ["id", "name", "type", "owner", "start", "costs", "expected_effect"]
    if kind != "enabling":
        required += ["target", "affected"]
    missing = [k for k in required if data.get(k) is None or str(data[k]).strip() == ""]
    if missing:
        raise _error(source, "initiative_incomplete", fields=", ".join(missing))
    kind = str(kind).strip().lower()
    if kind not in TYPES:
        known = ", ".join(TYPES)
        raise _error(source, "initiative_bad_type", value=_shown(data["type"]), known=known)
    start = check.date(data["start"], "start")
    end = check.date(data.get("end"), "end")
    assert start is not None
    if end is not None and end < start:
        raise _error(source, "initiative_end_before_start", start=start, end=end)
    one_off, monthly = _costs(check, data["costs"])

    unlocks = check.text(data.get("unlocks"), "unlocks", required=False)
    if kind == "enabling":
        if unlocks is None:
            raise _error(source, "initiative_enabling_unlocks", known=", ".join(TYPE_METRICS[kind]))
        if unlocks not in TYPE_METRICS[kind]:
            raise _error(source, "initiative_bad_metric", field="unlocks", value=unlocks,
                         type=kind, known=", ".join(TYPE_METRICS[kind]))  # fmt: skip
        if data.get("affected") is not None:
            raise _error(source, "initiative_enabling_affected")
    elif unlocks is not None:
        raise _error(source, "initiative_unlocks_not_enabling", type=kind)

    metric, change, contact_kind = _target(check, data.get("target"), kind, unlocks)
    customers, touchpoint = _affected(check, data.get("affected"), kind)

    value = data.get("value_per_unit")
    if kind == "cost":
        if value is None:
            raise _error(source, "initiative_cost_value")
        value = _amount(check, value, "value_per_unit", positive=True)
    elif value is not None:
        raise _error(source, "initiative_value_not_cost", type=kind)

    return Initiative(
        id=check.text(data["id"], "id") or "",
        name=check.text(data["name"], "name") or "",
        type=kind,
        owner=check.text(data["owner"], "owner") or "",
        start=start,
        end=end,
        expected_effect=check.text(data["expected_effect"], "expected_effect") or "",
        metric=metric,
        one_off=one_off,
        monthly=monthly,
        change=change,
        kind=contact_kind,
        customers=customers,
        touchpoint=touchpoint,
        value_per_unit=value,
        unlocks=unlocks,
        source=source,
    )


def _target(
    check: _Checker, value: object, kind: str, unlocks: str | None
) -> tuple[str, float | None, str | None]:
    """``target``: (metric, change, kind), checked against the initiative's type."""
    known = TYPE_METRICS[kind]
    if value is None:  # only enabling initiatives get here without a target
        return unlocks or known[0], None, None
    data = check.mapping(value, "target")
    check.known_keys(data, TARGET_KEYS, "target")
    metric = check.text(data.get("metric"), "target.metric", required=kind != "enabling")
    metric = (metric or unlocks or known[0]).lower()
    if metric not in known:
        raise check.error("initiative_bad_metric", field="target.metric", value=metric,
                          type=kind, known=", ".join(known))  # fmt: skip
    if kind == "enabling" and metric != unlocks:
        raise check.error("initiative_bad_metric", field="target.metric", value=metric,
                          type=kind, known=unlocks)  # fmt: skip
    change = data.get("change")
    if change is not None:
        if not _is_number(change):
            raise check.error("initiative_bad_change", value=_shown(change))
        change = float(change)
        lower = metric in LOWER_IS_BETTER
        if kind != "enabling" and ((lower and change > 0) or (not lower and change < 0)):
            raise check.error("initiative_wrong_direction", metric=metric, change=change,
                              type=kind)  # fmt: skip
    contact_kind = check.text(data.get("kind"), "target.kind", required=False)
    if contact_kind is not None and metric != "contacts":
        raise check.error("initiative_kind_not_contacts", metric=metric)
    return metric, change, contact_kind


def _affected(check: _Checker, value: object, kind: str) -> tuple[tuple[Rule, ...], str | None]:
    """``affected``: (rules, touchpoint), exactly one of them."""
    if value is None:
        return (), None
    data = check.mapping(value, "affected")
    check.known_keys(data, AFFECTED_KEYS, "affected")
    touchpoint = check.text(data.get("touchpoint"), "affected.touchpoint", required=False)
    rules = check.rules(data.get("customers"), "affected.customers")
    if touchpoint is not None and rules:
        raise check.error("initiative_touchpoint_and_rules")
    if touchpoint is None and not rules:
        fields = "affected.customers / affected.touchpoint"
        raise check.error("initiative_incomplete", fields=fields)
    if touchpoint is not None and kind != "satisfaction":
        raise check.error("initiative_touchpoint_not_satisfaction", type=kind)
    for i, rule in enumerate(rules):
        opposite = rule.negate()
        for other in rules[i + 1 :]:
            if other == opposite:
                raise check.error("campaign_rules_contradict", first=rule.text, second=other.text)
    return rules, touchpoint


def load_initiative(path: str | Path) -> Initiative:
    """Read and check an initiative YAML file (see the module notes for the format).

    Raises :class:`CxrayError` when the file does not exist, is not YAML, or fails
    :func:`check_initiative`.

    Example::

        initiative = load_initiative("initiatives/delivery-callback.yaml")
        print(initiative.type, initiative.metric, initiative.start)
    """
    return check_initiative(read_yaml_file(path), str(path))


def affected_customers(initiative: Initiative, tables: Mapping[str, ir.Table]) -> ir.Table:
    """The customers an initiative's ``affected.customers`` rules match on its start date: a
    table of ``customer_id`` and ``affected`` (bool) with one row per known customer
    (:func:`cxray.comms.rules.customer_frame`). Raises :class:`CxrayError` for a rule naming a
    field the data lacks."""
    context = rule_context(tables, as_of=initiative.start)
    frame = context.frame
    match = None
    for rule in initiative.customers:
        expr = compile_rule(rule, context)
        match = expr if match is None else match & expr
    if match is None:
        raise CxrayError("initiative_incomplete", file=initiative.source,
                         fields="affected.customers")  # fmt: skip
    return frame.select("customer_id", affected=match)
