"""docs/python-api.md keeps step with the CLI and the API, and every example in it runs.

- Every CLI command (walked from the Typer app, subcommands included) has a Python twin shown in
  a code example of the doc, and the doc names the command ("CLI: `cxray structure`"). A new
  command fails here until it is added to PYTHON_TWINS and documented.
- Every public method of the session and its helpers (campaign, feedback, studio, result), and the
  module functions ``cxray.open``, ``cxray.import_file``, ``cxray.demo`` and ``cxray.campaign``,
  is mentioned in the doc.
- Every ```python block runs, in order, in one namespace, in a fresh folder. Blocks that must
  not run are fenced as ```text.

Like sqlite-utils' tests/test_docs.py.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import typer

import cxray
import cxray.cli
from cxray.api.accounts import AccountsSession
from cxray.api.campaigns import CampaignSession
from cxray.api.feedback import FeedbackSession
from cxray.api.initiatives import InitiativeSession
from cxray.api.studio import StudioSession
from cxray.api.web import WebSession

DOC = Path(__file__).parent.parent / "docs" / "python-api.md"
TEXT = DOC.read_text(encoding="utf-8")
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)

# CLI command -> what its Python twin looks like in the doc's code examples
PYTHON_TWINS = {
    "import": "cxray.import_file(",
    "demo": "cxray.demo(",
    "init": "cxray.init(",
    "status": ".status(",
    "sql": ".sql(",
    "structure": ".structure(",
    "products": ".products(",
    "whitespace": ".whitespace(",
    "rfm": ".rfm(",
    "cohorts": ".cohorts(",
    "activation": ".activation(",
    "leads": ".leads(",
    "loyalty": ".loyalty(",
    "initiatives": ".initiatives(",
    "initiative check": ".initiative(",
    "offer lint": ".lint_offer(",
    "clv": ".clv(",
    "alerts": ".alerts(",
    "report": ".report(",
    "campaign check": ".check(",
    "campaign plan": ".plan(",
    "campaign export": ".export(",
    "campaign measure": ".measure(",
    "campaign list": ".studio.campaigns(",
    "campaign history": ".studio.history(",
    "campaign portfolio": ".studio.portfolio(",
    "contacts health": ".contacts_health(",
    "actions add": ".web.add_action(",
    "actions list": ".web.actions(",
    "actions remove": ".web.remove_action(",
    "funnel": ".web.funnel(",
    "paths": ".web.paths(",
    "feedback scores": ".feedback.scores(",
    "feedback saydo": ".feedback.saydo(",
    "feedback themes": ".feedback.themes(",
    "followups list": ".followups(",
    "followups close": ".close_followup(",
    "followups reassign": ".reassign_followup(",
    "settings list": ".settings(",
    "settings get": ".get_setting(",
    "settings set": ".set_setting(",
    "users add": ".accounts.add_user(",
    "users list": ".accounts.users(",
    "users disable": ".accounts.disable_user(",
    "users enable": ".accounts.enable_user(",
    "users role": ".accounts.set_role(",
    "users passwd": ".accounts.set_password(",
    "tokens create": ".accounts.create_token(",
    "tokens list": ".accounts.tokens(",
    "tokens revoke": ".accounts.revoke_token(",
    "audit": ".accounts.audit(",
    "serve": "create_app(",
}


def cli_commands() -> list[str]:
    """Every command of the `cxray` app as typed after `cxray` ("campaign plan", ...)."""
    found: list[str] = []

    def walk(group, prefix: str) -> None:
        for name, command in sorted(group.commands.items()):
            if hasattr(command, "commands"):
                walk(command, f"{prefix}{name} ")
            else:
                found.append(prefix + name)

    walk(typer.main.get_group(cxray.cli.app), "")
    return found


def public_names(cls: type) -> list[str]:
    """Methods and properties a user calls (dataclass fields too), not the dunder ones."""
    names = {n for n in dir(cls) if not n.startswith("_")}
    if dataclasses.is_dataclass(cls):
        names |= {f.name for f in dataclasses.fields(cls)}
    return sorted(names)


def code_blocks() -> list[tuple[int, str]]:
    """The ```python blocks of the doc with the line their code starts on."""
    return [(TEXT.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in BLOCK.finditer(TEXT)]


CODE = "\n".join(code for _, code in code_blocks())


@pytest.mark.parametrize("command", cli_commands())
def test_cli_command_has_documented_python_twin(command: str) -> None:
    assert command in PYTHON_TWINS, (
        f"`cxray {command}` is new: add its Python twin to PYTHON_TWINS and an example to {DOC}"
    )
    assert PYTHON_TWINS[command] in CODE, (
        f"`cxray {command}`: no example calling {PYTHON_TWINS[command]}...) in {DOC}"
    )
    assert f"`cxray {command}" in TEXT, f"{DOC} does not name the CLI command `cxray {command}`"


def test_twins_are_cli_commands() -> None:
    """PYTHON_TWINS names no command the CLI has dropped."""
    assert sorted(PYTHON_TWINS) == sorted(cli_commands())


@pytest.mark.parametrize(
    "name",
    [f"cxray.{n}(" for n in ("open", "import_file", "demo", "campaign", "init", "initiative")]
    + [
        f".{n}"
        for cls in (
            cxray.Session,
            CampaignSession,
            FeedbackSession,
            InitiativeSession,
            AccountsSession,
            StudioSession,
            WebSession,
            cxray.Result,
        )
        for n in public_names(cls)
    ],
)
def test_public_api_is_documented(name: str) -> None:
    pattern = re.escape(name) + (r"" if name.endswith("(") else r"\b")
    assert re.search(pattern, TEXT), f"{name} is not mentioned in {DOC}"


@pytest.mark.slow  # ~20-30 s: generates the seed-42 demo and writes the report
def test_examples_run(tmp_path, monkeypatch) -> None:
    """Every ```python block of the doc, in order, in one namespace, in a fresh folder."""
    for name in ("CXRAY_WORKSPACE", "CXRAY_BACKEND", "CXRAY_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "python_api_md"}
    try:
        for line, code in code_blocks():
            # padded so that a traceback names the line of the doc
            exec(compile("\n" * (line - 1) + code, str(DOC), "exec"), namespace)  # noqa: S102
    finally:
        for value in namespace.values():
            if isinstance(value, cxray.Session):
                value.close()
