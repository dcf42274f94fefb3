"""The campaign plan: who gets the campaign and who does not, as a waterfall with a reason per
step.

:func:`plan_campaign` starts from every known customer (the *candidates*, see
:func:`cxray.analytics.structure.customer_status`) and applies, in this order, one step each:

1. every **audience rule** of the campaign: removes the customers that do not match it;
2. the **always-on exclusions**, whatever the campaign says:

   a. ``no_opt_in``: no opt-in on the campaign's channel. Only consent rows of that channel
      (names read through the synonyms of :mod:`cxray.comms.channels`, with the workspace's
      ``channel_synonyms``) dated on or before ``as_of`` count;
      a row without a date counts as older than every dated row. Over all of the customer's
      rows (every contact person), take the latest opt-in date and the latest opt-out date. The
      customer is opted in when it has an opt-in and no opt-out on or after that date. So a
      customer any of whose contacts opted out later than (or on the same day as) the latest
      opt-in is treated as opted out, and a customer with no consent row is not opted in.
   b. ``promised_frequency``: this send would break the frequency promised when the customer
      opted in. The promises are the ``promised_frequency`` values of the customer's opt-in
      rows on the channel dated on its latest opt-in date (all of them, should several contacts
      have opted in that day, so the strictest binds). A promise reads ``N/period``: ``2/month``,
      ``1/week``, ``4/quarter``, ``1/day``, ``12/year`` (also ``N per month``, ``N times a
      week``, ``N в месяц``; see :func:`parse_promised_frequency`). Sends to the customer on the
      channel in the trailing period ending at ``as_of`` are counted (a day: ``as_of`` itself; a
      week: the last 7 days; a month, quarter, year: since the same day 1, 3, 12 calendar months
      earlier, exclusive); the customer is excluded when ``count + 1 > N``. A value that cannot
      be read counts as no promise, and the plan says so in its notes.
   c. ``global_cap``: sends to the customer on any channel in the last ``global_cap.days`` days
      ``+ 1 > global_cap.sends``.
   d. ``recent_optout``: a send whose ``unsubscribed_at`` or ``complained_at`` falls in the last
      ``recent_optout_days`` days (any channel, any campaign).
   e. ``dormant``: the customer's last ``dormant_after`` sends on the channel (any campaign,
      latest ``sent_at`` first) were all not opened: neither ``opened_at`` nor ``clicked_at`` set
      on or before ``as_of``. Customers with fewer sends are not dormant. When no send on the
      channel records an open or a click at all (a channel without open tracking, like sms),
      the check is skipped and the plan says so in its notes.
   f. ``global_control``: members of the persistent global control group
      (:func:`cxray.comms.holdout.in_global_control` with ``global_control_share``, the
      workspace's setting: a campaign file cannot change it).
   g. ``full_price`` (discount campaigns only): bought a promoted SKU, or an SKU of a promoted
      product line, at full price (``discount`` empty or 0, positive amount) in the last
      ``full_price_days`` days: a discount would only cost margin on them.

3. every **custom exclusion** rule of the campaign: removes the customers that match it.

Sends dated after ``as_of`` are ignored, and so are sends rows of the ``control`` group (they
record a customer held out, not a message sent) and the campaign's own sends (its export records
them as planned sends; planning it again must see the audience it was planned for). A limit of 0
turns its check off (the step stays in the waterfall, removing nobody).

The final audience is then split by :func:`cxray.comms.holdout.assign` into target and control
(``holdout`` share), and :func:`cxray.comms.holdout.balance` compares the two groups.

Everything is computed by the backend in one query that returns, per known customer, the first
step that removes it; the global control step (a SHA-256 hash) is applied to those ids in Python.

Results carry codes and numbers, never translated text: a step is its ``name`` and ``params``, a
note its ``key`` and ``params``. The sentences shown to people (step labels, the plan's title,
notes) are built at the edge by :mod:`cxray.phrases`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from cxray.analytics.structure import StructureParams
from cxray.analytics.text import strip_spaces
from cxray.analytics.windows import add_months, day_window
from cxray.comms.campaign import Campaign
from cxray.comms.channels import channel_column, channel_name
from cxray.comms.holdout import CONTROL, assign, balance, in_global_control
from cxray.comms.rules import (
    CLV_FIELDS,
    bought_ids,
    compile_rule,
    rule_context,
    table_or_empty,
)
from cxray.workspace import GLOBAL_CONTROL_SHARE

__all__ = [
    "ALWAYS_ON_STEPS",
    "Note",
    "Plan",
    "Step",
    "check_rules",
    "parse_promised_frequency",
    "plan_campaign",
    "promise_period_start",
]

ALWAYS_ON_STEPS: tuple[str, ...] = (
    "no_opt_in",
    "promised_frequency",
    "unreadable_promise",
    "global_cap",
    "recent_optout",
    "dormant",
    "global_control",
    "full_price",
)
"""Names of the always-on exclusion steps, in waterfall order (``full_price`` only for
discount campaigns)."""

_OLDEST = dt.date(1900, 1, 1)  # a missing opt-in date: older than any real one
_NEWEST = dt.date(9999, 12, 31)  # a missing opt-out date: newer than any real one

_PERIODS: dict[str, str] = {}
for _unit, _words in {
    "day": ("day", "days", "d", "daily", "день", "дня", "дней", "сутки", "д"),
    "week": ("week", "weeks", "w", "wk", "weekly", "неделя", "неделю", "недели", "недель", "нед"),
    "month": ("month", "months", "mo", "mon", "monthly", "месяц", "месяца", "месяцев", "мес"),
    "quarter": ("quarter", "quarters", "q", "qtr", "квартал", "квартала", "кварталов", "кв"),
    "year": ("year", "years", "y", "yr", "yearly", "год", "года", "лет"),
}.items():
    for _word in _words:
        _PERIODS[_word] = _unit

_PROMISE = re.compile(
    r"^(?:(\d+|[^\W\d_]+)\s*)?(?:times?\s+|x\s*|раза?\s+)?"
    r"(?:/|per\s+|a\s+|an\s+|every\s+|each\s+|в\s+)\s*(\w+)\.?$",
    re.IGNORECASE,
)
# "twice a month", "раз в неделю", "два раза в месяц"
_COUNT_WORDS = {
    "once": 1, "twice": 2, "thrice": 3, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "раз": 1, "один": 1, "одна": 1, "одно": 1, "два": 2, "две": 2, "три": 3, "четыре": 4,
    "пять": 5,
}  # fmt: skip
# "weekly", "ежемесячно": once per period
_ONCE_PER = {
    "daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter",
    "yearly": "year", "annually": "year", "ежедневно": "day", "еженедельно": "week",
    "ежемесячно": "month", "ежеквартально": "quarter", "ежегодно": "year",
}  # fmt: skip
# "no more than 2/month", "не чаще 2 раз в месяц": the same promise
_AT_MOST = re.compile(
    r"^(?:не\s+чаще|не\s+более|no\s+more\s+than|not\s+more\s+than|at\s+most|up\s+to|"
    r"max\.?|maximum|максимум)\s+",
    re.IGNORECASE,
)


def parse_promised_frequency(text: object) -> tuple[int, str] | None:
    """Read a promised frequency as ``(count, period)`` with period one of ``day``, ``week``,
    ``month``, ``quarter``, ``year``; None when it cannot be read.

    Forms: ``N/period`` (``2/month``, ``1/week``, ``4/quarter``, ``1/day``, ``1/year``),
    ``N per period``, ``N times a period``, ``N в месяц``, ``N раза в неделю``; counts in words
    (``twice a month``, ``once a week``, ``раз в неделю``, ``два раза в месяц``); once per period
    (``weekly``, ``monthly``, ``ежемесячно``, ``еженедельно``); after ``no more than`` / ``at
    most`` / ``не чаще`` / ``не более``. Periods may be plural or short (``2/mo``, ``1/wk``,
    ``3/мес``) and case does not matter.

    >>> parse_promised_frequency("2/month")
    (2, 'month')
    >>> parse_promised_frequency("often") is None
    True
    """
    if not isinstance(text, str):
        return None
    plain = _AT_MOST.sub("", " ".join(text.split()).lower())
    if plain.rstrip(".") in _ONCE_PER:
        return 1, _ONCE_PER[plain.rstrip(".")]
    m = _PROMISE.match(plain)
    if not m:
        return None
    unit = _PERIODS.get(m.group(2))
    word = m.group(1)
    count = 1 if word is None else int(word) if word.isdigit() else _COUNT_WORDS.get(word)
    if unit is None or count is None:
        return None
    return count, unit


def promise_period_start(period: str, as_of: dt.date) -> dt.date:
    """The exclusive start of the trailing ``period`` ending at ``as_of``: the promise window
    is ``(start, as_of]``."""
    if period == "day":
        return as_of - dt.timedelta(days=1)
    if period == "week":
        return as_of - dt.timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}.get(period)
    if months is None:
        raise ValueError(f"unknown period {period!r}")
    return add_months(as_of, -months)


# --------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class Note:
    """Something the user should know about a plan (a promise that could not be read, a check
    skipped): a code ``key`` with its ``params`` (shown by :func:`cxray.phrases.note_text`)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "params": dict(self.params)}


@dataclass(frozen=True)
class Step:
    """One step of the waterfall.

    - ``name``: ``audience``, ``exclusion`` or one of :data:`ALWAYS_ON_STEPS`;
    - ``kind``: ``audience`` (removes customers not matching ``rule``), ``always`` (an always-on
      exclusion) or ``exclusion`` (removes customers matching ``rule``);
    - ``rule``: the rule text for audience and exclusion steps, a short formula otherwise;
    - ``before``, ``removed``, ``after`` (``before - removed == after``) and ``removed_ids``
      (sorted);
    - ``off``: the check is turned off (limit 0) or skipped (see the plan's notes);
    - ``params``: the values a label of the step needs (``rule``, ``channel``, ``sends``,
      ``days``, ``k`` or ``share``; see :func:`cxray.phrases.step_label`).
    """

    name: str
    kind: str
    rule: str
    before: int
    removed: int
    after: int
    removed_ids: tuple[str, ...] = ()
    off: bool = False
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, ids: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "rule": self.rule,
            "before": self.before,
            "removed": self.removed,
            "after": self.after,
            "off": self.off,
            "params": dict(self.params),
        }
        if ids:
            out["removed_ids"] = list(self.removed_ids)
        return out


@dataclass(frozen=True)
class Plan:
    """The audience of a campaign at ``as_of``: ``candidates`` known customers, the waterfall
    ``steps``, the ``final_ids`` left after them, split into ``target_ids`` and ``control_ids``
    (all sorted), the ``balance`` of the two groups (see
    :func:`cxray.comms.holdout.balance`) and ``notes``. Its one-line summary for people is
    :func:`cxray.phrases.plan_title`."""

    campaign_id: str
    channel: str
    as_of: dt.date
    candidates: int
    steps: tuple[Step, ...]
    final_ids: tuple[str, ...]
    target_ids: tuple[str, ...]
    control_ids: tuple[str, ...]
    holdout: float
    balance: dict[str, Any]
    notes: tuple[Note, ...] = ()

    def step(self, name: str) -> Step:
        """The first step called ``name`` (KeyError when none)."""
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)

    def to_dict(self, ids: bool = False) -> dict[str, Any]:
        """A JSON-ready dict; ``ids=True`` adds the removed ids per step and the final, target
        and control id lists."""
        out: dict[str, Any] = {
            "campaign_id": self.campaign_id,
            "channel": self.channel,
            "as_of": self.as_of.isoformat(),
            "candidates": self.candidates,
            "steps": [s.to_dict(ids) for s in self.steps],
            "final": len(self.final_ids),
            "target": len(self.target_ids),
            "control": len(self.control_ids),
            "holdout": self.holdout,
            "balance": self.balance,
            "notes": [n.to_dict() for n in self.notes],
        }
        if ids:
            out["final_ids"] = list(self.final_ids)
            out["target_ids"] = list(self.target_ids)
            out["control_ids"] = list(self.control_ids)
        return out


# --------------------------------------------------------------------------------------------
# the always-on exclusions, as id tables


def _norm(col: ir.StringValue) -> ir.StringValue:
    return strip_spaces(col.cast("string")).lower()


def _sent_sends(sends: ir.Table, as_of: dt.date) -> ir.Table:
    """Sends that are messages (not control rows) sent on or before ``as_of``, with ``_day``."""
    group = _norm(sends["group"])
    sent = sends.filter(
        sends.customer_id.notnull(),
        sends.sent_at.notnull(),
        group.isnull() | (group != CONTROL),
    )
    sent = sent.mutate(_day=sent.sent_at.date())
    return sent.filter(sent._day <= ibis.literal(as_of))


def _channel_consents(
    consents: ir.Table, channel: str, as_of: dt.date, synonyms: Mapping[str, str] | None
) -> ir.Table:
    rows = consents.filter(
        consents.customer_id.notnull(),
        channel_column(consents.channel, synonyms) == channel,
        consents.date.isnull() | (consents.date <= ibis.literal(as_of)),
    )
    status = _norm(rows.status)
    # an undated opt-out is the newest word (it wins over every opt-in), an undated opt-in the
    # oldest: missing dates never send a message the customer refused
    day = ibis.cases(
        (rows.date.notnull(), rows.date),
        (status == "opt_out", ibis.literal(_NEWEST)),
        else_=ibis.literal(_OLDEST),
    )
    return rows.mutate(_day=day, _status=status)


def _latest_consents(rows: ir.Table) -> ir.Table:
    per = rows.group_by("customer_id").aggregate(
        _last_in=rows._day.max(where=rows._status == "opt_in"),
        _last_out=rows._day.max(where=rows._status == "opt_out"),
    )
    return per


def _opted_in_ids(rows: ir.Table) -> ir.Table:
    per = _latest_consents(rows)
    return per.filter(
        per._last_in.notnull(), per._last_out.isnull() | (per._last_out < per._last_in)
    ).select("customer_id")


def _promised(rows: ir.Table, texts: list[str]) -> ir.Table | None:
    """Customers whose latest opt-in on the channel carries one of the promises ``texts``
    (None: no such text)."""
    if not texts:
        return None
    per = _latest_consents(rows).select(_l_id="customer_id", _l_in="_last_in")
    latest = rows.filter(rows._status == "opt_in", rows.promised_frequency.isin(texts))
    latest = latest.join(per, [latest.customer_id == per._l_id, latest._day == per._l_in])
    return latest.select("customer_id").distinct()


def _promise_ids(
    rows: ir.Table, sends: ir.Table, promises: dict[str, tuple[int, str]], as_of: dt.date
) -> ir.Table | None:
    """Customers for whom one more send would exceed a promise (None: no readable promise)."""
    if not promises:
        return None
    texts = list(promises)
    mapping = ibis.memtable(
        {
            "_p_text": texts,
            "_p_allowed": [promises[s][0] for s in texts],
            "_p_start": [promise_period_start(promises[s][1], as_of) for s in texts],
        },
        schema={"_p_text": "string", "_p_allowed": "int64", "_p_start": "date"},
    )
    per = _latest_consents(rows).select(_l_id="customer_id", _l_in="_last_in")
    latest = rows.filter(rows._status == "opt_in", rows.promised_frequency.notnull())
    latest = latest.join(per, [latest.customer_id == per._l_id, latest._day == per._l_in])
    latest = latest.select(_c_id=latest.customer_id, _text=latest.promised_frequency)
    bound = latest.join(mapping, latest._text == mapping._p_text)
    bound = bound.select("_c_id", "_p_text", "_p_allowed", "_p_start").distinct()
    sent = sends.select(_s_id=sends.customer_id, _s_day=sends._day)
    counted = bound.left_join(sent, [bound._c_id == sent._s_id, sent._s_day > bound._p_start])
    counts = counted.group_by(["_c_id", "_p_text", "_p_allowed"]).aggregate(
        _n=counted._s_day.count()
    )
    exceeded = counts.filter(counts._n + 1 > counts._p_allowed)
    return exceeded.select(customer_id=exceeded._c_id)


def _dormant_ids(sends: ir.Table, k: int, as_of: dt.date) -> ir.Table:
    end = ibis.literal(as_of)
    opened = (sends.opened_at.notnull() & (sends.opened_at.date() <= end)) | (
        sends.clicked_at.notnull() & (sends.clicked_at.date() <= end)
    )
    ranked = sends.mutate(
        _opened=opened.fill_null(False).cast("int64"),
        _rn=ibis.row_number().over(
            group_by="customer_id",
            order_by=[ibis.desc("sent_at"), ibis.desc("campaign_id")],
        ),
    )
    last = ranked.filter(ranked._rn < k)
    per = last.group_by("customer_id").aggregate(_n=last.count(), _opened=last._opened.sum())
    return per.filter(per._n >= k, per._opened == 0).select("customer_id")


# --------------------------------------------------------------------------------------------
# the plan


@dataclass
class _Spec:
    name: str
    kind: str
    rule: str
    condition: ir.BooleanValue | None  # removes the customer when true; None: Python step
    off: bool = False
    params: dict[str, Any] = field(default_factory=dict)


def check_rules(
    campaign: Campaign,
    tables: Mapping[str, ir.Table],
    *,
    as_of: dt.date,
    clv: Any = None,
    params: StructureParams = StructureParams(),  # noqa: B008 (frozen, immutable default)
    status: ir.Table | None = None,
) -> list[str]:
    """Check the campaign's rules against the workspace without running a query: every field
    must exist and every value must suit its field's type.

    Raises :class:`cxray.errors.CxrayError` as :func:`plan_campaign` would (unknown field with
    the known ones listed, value of the wrong type). Without ``clv``, rules on ``clv`` or
    ``p_alive`` are not refused; their texts are returned, so the caller can say that the plan
    will need CLV results. ``cxray campaign check`` can call this when a workspace is at hand.
    """
    context = rule_context(tables, as_of, clv=clv, params=params, status=status)
    need_clv = []
    for rule in (*campaign.audience, *campaign.exclusions):
        if clv is None and rule.kind == "compare" and rule.field in CLV_FIELDS:
            need_clv.append(rule.text)
            continue
        compile_rule(rule, context)
    return need_clv


def plan_campaign(
    campaign: Campaign,
    tables: Mapping[str, ir.Table],
    *,
    as_of: dt.date,
    clv: Any = None,
    params: StructureParams = StructureParams(),  # noqa: B008 (frozen, immutable default)
    status: ir.Table | None = None,
    global_control_share: float = GLOBAL_CONTROL_SHARE,
    channel_synonyms: Mapping[str, str] | None = None,
) -> Plan:
    """Plan ``campaign`` at ``as_of`` over the workspace ``tables`` (``Workspace.tables()``;
    missing tables count as empty): the waterfall described in the module notes, the final
    audience, its target / control split and their balance.

    ``global_control_share`` and ``channel_synonyms`` (extra spellings, see
    :mod:`cxray.comms.channels`) are the workspace's settings, passed by the API.

    ``clv`` (a :class:`cxray.analytics.clv.ClvResult`, its ``customers`` DataFrame or an Ibis
    table with ``customer_id, clv, p_alive``) makes the ``clv`` and ``p_alive`` fields
    available to rules; ``params`` sets the windows of the status words and of ``revenue``;
    ``status``: the customer status at ``as_of`` (same ``params``), when already computed.

    Raises :class:`cxray.errors.CxrayError` when a rule names an unknown field (listing the
    known ones), a CLV field without ``clv``, or compares a field with a value of the wrong
    type; ``TypeError`` when ``as_of`` is not a date.

    Example::

        campaign = load_campaign("campaigns/cheese.yaml")
        plan = plan_campaign(campaign, workspace.tables(), as_of=date(2026, 11, 1))
        plan.step("no_opt_in").removed  # customers without an opt-in on the channel
        plan.to_dict()  # codes and numbers; texts: cxray.phrases.step_label(step), ...
    """
    context = rule_context(tables, as_of, clv=clv, params=params, status=status)
    frame = context.frame
    channel = channel_name(campaign.channel, channel_synonyms)
    limits = campaign.limits
    notes: list[Note] = []

    consents = _channel_consents(
        table_or_empty(tables, "consents"), channel, as_of, channel_synonyms
    )
    all_sends = _sent_sends(table_or_empty(tables, "sends"), as_of)
    # the campaign's own planned or imported sends are not earlier messages: re-planning it
    # after its export must not exclude its audience for having been sent it
    all_sends = all_sends.filter(all_sends.campaign_id.cast("string") != campaign.id)
    channel_sends = all_sends.filter(channel_column(all_sends.channel, channel_synonyms) == channel)
    ids = frame.customer_id
    never = ibis.literal(False)

    specs: list[_Spec] = []
    for rule in campaign.audience:
        specs.append(
            _Spec(
                "audience",
                "audience",
                rule.text,
                ~compile_rule(rule, context),
                params={"rule": rule.text},
            )
        )

    # (a) consent
    specs.append(
        _Spec(
            "no_opt_in",
            "always",
            f"latest consent on {channel} is not opt_in",
            ~ids.isin(_opted_in_ids(consents).customer_id),
            params={"channel": channel},
        )
    )

    # (b) promised frequency
    found = (
        consents.filter(consents._status == "opt_in", consents.promised_frequency.notnull())
        .select(_text=consents.promised_frequency.cast("string"))
        .distinct()
    )
    promises: dict[str, tuple[int, str]] = {}
    unreadable: list[str] = []
    for (text,) in sorted((r["_text"],) for r in found.to_pyarrow().to_pylist()):
        if not text.strip():
            continue
        parsed = parse_promised_frequency(text)
        if parsed is None:
            notes.append(Note("note_unparsed_promise", {"value": text, "channel": channel}))
            unreadable.append(text)
        else:
            promises[text] = parsed
    exceeded = _promise_ids(consents, channel_sends, promises, as_of)
    specs.append(
        _Spec(
            "promised_frequency",
            "always",
            f"sends on {channel} in the promised period + 1 > promised",
            never if exceeded is None else ids.isin(exceeded.customer_id),
            params={"channel": channel},
        )
    )
    # a promise no one can read is kept by not writing at all
    unsure = _promised(consents, unreadable)
    specs.append(
        _Spec(
            "unreadable_promise",
            "always",
            f"the frequency promised on {channel} cannot be read",
            never if unsure is None else ids.isin(unsure.customer_id),
            params={"channel": channel},
        )
    )

    # (c) global cap
    cap = limits.global_cap
    if cap.off:
        capped = never
    else:
        recent = all_sends.filter(day_window(as_of, cap.days).contains(all_sends._day))
        per = recent.group_by("customer_id").aggregate(_n=recent.count())
        capped = ids.isin(per.filter(per._n + 1 > cap.sends).customer_id)
    specs.append(
        _Spec(
            "global_cap",
            "always",
            f"sends on any channel in {cap.days} days + 1 > {cap.sends}",
            capped,
            off=cap.off,
            params={"sends": cap.sends, "days": cap.days},
        )
    )

    # (d) recent unsubscribe or complaint
    days = limits.recent_optout_days
    if days == 0:
        opted_out = never
    else:
        window = day_window(as_of, days)
        sends = table_or_empty(tables, "sends")
        left = sends.filter(
            sends.customer_id.notnull(),
            window.contains(sends.unsubscribed_at.date())
            | window.contains(sends.complained_at.date()),
        )
        opted_out = ids.isin(left.customer_id)
    specs.append(
        _Spec(
            "recent_optout",
            "always",
            f"unsubscribed or complained within {days} days",
            opted_out,
            off=days == 0,
            params={"days": days},
        )
    )

    # (e) dormant
    k = limits.dormant_after
    dormant_off = k == 0
    dormant = never
    if not dormant_off:
        tracked = channel_sends.filter(
            channel_sends.opened_at.notnull() | channel_sends.clicked_at.notnull()
        ).count()
        if int(tracked.to_pyarrow().as_py() or 0) == 0:
            dormant_off = True
            notes.append(Note("note_dormant_skipped", {"channel": channel}))
        else:
            dormant = ids.isin(_dormant_ids(channel_sends, k, as_of).customer_id)
    specs.append(
        _Spec(
            "dormant",
            "always",
            f"last {k} sends on {channel} not opened",
            dormant,
            off=dormant_off,
            params={"k": k, "channel": channel},
        )
    )

    # (f) global control: applied in Python
    share = global_control_share
    specs.append(
        _Spec(
            "global_control",
            "always",
            f"unit_hash(global-control:customer_id) < {share}",
            None,
            off=share == 0,
            params={"share": share},
        )
    )

    # (g) full-price buyers of promoted items
    if campaign.discount:
        days = limits.full_price_days
        if days == 0:
            full_price = never
        else:
            orders, products = context.orders, context.products
            full_price = never
            for what, values in (
                ("sku", campaign.promoted_skus),
                ("line", campaign.promoted_lines),
            ):
                if values:
                    bought = bought_ids(
                        orders,
                        products,
                        what=what,
                        values=values,
                        as_of=as_of,
                        days=days,
                        full_price_only=True,
                    )
                    full_price = full_price | ids.isin(bought.customer_id)
        specs.append(
            _Spec(
                "full_price",
                "always",
                f"bought promoted items at full price within {days} days",
                full_price,
                off=days == 0,
                params={"days": days},
            )
        )

    for rule in campaign.exclusions:
        specs.append(
            _Spec(
                "exclusion",
                "exclusion",
                rule.text,
                compile_rule(rule, context),
                params={"rule": rule.text},
            )
        )

    # one query: per known customer, the first backend step before / after the global control
    # step that removes it
    split = next(i for i, s in enumerate(specs) if s.condition is None)

    def first(part: list[_Spec]) -> ir.IntegerValue:
        if not part:
            return ibis.literal(None, type="int64")
        return ibis.cases(
            *[(s.condition.fill_null(False), i) for i, s in enumerate(part)], else_=None
        ).cast("int64")

    query = frame.select(
        customer_id=frame.customer_id,
        _before=first(specs[:split]),
        _after=first(specs[split + 1 :]),
    )
    rows = query.to_pyarrow().to_pylist()

    removed: list[list[str]] = [[] for _ in specs]
    final: list[str] = []
    for row in rows:
        cid = str(row["customer_id"])
        if row["_before"] is not None:
            removed[row["_before"]].append(cid)
        elif share > 0 and in_global_control(cid, share):
            removed[split].append(cid)
        elif row["_after"] is not None:
            removed[split + 1 + row["_after"]].append(cid)
        else:
            final.append(cid)

    steps = []
    left_count = len(rows)
    for spec, gone in zip(specs, removed, strict=True):
        gone.sort()
        steps.append(
            Step(
                name=spec.name,
                kind=spec.kind,
                rule=spec.rule,
                before=left_count,
                removed=len(gone),
                after=left_count - len(gone),
                removed_ids=tuple(gone),
                off=spec.off,
                params=spec.params,
            )
        )
        left_count -= len(gone)

    final.sort()
    groups = assign(campaign.id, final, campaign.holdout)
    target = tuple(c for c in final if groups[c] != CONTROL)
    control = tuple(c for c in final if groups[c] == CONTROL)
    return Plan(
        campaign_id=campaign.id,
        channel=channel,
        as_of=as_of,
        candidates=len(rows),
        steps=tuple(steps),
        final_ids=tuple(final),
        target_ids=target,
        control_ids=control,
        holdout=campaign.holdout,
        balance=balance(context.orders, target, control, as_of=as_of),
        notes=tuple(notes),
    )
