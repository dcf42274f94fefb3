#!/usr/bin/env bash
# Install cxray with its test tools into .venv and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
.venv/bin/ruff check src tests benchmarks
.venv/bin/python -m pytest "$@"
