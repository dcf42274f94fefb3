"""The workspace settings store (cxray.workspace.SETTINGS; `cxray settings`, Session.settings /
get_setting / set_setting): the currency of the report and the CLI's money headings, the global
control share every campaign uses (a campaign file cannot set it), the extra channel spellings
and DuckDB's memory limit."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
from conftest import d, one_line_error
from typer.testing import CliRunner

import cxray
from cxray.cli import app
from cxray.errors import CxrayError
from cxray.report.html import render_html
from cxray.workspace import SETTINGS, Workspace, parse_line_pages

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
        assert ws.settings().value == {
            "currency": None,  # unset, no default
            "global_control_share": 0.05,  # unset: its default
            "channel_synonyms": None,
            "memory_limit": None,
            "offer_stop_phrases": None,
            "web_origins": None,
            "web_consent": "required",
            "web_dnt": "respect",
            "web_rate_visitor": 600,
            "web_rate_address": 6000,
            "web_line_pages": None,
            "web_funnel": None,
        }
        assert ws.settings().to_dict()["global_control_share"] == {
            "value": 0.05, "default": 0.05, "expect": "setting_expect_share",
        }  # fmt: skip
        assert ws.get_setting("currency") is None
    with cxray.open(folder, read_only=False) as ws:
        assert ws.set_setting("currency", " EUR ").value == "EUR"  # surrounding spaces dropped
        ws.set_setting("currency", "₽")  # a symbol; the second value replaces the first
    with cxray.open(folder) as ws:  # kept in the workspace
        assert ws.get_setting("currency") == "₽"
        assert ws.settings().to_dict()["currency"] == {
            "value": "₽", "default": None, "expect": "setting_expect_currency",
        }  # fmt: skip


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
    listed = json.loads(cli(folder, "settings", "list", "--json").stdout)
    assert list(listed) == ["currency", "global_control_share", "channel_synonyms", "memory_limit",
                            "offer_stop_phrases", "web_origins", "web_consent", "web_dnt",
                            "web_rate_visitor", "web_rate_address", "web_line_pages",
                            "web_funnel"]  # fmt: skip
    assert listed["currency"] == {
        "value": "USD", "default": None, "expect": "setting_expect_currency",
    }  # fmt: skip
    assert listed["memory_limit"] == {
        "value": None, "default": None, "expect": "setting_expect_memory",
    }  # fmt: skip
    table = cli(folder, "settings", "list").stdout
    for key in listed:
        assert key in table
    assert "default" in table and "0.05" in table
    # one line and a non-zero exit code for an unknown key or a bad value
    line = one_line_error(cli(folder, "settings", "set", "colour", "red"))
    assert line == (
        "unknown setting 'colour'; known settings: currency, global_control_share, "
        "channel_synonyms, memory_limit, offer_stop_phrases, web_origins, web_consent, web_dnt, "
        "web_rate_visitor, web_rate_address, web_line_pages, web_funnel"
    )
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


# --- the global control share: the workspace's, never a campaign file's -------------------------

IDS = [f"C{i:03d}" for i in range(1, 201)]

CAMPAIGN_YAML = """\
id: spring-news
channel: E-mail
brief:
  why: "w"
  target: "t"
  must_not_receive: "m"
  expected_effect: "e"
  measure: {metric: conversion, window_days: 30}
  client_benefit: "b"
holdout: 0.1
"""


def global_control(ids, share):
    """The global control rule computed here, independently of cxray.comms.holdout: the first
    8 bytes of the SHA-256 of "global-control:<id>", big-endian, over 2**64, below the share."""

    def draw(cid):
        digest = hashlib.sha256(f"global-control:{cid}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    return sorted(c for c in ids if draw(c) < share)


@pytest.fixture
def base(tmp_path):
    """200 customers, each opted in to e-mail with a contact address and one order."""
    path = tmp_path / "base"
    orders = [
        {"order_id": f"o{c}", "customer_id": c, "order_date": d("2026-03-01"), "amount": 10.0}
        for c in IDS
    ]
    consents = [
        {"customer_id": c, "channel": "email", "status": "opt_in", "date": d("2026-01-01")}
        for c in IDS
    ]
    contacts = [{"customer_id": c, "contact_id": "k", "email": f"{c}@example.com"} for c in IDS]
    with Workspace(path, create=True) as ws:
        ws.write("orders", pd.DataFrame(orders))
        ws.write("consents", pd.DataFrame(consents))
        ws.write("contacts", pd.DataFrame(contacts))
    return path


def campaign_file(tmp_path, extra=""):
    path = tmp_path / "spring.yaml"
    path.write_text(CAMPAIGN_YAML + extra, encoding="utf-8")
    return path


def held_out(base, file):
    with cxray.open(base) as ws:
        step = ws.campaign(file).plan().value.step("global_control")
    return step.params["share"], list(step.removed_ids)


def test_the_global_control_share_is_the_workspace_setting(base, tmp_path):
    from cxray.comms.holdout import in_global_control

    file = campaign_file(tmp_path)
    share, removed = held_out(base, file)
    assert share == 0.05 and removed == global_control(IDS, 0.05)
    assert removed == [c for c in IDS if in_global_control(c, 0.05)]
    assert cli(base, "settings", "set", "global_control_share", "0.10").exit_code == 0
    share, wider = held_out(base, file)
    assert share == 0.10 and wider == global_control(IDS, 0.10)
    assert wider == [c for c in IDS if in_global_control(c, 0.10)]
    # raising the share only adds customers, and here it does add some
    assert set(removed) < set(wider)
    # 0 turns the group off
    cli(base, "settings", "set", "global_control_share", "0")
    with cxray.open(base) as ws:
        step = ws.campaign(file).plan().value.step("global_control")
    assert step.off and step.removed == 0


@pytest.mark.parametrize("bad", ["0.6", "-0.01", "5%", "nan", "half", ""])
def test_the_global_control_share_is_a_share_up_to_a_half(folder, bad):
    line = one_line_error(cli(folder, "settings", "set", "--", "global_control_share", bad))
    assert line == (
        f"global_control_share: '{bad}' is not a valid value; expected a share from 0 to 0.5, "
        "e.g. 0.05 for 5% of the customers"
    )
    with cxray.open(folder, read_only=False) as ws:
        assert ws.get_setting("global_control_share") == 0.05  # nothing stored
        assert ws.set_setting("global_control_share", "0,1").value == 0.1  # a decimal comma


@pytest.mark.parametrize(
    "limits", ["limits:\n  global_control_share: 0.02\n", "global_control_share: 0.05\n"]
)
def test_a_campaign_file_that_sets_the_global_control_share_is_refused(base, tmp_path, limits):
    file = campaign_file(tmp_path, limits)
    db = base / "cxray.duckdb"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    out = tmp_path / "lists"
    for command in (["check"], ["plan"], ["export", "--out", str(out)], ["measure"]):
        line = one_line_error(cli(base, "campaign", *command, str(file)))
        assert line == (
            f"{file}: global_control_share is a workspace setting, not a campaign's: remove it "
            "from the file (the share for every campaign is set with "
            "`cxray settings set global_control_share 0.05`)"
        ), command
    assert not out.exists()  # nothing exported
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before  # the workspace unchanged
    with pytest.raises(CxrayError) as err, cxray.open(base) as ws:
        ws.campaign(file)
    assert err.value.key == "campaign_sets_global_control"


# --- channel synonyms -----------------------------------------------------------------------


def test_channel_names_with_the_workspace_extras():
    from cxray.comms.channels import channel_name

    extras = {"мыло": "email", "wa": "whatsapp", "почтой": "E-mail", "mail": "post", "макс": "max"}
    assert channel_name(" Мыло ") == "мыло"  # unknown without the extras: its own channel
    assert channel_name(" Мыло ", extras) == "email"
    assert channel_name("WA", extras) == "whatsapp"
    assert channel_name("почтой", extras) == "email"  # the channel read through the table
    assert channel_name("Mail") == "email"
    assert channel_name("Mail", extras) == "post"  # a workspace spelling wins
    assert channel_name("МАКС", extras) == "max"  # a channel the table does not know
    assert channel_name("E-mail", extras) == "email"  # the built-in spellings stay


def test_channel_synonyms_are_checked_and_shown(folder):
    from cxray.workspace import parse_channel_synonyms

    out = cli(
        folder, "settings", "set", "channel_synonyms", " мыло = email;смска=SMS ;; WA=whatsapp"
    )
    assert out.exit_code == 0, out.output
    assert out.stdout.strip() == "channel_synonyms = мыло=email; смска=sms; wa=whatsapp"
    got = cli(folder, "settings", "get", "channel_synonyms").stdout.strip()
    assert got == "мыло=email; смска=sms; wa=whatsapp"
    assert parse_channel_synonyms(got) == {"мыло": "email", "смска": "sms", "wa": "whatsapp"}
    assert parse_channel_synonyms("a=email\nb = sms") == {"a": "email", "b": "sms"}
    for bad in ("мыло=", "=email", "мыло", "a=b=c", "x=email; X=sms"):
        line = one_line_error(cli(folder, "settings", "set", "channel_synonyms", bad))
        assert line.startswith(f"channel_synonyms: '{bad}' is not a valid value; expected "
                               "spelling=channel pairs")  # fmt: skip
    assert cli(folder, "settings", "get", "channel_synonyms").stdout.strip() == got
    # "" removes the extras
    assert cli(folder, "settings", "set", "channel_synonyms", "").exit_code == 0
    assert cli(folder, "settings", "get", "channel_synonyms").stdout.strip() == "(not set)"


def test_an_opt_out_under_a_workspace_spelling_blocks_the_export(base, tmp_path):
    # C001 and C002 opted out later under "Мыло", C003 under "смска" (another channel)
    late = [
        {"customer_id": c, "channel": ch, "status": "opt_out", "date": d("2026-02-01")}
        for c, ch in (("C001", "Мыло"), ("C002", " мыло "), ("C003", "смска"))
    ]
    with Workspace(base) as ws:
        ws.write("consents", pd.DataFrame(late))
    file = campaign_file(tmp_path)

    def exported(name):
        out = cli(base, "campaign", "export", str(file), "--out", str(tmp_path / name))
        assert out.exit_code == 0, out.output
        target = pd.read_csv(tmp_path / name / "spring-news-target.csv", dtype=str)
        control = pd.read_csv(tmp_path / name / "spring-news-control.csv", dtype=str)
        return set(target.customer_id) | set(control.customer_id)

    # without the setting "мыло" is a channel of its own: its opt-out does not touch e-mail
    assert {"C001", "C002", "C003"} - set(global_control(IDS, 0.05)) <= exported("before")
    cli(base, "settings", "set", "channel_synonyms", "мыло=email; смска=sms")
    after = exported("after")
    assert not {"C001", "C002"} & after  # the opt-out now stops the e-mail campaign
    assert "C003" in after or "C003" in global_control(IDS, 0.05)  # an sms opt-out does not
    with cxray.open(base) as ws:
        plan = ws.campaign(file).plan().value
    assert list(plan.step("no_opt_in").removed_ids) == ["C001", "C002"]


# --- DuckDB's memory limit ------------------------------------------------------------------


def memory_limit(ws):
    return ws.workspace.con.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_the_memory_limit_is_set_when_the_workspace_opens(folder):
    with cxray.open(folder) as ws:
        default = memory_limit(ws)
    # 512 MiB = 512 * 2**20 bytes exactly, shown by DuckDB as "512.0 MiB"
    assert default != "512.0 MiB"
    with cxray.open(folder, read_only=False) as ws:
        assert ws.set_setting("memory_limit", " 512 mib").value == "512MiB"
    with cxray.open(folder) as ws:
        assert ws.get_setting("memory_limit") == "512MiB"
        assert memory_limit(ws) == "512.0 MiB"
    with cxray.open(folder, read_only=False) as ws:
        assert ws.set_setting("memory_limit", "2gb").value == "2GB"
    with cxray.open(folder) as ws:
        # 2 GB = 2 * 10**9 bytes = 1.86 GiB, which DuckDB shows cut to one decimal
        assert memory_limit(ws) == "1.8 GiB"


@pytest.mark.parametrize("bad", ["2", "2 XB", "10MB", "63MiB", "abc", "-1GB", "1PB"])
def test_a_bad_memory_limit_is_refused_in_one_line(folder, bad):
    line = one_line_error(cli(folder, "settings", "set", "--", "memory_limit", bad))
    assert line.startswith(f"memory_limit: '{bad}' is not a valid value; expected a memory size")
    assert cli(folder, "settings", "get", "memory_limit").stdout.strip() == "(not set)"


class LimitRecorder:
    """A progress that notes DuckDB's memory limit of the workspace connection at each step."""

    def __init__(self, con) -> None:
        self.con, self.limits = con, set()

    def __call__(self, done: int, total: int | None) -> None:
        """The counts within a step say nothing of the limit: only the steps are looked at."""

    def step(self, step: str, unit: str, total: int | None) -> None:
        self.limits.add(self.con.execute("SELECT current_setting('memory_limit')").fetchone()[0])


def test_imports_run_under_the_memory_limit_setting(folder, tmp_path):
    csv = tmp_path / "orders.csv"
    csv.write_text("order_id,customer_id,order_date,amount\no9,C,2026-02-13,5\n", "utf-8")
    with Workspace(folder) as ws:
        ws.set_setting("memory_limit", "256MiB")
    with Workspace(folder) as ws:
        seen = LimitRecorder(ws.con.con)
        assert ws.import_file("orders", csv, progress=seen).new == 1
        assert seen.limits == {"256.0 MiB"}  # not the 1GB imports use without the setting
        after = ws.con.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        assert after == "256.0 MiB"  # the workspace's limit again after the import


def test_a_session_over_tables_plans_with_the_default_share(base, tmp_path):
    from cxray.api.session import Session

    with Workspace(base) as ws:
        session = Session.from_tables(ws.tables())
        assert session.get_setting("global_control_share") == 0.05
        assert session.get_setting("channel_synonyms") is None
        step = session.campaign(campaign_file(tmp_path)).plan().value.step("global_control")
    assert step.params["share"] == 0.05
    assert list(step.removed_ids) == global_control(IDS, 0.05)


def test_contact_health_reads_channels_with_the_workspace_spellings(folder):
    sends = [
        {"campaign_id": "x", "customer_id": "A", "sent_at": d("2026-02-01"), "channel": "E-mail"},
        {"campaign_id": "y", "customer_id": "A", "sent_at": d("2026-02-05"), "channel": "Мыло"},
    ]
    with Workspace(folder) as ws:
        ws.write("sends", pd.DataFrame(sends))

    def contacts():
        with cxray.open(folder) as ws:
            rows = ws.contacts_health(as_of="2026-02-12").to_dict()["contacts"]
        return sorted((r["customer_id"], r["channel"], r["sends"]) for r in rows)

    # "E-mail" is email by the built-in table; "мыло" is its own channel until the setting says
    assert contacts() == [("A", "email", 1), ("A", "мыло", 1)]
    cli(folder, "settings", "set", "channel_synonyms", "мыло=email")
    assert contacts() == [("A", "email", 2)]


def test_the_web_collector_settings_are_checked(folder):
    with cxray.open(folder, read_only=False) as ws:
        stored = ws.set_setting(
            "web_origins", " https://Shop.Example:443/, http://127.0.0.1:9000,,"
        )
        assert stored.value == "https://shop.example, http://127.0.0.1:9000"
        assert ws.set_setting("web_origins", "http://[::1]:80").value == "http://[::1]"
        for bad in ("shop.example", "ftp://shop.example", "https://shop.example/path",
                    "https://shop.example?x=1", "https://user@shop.example", "https://:80",
                    "http://shop.example:99999"):  # fmt: skip
            with pytest.raises(CxrayError) as err:
                ws.set_setting("web_origins", bad)
            assert err.value.key == "setting_bad_value", bad
        assert ws.set_setting("web_origins", "").value == ""  # none: the collector accepts none
        assert ws.set_setting("web_consent", " Implied ").value == "implied"
        assert ws.set_setting("web_dnt", "ignore").value == "ignore"
        assert ws.set_setting("web_rate_visitor", "120").value == 120
        for key, bad in (("web_consent", "maybe"), ("web_dnt", "yes"),
                         ("web_rate_visitor", "0"), ("web_rate_address", "1.5"),
                         ("web_rate_address", "10000001")):  # fmt: skip
            with pytest.raises(CxrayError) as err:
                ws.set_setting(key, bad)
            assert err.value.key == "setting_bad_value", (key, bad)
    with cxray.open(folder) as ws:
        assert ws.settings().value["web_rate_visitor"] == 120
        assert ws.get_setting("web_rate_address") == 6000
        assert ws.get_setting("web_origins") == ""


def test_the_line_pages_setting_is_checked(folder):
    with cxray.open(folder, read_only=False) as ws:
        stored = ws.set_setting(
            "web_line_pages", " Cheese = /catalog/cheese* ;\nWine=/catalog/wine*,, /promo/wine* ;"
        )
        assert stored.value == "Cheese=/catalog/cheese*; Wine=/catalog/wine*, /promo/wine*"
        for bad in ("Cheese", "=/catalog/*", "Cheese=", "Cheese=/a b", "A=/a; A=/b", "A=/a=/b"):
            with pytest.raises(CxrayError) as err:
                ws.set_setting("web_line_pages", bad)
            assert err.value.key == "setting_bad_value", bad
    with cxray.open(folder) as ws:
        assert ws.get_setting("web_line_pages") == (
            "Cheese=/catalog/cheese*; Wine=/catalog/wine*, /promo/wine*"
        )
    assert parse_line_pages("Сыры  твёрдые=/c/*, https://shop.example/c/*") == {
        "Сыры твёрдые": ["/c/*", "https://shop.example/c/*"]
    }


def test_the_funnel_setting_is_checked(folder):
    with cxray.open(folder, read_only=False) as ws:
        stored = ws.set_setting("web_funnel", " product view ,add to cart,, order, order ")
        assert stored.value == "product view, add to cart, order"  # in order, each once
        many = ", ".join(f"a{i}" for i in range(11))
        for bad in ("order", "order, order", many):  # a funnel takes 2 to 10 actions
            with pytest.raises(CxrayError) as err:
                ws.set_setting("web_funnel", bad)
            assert err.value.key == "setting_bad_value", bad
        assert ws.set_setting("web_funnel", "").value == ""  # none: no funnel in the report
    with cxray.open(folder) as ws:
        assert ws.get_setting("web_funnel") == ""
