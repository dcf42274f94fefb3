"""kill -9 during imports, many times: every kill must leave the old or the new state.

    .venv/bin/python tests/stress/kill_stress.py [--kills 100] [--orders 20000] [--seed 7]
        [--dir DIR]

Each kill stops `python -m cxray import orders FILE` (a new file of ``--orders`` orders, two
lines each) after a seeded random delay; then the workspace must open, hold exactly the rows of
the files imported before (or of those and the new file), counted, summed and with distinct
orders computed from the files alone, its import log must name exactly those files, and the
next import must work. Ends with one summary line: kills, survived, mixed states, file size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kill_harness import kill_loop  # noqa: E402 (the folder is put on sys.path first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="cxray-kill-"))
    root.mkdir(parents=True, exist_ok=True)
    summary = kill_loop(
        root, kills=args.kills, orders=args.orders, seed=args.seed,
        report=lambda line: print(line, flush=True),
    )  # fmt: skip
    for problem in summary.problems or []:
        print(problem)
    print(summary.line())
    sys.exit(0 if summary.survived == summary.kills and not summary.mixed else 1)


if __name__ == "__main__":
    main()
