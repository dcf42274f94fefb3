"""kill -9 during an import leaves the old state or the new one, never a mix, and the next
command works (10 kills at seeded random moments; tests/stress/kill_stress.py does 100).

Each kill stops a real `python -m cxray import` process. What the workspace must hold is
computed from the source files alone (rows, distinct orders, the sum of amounts in cents), and
the import log must name exactly the files whose rows are held.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "stress"))

from kill_harness import State, expected, kill_loop, write_orders  # noqa: E402


def test_the_expected_state_is_computed_from_the_files(tmp_path):
    a = write_orders(tmp_path / "a.csv", orders=3, first=0, seed=1, lines=2)
    lines = a.read_text().splitlines()
    assert lines[0] == "order_id,customer_id,order_date,sku,line_no,amount"
    cents = sum(round(float(line.split(",")[-1]) * 100) for line in lines[1:])
    assert expected(a) == State(rows=6, orders=3, cents=cents)
    b = write_orders(tmp_path / "b.csv", orders=2, first=3, seed=2, lines=1)
    assert expected(a, b).rows == 8 and expected(a, b).orders == 5


def test_ten_kills_leave_the_old_or_the_new_state(tmp_path):
    summary = kill_loop(tmp_path, kills=10, orders=500, seed=11)

    assert summary.problems == []
    assert summary.kills == 10
    assert summary.mixed == 0
    assert summary.survived == 10
    assert summary.running > 0  # at least one kill landed while the import ran
