"""Measure what a killed import leaves in the database file, and what the next write makes of it.

    .venv/bin/python tests/stress/killed_import_space.py [--orders 200000] [--big 600000]
        [--fractions 0.5 0.7 0.85 0.95] [--dir DIR]

A workspace gets ``--orders`` orders (two lines each). A file of ``--big`` further orders is
imported into a copy once to learn how long that import takes; then, for each fraction, a fresh
copy of the base workspace gets the same import killed (kill -9) at that fraction of the time.
Printed per kill: the file size before, after the kill, and after the next import of a small
file (the next write), in MB, and whether the orders are the old state.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kill_harness import (  # noqa: E402 (the folder is put on sys.path first)
    db_size,
    expected,
    killed_import,
    run_import,
    stored,
    write_orders,
)

MB = 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--big", type=int, default=600_000)
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.5, 0.7, 0.85, 0.95])
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="cxray-kill-space-"))
    root.mkdir(parents=True, exist_ok=True)
    base_file = write_orders(root / "base.csv", orders=args.orders, first=0, seed=1)
    big_file = write_orders(root / "big.csv", orders=args.big, first=args.orders, seed=2)
    small_file = write_orders(root / "small.csv", orders=1000, first=10**8, seed=3)
    base = root / "base-ws"
    done = run_import(base, base_file)
    assert done.returncode == 0, done.stderr
    print(f"base workspace: {db_size(base) / MB:.1f} MB, {args.orders} orders")

    timed = root / "timed-ws"
    shutil.copytree(base, timed)
    started = time.perf_counter()
    assert run_import(timed, big_file).returncode == 0
    seconds = time.perf_counter() - started
    print(f"full import of {args.big} orders: {seconds:.1f} s, {db_size(timed) / MB:.1f} MB after")

    old = expected(base_file)
    for fraction in args.fractions:
        ws = root / f"ws-{fraction}"
        shutil.rmtree(ws, ignore_errors=True)
        shutil.copytree(base, ws)
        before = db_size(ws)
        alive = killed_import(ws, big_file, fraction * seconds)
        killed = db_size(ws)
        state, _ = stored(ws)
        nxt = run_import(ws, small_file)
        after = db_size(ws)
        print(
            f"kill at {fraction:.2f} ({'running' if alive else 'finished'}): "
            f"{before / MB:.1f} MB -> {killed / MB:.1f} MB after the kill -> "
            f"{after / MB:.1f} MB after the next import (exit {nxt.returncode}); "
            f"old state kept: {state == old}"
        )
    print(f"files in {root}")


if __name__ == "__main__":
    main()
