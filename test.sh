#!/usr/bin/env bash
# Install cxray with its test tools and PySpark into .venv and run the whole test suite
# (DuckDB, SQLite and, when Java is installed, PySpark in local mode).
# Arguments go to pytest, e.g. ./test.sh -m "not spark" to leave Spark out.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test,spark]"
.venv/bin/ruff check src tests benchmarks
.venv/bin/python -m pytest "$@"
