"""The `b2b-food` demo profile: reproducible, canonical, and shaped like the food-producer audit.

The base-structure figures are recomputed here with plain pandas, independently of
cxray.analytics, straight from the definitions in DESIGN.md.
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd
import pytest
import yaml

from cxray.demo import DEFAULT_AS_OF, PROFILES, b2b_food, campaign_files, generate
from cxray.ingest.schema import TABLES

AS_OF = dt.date(2026, 10, 31)
OTHER_AS_OF = dt.date(2025, 6, 30)
TABLE_NAMES = (
    "customers",
    "contacts",
    "products",
    "orders",
    "interactions",
    "consents",
    "sends",
    "responses",
    "leads",
    "channel_costs",
)


def minus_months(d: dt.date, months: int) -> dt.date:
    """Same day `months` months earlier, clamped to the month's end."""
    index = d.year * 12 + d.month - 1 - months
    year, month0 = divmod(index, 12)
    return dt.date(year, month0 + 1, min(d.day, calendar.monthrange(year, month0 + 1)[1]))


def structure(t: dict[str, pd.DataFrame], as_of: dt.date) -> dict[str, float]:
    """known / reachable / active / regular / key, straight from the definitions."""
    a = pd.Timestamp(as_of)
    m12, m24 = pd.Timestamp(minus_months(as_of, 12)), pd.Timestamp(minus_months(as_of, 24))
    orders, contacts, inter = t["orders"], t["contacts"], t["interactions"]

    known = set(t["customers"]["customer_id"]) | set(orders["customer_id"])

    current = set(contacts.loc[contacts["is_current"], "customer_id"])
    recent = inter[(inter["date"] > a - pd.Timedelta(days=365)) & (inter["date"] <= a)]
    reachable = current & set(recent["customer_id"])

    window = orders[(orders["order_date"] > m24) & (orders["order_date"] <= a)]
    active = set(window["customer_id"])

    def dates_in(lo: pd.Timestamp, hi: pd.Timestamp) -> pd.Series:
        part = orders[(orders["order_date"] > lo) & (orders["order_date"] <= hi)]
        return part.groupby("customer_id")["order_date"].nunique()

    last, before = dates_in(m12, a), dates_in(m24, m12)
    regular = {c for c in active if last.get(c, 0) >= 2 and before.get(c, 0) >= 2}

    revenue = window.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    cum_share = revenue.cumsum() / revenue.sum()
    n_key = int((cum_share < 0.70).sum()) + 1
    key = set(revenue.index[:n_key])
    return {
        "known": len(known),
        "reachable": len(reachable),
        "active": len(active),
        "regular": len(regular),
        "key": n_key,
        "key_share": float(cum_share.iloc[n_key - 1]),
        "key_regular": len(key & regular),
    }


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return generate("b2b-food", seed=42, as_of=AS_OF)


@pytest.fixture(scope="module")
def other_tables() -> dict[str, pd.DataFrame]:
    return generate("b2b-food", seed=42, as_of=OTHER_AS_OF)


# --- API ----------------------------------------------------------------------------------


def test_profiles_registry_and_unknown_profile():
    assert "b2b-food" in PROFILES
    with pytest.raises(ValueError, match="b2b-food"):
        generate("no-such-profile")


def test_default_as_of_is_fixed():
    assert DEFAULT_AS_OF == dt.date(2026, 10, 31)
    t = generate("b2b-food", seed=3)
    assert t["orders"]["order_date"].max() <= pd.Timestamp(DEFAULT_AS_OF)


# --- determinism --------------------------------------------------------------------------


def test_same_seed_same_frames(tables):
    again = generate("b2b-food", seed=42, as_of=AS_OF)
    assert set(again) == set(tables)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(tables[name], again[name])


def test_different_seed_different_frames(tables):
    other = generate("b2b-food", seed=7, as_of=AS_OF)
    assert not other["orders"].equals(tables["orders"])
    assert not other["customers"].equals(tables["customers"])


# --- schema -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_canonical_columns_in_schema_order(tables, name):
    frame = tables[name]
    canonical = TABLES[name].names
    assert list(frame.columns[: len(canonical)]) == canonical
    if name == "customers":
        assert list(frame.columns[len(canonical) :]) == ["account_manager"]
    else:
        assert len(frame.columns) == len(canonical)


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_column_types(tables, name):
    frame = tables[name]
    for col in TABLES[name].columns:
        s = frame[col.name]
        if col.type == "date":
            assert pd.api.types.is_datetime64_any_dtype(s), col.name
            assert (s.dropna() == s.dropna().dt.normalize()).all(), col.name
        elif col.type == "timestamp":
            assert pd.api.types.is_datetime64_any_dtype(s), col.name
        elif col.type == "float64":
            assert s.dtype == np.float64, col.name
        elif col.type == "int64":
            assert s.dtype == np.int64, col.name
        elif col.type == "boolean":
            assert s.dtype == bool, col.name
        else:
            assert not isinstance(s.dtype, pd.CategoricalDtype), col.name
            assert pd.api.types.is_string_dtype(s) or s.dtype == object, col.name
            assert all(isinstance(v, str) for v in s.dropna().head(200)), col.name
        if col.required:
            assert s.notna().all(), col.name


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_natural_keys_unique(tables, name):
    assert not tables[name].duplicated(list(TABLES[name].key)).any()


@pytest.mark.parametrize("as_of", [AS_OF, OTHER_AS_OF])
def test_no_date_after_as_of(tables, other_tables, as_of):
    t = tables if as_of == AS_OF else other_tables
    for name in TABLE_NAMES:
        for col in TABLES[name].columns:
            if col.type == "date":
                assert t[name][col.name].max() <= pd.Timestamp(as_of), (name, col.name)
            elif col.type == "timestamp":
                end = pd.Timestamp(as_of) + pd.Timedelta(days=1)
                assert t[name][col.name].max() < end, (name, col.name)


def test_order_lines_consistent(tables):
    o = tables["orders"]
    expected = (o["quantity"] * o["list_price"] * (1 - o["discount"])).round(2)
    assert np.allclose(o["amount"], expected, atol=0.011)
    assert (o["line_no"] >= 1).all()
    # line_no is 1..n within each order
    n = o.groupby("order_id")["line_no"].agg(["min", "max", "size"])
    assert (n["min"] == 1).all() and (n["max"] == n["size"]).all()
    # one customer and one date per order
    assert (o.groupby("order_id")[["customer_id", "order_date"]].nunique() == 1).all().all()
    assert set(o["sku"]) <= set(tables["products"]["sku"])
    assert set(o["customer_id"]) <= set(tables["customers"]["customer_id"])
    assert set(tables["contacts"]["customer_id"]) <= set(tables["customers"]["customer_id"])
    assert set(tables["interactions"]["customer_id"]) <= set(tables["customers"]["customer_id"])
    assert o["discount"].between(0, 0.5).all() and (o["discount"] > 0).any()
    assert (o["list_price"] > 0).all()


def test_returns_are_a_few_negative_lines(tables):
    o = tables["orders"]
    negative = o["amount"] < 0
    assert 0 < negative.mean() < 0.02
    assert (o.loc[negative, "quantity"] < 0).all()
    assert -o.loc[negative, "amount"].sum() < 0.02 * o.loc[~negative, "amount"].sum()


def test_products(tables):
    p = tables["products"]
    assert 10 <= p["product_line"].nunique() <= 14
    assert 200 <= len(p) <= 400
    assert p[["category", "brand", "unit_cost"]].notna().all().all()
    typical_price = tables["orders"].groupby("sku")["list_price"].median()
    cost = p.set_index("sku")["unit_cost"].reindex(typical_price.index)
    assert (cost < typical_price).all()


def test_customer_attributes(tables):
    c = tables["customers"]
    assert c["segment"].notna().all() and c["segment"].nunique() >= 5
    assert c["region"].notna().all() and "Москва" in set(c["region"])
    assert c["account_manager"].notna().any()


# --- structure ----------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", [AS_OF, OTHER_AS_OF])
def test_structure_of_the_food_producer_audit(tables, other_tables, as_of):
    s = structure(tables if as_of == AS_OF else other_tables, as_of)
    assert s["known"] >= 15_000
    assert 540 <= s["reachable"] <= 660
    assert 225 <= s["active"] <= 275
    assert 90 <= s["regular"] <= 110
    assert 16 <= s["key"] <= 20
    assert s["key_share"] >= 0.70
    assert s["key_regular"] >= s["key"] - 2  # key clients are (nearly) all regular


@pytest.mark.parametrize("as_of", [AS_OF, OTHER_AS_OF])
def test_history_is_placed_before_as_of(tables, other_tables, as_of):
    o = (tables if as_of == AS_OF else other_tables)["orders"]
    assert o["order_date"].min() <= pd.Timestamp(as_of) - pd.DateOffset(years=4)
    assert o["order_date"].max() >= pd.Timestamp(as_of) - pd.Timedelta(days=14)
    assert 100_000 <= len(o) <= 400_000


def test_seasonality(tables):
    o = tables["orders"]
    o = o[o["order_date"] > pd.Timestamp(AS_OF) - pd.DateOffset(years=4)]
    by_month = o.groupby(o["order_date"].dt.month)["amount"].sum()
    assert by_month.idxmax() == 12
    assert by_month[[6, 7, 8]].mean() < by_month.mean()
    line = o["sku"].map(tables["products"].set_index("sku")["product_line"])
    drinks = o[line == "Напитки"]
    share = drinks.groupby(drinks["order_date"].dt.month)["amount"].sum() / by_month
    assert share[[6, 7, 8]].mean() > 1.3 * share[[1, 2, 11]].mean()


def test_white_space(tables):
    """Active clients buy different subsets of the product lines; many only 2 to 6."""
    o = tables["orders"]
    window = o[o["order_date"] > pd.Timestamp(minus_months(AS_OF, 24))]
    line = window["sku"].map(tables["products"].set_index("sku")["product_line"])
    lines_per_client = line.groupby(window["customer_id"]).nunique()
    assert lines_per_client.between(2, 6).mean() >= 0.5
    assert (lines_per_client < tables["products"]["product_line"].nunique()).mean() >= 0.9


def test_new_churned_and_drifting_clients(tables):
    o = tables["orders"]
    a = pd.Timestamp(AS_OF)
    m24 = pd.Timestamp(minus_months(AS_OF, 24))
    first = o.groupby("customer_id")["order_date"].min()
    last = o.groupby("customer_id")["order_date"].max()
    assert (first > m24).sum() >= 30  # new clients
    assert (last <= m24).sum() >= 300  # clients that churned
    # key clients: some grow, a couple decline (last 3 months vs the same months a year earlier)
    window = o[o["order_date"] > m24]
    revenue = window.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    key = revenue.index[:18]
    recent = o[(o["order_date"] > a - pd.DateOffset(months=3)) & o["customer_id"].isin(key)]
    year_ago = o[
        (o["order_date"] > a - pd.DateOffset(months=15))
        & (o["order_date"] <= a - pd.DateOffset(months=12))
        & o["customer_id"].isin(key)
    ]
    ratio = (
        recent.groupby("customer_id")["amount"].sum()
        / year_ago.groupby("customer_id")["amount"].sum()
    )
    assert (ratio > 1.15).sum() >= 3
    assert 1 <= (ratio < 0.8).sum() <= 4


# --- a believable history: smooth base, spread acquisition, steady large clients -----------


def monthly_buyers(orders: pd.DataFrame, as_of: dt.date, months: int) -> pd.Series:
    """Distinct buying customers per calendar month, the last `months` months up to as_of."""
    month = orders["order_date"].dt.to_period("M")
    counts = orders.groupby(month)["customer_id"].nunique()
    last = pd.Period(as_of, "M")
    return counts.reindex(pd.period_range(end=last, periods=months, freq="M"), fill_value=0)


@pytest.mark.parametrize("as_of", [AS_OF, OTHER_AS_OF])
def test_monthly_buyers_change_gradually(tables, other_tables, as_of):
    """No cliff at the active-window boundary: the base erodes month by month, not at once."""
    o = (tables if as_of == AS_OF else other_tables)["orders"]
    buyers = monthly_buyers(o, as_of, 48)
    assert (buyers > 0).all()
    change = (buyers / buyers.shift(1) - 1).iloc[1:]
    # the New Year holidays: December -> January and January -> February are seasonal
    ordinary = change[~change.index.month.isin([1, 2])]
    assert ordinary.abs().max() < 0.3, ordinary.abs().idxmax()
    # churned clients' last orders are spread over the years before the window, not piled up
    # just before it
    m24 = pd.Timestamp(minus_months(as_of, 24))
    last = o.groupby("customer_id")["order_date"].max()
    churned = last[last <= m24]
    just_before = churned > pd.Timestamp(minus_months(as_of, 27))
    assert just_before.mean() < 0.15
    assert churned.dt.to_period("M").nunique() >= 30


@pytest.mark.parametrize("as_of", [AS_OF, OTHER_AS_OF])
def test_new_clients_are_acquired_all_the_time(tables, other_tables, as_of):
    o = (tables if as_of == AS_OF else other_tables)["orders"]
    first = o.groupby("customer_id")["order_date"].min().dt.to_period("M")
    last48 = pd.period_range(end=pd.Period(as_of, "M"), periods=48, freq="M")
    assert first.isin(last48).sum() >= 100
    assert len(set(first) & set(last48)) >= 40


def xyz(orders: pd.DataFrame, as_of: dt.date, by: str) -> pd.Series:
    """XYZ class per customer or SKU with revenue in the 12 one-month periods ending at as_of.

    cv = population std / mean of the monthly revenue (months without revenue count as zero);
    X if cv <= 0.10, Y if cv <= 0.25, otherwise Z.
    """
    bounds = [pd.Timestamp(minus_months(as_of, k)) for k in range(12, -1, -1)]
    window = orders[(orders["order_date"] > bounds[0]) & (orders["order_date"] <= bounds[-1])]
    period = pd.cut(window["order_date"], bins=bounds, labels=False, right=True)
    monthly = (
        window.groupby([window[by], period])["amount"].sum().unstack(fill_value=0.0)
        .reindex(columns=range(12), fill_value=0.0)
    )  # fmt: skip
    monthly = monthly[monthly.sum(axis=1) > 0]
    cv = monthly.std(axis=1, ddof=0) / monthly.mean(axis=1)
    return pd.Series(np.where(cv <= 0.10, "X", np.where(cv <= 0.25, "Y", "Z")), index=cv.index)


@pytest.mark.parametrize("as_of", [AS_OF, OTHER_AS_OF])
def test_key_clients_are_steady_but_not_all(tables, other_tables, as_of):
    """Large distributors and chains buy steadily (X / Y); declining or seasonal ones are Z."""
    t = tables if as_of == AS_OF else other_tables
    o = t["orders"]
    s = structure(t, as_of)
    window = o[o["order_date"] > pd.Timestamp(minus_months(as_of, 24))]
    revenue = window.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    key = revenue.index[: s["key"]]
    classes = xyz(o, as_of, "customer_id").reindex(key)
    assert classes.notna().all()
    assert classes.isin(["X", "Y"]).sum() >= 3
    assert (classes == "X").sum() >= 1
    assert (classes == "Z").sum() >= 1


def test_skus_include_steady_ones(tables):
    classes = xyz(tables["orders"], AS_OF, "sku")
    assert classes.isin(["X", "Y"]).sum() >= 5
    assert (classes == "Z").sum() >= 0.3 * len(classes)  # seasonal lines, new and delisted SKUs


# --- communications: consents, sends, campaigns -------------------------------------------

PAST = {"grill-season-2026-06": "effect", "autumn-catalogue-2026-09": "no_effect_detected"}


def campaign_specs() -> dict[str, dict]:
    specs = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in campaign_files()]
    return {spec["id"]: spec for spec in specs}


def test_consents(tables):
    c = tables["consents"]
    known = set(tables["customers"]["customer_id"])
    assert set(c["customer_id"]) <= known
    assert set(c["channel"]) == {"email", "sms"}
    assert set(c["status"]) == {"opt_in", "opt_out"}
    opt_in = c[c["status"] == "opt_in"]
    assert opt_in["promised_frequency"].str.fullmatch(r"\d+/(week|month)").all()
    assert set(c["source"]) >= {"website", "manager", "unsubscribe", "complaint"}
    # a consent is filed under a current contact person of the customer when there is one
    contacts = tables["contacts"].set_index("contact_id")
    filed = c.dropna(subset=["contact_id"])
    assert (
        contacts.loc[filed["contact_id"], "customer_id"].to_numpy() == filed["customer_id"]
    ).all()
    people = tables["contacts"]
    reachable_by_mail = people[people["is_current"] & people["email"].notna()]
    email = c[(c["channel"] == "email") & c["customer_id"].isin(reachable_by_mail["customer_id"])]
    assert len(email) >= 300
    assert email["contact_id"].isin(reachable_by_mail["contact_id"]).all()
    # the reachable customers and part of the rest
    s = structure(tables, AS_OF)
    assert 500 <= opt_in.loc[opt_in["channel"] == "email", "customer_id"].nunique() <= 1000
    assert c["customer_id"].nunique() > s["reachable"]


def test_sends_are_newsletters_and_campaigns(tables):
    s = tables["sends"]
    assert set(s["customer_id"]) <= set(tables["customers"]["customer_id"])
    assert set(s["group"]) == {"target", "control"}
    news = s[s["campaign_id"].str.startswith("newsletter-")]
    assert news["campaign_id"].nunique() == 18 and (news["group"] == "target").all()
    target = s[s["group"] == "target"]
    assert 0.2 < target["opened_at"].notna().mean() < 0.45
    assert target["clicked_at"].notna().sum() > 0
    assert (
        target["opened_at"].dropna() >= target.loc[target["opened_at"].notna(), "sent_at"]
    ).all()
    assert target["unsubscribed_at"].notna().sum() >= 20
    assert target["complained_at"].notna().sum() >= 5
    # the control rows record who was held out: sent_at is the send date, nothing happened
    control = s[s["group"] == "control"]
    assert set(control["campaign_id"]) == set(PAST)
    events = ["opened_at", "clicked_at", "unsubscribed_at", "complained_at"]
    assert control[events].isna().all().all()
    # an opt-out is kept: no e-mail after it, and it is recorded as an opt-out consent
    gone = s.loc[s["unsubscribed_at"].notna() | s["complained_at"].notna()]
    last = gone.groupby("customer_id")["sent_at"].max()
    later = s[s["customer_id"].isin(last.index)]
    assert (later["sent_at"] <= later["customer_id"].map(last)).all()
    outs = tables["consents"][tables["consents"]["source"].isin(["unsubscribe", "complaint"])]
    assert set(outs["customer_id"]) == set(gone["customer_id"])
    assert (outs["status"] == "opt_out").all()


def test_campaign_files():
    specs = campaign_specs()
    assert b2b_food.CAMPAIGNS_AS_OF == DEFAULT_AS_OF
    assert len(specs) == 3 and set(PAST) < set(specs)
    for spec in specs.values():
        for field in ("why", "target", "must_not_receive", "expected_effect", "client_benefit"):
            assert str(spec["brief"][field]).strip(), (spec["id"], field)
        assert spec["brief"]["measure"]["metric"] in ("conversion", "revenue")
        assert spec["brief"]["measure"]["scope"] in ("all", "promoted")
        assert 0 < spec["holdout"] < 1 and spec["channel"] == "email" and spec["audience"]
    future = [s for s in specs.values() if s["start"] > DEFAULT_AS_OF]
    assert len(future) == 1
    (plan,) = future
    assert plan["discount"] is True and plan["promoted"]["lines"] == ["Сыры"]
    assert "active" in plan["audience"]
    for cid in PAST:
        spec = specs[cid]
        end = spec["start"] + dt.timedelta(days=spec["brief"]["measure"]["window_days"])
        assert end < DEFAULT_AS_OF


@pytest.mark.parametrize("as_of", [AS_OF, OTHER_AS_OF])
def test_past_campaigns_have_control_groups(tables, other_tables, as_of):
    t = tables if as_of == AS_OF else other_tables
    s, specs = t["sends"], campaign_specs()
    segment = t["customers"].set_index("customer_id")["segment"]
    for cid in PAST:
        rows = s[s["campaign_id"] == cid]
        assert 300 <= rows["customer_id"].nunique() <= 800
        share = (rows["group"] == "control").mean()
        assert abs(share - specs[cid]["holdout"]) < 0.05
        # sent on one day: the file's date, kept at the same distance from as_of
        start = specs[cid]["start"] + (as_of - DEFAULT_AS_OF)
        assert (rows["sent_at"].dt.normalize() == pd.Timestamp(start)).all()
        rule = next(r for r in specs[cid]["audience"] if r.startswith("segment in "))
        assert segment[rows["customer_id"]].isin(yaml.safe_load(rule[len("segment in ") :])).all()


@pytest.mark.parametrize("as_of", [AS_OF, OTHER_AS_OF])
def test_measure_tells_the_past_campaigns_apart(tables, other_tables, as_of):
    import ibis

    from cxray.comms.measure import measure_campaign

    t = tables if as_of == AS_OF else other_tables
    orders, products, sends = (ibis.memtable(t[n]) for n in ("orders", "products", "sends"))
    specs = campaign_specs()
    for cid, verdict in PAST.items():
        spec = specs[cid]
        m = measure_campaign(
            orders,
            products,
            sends,
            campaign_id=cid,
            as_of=as_of,
            window_days=spec["brief"]["measure"]["window_days"],
            metric=spec["brief"]["measure"]["metric"],
            scope=spec["brief"]["measure"]["scope"],
            promoted_lines=(spec.get("promoted") or {}).get("lines", ()),
        )
        assert m.verdict == verdict, (cid, m.to_dict())
        assert m.control.n >= 100 and m.warnings == ()
    # the file's start date measures the same window as the sends' first date
    spec = specs["grill-season-2026-06"]
    if as_of == AS_OF:
        by_file = measure_campaign(
            orders, products, sends, campaign_id=spec["id"], as_of=as_of, window_days=30,
            scope="promoted", promoted_lines=spec["promoted"]["lines"], start=spec["start"],
        )  # fmt: skip
        assert by_file.verdict == "effect" and by_file.start == spec["start"]


def test_contact_health_of_the_demo(tables):
    import ibis

    from cxray.comms.health import contact_health

    h = contact_health(ibis.memtable(tables["sends"]), as_of=AS_OF).to_pandas()
    states = h["state"].value_counts()
    assert set(states.index) == {"healthy", "at_risk", "dormant", "unsubscribed"}
    assert states["dormant"] >= 50 and states["at_risk"] >= 10 and states["unsubscribed"] >= 20
    assert h["score"].between(0, 100).all()
    # openers score higher than the addresses that never open
    assert h.loc[h["opens"] == 0, "score"].mean() < h.loc[h["opens"] >= 5, "score"].mean()


# --- voice of the customer: survey responses ----------------------------------------------


def test_responses(tables):
    r = tables["responses"]
    assert set(r["customer_id"]) <= set(tables["customers"]["customer_id"])
    assert set(r["metric"]) == {"nps", "csi", "ces"}
    nps, csi, ces = (r[r["metric"] == m] for m in ("nps", "csi", "ces"))
    assert 300 <= len(nps) <= 600 and len(csi) >= 100 and len(ces) >= 100
    assert nps["score"].between(0, 10).all() and ces["score"].between(1, 7).all()
    assert (r["score"] == r["score"].round()).all()
    # one CSI survey on a 1-5 scale and one on a 1-10 scale
    top = csi.groupby("survey")["score"].max()
    assert csi["score"].ge(1).all() and set(top) == {5.0, 10.0}
    # the last two years only
    assert r["date"].min() > pd.Timestamp(minus_months(AS_OF, 24))
    # detractors, passives and promoters all occur
    assert (nps["score"] <= 6).sum() >= 30 and (nps["score"] >= 9).sum() >= 30


def test_response_comments_in_two_languages(tables):
    r = tables["responses"]
    comments = r["comment"].dropna()
    assert 0.35 <= len(comments) / len(r) <= 0.65
    russian = comments.str.contains("[а-яё]", case=False)
    assert russian.mean() > 0.6 and (~russian).sum() >= 20
    assert comments.nunique() >= 60  # templates with variation
    detractors = r[(r["metric"] == "nps") & (r["score"] <= 6)]["comment"].dropna()
    assert detractors.str.contains("Цены|задерж|перезван|годности|Prices|late|calls back").any()


def test_incentivized_responses_score_higher(tables):
    r = tables["responses"]
    nps = r[r["metric"] == "nps"]
    bonus = nps[nps["incentivized"]]
    assert len(bonus) >= 20 and not r.loc[r["metric"] != "nps", "incentivized"].any()
    assert bonus["score"].mean() > nps.loc[~nps["incentivized"], "score"].mean()


def test_promoters_keep_buying_more_often(tables):
    """Promoters are a bit more likely to be still buying than detractors, with exceptions."""
    r, o = tables["responses"], tables["orders"]
    nps = r[r["metric"] == "nps"]
    last_answer = nps.sort_values("date").groupby("customer_id")["score"].last()
    last_order = o.groupby("customer_id")["order_date"].max().reindex(last_answer.index)
    buying = last_order > pd.Timestamp(AS_OF) - pd.Timedelta(days=120)
    promoters, detractors = last_answer >= 9, last_answer <= 6
    assert buying[promoters].mean() > buying[detractors].mean()
    assert (promoters & ~buying).sum() >= 1  # a few promoters stopped buying
    assert (detractors & buying).sum() >= 1  # a few detractors keep buying


# --- leads and channel costs ------------------------------------------------------------------


def test_leads_and_channel_costs(tables):
    leads, costs, orders = tables["leads"], tables["channel_costs"], tables["orders"]
    assert 500 <= len(leads) <= 2000 and leads["lead_id"].is_unique
    assert set(leads["status"]) <= {"new", "contacted", "qualified", "won", "lost"}
    assert leads["created_at"].min() >= pd.Timestamp(minus_months(AS_OF, 36))
    # won leads link to real customers, whose first order comes after the lead came in
    won = leads[leads["customer_id"].notna()]
    assert (leads.loc[won.index, "status"] == "won").all() and won["customer_id"].is_unique
    first = orders.groupby("customer_id")["order_date"].min()
    assert won["customer_id"].isin(first.index).all()
    assert (won["customer_id"].map(first) > won["created_at"]).all()
    assert len(won) >= 0.8 * (leads["status"] == "won").sum()
    # unowned leads (15-25%) convert clearly worse than owned ones
    unowned = leads["owner"].isna()
    assert 0.15 <= unowned.mean() <= 0.25
    rate = (leads["status"] == "won").groupby(unowned).mean()
    assert rate[False] > 2 * rate[True]
    # some leads are contacted late; lost leads carry reasons
    hours = (leads["first_contact_at"] - leads["created_at"]).dt.total_seconds() / 3600
    assert (hours > 24).sum() > 50
    assert leads.loc[leads["status"] == "lost", "lost_reason"].notna().mean() > 0.5
    # an offline channel with costs but no leads; exhibitions cost most per won customer
    assert "outdoor" in set(costs["channel"]) and "outdoor" not in set(leads["channel"])
    spent = costs.groupby("channel")["cost"].sum()
    wins = leads[leads["status"] == "won"].groupby("channel").size()
    cac = (spent / wins).dropna()
    assert cac.idxmax() == "exhibition" and cac["exhibition"] > 3 * cac["website"]
    assert (costs["month"] == costs["month"].dt.to_period("M").dt.to_timestamp()).all()


# --- CX initiatives -----------------------------------------------------------------------------


def _nps(scores: pd.Series) -> float:
    return 100 * ((scores >= 9).mean() - (scores <= 6).mean())


def test_initiative_files_pass_the_check():
    from cxray.comms.initiative import load_initiative
    from cxray.demo import initiative_files

    found = {i.id: i for i in map(load_initiative, initiative_files())}
    assert {i.type for i in found.values()} == {"satisfaction", "cost", "enabling"}
    assert found[b2b_food.NPS_INITIATIVE].metric == "nps"
    assert [r.text for r in found[b2b_food.NPS_INITIATIVE].customers] == ['segment == "HoReCa"']


def test_the_satisfaction_initiative_changes_only_its_answers(tables, monkeypatch):
    """Without the effect every table is the same but for the NPS answers of HoReCa customers
    after the start; with it their NPS is higher by the documented in-sample truth."""
    monkeypatch.setattr(b2b_food, "NPS_LIFT_SHARE", 0.0)
    without = generate("b2b-food", seed=42, as_of=AS_OF)
    for name in TABLE_NAMES:
        if name != "responses":
            pd.testing.assert_frame_equal(tables[name], without[name])
    now, before = tables["responses"], without["responses"]
    pd.testing.assert_frame_equal(now.drop(columns="score"), before.drop(columns="score"))
    customers = tables["customers"]
    segment = dict(zip(customers["customer_id"], customers["segment"], strict=True))
    affected = (
        (now["metric"] == "nps")
        & (now["date"] >= pd.Timestamp("2025-11-01"))
        & (now["customer_id"].map(segment) == "HoReCa")
    )
    changed = now["score"] != before["score"]
    assert not (changed & ~affected).any()
    assert (changed.sum(), affected.sum()) == (42, 59)
    assert (now["score"][changed] - before["score"][changed]).between(1, 2).all()
    truth = _nps(now["score"][affected]) - _nps(before["score"][affected])
    assert truth == pytest.approx(52.54, abs=0.01)  # the module docstring's +52.5 points


def test_the_demo_portfolio(tmp_path):
    """``cxray demo`` copies the three initiatives to the workspace; their portfolio: the
    satisfaction one's NPS effect is found (its interval excludes 0 and holds the in-sample
    truth), the cost one's is not, the enabling one is young."""
    import cxray

    cxray.demo(workspace=tmp_path / "ws", seed=42)
    assert len(list((tmp_path / "ws" / "initiatives").glob("*.yaml"))) == 3
    with cxray.open(tmp_path / "ws") as ws:
        result = ws.initiatives()
    got = {r["id"]: r for r in result.initiatives}
    nps = got[b2b_food.NPS_INITIATIVE]
    assert 0 < nps["did_low"] < 52.54 < nps["did_high"]
    assert nps["months"] == 12.0 and not nps["young"]
    portal = got["self-service-portal-2025-03"]
    assert portal["did_low"] < 0 < portal["did_high"]
    assert portal["months"] == 20.0
    linked = got["linked-orders-2026-06"]
    assert (linked["before"], linked["after"], linked["months"]) == (1.0, 1.0, 5.0)
    line = result.portfolio
    assert line["young"] == ["linked-orders-2026-06"]
    assert [w.code for w in result.warnings] == ["initiative_young"]
    # one-off costs plus 12 x 60,000, 20 x 40,000 and 5 x 15,000
    assert line["total_cost"] == pytest.approx(150_000 + 720_000 + 900_000 + 800_000 + 475_000)
