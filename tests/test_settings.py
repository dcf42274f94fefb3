"""The workspace settings store (cxray.workspace.SETTINGS; `cxray settings`, Session.settings /
get_setting / set_setting) and the currency it gives the report and the CLI's money headings."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import d, one_line_error
from typer.testing import CliRunner

import cxray
from cxray.cli import app
from cxray.errors import CxrayError
from cxray.report.html import render_html
from cxray.workspace import SETTINGS, Workspace

runner = CliRunner()

ORDERS = [
    {"order_id": "o1", "customer_id": "A", "order_date": d("2026-01-10"), "amount": 100.0,
     "sku": "s1"},
    {"order_id": "o2", "customer_id": "A", "order_date": d("2026-02-10"), "amount": 80.0,
     "sku": "s1"},
    {"order_id": "o3", "customer_id": "B", "order_date": d("2026-02-12"), "amount": 30.0,
     "sku": "s2"},
]  # fmt: skip


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "ws"
    with Workspace(path, create=True) as ws:
        ws.write("orders", pd.DataFrame(ORDERS))
    return path


def cli(folder, *args: str):
    return runner.invoke(app, ["-w", str(folder), *args])


def test_settings_set_get_list_through_the_api(folder):
    with cxray.open(folder) as ws:
        assert ws.settings().to_dict() == {"currency": None}  # unset, no default
        assert ws.get_setting("currency") is None
    with cxray.open(folder, read_only=False) as ws:
        assert ws.set_setting("currency", " EUR ").value == "EUR"  # surrounding spaces dropped
        ws.set_setting("currency", "₽")  # a symbol; the second value replaces the first
    with cxray.open(folder) as ws:  # kept in the workspace
        assert ws.get_setting("currency") == "₽"
        assert ws.settings().to_dict() == {"currency": "₽"}


def test_unknown_keys_and_bad_values_are_refused(folder):
    with cxray.open(folder, read_only=False) as ws:
        with pytest.raises(CxrayError) as err:
            ws.set_setting("colour", "red")
        assert err.value.key == "setting_unknown"
        with pytest.raises(CxrayError) as err:
            ws.get_setting("colour")
        assert err.value.key == "setting_unknown"
        for bad in ("", "euro cents", "X" * 13):
            with pytest.raises(CxrayError) as err:
                ws.set_setting("currency", bad)
            assert err.value.key == "setting_bad_value"
        assert ws.get_setting("currency") is None  # nothing stored
    with cxray.open(folder) as ws, pytest.raises(CxrayError) as err:
        ws.set_setting("currency", "EUR")
    assert err.value.key == "read_only_session"


def test_every_known_setting_has_a_checker_and_an_expectation_text():
    from cxray.texts import TEXTS

    for spec in SETTINGS.values():
        assert spec.expect in TEXTS and callable(spec.parse)


def test_the_cli_settings_commands(folder):
    out = cli(folder, "settings", "set", "currency", "USD")
    assert out.exit_code == 0, out.output
    assert out.stdout.strip() == "currency = USD"
    assert cli(folder, "settings", "get", "currency").stdout.strip() == "USD"
    listed = cli(folder, "settings", "list", "--json")
    assert json.loads(listed.stdout) == {"currency": "USD"}
    assert "currency" in cli(folder, "settings", "list").stdout
    # one line and a non-zero exit code for an unknown key or a bad value
    line = one_line_error(cli(folder, "settings", "set", "colour", "red"))
    assert line == "unknown setting 'colour'; known settings: currency"
    line = one_line_error(cli(folder, "settings", "get", "colour"))
    assert line.startswith("unknown setting 'colour'")
    line = one_line_error(cli(folder, "settings", "set", "currency", "a b"))
    assert line.startswith("currency: 'a b' is not a valid value; expected a currency code")
    assert cli(folder, "settings", "get", "currency").stdout.strip() == "USD"


def test_currency_in_the_report_from_the_option_or_the_setting(folder):
    with cxray.open(folder) as ws:
        plain = render_html(ws.report().value)
        given = ws.report(currency="RUB")
        assert given.to_dict()["currency"] == "RUB"
        html = render_html(given.value)
        ru = render_html(given.value, lang="ru")
    assert "RUB" not in plain and ", EUR" not in plain
    assert "revenue, active window, RUB" in html  # the headline card
    assert "выручка активного окна, RUB" in ru
    with cxray.open(folder, read_only=False) as ws:
        ws.set_setting("currency", "EUR")
    with cxray.open(folder) as ws:
        kept = ws.report()
        assert kept.value.currency == "EUR"
        assert "revenue, active window, EUR" in render_html(kept.value)
        # --currency wins over the setting
        assert ws.report(currency="USD").value.currency == "USD"
        with pytest.raises(CxrayError):
            ws.report(currency="not a code")


def test_the_report_command_takes_currency_and_prints_its_date(folder, tmp_path):
    out_file = tmp_path / "r.html"
    out = cli(folder, "report", "--out", str(out_file), "--currency", "EUR")
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines()[0] == "As of 2026-02-12"
    html = out_file.read_text(encoding="utf-8")
    assert "revenue, active window, EUR" in html
    # the data covers 34 days (2026-01-10 .. 2026-02-12): the report says so before any figure
    assert "Read with care" in html and "Regular clients need 12 months" in html


def test_money_headings_of_the_cli_carry_the_setting(folder):
    from cxray.terminal import money_headers

    assert money_headers(["clv"], None) == {}
    assert money_headers(["clv"], "EUR") == {"clv": "clv, EUR"}
    assert "EUR" not in cli(folder, "rfm").stdout
    cli(folder, "settings", "set", "currency", "EUR")
    assert (
        "EUR" in cli(folder, "rfm").stdout
    )  # the mean_monetary heading (wrapped in a narrow terminal)
