"""Load on the web workspace: concurrent signed-in users against ``cxray serve`` on loopback.

    .venv/bin/python benchmarks/bench_web.py [--workspace DIR] [--lines 1000000] [--users 20]
        [--seconds 60] [--warmup 30] [--think 0] [--seed 42] [--json FILE]

The workspace (default ``/tmp/cxray-bench-web/ws``) is reused when it holds data; otherwise the
``retail`` demo of ``--lines`` order lines is made there first (untimed). The benchmark adds its
own users (``bench-viewer``, ``bench-analyst``, ``bench-admin``, with a password made for the run),
then starts ``cxray serve`` in its own process on a free port of 127.0.0.1, so the server and the
clients do not share an interpreter.

Each of ``--users`` threads signs in through the form (half as viewers, half as analysts, who see
contact data and work every follow-up task) and, until the time is up, asks for one page after
another, each drawn at random with these weights: the overview, a report page (one of eight),
the card of a random customer, a search (a random customer's id prefix or name), the follow-up
queue (analysts), and the server's floor, the packaged CSS file (``/static/cxray.css``), the
named baseline of the ratios. ``--think S``: each user waits 0.5 S to 1.5 S (at random) after
an answer, as a person reading the page; 0 (the default) asks again at once. A warm-up of
``--warmup`` seconds with the same load comes first (not counted): the server computes the
report once per filter and keeps it, so the first overview of a new server waits for the whole
report, and the first card for the whole-base results every card shares (RFM, CLV, white space,
alerts): before it, one analyst asks for every kind of page once, in turn (timed, printed, not
counted).

Per page: requests, errors (a status other than 200, or no answer), p50 / p95 / max in ms, and
p50 / p95 as ratios to the CSS file's. Targets of the issue: card p95 <= 300 ms, overview p95 <=
1 s, no errors.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from bench_pipeline import machine

import cxray
from cxray.errors import CxrayError

REPORT_PAGES = ("structure", "products", "whitespace", "rfm", "cohorts", "clv", "alerts",
                "feedback")  # fmt: skip
WEIGHTS = {"overview": 15, "report": 15, "card": 35, "search": 15, "followups": 10, "css": 10}
ROLES = ("viewer", "analyst")  # the users' roles, in turn
BASELINE = "css"
TARGETS_MS = {"card": 300, "overview": 1000}  # p95
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def prepare(path: Path, lines: int, seed: int) -> tuple[str, list[dict]]:
    """The workspace at ``path`` (the retail demo made there when it has no data), the bench
    users with a fresh password, and a sample of customers (id and name) to ask for."""
    if not (path / "cxray.duckdb").exists():
        print(f"making the retail demo of {lines:,} order lines in {path} ...", flush=True)
        started = time.perf_counter()
        cxray.demo("retail", workspace=path, lines=lines, seed=seed)
        print(f"  made in {time.perf_counter() - started:.0f} s", flush=True)
    password = secrets.token_urlsafe(18)
    with cxray.open(path, read_only=False) as session:
        for role in (*ROLES, "admin"):
            login = f"bench-{role}"
            try:
                session.accounts.add_user(login, role=role, password=password, actor="bench")
            except CxrayError as error:
                if error.key != "user_exists":
                    raise
                session.accounts.set_password(login, password, actor="bench")
        customers = session.tables()["customers"].select("customer_id", "name").to_pyarrow()
    return password, customers.to_pylist()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(path: Path, port: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "cxray", "--workspace", str(path), "serve",
               "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    server = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode}); see {log}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/signin", timeout=2)
            return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer in 120 s")


def sign_in(client: httpx.Client, login: str, password: str) -> None:
    form = client.get("/signin")
    token = _CSRF.search(form.text)
    assert token, "no csrf field on the sign-in page"
    data = {"login": login, "password": password, "csrf": token.group(1), "next": "/"}
    answer = client.post("/signin", data=data)
    if answer.status_code != 303:
        raise SystemExit(f"{login} could not sign in ({answer.status_code})")


class User(threading.Thread):
    """One signed-in user asking for pages until ``stop``; each answer's page kind, seconds and
    whether it was an error go to ``record`` (when ``counting`` is set)."""

    def __init__(self, url: str, role: str, password: str, customers: list[dict], seed: int,
                 think: float, stop: threading.Event, counting: threading.Event,
                 record: list) -> None:  # fmt: skip
        super().__init__(daemon=True)
        self.think = think
        self.client = httpx.Client(base_url=url, timeout=300, follow_redirects=False)
        self.role, self.password, self.customers = role, password, customers
        self.rng = random.Random(seed)
        self.stop, self.counting, self.record = stop, counting, record
        kinds = [k for k in WEIGHTS if k != "followups" or role == "analyst"]
        self.kinds, self.weights = kinds, [WEIGHTS[k] for k in kinds]

    def target(self, kind: str) -> str:
        customer = self.rng.choice(self.customers)
        if kind == "overview":
            return "/"
        if kind == "report":
            return f"/{self.rng.choice(REPORT_PAGES)}"
        if kind == "card":
            return f"/customers/{customer['customer_id']}"
        if kind == "search":
            words = (customer["name"] or "").split()
            q = words[0] if words and self.rng.random() < 0.5 else customer["customer_id"][:6]
            return f"/search?q={q}"
        if kind == "followups":
            return "/followups"
        return "/static/cxray.css"

    def run(self) -> None:
        sign_in(self.client, f"bench-{self.role}", self.password)
        while not self.stop.is_set():
            kind = self.rng.choices(self.kinds, self.weights)[0]
            path = self.target(kind)
            started = time.perf_counter()
            try:
                error = self.client.get(path).status_code not in (200, 303)
            except httpx.HTTPError:
                error = True
            seconds = time.perf_counter() - started
            if self.counting.is_set():
                self.record.append((kind, seconds, error, path))
            if self.think:  # a person reading the page, 0.5x to 1.5x --think seconds
                self.stop.wait(self.think * (0.5 + self.rng.random()))


def warm_up(url: str, password: str, customers: list[dict]) -> float:
    """One analyst asks for every kind of page once, in turn (the server computes the report
    and the whole-base results that every card and search share); the seconds it took."""
    started = time.perf_counter()
    with httpx.Client(base_url=url, timeout=900) as client:
        sign_in(client, "bench-analyst", password)
        first = customers[0]
        paths = ["/", *(f"/{page}" for page in REPORT_PAGES), "/followups",
                 f"/customers/{first['customer_id']}", f"/search?q={first['name']}"]  # fmt: skip
        for path in paths:
            answer = client.get(path)
            if answer.status_code != 200:
                raise SystemExit(f"warm-up: {path} answered {answer.status_code}")
    return time.perf_counter() - started


def quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def summarise(record: list, seconds: float) -> dict:
    pages = {}
    for kind in WEIGHTS:
        times = [s for k, s, _, _ in record if k == kind]
        if not times:
            continue
        pages[kind] = {
            "requests": len(times),
            "errors": sum(1 for k, _, e, _ in record if k == kind and e),
            "p50_ms": 1000 * quantile(times, 0.50),
            "p95_ms": 1000 * quantile(times, 0.95),
            "max_ms": 1000 * max(times),
        }
    floor = pages.get(BASELINE)
    for row in pages.values():
        row["p50_ratio"] = row["p50_ms"] / floor["p50_ms"] if floor else None
        row["p95_ratio"] = row["p95_ms"] / floor["p95_ms"] if floor else None
    requests = len(record)
    slowest = sorted(record, key=lambda r: -r[1])[:5]
    errors = sum(1 for _, _, e, _ in record if e)
    return {"pages": pages, "requests": requests, "errors": errors,
            "per_second": requests / seconds if seconds else 0.0,
            "error_paths": sorted({p for _, _, e, p in record if e})[:10],
            "slowest": [(p, round(1000 * t)) for _, t, _, p in slowest]}  # fmt: skip


def verdict(summary: dict) -> dict:
    found = {}
    for kind, limit in TARGETS_MS.items():
        p95 = summary["pages"].get(kind, {}).get("p95_ms")
        found[f"{kind}_p95"] = {"limit_ms": limit, "ms": p95,
                                "met": p95 is not None and p95 <= limit}  # fmt: skip
    found["no_errors"] = {"errors": summary["errors"], "met": summary["errors"] == 0}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workspace", type=Path, default=Path("/tmp/cxray-bench-web/ws"))
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=30)
    parser.add_argument("--think", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    password, customers = prepare(args.workspace, args.lines, args.seed)
    port = free_port()
    log = args.workspace.parent / "serve.log"
    server = start_server(args.workspace, port, log)
    try:
        record: list = []
        stop, counting = threading.Event(), threading.Event()
        url = f"http://127.0.0.1:{port}"
        print(f"warm-up, every page once: {warm_up(url, password, customers):.0f} s", flush=True)
        users = []
        for i in range(args.users):
            users.append(User(url, ROLES[i % 2], password, customers, args.seed + i, args.think,
                              stop, counting, record))  # fmt: skip
        started = time.perf_counter()
        for user in users:
            user.start()
        time.sleep(args.warmup)
        print(f"warm-up under load: {time.perf_counter() - started:.0f} s", flush=True)
        counting.set()
        load_avg = os.getloadavg()[0]
        time.sleep(args.seconds)
        counting.clear()
        stop.set()
        for user in users:
            user.join(timeout=300)
    finally:
        server.terminate()
        server.wait(timeout=60)

    summary = summarise(record, args.seconds)
    found = verdict(summary)
    info = machine()
    print(f"\nmachine: {info}\nload average at the start of the count: {load_avg:.1f}")
    print(f"{len(customers):,} customers; {args.users} users (think time {args.think:g} s) for "
          f"{args.seconds:.0f} s after a {args.warmup:.0f} s warm-up; baseline: the CSS file "
          "(the server's floor)\n")  # fmt: skip
    print(f"{'page':<10} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'max ms':>8} {'p50/css':>8} {'p95/css':>8}")  # fmt: skip
    for kind, row in summary["pages"].items():
        print(f"{kind:<10} {row['requests']:>8} {row['errors']:>6} {row['p50_ms']:>8.0f} "
              f"{row['p95_ms']:>8.0f} {row['max_ms']:>8.0f} {row['p50_ratio']:>7.1f}x "
              f"{row['p95_ratio']:>7.1f}x")  # fmt: skip
    print(f"\nrequests: {summary['requests']} ({summary['per_second']:.1f}/s), "
          f"errors: {summary['errors']} {summary['error_paths'] or ''}")  # fmt: skip
    print("slowest:", ", ".join(f"{path} {ms} ms" for path, ms in summary["slowest"]))
    for name, row in found.items():
        print(f"{name}: {'met' if row['met'] else 'MISSED'} {row}")
    if args.json:
        payload = {"machine": info, "args": {k: str(v) for k, v in vars(args).items()},
                   "load_average": load_avg, "summary": summary, "verdict": found}  # fmt: skip
        args.json.write_text(json.dumps(payload, indent=2, default=str))


if __name__ == "__main__":
    main()
