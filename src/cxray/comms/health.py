"""Contact health: how much attention a customer's address on a channel still gets.

A **contact** here is a customer's address on one channel: the pair ``(customer_id, channel)``.
The ``sends`` table records sends per customer and channel (it has no contact id), so the health
of the e-mail address of customer C00042 is the history of the e-mails sent to C00042. Channel
names are read through the synonyms of :mod:`cxray.comms.channels` (``E-mail`` and ``email`` are
one contact; ``channel_synonyms`` adds a workspace's spellings). A null channel is reported as
``"(unknown)"``.

Which sends count
-----------------
Sends with ``sent_at`` on or before ``as_of`` whose ``group`` is not ``"control"`` (control rows
record customers a campaign was *not* sent to, see :mod:`cxray.comms.measure`). An open, click,
unsubscribe or complaint counts when its timestamp is on or before ``as_of``. A click counts as
an open too (it needs the message open; open tracking is often blocked, and an SMS has none).

Score (0-100)
-------------
Every send gets the weight of its age, halving every ``half_life_days`` (default 90)::

    w = exp(-ln 2 * age_days / half_life_days),  age_days = as_of - the send's date

and the score is

    score = clip(50 + 10 * O + 15 * C - 8 * I, 0, 100)

with ``O`` the weighted count of opened sends, ``C`` of clicked sends (a click adds 15 on top of
its open's 10) and ``I`` of ignored sends (neither opened nor clicked). A contact that
unsubscribed or complained (at any time up to ``as_of``) scores 0. For orientation, with one
send a month the weights add up to about 4.85: an address that opens every send scores ~98,
one that opens 30% and clicks a quarter of those ~43, one that never opens ~11.

State
-----
- ``unsubscribed``: an unsubscribe or a complaint (spam report) up to ``as_of``;
- ``dormant``: otherwise, none of the last ``dormant_after`` sends (default 5) was opened or
  clicked (needs at least ``dormant_after`` sends);
- ``at_risk``: otherwise, a score below ``at_risk_below`` (default 30);
- ``healthy``: everything else.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from cxray.comms.channels import channel_column

__all__ = [
    "BASE",
    "CLICK",
    "IGNORED",
    "OPEN",
    "STATES",
    "contact_health",
]

BASE = 50.0
"""Score of a contact without history."""
OPEN = 10.0
"""Added per (decayed) opened send."""
CLICK = 15.0
"""Added per (decayed) clicked send, on top of its open."""
IGNORED = -8.0
"""Added per (decayed) send neither opened nor clicked."""

STATES = ("healthy", "at_risk", "dormant", "unsubscribed")

_EPOCH = dt.date(1970, 1, 1)


def _check_positive(value: object, name: str, kind: type = int) -> None:
    ok = isinstance(value, int | float) if kind is float else isinstance(value, int)
    if isinstance(value, bool) or not ok or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")


def contact_health(
    sends: ir.Table,
    *,
    as_of: dt.date,
    half_life_days: float = 90,
    dormant_after: int = 5,
    at_risk_below: float = 30,
    channel_synonyms: Mapping[str, str] | None = None,
) -> ir.Table:
    """Health of every contact (customer x channel) with sends up to ``as_of``; lazy.
    ``channel_synonyms``: a workspace's extra channel spellings (see the module notes).

    Columns, ordered by ``customer_id``, ``channel``:

    - ``customer_id``, ``channel``
    - ``sends``: sends counted (control rows excluded); ``opens``: sends opened (or clicked);
      ``clicks``: sends clicked; ``unsubscribes``, ``complaints``: sends that led to one
    - ``last_sent``, ``last_open`` (timestamps; ``last_open`` null when never opened)
    - ``score`` (float, 0-100, one decimal) and ``state`` (``healthy``, ``at_risk``,
      ``dormant``, ``unsubscribed``), see the module notes.

    The dormant and at-risk lists are ``health.filter(health.state == "dormant")`` and
    ``health.filter(health.state == "at_risk")``.

    Example::

        health = contact_health(sends, as_of=date(2026, 10, 31))
        health.filter(health.state == "dormant").to_pandas()
    """
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise TypeError(f"as_of must be a datetime.date, got {as_of!r}")
    _check_positive(half_life_days, "half_life_days", float)
    _check_positive(dormant_after, "dormant_after")
    if isinstance(at_risk_below, bool) or not isinstance(at_risk_below, int | float):
        raise ValueError(f"at_risk_below must be a number, got {at_risk_below!r}")

    end = ibis.literal(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()))

    def happened(col: ir.TimestampValue) -> ir.BooleanValue:
        return (col.notnull() & (col < end)).fill_null(False)

    s = sends.filter(
        sends.sent_at < end,
        sends.customer_id.notnull(),
        sends["group"].fill_null("target") != "control",
    )
    opened_ok, clicked_ok = happened(s.opened_at), happened(s.clicked_at)
    opened = opened_ok | clicked_ok
    # whole days between the send's date and as_of (timestamps are naive: epoch days are days)
    day = (s.sent_at.epoch_seconds() / 86400).floor()
    age = (ibis.literal((as_of - _EPOCH).days) - day).cast("float64")
    s = s.select(
        customer_id=s.customer_id,
        channel=channel_column(s.channel, channel_synonyms).fill_null("(unknown)"),
        sent_at=s.sent_at,
        campaign_id=s.campaign_id,
        w=(age * (-math.log(2) / float(half_life_days))).exp(),
        opened=ibis.cases((opened, 1), else_=0),
        clicked=ibis.cases((clicked_ok, 1), else_=0),
        unsub=ibis.cases((happened(s.unsubscribed_at), 1), else_=0),
        complaint=ibis.cases((happened(s.complained_at), 1), else_=0),
        open_at=ibis.cases((opened_ok, s.opened_at), (clicked_ok, s.clicked_at), else_=None),
    )
    recent = ibis.row_number().over(
        group_by=["customer_id", "channel"],
        order_by=[ibis.desc("sent_at"), ibis.desc("campaign_id")],
    )
    # row_number() counts from 0: the last `dormant_after` sends have numbers below it
    s = s.mutate(recent=ibis.cases((recent < dormant_after, 1), else_=0))

    h = s.group_by(["customer_id", "channel"]).aggregate(
        sends=s.count(),
        opens=s.opened.sum(),
        clicks=s.clicked.sum(),
        unsubscribes=s.unsub.sum(),
        complaints=s.complaint.sum(),
        last_sent=s.sent_at.max(),
        last_open=s.open_at.max(),
        _o=(s.w * s.opened).sum(),
        _c=(s.w * s.clicked).sum(),
        _i=(s.w * (1 - s.opened)).sum(),
        _recent=s.recent.sum(),
        _recent_opened=(s.recent * s.opened).sum(),
    )
    raw = BASE + OPEN * h._o + CLICK * h._c + IGNORED * h._i
    opted_out = (h.unsubscribes + h.complaints) > 0
    clipped = ibis.cases((raw < 0, 0.0), (raw > 100, 100.0), else_=raw)
    score = ibis.cases((opted_out, 0.0), else_=clipped).cast("float64").round(1)
    dormant = (h._recent >= dormant_after) & (h._recent_opened == 0)
    state = ibis.cases(
        (opted_out, "unsubscribed"),
        (dormant, "dormant"),
        (score < at_risk_below, "at_risk"),
        else_="healthy",
    )
    return h.select(
        "customer_id",
        "channel",
        sends=h.sends.cast("int64"),
        opens=h.opens.cast("int64"),
        clicks=h.clicks.cast("int64"),
        unsubscribes=h.unsubscribes.cast("int64"),
        complaints=h.complaints.cast("int64"),
        last_sent=h.last_sent,
        last_open=h.last_open,
        score=score,
        state=state,
    ).order_by(["customer_id", "channel"])
