"""The Python API: opening a workspace, results, defaults resolved once, shared intermediates."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pyarrow as pa
import pytest
from conftest import d

import cxray
from cxray.analytics import structure as st
from cxray.api import Session
from cxray.errors import CxrayError

ORDERS = [
    # A buys every month of 2026; B twice; C once
    *[
        {"order_id": f"A{m}", "customer_id": "A", "order_date": d(f"2026-{m:02d}-10"),
         "amount": 100.0, "sku": "m1"}
        for m in range(1, 13)
    ],
    {"order_id": "B1", "customer_id": "B", "order_date": d("2026-03-01"), "amount": 50.0},
    {"order_id": "B2", "customer_id": "B", "order_date": d("2026-09-01"), "amount": 70.0},
    {"order_id": "C1", "customer_id": "C", "order_date": d("2026-05-05"), "amount": 40.0},
]  # fmt: skip


@pytest.fixture
def workspace(tmp_path):
    """A workspace made by importing an orders file through the API."""
    path = tmp_path / "orders.csv"
    pd.DataFrame(ORDERS).to_csv(path, index=False)
    folder = tmp_path / "ws"
    result = cxray.import_file("orders", path, workspace=folder)
    assert result.to_dict()["new"] == len(ORDERS)
    return folder


def test_open_a_missing_workspace_raises_and_creates_nothing(tmp_path):
    missing = tmp_path / "no-such-dir"
    with pytest.raises(CxrayError) as err:
        cxray.open(missing)
    assert err.value.key == "no_workspace"
    assert str(missing) in err.value.message()
    assert not missing.exists()
    assert not cxray.api.exists(missing)


def test_a_failed_first_import_leaves_no_workspace(tmp_path):
    bad = tmp_path / "empty.csv"
    bad.write_text("")
    with pytest.raises(CxrayError):
        cxray.import_file("orders", bad, workspace=tmp_path / "ws")
    assert not (tmp_path / "ws").exists()


def test_default_as_of_is_the_latest_order_date(workspace):
    with cxray.open(workspace) as ws:
        assert ws.latest_order_date() == d("2026-12-10")
        assert ws.resolve_as_of(None) == d("2026-12-10")
        assert ws.resolve_as_of("01.06.2026") == d("2026-06-01")
        assert ws.structure().as_of == d("2026-12-10")
        with pytest.raises(CxrayError) as err:
            ws.rfm(as_of="2026-13-01")
    assert err.value.key == "bad_date_option"


def test_as_of_is_required_without_orders(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("customer_id\nX\n")
    cxray.import_file("customers", path, workspace=tmp_path / "ws")
    with cxray.open(tmp_path / "ws") as ws, pytest.raises(CxrayError) as err:
        ws.structure()
    assert "--as-of is required" in err.value.message()


def test_result_gives_dict_pandas_arrow_and_attributes(workspace):
    with cxray.open(workspace) as ws:
        result = ws.structure(as_of=d("2026-12-31"))
    # by hand: A (1,200), B (120) and C (40) are active; A alone gives 88% >= 70%
    assert result.to_dict()["active"] == 3
    assert result.key == 1 and result.known == 3 and result.regular == 0
    assert result.value.key_revenue_share == pytest.approx(1200 / 1360)
    funnel = result.to_pandas()
    assert list(funnel["stage"]) == ["known", "reachable", "active", "regular", "key"]
    assert list(funnel["customers"]) == [3, 0, 3, 0, 1]  # A bought in 2026 only: not regular
    assert isinstance(result.to_arrow("pareto_curve"), pa.Table)
    assert result.to_arrow("pareto_curve").num_rows == 3
    with pytest.raises(KeyError):
        result.to_pandas("no-such-table")
    assert json.loads(result.to_json())["key"] == 1
    assert "structure as of 2026-12-31" in repr(result)
    assert "<table" in result._repr_html_()


def test_read_only_session_refuses_writes_with_a_clear_error(workspace, tmp_path):
    path = tmp_path / "more.csv"
    pd.DataFrame(ORDERS[:1]).to_csv(path, index=False)
    with cxray.open(workspace) as ws:
        with pytest.raises(CxrayError) as err:
            ws.import_file("orders", path)
        assert err.value.key == "read_only_session"
        with pytest.raises(CxrayError):
            ws.followups()
    with cxray.open(workspace, read_only=False) as ws:
        assert ws.import_file("orders", path).to_dict()["unchanged"] == 1
        assert ws.followups().to_dict()["summary"]["total"] == 0


def test_customer_status_and_clv_are_computed_once_per_date(workspace, monkeypatch):
    calls = {"status": 0}
    real = st.customer_status

    def counted(*args, **kwargs):
        calls["status"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(st, "customer_status", counted)
    with cxray.open(workspace) as ws:
        ws.structure(as_of="2026-12-31")
        ws.structure(as_of="2026-12-31")
        assert calls["status"] == 1
        ws.structure(as_of="2026-11-30")
        assert calls["status"] == 2
        assert ws.clv_fit("2026-12-31") is ws.clv_fit(d("2026-12-31"))
        # the clv command with default options reuses the same fit
        assert ws.clv("2026-12-31").value is ws.clv_fit("2026-12-31")


def test_a_session_over_your_own_tables(load):
    orders = load("orders", ORDERS)
    session = Session.from_tables({"orders": orders})
    result = session.rfm(as_of=d("2026-12-31"))
    assert {r["customer_id"] for r in result.customers} == {"A", "B", "C"}
    a = next(r for r in result.customers if r["customer_id"] == "A")
    assert a["frequency"] == 12 and a["monetary"] == pytest.approx(1200.0)
    with pytest.raises(CxrayError):
        session.status()


def test_campaign_check_works_without_a_workspace(tmp_path):
    from cxray.demo import campaign_files

    result = cxray.campaign(campaign_files()[0]).check()
    assert result.to_dict()["ok"] is True
    assert result.to_dict()["needs_clv"] == []
    with pytest.raises(CxrayError):
        cxray.campaign(campaign_files()[0]).plan()
    with pytest.raises(CxrayError) as err:
        cxray.campaign({"id": "x"}).check()
    assert err.value.key.startswith("campaign_")


def test_json_payloads_carry_no_translated_text(workspace):
    from cxray import texts

    with cxray.open(workspace) as ws:
        texts.set_lang("ru")
        ru = ws.whitespace(as_of="2026-12-31")
        texts.set_lang("en")
        en = ws.whitespace(as_of="2026-12-31")
    assert ru.to_dict() == en.to_dict()
    # no product lines known, and 11 months of orders against the 24-month window: warning
    # codes, shown in the user's language by the shells
    assert [w.code for w in en.warnings] == ["coverage_active", "whitespace_needs_lines"]


def test_open_accepts_a_backend_url_in_place_of_a_path(tmp_path):
    url = f"duckdb://{tmp_path / 'other.duckdb'}"
    with cxray.open(url) as ws:
        assert ws.workspace.backend_url == url
        assert ws.status().to_dict()["tables"][0]["rows"] == 0


def test_demo_date_is_defined_once():
    from cxray.api import DEMO_AS_OF
    from cxray.demo import DEFAULT_AS_OF

    assert DEMO_AS_OF is DEFAULT_AS_OF == dt.date(2026, 10, 31)


def test_a_second_session_in_another_mode_is_refused_clearly(workspace):
    with cxray.open(workspace), pytest.raises(CxrayError) as err:
        cxray.open(workspace, read_only=False)
    assert err.value.key == "workspace_open_twice"
    with cxray.open(workspace, read_only=False) as ws:  # once the first is closed, it opens
        assert ws.status().to_dict()["tables"][0]["table"] == "customers"


def test_closing_releases_cached_tables_quietly(workspace):
    ws = cxray.open(workspace)
    status = ws.customer_status("2026-12-31")
    assert status.count().to_pyarrow().as_py() == 3
    ws.close()
    assert ws._cache == {}


def test_lazy_payloads_are_built_once_and_match_the_tables(workspace):
    with cxray.open(workspace) as ws:
        result = ws.rfm(as_of="2026-12-31")
    assert callable(result.payload)  # nothing turned into Python rows yet
    assert result.to_arrow("customers").num_rows == 3
    first = result.to_dict()
    assert result.to_dict() is first
    assert first["customers"] == result.to_arrow("customers").to_pylist()
