"""Benchmark: importing real-size exports, cxray vs the plain typed load of the same file.

    .venv/bin/python benchmarks/bench_import.py [--lines 1000000 10000000] [--xlsx-lines 1000000]
        [--out-dir DIR] [--timeout 900] [--mem-limit 16] [--json results.json]

What is measured
----------------
The files are what users have (issue 12), made from the ``retail`` demo's order lines
(``cxray.demo.retail.write(dir, seed=42, lines=N)``, Parquet) and cached in ``--out-dir``:

- **a 1C-style CSV** per ``--lines``: Windows-1251, ``;``, decimal comma, ``dd.mm.yyyy`` dates,
  no line numbers, the columns order_id;customer_id;order_date;sku;quantity;price;amount;channel
  (the channel in Russian, so the encoding matters). Written by DuckDB as UTF-8 and re-encoded
  to cp1251 by Python as a stream; the UTF-8 copy is kept for the DuckDB baseline.
- **an XLSX** of ``--xlsx-lines`` order lines (default 1,000,000; one sheet, the same columns,
  numbers as number cells and dates as date cells), written with xlsxwriter's constant_memory
  mode (DuckDB writes XLSX only with its excel extension, which cannot be downloaded here).

Each contender runs in its own process (Python imports done before the clock starts) and the
same run measures all of them:

- **cxray CSV** / **cxray XLSX**: ``cxray.import_file("orders", file, workspace=fresh)`` (the
  API the CLI calls, nothing below it): detection of encoding and delimiter, the checks of every
  cell, rejects kept, order lines numbered, stored in a new DuckDB workspace, import log.
- **DuckDB read_csv** (baseline of the CSV): ``CREATE TABLE orders AS SELECT * FROM read_csv(...)``
  into a new DuckDB database file, with the column types declared, ``delim=';'``,
  ``decimal_separator=','``, ``dateformat='%d.%m.%Y'``. DuckDB cannot read Windows-1251 without
  its encodings extension (not downloadable here), so it reads the UTF-8 copy: the baseline does
  not transcode, cxray does.
- **calamine** (baseline of the XLSX): ``python_calamine`` opens the workbook and reads the first
  sheet into Python rows (``to_python()``), the read cxray's XLSX reader starts from.

Per contender: wall time, and the peak RSS of its process during the timed step (the high-water
mark is reset before the step through ``/proc/self/clear_refs`` and read from ``VmHWM`` after
it). The harness kills a process above ``--mem-limit`` GiB or after ``--timeout`` seconds.
Targets (issue 12): CSV <= 2x DuckDB's read_csv, XLSX <= 2x calamine's read, peak <= 1.5 GiB at
10M lines. Timings are wall-clock on whatever else the machine is doing: run it on a quiet
machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_pipeline import (  # noqa: E402 (benchmarks/ is put on sys.path first)
    GiB,
    ensure_data,
    machine,
    peak_mib,
    reset_peak,
    rss_bytes,
)

COLUMNS = {  # the export's columns and the types the typed baseline declares
    "order_id": "VARCHAR",
    "customer_id": "VARCHAR",
    "order_date": "DATE",
    "sku": "VARCHAR",
    "quantity": "DOUBLE",
    "price": "DOUBLE",
    "amount": "DOUBLE",
    "channel": "VARCHAR",
}
CHANNELS = {"store": "магазин", "online": "интернет-магазин", "app": "приложение"}
TARGET_CSV = 2.0  # cxray / DuckDB read_csv
TARGET_XLSX = 2.0  # cxray / calamine
TARGET_PEAK_GIB = 1.5  # at 10M lines
PEAK_AT = 10_000_000
EXCEL_EPOCH = dt.date(1899, 12, 30)


# --------------------------------------------------------------------------------------------
# data


def _marked(folder: Path, name: str) -> dict | None:
    done = folder / f"{name}.done.json"
    return json.loads(done.read_text()) if done.exists() else None


def ensure_csv(lines: int, seed: int, out_dir: Path) -> tuple[Path, Path, str]:
    """(cp1251 CSV, its UTF-8 copy, a note): the 1C-style export of ``lines`` order lines."""
    parquet = ensure_data(lines, seed, out_dir)[0]["orders"]
    folder = out_dir / f"import-{lines}-seed{seed}"
    utf8, cp1251 = folder / "orders.utf8.csv", folder / "orders-1c.csv"
    info = _marked(folder, "csv")
    if info:
        return cp1251, utf8, f"CSV cached in {folder} (made in {info['seconds']:.1f} s)"
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def comma(name: str) -> str:
        return f"replace(CAST({name} AS VARCHAR), '.', ',') AS {name}"

    channel = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CHANNELS.items())
    select = (
        f"SELECT order_id, customer_id, strftime(order_date, '%d.%m.%Y') AS order_date, sku, "
        f"{comma('quantity')}, {comma('price')}, {comma('amount')}, "
        f"CASE channel {channel} ELSE channel END AS channel "
        f"FROM read_parquet('{parquet}')"
    )
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")
    con.execute(f"COPY ({select}) TO '{utf8}' (HEADER, DELIMITER ';')")
    con.close()
    with (
        utf8.open(encoding="utf-8", newline="") as src,
        cp1251.open("w", encoding="cp1251", newline="") as dst,
    ):
        while block := src.read(1 << 23):
            dst.write(block)
    seconds = time.perf_counter() - started
    (folder / "csv.done.json").write_text(json.dumps({"seconds": seconds}))
    return cp1251, utf8, f"CSV made in {seconds:.1f} s (not timed) in {folder}"


def ensure_xlsx(lines: int, seed: int, out_dir: Path) -> tuple[Path, str]:
    """The XLSX of ``lines`` order lines (one sheet; number and date cells), and a note."""
    parquet = ensure_data(lines, seed, out_dir)[0]["orders"]
    folder = out_dir / f"import-{lines}-seed{seed}"
    path = folder / "orders.xlsx"
    info = _marked(folder, "xlsx")
    if info:
        return path, f"XLSX cached in {folder} (made in {info['seconds']:.1f} s)"
    import pyarrow.parquet as pq
    import xlsxwriter

    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("orders")
    date_cell = book.add_format({"num_format": "dd.mm.yyyy"})
    names = list(COLUMNS)
    sheet.write_row(0, 0, names)
    row = 1
    for batch in pq.ParquetFile(parquet).iter_batches(batch_size=100_000, columns=names):
        cols = batch.to_pydict()
        days = [(d - EXCEL_EPOCH).days for d in cols["order_date"]]  # Excel's date serials
        channels = [CHANNELS.get(c, c) for c in cols["channel"]]
        for i in range(batch.num_rows):
            sheet.write_string(row, 0, cols["order_id"][i])
            sheet.write_string(row, 1, cols["customer_id"][i])
            sheet.write_number(row, 2, days[i], date_cell)
            sheet.write_string(row, 3, cols["sku"][i])
            sheet.write_number(row, 4, cols["quantity"][i])
            sheet.write_number(row, 5, cols["price"][i])
            sheet.write_number(row, 6, cols["amount"][i])
            sheet.write_string(row, 7, channels[i])
            row += 1
    book.close()
    seconds = time.perf_counter() - started
    (folder / "xlsx.done.json").write_text(json.dumps({"seconds": seconds}))
    return path, f"XLSX made in {seconds:.1f} s (not timed) in {folder}"


# --------------------------------------------------------------------------------------------
# child process: one contender, one timed step


def warm_up(name: str) -> None:
    """Python imports a process start does anyway (not timed)."""
    if name.startswith("cxray"):
        import ibis

        import cxray  # noqa: F401

        ibis.duckdb  # noqa: B018 (ibis loads its backends lazily, on first use)
        import cxray.ingest.validate  # noqa: F401
        import cxray.workspace  # noqa: F401
    elif name == "duckdb":
        import duckdb  # noqa: F401
    else:
        import python_calamine  # noqa: F401


def step(name: str, file: Path, work: Path) -> dict:
    if name.startswith("cxray"):
        import cxray

        result = cxray.import_file("orders", file, workspace=work / "cxray-workspace").to_dict()
        return {"rows": result["new"] + result["updated"], "rejected": result["rejected"]}
    if name == "duckdb":
        import duckdb

        con = duckdb.connect(str(work / "baseline.duckdb"))
        columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in COLUMNS.items()) + "}"
        con.execute(
            f"CREATE TABLE orders AS SELECT * FROM read_csv('{file}', delim = ';', "
            f"header = true, columns = {columns}, decimal_separator = ',', "
            f"dateformat = '%d.%m.%Y')"
        )
        rows = con.execute("SELECT count(*) FROM orders").fetchone()[0]
        con.close()
        return {"rows": rows, "rejected": 0}
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(file)).get_sheet_by_index(0).to_python()
    return {"rows": len(rows) - 1, "rejected": 0}


def child_main(args: argparse.Namespace) -> None:
    warm_up(args.child)
    worked = reset_peak()
    started = time.perf_counter()
    check = step(args.child, Path(args.file), Path(args.work))
    seconds = time.perf_counter() - started
    Path(args.result).write_text(
        json.dumps({"seconds": seconds, "peak_mib": peak_mib(worked), "check": check})
    )


# --------------------------------------------------------------------------------------------
# parent


def run(name: str, file: Path, out_dir: Path, args: argparse.Namespace, log: Path) -> dict:
    """Run contender ``name`` on ``file`` in its own process, under the time and memory limits."""
    work = Path(tempfile.mkdtemp(prefix=f"work-{name}-", dir=out_dir))
    result = work / "result.json"
    cmd = [
        sys.executable, __file__, "--child", name, "--file", str(file), "--work", str(work),
        "--result", str(result),
    ]  # fmt: skip
    print(f"    {name:<16} {file.name:<18} ...", end="", flush=True)
    started, killed = time.monotonic(), None
    with log.open("a") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=fh)
        while proc.poll() is None:
            time.sleep(0.2)
            if rss_bytes(proc.pid) > args.mem_limit * GiB:
                killed = f"out of memory (> {args.mem_limit:g} GiB)"
            elif time.monotonic() - started > args.timeout:
                killed = f"too slow (> {args.timeout:g} s)"
            if killed:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
    if result.exists():
        res = {"status": "ok", **json.loads(result.read_text())}
        print(f" {res['seconds']:8.2f} s  {res['peak_mib']:7.0f} MiB", flush=True)
    else:
        reason = killed or f"crashed (exit code {proc.returncode}; see {log})"
        res = {"status": "failed", "error": reason}
        print(f" {reason}", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return res


def ratio(ours: dict, base: dict) -> float | None:
    if ours.get("status") == "ok" and base.get("status") == "ok" and base["seconds"] > 0:
        return ours["seconds"] / base["seconds"]
    return None


def seconds(res: dict) -> str:
    return f"{res['seconds']:.2f}" if res.get("status") == "ok" else "FAILED"


def mib(res: dict) -> str:
    return f"{res['peak_mib']:.0f}" if res.get("status") == "ok" else "-"


def report(rows: list[tuple[str, dict, str, dict]], lines: list[int]) -> list[str]:
    head = (
        f"{'file':<14} | {'cxray s':>8} | {'baseline':<16} | {'base s':>7} | {'cxray/base':>10} | "
        f"{'cxray MiB':>9} | {'base MiB':>8} | rows (cxray kept + rejected / baseline)"
    )
    print("\n" + head)
    print("-" * len(head))
    for label, ours, base_name, base in rows:
        x = ratio(ours, base)
        check = "-"
        if ours.get("status") == "ok" and base.get("status") == "ok":
            kept, rejected = ours["check"]["rows"], ours["check"]["rejected"]
            same = "ok" if kept + rejected == base["check"]["rows"] else "MISMATCH"
            check = f"{kept:,} + {rejected:,} / {base['check']['rows']:,} {same}"
        print(
            f"{label:<14} | {seconds(ours):>8} | {base_name:<16} | {seconds(base):>7} | "
            f"{'-' if x is None else f'{x:.2f}x':>10} | {mib(ours):>9} | {mib(base):>8} | {check}"
        )
    verdicts = []
    for label, ours, base_name, base in rows:
        x = ratio(ours, base)
        target = TARGET_XLSX if label.startswith("XLSX") else TARGET_CSV
        if x is None:
            verdicts.append(f"VERDICT {label}: not measured (a contender failed)")
            continue
        ok = x <= target
        verdicts.append(
            f"VERDICT {label}: {ours['seconds']:.1f} s = {x:.2f}x {base_name} "
            f"({base['seconds']:.1f} s; target <= {target:g}x) {'met' if ok else 'MISSED'}"
        )
    peak_rows = [r for r in rows if r[0] == f"CSV {PEAK_AT // 1_000_000}M"]
    if peak_rows and peak_rows[0][1].get("status") == "ok":
        peak = peak_rows[0][1]["peak_mib"] / 1024
        ok = peak <= TARGET_PEAK_GIB
        verdicts.append(
            f"VERDICT peak at {PEAK_AT:,} lines: {peak:.2f} GiB (target <= "
            f"{TARGET_PEAK_GIB:g} GiB) {'met' if ok else 'MISSED'}"
        )
    elif PEAK_AT in lines:
        verdicts.append(f"VERDICT peak at {PEAK_AT:,} lines: not measured (the import failed)")
    else:
        verdicts.append(f"VERDICT peak at {PEAK_AT:,} lines: not measured (not in --lines)")
    print("(seconds: the timed step only; peak: the process' RSS high-water mark during it)")
    for line in verdicts:
        print(line)
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, nargs="*", default=[1_000_000, 10_000_000],
                        help="order lines of each CSV")  # fmt: skip
    parser.add_argument("--xlsx-lines", type=int, default=1_000_000,
                        help="order lines of the XLSX (0: no XLSX)")  # fmt: skip
    parser.add_argument("--out-dir", type=Path, default=Path("/tmp/cxray-bench-import"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per contender")
    parser.add_argument("--mem-limit", type=float, default=16.0, help="GiB of RSS per process")
    parser.add_argument("--json", type=Path, help="save the results to this JSON file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args)
        return

    info = machine()
    import cxray

    print("Import benchmark: cxray.import_file vs DuckDB's typed read_csv / python-calamine")
    print(
        f"machine: {info['cpu']} x {info['cpus']} CPUs, {info['ram_gib']:.1f} GiB RAM, "
        f"load average {info['load_average'][0]:.2f}; python {info['python']}; "
        + ", ".join(f"{k} {v}" for k, v in info["versions"].items() if k != "lifetimes")
        + f", python-calamine {_version('python-calamine')}, xlsxwriter "
        f"{_version('xlsxwriter')}; cxray from {Path(cxray.__file__).parent}"
    )
    print(f"limits per contender: {args.timeout:g} s, {args.mem_limit:g} GiB RSS")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    log = args.out_dir / "bench_import.log"
    log.unlink(missing_ok=True)
    print(f"(the contenders' output goes to {log})")
    rows: list[tuple[str, dict, str, dict]] = []
    for lines in args.lines:
        print(f"\n-- CSV, {lines:,} order lines (load average {os.getloadavg()[0]:.2f}) --")
        cp1251, utf8, note = ensure_csv(lines, args.seed, args.out_dir)
        print(f"  {note}; {cp1251.stat().st_size / 1e6:,.0f} MB")
        base = run("duckdb", utf8, args.out_dir, args, log)
        ours = run("cxray-csv", cp1251, args.out_dir, args, log)
        rows.append((f"CSV {_size(lines)}", ours, "DuckDB read_csv", base))
    if args.xlsx_lines:
        lines = args.xlsx_lines
        print(f"\n-- XLSX, {lines:,} order lines (load average {os.getloadavg()[0]:.2f}) --")
        xlsx, note = ensure_xlsx(lines, args.seed, args.out_dir)
        print(f"  {note}; {xlsx.stat().st_size / 1e6:,.0f} MB")
        base = run("calamine", xlsx, args.out_dir, args, log)
        ours = run("cxray-xlsx", xlsx, args.out_dir, args, log)
        rows.append((f"XLSX {_size(lines)}", ours, "calamine", base))
    verdicts = report(rows, args.lines)
    if args.json:
        payload: dict[str, Any] = {
            "machine": info,
            "results": [
                {"file": label, "cxray": ours, "baseline": name, "baseline_result": base}
                for label, ours, name, base in rows
            ],
            "verdicts": verdicts,
        }
        args.json.write_text(json.dumps(payload, indent=2, default=str))
        print(f"\nresults saved to {args.json}")


def _size(lines: int) -> str:
    return f"{lines // 1_000_000}M" if lines % 1_000_000 == 0 else f"{lines:,}"


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "-"


if __name__ == "__main__":
    main()
