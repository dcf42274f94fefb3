"""Web events: who did what on the site, in which session, and which actions that was.

The functions take the canonical ``web_events`` table (see :mod:`cxray.ingest.schema`) and return
lazy Ibis expressions, or small results computed from few rows.

- **The customer of an event** is the customer the event names, else the one the visitor was
  last identified as (``identify`` events): a visitor's events before ``cxray.identify(...)``
  belong to the customer too.
- **A person** is that customer, or the anonymous visitor when there is none.
- **A session** is a visitor's run of events with no gap longer than :data:`SESSION_GAP_MINUTES`.
- **The path** of a URL is its part after the host, without query and fragment (``/`` when
  empty).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from cxray.analytics.text import strip_spaces
from cxray.analytics.web_actions import Action, glob_regex, selector_regex

SESSION_GAP_MINUTES = 30
_URL_PATH = r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*([^?#]*)"
_NO_FRAGMENT = r"^([^#]*)"


def window(events: ir.Table, *, as_of: dt.date, days: int) -> ir.Table:
    """The events of the ``days`` days up to and including ``as_of``."""
    start = dt.datetime.combine(as_of - dt.timedelta(days=days - 1), dt.time())
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    return events.filter(events.ts >= ibis.literal(start), events.ts < ibis.literal(end))


def url_path(url: ir.StringValue) -> ir.StringValue:
    """The path of a URL: ``https://shop.example/catalog/cheese?x=1`` -> ``/catalog/cheese``;
    a URL without a scheme is taken as a path already."""
    found = url.re_extract(_URL_PATH, 1)
    bare = url.re_extract(r"^([^?#]*)", 1)
    has_scheme = url.re_search(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
    path = ibis.ifelse(has_scheme, found, bare)
    return ibis.ifelse(path.isnull() | (path == ""), "/", path)


def identified(events: ir.Table) -> ir.Table:
    """``events`` with ``customer`` (the event's customer, else the visitor's latest identify),
    ``person`` (the customer, else the visitor), ``path`` and ``t`` (seconds since the epoch)."""
    ids = events.filter((events.type == "identify") & events.customer_id.notnull())
    ids = ids.mutate(
        rank=ibis.row_number().over(group_by=ids.visitor_id, order_by=[ids.ts.desc(), ids.event_id])
    )
    last = ids.filter(ids.rank == 0).select(id_visitor=ids.visitor_id, id_customer=ids.customer_id)
    joined = events.left_join(last, events.visitor_id == last.id_visitor)
    customer = ibis.coalesce(joined.customer_id, joined.id_customer)
    return joined.select(
        *events.columns,
        customer=customer,
        person=ibis.coalesce(customer, joined.visitor_id),
        path=url_path(joined.url),
        t=joined.ts.epoch_seconds(),
    )


def sessions(events: ir.Table) -> ir.Table:
    """The identified ``events`` (see :func:`identified`) with ``session`` ("visitor:n", n
    counting from 1 in time order) and ``step`` (the event's place in it, from 1)."""
    order = ["ts", "event_id"]
    prev = events.t.lag().over(group_by=events.visitor_id, order_by=order)
    gap = SESSION_GAP_MINUTES * 60
    flagged = events.mutate(new=ibis.ifelse(prev.isnull() | (events.t - prev > gap), 1, 0))
    number = flagged.new.cumsum(group_by=flagged.visitor_id, order_by=order)
    numbered = flagged.mutate(n=number).drop("new")
    session = numbered.visitor_id.concat(":", numbered.n.cast("string"))
    numbered = numbered.mutate(session=session).drop("n")
    step = ibis.row_number().over(group_by=numbered.session, order_by=order) + 1
    return numbered.mutate(step=step)


def matches(events: ir.Table, action: Action) -> ir.BooleanValue:
    """Whether each of the identified ``events`` is ``action``."""
    cond = events.type.isin(action.events)
    if action.url:
        whole = events.url.re_extract(_NO_FRAGMENT, 1)
        field = events.path if action.url.startswith("/") else whole
        cond &= field.re_search(glob_regex(action.url))
    if action.selector:
        cond &= events.css_path.fill_null("").re_search(selector_regex(action.selector))
    if action.text:
        text = strip_spaces(events.text.fill_null(""))
        cond &= text.re_search(glob_regex(action.text.strip(), any_case=True))
    return cond


def action_events(events: ir.Table, actions: list[Action]) -> ir.Table:
    """One row per (event, action it is) of the identified ``events``: the event's columns and
    ``action``."""
    parts = [
        events.filter(matches(events, a)).mutate(action=ibis.literal(a.name, "string"))
        for a in actions
    ]
    if not parts:
        return events.mutate(action=ibis.literal(None, "string")).limit(0)
    return ibis.union(*parts) if len(parts) > 1 else parts[0]


def action_counts(events: ir.Table) -> ir.Table:
    """Per action of :func:`action_events`' rows: events, visitors, persons, identified
    customers, and the first and last time seen."""
    return events.group_by("action").aggregate(
        events=events.count(),
        visitors=events.visitor_id.nunique(),
        persons=events.person.nunique(),
        customers=events.customer.nunique(),
        first_seen=events.ts.min(),
        last_seen=events.ts.max(),
    )


@dataclass(frozen=True)
class FunnelStep:
    step: int
    action: str
    persons: int
    of_previous: float | None  # share of the previous step's persons that reached this one
    of_first: float | None
    dropped: int  # persons of the previous step who did not reach this one
    median_hours: float | None  # from the previous step, for those who reached this one

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def funnel_reach(events: ir.Table, steps: list[Action], *, within_days: int) -> list[ir.Table]:
    """Per step, one row per (person, start) that reached it: ``start`` the time (seconds) of the
    first step's event that began the attempt, ``t`` of this step's event. A step counts at or
    after the previous step's event and within ``within_days`` of the start; each attempt takes
    the earliest such event, so a person reaches a step when any attempt does."""
    limit = within_days * 86400
    first = events.filter(matches(events, steps[0]))
    reached = [first.select("person", start=first.t, t=first.t).distinct()]
    for action in steps[1:]:
        prev = reached[-1]
        hits = events.filter(matches(events, action)).select(hit_person="person", hit_t="t")
        joined = prev.join(
            hits,
            [
                prev.person == hits.hit_person,
                hits.hit_t >= prev.t,
                hits.hit_t <= prev.start + limit,
            ],
        )
        reached.append(joined.group_by(["person", "start"]).aggregate(t=joined.hit_t.min()))
    return reached


def funnel_steps(
    steps: list[Action], persons: list[int], medians: list[float | None]
) -> list[FunnelStep]:
    """The funnel's rows from the persons reaching each step and the median hours from the
    previous step."""
    out = []
    for i, (action, n) in enumerate(zip(steps, persons, strict=True)):
        prev = persons[i - 1] if i else None
        out.append(
            FunnelStep(
                step=i + 1,
                action=action.name,
                persons=n,
                of_previous=(n / prev if prev else None) if i else None,
                of_first=(n / persons[0] if persons[0] else None) if i else None,
                dropped=(prev - n) if i else 0,
                median_hours=medians[i],
            )
        )
    return out


def first_step_persons(reached: ir.Table) -> ir.Table:
    """How many persons reached the funnel's first step (one row: ``persons``)."""
    return reached.aggregate(persons=reached.person.nunique())


def step_hours(reached: ir.Table, previous: ir.Table) -> ir.Table:
    """One row per person who reached a later step: the hours from the previous step, the
    fastest of their attempts (the median is taken in Python: not every backend has one)."""
    prev = previous.select(p_person="person", p_start="start", p_t="t")
    joined = reached.join(prev, [reached.person == prev.p_person, reached.start == prev.p_start])
    return joined.group_by("person").aggregate(hours=((joined.t - joined.p_t) / 3600).min())


def path_rows(events: ir.Table, *, start: str | None, steps: int) -> ir.Table:
    """The pages of each session of the sessioned ``events`` (see :func:`sessions`), from its
    first page view whose path matches ``start`` (or its first page view), at most ``steps``
    pages, repeated views of one page in a row counted once: rows of (session, n, path)."""
    views = events.filter(events.type == "pageview")
    order = ["ts", "event_id"]
    views = views.mutate(before=views.path.lag().over(group_by="session", order_by=order))
    views = views.filter(views.before.isnull() | (views.before != views.path)).drop("before")
    if start:
        hit = views.path.re_search(glob_regex(start))
        first = views.filter(hit).group_by("session").aggregate(from_t=views.filter(hit).step.min())
        views = views.join(first, "session").filter(lambda v: v.step >= v.from_t)
    n = ibis.row_number().over(group_by="session", order_by=["ts", "event_id"]) + 1
    views = views.mutate(n=n)
    return views.filter(views.n <= steps).select("session", "n", "path")


def top_paths(rows: list[dict], *, top: int) -> list[dict[str, object]]:
    """The most frequent page sequences among :func:`path_rows`' rows, with their sessions and
    share of all sessions."""
    pages: dict[str, list[tuple[int, str]]] = {}
    for r in rows:
        pages.setdefault(r["session"], []).append((r["n"], r["path"]))
    counted = Counter(tuple(p for _, p in sorted(seq)) for seq in pages.values())
    total = sum(counted.values())
    ranked = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [{"pages": list(seq), "sessions": n, "share": n / total} for seq, n in ranked]


def session_summary(events: ir.Table) -> ir.Table:
    """One row per session of the sessioned ``events``: visitor, customer, start, end, page
    views, events, and the entry and exit page."""
    g = events.group_by(["session", "visitor_id"])
    summary = g.aggregate(
        customer=events.customer.max(),
        start=events.ts.min(),
        end=events.ts.max(),
        pageviews=(events.type == "pageview").sum(),
        events=events.count(),
        last_step=events.step.max(),
    )
    entry = events.filter(events.step == 1).select(e_session="session", entry=events.path)
    joined = summary.left_join(entry, summary.session == entry.e_session)
    ends = events.select(x_session="session", x_step="step", exit=events.path)
    joined = joined.left_join(
        ends, [joined.session == ends.x_session, joined.last_step == ends.x_step]
    )
    return joined.select(
        "session", "visitor_id", "customer", "start", "end", "pageviews", "events", "entry", "exit"
    )
