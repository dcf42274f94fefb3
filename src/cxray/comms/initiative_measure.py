"""Measure checked initiatives (:mod:`cxray.comms.initiative`) against the data: the groups of
each, the metric of its type and its money, and the portfolio line. Definitions:
:mod:`cxray.analytics.initiatives`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from cxray.analytics import initiatives as ia
from cxray.comms.initiative import Initiative, affected_customers
from cxray.comms.rules import table_or_empty

__all__ = ["base_groups", "measure_initiative", "measure_portfolio"]


def _tables(tables: Mapping[str, ir.Table]) -> dict[str, ir.Table]:
    """The tables the measures read, empty ones for those missing."""
    names = ("customers", "orders", "interactions", "responses", "contacts", "products")
    return {n: table_or_empty(tables, n) for n in names}


def _touchpoint_groups(
    initiative: Initiative, tables: Mapping[str, ir.Table], pre: tuple[dt.date, dt.date]
) -> ir.Table:
    """Every known customer with ``affected``: answered at the initiative's touchpoint in the
    pre period."""
    r = tables["responses"]
    day = r.date.cast("date")
    inside = (day >= ibis.literal(pre[0])) & (day < ibis.literal(pre[1]))
    hit = r.filter(r.touchpoint == initiative.touchpoint, inside)
    hit = hit.select("customer_id").distinct().mutate(_hit=ibis.literal(True))
    known = tables["customers"].select("customer_id").union(tables["orders"].select("customer_id"))
    known = known.filter(known.customer_id.notnull()).distinct()
    joined = known.left_join(hit, "customer_id")
    return joined.select(joined.customer_id, affected=joined._hit.fill_null(False))


def base_groups(initiative: Initiative, tables: Mapping[str, ir.Table]) -> ir.Table:
    """The base at the start (customers with an order line in the 12 months before it) with
    ``affected``: matched by the rules on the start date, or answered at the touchpoint in those
    12 months (:mod:`cxray.analytics.initiatives`)."""
    tables = _tables(tables)
    pre = ia.periods(initiative.start, None, initiative.start)["pre"]
    if initiative.touchpoint is not None:
        groups = _touchpoint_groups(initiative, tables, pre)
    else:
        groups = affected_customers(initiative, tables)
    return groups.semi_join(ia.buyers(tables["orders"], pre), "customer_id")


def measure_initiative(
    initiative: Initiative, tables: Mapping[str, ir.Table], *, as_of: dt.date, margin: float = 0.3
) -> dict[str, Any]:
    """One initiative's row: the file's fields, ``months``, ``young``, ``started``, the
    ``cells`` of its metric (affected / unaffected x pre / post), ``did`` with ``did_low`` /
    ``did_high`` (enabling: ``before``, ``after``, ``change``), ``customers`` (affected),
    ``revenue_did`` (satisfaction, conversion) and the money (:func:`ia.money`)."""
    tables = _tables(tables)
    span = ia.periods(initiative.start, initiative.end, as_of)
    ranges = {"pre": span["pre"], "post": span["post"]}
    row: dict[str, Any] = {
        "id": initiative.id, "name": initiative.name, "type": initiative.type,
        "owner": initiative.owner, "metric": initiative.metric,
        "affected": initiative.affected_text, "start": initiative.start,
        "end": initiative.end, "stop": span["post"][1], "months": span["months"],
        "young": span["young"], "started": span["started"],
        "one_off": initiative.one_off, "monthly": initiative.monthly,
        "target_change": initiative.change,
        "customers": None, "cells": None, "did": None, "did_low": None, "did_high": None,
        "before": None, "after": None, "change": None, "revenue_did": None,
    }  # fmt: skip
    carrier = None
    if span["started"] and initiative.type == "enabling":
        row.update(ia.enabling_change(tables["orders"], tables["customers"], ranges=ranges))
    elif span["started"]:
        groups = base_groups(initiative, tables)
        row["customers"] = int(groups.filter(groups.affected).count().to_pyarrow().as_py())
        if initiative.type == "satisfaction":
            cells = ia.feedback_cells(
                tables["responses"], metric=initiative.metric, ranges=ranges,
                affected=None if initiative.touchpoint else groups,
                touchpoint=initiative.touchpoint,
            )  # fmt: skip
        else:
            events = ia.units(tables, initiative.metric, kind=initiative.kind)
            cells = ia.rate_cells(events, groups, ranges=ranges)
        effect = ia.as_did(cells)
        row["cells"] = [{"affected": a, "period": p, **c} for (a, p), c in cells.items()]
        row.update({k: effect[k] for k in ("did", "did_low", "did_high")})
        carrier = effect
        # the money follows the revenue, and only where the initiative's own metric is measured
        if initiative.type in ("satisfaction", "conversion") and initiative.metric != "revenue":
            revenue = ia.rate_cells(ia.units(tables, "revenue"), groups, ranges=ranges)
            carrier = ia.as_did(revenue) if effect["did"] is not None else None
        if initiative.type in ("satisfaction", "conversion") and carrier is not None:
            row["revenue_did"] = carrier["did"]
    months = span["months"] if span["started"] else 0.0
    row.update(
        ia.money(
            kind=initiative.type, effect=carrier, customers=row["customers"] or 0, months=months,
            one_off=initiative.one_off if span["started"] else 0.0, monthly=initiative.monthly,
            margin=margin, value_per_unit=initiative.value_per_unit,
        )
    )  # fmt: skip
    return row


def measure_portfolio(
    initiatives: Sequence[Initiative],
    tables: Mapping[str, ir.Table],
    *,
    as_of: dt.date,
    margin: float = 0.3,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The rows of :func:`measure_initiative` and the portfolio line (:func:`ia.portfolio`)."""
    rows = [measure_initiative(i, tables, as_of=as_of, margin=margin) for i in initiatives]
    return rows, ia.portfolio(rows, as_of=as_of)
