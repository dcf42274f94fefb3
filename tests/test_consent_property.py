"""Consent property: on random messy consent data (channel spellings, undated rows, opt-outs,
promises in words or unreadable, past sends, caps), no customer a campaign exports breaks the
latest consent, a promise, the global cap or the global control group.

The oracle (tests/stress/generators.py, ``consent_violations``) is plain Python written from
the rules in README.md, independent of cxray's plan: its own channel table, its own promise
table, its own date windows and the global-control hash written out.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from stress.generators import AS_OF, consent_violations, consent_worlds, exported_ids

from cxray.workspace import Workspace

_runs = itertools.count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("consent")


@pytest.fixture(scope="module")
def workspace(folder):
    with Workspace(folder / "ws", create=True) as ws:
        yield ws


@seed(20261206)
@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(world=consent_worlds(), share=st.sampled_from([0.0, 0.05, 0.3, 0.5]))
def test_no_exported_customer_breaks_a_consent_a_promise_a_cap_or_the_global_control(
    world, share, workspace, folder
):
    ids = exported_ids(workspace, world, share, folder / f"out{next(_runs)}")
    assert len(ids) == len(set(ids))
    assert consent_violations(world, ids, AS_OF, share) == []


def test_the_oracle_can_fail():
    # one customer opted in and then out, one never opted in, one promised once a week and sent
    # to this week: each exported would be a violation
    world = {
        "consents": [
            {"customer_id": "A", "channel": "E-mail", "status": "opt_in",
             "date": AS_OF.replace(month=1), "promised_frequency": None},
            {"customer_id": "A", "channel": " EMAIL ", "status": "opt_out", "date": None,
             "promised_frequency": None},
            {"customer_id": "C", "channel": "email", "status": "opt_in", "date": None,
             "promised_frequency": "раз в неделю"},
        ],
        "sends": [],
        "campaign": {"channel": "эл. почта"},
    }  # fmt: skip
    world["sends"].append(
        {"customer_id": "C", "channel": "e-mail", "group": None,
         "sent_at": dt.datetime.combine(AS_OF - dt.timedelta(days=2), dt.time(9))}
    )  # fmt: skip
    assert [v.split(":")[0] for v in consent_violations(world, ["A", "B", "C"], AS_OF, 0)] == [
        "A", "B", "C"
    ]  # fmt: skip
