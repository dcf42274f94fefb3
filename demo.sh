#!/usr/bin/env bash
# Install cxray into .venv, generate the b2b-food demo company and show its X-ray.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
export CXRAY_WORKSPACE=${CXRAY_WORKSPACE:-cxray-workspace}
.venv/bin/cxray demo --profile b2b-food --seed 42 --out demo-data
.venv/bin/cxray status
.venv/bin/cxray structure
