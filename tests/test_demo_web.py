"""The `b2b-food` demo's web events: the order portal and catalogue of the last year, from a
random stream of their own (every other table is the same without them), with the lines viewed
but not bought and the planted falls of portal activity. Figures recomputed with plain pandas."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cxray.demo import b2b_food, generate
from cxray.ingest.schema import TABLES

AS_OF = dt.date(2026, 10, 31)
# the key and regular clients whose portal sessions fall in the last 60 days (seed 42)
PLANTED = {"C12387", "C03596", "C13172", "C01829"}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return generate("b2b-food", seed=42, as_of=AS_OF)


def test_every_other_table_is_the_same_without_the_web_events(tables, monkeypatch):
    def none(rng, cust, orders, products, cal):
        return pd.DataFrame(columns=TABLES["web_events"].names), []

    monkeypatch.setattr(b2b_food, "_web_events", none)
    without = generate("b2b-food", seed=42, as_of=AS_OF)
    assert len(without["web_events"]) == 0 and len(tables["web_events"]) > 0
    for name in TABLES:
        if name != "web_events":
            pd.testing.assert_frame_equal(tables[name], without[name])
            assert tables[name].to_csv(index=False) == without[name].to_csv(index=False)


def test_the_web_events_of_the_portal_and_catalogue(tables):
    w = tables["web_events"]
    assert list(w.columns) == TABLES["web_events"].names
    assert 20_000 <= len(w) <= 80_000  # a few tens of thousands: the demo stays quick
    assert w["event_id"].is_unique
    assert w["ts"].max() < pd.Timestamp(AS_OF + dt.timedelta(days=1))
    assert w["ts"].min() >= pd.Timestamp(AS_OF - dt.timedelta(days=365))
    assert (w["received_at"] >= w["ts"]).all()
    assert set(w["type"]) == {"pageview", "click", "submit", "scroll", "identify"}
    assert w["url"].str.startswith(b2b_food.WEB_SITE + "/").all()
    # sign-ins: every identify names a customer of the customers table
    ids = w[w["type"] == "identify"]
    known = set(tables["customers"]["customer_id"])
    assert len(ids) > 100 and ids["customer_id"].notna().all()
    assert set(ids["customer_id"]) <= known
    # a visitor's events before its first sign-in carry no customer: identify gives it
    first_id = ids.groupby("visitor_id")["ts"].min()
    before = w[w["visitor_id"].map(first_id).gt(w["ts"])]
    assert len(before) and before["customer_id"].isna().all()
    # anonymous visitors who never sign in
    named = set(w.loc[w["customer_id"].notna(), "visitor_id"])
    assert len(set(w["visitor_id"]) - named) >= 100
    # "В корзину" (and a few "Add to cart") on button.buy; order forms by their field names
    clicks = w[w["type"] == "click"]
    assert set(clicks["text"]) == {"В корзину", "Add to cart"}
    assert (clicks["text"] == "В корзину").mean() > 0.8
    assert clicks["css_path"].str.endswith("button.btn.buy").all()
    orders = w[(w["type"] == "submit") & w["url"].str.endswith("/portal/order")]
    assert len(orders) > 500 and (orders["fields"] == "delivery_date,address,comment").all()
    assert orders["customer_id"].notna().all()


def _line_of_path(w: pd.DataFrame) -> pd.Series:
    slug_line = {b2b_food.WEB_LINE_SLUGS[code]: name for code, name, *_ in b2b_food.PRODUCT_LINES}
    slug = w["url"].str.extract(r"^https://[^/]+/(?:catalog|promo)/([a-z-]+)")[0]
    return slug.map(slug_line)


def test_customers_view_lines_they_do_not_buy(tables):
    w, o, p = tables["web_events"], tables["orders"], tables["products"]
    views = w[(w["type"] == "pageview") & w["customer_id"].notna()].assign(line=_line_of_path)
    views = views.dropna(subset=["line"])
    window = o[o["order_date"] > pd.Timestamp("2024-10-31")]
    lines = window["sku"].map(dict(zip(p["sku"], p["product_line"], strict=True)))
    net = window.groupby([window["customer_id"], lines])["amount"].sum()
    bought = set(net[net > 0].index)
    pairs = views.groupby(["customer_id", "line"]).size()
    not_bought = [k for k in pairs.index if k not in bought]
    assert len(not_bought) >= 30  # white space the site shows
    assert pairs[pairs.index.isin(bought)].sum() > 3 * pairs[not_bought].sum()  # mostly theirs


def _sessions(w: pd.DataFrame) -> pd.DataFrame:
    """Sessions by hand: a visitor's events with no gap over 30 minutes; the customer of a
    session is the one its visitor ever signed in as."""
    w = w.sort_values(["visitor_id", "ts", "event_id"])
    gap = w.groupby("visitor_id")["ts"].diff() > pd.Timedelta(minutes=30)
    new = gap | w["visitor_id"].ne(w["visitor_id"].shift())
    w = w.assign(n=new.cumsum())
    person = w.dropna(subset=["customer_id"]).groupby("visitor_id")["customer_id"].last()
    out = w.groupby("n").agg(visitor_id=("visitor_id", "first"), start=("ts", "min"))
    return out.assign(customer_id=out["visitor_id"].map(person))


def test_the_planted_customers_portal_sessions_fell(tables):
    s = _sessions(tables["web_events"]).dropna(subset=["customer_id"])
    recent = s[s["start"] >= pd.Timestamp("2026-10-02")].groupby("customer_id").size()
    before = s[s["start"].between(pd.Timestamp("2026-04-05"), pd.Timestamp("2026-10-02"),
                                  inclusive="left")].groupby("customer_id").size()  # fmt: skip
    for customer in PLANTED:
        mean = before.get(customer, 0) * 30 / 180
        assert mean >= 2 and recent.get(customer, 0) <= mean / 2, customer


@pytest.mark.slow  # ~30 s: the demo workspace
def test_the_demo_workspace_alerts_and_viewed_lines(tmp_path):
    import cxray

    cxray.demo(workspace=tmp_path / "ws", seed=42)
    with cxray.open(tmp_path / "ws") as ws:
        assert ws.get_setting("web_line_pages") == b2b_food.WEB_LINE_PAGES
        assert [a.name for a in ws.web.defined()] == ["add_to_cart", "catalog_view", "order_submit"]
        found = ws.alerts()
        portal = [a for a in found.value if a.kind == "portal_activity_fell"]
        assert {a.customer_id for a in portal} == PLANTED
        assert all(a.key or a.regular for a in portal)
        assert sum(a.key for a in portal) == 2
        payload = found.to_dict()["alerts"]
        assert {a["customer_id"] for a in payload if a["kind"] == "portal_activity_fell"} == PLANTED
        viewed = ws.whitespace().to_dict()["viewed_not_bought"]
        assert len(viewed) >= 20 and all(r["views"] >= 2 for r in viewed)
        one = viewed[0]["customer_id"]
        card = ws.customer(one).to_dict()
        assert {r["product_line"] for r in card["viewed_not_bought"]} == {
            r["product_line"] for r in viewed if r["customer_id"] == one
        }
