"""White space (line matrix and peer-based opportunities) on hand-computed data, on DuckDB and
SQLite."""

from __future__ import annotations

import pytest
from conftest import d

from cxray.analytics.whitespace import line_matrix, opportunities

AS_OF = d("2026-06-30")
# window (24 months): (2024-06-30, 2026-06-30]
# The peer groups of these fixtures are small: the tests of the peer rules pass min_peers=1 (the
# default, 5, is tested on its own below).

_order_no = iter(range(1, 10_000))


def line(cid: str, date: str, amount: float, sku: str | None) -> dict:
    return {
        "order_id": f"o{next(_order_no)}",
        "customer_id": cid,
        "order_date": d(date),
        "amount": float(amount),
        "sku": sku,
        "line_no": 1,
    }


PRODUCTS = [
    {"sku": "a1", "product_line": "A"},
    {"sku": "b1", "product_line": "B"},
    {"sku": "c1", "product_line": "C"},
    {"sku": "d1", "product_line": "D"},
    {"sku": "x1", "product_line": None},
]

CUSTOMERS = [
    *[{"customer_id": f"r{i}", "segment": "retail"} for i in range(1, 6)],
    *[{"customer_id": f"h{i}", "segment": "horeca"} for i in range(1, 4)],
    {"customer_id": "n1", "segment": None},
    # n2 has orders but no customer row
    {"customer_id": "old", "segment": "retail"},
]

# window revenue per line (A, B, C, D):
#   retail: r1 100, 50, -, -   r2 200, -, -, -   r3 300, -, 10, -   r4 400, 0 (30 - 30), -, -
#           r5 -, 60, -, -
#   horeca: h1 -, -, -, 5   h2 1000, -, -, 7   h3 nothing with a line (x1 and an unknown sku)
#   no segment: n1 -, -, 40, -   n2 nothing with a line (no sku)
ORDERS = [
    line("r1", "2025-01-01", 100, "a1"),
    line("r1", "2025-02-01", 50, "b1"),
    line("r2", "2025-01-01", 150, "a1"),
    line("r2", "2026-06-30", 50, "a1"),  # on as_of: in
    line("r3", "2024-07-01", 300, "a1"),
    line("r3", "2025-01-01", 10, "c1"),
    line("r4", "2025-01-01", 400, "a1"),
    line("r4", "2025-03-01", 30, "b1"),
    line("r4", "2025-03-05", -30, "b1"),  # fully returned: B is white space for r4
    line("r5", "2025-05-01", 60, "b1"),
    line("r5", "2024-06-30", 999, "a1"),  # on the window start: out
    line("h1", "2025-05-01", 5, "d1"),
    line("h2", "2025-05-01", 1000, "a1"),
    line("h2", "2025-06-01", 7, "d1"),
    line("h3", "2025-05-01", 9, "x1"),  # product without a line
    line("h3", "2025-05-02", 4, "zz"),  # sku without a product row
    line("n1", "2025-05-01", 40, "c1"),
    line("n2", "2025-05-01", 20, None),
    line("old", "2024-06-30", 500, "a1"),  # inactive: not a peer
    line("r1", "2026-07-01", 777, "c1"),  # after as_of: ignored
]


@pytest.fixture
def data(load):
    return load("orders", ORDERS), load("products", PRODUCTS), load("customers", CUSTOMERS)


def rows(table) -> list[dict]:
    return table.to_pyarrow().to_pylist()


def test_line_matrix(data):
    orders, products, customers = data
    result = line_matrix(orders, products, customers, as_of=AS_OF)
    assert result.columns == ("customer_id", "segment", "product_line", "revenue")
    got = rows(result)
    active = ["h1", "h2", "h3", "n1", "n2", "r1", "r2", "r3", "r4", "r5"]
    # every active customer x every line present in the window (old is inactive)
    assert [(r["customer_id"], r["product_line"]) for r in got] == [
        (c, p) for c in active for p in "ABCD"
    ]
    cell = {(r["customer_id"], r["product_line"]): r["revenue"] for r in got}
    assert cell["r2", "A"] == 200.0  # 150 + 50 (on as_of)
    assert cell["r4", "B"] == 0.0  # 30 - 30
    assert cell["r5", "A"] == 0.0  # the 999 is on the window start, outside
    assert cell["r1", "C"] == 0.0  # the 777 is after as_of
    assert cell["r1", "D"] == 0.0  # white space
    assert [cell["h3", p] for p in "ABCD"] == [0.0] * 4  # lines without a product line left out
    segment = {r["customer_id"]: r["segment"] for r in got}
    assert segment["r1"] == "retail" and segment["h3"] == "horeca"
    assert segment["n1"] is None and segment["n2"] is None  # null segment / no customer row


def test_opportunities_default_threshold(data):
    orders, products, customers = data
    result = opportunities(orders, products, customers, as_of=AS_OF, min_peers=1)
    assert result.columns == (
        "customer_id", "segment", "product_line", "peers", "peer_buyers", "peer_share",
        "potential",
    )  # fmt: skip
    got = [
        (
            r["customer_id"],
            r["segment"],
            r["product_line"],
            r["peers"],
            r["peer_buyers"],
            pytest.approx(r["peer_share"]),
            pytest.approx(r["potential"]),
        )
        for r in rows(result)
    ]
    # retail peers: the 4 other retail customers
    #   A buyers r1..r4 (100, 200, 300, 400): even, median (200 + 300) / 2 = 250
    #   B buyers r1, r5 (50, 60): median 55; r4's net 0 is no purchase
    #   C buyer r3 only: 1/4 = 0.25 < 0.3, dropped; D no buyers
    # horeca peers: the 2 other horeca customers
    #   A buyer h2 (1000): 1/2; D buyers h1, h2 (5, 7): median 6
    # no segment (n1, n2): peers are all 9 other active customers
    #   A buyers r1..r4, h2 (100, 200, 300, 400, 1000): odd, median 300, share 5/9
    #   B, C, D: 2 buyers each, 2/9 < 0.3, dropped
    # ordered by potential desc, customer_id, product_line
    assert got == [
        ("h1", "horeca", "A", 2, 1, 0.5, 1000.0),
        ("h3", "horeca", "A", 2, 1, 0.5, 1000.0),
        ("n1", None, "A", 9, 5, 5 / 9, 300.0),
        ("n2", None, "A", 9, 5, 5 / 9, 300.0),
        ("r5", "retail", "A", 4, 4, 1.0, 250.0),
        ("r2", "retail", "B", 4, 2, 0.5, 55.0),
        ("r3", "retail", "B", 4, 2, 0.5, 55.0),
        ("r4", "retail", "B", 4, 2, 0.5, 55.0),
        ("h3", "horeca", "D", 2, 2, 1.0, 6.0),
    ]


def test_threshold_equal_is_kept(data):
    orders, products, customers = data
    # 1/4 = 0.25 exactly: the retail C rows (only r3 buys C) now appear
    got = rows(
        opportunities(orders, products, customers, as_of=AS_OF, min_peers=1, min_peer_share=0.25)
    )
    c_rows = {r["customer_id"]: r for r in got if r["product_line"] == "C"}
    assert set(c_rows) == {"r1", "r2", "r4", "r5"}
    assert c_rows["r1"]["peer_share"] == 0.25 and c_rows["r1"]["potential"] == 10.0
    # 2/9 < 0.25: n2's C (buyers r3, n1) still out
    assert "n2" not in c_rows
    # 1.0 keeps only lines every peer buys
    full = rows(
        opportunities(orders, products, customers, as_of=AS_OF, min_peers=1, min_peer_share=1.0)
    )
    assert [(r["customer_id"], r["product_line"]) for r in full] == [("r5", "A"), ("h3", "D")]


def test_threshold_just_above_drops(data):
    orders, products, customers = data
    got = rows(
        opportunities(orders, products, customers, as_of=AS_OF, min_peers=1, min_peer_share=0.5001)
    )
    assert [(r["customer_id"], r["product_line"]) for r in got] == [
        ("n1", "A"),  # 5/9 = 0.556
        ("n2", "A"),
        ("r5", "A"),
        ("h3", "D"),
    ]


def test_customer_filter(data):
    orders, products, customers = data
    got = rows(
        opportunities(orders, products, customers, as_of=AS_OF, min_peers=1, customer_id="h3")
    )
    assert [(r["customer_id"], r["product_line"], r["potential"]) for r in got] == [
        ("h3", "A", 1000.0),
        ("h3", "D", 6.0),
    ]


def test_no_segments_all_active_customers_are_peers(data, load):
    orders, products, _ = data
    customers = load("customers", [{"customer_id": c["customer_id"]} for c in CUSTOMERS])
    got = {
        (r["customer_id"], r["product_line"]): r
        for r in rows(opportunities(orders, products, customers, as_of=AS_OF, min_peers=1))
    }
    # everybody's peers are the 9 other active customers; A: 5 buyers, median 300 (see above)
    r5 = got["r5", "A"]
    assert (r5["peers"], r5["peer_buyers"], r5["potential"]) == (9, 5, 300.0)
    assert r5["segment"] is None
    # h1, h3: A 5/9; h3 D: buyers h1, h2 = 2/9 < 0.3
    assert ("h1", "A") in got and ("h3", "D") not in got
    # B: buyers r1, r5 = 2/9 < 0.3: no B rows any more
    assert not any(line == "B" for _, line in got)
    assert set(got) == {("h1", "A"), ("h3", "A"), ("n1", "A"), ("n2", "A"), ("r5", "A")}


def test_customer_alone_in_its_segment_has_no_peers(load):
    orders = load(
        "orders",
        [
            line("s1", "2025-01-01", 10, "a1"),
            line("u1", "2025-01-01", 20, "a1"),
            line("u1", "2025-01-01", 30, "b1"),
            line("u2", "2025-01-01", 40, "b1"),
        ],
    )
    products = load("products", PRODUCTS)
    customers = load("customers", [{"customer_id": "s1", "segment": "solo"}])
    got = rows(
        opportunities(orders, products, customers, as_of=AS_OF, min_peers=1, min_peer_share=0.5)
    )
    # s1 (segment solo, alone): no peers, no rows, although u1 and u2 buy B
    # u1, u2 (no segment): peers are all others. u2 misses A: buyers s1, u1 = 2/2, median 15
    assert [(r["customer_id"], r["product_line"], r["peers"], r["potential"]) for r in got] == [
        ("u2", "A", 2, 15.0)
    ]


@pytest.mark.parametrize("share", [0, -0.1, 1.01, float("nan"), True, "0.3"])
def test_bad_min_peer_share(data, share):
    orders, products, customers = data
    with pytest.raises(ValueError, match="min_peer_share"):
        opportunities(orders, products, customers, as_of=AS_OF, min_peers=1, min_peer_share=share)


def test_bad_window(data):
    orders, products, customers = data
    with pytest.raises(ValueError, match="months"):
        line_matrix(orders, products, customers, as_of=AS_OF, window_months=0)


def test_min_peers_default_five(data):
    orders, products, customers = data
    # default min_peers=5: retail customers have 4 peers, horeca 3 - 1 = 2: no rows for them;
    # only n1 and n2 (no segment: the 9 other active customers are their peers) keep theirs
    got = rows(opportunities(orders, products, customers, as_of=AS_OF))
    assert [(r["customer_id"], r["product_line"], r["peers"]) for r in got] == [
        ("n1", "A", 9),
        ("n2", "A", 9),
    ]
    # min_peers=4: the retail rows (4 peers) come back, horeca (2 peers) still not
    four = rows(opportunities(orders, products, customers, as_of=AS_OF, min_peers=4))
    assert {r["segment"] for r in four} == {"retail", None}
    with pytest.raises(ValueError, match="min_peers"):
        opportunities(orders, products, customers, as_of=AS_OF, min_peers=0)


def test_segment_by_any_customer_column(data, load):
    orders, products, _ = data
    region = {"r1": "north", "r2": "north", "h1": "north", "h2": "north"}
    region |= {"r3": "south", "r4": "south", "r5": "south", "h3": "south"}
    customers = load(
        "customers",
        [{**c, "region": region.get(c["customer_id"])} for c in CUSTOMERS],
    )
    got = {
        (r["customer_id"], r["product_line"]): r
        for r in rows(
            opportunities(
                orders, products, customers, as_of=AS_OF, segment_by="region", min_peers=3
            )
        )
    }
    # north (r1, r2, h1, h2): A buyers r1 100, r2 200, h2 1000 -> h1 misses A: 3/3, median 200
    h1 = got["h1", "A"]
    assert (h1["segment"], h1["peers"], h1["peer_buyers"], h1["potential"]) == (
        "north",
        3,
        3,
        200.0,
    )
    # south (r3, r4, r5, h3): A buyers r3 300, r4 400 -> r5 misses A: 2/3, median 350
    r5 = got["r5", "A"]
    assert (r5["segment"], r5["peers"], r5["peer_buyers"], r5["potential"]) == (
        "south",
        3,
        2,
        350.0,
    )
    # the matrix carries the region as the segment
    m = rows(line_matrix(orders, products, customers, as_of=AS_OF, segment_by="region"))
    assert {r["customer_id"]: r["segment"] for r in m}["r3"] == "south"
    with pytest.raises(ValueError, match="country"):
        opportunities(orders, products, customers, as_of=AS_OF, segment_by="country")


def test_matrix_lines_ordered_by_revenue(load):
    # line totals: A 10, B 500, C 100 -> B, C, A for every customer (not alphabetical)
    orders = load(
        "orders",
        [
            line("x1", "2025-01-01", 10, "a1"),
            line("x1", "2025-01-02", 100, "c1"),
            line("y1", "2025-01-01", 500, "b1"),
        ],
    )
    products = load("products", PRODUCTS)
    customers = load("customers", [{"customer_id": "x1"}, {"customer_id": "y1"}])
    got = rows(line_matrix(orders, products, customers, as_of=AS_OF))
    assert [(r["customer_id"], r["product_line"]) for r in got] == [
        ("x1", "B"),
        ("x1", "C"),
        ("x1", "A"),
        ("y1", "B"),
        ("y1", "C"),
        ("y1", "A"),
    ]
