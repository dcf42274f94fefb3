"""Steps of bench_pipeline.py timed alternately, cxray against the hand-written SQL.

    .venv/bin/python benchmarks/bench_steps.py [--lines 1000000] [--steps structure cohorts]
        [--reps 7] [--out-dir DIR] [--seed 42] [--keep-connection] [--empty-sql-store]

On a shared machine the load moves between two runs of a contender, so ``bench_pipeline.py``'s
ratio of two runs made minutes apart moves with it. Here both contenders live in this one
process (their data imported once, untimed, into ``--out-dir``/steps-LINES, reused by later
runs), and each repetition runs a step with cxray, then with the hand SQL, so both see the same
load. Per step and contender: the fastest wall time and the least process CPU time (all threads)
over ``--reps`` repetitions, their ratios, and whether the headline figures agree
(:mod:`checks`). Peak memory is not measured here (``bench_pipeline.py`` does).

Each step of either contender opens its database and closes it after, as a command does;
``--keep-connection`` lets the hand SQL keep one connection for the whole run instead. cxray keeps
the SQL it compiles in the workspace (:mod:`cxray.compiled_sql`), so from the second repetition
on a step is not compiled again; ``--empty-sql-store`` empties that store (untimed) before every
cxray step, for the time of a question asked for the first time.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from baseline_sql import SqlContender
from bench_pipeline import PRODUCTS_LIMIT, STEPS, CxrayContender, ensure_data
from checks import TOLERANCE, compare

from cxray.workspace import SQL_STORE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--steps", nargs="+", choices=STEPS[1:], default=["structure", "cohorts"])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--out-dir", type=Path, default=Path("/tmp/cxray-bench-pipeline"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--keep-connection",
        action="store_true",
        help="the hand SQL keeps one connection for the whole run",
    )
    parser.add_argument(
        "--empty-sql-store",
        action="store_true",
        help="empty cxray's compiled SQL store before every cxray step",
    )
    args = parser.parse_args()

    files, how = ensure_data(args.lines, args.seed, args.out_dir)
    print(how)
    work = args.out_dir / f"steps-{args.lines}"
    work.mkdir(parents=True, exist_ok=True)
    contenders = {
        "cxray": CxrayContender(files, work, products_by="sku"),
        "sql": SqlContender(
            files,
            work,
            products_by="sku",
            limit=PRODUCTS_LIMIT,
            keep_connection=args.keep_connection,
        ),
    }
    ready = work / "imported"
    for contender in contenders.values():
        contender.warm_up()
        if not ready.exists():
            contender.step_import()
        contender.resume()
    ready.touch()

    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    figures: dict[tuple[str, str], dict] = {}
    for _ in range(args.reps):
        for step in args.steps:
            for name, contender in contenders.items():
                if name == "cxray" and args.empty_sql_store:
                    shutil.rmtree(contender.path / SQL_STORE, ignore_errors=True)
                wall, cpu = time.perf_counter(), time.process_time()
                figures[step, name] = getattr(contender, f"step_{step}")()
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                times.setdefault((step, name), []).append((wall, cpu))

    print(
        f"{args.lines:,} order lines, {args.reps} repetitions, fastest of each; hand SQL "
        + ("keeps one connection" if args.keep_connection else "connects per step")
        + ("; cxray's SQL store emptied before each step" if args.empty_sql_store else "")
    )
    print("step        | cxray s |   SQL s | cx/SQL | cxray CPU s | SQL CPU s | CPU ratio | checks")
    for step in args.steps:
        cx, sq = times[step, "cxray"], times[step, "sql"]
        wall = min(w for w, _ in cx), min(w for w, _ in sq)
        cpu = min(c for _, c in cx), min(c for _, c in sq)
        ours, theirs = figures[step, "cxray"], figures[step, "sql"]
        differ = [k for k in ours if not compare(ours[k], theirs.get(k), TOLERANCE.get(k, 0.0))]
        print(
            f"{step:<11} | {wall[0]:7.2f} | {wall[1]:7.2f} | {wall[0] / wall[1]:5.2f}x | "
            f"{cpu[0]:11.2f} | {cpu[1]:9.2f} | {cpu[0] / cpu[1]:8.2f}x | "
            + ("agree" if not differ else "!!! MISMATCH " + ", ".join(differ))
        )


if __name__ == "__main__":
    main()
