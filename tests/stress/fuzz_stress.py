"""Stress run of the import fuzzing and the consent property, outside pytest, in larger
numbers than CI runs: the generators and checks of tests/stress/generators.py, the same ones
tests/test_fuzz_import.py and tests/test_consent_property.py use.

    .venv/bin/python tests/stress/fuzz_stress.py --cases 10000 --campaigns 1000 --seed 1

Prints a summary line every ``--every`` items and a final summary: fuzz cases (files read and
checked as an import checks them), whole imports, refused files, rows, rejected rows,
tracebacks, wrong values stored, swallowed rows, campaigns and consent violations. Exits 1 when
any traceback, wrong value, swallowed row or violation was found (the first few are printed).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared generators

import duckdb  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from stress.generators import (  # noqa: E402
    AS_OF,
    Findings,
    consent_violations,
    consent_worlds,
    exported_ids,
    import_case,
    import_case_from,
    read_case,
)

from cxray.workspace import Workspace  # noqa: E402


def summary(found: Findings, campaigns: int, violations: list[str], started: float) -> str:
    return (
        f"fuzz cases {found.cases}, refused files {found.refused}, rows {found.rows}, "
        f"rejected {found.rejected}, tracebacks {len(found.tracebacks)}, wrong values stored "
        f"{len(found.wrong_values)}, swallowed rows {len(found.swallowed)}, workspace changed "
        f"by a refused file {len(found.changed_on_refusal)}, campaigns {campaigns}, consent "
        f"violations {len(violations)} ({time.monotonic() - started:.0f} s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10000, help="files read and checked")
    parser.add_argument("--imports", type=int, default=300, help="files imported into a workspace")
    parser.add_argument("--campaigns", type=int, default=1000, help="random campaigns exported")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every", type=int, default=500, help="print a summary this often")
    args = parser.parse_args()
    started = time.monotonic()
    found, violations, campaigns = Findings(), [], 0
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = duckdb.connect()
        engine.execute("SET threads TO 1")  # files of 1-30 rows: threads only cost here
        for i in range(args.cases):
            found.add(read_case(import_case_from(rng), f"R{i}", folder, engine))
            if (i + 1) % args.every == 0:
                print(summary(found, campaigns, violations, started), flush=True)
        with Workspace(folder / "ws", create=True) as ws:
            for i in range(args.imports):
                found.add(import_case(import_case_from(rng), f"I{i}", folder, ws))
            print(summary(found, campaigns, violations, started), flush=True)

        if args.campaigns < 1:
            print(summary(found, campaigns, violations, started))
            return report(found.problems)
        with Workspace(folder / "consent", create=True) as ws:

            @seed(args.seed)
            @settings(
                max_examples=args.campaigns, phases=[Phase.generate], deadline=None,
                database=None, suppress_health_check=list(HealthCheck),
            )  # fmt: skip
            @given(world=consent_worlds(), share=st.sampled_from([0.0, 0.05, 0.3, 0.5]))
            def one(world, share):
                nonlocal campaigns
                # each world's lists are new files: an export never overwrites without force
                shutil.rmtree(folder / "out", ignore_errors=True)
                ids = exported_ids(ws, world, share, folder / "out")
                violations.extend(consent_violations(world, ids, AS_OF, share))
                campaigns += 1
                if campaigns % max(1, args.every // 10) == 0:
                    print(summary(found, campaigns, violations, started), flush=True)

            one()
    print(summary(found, campaigns, violations, started))
    return report(found.problems + violations)


def report(problems: list[str]) -> int:
    """Print the first problems; 1 when there are any."""
    for line in problems[:20]:
        print("  " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
