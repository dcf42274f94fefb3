"""Web events: actions defined after the fact, identify, sessions, funnels and paths, on
hand-counted events, on every test backend; the actions store and the CLI on a workspace."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from conftest import one_line_error
from typer.testing import CliRunner

import cxray
from cxray.analytics import web_events as we
from cxray.analytics.web_actions import Action, glob_regex, selector_regex
from cxray.cli import app
from cxray.errors import CxrayError

BUY = "body > main#content > div.card > button.btn.buy"


def ev(eid, visitor, ts, type_, url, css=None, text=None, customer=None):
    return {"event_id": eid, "visitor_id": visitor, "ts": ts, "type": type_, "url": url,
            "css_path": css, "text": text, "customer_id": customer}  # fmt: skip


SHOP = "https://shop.example"
EVENTS = [
    # v1: anonymous, then identified as C1: its earlier events are C1's too
    ev("a1", "v1", "2026-11-01 10:00:00", "pageview", f"{SHOP}/catalog/cheese?x=1"),
    ev("a2", "v1", "2026-11-01 10:01:00", "click", f"{SHOP}/catalog/cheese", BUY, "В корзину"),
    ev("a3", "v1", "2026-11-01 10:05:00", "pageview", f"{SHOP}/cart"),
    ev("a4", "v1", "2026-11-01 10:06:00", "identify", f"{SHOP}/account", customer="C1"),
    ev(
        "a5",
        "v1",
        "2026-11-01 10:07:00",
        "submit",
        f"{SHOP}/cart",
        "body > form#order",
        customer="C1",
    ),  # fmt: skip
    # 2 h 53 min later: a new session of v1
    ev("a6", "v1", "2026-11-01 13:00:00", "pageview", f"{SHOP}/catalog/wine", customer="C1"),
    # v2: anonymous all along
    ev("b1", "v2", "2026-11-02 11:00:00", "pageview", f"{SHOP}/catalog/cheese"),
    ev("b2", "v2", "2026-11-02 11:00:05", "click", f"{SHOP}/catalog/cheese", BUY, "  в корзину "),
    ev(
        "b3",
        "v2",
        "2026-11-02 11:00:06",
        "click",
        f"{SHOP}/catalog/cheese",
        "body > main#content > div.card > button.buyer",
        "В корзину",
    ),  # fmt: skip
    ev("b4", "v2", "2026-11-02 11:20:00", "pageview", f"{SHOP}/catalog/cheese?sort=price"),
    ev("b5", "v2", "2026-11-02 11:25:00", "pageview", f"{SHOP}/cart"),
    # v3: events imported with their customer (C2), no identify
    ev(
        "c1",
        "v3",
        "2026-11-01 09:00:00",
        "click",
        f"{SHOP}/catalog/x",
        "body > button.buy",
        customer="C2",
    ),  # fmt: skip
    ev("c2", "v3", "2026-11-10 09:00:00", "pageview", f"{SHOP}/cart", customer="C2"),
    ev(
        "c3",
        "v3",
        "2026-11-10 09:05:00",
        "submit",
        f"{SHOP}/cart",
        "body > form#order",
        customer="C2",
    ),  # fmt: skip
    # v4: C1 on another device
    ev("d1", "v4", "2026-11-03 08:00:00", "identify", f"{SHOP}/account", customer="C1"),
    ev("d2", "v4", "2026-11-03 08:01:00", "pageview", f"{SHOP}/cart"),
]
AS_OF = pd.Timestamp("2026-11-10").date()
ACTIONS = {
    "buy": Action("buy", url="/catalog/*", selector="button.buy"),
    "cart": Action("cart", url="/cart"),
    "order": Action("order", selector="form#order", event="submit"),
    "buy_text": Action("buy_text", text="в корзину"),
}


@pytest.fixture
def events(load):
    raw = load("web_events", EVENTS)
    # kept in the backend as the API keeps it (SQLite cannot parse the whole query nested)
    with we.sessions(we.window(we.identified(raw), as_of=AS_OF, days=90)).cache() as kept:
        yield kept


# --- rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "found"),
    [
        ("button.buy", True), (".buy", True), ("button", True), (".buy.btn", True),
        ("div button", True), ("div > button", True), ("main button.buy", True),
        ("#content .buy", True), ("main#content > div.card > button", True),
        ("main > button", False), ("button.buyer", False), ("a.buy", False),
        ("div.card", False), ("form button", False), ("#other button", False),
        ("*.buy", True), ("body > main", False),
    ],
)  # fmt: skip
def test_a_selector_matches_the_element_and_its_ancestors_in_the_recorded_path(selector, found):
    assert bool(re.search(selector_regex(selector), BUY)) is found


@pytest.mark.parametrize("selector", ["a[href]", "a:hover", "a + b", "a > > b", "> a", ""])
def test_a_selector_the_path_cannot_answer_is_refused_with_a_code(selector):
    with pytest.raises(CxrayError) as err:
        selector_regex(selector)
    assert err.value.key == "action_bad_selector"


def test_url_patterns_use_stars_and_paths_drop_query_and_fragment():
    assert re.search(glob_regex("/catalog/*"), "/catalog/cheese/brie")
    assert not re.search(glob_regex("/catalog/*"), "/catalogue")
    assert re.search(glob_regex("/c?x*"), "/c?x=1")  # '?' is a character like any other
    assert re.search(glob_regex("в корзину*", any_case=True), "В КОРЗИНУ!")
    assert not re.search(glob_regex("в корзину", any_case=True), "в корзину!")
    assert Action("x", url="/a").events == ("pageview",)
    assert Action("x", selector="a").events == ("click", "submit", "outbound")
    assert Action("x", url="/a", event="scroll").events == ("scroll",)
    for bad, code in [({"url": None}, "action_needs_rule"), ({"event": "hover"},
                      "action_bad_event"), ({"text": "a\x00b"}, "action_bad_character"),
                      ({"url": "/a\nb"}, "action_bad_character")]:  # fmt: skip
        with pytest.raises(CxrayError) as err:
            Action("x", **bad)
        assert err.value.key == code


# --- analytics on each backend ---------------------------------------------------------------


def test_paths_of_urls(load):
    raw = load("web_events", [
        ev("p1", "v", "2026-11-01 10:00:00", "pageview", "https://a.example/x/y?q=1#top"),
        ev("p2", "v", "2026-11-01 10:00:01", "pageview", "https://a.example"),
        ev("p3", "v", "2026-11-01 10:00:02", "pageview", "/local/page?z"),
    ])  # fmt: skip
    found = raw.select("event_id", path=we.url_path(raw.url)).to_pyarrow().to_pylist()
    assert {r["event_id"]: r["path"] for r in found} == {
        "p1": "/x/y",
        "p2": "/",
        "p3": "/local/page",
    }


def counts(events, *names):
    found = we.action_counts(we.action_events(events, [ACTIONS[n] for n in names]))
    return {r.pop("action"): r for r in found.to_pyarrow().to_pylist()}


def test_actions_count_the_events_they_match_and_identify_joins_earlier_events(events):
    got = counts(events, "buy", "cart", "buy_text", "order")
    # buy: a2 (v1 = C1), b2 (v2, anonymous), c1 (v3 = C2); b3's class is "buyer"
    assert {k: got["buy"][k] for k in ("events", "visitors", "persons", "customers")} == {
        "events": 3, "visitors": 3, "persons": 3, "customers": 2}  # fmt: skip
    # cart: a3 (v1), b5 (v2), c2 (v3), d2 (v4); v1 and v4 are both C1: 3 persons
    assert {k: got["cart"][k] for k in ("events", "visitors", "persons", "customers")} == {
        "events": 4, "visitors": 4, "persons": 3, "customers": 2}  # fmt: skip
    # the text, trimmed and in any case: a2, b2, b3 (c1 has no text)
    assert (got["buy_text"]["events"], got["buy_text"]["visitors"]) == (3, 2)
    assert (got["order"]["events"], got["order"]["customers"]) == (2, 2)
    assert str(got["buy"]["first_seen"]).startswith("2026-11-01 09:00")
    assert str(got["cart"]["last_seen"]).startswith("2026-11-10 09:00")


def test_sessions_split_after_30_minutes_and_belong_to_the_identified_customer(events):
    rows = we.session_summary(events).to_pyarrow().to_pylist()
    by = {r["session"]: r for r in rows}
    assert sorted(by) == ["v1:1", "v1:2", "v2:1", "v3:1", "v3:2", "v4:1"]
    first = by["v1:1"]
    assert (first["customer"], first["events"], first["pageviews"]) == ("C1", 5, 2)
    assert (first["entry"], first["exit"]) == ("/catalog/cheese", "/cart")
    assert (by["v2:1"]["customer"], by["v2:1"]["events"], by["v2:1"]["pageviews"]) == (None, 5, 3)
    assert sorted(s for s, r in by.items() if r["customer"] == "C1") == ["v1:1", "v1:2", "v4:1"]


def funnel(events, names, within):
    reached = we.funnel_reach(events, [ACTIONS[n] for n in names], within_days=within)
    first = we.first_step_persons(reached[0]).to_pyarrow().to_pylist()[0]["persons"]
    hours = [
        sorted(
            r["hours"] for r in we.step_hours(reached[i], reached[i - 1]).to_pyarrow().to_pylist()
        )
        for i in range(1, len(reached))
    ]
    return first, hours


def test_a_funnel_counts_people_who_take_the_steps_in_order_within_the_days(events):
    # buy: C1 (a2 10:01), v2 (b2 11:00:05), C2 (c1 day 1 09:00)
    # cart after buy within 7 days: C1 a3 10:05 (4 min), v2 b5 11:25 (24 min 55 s);
    #   C2's cart is 9 days later: out
    # order after cart: C1 a5 10:07 (2 min after a3); v2 never orders
    first, hours = funnel(events, ["buy", "cart", "order"], 7)
    assert first == 3
    assert hours[0] == pytest.approx([4 / 60, (24 * 60 + 55) / 3600])
    assert hours[1] == pytest.approx([2 / 60])
    # within 10 days C2 counts too: cart 9 days = 216 h after buy, order 5 min after cart
    first, hours = funnel(events, ["buy", "cart", "order"], 10)
    assert hours[0] == pytest.approx([4 / 60, (24 * 60 + 55) / 3600, 216.0])
    assert hours[1] == pytest.approx([2 / 60, 5 / 60])
    # a step before the previous one does not count: cart then buy
    first, hours = funnel(events, ["cart", "buy"], 7)
    assert (first, hours) == (3, [[]])


def paths(events, start):
    rows = we.path_rows(events, start=start, steps=3).to_pyarrow().to_pylist()
    return [(tuple(r["pages"]), r["sessions"]) for r in we.top_paths(rows, top=10)]


def test_paths_count_each_session_s_pages_in_order_once_per_repeat(events):
    # v1:1 cheese, cart; v1:2 wine; v2:1 cheese (twice in a row: once), cart; v3:2 cart; v4:1
    # cart; v3:1 has no page view
    assert paths(events, None) == [
        (("/cart",), 2), (("/catalog/cheese", "/cart"), 2), (("/catalog/wine",), 1)]  # fmt: skip
    assert paths(events, "/catalog/*") == [(("/catalog/cheese", "/cart"), 2),
                                           (("/catalog/wine",), 1)]  # fmt: skip


# --- the actions store, the API and the CLI on a workspace ----------------------------------

runner = CliRunner()


def cli(ws, *args):
    result = runner.invoke(app, [*args, "--workspace", str(ws)])
    return result


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "ws"
    assert cli(ws, "init").exit_code == 0
    frame = pd.DataFrame(EVENTS)
    frame.to_csv(tmp_path / "events.csv", index=False)
    first = frame[frame.ts < "2026-11-02"]
    first.to_csv(tmp_path / "first.csv", index=False)
    return ws, tmp_path


def test_an_action_defined_after_the_fact_counts_the_history_and_later_events(workspace):
    ws, folder = workspace
    assert cli(ws, "import", "web_events", str(folder / "first.csv")).exit_code == 0
    added = cli(ws, "actions", "add", "buy", "--url", "/catalog/*", "--selector", "button.buy")
    assert added.exit_code == 0, added.output
    # events of 2026-11-01 only: a2 and c1
    assert "2 events by 2 visitors" in added.output
    assert cli(ws, "import", "web_events", str(folder / "events.csv")).exit_code == 0
    listed = json.loads(cli(ws, "actions", "list", "--json").stdout)
    assert listed["as_of"] == "2026-11-10"
    (buy,) = listed["actions"]
    assert (buy["name"], buy["selector"], buy["events"], buy["customers"]) == (
        "buy", "button.buy", 3, 2)  # fmt: skip
    # replacing the rule keeps one action of that name
    cli(ws, "actions", "add", "buy", "--text", "в корзину")
    listed = json.loads(cli(ws, "actions", "list", "--json").stdout)
    assert [(a["name"], a["selector"], a["text"], a["events"]) for a in listed["actions"]] == [
        ("buy", None, "в корзину", 3)]  # fmt: skip
    assert cli(ws, "actions", "remove", "buy").exit_code == 0
    listed = json.loads(cli(ws, "actions", "list", "--json").stdout)
    assert listed["actions"] == []
    assert [w["code"] for w in listed["warnings"]] == ["web_actions_none"]
    assert "No action called buy" in one_line_error(cli(ws, "actions", "remove", "buy"))


def test_funnel_and_paths_through_the_cli_and_the_api(workspace):
    ws, folder = workspace
    cli(ws, "import", "web_events", str(folder / "events.csv"))
    for name, rule in [("buy", ["--url", "/catalog/*", "--selector", "button.buy"]),
                       ("cart", ["--url", "/cart"]),
                       ("order", ["--selector", "form#order", "--event", "submit"])]:  # fmt: skip
        assert cli(ws, "actions", "add", name, *rule).exit_code == 0
    out = json.loads(cli(ws, "funnel", "buy", "cart", "order", "--json").stdout)
    steps = [(s["action"], s["persons"], s["dropped"]) for s in out["steps"]]
    assert steps == [("buy", 3, 0), ("cart", 2, 1), ("order", 1, 1)]
    assert out["steps"][1]["of_previous"] == pytest.approx(2 / 3)
    assert out["steps"][2]["of_first"] == pytest.approx(1 / 3)
    # the median of 4 min and 24 min 55 s
    assert out["steps"][1]["median_hours"] == pytest.approx((4 / 60 + 1495 / 3600) / 2)
    wide = json.loads(cli(ws, "funnel", "buy", "cart", "order", "--within", "10", "--json").stdout)
    assert [s["persons"] for s in wide["steps"]] == [3, 3, 2]
    shown = cli(ws, "funnel", "buy", "cart", "order")
    assert shown.exit_code == 0 and "66.7%" in shown.stdout and "14 min" in shown.stdout
    found = json.loads(cli(ws, "paths", "--start", "/catalog/*", "--json").stdout)
    assert [(p["pages"], p["sessions"]) for p in found["paths"]] == [
        (["/catalog/cheese", "/cart"], 2), (["/catalog/wine"], 1)]  # fmt: skip
    assert found["paths"][0]["share"] == pytest.approx(2 / 3)
    with cxray.open(ws) as session:
        card = session.web.customer("C1")
    assert card["total_sessions"] == 3  # v1's two sessions and v4's
    assert {a["action"]: a["events"] for a in card["actions"]} == {"buy": 1, "cart": 2, "order": 1}
    assert "No action called nope" in one_line_error(cli(ws, "funnel", "buy", "nope"))
    assert "2 to 10" in one_line_error(cli(ws, "funnel", "buy"))


def test_without_events_the_answers_are_empty_and_say_why(tmp_path):
    ws = tmp_path / "ws"
    cli(ws, "init")
    assert cli(ws, "actions", "add", "cart", "--url", "/cart").exit_code == 0
    out = json.loads(cli(ws, "funnel", "cart", "cart", "--json").stdout)
    assert out["as_of"] is None and [s["persons"] for s in out["steps"]] == [0, 0]
    assert [w["code"] for w in out["warnings"]] == ["web_events_none"]
    shown = cli(ws, "paths")
    assert shown.exit_code == 0 and "No web events captured yet" in shown.output
    bad = one_line_error(cli(ws, "actions", "add", "x", "--selector", "a[href]"))
    assert "a[href]" in bad
