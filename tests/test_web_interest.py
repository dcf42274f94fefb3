"""Web interest on hand-counted events, on DuckDB and SQLite: product-line page views, the lines
viewed but not bought, and the portal-activity alert's thresholds."""

from __future__ import annotations

import datetime as dt

import ibis
import pytest
from conftest import d

from cxray.analytics import web_events as we
from cxray.analytics import web_interest as wi
from cxray.analytics.alerts import portal_alerts

AS_OF = d("2026-06-30")
# views: the 90 days 2026-04-02 .. 2026-06-30; white space: (2024-06-30, 2026-06-30]
# sessions: recent 2026-06-01 .. 2026-06-30, before 2025-12-03 .. 2026-05-31
LINE_PAGES = {
    "Cheese": ["/catalog/cheese*"],
    "Wine": ["/catalog/wine*", "/promo/wine*"],
    "Milk": ["https://shop.example/milk*"],  # the whole URL, not the path
}
SHOP = "https://shop.example"
_ids = iter(range(1, 100_000))


def ev(visitor: str, when: str, url: str, *, kind: str = "pageview", customer=None) -> dict:
    return {
        "event_id": f"e{next(_ids)}",
        "visitor_id": visitor,
        "ts": dt.datetime.fromisoformat(when),
        "type": kind,
        "url": url,
        "customer_id": customer,
    }


VIEW_EVENTS = [
    # vA: customer A from its identify on; the view before it is A's too
    ev("vA", "2026-06-01T10:00", f"{SHOP}/catalog/cheese/brie"),  # Cheese 1
    ev("vA", "2026-06-01T10:01", f"{SHOP}/account", kind="identify", customer="A"),
    ev("vA", "2026-06-02T09:00", f"{SHOP}/catalog/cheese?x=1"),  # Cheese 2 (last)
    ev("vA", "2026-06-03T09:00", f"{SHOP}/catalog/wine/red"),  # Wine 1
    ev("vA", "2026-06-04T09:00", f"{SHOP}/promo/wine-week#top"),  # Wine 2 (last)
    ev("vA", "2026-06-04T09:01", f"{SHOP}/catalog/wine/red", kind="click"),  # not a view
    ev("vA", "2026-04-01T23:59", f"{SHOP}/catalog/wine"),  # before the 90 days
    ev("vA", "2026-04-02T00:00", f"{SHOP}/catalog/wine"),  # Wine 3: the first day
    ev("vA", "2026-07-01T00:00", f"{SHOP}/catalog/wine"),  # after as_of
    # vB names customer B on every event
    ev("vB", "2026-05-01T12:00", f"{SHOP}/milk/fresh", customer="B"),  # Milk 1
    ev("vB", "2026-05-01T12:05", "https://other.example/milk/x", customer="B"),  # another site
    ev("vB", "2026-05-02T12:00", f"{SHOP}/catalog/cheese", customer="B"),  # Cheese 1
    ev("vB", "2026-05-03T12:00", f"{SHOP}/milk", customer="B"),  # Milk 2 (last)
    # an anonymous visitor: no customer, not counted
    *[ev("vX", f"2026-06-1{i}T08:00", f"{SHOP}/catalog/cheese") for i in range(5)],
]
PRODUCTS = [
    {"sku": "c1", "product_line": "Cheese"},
    {"sku": "w1", "product_line": "Wine"},
    {"sku": "m1", "product_line": "Milk"},
]
ORDERS = [
    {"order_id": "1", "customer_id": "A", "order_date": d("2025-05-01"), "amount": 100.0,
     "sku": "c1"},  # A buys cheese
    {"order_id": "2", "customer_id": "A", "order_date": d("2025-06-01"), "amount": 50.0,
     "sku": "w1"},
    {"order_id": "3", "customer_id": "A", "order_date": d("2025-06-05"), "amount": -50.0,
     "sku": "w1"},  # wine returned: net 0, not bought
    {"order_id": "4", "customer_id": "B", "order_date": d("2024-06-30"), "amount": 80.0,
     "sku": "m1"},  # milk on the window's start: out of it
]  # fmt: skip


@pytest.fixture
def views_data(load):
    return load("web_events", VIEW_EVENTS), load("orders", ORDERS), load("products", PRODUCTS)


def rows(expr) -> list[tuple]:
    return [tuple(r.values()) for r in expr.to_pyarrow().to_pylist()]


def test_line_views_by_hand(views_data):
    events, _, _ = views_data
    found = wi.line_views(events, LINE_PAGES, as_of=AS_OF).order_by(["customer_id", "product_line"])
    assert rows(found) == [
        ("A", "Cheese", 2, dt.datetime(2026, 6, 2, 9)),
        ("A", "Wine", 3, dt.datetime(2026, 6, 4, 9)),
        ("B", "Cheese", 1, dt.datetime(2026, 5, 2, 12)),
        ("B", "Milk", 2, dt.datetime(2026, 5, 3, 12)),
    ]
    # a shorter window: the last 30 days (2026-06-01 ..) hold only A's June views
    short = wi.line_views(events, LINE_PAGES, as_of=AS_OF, days=30)
    assert sorted((r[0], r[1], r[2]) for r in rows(short)) == [("A", "Cheese", 2), ("A", "Wine", 2)]
    assert rows(wi.line_views(events, {}, as_of=AS_OF)) == []


def test_viewed_not_bought_leaves_out_the_lines_bought(views_data):
    events, orders, products = views_data
    views = wi.line_views(events, LINE_PAGES, as_of=AS_OF)

    def listed(**kw) -> list[tuple]:
        found = wi.viewed_not_bought(views, orders, products, as_of=AS_OF, **kw)
        return [r[:3] for r in rows(found)]

    # A bought cheese (out); its wine netted to 0 (in); B's milk was bought before the window
    assert listed() == [("A", "Wine", 3), ("B", "Milk", 2)]
    assert listed(min_views=3) == [("A", "Wine", 3)]
    assert listed(min_views=1) == [("A", "Wine", 3), ("B", "Milk", 2), ("B", "Cheese", 1)]
    # a window of 25 months reaches B's milk of 2024-06-30: bought
    assert listed(window_months=25) == [("A", "Wine", 3)]
    with pytest.raises(ValueError):
        listed(min_views=0)


def sessions(visitor: str, days: list[str], customer: str | None = "same") -> list[dict]:
    """One page view per day (each its own session) at 09:00."""
    cid = visitor if customer == "same" else customer
    return [ev(visitor, f"{day}T09:00", f"{SHOP}/orders", customer=cid) for day in days]


def days_before(n: int, first: str = "2025-12-03") -> list[str]:
    """``n`` days from ``first`` on, a week apart (all before 2026-06-01 for n <= 25)."""
    start = d(first)
    return [(start + dt.timedelta(days=7 * i)).isoformat() for i in range(n)]


SESSION_EVENTS = [
    # K (key): before 11 + 1 session that starts 2026-05-31 23:50 and runs into June = 12 (mean
    # 12 x 30 / 180 = 2.0); recent 1 (two views 10 minutes apart) = exactly half: alert
    *sessions("K", days_before(11)),
    ev("K", "2026-05-31T23:50", f"{SHOP}/orders", customer="K"),
    ev("K", "2026-06-01T00:10", f"{SHOP}/orders", customer="K"),
    ev("K", "2026-06-10T09:00", f"{SHOP}/orders", customer="K"),
    ev("K", "2026-06-10T09:10", f"{SHOP}/orders", customer="K"),
    ev("K", "2025-12-02T09:00", f"{SHOP}/orders", customer="K"),  # before the 210 days
    # R (regular): before 18 (mean 3.0), recent 2 > 1.5: just above half, no alert
    *sessions("R", days_before(18)),
    *sessions("R", ["2026-06-05", "2026-06-15"]),
    # S (regular): before 11 (mean 1.83 < 2), recent 0: no alert
    *sessions("S", days_before(11)),
    # T (regular): anonymous until its identify on 2026-06-20; before 18 (mean 3), recent 1
    *sessions("vT", days_before(18), customer=None),
    ev("vT", "2026-06-20T09:00", f"{SHOP}/login", kind="identify", customer="T"),
    # N: neither regular nor key, its sessions fell to 0: no alert
    *sessions("N", days_before(12)),
]
STATUS = {
    "customer_id": ["K", "R", "S", "T", "N"],
    "key": [True, False, False, False, False],
    "regular": [False, True, True, True, False],
}


@pytest.fixture
def session_data(load):
    raw = load("web_events", SESSION_EVENTS)
    # the 210 days, kept in the backend as the API keeps them (SQLite cannot parse it nested)
    found = we.sessions(we.window(we.identified(raw), as_of=AS_OF, days=30 + 180))
    with found.cache() as kept:
        yield kept, ibis.memtable(STATUS)


def test_session_counts_by_the_day_sessions_start(session_data):
    events, _ = session_data
    counts = wi.session_counts(events, as_of=AS_OF).order_by("customer_id")
    assert rows(counts) == [("K", 1, 12), ("N", 0, 12), ("R", 2, 18), ("S", 0, 11), ("T", 1, 18)]


def test_portal_activity_fell_at_the_threshold_edges(session_data):
    events, status = session_data
    counts = wi.session_counts(events, as_of=AS_OF)

    def fell(**kw) -> list[tuple]:
        found = wi.portal_activity_fell(counts, status, **kw)
        return [(r[0], r[5], r[6]) for r in rows(found)]

    # T: 1 of 3 (ratio 1/3); K: 1 of 2.0, exactly half; R's 2 of 3 is above half; S's mean < 2
    assert fell() == [("T", 3.0, pytest.approx(1 / 3)), ("K", 2.0, 0.5)]
    # at two thirds R's 2 of 3 is exactly at the threshold
    assert [r[0] for r in fell(max_ratio=2 / 3)] == ["T", "K", "R"]
    # a lower least mean takes in S (11 x 30 / 180 = 1.83, nothing recent)
    assert [r[0] for r in fell(min_mean=1.8)] == ["S", "T", "K"]
    assert fell(min_mean=2.01) == [("T", 3.0, pytest.approx(1 / 3))]
    with pytest.raises(ValueError):
        fell(max_ratio=1.0)


def test_portal_alerts_carry_their_figures_and_parameters(session_data):
    events, status = session_data
    found = [a.to_dict() for a in portal_alerts(events, status, as_of=AS_OF)]
    assert [(a["kind"], a["customer_id"], a["key"], a["regular"]) for a in found] == [
        ("portal_activity_fell", "T", False, True),
        ("portal_activity_fell", "K", True, False),
    ]
    k = found[1]
    assert (k["sessions_recent"], k["sessions_before"], k["sessions_mean"], k["ratio"]) == (
        1,
        12,
        2.0,
        0.5,
    )
    assert (k["recent_days"], k["base_days"], k["max_ratio"], k["min_mean"]) == (30, 180, 0.5, 2.0)
    assert k["lines"] == []


def test_whitespace_and_the_card_list_the_lines_viewed_but_not_bought(tmp_path):
    """Through the API on a workspace: the setting names the lines' pages; without it, none."""
    import pandas as pd

    import cxray
    from cxray.workspace import Workspace

    frames = {
        "orders": pd.DataFrame(ORDERS),
        "products": pd.DataFrame(PRODUCTS),
        "customers": pd.DataFrame({"customer_id": ["A", "B"]}),
        "web_events": pd.DataFrame(VIEW_EVENTS),
    }
    with Workspace(tmp_path / "ws", create=True) as ws:
        ws.replace_all(frames)
    with cxray.open(tmp_path / "ws") as session:
        assert session.whitespace(AS_OF).to_dict()["viewed_not_bought"] == []  # no setting
    with cxray.open(tmp_path / "ws", read_only=False) as session:
        session.set_setting(
            "web_line_pages",
            "Cheese=/catalog/cheese*; Wine=/catalog/wine*, /promo/wine*; "
            "Milk=https://shop.example/milk*",
        )
    with cxray.open(tmp_path / "ws") as session:
        found = session.whitespace(AS_OF).to_dict()["viewed_not_bought"]
        assert [(r["customer_id"], r["product_line"], r["views"]) for r in found] == [
            ("A", "Wine", 3), ("B", "Milk", 2)
        ]  # fmt: skip
        assert found[0]["last_view"] == dt.datetime(2026, 6, 4, 9)
        only_b = session.whitespace(AS_OF, customer="B").to_dict()["viewed_not_bought"]
        assert [r["product_line"] for r in only_b] == ["Milk"]
        card = session.customer("A", AS_OF).to_dict()
        assert [(r["product_line"], r["views"]) for r in card["viewed_not_bought"]] == [("Wine", 3)]
