"""Baseline "hand-written SQL" for bench_pipeline.py: the X-ray as DuckDB queries written by hand.

The import step loads every Parquet file into a DuckDB database file with
``CREATE TABLE t AS SELECT * FROM read_parquet(...)`` (no validation). Each later step is one
hand-written query or a few, with the definitions of the cxray.analytics docstrings, results
fetched as Arrow and turned into Python rows like the CLI does. CLV is the per-customer summary and
its grouped counts in SQL, then the same NumPy/SciPy models cxray fits (imported from
``cxray.analytics.clv``: the comparison is about the data work, not the optimiser).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import duckdb
from checks import cohorts_check, products_check

SEGMENT_CASE = """CASE
    WHEN r_score BETWEEN 4 AND 5 AND fm BETWEEN 4 AND 5 THEN 'champions'
    WHEN r_score = 3 AND fm BETWEEN 4 AND 5 THEN 'loyal'
    WHEN r_score BETWEEN 4 AND 5 AND fm BETWEEN 2 AND 3 THEN 'potential_loyalist'
    WHEN r_score = 5 AND fm = 1 THEN 'new'
    WHEN r_score = 4 AND fm = 1 THEN 'promising'
    WHEN r_score = 3 AND fm = 3 THEN 'need_attention'
    WHEN r_score = 3 AND fm BETWEEN 1 AND 2 THEN 'about_to_sleep'
    WHEN r_score BETWEEN 1 AND 2 AND fm = 5 THEN 'cant_lose'
    WHEN r_score BETWEEN 1 AND 2 AND fm BETWEEN 3 AND 4 THEN 'at_risk'
    WHEN r_score = 2 AND fm BETWEEN 1 AND 2 THEN 'hibernating'
    WHEN r_score = 1 AND fm BETWEEN 1 AND 2 THEN 'lost'
END"""


def own_connection(step: Callable[[SqlContender], dict]) -> Callable[[SqlContender], dict]:
    """The step opens the database read-only and closes it after, as a command does (each cxray
    step opens a read-only session); unless the contender keeps one connection throughout."""

    @functools.wraps(step)
    def run(self: SqlContender) -> dict:
        if self.keep_connection:
            return step(self)
        self.con = duckdb.connect(str(self.db), read_only=True)
        try:
            return step(self)
        finally:
            self.con.close()
            self.con = None

    return run


class SqlContender:
    def __init__(
        self,
        files: dict[str, Path],
        work: Path,
        *,
        products_by: str,
        limit: int,
        keep_connection: bool = False,
    ):
        self.files = files
        self.db = work / "hand.duckdb"
        self.by = products_by
        self.limit = limit
        self.keep_connection = keep_connection
        self.con: duckdb.DuckDBPyConnection | None = None

    def warm_up(self) -> None:
        import cxray.analytics.clv  # noqa: F401

        # the Arrow conversion of a first result, as the cxray contender's warm-up does
        duckdb.connect().execute("SELECT 1 AS x").to_arrow_table().to_pylist()

    def resume(self) -> None:
        if self.keep_connection:
            self.con = duckdb.connect(str(self.db))

    def rows(self, sql: str) -> list[dict]:
        return self.con.execute(sql).to_arrow_table().to_pylist()

    def as_of(self) -> str:
        day = self.con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
        return f"DATE '{day.isoformat()}'"

    # -- import ------------------------------------------------------------------------------

    def step_import(self) -> dict:
        if self.db.exists():
            self.db.unlink()
        self.con = duckdb.connect(str(self.db))
        for name, path in self.files.items():
            self.con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{path}')")
        self.con.execute("CHECKPOINT")
        n = {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in self.files}
        self.con.close()
        self.con = None
        return {"orders": n["orders"], "customers": n["customers"], "rejected": 0}

    # -- structure ---------------------------------------------------------------------------

    @own_connection
    def step_structure(self) -> dict:
        d = self.as_of()
        funnel = self.rows(f"""
            WITH known AS (
                SELECT customer_id FROM customers
                WHERE first_contact_date IS NULL OR first_contact_date <= {d}
                UNION SELECT customer_id FROM contacts
                UNION SELECT customer_id FROM interactions WHERE date <= {d}
                UNION SELECT customer_id FROM orders WHERE order_date <= {d}
            ),
            reachable AS (
                SELECT DISTINCT customer_id FROM contacts
                WHERE coalesce(is_current, true) AND customer_id IN (
                    SELECT customer_id FROM interactions
                    WHERE date > {d} - INTERVAL 365 DAY AND date <= {d})
            ),
            win AS (
                SELECT customer_id, order_date, amount FROM orders
                WHERE order_date > {d} - INTERVAL 24 MONTH AND order_date <= {d}
                  AND customer_id IS NOT NULL
            ),
            revenue AS (SELECT customer_id, sum(amount) AS revenue FROM win GROUP BY 1),
            purchase_days AS (  -- a purchase day: the day's lines net to more than zero
                SELECT customer_id, order_date FROM win GROUP BY 1, 2 HAVING sum(amount) > 1e-9
            ),
            ranked AS (
                SELECT *, sum(revenue) OVER (ORDER BY revenue DESC, customer_id
                                             ROWS UNBOUNDED PRECEDING) AS cum,
                       sum(revenue) OVER () AS total
                FROM revenue WHERE revenue > 0
            ),
            key AS (SELECT * FROM ranked WHERE cum - revenue < total * (0.70 - 1e-9)),
            regular AS (
                SELECT customer_id FROM (
                    SELECT customer_id, order_date > {d} - INTERVAL 12 MONTH AS recent,
                           count(*) AS dates
                    FROM purchase_days GROUP BY 1, 2)
                WHERE dates >= 2 GROUP BY 1 HAVING count(*) = 2
            )
            SELECT
                (SELECT count(*) FROM known WHERE customer_id IS NOT NULL) AS known,
                (SELECT count(*) FROM reachable WHERE customer_id IS NOT NULL) AS reachable,
                (SELECT count(DISTINCT customer_id) FROM purchase_days) AS active,
                (SELECT count(*) FROM regular) AS regular,
                (SELECT count(*) FROM key) AS key,
                (SELECT count(*) FROM key JOIN regular USING (customer_id)) AS key_regular,
                (SELECT count(*) FROM (  -- returns in the window but no purchase day there
                    SELECT customer_id FROM win WHERE amount < 0 GROUP BY 1
                    EXCEPT SELECT customer_id FROM purchase_days)) AS returned_only,
                coalesce((SELECT sum(revenue) FROM key) / (SELECT sum(revenue) FROM ranked), 0)
                    AS key_revenue_share
        """)[0]
        curve = self.rows(f"""
            SELECT row_number() OVER w AS rank, customer_id, revenue,
                   revenue / sum(revenue) OVER () AS revenue_share,
                   sum(revenue) OVER (w ROWS UNBOUNDED PRECEDING) / sum(revenue) OVER ()
                       AS cum_revenue_share,
                   row_number() OVER w / count(*) OVER () AS cum_customer_share
            FROM (SELECT customer_id, sum(amount) AS revenue FROM orders
                  WHERE order_date > {d} - INTERVAL 24 MONTH AND order_date <= {d}
                    AND customer_id IS NOT NULL
                  GROUP BY 1 HAVING sum(amount) > 0)
            WINDOW w AS (ORDER BY revenue DESC, customer_id)
            ORDER BY rank
        """)
        abc = {by: self.abc_xyz(d, by) for by in ("customer_id", "sku")}
        return {
            **funnel,
            "pareto_customers": len(curve),
            "abc_customers": abc["customer_id"],
            "abc_skus": abc["sku"],
        }

    def abc_xyz(self, d: str, column: str) -> dict[str, int]:
        # the 12 trailing one-month periods (d - k - 1 months, d - k months], k = 0 most recent
        period = " ".join(
            f"WHEN order_date > {d} - INTERVAL {k + 1} MONTH THEN {k}" for k in range(12)
        )
        cells = self.rows(f"""
            WITH monthly AS (
                SELECT {column} AS key, CASE {period} END AS k, sum(amount) AS m
                FROM orders
                WHERE order_date > {d} - INTERVAL 12 MONTH AND order_date <= {d}
                  AND {column} IS NOT NULL
                GROUP BY 1, 2
            ),
            stats AS (
                SELECT key, sum(m) AS revenue, sum(m) / 12 AS mean,
                       sqrt(greatest(sum(m * m) / 12 - (sum(m) / 12) ^ 2, 0)) AS sd
                FROM monthly GROUP BY 1 HAVING sum(m) > 0
            ),
            ranked AS (
                SELECT *, (sum(revenue) OVER (ORDER BY revenue DESC, key ROWS UNBOUNDED PRECEDING)
                           - revenue) / sum(revenue) OVER () AS before
                FROM stats
            )
            SELECT CASE WHEN before < 0.80 - 1e-9 THEN 'A' WHEN before < 0.95 - 1e-9 THEN 'B'
                        ELSE 'C' END
                   || CASE WHEN sd / mean <= 0.10 + 1e-9 THEN 'X'
                           WHEN sd / mean <= 0.25 + 1e-9 THEN 'Y' ELSE 'Z' END AS cell,
                   count(*) AS n, sum(revenue) AS revenue
            FROM ranked GROUP BY 1 ORDER BY 1
        """)
        found = {c["cell"]: c["n"] for c in cells}
        return {a + x: found.get(a + x, 0) for a in "ABC" for x in "XYZ"}

    # -- products ----------------------------------------------------------------------------

    @own_connection
    def step_products(self) -> dict:
        d = self.as_of()
        if self.by == "line":
            key = (
                "CASE WHEN o.sku IS NULL THEN '(no sku)' "
                "ELSE coalesce(p.product_line, '(unknown)') END"
            )
            join = (
                "LEFT JOIN (SELECT sku, max(product_line) AS product_line FROM products "
                "GROUP BY 1) p ON o.sku = p.sku"
            )
        else:
            key, join = "coalesce(o.sku, '(no sku)')", ""
        rows = self.rows(f"""
            WITH lines AS (
                SELECT o.customer_id, {key} AS key,
                       year(order_date) * 12 + month(order_date) - 1 AS idx,
                       amount, coalesce(quantity, 0) AS quantity
                FROM orders o {join}
                WHERE order_date <= {d} AND o.customer_id IS NOT NULL
            ),
            firsts AS (SELECT customer_id, min(idx) AS first_idx FROM lines GROUP BY 1),
            -- the shown month and the 13 before it (its previous month and a year earlier)
            recent AS (
                SELECT * FROM lines WHERE idx >= year({d}) * 12 + month({d}) - 1 - 13
            ),
            monthly AS (
                SELECT customer_id, key, idx, sum(amount) AS revenue, sum(quantity) AS quantity
                FROM recent GROUP BY 1, 2, 3
            ),
            grid AS (
                SELECT p.customer_id, p.key, m.idx
                FROM (SELECT DISTINCT customer_id, key FROM recent) p
                JOIN firsts f USING (customer_id)
                JOIN (SELECT range AS idx FROM range(year({d}) * 12 + month({d}) - 1 - 13,
                                                     year({d}) * 12 + month({d}))) m
                  ON m.idx >= f.first_idx
            ),
            series AS (
                SELECT g.customer_id, g.key, g.idx,
                       coalesce(m.revenue, 0) AS revenue, coalesce(m.quantity, 0) AS quantity
                FROM grid g LEFT JOIN monthly m USING (customer_id, key, idx)
            ),
            changes AS (
                SELECT *, lag(revenue) OVER w AS prev, lag(revenue, 12) OVER w AS base
                FROM series WINDOW w AS (PARTITION BY customer_id, key ORDER BY idx)
            )
            SELECT customer_id, key,
                   printf('%d-%02d', idx // 12, idx % 12 + 1) AS month, revenue, quantity,
                   revenue - prev AS mom_change,
                   CASE WHEN abs(prev) >= 1e-9 THEN (revenue - prev) / prev END AS mom_pct,
                   revenue - base AS yoy_change,
                   CASE WHEN abs(base) >= 1e-9 THEN (revenue - base) / base END AS yoy_pct
            FROM changes
            WHERE idx = year({d}) * 12 + month({d}) - 1
            ORDER BY revenue DESC, customer_id, key
            LIMIT {self.limit}
        """)
        return products_check(rows)

    # -- whitespace --------------------------------------------------------------------------

    @own_connection
    def step_whitespace(self) -> dict:
        d = self.as_of()
        self.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE matrix AS
            WITH win AS (
                SELECT * FROM orders
                WHERE order_date > {d} - INTERVAL 24 MONTH AND order_date <= {d}
                  AND customer_id IS NOT NULL
            ),
            line_of AS (SELECT sku, max(product_line) AS product_line FROM products GROUP BY 1),
            revenue AS (
                SELECT customer_id, product_line, sum(amount) AS revenue
                FROM win JOIN line_of USING (sku)
                WHERE product_line IS NOT NULL
                GROUP BY 1, 2
            ),
            active AS (  -- a purchase day (lines netting above zero) in the window
                SELECT a.customer_id, s.segment
                FROM (SELECT DISTINCT customer_id FROM (
                          SELECT customer_id FROM win GROUP BY customer_id, order_date
                          HAVING sum(amount) > 1e-9)) a
                LEFT JOIN (SELECT customer_id, max(segment) AS segment FROM customers GROUP BY 1) s
                  USING (customer_id)
            )
            SELECT a.customer_id, a.segment, l.product_line, coalesce(r.revenue, 0) AS revenue
            FROM active a CROSS JOIN (SELECT DISTINCT product_line FROM revenue) l
            LEFT JOIN revenue r USING (customer_id, product_line)
        """)
        matrix = self.rows("SELECT * FROM matrix ORDER BY customer_id, product_line")
        opportunities = self.rows("""
            WITH seg AS (
                SELECT segment, product_line, count(*) AS n,
                       count(*) FILTER (revenue > 1e-9) AS buyers,
                       median(revenue) FILTER (revenue > 1e-9) AS median
                FROM matrix WHERE segment IS NOT NULL GROUP BY 1, 2
            ),
            every AS (
                SELECT product_line, count(*) AS n,
                       count(*) FILTER (revenue > 1e-9) AS buyers,
                       median(revenue) FILTER (revenue > 1e-9) AS median
                FROM matrix GROUP BY 1
            ),
            gaps AS (
                SELECT g.customer_id, g.segment, g.product_line,
                       CASE WHEN g.segment IS NOT NULL THEN s.n ELSE e.n END - 1 AS peers,
                       CASE WHEN g.segment IS NOT NULL THEN s.buyers ELSE e.buyers END
                           AS peer_buyers,
                       CASE WHEN g.segment IS NOT NULL THEN s.median ELSE e.median END
                           AS potential
                FROM matrix g
                LEFT JOIN seg s USING (segment, product_line)
                JOIN every e USING (product_line)
                WHERE g.revenue <= 1e-9
            )
            SELECT customer_id, segment, product_line, peers, peer_buyers,
                   peer_buyers / peers AS peer_share, potential
            FROM gaps
            WHERE peers >= 5 AND peer_buyers / peers >= 0.3 * (1 - 1e-9)
            ORDER BY potential DESC, customer_id, product_line
        """)
        return {
            "matrix_rows": len(matrix),
            "opportunities": len(opportunities),
            "potential_sum": sum(r["potential"] for r in opportunities),
        }

    # -- rfm ---------------------------------------------------------------------------------

    @own_connection
    def step_rfm(self) -> dict:
        d = self.as_of()
        self.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE rfm AS
            WITH days AS (
                SELECT customer_id, order_date, sum(amount) AS net
                FROM orders
                WHERE order_date > {d} - INTERVAL 24 MONTH AND order_date <= {d}
                  AND customer_id IS NOT NULL AND amount IS NOT NULL
                GROUP BY 1, 2
            ),
            base AS (  -- purchase days (net > 0) only; monetary: every line's net
                SELECT customer_id,
                       date_diff('day', max(order_date) FILTER (net > 1e-9), {d}) AS recency,
                       count(*) FILTER (net > 1e-9) AS frequency, sum(net) AS monetary
                FROM days GROUP BY 1 HAVING count(*) FILTER (net > 1e-9) > 0
            ),
            scored AS (
                SELECT *,
                    1 + (5 * (rank() OVER (ORDER BY recency DESC) - 1)) // count(*) OVER ()
                        AS r_score,
                    1 + (5 * (rank() OVER (ORDER BY frequency) - 1)) // count(*) OVER ()
                        AS f_score,
                    1 + (5 * (rank() OVER (ORDER BY monetary) - 1)) // count(*) OVER ()
                        AS m_score
                FROM base
            )
            SELECT *, {SEGMENT_CASE.replace("fm", "((f_score + m_score + 1) // 2)")} AS segment,
                   (f_score + m_score + 1) // 2 AS fm
            FROM scored
        """)
        customers = self.rows("SELECT * FROM rfm ORDER BY customer_id")
        segments = self.rows("""
            SELECT segment, count(*) AS customers, count(*) / sum(count(*)) OVER () AS share,
                   sum(monetary) AS revenue, avg(recency) AS mean_recency,
                   avg(frequency) AS mean_frequency, avg(monetary) AS mean_monetary
            FROM rfm GROUP BY 1
        """)
        sums = self.rows(
            "SELECT sum(frequency)::BIGINT AS f, sum(recency)::BIGINT AS r, sum(monetary) AS m "
            "FROM rfm"
        )[0]
        return {
            "customers": len(customers),
            "frequency_sum": sums["f"] or 0,
            "recency_sum": sums["r"] or 0,
            "monetary_sum": sums["m"] or 0,
            "segments": {s["segment"]: s["customers"] for s in segments},
        }

    # -- cohorts -----------------------------------------------------------------------------

    @own_connection
    def step_cohorts(self) -> dict:
        d = self.as_of()
        self.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE days AS
            SELECT customer_id, order_date, sum(amount) AS net, sum(amount) > 1e-9 AS purchase
            FROM orders
            WHERE order_date <= {d} AND customer_id IS NOT NULL AND amount IS NOT NULL
            GROUP BY 1, 2
        """)
        grid = self.rows(f"""
            WITH firsts AS (  -- acquisition: the first order day of any amount
                SELECT customer_id, min(order_date) AS first_date,
                       year(min(order_date)) * 12 + month(min(order_date)) - 1 AS cidx
                FROM days GROUP BY 1
            ),
            sizes AS (SELECT cidx, count(*) AS cohort_size FROM firsts GROUP BY 1),
            per AS (  -- buying in a period: a purchase day in it
                SELECT customer_id, year(order_date) * 12 + month(order_date) - 1 AS pidx,
                       sum(net) AS revenue, bool_or(purchase) AS bought
                FROM days GROUP BY 1, 2
            ),
            cells AS (
                SELECT f.cidx, p.pidx, count(*) FILTER (p.bought) AS customers,
                       sum(p.revenue) AS revenue
                FROM per p JOIN firsts f USING (customer_id)
                WHERE p.pidx >= f.cidx GROUP BY 1, 2
            ),
            grid AS (
                SELECT s.cidx, s.cohort_size, m.range AS pidx
                FROM sizes s JOIN range((SELECT min(cidx) FROM sizes),
                                        year({d}) * 12 + month({d})) m ON m.range >= s.cidx
            )
            SELECT printf('%d-%02d', g.cidx // 12, g.cidx % 12 + 1) AS cohort,
                   g.pidx - g.cidx AS period_index, coalesce(c.customers, 0) AS customers,
                   g.cohort_size, coalesce(c.customers, 0) / g.cohort_size AS retention,
                   coalesce(c.revenue, 0) AS revenue,
                   coalesce(c.revenue, 0) / g.cohort_size AS revenue_per_customer
            FROM grid g LEFT JOIN cells c USING (cidx, pidx)
            ORDER BY cohort, period_index
        """)
        steps = self.rows("""
            WITH cohort_of AS (
                SELECT customer_id, strftime(min(order_date), '%Y-%m') AS cohort
                FROM days GROUP BY 1
            ),
            numbered AS (  -- orders: purchase days; the cohort: the acquisition month
                SELECT customer_id,
                       row_number() OVER w AS k,
                       date_diff('day', order_date, lead(order_date) OVER w) AS days
                FROM days WHERE purchase
                WINDOW w AS (PARTITION BY customer_id ORDER BY order_date)
            ),
            steps AS (SELECT * FROM numbered JOIN cohort_of USING (customer_id) WHERE k <= 5),
            per_cohort AS (
                SELECT c.cohort, k.k, count(s.customer_id) AS customers_k,
                       count(s.days) AS customers_next, median(s.days) AS median_days
                FROM (SELECT DISTINCT cohort FROM steps) c CROSS JOIN range(1, 6) k(k)
                LEFT JOIN steps s ON s.cohort = c.cohort AND s.k = k.k
                GROUP BY 1, 2
            ),
            every AS (
                SELECT 'all' AS cohort, k.k, count(s.customer_id) AS customers_k,
                       count(s.days) AS customers_next, median(s.days) AS median_days
                FROM range(1, 6) k(k) LEFT JOIN steps s ON s.k = k.k
                GROUP BY 1, 2
            )
            SELECT *, CASE WHEN customers_k > 0 THEN customers_next / customers_k END
                          AS share_next
            FROM (SELECT * FROM per_cohort UNION ALL SELECT * FROM every)
            ORDER BY cohort = 'all', cohort, k
        """)
        return cohorts_check(grid, steps)

    # -- clv ---------------------------------------------------------------------------------

    @own_connection
    def step_clv(self) -> dict:
        import pandas as pd

        from cxray.analytics.clv import BetaGeoModel, GammaGammaModel, customer_lifetime_value

        d = self.as_of()
        self.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE summary AS
            WITH days AS (
                SELECT customer_id, order_date AS day, sum(amount) AS revenue
                FROM orders
                WHERE customer_id IS NOT NULL AND order_date IS NOT NULL
                  AND amount IS NOT NULL AND order_date <= {d}
                GROUP BY 1, 2
            ),
            births AS (  -- the first order day of any amount
                SELECT customer_id, min(day) AS first_day FROM days GROUP BY 1
            ),
            per AS (  -- repeat purchases: later days whose lines net to more than zero
                SELECT b.customer_id, b.first_day,
                       coalesce(max(d.day), b.first_day) AS last_day,
                       count(d.day) AS frequency, coalesce(sum(d.revenue), 0) AS repeat_revenue
                FROM births b
                LEFT JOIN days d
                  ON d.customer_id = b.customer_id AND d.day > b.first_day AND d.revenue > 1e-9
                GROUP BY 1, 2
            )
            SELECT customer_id, frequency,
                   date_diff('day', first_day, last_day) / 7 AS recency,
                   date_diff('day', first_day, {d}) / 7 AS T,
                   CASE WHEN frequency > 0 THEN repeat_revenue / frequency ELSE 0 END AS monetary
            FROM per
        """)
        counts = self.con.execute("""
            SELECT frequency, recency, T, count(*) AS weight FROM summary GROUP BY ALL
            ORDER BY ALL
        """).df()
        gg_counts = self.con.execute("""
            SELECT frequency, monetary, count(*) AS weight FROM summary
            WHERE frequency > 0 AND monetary > 0 GROUP BY ALL ORDER BY ALL
        """).df()
        bg = BetaGeoModel().fit(counts.frequency, counts.recency, counts["T"], counts.weight)
        gg = GammaGammaModel().fit(gg_counts.frequency, gg_counts.monetary, gg_counts.weight)
        # predictions per distinct summary row, joined back to the customers in SQL
        distinct = self.con.execute(
            "SELECT DISTINCT frequency, recency, T, monetary FROM summary"
        ).df()
        distinct["p_alive"] = bg.p_alive(distinct.frequency, distinct.recency, distinct["T"])
        distinct["expected_purchases"] = bg.conditional_expected_purchases(
            52, distinct.frequency, distinct.recency, distinct["T"]
        )
        distinct["expected_value"] = gg.conditional_expected_average_profit(
            distinct.frequency, distinct.monetary
        )
        distinct["clv"] = customer_lifetime_value(
            bg, gg, distinct, horizon=52, unit="week", discount_rate=0.1, margin=1.0
        )
        self.con.register("predictions", pd.DataFrame(distinct))
        customers = self.con.execute("""
            SELECT s.*, p.p_alive, p.expected_purchases, p.expected_value, p.clv
            FROM summary s JOIN predictions p USING (frequency, recency, T, monetary)
            ORDER BY customer_id
        """).df()
        self.con.unregister("predictions")
        return {
            "customers": len(customers),
            "repeaters": int(round(gg.n_customers_)),
            **bg.params_,
            **gg.params_,
            "p_alive_mean": float(customers.p_alive.mean()),
            "clv_total": float(customers.clv.sum()),
        }
