"""The `--json` commands of the golden test, run on the seed-42 b2b-food demo.

``python tests/golden/cases.py DIR`` writes each case's output to ``DIR/<name>.json.gz`` from a
fresh demo workspace. The test (tests/test_golden.py) runs the same cases in English and in
Russian and compares them with the stored files, numbers to 1e-9 relative (DuckDB sums in
parallel, so the last bits of a float may change between runs).
"""

from __future__ import annotations

CUSTOMER = "C03596"  # the customer with the most order lines
CAMPAIGNS = ("grill-season-2026-06", "autumn-catalogue-2026-09", "cheese-new-year-2026-11")
PAST = CAMPAIGNS[:2]
INITIATIVE = "horeca-manager-2025-11"  # the demo's satisfaction initiative

CASES: dict[str, list[str]] = {
    "status": ["status"],
    "sql": ["sql", "select segment, count(*) n from customers group by 1 order by n desc, 1"],
    "structure": ["structure"],
    "structure-options": ["structure", "--as-of", "2025-12-31", "--key-share", "0.8"],
    "products-customer": ["products", "--customer", CUSTOMER],
    "products-customer-line": ["products", "--customer", CUSTOMER, "--by", "line"],
    "whitespace": ["whitespace"],
    "whitespace-customer": ["whitespace", "--customer", "C01282"],
    "rfm": ["rfm"],
    "cohorts": ["cohorts"],
    "cohorts-quarter": ["cohorts", "--period", "quarter"],
    "clv": ["clv"],
    "clv-holdout": ["clv", "--calibration-end", "2025-10-31", "--holdout-end", "2026-10-31"],
    "alerts": ["alerts"],
    # the stored outputs hold for the latest order date (the default before it became the
    # latest send, and the latest answer for follow-ups)
    "contacts-health": ["contacts", "health", "--as-of", "2026-10-31"],
    "feedback-scores": ["feedback", "scores"],
    "feedback-scores-month": ["feedback", "scores", "--by", "month"],
    "feedback-scores-segment": ["feedback", "scores", "--by", "segment"],
    "feedback-saydo": ["feedback", "saydo"],
    "feedback-themes": ["feedback", "themes"],
    **{f"campaign-check-{c}": ["campaign", "check", f"{{campaigns}}/{c}.yaml"] for c in CAMPAIGNS},
    **{f"campaign-plan-{c}": ["campaign", "plan", f"{{campaigns}}/{c}.yaml"] for c in CAMPAIGNS},
    **{f"campaign-measure-{c}": ["campaign", "measure", f"{{campaigns}}/{c}.yaml"] for c in PAST},
    "followups-list": ["followups", "list", "--as-of", "2026-10-31"],
    # the campaign studio and the activation budget, stored when they came
    "campaign-list": ["campaign", "list"],
    "campaign-history": ["campaign", "history", CAMPAIGNS[0]],
    "campaign-portfolio": ["campaign", "portfolio"],
    "activation": ["activation"],
    # the CX initiatives of the demo's initiatives/ folder (beside campaigns/)
    "initiatives": ["initiatives"],
    "initiative-check": ["initiative", "check", f"{{campaigns}}/../initiatives/{INITIATIVE}.yaml"],
    # leads and channel costs (the b2b demo has no loyalty programme: its answer is the warning)
    "leads": ["leads"],
    "leads-month": ["leads", "--by", "month"],
    "loyalty": ["loyalty"],
    # the demo's web events: its actions, a funnel of them and the paths of sessions
    "actions-list": ["actions", "list"],
    "funnel": ["funnel", "catalog_view", "add_to_cart", "order_submit", "--within", "3"],
    "paths": ["paths", "--start", "/catalog/*", "--steps", "2", "--top", "10"],
    "offer-lint": ["offer", "lint", "Сыры лучшего качества: скидка 10% от 100 упаковок до 25.12"],
    "settings-list": ["settings", "list"],
    "settings-get": ["settings", "get", "currency"],
}


def run_case(invoke, workspace: str, args: list[str]) -> str:
    """The stdout of ``cxray -w workspace ARGS --json`` (``invoke(argv) -> stdout``)."""
    argv = [a.replace("{campaigns}", f"{workspace}/campaigns") for a in args]
    return invoke(["-w", workspace, *argv, "--json"])


if __name__ == "__main__":  # pragma: no cover - writes the stored outputs
    import gzip
    import sys
    import tempfile
    from pathlib import Path

    from typer.testing import CliRunner

    from cxray.cli import app

    runner = CliRunner()

    def invoke(argv: list[str]) -> str:
        result = runner.invoke(app, argv)
        assert result.exit_code == 0, (argv, result.output)
        return result.stdout

    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ws = f"{tmp}/ws"
        invoke(["-w", ws, "demo", "--seed", "42"])
        for name, args in CASES.items():
            text = run_case(invoke, ws, args)
            with gzip.open(out / f"{name}.json.gz", "wt", encoding="utf-8") as fh:
                fh.write(text)
            print(name, len(text))
