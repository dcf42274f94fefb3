"""Consent fails safe on messy data: channel spellings meet, an undated opt-out wins, promises
are read in English and Russian phrases, and a promise that cannot be read sends nothing."""

from __future__ import annotations

import pytest
from conftest import d

from cxray.comms.campaign import check_campaign
from cxray.comms.channels import channel_name
from cxray.comms.plan import parse_promised_frequency, plan_campaign

AS_OF = d("2026-11-01")
IDS = ["E1", "E2", "E3", "E4", "O1", "O2", "W1", "W2", "W3", "U1"]

CAMPAIGN = {
    "id": "safety",
    "channel": "E-Mail",
    "start": "2026-11-02",
    "brief": {
        "why": "w", "target": "t", "must_not_receive": "m", "expected_effect": "e",
        "measure": {"metric": "conversion", "window_days": 30, "scope": "all"},
        "client_benefit": "b",
    },
    "holdout": 0.1,
}  # fmt: skip


def consent(cid, channel="email", status="opt_in", date="2026-01-01", promise=None):
    return {
        "customer_id": cid, "channel": channel, "status": status, "contact_id": "c1",
        "promised_frequency": promise, "date": d(date) if date else None,
    }  # fmt: skip


CONSENTS = [
    # opted in under four spellings of e-mail: all on the campaign's channel
    consent("E1", "email"), consent("E2", "E-mail"), consent("E3", "эл. почта"),
    consent("E4", " Электронная  почта "),
    # opted out under another spelling after opting in: out
    consent("O1", "email"), consent("O1", "e-mail", "opt_out", "2026-06-01"),
    # an opt-out without a date wins over a later-dated opt-in
    consent("O2", "email", "opt_out", None), consent("O2", "email", "opt_in", "2026-10-01"),
    # promises in words, each already used up by one send this week / month
    consent("W1", promise="раз в неделю"), consent("W2", promise="twice a month"),
    consent("W3", promise="ежемесячно"),
    # a promise no one can read
    consent("U1", promise="как договоримся"),
]  # fmt: skip
SENDS = [
    {"campaign_id": "x", "customer_id": "W1", "sent_at": d("2026-10-30"), "channel": "EMAIL"},
    {"campaign_id": "x", "customer_id": "W2", "sent_at": d("2026-10-10"), "channel": "e-mail"},
    {"campaign_id": "y", "customer_id": "W2", "sent_at": d("2026-10-20"), "channel": "email"},
    {"campaign_id": "x", "customer_id": "W3", "sent_at": d("2026-10-15"), "channel": "эл.почта"},
]


@pytest.fixture
def plan(load):
    tables = {
        "customers": load("customers", [{"customer_id": c} for c in IDS]),
        "consents": load("consents", CONSENTS),
        "sends": load("sends", SENDS),
    }
    campaign = check_campaign(CAMPAIGN, "c.yaml")
    return plan_campaign(campaign, tables, as_of=AS_OF, global_control_share=0)


def test_channel_spellings_meet_and_undated_opt_outs_win(plan):
    assert plan.channel == "email"
    assert list(plan.step("no_opt_in").removed_ids) == ["O1", "O2"]


def test_promises_in_words_are_kept(plan):
    # W1: once a week, sent 2026-10-30; W2: twice a month, sent twice in October; W3: monthly,
    # sent 2026-10-15: one more send would break each promise
    assert list(plan.step("promised_frequency").removed_ids) == ["W1", "W2", "W3"]


def test_a_promise_that_cannot_be_read_sends_nothing(plan):
    assert list(plan.step("unreadable_promise").removed_ids) == ["U1"]
    assert [n.params["value"] for n in plan.notes if n.key == "note_unparsed_promise"] == [
        "как договоримся"
    ]
    assert sorted(plan.final_ids) == ["E1", "E2", "E3", "E4"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("раз в неделю", (1, "week")), ("два раза в месяц", (2, "month")),
        ("2 раза в неделю", (2, "week")), ("не чаще 3 раз в месяц", (3, "month")),
        ("ежемесячно", (1, "month")), ("Еженедельно", (1, "week")), ("ежедневно", (1, "day")),
        ("twice a month", (2, "month")), ("once a week", (1, "week")), ("weekly", (1, "week")),
        ("no more than 2/month", (2, "month")), ("at most 4 per quarter", (4, "quarter")),
        ("2/month", (2, "month")), ("0/month", (0, "month")),
        ("раз в 2 недели", None), ("often", None), ("как договоримся", None),
    ],
)  # fmt: skip
def test_promise_phrases(text, expected):
    assert parse_promised_frequency(text) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [("E-mail", "email"), ("EMAIL", "email"), ("эл. почта", "email"), ("СМС", "sms"),
     ("Телефон", "phone"), ("telegram", "telegram"), ("Fax", "fax")],
)  # fmt: skip
def test_channel_names(text, name):
    assert channel_name(text) == name
