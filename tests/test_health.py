"""Contact health: scores and states of a small fixture, derived by hand.

as_of = 2026-06-30, half-life 90 days: a send's weight is 2 ** (-age / 90):

    sent        age   weight
    2026-01-01  180   0.250000
    2026-02-01  149   0.317415
    2026-03-01  121   0.393806
    2026-04-01   90   0.500000
    2026-05-01   60   0.629961
    2026-06-01   29   0.799837
    2026-06-10   20   0.857244
    2026-06-20   10   0.925875
    2026-06-30    0   1.000000

The six monthly sends (Jan..Jun, 1st) weigh 2.891019 together.
score = clip(50 + 10 * opened + 15 * clicked - 8 * ignored, 0, 100) on weighted counts.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cxray.comms.health import contact_health

AS_OF = dt.date(2026, 6, 30)
MONTHLY = [f"2026-0{m}-01" for m in range(1, 7)]


def send(customer, day, campaign=None, channel="email", group="target", **events):
    return {
        "campaign_id": campaign or f"news-{day}",
        "customer_id": customer,
        "sent_at": f"{day} 10:00:00",
        "channel": channel,
        "group": group,
        **{k: f"{v} 11:00:00" for k, v in events.items() if v is not None},
    }


ROWS = (
    # A: opens all six monthly sends, clicks the June one; the 06-30 send is opened only on
    # 07-01 (after as_of: ignored at as_of); a send after as_of does not count; no group label
    [send("A", d, group=None, opened_at=d) for d in MONTHLY[:5]]
    + [send("A", "2026-06-01", group=None, opened_at="2026-06-01", clicked_at="2026-06-01")]
    + [send("A", "2026-06-30", opened_at="2026-07-01")]
    + [send("A", "2026-07-05", opened_at="2026-07-05")]
    # A's SMS address: one send, SMS has no opens
    + [send("A", "2026-06-01", channel="sms")]
    # B: never opens six monthly sends; a control row of a campaign is not a send
    + [send("B", d) for d in MONTHLY]
    + [send("B", "2026-06-15", campaign="promo", group="control")]
    # C: three recent sends, none opened
    + [send("C", d) for d in ("2026-06-10", "2026-06-20", "2026-06-30")]
    # D: opens March and April, unsubscribes from the June send
    + [send("D", d, opened_at=d) for d in ("2026-03-01", "2026-04-01")]
    + [send("D", "2026-05-01"), send("D", "2026-06-01", unsubscribed_at="2026-06-02")]
    # E: complains about the May send
    + [send("E", "2026-05-01", complained_at="2026-05-01"), send("E", "2026-06-01")]
    # F: a click without a tracked open
    + [send("F", "2026-06-01", clicked_at="2026-06-02")]
    # G: opened only the oldest (January) of six sends: the last five were not opened
    + [send("G", d, opened_at=d if d == MONTHLY[0] else None) for d in MONTHLY]
    # H: opened only February, the fifth send from the last
    + [send("H", d, opened_at=d if d == MONTHLY[1] else None) for d in MONTHLY]
)  # fmt: skip


@pytest.fixture
def sends(load):
    return load("sends", ROWS)


def by_contact(table) -> dict[tuple[str, str], dict]:
    return {(r["customer_id"], r["channel"]): r for r in table.to_pyarrow().to_pylist()}


def test_scores_by_hand(sends):
    h = by_contact(contact_health(sends, as_of=AS_OF))
    expected = {
        # 50 + 10 * 2.891019 + 15 * 0.799837 - 8 * 1.0 (06-30, unopened at as_of) = 82.907745
        ("A", "email"): 82.9,
        # 50 - 8 * 0.799837 = 43.601304
        ("A", "sms"): 43.6,
        # 50 - 8 * 2.891019 = 26.871848
        ("B", "email"): 26.9,
        # 50 - 8 * (0.857244 + 0.925875 + 1.0) = 27.735048
        ("C", "email"): 27.7,
        ("D", "email"): 0.0,  # unsubscribed
        ("E", "email"): 0.0,  # complained
        # 50 + 10 * 0.799837 + 15 * 0.799837 = 69.995925
        ("F", "email"): 70.0,
        # 50 + 10 * 0.25 - 8 * (2.891019 - 0.25) = 31.371848
        ("G", "email"): 31.4,
        # 50 + 10 * 0.317415 - 8 * (2.891019 - 0.317415) = 32.585318
        ("H", "email"): 32.6,
    }
    assert {k: r["score"] for k, r in h.items()} == pytest.approx(expected, abs=1e-9)
    # an opener ranks above an ignorer, and the order follows engagement
    ranking = sorted(h, key=lambda k: -h[k]["score"])
    assert ranking[:7] == [
        ("A", "email"),
        ("F", "email"),
        ("A", "sms"),
        ("H", "email"),
        ("G", "email"),
        ("C", "email"),
        ("B", "email"),
    ]


def test_states(sends):
    h = by_contact(contact_health(sends, as_of=AS_OF))
    states = {k: r["state"] for k, r in h.items()}
    assert states == {
        ("A", "email"): "healthy",
        ("A", "sms"): "healthy",
        ("B", "email"): "dormant",  # the last five sends not opened
        ("C", "email"): "at_risk",  # score 27.7 < 30, only three sends: not dormant yet
        ("D", "email"): "unsubscribed",
        ("E", "email"): "unsubscribed",
        ("F", "email"): "healthy",
        ("G", "email"): "dormant",  # opened six sends ago: the last five not opened
        ("H", "email"): "healthy",  # opened five sends ago: not dormant, score 32.6
    }


def test_counts_and_dates(sends):
    h = by_contact(contact_health(sends, as_of=AS_OF))
    a = h[("A", "email")]
    # seven sends up to as_of (07-05 is later); the 06-30 open happened on 07-01
    assert (a["sends"], a["opens"], a["clicks"]) == (7, 6, 1)
    assert a["last_sent"] == dt.datetime(2026, 6, 30, 10)
    assert a["last_open"] == dt.datetime(2026, 6, 1, 11)
    assert h[("B", "email")]["sends"] == 6  # the control row does not count
    assert h[("B", "email")]["last_open"] is None
    d = h[("D", "email")]
    assert (d["sends"], d["opens"], d["unsubscribes"], d["complaints"]) == (4, 2, 1, 0)
    assert h[("E", "email")]["complaints"] == 1
    f = h[("F", "email")]
    assert (f["opens"], f["clicks"]) == (1, 1)  # a click counts as an open
    assert f["last_open"] == dt.datetime(2026, 6, 2, 11)


def test_parameters(sends):
    # no decay: B = 50 - 8 * 6 = 2
    flat = by_contact(contact_health(sends, as_of=AS_OF, half_life_days=1e12))
    assert flat[("B", "email")]["score"] == pytest.approx(2.0)
    # dormant after three unopened sends: C and H join B and G; A's last three include opens
    strict = by_contact(contact_health(sends, as_of=AS_OF, dormant_after=3))
    dormant = sorted(k[0] for k, r in strict.items() if r["state"] == "dormant")
    assert dormant == ["B", "C", "G", "H"]
    # an earlier as_of sees less history: on 2026-03-15 G had opened its January send
    # among its last three sends (Jan, Feb, Mar)
    early = by_contact(contact_health(sends, as_of=dt.date(2026, 3, 15)))
    assert early[("G", "email")]["sends"] == 3
    assert early[("G", "email")]["state"] != "dormant"
    assert ("C", "email") not in early
    with pytest.raises(ValueError):
        contact_health(sends, as_of=AS_OF, half_life_days=0)
    with pytest.raises(TypeError):
        contact_health(sends, as_of="2026-06-30")
