"""Closed loop: exactly the answers that should open a follow-up task open one, and the tasks'
figures are the ones computed by hand below."""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
import pyarrow as pa
import pytest
from conftest import d

from cxray.comms.followups import (
    CES_HIGH_EFFORT_MIN,
    CSI_LOW_MAX,
    FOLLOWUPS,
    FOLLOWUPS_SCHEMA,
    NPS_DETRACTOR_MAX,
    TASK_SCHEMA,
    FollowupPolicy,
    close_task,
    close_tasks,
    followup_summary,
    followups,
    needs_followup,
    open_tasks,
    store_tasks,
    sync,
    task_id,
)
from cxray.errors import CxrayError
from cxray.workspace import Workspace

AS_OF = d("2026-10-31")

# (customer_id, date, metric, score, survey, incentivized, comment)
ANSWERS = [
    ("C1", "2026-10-01", "nps", 6, "rnps", False, "Доставка опять задержалась"),  # yes: 6 <= 6
    ("C2", "2026-10-01", "nps", 7, "rnps", False, None),  # no: passive
    ("C3", "2026-10-02", "csi", 2, "delivery5", False, "Late again"),  # yes: 2 <= 2 on 1-5
    ("C4", "2026-10-02", "csi", 3, "delivery5", False, None),  # no: 3 > 2 on 1-5
    ("C1", "2026-10-03", "csi", 4, "delivery10", False, None),  # yes: 4 <= 4 on 1-10
    ("C2", "2026-10-03", "csi", 5, "delivery10", False, None),  # no: 5 > 4 on 1-10
    ("C3", "2026-10-04", "csi", 9, "delivery10", False, None),  # no (and makes it 1-10)
    ("C4", "2026-10-05", "ces", 5, "support", False, None),  # yes: 5 >= 5
    ("C5", "2026-10-05", "ces", 4, "support", False, None),  # no: 4 < 5
    ("C5", "2026-11-02", "nps", 0, "rnps", False, None),  # no: after as_of
    ("C5", "2026-10-20", "nps", 3, "rnps-bonus", True, "Prices went up"),  # yes: incentivized
    ("C2", "2026-10-06", "csi", 4, "shop", False, None),  # no: "shop" looks 1-5 (4 > 2)
]
EXPECTED = [  # (customer_id, date, metric, owner, due_date)
    ("C1", "2026-10-01", "nps", "Иванова Анна", "2026-10-04"),
    ("C3", "2026-10-02", "csi", "Petrov", "2026-10-05"),
    ("C1", "2026-10-03", "csi", "Иванова Анна", "2026-10-06"),
    ("C4", "2026-10-05", "ces", "CX team", "2026-10-08"),  # empty attribute -> default
    ("C5", "2026-10-20", "nps", "CX team", "2026-10-23"),  # no attribute -> default
]
SURVEY = {("C1", "2026-10-01"): "rnps", ("C3", "2026-10-02"): "delivery5"}
CUSTOMERS = [
    {"customer_id": "C1", "account_manager": "Иванова Анна"},
    {"customer_id": "C2", "account_manager": "Sidorov"},
    {"customer_id": "C3", "account_manager": "Petrov"},
    {"customer_id": "C4", "account_manager": ""},
    {"customer_id": "C5", "account_manager": None},
]


def answer_rows() -> list[dict]:
    return [
        {
            "customer_id": c,
            "date": d(day),
            "metric": m,
            "score": float(s),
            "survey": sv,
            "incentivized": inc,
            "comment": text,
        }
        for c, day, m, s, sv, inc, text in ANSWERS
    ]


def expected_ids() -> list[str]:
    surveys = {(c, day, m): sv for c, day, m, _, sv, _, _ in ANSWERS}
    return [task_id(c, d(day), m, surveys[(c, day, m)]) for c, day, m, _, _ in EXPECTED]


@pytest.fixture
def ws(tmp_path):
    w = Workspace(tmp_path / "ws", create=True)
    w.write("responses", pd.DataFrame(answer_rows()))
    w.write("customers", pd.DataFrame(CUSTOMERS))
    yield w
    w.close()


def test_thresholds():
    assert NPS_DETRACTOR_MAX == 6 and CSI_LOW_MAX == {5: 2, 10: 4} and CES_HIGH_EFFORT_MIN == 5


def test_needs_followup_on_both_backends(load):
    r = load("responses", answer_rows())
    got = needs_followup(r).to_pyarrow().to_pylist()
    keys = sorted((row["customer_id"], row["date"].isoformat(), row["metric"]) for row in got)
    # needs_followup alone does not cut at as_of: the 2 November detractor is in
    expected = sorted([(c, day, m) for c, day, m, _, _ in EXPECTED] + [("C5", "2026-11-02", "nps")])
    assert keys == expected
    assert set(needs_followup(r).columns) == set(r.columns)


def test_csi_scale_override(load):
    r = load("responses", answer_rows())

    def csi_keys(**kw):
        rows = needs_followup(r, **kw).filter(ibis._.metric == "csi").to_pyarrow().to_pylist()
        return sorted((row["customer_id"], row["survey"]) for row in rows)

    assert csi_keys() == [("C1", "delivery10"), ("C3", "delivery5")]
    # "shop" declared 1-10: its 4 is low; "delivery10" declared 1-5: its 4 is not
    assert csi_keys(csi_scale={"shop": 10, "delivery10": 5}) == [
        ("C2", "shop"),
        ("C3", "delivery5"),
    ]
    with pytest.raises(ValueError, match="5 or 10"):
        needs_followup(r, csi_scale={"shop": 7})


def test_open_tasks_exactly_the_expected_ones(ws):
    tasks = open_tasks(ws.table("responses"), ws.table("customers"), as_of=AS_OF)
    assert isinstance(tasks, pa.Table)
    rows = tasks.to_pylist()
    got = [
        (
            r["customer_id"],
            r["date"].isoformat(),
            r["metric"],
            r["owner"],
            r["due_date"].isoformat(),
        )
        for r in rows
    ]
    assert got == EXPECTED
    assert [r["task_id"] for r in rows] == expected_ids()
    assert all(r["created_at"] == r["date"] for r in rows)
    assert rows[0]["comment"] == "Доставка опять задержалась" and rows[0]["score"] == 6.0
    assert rows[0]["survey"] == "rnps"
    # deterministic ids
    again = open_tasks(ws.table("responses"), ws.table("customers"), as_of=AS_OF)
    assert again.column("task_id").to_pylist() == expected_ids()


def test_open_tasks_policy_and_no_customers(ws):
    policy = FollowupPolicy(owner_attribute="region", default_owner="Служба качества", due_days=7)
    tasks = open_tasks(ws.table("responses"), ws.table("customers"), as_of=AS_OF, policy=policy)
    assert set(tasks.column("owner").to_pylist()) == {"Служба качества"}  # regions are empty
    assert tasks.column("due_date").to_pylist()[0] == d("2026-10-08")
    bare = open_tasks(ws.table("responses"), None, as_of=d("2026-10-02"))
    assert bare.column("owner").to_pylist() == ["CX team", "CX team"]


def test_sync_is_idempotent_and_close_works(ws):
    assert sync(ws, as_of=AS_OF) == 5
    assert sync(ws, as_of=AS_OF) == 0
    assert ws.con.table(FOLLOWUPS).count().to_pyarrow().as_py() == 5
    first, second = expected_ids()[:2]
    close_task(ws, first, closed_at=d("2026-10-03"), resolution="Позвонили, извинились")
    rows = {r["task_id"]: r for r in followups(ws, as_of=AS_OF)}
    assert rows[first]["status"] == "closed" and rows[first]["closed_at"] == d("2026-10-03")
    assert rows[first]["resolution"] == "Позвонили, извинились"
    assert rows[second]["status"] == "open"
    # closing twice, an unknown id, closing before the answer
    with pytest.raises(CxrayError) as err:
        close_task(ws, first, closed_at=d("2026-10-05"), resolution="again")
    assert err.value.key == "followup_already_closed"
    with pytest.raises(CxrayError) as err:
        close_task(ws, "FU-nope", closed_at=d("2026-10-05"), resolution="x")
    assert err.value.key == "followup_unknown" and "FU-nope" in str(err.value)
    with pytest.raises(CxrayError) as err:
        close_task(ws, second, closed_at=d("2026-10-01"), resolution="x")
    assert err.value.key == "followup_closed_before_created"
    # a new sync leaves the closed task closed
    assert sync(ws, as_of=AS_OF) == 0
    assert {r["task_id"] for r in followups(ws, as_of=AS_OF, status="closed")} == {first}
    # the November detractor opens a task once its date has come
    assert sync(ws, as_of=d("2026-11-02")) == 1
    assert sync(ws, as_of=d("2026-11-02")) == 0


def test_close_on_an_empty_workspace(tmp_path):
    with Workspace(tmp_path / "empty", create=True) as w:
        assert followups(w, as_of=AS_OF) == []
        with pytest.raises(CxrayError, match="no follow-up task"):
            close_task(w, "FU-1", closed_at=AS_OF, resolution="x")
        assert store_tasks(w, open_tasks(w.table("responses"), None, as_of=AS_OF)) == 0


def test_statuses_and_summary_by_hand(ws):
    sync(ws, as_of=AS_OF)
    ids = expected_ids()
    # C1 nps: opened 1 Oct, due 4 Oct, closed 3 Oct -> 2 days, on time
    close_task(ws, ids[0], closed_at=d("2026-10-03"), resolution="called")
    # C3 csi: opened 2 Oct, due 5 Oct, closed 9 Oct -> 7 days, late
    close_task(ws, ids[1], closed_at=d("2026-10-09"), resolution="credit note")

    rows = followups(ws, as_of=AS_OF)
    assert [r["task_id"] for r in rows] == ids
    # open on 31 Oct: C1 csi (due 6 Oct), C4 ces (due 8 Oct), C5 nps (due 23 Oct): all overdue
    assert [r["task_id"] for r in followups(ws, as_of=AS_OF, status="open")] == ids[2:]
    assert [r["task_id"] for r in followups(ws, as_of=AS_OF, status="overdue")] == ids[2:]
    s = followup_summary(rows, as_of=AS_OF)
    assert s["total"] == 5 and s["open"] == 3 and s["overdue"] == 3 and s["closed"] == 2
    assert s["median_days_to_close"] == 4.5 and s["mean_days_to_close"] == 4.5
    assert s["closed_on_time_share"] == 0.5

    # on 21 Oct: both closings happened; overdue C1 csi and C4 ces, C5 (due 23 Oct) is not yet
    s21 = followup_summary(followups(ws, as_of=d("2026-10-21")), as_of=d("2026-10-21"))
    assert (s21["total"], s21["open"], s21["overdue"], s21["closed"]) == (5, 3, 2, 2)

    # on 5 Oct: four tasks exist, only the first is closed (the second is closed on 9 Oct),
    # and none is past its due date (C3's is 5 Oct itself)
    rows5 = followups(ws, as_of=d("2026-10-05"))
    assert len(rows5) == 4 and rows5[1]["status"] == "open" and rows5[1]["closed_at"] is None
    s5 = followup_summary(rows5, as_of=d("2026-10-05"))
    assert (s5["total"], s5["open"], s5["overdue"], s5["closed"]) == (4, 3, 0, 1)
    assert s5["median_days_to_close"] == 2.0 and s5["closed_on_time_share"] == 1.0

    empty = followup_summary([], as_of=AS_OF)
    assert empty["open"] == 0 and empty["median_days_to_close"] is None


def test_followups_rejects_an_unknown_status(ws):
    with pytest.raises(ValueError, match="overdue"):
        followups(ws, as_of=AS_OF, status="late")


def test_sync_needs_tasks_only_once_in_one_batch(ws):
    tasks = open_tasks(ws.table("responses"), ws.table("customers"), as_of=AS_OF)
    doubled = pa.concat_tables([tasks, tasks])
    assert store_tasks(ws, doubled) == 5
    stored = ws.con.table(FOLLOWUPS).to_pyarrow()
    assert set(stored.column("status").to_pylist()) == {"open"}
    assert dt.date(2026, 10, 1) in stored.column("created_at").to_pylist()


def test_the_stored_schema_is_the_task_schema_plus_status(ws):
    assert FOLLOWUPS_SCHEMA.names[: len(TASK_SCHEMA)] == TASK_SCHEMA.names
    assert FOLLOWUPS_SCHEMA.names[len(TASK_SCHEMA) :] == ["status", "closed_at", "resolution"]
    sync(ws, as_of=AS_OF)
    assert ws.con.table(FOLLOWUPS).schema() == ibis.schema(FOLLOWUPS_SCHEMA)


def test_close_tasks_is_all_or_none(ws):
    sync(ws, as_of=AS_OF)
    first, second = expected_ids()[:2]
    with pytest.raises(CxrayError) as err:
        close_tasks(
            ws,
            [(first, d("2026-10-03"), "called"), (second, d("2026-10-01"), "before the answer")],
        )
    assert err.value.key == "followup_closed_before_created"
    assert followups(ws, as_of=AS_OF, status="closed") == []
    close_tasks(ws, [(first, d("2026-10-03"), "called"), (second, d("2026-10-04"), "refund")])
    closed = {r["task_id"]: r["resolution"] for r in followups(ws, as_of=AS_OF, status="closed")}
    assert closed == {first: "called", second: "refund"}
    assert not any(name.endswith("_staged") for name in ws.con.list_tables())
