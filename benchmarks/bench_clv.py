"""Benchmark: CLV (BG/NBD + Gamma-Gamma) on synthetic customers, against the `lifetimes` package.

    .venv/bin/python benchmarks/bench_clv.py [--customers 1000000] [--seed 1]

Three phases, each in its own process so each peak memory (``ru_maxrss``) is its own:

1. **generate**: ``--customers`` customers drawn from the BG/NBD process itself (purchase rate
   lambda ~ Gamma(r, alpha) per week, dropout p ~ Beta(a, b) after each repeat purchase) with
   Gamma-Gamma spend (nu ~ Gamma(q, v), each purchase ~ Gamma(p, nu)), first purchases spread
   over the first 26 weeks of 2024, observed to the end of the holdout; vectorised NumPy, written
   to a DuckDB file as the canonical ``orders`` table (one line per purchase).
2. **cxray**: ``rfm_summary`` + grouped counts in DuckDB, the two fits, and ``fit_clv`` end to end
   (summary, counts, fits, per-customer predictions and CLV, holdout validation), with the time of
   each step and the peak memory; then whether the fit recovers the generating parameters.
3. **lifetimes** (baseline, if it imports): ``BetaGeoFitter`` / ``GammaGammaFitter`` on the same
   summary, both per customer (its usual input) and on the grouped summaries with weights (the
   input cxray uses), plus its per-customer predictions. Ratios "cxray vs lifetimes" at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

TRUE_BG = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5}  # alpha in weeks
TRUE_GG = {"p": 6.0, "q": 4.0, "v": 15.0}
START = dt.date(2024, 1, 1)  # day 0
FIRST_PURCHASE_DAYS = 26 * 7  # first purchases on days 0..181
CALIBRATION_END = START + dt.timedelta(days=52 * 7 - 1)  # 2024-12-29: 52 weeks of data
HOLDOUT_END = CALIBRATION_END + dt.timedelta(days=26 * 7)  # 26 holdout weeks
UNIT, HORIZON = "week", 52


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Steps:
    """Times the steps of a phase and records the peak memory after each."""

    def __init__(self, phase: str) -> None:
        self.phase = phase
        self.rows: list[dict] = []

    def run(self, name: str, fn, *args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        seconds = time.perf_counter() - start
        self.rows.append({"step": name, "seconds": seconds, "peak_mb": peak_mb()})
        print(
            f"  [{self.phase}] {name:<44} {seconds:8.2f} s   peak RSS {peak_mb():8.0f} MB",
            flush=True,
        )
        return result


# --------------------------------------------------------------------------------------------
# phase 1: generate


def simulate(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(customer index, day, amount) of every purchase of n customers, days 0..holdout end."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(TRUE_BG["r"], 1.0 / TRUE_BG["alpha"], n) / 7.0  # purchases per day
    p = rng.beta(TRUE_BG["a"], TRUE_BG["b"], n)
    nu = rng.gamma(TRUE_GG["q"], 1.0 / TRUE_GG["v"], n)  # spend rate per customer
    first = rng.integers(0, FIRST_PURCHASE_DAYS, n)
    last_day = (HOLDOUT_END - START).days
    window = last_day - first + 1.0  # repeat purchase times (days after the first) must be < this

    customers, days = [np.arange(n)], [first]
    now = np.zeros(n)
    active = np.arange(n)
    while active.size:
        now[active] += rng.exponential(1.0, active.size) / lam[active]
        active = active[now[active] < window[active]]
        customers.append(active)
        days.append(first[active] + np.floor(now[active]).astype(np.int64))
        active = active[rng.random(active.size) >= p[active]]  # drop out after the purchase
    customer = np.concatenate(customers)
    day = np.concatenate(days)
    amount = np.round(rng.gamma(TRUE_GG["p"], 1.0 / nu[customer]), 2) + 0.01
    return customer, day, amount


def write_orders(path: Path, customer: np.ndarray, day: np.ndarray, amount: np.ndarray) -> int:
    import duckdb
    import pyarrow as pa

    raw = pa.table({"cust": customer, "day": day, "amount": amount})  # noqa: F841 (used by SQL)
    con = duckdb.connect(str(path))
    con.execute(f"""
        CREATE OR REPLACE TABLE orders AS
        SELECT 'o' || CAST(row_number() OVER () AS VARCHAR) AS order_id,
               'c' || CAST(cust AS VARCHAR) AS customer_id,
               CAST(DATE '{START.isoformat()}' + CAST(day AS INTEGER) AS DATE) AS order_date,
               amount
        FROM raw
    """)
    rows = con.execute("SELECT count(*) FROM orders").fetchone()[0]
    con.close()
    return rows


def phase_generate(args: argparse.Namespace) -> dict:
    steps = Steps("generate")
    customer, day, amount = steps.run(
        f"simulate {args.customers:,} customers", simulate, args.customers, args.seed
    )
    rows = steps.run("write orders to DuckDB", write_orders, Path(args.db), customer, day, amount)
    print(f"  [generate] {rows:,} order lines", flush=True)
    return {"steps": steps.rows, "lines": rows}


# --------------------------------------------------------------------------------------------
# phase 2: cxray


def phase_cxray(args: argparse.Namespace) -> dict:
    import ibis

    from cxray.analytics.clv import (
        BetaGeoModel,
        GammaGammaModel,
        fit_clv,
        rfm_summary,
        summary_counts,
    )

    steps = Steps("cxray")
    con = ibis.duckdb.connect(args.db, read_only=True)
    orders = con.table("orders")
    summary = rfm_summary(
        orders, calibration_end=CALIBRATION_END, unit=UNIT, holdout_end=HOLDOUT_END
    )
    counts = steps.run(
        "summary + grouped counts (DuckDB)", lambda: summary_counts(summary).to_pandas()
    )
    bg = steps.run(
        f"BG/NBD fit on {len(counts):,} distinct summaries",
        lambda: BetaGeoModel().fit(
            counts["frequency"], counts["recency"], counts["T"], weights=counts["weight"]
        ),
    )
    gg_counts = steps.run(
        "Gamma-Gamma counts (DuckDB)",
        lambda: summary_counts(
            summary.filter(summary.frequency > 0, summary.monetary > 0),
            by=("frequency", "monetary"),
        ).to_pandas(),
    )
    gg = steps.run(
        f"Gamma-Gamma fit on {len(gg_counts):,} distinct summaries",
        lambda: GammaGammaModel().fit(
            gg_counts["frequency"], gg_counts["monetary"], weights=gg_counts["weight"]
        ),
    )
    result = steps.run(
        "fit_clv end to end (incl. predictions, CLV)",
        lambda: fit_clv(
            orders,
            calibration_end=CALIBRATION_END,
            holdout_end=HOLDOUT_END,
            unit=UNIT,
            horizon=HORIZON,
        ),
    )
    customers = result.customers
    # the per-customer summary, for the lifetimes phase (not timed)
    customers[["frequency", "recency", "T", "monetary"]].to_parquet(args.summary)
    con.disconnect()

    fitted = {**bg.params_, **gg.params_}
    print(
        f"  [cxray] {len(customers):,} customers, {int((customers.frequency > 0).sum()):,} "
        f"repeat purchasers; BG/NBD LL {bg.log_likelihood_:.1f}, converged {bg.converged_}; "
        f"Gamma-Gamma LL {gg.log_likelihood_:.1f}, converged {gg.converged_}",
        flush=True,
    )
    return {
        "steps": steps.rows,
        "fitted": fitted,
        "params": result.params,
        "holdout": result.holdout_totals,
        "validation": result.validation.to_dict(orient="records"),
        "customers": len(customers),
        "distinct": len(counts),
        "clv_total": float(customers["clv"].sum()),
    }


# --------------------------------------------------------------------------------------------
# phase 3: lifetimes


def phase_lifetimes(args: argparse.Namespace) -> dict:
    import pandas as pd

    warnings.simplefilter("ignore")
    steps = Steps("lifetimes")
    try:
        from lifetimes import BetaGeoFitter, GammaGammaFitter
    except Exception as exc:  # noqa: BLE001 - report any import failure
        print(f"  [lifetimes] does not import: {exc!r}", flush=True)
        return {"error": f"import failed: {exc!r}"}
    out: dict = {"steps": steps.rows}
    frame = pd.read_parquet(args.summary)
    x, tx, big_t = frame["frequency"], frame["recency"], frame["T"]
    try:
        bgf = steps.run(
            f"BetaGeoFitter on {len(frame):,} customers", lambda: BetaGeoFitter().fit(x, tx, big_t)
        )
        out["bg_rows"] = {k: float(v) for k, v in bgf.params_.items()}
        grouped = frame.groupby(["frequency", "recency", "T"]).size().reset_index(name="w")
        bgw = steps.run(
            f"BetaGeoFitter on {len(grouped):,} grouped, weights",
            lambda: BetaGeoFitter().fit(
                grouped["frequency"], grouped["recency"], grouped["T"], weights=grouped["w"]
            ),
        )
        out["bg_grouped"] = {k: float(v) for k, v in bgw.params_.items()}
        rep = frame[(frame["frequency"] > 0) & (frame["monetary"] > 0)]
        ggf = steps.run(
            f"GammaGammaFitter on {len(rep):,} repeaters",
            lambda: GammaGammaFitter().fit(rep["frequency"], rep["monetary"]),
        )
        out["gg_rows"] = {k: float(v) for k, v in ggf.params_.items()}
        grouped_gg = rep.groupby(["frequency", "monetary"]).size().reset_index(name="w")
        steps.run(
            f"GammaGammaFitter on {len(grouped_gg):,} grouped, weights",
            lambda: GammaGammaFitter().fit(
                grouped_gg["frequency"], grouped_gg["monetary"], weights=grouped_gg["w"]
            ),
        )

        def predict():
            alive = bgf.conditional_probability_alive(x, tx, big_t)
            exp = bgf.conditional_expected_number_of_purchases_up_to_time(HORIZON, x, tx, big_t)
            value = ggf.conditional_expected_average_profit(frame["frequency"], frame["monetary"])
            return alive, exp, value

        steps.run("per-customer P(alive), E[purchases], E[value]", predict)
    except Exception as exc:  # noqa: BLE001 - a baseline failure is a result, not a crash
        print(f"  [lifetimes] failed: {exc!r}", flush=True)
        out["error"] = repr(exc)
    return out


# --------------------------------------------------------------------------------------------
# driver


def run_phase(phase: str, args: argparse.Namespace) -> dict:
    out = Path(args.tmp) / f"{phase}.json"
    cmd = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--customers",
        str(args.customers),
        "--seed",
        str(args.seed),
        "--tmp",
        args.tmp,
    ]
    proc = subprocess.run(cmd, check=False)
    if proc.returncode != 0 or not out.exists():
        return {"error": f"phase {phase} exited with {proc.returncode}"}
    return json.loads(out.read_text())


def step_seconds(result: dict, prefix: str) -> float | None:
    for row in result.get("steps", []):
        if row["step"].startswith(prefix):
            return row["seconds"]
    return None


def report(args, gen: dict, cx: dict, lt: dict) -> None:
    print()
    print(
        f"== CLV benchmark: {args.customers:,} customers, {gen.get('lines', 0):,} order lines, "
        f"calibration to {CALIBRATION_END}, holdout to {HOLDOUT_END}, unit {UNIT} =="
    )
    print(f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}")
    if "error" in cx:
        print(f"cxray phase failed: {cx['error']}")
        return
    total = sum(r["seconds"] for r in cx["steps"])
    print(
        f"cxray peak RSS: {max(r['peak_mb'] for r in cx['steps']):.0f} MB "
        f"(generation, in its own process: {max(r['peak_mb'] for r in gen['steps']):.0f} MB)"
    )
    print(
        f"cxray fit_clv end to end: {step_seconds(cx, 'fit_clv'):.2f} s "
        f"(all cxray steps {total:.2f} s); distinct BG/NBD summaries: {cx['distinct']:,}"
    )

    print("\nparameter recovery (true -> fitted):")
    for name, true in {**TRUE_BG, **TRUE_GG}.items():
        got = cx["fitted"][name]
        rel = abs(got - true) / true
        flag = "ok" if rel < 0.10 else "OFF"
        print(f"  {name:<6} {true:8.3f} -> {got:8.3f}   ({rel:6.1%})  {flag}")
    ho = cx["holdout"]
    print(
        f"\nholdout ({ho['holdout_length']:.0f} weeks): actual {ho['actual']:,.0f} purchases, "
        f"predicted {ho['predicted']:,.0f} ({ho['predicted'] / ho['actual'] - 1:+.1%})"
    )
    print("  bucket  customers  actual/cust  predicted/cust")
    for row in cx["validation"]:
        print(
            f"  {row['bucket']:>6} {row['customers']:>10,} {row['actual_mean']:>12.3f} "
            f"{row['predicted_mean']:>15.3f}"
        )

    print("\nbaseline: lifetimes")
    if "error" in lt and not lt.get("steps"):
        print(f"  not measured: {lt['error']}")
        return
    if "error" in lt:
        print(f"  failed part-way: {lt['error']}")
    pairs = [
        ("BG/NBD fit", "BG/NBD fit", "BetaGeoFitter on", None),
        ("BG/NBD fit", "BG/NBD fit", "BetaGeoFitter on", "grouped"),
        ("Gamma-Gamma fit", "Gamma-Gamma fit", "GammaGammaFitter on", None),
        ("Gamma-Gamma fit", "Gamma-Gamma fit", "GammaGammaFitter on", "grouped"),
    ]
    for label, ours_prefix, theirs_prefix, variant in pairs:
        theirs = [
            r
            for r in lt["steps"]
            if r["step"].startswith(theirs_prefix)
            and (("grouped" in r["step"]) == (variant == "grouped"))
        ]
        ours = step_seconds(cx, ours_prefix)
        if not theirs or ours is None:
            continue
        t = theirs[0]["seconds"]
        input_ = "grouped + weights" if variant else "one row per customer"
        print(
            f"  {label:<16} lifetimes ({input_:<20}) {t:8.2f} s   cxray {ours:6.2f} s   "
            f"cxray vs lifetimes: {t / ours:5.1f}x (their time / ours)"
        )
    fit_theirs = sum(
        r["seconds"]
        for r in lt["steps"]
        if r["step"].startswith(("BetaGeoFitter", "GammaGammaFitter"))
        and "grouped" not in r["step"]
    )
    pred = step_seconds(lt, "per-customer")
    if pred is not None:
        fit_theirs += pred
    print(
        f"  lifetimes fits + per-customer predictions (usual use) {fit_theirs:8.2f} s vs "
        f"cxray fit_clv end to end (incl. the summary in DuckDB) "
        f"{step_seconds(cx, 'fit_clv'):.2f} s: {fit_theirs / step_seconds(cx, 'fit_clv'):.1f}x"
    )
    print(
        f"  lifetimes peak RSS {max(r['peak_mb'] for r in lt['steps']):.0f} MB "
        "(its process, reading the summary from Parquet)"
    )
    if "bg_rows" in lt:
        diffs = {k: abs(lt["bg_rows"][k] - cx["fitted"][k]) / cx["fitted"][k] for k in TRUE_BG}
        print(
            "  lifetimes BG/NBD params (per customer) vs cxray, relative difference: "
            + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items())
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-lifetimes", action="store_true")
    parser.add_argument(
        "--phase", choices=["generate", "cxray", "lifetimes"], help=argparse.SUPPRESS
    )
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        args.db = str(Path(args.tmp) / "bench.duckdb")
        args.summary = str(Path(args.tmp) / "summary.parquet")
        fn = {"generate": phase_generate, "cxray": phase_cxray, "lifetimes": phase_lifetimes}
        result = fn[args.phase](args)
        (Path(args.tmp) / f"{args.phase}.json").write_text(json.dumps(result, default=str))
        return

    with tempfile.TemporaryDirectory(prefix="cxray-bench-clv-") as tmp:
        args.tmp = tmp
        print(f"CLV benchmark, {args.customers:,} customers (phases run in separate processes)")
        gen = run_phase("generate", args)
        if "error" in gen:
            sys.exit(gen["error"])
        cx = run_phase("cxray", args)
        lt = (
            {"error": "skipped (--skip-lifetimes)"}
            if args.skip_lifetimes
            else (run_phase("lifetimes", args) if "error" not in cx else {"error": "cxray failed"})
        )
        report(args, gen, cx, lt)


if __name__ == "__main__":
    main()
