"""Client-base structure: funnel definitions, key set, Pareto and ABC-XYZ on hand-computed data.

Every test runs on DuckDB and on SQLite through the `load` fixture.

Note on fixtures: the date columns of customers and contacts are always filled in, because the
shared `load` fixture cannot yet write a null date to SQLite (pandas NaT).
"""

from __future__ import annotations

import math

import pytest
from conftest import d

from cxray.analytics.structure import (
    Funnel,
    StructureParams,
    abc_xyz,
    abc_xyz_matrix,
    customer_status,
    funnel,
    pareto,
)
from cxray.analytics.windows import add_months

AS_OF = d("2026-06-30")
# active window (24 months): (2024-06-30, 2026-06-30], split into the yearly periods
#   P0 = (2025-06-30, 2026-06-30] and P1 = (2024-06-30, 2025-06-30]
# contact window (365 days): (2025-06-30, 2026-06-30]


def customer(cid: str) -> dict:
    return {"customer_id": cid, "first_contact_date": d("2020-01-01")}


def contact(cid: str, current: bool | None = True) -> dict:
    return {
        "customer_id": cid,
        "contact_id": f"{cid}-1",
        "is_current": current,
        "updated_at": d("2020-01-01"),
    }


def touch(cid: str, date: str) -> dict:
    return {"customer_id": cid, "date": d(date), "channel": "phone"}


_order_no = iter(range(1, 10_000))


def line(cid: str, date: str, amount: float, sku: str | None = None) -> dict:
    return {
        "order_id": f"o{next(_order_no)}",
        "customer_id": cid,
        "order_date": d(date),
        "amount": float(amount),
        "sku": sku,
        "line_no": 1,
    }


def rows(table) -> list[dict]:
    return table.to_pyarrow().to_pylist()


def by_id(table) -> dict[str, dict]:
    return {r["customer_id"]: r for r in rows(table)}


# ---------------------------------------------------------------------------------------------
# the funnel fixture


@pytest.fixture
def base(load):
    """Eight customers; c7 has only an order after as_of, so seven are known at AS_OF.

    c1  customer, current contact, interaction 2025-07-01 (364 days back: in) -> reachable;
        orders P0: 2026-01-10, 2026-03-10; P1: 2024-08-01, 2025-02-01 (100 each)
        -> regular, revenue 400
    c2  customer, NOT current contact, interaction 2026-05-01 -> not reachable;
        orders P0: two lines on 2026-02-01 (150 + 150: one date); P1: 2024-09-01, 2024-10-01
        (100 each) -> not regular, revenue 500
    c3  customer, current contact, interaction 2025-06-30 (365 days back: out) -> not reachable;
        orders P0: 2025-07-01 200, 2025-12-01 100 and a return -50;
        P1: 2024-07-01 50, 2024-07-02 50 -> regular, revenue 350
    c4  customer, contact with is_current null (counts as current), interaction on as_of
        -> reachable; orders 2024-06-30 (exactly 24 months back: out) and 2026-07-01 (after
        as_of) -> not active
    c5  only in orders: 2026-04-01 50 -> known, active, revenue 50
    c6  only in customers -> known
    c7  only in orders, dated after as_of -> not known
    c8  only in interactions (2026-01-01), no contact person -> known, not reachable
    """
    customers = load("customers", [customer(c) for c in ("c1", "c2", "c3", "c4", "c6")])
    contacts = load(
        "contacts", [contact("c1"), contact("c2", False), contact("c3"), contact("c4", None)]
    )
    interactions = load(
        "interactions",
        [
            touch("c1", "2025-07-01"),
            touch("c2", "2026-05-01"),
            touch("c3", "2025-06-30"),
            touch("c4", "2026-06-30"),
            touch("c8", "2026-01-01"),
        ],
    )
    orders = load(
        "orders",
        [
            line("c1", "2026-01-10", 100),
            line("c1", "2026-03-10", 100),
            line("c1", "2024-08-01", 100),
            line("c1", "2025-02-01", 100),
            line("c2", "2026-02-01", 150),
            line("c2", "2026-02-01", 150),
            line("c2", "2024-09-01", 100),
            line("c2", "2024-10-01", 100),
            line("c3", "2025-07-01", 200),
            line("c3", "2025-12-01", 100),
            line("c3", "2025-12-01", -50),
            line("c3", "2024-07-01", 50),
            line("c3", "2024-07-02", 50),
            line("c4", "2024-06-30", 1000),
            line("c4", "2026-07-01", 1000),
            line("c5", "2026-04-01", 50),
            line("c7", "2026-07-15", 70),
        ],
    )
    return customers, contacts, interactions, orders


def test_customer_status_per_customer(base):
    status = by_id(customer_status(*base, as_of=AS_OF))
    # c7 (only an order after as_of) is not known; c5 (only in orders) and c8 (only in
    # interactions) are
    assert sorted(status) == ["c1", "c2", "c3", "c4", "c5", "c6", "c8"]
    flags = {c: (r["reachable"], r["active"], r["regular"]) for c, r in status.items()}
    assert flags == {
        "c1": (True, True, True),
        "c2": (False, True, False),  # contact not current; P0 has one distinct date only
        "c3": (False, True, True),  # interaction exactly 365 days back is outside
        "c4": (True, False, False),  # null is_current counts as current; orders outside window
        "c5": (False, True, False),
        "c6": (False, False, False),
        "c8": (False, False, False),  # an interaction without a contact person is not enough
    }
    # window revenue: c2 150+150+100+100 = 500, c1 4 x 100 = 400, c3 200+100-50+50+50 = 350,
    # c5 50; total 1300; threshold 0.7 x 1300 = 910
    # cumulative revenue before each: c2 0, c1 500, c3 900 (< 910: key), c5 1250 (not key)
    revenue = {c: (r["window_revenue"], r["revenue_rank"], r["key"]) for c, r in status.items()}
    assert revenue == {
        "c2": (500.0, 1, True),
        "c1": (400.0, 2, True),
        "c3": (350.0, 3, True),
        "c5": (50.0, 4, False),
        "c4": (0.0, None, False),
        "c6": (0.0, None, False),
        "c8": (0.0, None, False),
    }


def test_customer_status_schema(base):
    schema = customer_status(*base, as_of=AS_OF).schema()
    assert list(schema.names) == [
        "customer_id",
        "reachable",
        "active",
        "regular",
        "key",
        "window_revenue",
        "revenue_rank",
        "sold",
        "returned",
        "returned_only",
    ]
    assert schema["reachable"].is_boolean() and schema["key"].is_boolean()
    assert schema["window_revenue"].is_float64()
    assert schema["revenue_rank"].is_integer()


def test_funnel_counts(base):
    f = funnel(*base, as_of=AS_OF)
    assert isinstance(f, Funnel)
    # known c1 c2 c3 c4 c5 c6 c8 = 7; reachable c1 c4 = 2; active c1 c2 c3 c5 = 4;
    # regular c1 c3 = 2; key c2 c1 c3 = 3, of which regular c1 c3 = 2
    assert (f.known, f.reachable, f.active, f.regular, f.key, f.key_regular) == (7, 2, 4, 2, 3, 2)
    assert f.window_revenue == pytest.approx(1300.0)
    assert f.key_revenue_share == pytest.approx(1250 / 1300)  # 0.9615...
    assert f.as_of == AS_OF
    assert f.params == StructureParams()


def test_funnel_to_dict_is_json_ready(base):
    import json

    data = funnel(*base, as_of=AS_OF).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["as_of"] == "2026-06-30"
    assert data["known"] == 7 and isinstance(data["known"], int)
    assert data["params"] == {
        "contact_window": 365,
        "active_window": 24,
        "min_orders_per_year": 2,
        "key_share": 0.7,
    }


def test_funnel_params_change_the_definitions(base):
    # contact window 366 days: c3's interaction on 2025-06-30 (365 days back) is now inside
    # min one order date a year: c2 becomes regular too
    # active window 12 months (one period P0): c1 c2 c3 c5 still active; revenue
    #   c2 300, c3 250 (200+100-50), c1 200, c5 50 = 800; key_share 0.5 -> threshold 400:
    #   before c2 0 (key), before c3 300 (key), before c1 550 -> key = 2 (c2, c3), share 550/800
    params = StructureParams(
        contact_window=366, active_window=12, min_orders_per_year=1, key_share=0.5
    )
    f = funnel(*base, as_of=AS_OF, params=params)
    assert (f.known, f.reachable, f.active, f.regular, f.key, f.key_regular) == (7, 3, 4, 4, 2, 2)
    assert f.window_revenue == pytest.approx(800.0)
    assert f.key_revenue_share == pytest.approx(550 / 800)


def test_as_of_earlier_ignores_later_data(base):
    # at 2025-06-30 the active window is (2023-06-30, 2025-06-30]: c1 200 (2024-08-01, 2025-02-01),
    # c2 200, c3 100, c4 1000 (2024-06-30); c5 (2026) and c8's interaction (2026) are in the future
    as_of = d("2025-06-30")
    status = by_id(customer_status(*base, as_of=as_of))
    assert sorted(status) == ["c1", "c2", "c3", "c4", "c6"]
    assert status["c4"]["window_revenue"] == 1000.0 and status["c4"]["revenue_rank"] == 1
    # c3's interaction on 2025-06-30 is on as_of (inside); c1's (2025-07-01) is in the future
    assert [c for c, r in status.items() if r["reachable"]] == ["c3"]


# ---------------------------------------------------------------------------------------------
# key set


def key_fixture(load, amounts: dict[str, list[float]]):
    customers = load("customers", [customer(c) for c in amounts])
    contacts = load("contacts", [])
    interactions = load("interactions", [])
    orders = load(
        "orders",
        [line(c, "2026-03-01", a) for c, lines in amounts.items() for a in lines],
    )
    return customers, contacts, interactions, orders


@pytest.mark.parametrize("unit", [1.0, 0.01])
def test_key_share_exactly_reached(load, unit):
    # revenue 40, 30, 20, 10 (total 100); key_share 0.70 -> threshold 70
    # before k1 0 (key), before k2 40 (key), before k3 70: reached exactly, so not key
    # (unit 0.01 checks the same in floating point: 0.4 + 0.3 vs 0.7 x 0.9999999999999999)
    tables = key_fixture(
        load, {"k1": [40 * unit], "k2": [30 * unit], "k3": [20 * unit], "k4": [10 * unit]}
    )
    status = by_id(customer_status(*tables, as_of=AS_OF))
    assert [c for c, r in status.items() if r["key"]] == ["k1", "k2"]
    f = funnel(*tables, as_of=AS_OF)
    assert f.key == 2
    assert f.key_revenue_share == pytest.approx(0.70)


def test_key_includes_the_crossing_customer(load):
    # same revenues, key_share 0.75 -> threshold 75: before k3 is 70 < 75, so k3 is key;
    # k1 + k2 + k3 = 90 -> share 0.90; before k4 is 90 -> not key
    tables = key_fixture(load, {"k1": [40], "k2": [30], "k3": [20], "k4": [10]})
    f = funnel(*tables, as_of=AS_OF, params=StructureParams(key_share=0.75))
    assert f.key == 3
    assert f.key_revenue_share == pytest.approx(0.90)
    assert f.window_revenue == pytest.approx(100.0)
    # key_share 1.0: everybody with positive revenue
    f = funnel(*tables, as_of=AS_OF, params=StructureParams(key_share=1.0))
    assert f.key == 4
    assert f.key_revenue_share == pytest.approx(1.0)


def test_key_ties_broken_by_customer_id(load):
    # c 40, then a and b tie at 30: a ranks before b; total 100, key_share 0.5 -> threshold 50
    # before c 0 (key), before a 40 (key), before b 70 (not key)
    tables = key_fixture(load, {"b": [30], "c": [40], "a": [30]})
    status = by_id(customer_status(*tables, as_of=AS_OF, params=StructureParams(key_share=0.5)))
    assert {c: (r["revenue_rank"], r["key"]) for c, r in status.items()} == {
        "c": (1, True),
        "a": (2, True),
        "b": (3, False),
    }


def test_returns_reduce_revenue_and_negative_customers_are_not_ranked(load):
    # r1 100 - 30 = 70 (one day, net positive: a purchase day); r2 50; r3 only a return (-20):
    # no purchase day, so neither active nor ranked, but counted as returned only
    # total of ranked revenue 70 + 50 = 120; key_share 0.5 -> 60: before r1 0 (key), r2 70 (no)
    tables = key_fixture(load, {"r1": [100, -30], "r2": [50], "r3": [-20]})
    status = by_id(customer_status(*tables, as_of=AS_OF, params=StructureParams(key_share=0.5)))
    assert {c: (r["window_revenue"], r["revenue_rank"], r["key"]) for c, r in status.items()} == {
        "r1": (70.0, 1, True),
        "r2": (50.0, 2, False),
        "r3": (-20.0, None, False),
    }
    assert not status["r3"]["active"] and status["r3"]["returned_only"]
    assert status["r1"]["active"] and not status["r1"]["returned_only"]
    assert {c: (r["sold"], r["returned"]) for c, r in status.items()} == {
        "r1": (100.0, 30.0),
        "r2": (50.0, 0.0),
        "r3": (0.0, 20.0),
    }
    f = funnel(*tables, as_of=AS_OF, params=StructureParams(key_share=0.5))
    assert (f.active, f.returned_only) == (2, 1)
    # the headline is net of returns for everybody: 70 + 50 - 20 = 100; the shares' base is the
    # ranked customers' 120
    assert f.window_revenue == pytest.approx(100.0)
    assert f.ranked_revenue == pytest.approx(120.0)
    assert f.key_revenue_share == pytest.approx(70 / 120)
    # sold 100 + 50 = 150, returned 30 + 20 = 50: return rate 1/3
    assert (f.sold, f.returned) == (pytest.approx(150.0), pytest.approx(50.0))
    assert f.return_rate == pytest.approx(1 / 3)
    assert f.to_dict()["return_rate"] == pytest.approx(1 / 3)
    assert f.to_dict()["returned_only"] == 1


def test_empty_workspace(load):
    tables = key_fixture(load, {})
    f = funnel(*tables, as_of=AS_OF)
    assert (f.known, f.reachable, f.active, f.regular, f.key, f.key_regular) == (0,) * 6
    assert f.window_revenue == 0.0 and f.key_revenue_share == 0.0


def test_regular_with_18_month_window(load):
    # active window 18 months: periods (2025-06-30, 2026-06-30] and (2024-12-30, 2025-06-30]
    # g1: 2 dates in each                                  -> regular
    # g2: 2 dates in the recent period, 2024-12-30 and 2025-01-05 in the older one: 2024-12-30 is
    #     the window start (excluded), leaving one date     -> not regular
    customers = load("customers", [customer("g1"), customer("g2")])
    orders = load(
        "orders",
        [
            line("g1", "2025-08-01", 10),
            line("g1", "2026-02-01", 10),
            line("g1", "2025-01-01", 10),
            line("g1", "2025-06-30", 10),
            line("g2", "2025-08-01", 10),
            line("g2", "2026-02-01", 10),
            line("g2", "2024-12-30", 10),
            line("g2", "2025-01-05", 10),
        ],
    )
    tables = customers, load("contacts", []), load("interactions", []), orders
    status = by_id(customer_status(*tables, as_of=AS_OF, params=StructureParams(active_window=18)))
    assert {c: r["regular"] for c, r in status.items()} == {"g1": True, "g2": False}
    assert status["g2"]["window_revenue"] == 30.0  # the 2024-12-30 line is outside the window


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"contact_window": 0}, "contact_window"),
        ({"contact_window": -5}, "contact_window"),
        ({"active_window": 0}, "active_window"),
        ({"active_window": 1.5}, "active_window"),
        ({"contact_window": 36526}, "contact_window"),  # past a century: dates overflow
        ({"active_window": 1201}, "active_window"),  # one term a year nests too deep
        ({"min_orders_per_year": 0}, "min_orders_per_year"),
        ({"key_share": 0.0}, "key_share"),
        ({"key_share": 1.2}, "key_share"),
        ({"key_share": float("nan")}, "key_share"),
    ],
)
def test_structure_params_validation(kwargs, name):
    with pytest.raises(ValueError, match=name):
        StructureParams(**kwargs)


def test_as_of_must_be_a_date(base):
    import datetime as dt

    with pytest.raises(TypeError, match="as_of"):
        customer_status(*base, as_of=dt.datetime(2026, 6, 30))


# ---------------------------------------------------------------------------------------------
# Pareto


def test_pareto_cumulative_shares(load):
    # window 24 months: (2024-06-30, 2026-06-30]
    # p1 50; p2 30; p3 25 - 5 = 20; p4 -10 (not ranked); p5 only after as_of; p6 only before window
    # total 100 -> shares 0.5, 0.3, 0.2; cumulative 0.5, 0.8, 1.0; customers 1/3, 2/3, 3/3
    orders = load(
        "orders",
        [
            line("p1", "2026-01-01", 50),
            line("p2", "2025-01-01", 30),
            line("p3", "2025-05-01", 25),
            line("p3", "2025-06-01", -5),
            line("p4", "2026-02-01", -10),
            line("p5", "2026-07-01", 500),
            line("p6", "2024-06-30", 500),
        ],
    )
    result = rows(pareto(orders, as_of=AS_OF))
    assert [(r["rank"], r["customer_id"], r["revenue"]) for r in result] == [
        (1, "p1", 50.0),
        (2, "p2", 30.0),
        (3, "p3", 20.0),
    ]
    assert [r["revenue_share"] for r in result] == pytest.approx([0.5, 0.3, 0.2])
    assert [r["cum_revenue_share"] for r in result] == pytest.approx([0.5, 0.8, 1.0])
    assert [r["cum_customer_share"] for r in result] == pytest.approx([1 / 3, 2 / 3, 1.0])
    # a 6-month window keeps only p1 (2026-01-01; p4 is negative)
    short = rows(pareto(orders, as_of=AS_OF, window_months=6))
    assert [(r["customer_id"], r["cum_revenue_share"]) for r in short] == [("p1", 1.0)]


def test_pareto_agrees_with_customer_status(base):
    _, _, _, orders = base
    ranks = {r["customer_id"]: r["rank"] for r in rows(pareto(orders, as_of=AS_OF))}
    status = by_id(customer_status(*base, as_of=AS_OF))
    assert ranks == {c: r["revenue_rank"] for c, r in status.items() if r["revenue_rank"]}


def test_pareto_window_validation(load):
    orders = load("orders", [])
    with pytest.raises(ValueError, match="window_months"):
        pareto(orders, as_of=AS_OF, window_months=0)


# ---------------------------------------------------------------------------------------------
# ABC-XYZ

ABC_AS_OF = d("2026-05-31")  # month periods are then the calendar months June 2025 .. May 2026


def month_day(k: int) -> str:
    """The 15th of the k-th month back (k = 0: May 2026, k = 11: June 2025)."""
    return add_months(d("2026-05-15"), -k).isoformat()


def test_abc_boundaries(load):
    # revenue 500, 300, 150, 50 (total 1000), each in a single month
    # cumulative share before: e1 0, e2 0.5, e3 0.8, e4 0.95
    # a_share 0.80, b_share 0.95: e1 A, e2 A (it crosses to 0.8), e3 B (0.8 is not < 0.8),
    # e4 C (0.95 is not < 0.95)
    orders = load(
        "orders",
        [
            line("e1", month_day(0), 500),
            line("e2", month_day(3), 300),
            line("e3", month_day(6), 150),
            line("e4", month_day(11), 50),
            line("e4", "2025-05-31", 999),  # exactly 12 months back: outside the window
            line("e1", "2026-06-01", 999),  # after as_of
        ],
    )
    result = rows(abc_xyz(orders, as_of=ABC_AS_OF))
    assert [(r["rank"], r["key"], r["revenue"], r["abc"]) for r in result] == [
        (1, "e1", 500.0, "A"),
        (2, "e2", 300.0, "A"),
        (3, "e3", 150.0, "B"),
        (4, "e4", 50.0, "C"),
    ]
    assert [r["cum_share"] for r in result] == pytest.approx([0.5, 0.8, 0.95, 1.0])
    # revenue in 1 month of 12: mean m/12, cv = sqrt(11) ~ 3.3166 for every entity -> Z
    assert [r["cv"] for r in result] == pytest.approx([math.sqrt(11)] * 4)
    assert [r["abc_xyz"] for r in result] == ["AZ", "AZ", "BZ", "CZ"]
    # a_share 0.7, b_share 0.9: e2 (before 0.5) A, e3 (before 0.8) B, e4 (before 0.95) C
    lower = rows(abc_xyz(orders, as_of=ABC_AS_OF, a_share=0.7, b_share=0.9))
    assert [r["abc"] for r in lower] == ["A", "A", "B", "C"]


def test_xyz_coefficient_of_variation(load):
    lines = []
    for k in range(12):
        lines.append(line("x1", month_day(k), 100))  # equal every month: cv 0 -> X
        lines.append(line("x2", month_day(k), 66 if k % 2 else 54))  # mean 60, std 6: cv 0.10 -> X
        lines.append(line("y1", month_day(k), 50 if k % 2 else 30))  # mean 40, std 10: cv 0.25 -> Y
        if k != 4:
            lines.append(line("z2", month_day(k), 100))  # 11 months of 100, one month zero
    lines.append(line("z1", month_day(7), 1500))  # one month only: cv sqrt(11)
    lines.append(line("x1", month_day(2), 40))  # two more lines in one month: 100 + 40 - 40
    lines.append(line("x1", month_day(2), -40))
    orders = load("orders", lines)
    result = {r["key"]: r for r in rows(abc_xyz(orders, as_of=ABC_AS_OF))}
    # z2: mean 1100/12, deviations 100/12 (x11) and 1100/12 (x1):
    # var = (11 (100/12)^2 + (1100/12)^2) / 12, cv = sqrt(var) / mean = sqrt(1/11) ~ 0.3015 -> Z
    # (it would be X if the month without orders were skipped)
    expected_cv = {"x1": 0.0, "x2": 0.10, "y1": 0.25, "z1": math.sqrt(11), "z2": math.sqrt(1 / 11)}
    assert {k: r["cv"] for k, r in result.items()} == pytest.approx(expected_cv, abs=1e-9)
    assert {k: r["xyz"] for k, r in result.items()} == {
        "x1": "X",
        "x2": "X",
        "y1": "Y",
        "z1": "Z",
        "z2": "Z",
    }
    # revenue: z1 1500, x1 1200, z2 1100, x2 720, y1 480 (total 5000)
    # before: z1 0, x1 0.30, z2 0.54, x2 0.76 (A: crosses 0.8), y1 0.904 (B)
    assert [(r["key"], r["abc_xyz"]) for r in rows(abc_xyz(orders, as_of=ABC_AS_OF))] == [
        ("z1", "AZ"),
        ("x1", "AX"),
        ("z2", "AZ"),
        ("x2", "AX"),
        ("y1", "BY"),
    ]
    # the matrix: AX 2 (x1 1200 + x2 720), AZ 2 (z1 1500 + z2 1100), BY 1 (480), others empty
    matrix = {r["abc_xyz"]: r for r in rows(abc_xyz_matrix(abc_xyz(orders, as_of=ABC_AS_OF)))}
    assert list(matrix) == ["AX", "AY", "AZ", "BX", "BY", "BZ", "CX", "CY", "CZ"]
    assert {c: (r["n"], r["revenue"]) for c, r in matrix.items() if r["n"]} == {
        "AX": (2, 1920.0),
        "AZ": (2, 2600.0),
        "BY": (1, 480.0),
    }
    assert matrix["CZ"]["n"] == 0 and matrix["CZ"]["revenue"] == 0.0
    assert matrix["AZ"]["revenue_share"] == pytest.approx(2600 / 5000)
    assert sum(r["revenue_share"] for r in matrix.values()) == pytest.approx(1.0)


def test_abc_xyz_by_sku(load):
    # s1 400 (a) + 200 (b) = 600, s2 300, s3 100, lines without SKU ignored; total 1000
    # before: s1 0 (A), s2 0.6 (A), s3 0.9 (B)
    orders = load(
        "orders",
        [
            line("a", month_day(0), 400, "s1"),
            line("b", month_day(1), 200, "s1"),
            line("a", month_day(2), 300, "s2"),
            line("b", month_day(3), 100, "s3"),
            line("b", month_day(3), 5000, None),
        ],
    )
    result = rows(abc_xyz(orders, as_of=ABC_AS_OF, by="sku"))
    assert [(r["key"], r["revenue"], r["abc"]) for r in result] == [
        ("s1", 600.0, "A"),
        ("s2", 300.0, "A"),
        ("s3", 100.0, "B"),
    ]
    # s1: 400 and 200 in two months, mean 600 / 12 = 50:
    # var = (350^2 + 150^2 + 10 x 50^2) / 12 = 170000 / 12 ~ 14166.7, cv ~ 119.02 / 50 ~ 2.3805
    assert result[0]["cv"] == pytest.approx(math.sqrt(170000 / 12) / 50)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"a_share": 0.0}, "a_share"),
        ({"a_share": 0.95, "b_share": 0.8}, "a_share"),
        ({"b_share": 1.5}, "b_share"),
        ({"x_cv": -0.1}, "x_cv"),
        ({"x_cv": 0.3, "y_cv": 0.25}, "y_cv"),
        ({"by": "region"}, "by"),
        ({"window_months": 0}, "window_months"),
    ],
)
def test_abc_xyz_validation(load, kwargs, name):
    orders = load("orders", [])
    with pytest.raises(ValueError, match=name):
        abc_xyz(orders, as_of=ABC_AS_OF, **kwargs)
