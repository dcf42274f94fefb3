#!/usr/bin/env bash
# Install cxray into .venv, generate the b2b-food demo company, show its X-ray and write the
# report (cxray-report.html and cxray-report.xlsx).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
export CXRAY_WORKSPACE=${CXRAY_WORKSPACE:-cxray-workspace}
# --force: running the script again rewrites the files it wrote before
.venv/bin/cxray demo --profile b2b-food --seed 42 --out demo-data --force
.venv/bin/cxray status
.venv/bin/cxray structure
.venv/bin/cxray alerts
.venv/bin/cxray report --out cxray-report.html --xlsx cxray-report.xlsx --force
echo "Open cxray-report.html in a browser (it works offline)."
