"""Benchmark: the whole X-ray pipeline, cxray vs pandas + lifetimes vs hand-written DuckDB SQL.

    .venv/bin/python benchmarks/bench_pipeline.py [--lines 1000000 10000000] [--out-dir DIR]
        [--skip-baseline] [--timeout 600] [--mem-limit 16] [--json results.json]

What is measured
----------------
The data are one Parquet file per canonical table (customers, contacts, products, orders,
interactions, consents, sends, responses) with ``--lines`` order lines, written by
``cxray.demo.retail.write``. They are cached per (lines, seed) in ``--out-dir``, so reruns do not
regenerate; generation is timed but is not part of the pipeline.

Three contenders run the same seven steps on the same files, each contender in its own process:

1. **cxray**: exactly what the CLI commands do, in-process, through cxray's Python API (the
   layer the CLI calls, and nothing below it): one API call per step, results materialised as
   the API returns them (``Result.to_dict()``: Python rows, the ``--json`` payload):
   ``import`` (``cxray.import_file`` of every file into a fresh workspace: the real, validating
   importer), then on ``cxray.open(workspace, read_only=True)`` the session methods
   ``structure()`` (funnel, Pareto curve, ABC-XYZ of customers and SKUs), ``products(by=...,
   months=1, limit=40)`` (the products command's table view: the latest month's top rows with
   MoM / YoY), ``whitespace(matrix=True)`` (every opportunity and the line matrix),
   ``rfm()`` (every customer and the segments), ``cohorts()`` (cohort grid and activation, by
   month) and ``clv()`` (the fit with the CLI defaults, per-customer P(alive), expected
   purchases and CLV). Each step
   opens its own read-only session and leaves ``as_of`` to the API's default (the latest order
   date, ``session.resolve_as_of()``), as the CLI does without ``--as-of``.
2. **pandas** (baseline "pandas + lifetimes", ``baseline_pandas.py``): ``pd.read_parquet`` of the
   files, then groupby / merge / pivot code for the same figures, and for CLV
   ``lifetimes.utils.summary_data_from_transaction_data`` + ``BetaGeoFitter`` +
   ``GammaGammaFitter`` + per-customer P(alive), expected purchases and CLV.
3. **sql** (hand-written DuckDB SQL, ``baseline_sql.py``): ``CREATE TABLE ... AS SELECT * FROM
   read_parquet(...)`` into a DuckDB file, then one hand-written query (or a few) per step; CLV is
   the SQL summary + the same NumPy/SciPy models cxray fits.

Every step after the import runs twice for cxray and the hand SQL (``ASKED_AGAIN``): the main
columns time the first run, the ``again`` columns the second, the same command asked again
(cxray then finds the queries it compiled kept in its workspace, ``cxray.compiled_sql``).

Per step: wall time, and the peak RSS of the contender's process during the step (the
high-water mark is reset before the step through ``/proc/self/clear_refs`` and read from
``VmHWM`` after it; ``ru_maxrss`` where that is not possible). The harness polls each child's RSS
every 0.2 s and kills it above ``--mem-limit`` GiB, or when a step runs longer than ``--timeout``
seconds; the step is then reported as "out of memory" / "too slow" and the contender is restarted
from the next step (re-loading its data untimed), so later steps are still measured. Each step
returns a few headline numbers (funnel counts, RFM segment sizes, cohort cells, opportunities,
CLV parameters, ...) which are compared across the contenders; a mismatch is printed loudly.

Timings are wall-clock on whatever else the machine is doing: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import select
import shutil
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from checks import (  # noqa: E402 (benchmarks/ is put on sys.path first)
    KNOWN_DIFFERENCES,
    TOLERANCE,
    cohorts_check,
    compare,
    products_check,
)

STEPS = ("import", "structure", "products", "whitespace", "rfm", "cohorts", "clv")
CONTENDERS = ("cxray", "pandas", "sql")
LABELS = {"cxray": "cxray", "pandas": "pandas+lifetimes", "sql": "hand SQL"}
ASKED_AGAIN = ("cxray", "sql")
"""Contenders whose steps after the import are run a second time, as the same command asked
again (cxray then finds its compiled SQL kept; pandas keeps nothing between two asks)."""
GiB = 1024**3

PRODUCTS_LIMIT = 40  # rows of the products command's table view
DISK_BYTES_PER_LINE = 400  # Parquet + two DuckDB copies + DuckDB temp files, generously

# Targets of the final verdict.
TARGET_SECONDS_10M = 30.0
TARGET_VS_PANDAS = 20.0
TARGET_VS_SQL = 1.5
TARGET_PEAK_GIB = 4.0


# --------------------------------------------------------------------------------------------
# contender 1: cxray, through its Python API as the CLI calls it


class CxrayContender:
    """The steps of the CLI commands, each one call of the API (``cxray.import_file`` and the
    methods of the ``cxray.open(...)`` session), with the CLI's defaults."""

    def __init__(self, files: dict[str, Path], work: Path, *, products_by: str) -> None:
        self.files = files
        self.path = work / "cxray-workspace"
        self.by = products_by

    def warm_up(self) -> None:
        """Import the API (and the analytics it runs), Ibis' DuckDB backend and the modules its
        first result loads (not timed: a process start does it)."""
        import ibis

        import cxray  # noqa: F401

        # ibis loads its backends, and the Arrow / pandas conversions, lazily, on first use
        con = ibis.duckdb.connect()
        con.sql("SELECT 1 AS x").to_pyarrow()
        con.disconnect()

    def resume(self) -> None:
        """The workspace file persists: nothing to reload."""

    def _open(self):
        """A read-only session, as each CLI command opens one; its methods take ``as_of`` =
        the latest order date (``session.resolve_as_of()``), as the CLI does without --as-of."""
        import cxray

        return cxray.open(self.path, read_only=True)

    def step_import(self) -> dict:
        import cxray

        if self.path.exists():
            shutil.rmtree(self.path)
        rows, rejected = {}, 0
        for name, file in self.files.items():  # one `cxray import TABLE FILE` per file
            result = cxray.import_file(name, file, workspace=self.path).to_dict()
            rows[name] = result["new"] + result["updated"]
            rejected += result["rejected"]
        return {"orders": rows["orders"], "customers": rows["customers"], "rejected": rejected}

    def step_structure(self) -> dict:
        with self._open() as session:
            result = session.structure()
        f = result.to_dict()
        return {
            **{k: f[k] for k in ("known", "reachable", "active", "regular", "key", "key_regular")},
            "returned_only": f["returned_only"],
            "key_revenue_share": f["key_revenue_share"],
            "pareto_customers": len(result.tables["pareto_curve"]),
            "abc_customers": {c["abc_xyz"]: c["n"] for c in f["abc_xyz"]["customers"]},
            "abc_skus": {c["abc_xyz"]: c["n"] for c in f["abc_xyz"]["skus"]},
        }

    def step_products(self) -> dict:
        # the products command's table view: the latest month's top rows (`--months 1`)
        with self._open() as session:
            result = session.products(by=self.by, months=1, limit=PRODUCTS_LIMIT)
        return products_check(result.to_dict()["products"])

    def step_whitespace(self) -> dict:
        # every opportunity (as `cxray whitespace --json`) and the whole line matrix, as Arrow
        with self._open() as session:
            result = session.whitespace(matrix=True)
        found = result.to_arrow("opportunities")
        return {
            "matrix_rows": result.to_arrow("matrix").num_rows,
            "opportunities": found.num_rows,
            "potential_sum": pc.sum(found.column("potential")).as_py() or 0.0,
        }

    def step_rfm(self) -> dict:
        # every customer (as Arrow) and the segments of `cxray rfm --json`
        with self._open() as session:
            result = session.rfm()
        customers = result.to_arrow("customers")
        return {
            "customers": customers.num_rows,
            # purchase days, days since the last one, and net revenue, summed over the customers
            **{
                f"{k}_sum": pc.sum(customers.column(k)).as_py() or 0
                for k in ("frequency", "recency", "monetary")
            },
            "segments": {
                s["segment"]: s["customers"] for s in result.tables["segments"] if s["customers"]
            },
        }

    def step_cohorts(self) -> dict:
        with self._open() as session:
            result = session.cohorts(period="month").to_dict()
        return cohorts_check(result["cohorts"], result["activation"])

    def step_clv(self) -> dict:
        # the CLI's defaults: weeks, a 52-week horizon, 10% a year, margin 1
        with self._open() as session:
            result = session.clv()
            customers = result.to_pandas("customers")
        bg, gg = result.value.params["bg_nbd"], result.value.params["gamma_gamma"]
        return {
            "customers": len(customers),
            "repeaters": int(gg["repeat_customers"]),
            **{k: bg[k] for k in ("r", "alpha", "a", "b")},
            **{k: gg[k] for k in ("p", "q", "v")},
            "p_alive_mean": float(customers["p_alive"].mean()),
            "clv_total": float(customers["clv"].sum()),
        }


# Printed under every table: how the contenders' work differs where it is not obvious.
NOTES = (
    "cxray's import is the validating importer (every cell checked, rejects kept, upsert by "
    "natural key, import log); pandas' is pd.read_parquet and the hand SQL's a plain "
    "CREATE TABLE AS SELECT * FROM read_parquet: neither validates anything",
    "cxray runs the steps in one process (modules imported beforehand); the CLI starts a "
    "process per command, which adds ~1-3 s of Python imports per command (not counted)",
    "products: the products command's table view: the latest month's top rows by revenue, with "
    "MoM and YoY; every contender computes the series of the keys bought in that month and the "
    "13 before it (zero months included), not every customer's whole history",
    "whitespace: every opportunity (as `cxray whitespace --json`) and the whole customer x "
    "product-line matrix (`whitespace(matrix=True)`, as the report uses it), in every contender",
    "clv (pandas): lifetimes gets each customer's acquisition (its first order day, of any "
    "amount) and its purchase days (a day's lines summed; a day of returns only is no purchase) "
    "with freq='D', freq_multiplier=7 (weeks); fed raw order lines with freq='W' it would count "
    "weeks, not days, and return days as purchases",
    "clv (pandas): lifetimes' CLV discounts per month of 4.345 weeks at a monthly rate "
    "(given as 1.1^(1/12) - 1); cxray uses months of 365.25/12 days and the annual 10%: "
    "totals agree within 2%, not exactly",
    "clv (SQL): the hand SQL fits with cxray's own BetaGeoModel / GammaGammaModel",
)


# --------------------------------------------------------------------------------------------
# child process: runs the steps of one contender, reports on a pipe


def make_contender(name: str, files: dict[str, Path], work: Path, products_by: str):
    if name == "cxray":
        return CxrayContender(files, work, products_by=products_by)
    if name == "pandas":
        from baseline_pandas import PandasContender

        return PandasContender(files, work, products_by=products_by, limit=PRODUCTS_LIMIT)
    from baseline_sql import SqlContender

    return SqlContender(files, work, products_by=products_by, limit=PRODUCTS_LIMIT)


def reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def peak_mib(reset_worked: bool) -> float:
    if reset_worked:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_main(args: argparse.Namespace) -> None:
    out = os.fdopen(args.fd, "w", buffering=1)

    def send(**event: Any) -> None:
        out.write(json.dumps(event, default=str) + "\n")

    files = {k: Path(v) for k, v in json.loads(args.files).items()}
    contender = make_contender(args.child, files, Path(args.work), args.products_by)
    contender.warm_up()
    if args.start > 0:
        send(event="resume")
        contender.resume()
        send(event="resumed")
    for i in range(args.start, len(STEPS)):
        gc.collect()
        send(event="start", step=i)
        worked = reset_peak()
        started = time.perf_counter()
        error = check = None
        try:
            check = getattr(contender, f"step_{STEPS[i]}")()
        except Exception as exc:  # noqa: BLE001 - a failing step is a result
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            traceback.print_exc()
        seconds = time.perf_counter() - started
        again = None
        if error is None and i > 0 and args.child in ASKED_AGAIN:
            started = time.perf_counter()
            getattr(contender, f"step_{STEPS[i]}")()
            again = time.perf_counter() - started
        send(event="end", step=i, seconds=seconds, peak_mib=peak_mib(worked), check=check,
             error=error, again=again)  # fmt: skip
    out.close()


# --------------------------------------------------------------------------------------------
# parent: runs the children under a time and memory limit


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def run_contender(
    name: str, files: dict[str, Path], work: Path, log: Path, args
) -> dict[str, dict]:
    """Run the steps of ``name`` in child processes (output to ``log``); returns step -> result."""
    results: dict[str, dict] = {}
    start = 0
    while start < len(STEPS):
        rfd, wfd = os.pipe()
        cmd = [
            sys.executable, __file__, "--child", name, "--fd", str(wfd), "--work", str(work),
            "--files", json.dumps({k: str(v) for k, v in files.items()}), "--start", str(start),
            "--products-by", args.products_by,
        ]  # fmt: skip
        with log.open("a") as fh:
            proc = subprocess.Popen(cmd, pass_fds=(wfd,), stdout=fh, stderr=fh)
        os.close(wfd)
        current, since, killed, buf, eof = None, time.monotonic(), None, b"", False
        resuming = start > 0
        while True:
            ready, _, _ = select.select([rfd], [], [], 0.2)
            if ready:
                data = os.read(rfd, 65536)
                eof = not data
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    event = json.loads(line)
                    if event["event"] == "start":
                        current, since = event["step"], time.monotonic()
                        print(f"    {LABELS[name]:<16} {STEPS[current]:<11} ...", end="",
                              flush=True)  # fmt: skip
                    elif event["event"] == "end":
                        step = STEPS[event["step"]]
                        results[step] = {
                            "status": "error" if event["error"] else "ok",
                            "seconds": event["seconds"],
                            "peak_mib": event["peak_mib"],
                            "check": event["check"],
                            "error": event["error"],
                            "again": event["again"],
                        }
                        note = f"  FAILED: {event['error']}" if event["error"] else ""
                        print(f" {event['seconds']:8.2f} s  {event['peak_mib']:7.0f} MiB{note}",
                              flush=True)  # fmt: skip
                        current = None
                    elif event["event"] == "resume":
                        since = time.monotonic()
                    elif event["event"] == "resumed":
                        resuming = False
            if killed is None:
                if rss_bytes(proc.pid) > args.mem_limit * GiB:
                    killed = "oom"
                elif (current is not None or resuming) and time.monotonic() - since > args.timeout:
                    killed = "timeout"
                if killed:
                    proc.send_signal(signal.SIGKILL)
            if eof and proc.poll() is not None:
                break
            if proc.poll() is not None and not ready:
                break
        proc.wait()
        os.close(rfd)
        if current is None and not resuming and proc.returncode == 0:
            break  # all steps done
        reason = {
            "oom": f"out of memory (> {args.mem_limit:g} GiB)",
            "timeout": f"too slow (> {args.timeout:g} s)",
        }.get(killed, f"crashed (exit code {proc.returncode}; see {log})")
        if resuming or current is None:
            # the untimed reload failed (or the child died between steps): give up
            for step in STEPS[start:]:
                results.setdefault(step, {"status": "skipped", "error": f"reload {reason}"})
            what = f"reload before {STEPS[start]}" if start else "start-up"
            print(f"    {LABELS[name]:<16} {what}: {reason}; giving up")
            break
        print(f" {reason}", flush=True)
        results[STEPS[current]] = {"status": killed or "crashed", "error": reason}
        if current == 0:
            for step in STEPS[1:]:
                results[step] = {"status": "skipped", "error": "import failed"}
            break
        start = current + 1
    return results


# --------------------------------------------------------------------------------------------
# data


def ensure_data(lines: int, seed: int, out_dir: Path) -> tuple[dict[str, Path], str]:
    """The cached data files for (lines, seed), generated (in a child process) if missing."""
    folder = out_dir / f"retail-{lines}-seed{seed}"
    done = folder / "done.json"
    if done.exists():
        info = json.loads(done.read_text())
        return {k: Path(v) for k, v in info["files"].items()}, (
            f"retail data cached in {folder} (generated in {info['seconds']:.1f} s)"
        )
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    code = (
        "import sys, json; from cxray.demo.retail import write; "
        "paths = write(sys.argv[1], seed=int(sys.argv[2]), lines=int(sys.argv[3])); "
        "print(json.dumps({k: str(v) for k, v in paths.items()}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(folder), str(seed), str(lines)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"data generation failed:\n{proc.stderr}")
    files = json.loads(proc.stdout.strip().splitlines()[-1])
    seconds = time.perf_counter() - started
    done.write_text(json.dumps({"files": files, "seconds": seconds}))
    return {k: Path(v) for k, v in files.items()}, (
        f"retail data generated in {seconds:.1f} s (not part of the pipeline) into {folder}"
    )


# --------------------------------------------------------------------------------------------
# report


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(
            int(x.split()[1]) * 1024
            for x in Path("/proc/meminfo").read_text().splitlines()
            if x.startswith("MemTotal:")
        )
    except (OSError, StopIteration):
        mem = 0
    versions = {}
    for mod in ("duckdb", "ibis", "pandas", "pyarrow", "numpy", "scipy", "lifetimes"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001
            versions[mod] = "-"
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "ram_gib": mem / GiB,
        "python": platform.python_version(),
        "versions": versions,
        "load_average": os.getloadavg(),
    }


def cell(res: dict | None, key: str = "seconds", fmt: str = "{:.2f}") -> str:
    if not res:
        return "-"
    if res.get("status") == "ok":
        return fmt.format(res[key])
    names = {"oom": "OOM", "timeout": "TIMEOUT", "error": "ERROR", "crashed": "CRASH"}
    return names.get(res["status"], "n/a" if res["status"] == "incomplete" else "skip")


def again(res: dict | None) -> str:
    """The seconds of a step run a second time (``-`` where it was not)."""
    return f"{res['again']:.2f}" if res and res.get("again") is not None else "-"


def again_ratio(num: dict | None, den: dict | None) -> str:
    if not (num and den and num.get("again") and den.get("again")):
        return "-"
    return f"{num['again'] / den['again']:.1f}x"


def ratio(num: dict | None, den: dict | None, timeout: float) -> str:
    """num / den; a baseline killed for time gives a lower bound."""
    if not num or not den or den.get("status") != "ok" or den["seconds"] <= 0:
        return "-"
    if num.get("status") == "ok":
        return f"{num['seconds'] / den['seconds']:.1f}x"
    if num.get("status") == "timeout":
        return f">{timeout / den['seconds']:.0f}x"
    return "-"


def total(results: dict[str, dict]) -> dict | None:
    if not results:
        return None
    rows = [results.get(s) for s in STEPS]
    if all(r and r.get("status") == "ok" for r in rows):
        return {
            "status": "ok",
            "seconds": sum(r["seconds"] for r in rows),
            "peak_mib": max(r["peak_mib"] for r in rows),
        }
    return {"status": "incomplete"}


def report(lines: int, results: dict[str, dict[str, dict]], args) -> dict:
    cx, pd_, sq = (results.get(c, {}) for c in CONTENDERS)
    head = (
        f"{'step':<11} | {'cxray s':>8} | {'pandas s':>8} | {'pandas/cx':>9} | {'SQL s':>7} | "
        f"{'cx/SQL':>6} | {'cxray MiB':>9} | {'pandas MiB':>10} | {'SQL MiB':>8} | "
        f"{'again: cx s':>11} | {'SQL s':>6} | {'cx/SQL':>6}"
    )
    print(f"\n== {lines:,} order lines ==")
    print(head)
    print("-" * len(head))
    mib = "{:.0f}"
    for step in [*STEPS, "TOTAL"]:
        if step == "TOTAL":
            print("-" * len(head))
            a, b, c = total(cx), total(pd_), total(sq)
        else:
            a, b, c = cx.get(step), pd_.get(step), sq.get(step)
        print(
            f"{step:<11} | {cell(a):>8} | {cell(b):>8} | {ratio(b, a, args.timeout):>9} | "
            f"{cell(c):>7} | {ratio(a, c, args.timeout):>6} | {cell(a, 'peak_mib', mib):>9} | "
            f"{cell(b, 'peak_mib', mib):>10} | {cell(c, 'peak_mib', mib):>8} | "
            f"{again(a):>11} | {again(c):>6} | {again_ratio(a, c):>6}"
        )
    print("(TOTAL = the X-ray: all steps incl. import; peak = the highest step peak; "
          "again = the step run a second time, as the same command asked again)")  # fmt: skip
    for name, res in results.items():
        for step, r in res.items():
            if r.get("status") != "ok":
                print(f"  {LABELS[name]} {step}: {r.get('error')}")
    mismatches = checks(results)
    print("notes:")
    for note in NOTES:
        print(f"  - {note}")
    return verdict(lines, cx, pd_, sq, mismatches, args)


def checks(results: dict[str, dict[str, dict]]) -> int:
    """Compare each baseline's headline numbers with cxray's; print mismatches loudly."""
    cx = results.get("cxray", {})
    bad = 0
    print("checks (headline numbers against cxray):")
    for name in ("pandas", "sql"):
        res = results.get(name)
        if not res:
            continue
        ok_steps = []
        for step in STEPS:
            a, b = cx.get(step), res.get(step)
            if not (a and b and a.get("check") and b.get("check")):
                continue
            wrong = []
            for key, value in a["check"].items():
                theirs = b["check"].get(key)
                tol = TOLERANCE.get(key, 0.0)
                if compare(value, theirs, tol):
                    continue
                note = KNOWN_DIFFERENCES.get((name, step, key))
                if note:
                    print(f"  {LABELS[name]} {step}.{key}: cxray {fmt(value)} vs {fmt(theirs)} "
                          f"-- known difference: {note}")  # fmt: skip
                    continue
                wrong.append(key)
                bad += 1
                print(f"  !!! MISMATCH {LABELS[name]} {step}.{key}: cxray {fmt(value)} vs "
                      f"{LABELS[name]} {fmt(theirs)}")  # fmt: skip
            if not wrong:
                ok_steps.append(step)
        print(f"  {LABELS[name]}: agree on {', '.join(ok_steps) or 'nothing'}")
    return bad


def fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    text = json.dumps(value, default=str)
    return text if len(text) < 200 else text[:200] + "..."


def verdict(lines: int, cx: dict, pd_: dict, sq: dict, mismatches: int, args) -> dict:
    t_cx, t_pd, t_sq = total(cx), total(pd_), total(sq)
    parts, passed = [], True
    if not t_cx or t_cx["status"] != "ok":
        print(f"VERDICT {lines:,} lines: cxray did not complete every step")
        return {"passed": False}
    secs = t_cx["seconds"]
    if lines == 10_000_000:
        ok = secs < TARGET_SECONDS_10M
        parts.append(f"X-ray {secs:.1f} s {'<' if ok else '>='} {TARGET_SECONDS_10M:.0f} s "
                     f"{'ok' if ok else 'MISSED'}")  # fmt: skip
        passed &= ok
    else:
        parts.append(f"X-ray {secs:.1f} s (the {TARGET_SECONDS_10M:.0f} s target is for 10M lines)")
    if t_pd and t_pd["status"] == "ok":
        x = t_pd["seconds"] / secs
        ok = x >= TARGET_VS_PANDAS
        parts.append(f"pandas+lifetimes takes {x:.1f}x cxray's time (target >= "
                     f"{TARGET_VS_PANDAS:.0f}x) {'ok' if ok else 'MISSED'}")  # fmt: skip
        passed &= ok
    elif pd_:
        failed = [s for s in STEPS if pd_.get(s, {}).get("status") != "ok"]
        done = [s for s in STEPS if s not in failed]
        theirs = sum(pd_[s]["seconds"] for s in done)
        ours = sum(cx[s]["seconds"] for s in done)
        parts.append(f"pandas+lifetimes failed {', '.join(failed)}; on the other steps it takes "
                     f"{theirs / ours:.1f}x cxray's time")  # fmt: skip
        passed = False
    if t_sq and t_sq["status"] == "ok":
        x = secs / t_sq["seconds"]
        ok = x <= TARGET_VS_SQL
        parts.append(f"{x:.2f}x the hand SQL (target <= {TARGET_VS_SQL}x) "
                     f"{'ok' if ok else 'MISSED'}")  # fmt: skip
        passed &= ok
    peak = t_cx["peak_mib"] / 1024
    ok = peak < TARGET_PEAK_GIB
    parts.append(f"peak {peak:.2f} GiB (target < {TARGET_PEAK_GIB:.0f} GiB) "
                 f"{'ok' if ok else 'MISSED'}")  # fmt: skip
    passed &= ok
    if mismatches:
        parts.append(f"{mismatches} check mismatch(es)")
        passed = False
    print(f"VERDICT {lines:,} lines: " + "; ".join(parts))
    return {"passed": passed, "parts": parts}


# --------------------------------------------------------------------------------------------
# driver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--out-dir", type=Path, default=Path("/tmp/cxray-bench-pipeline"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--skip-baseline", action="store_true", help="skip pandas + lifetimes")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per step")
    parser.add_argument("--mem-limit", type=float, default=16.0, help="GiB of RSS per process")
    parser.add_argument("--json", type=Path, help="save the results to this JSON file")
    parser.add_argument("--contenders", nargs="+", choices=CONTENDERS, default=list(CONTENDERS))
    parser.add_argument(
        "--products-by", choices=["sku", "line"], default="sku",
        help="key of the products step: sku (default, as the products command) or line",
    )  # fmt: skip
    parser.add_argument("--child", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args)
        return

    info = machine()
    print("X-ray pipeline benchmark: cxray vs pandas + lifetimes vs hand-written DuckDB SQL")
    print(
        f"machine: {info['cpu']} x {info['cpus']} CPUs, {info['ram_gib']:.1f} GiB RAM, "
        f"load average {info['load_average'][0]:.2f}; python {info['python']}; "
        + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    )
    print(
        f"limits per step: {args.timeout:g} s, {args.mem_limit:g} GiB RSS; products keyed by "
        f"{args.products_by} (`cxray products --by {args.products_by}`); as_of = the latest "
        "order date"
    )
    contenders = [c for c in args.contenders if not (args.skip_baseline and c == "pandas")]
    out: dict = {"machine": info, "sizes": {}}
    for lines in args.lines:
        args.out_dir.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(args.out_dir).free
        if free < lines * DISK_BYTES_PER_LINE:
            need = lines * DISK_BYTES_PER_LINE / GiB
            print(f"\n== {lines:,} order lines: skipped, {free / GiB:.0f} GiB free on "
                  f"{args.out_dir}, about {need:.0f} GiB needed ==")  # fmt: skip
            continue
        print(f"\n-- {lines:,} order lines (load average {os.getloadavg()[0]:.2f}) --")
        files, note = ensure_data(lines, args.seed, args.out_dir)
        print(f"  {note}")
        work = args.out_dir / f"work-{lines}"
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        print(f"  (each contender's output goes to {args.out_dir}/{{contender}}-{lines}.log)")
        results = {}
        for name in contenders:
            log = args.out_dir / f"{name}-{lines}.log"
            log.unlink(missing_ok=True)
            results[name] = run_contender(name, files, work, log, args)
        print(f"  load average after the runs: {os.getloadavg()[0]:.2f} (on {os.cpu_count()} CPUs)")
        summary = report(lines, results, args)
        out["sizes"][str(lines)] = {"results": results, "verdict": summary}
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str))
        print(f"\nresults saved to {args.json}")


if __name__ == "__main__":
    main()
