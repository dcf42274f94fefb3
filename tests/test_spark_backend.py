"""cxray on Spark through a backend URL (``--backend`` / ``CXRAY_BACKEND``)."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest
from conftest import clear_spark, d

from cxray.analytics import structure
from cxray.api import Session
from cxray.workspace import Workspace, is_spark_url, spark_conf


def test_spark_urls_name_the_master_and_properties(tmp_path):
    assert is_spark_url("pyspark://") and is_spark_url("spark://host:7077")
    assert not is_spark_url("postgres://user@host/db")

    conf = spark_conf("spark://head:7077?spark.executor.memory=8g", tmp_path)
    assert conf["spark.master"] == "spark://head:7077"
    assert conf["spark.executor.memory"] == "8g"
    # a cluster keeps its own warehouse and metastore
    assert "spark.sql.warehouse.dir" not in conf
    assert "spark.sql.catalogImplementation" not in conf

    long = spark_conf("pyspark://?spark.master=spark://head:7077&spark.driver.memory=4g", tmp_path)
    assert long["spark.master"] == "spark://head:7077" and long["spark.driver.memory"] == "4g"

    local = spark_conf("pyspark://", tmp_path / "ws")
    assert local["spark.master"] == "local[*]"
    assert local["spark.sql.catalogImplementation"] == "hive"
    assert local["spark.sql.warehouse.dir"] == str(tmp_path / "ws" / "spark" / "warehouse")
    assert (
        str(tmp_path / "ws" / "spark" / "metastore")
        in local["spark.hadoop.javax.jdo.option.ConnectionURL"]
    )
    # the URL's own properties win over the defaults
    mine = spark_conf("pyspark://?spark.master=local[2]&spark.sql.warehouse.dir=/w", tmp_path)
    assert (mine["spark.master"], mine["spark.sql.warehouse.dir"]) == ("local[2]", "/w")

    for bad in ("pyspark://head:7077", "pyspark:///some/path", "spark://"):
        with pytest.raises(ValueError):
            spark_conf(bad, tmp_path)


@pytest.mark.spark
def test_workspace_on_a_spark_url(spark, tmp_path):
    """A workspace opened with a Spark URL inside a running Spark application joins its session,
    writes and upserts tables there, runs the analytics, and leaves the session running."""
    orders = pd.DataFrame(
        {
            "order_id": ["1", "2", "3"],
            "customer_id": ["a", "a", "b"],
            "order_date": [d("2026-01-10"), d("2026-06-10"), d("2026-03-01")],
            "amount": [100.0, 50.0, 30.0],
        }
    )
    clear_spark(spark)
    try:
        url = "pyspark://?spark.sql.shuffle.partitions=1"
        with Workspace(tmp_path / "ws", backend=url, create=True) as ws:
            assert ws.con.name == "pyspark" and not ws.is_duckdb
            assert ws.write("orders", orders) == (3, 0, 0)
            assert ws.write("orders", orders) == (0, 0, 3)  # natural keys: nothing changes
            assert ws.has("orders")
            t = ws.tables()
            funnel = structure.funnel(
                t["customers"],
                t["contacts"],
                t["interactions"],
                t["orders"],
                as_of=d("2026-10-31"),
            )
            assert (funnel.known, funnel.active) == (2, 2)
            # the API on Spark: the customer status cached in the session, released on close
            with Session(ws) as session:
                shape = session.structure(as_of=d("2026-10-31"))
                assert (shape.known, shape.active, shape.key) == (2, 2, 1)
                found = session.alerts(as_of=d("2026-10-31")).to_dict()["alerts"]
                on_duckdb = Session.from_tables({"orders": ibis.memtable(orders)})
                expected = on_duckdb.alerts(as_of=d("2026-10-31")).to_dict()["alerts"]
                assert [(a["kind"], a["customer_id"]) for a in found] == [
                    (a["kind"], a["customer_id"]) for a in expected
                ]
                assert session.rfm(as_of=d("2026-10-31")).to_arrow("customers").num_rows == 2
        assert spark.range(1).count() == 1  # the shared session still runs
    finally:
        clear_spark(spark)
