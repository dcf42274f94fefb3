"""A campaign's default as-of: the later of the last order and the last send, in the API
(``session.campaign(...)``) and in every campaign command, which prints it."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
import yaml
from conftest import d
from test_campaign import MINIMAL
from typer.testing import CliRunner

import cxray
from cxray.cli import app
from cxray.workspace import Workspace

runner = CliRunner()

# the minimal campaign (revenue over 14 days) by e-mail, sent from 2026-03-01
CAMPAIGN = {**MINIMAL, "id": "k1", "channel": "email", "start": "2026-03-01", "holdout": 0.5}


def order(order_id: str, customer: str, day: str) -> dict:
    return {"order_id": order_id, "customer_id": customer, "order_date": d(day), "amount": 10.0}


def send(customer: str, group: str, at: dt.datetime) -> dict:
    return {"campaign_id": "k1", "customer_id": customer, "channel": "email", "group": group,
            "sent_at": at}  # fmt: skip


ORDERS = [order("o1", "A", "2026-02-10"), order("o2", "B", "2026-03-31")]
# the last send is on 2026-04-14 at 09:30, two weeks after the last order (2026-03-31)
LATE_SENDS = [send("A", "target", dt.datetime(2026, 3, 1, 10)),
              send("B", "control", dt.datetime(2026, 4, 14, 9, 30))]  # fmt: skip
# the last send is on 2026-03-02, before the last order
EARLY_SENDS = [send("A", "target", dt.datetime(2026, 3, 1, 10)),
               send("B", "control", dt.datetime(2026, 3, 2, 23, 59))]  # fmt: skip

CASES = {
    "sends_later": (LATE_SENDS, "2026-04-14"),
    "orders_later": (EARLY_SENDS, "2026-03-31"),
    "no_sends": ([], "2026-03-31"),
}


@pytest.fixture(params=list(CASES))
def case(request, tmp_path):
    sends, day = CASES[request.param]
    folder = tmp_path / request.param
    with Workspace(folder, create=True) as ws:
        ws.write("orders", pd.DataFrame(ORDERS))
        if sends:
            ws.write("sends", pd.DataFrame(sends))
    path = tmp_path / "k1.yaml"
    path.write_text(yaml.safe_dump(CAMPAIGN), encoding="utf-8")
    return folder, path, d(day)


def test_the_api_defaults_to_the_later_of_orders_and_sends(case):
    folder, path, day = case
    with cxray.open(folder) as ws:
        campaign = ws.campaign(path)
        assert campaign.plan().as_of == day
        if folder.name != "no_sends":  # nothing to measure without the campaign's sends
            assert campaign.measure().as_of == day
        assert campaign.export(folder.parent / "lists").as_of == day
        assert ws.campaign(CAMPAIGN).plan().as_of == day
        # an explicit as-of wins
        assert campaign.plan("2026-02-20").as_of == d("2026-02-20")


@pytest.mark.parametrize("command", ["plan", "measure", "export"])
def test_every_campaign_command_prints_the_default_as_of(case, command):
    folder, path, day = case
    if command == "measure" and folder.name == "no_sends":
        out = runner.invoke(app, ["-w", str(folder), "campaign", command, str(path)])
        assert out.exit_code == 1 and "no sends with this campaign_id" in out.output
        return
    argv = ["-w", str(folder), "campaign", command, str(path)]
    extra = ["--out", str(folder.parent / "lists")] if command == "export" else []
    out = runner.invoke(app, [*argv, *extra])
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines()[0] == f"As of {day.isoformat()}"
    if command == "measure":  # one control customer: the warning once, no interval to print
        assert out.output.count("fewer than 100: too small to conclude") == 1
        assert "Incremental revenue: +0 (95% CI - to -)" in out.stdout
    extra = ["--out", str(folder.parent / "lists2")] if command == "export" else []
    printed = json.loads(runner.invoke(app, [*argv, *extra, "--json"]).stdout)
    found = printed["plan"]["as_of"] if command == "export" else printed["as_of"]
    assert found == day.isoformat()
