"""The package's imports point one way (DESIGN.md "Architecture"), with no cycles:

    cli / terminal / report / phrases -> api -> demo -> comms -> analytics -> workspace -> ingest

``errors`` and ``texts`` are leaves anyone may import; but only the shells (and ``errors``, to
show an error) turn codes into text, so nothing below the api imports ``texts``. The shells
call the api and nothing below it. Every import counts, also one inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src"
BENCHMARKS = Path(__file__).parents[1] / "benchmarks"

LAYERS = [
    ("cxray.errors", "cxray.texts"),
    ("cxray.ingest",),
    ("cxray.workspace", "cxray.sql_sandbox", "cxray.lock", "cxray.compiled_sql", "cxray.accounts"),
    ("cxray.analytics",),
    ("cxray.comms",),
    ("cxray.demo",),
    ("cxray.api",),
    ("cxray.phrases", "cxray.terminal", "cxray.report", "cxray.cli", "cxray.web", "cxray"),
]
SHELLS = ("cxray.cli", "cxray.terminal", "cxray.report", "cxray.web")
SHELL_MAY_IMPORT = ("cxray", "cxray.api", "cxray.errors", "cxray.texts", "cxray.phrases",
                    "cxray.terminal", "cxray.report", "cxray.web")  # fmt: skip


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path, package: str | None = None) -> dict[str, Path]:
    base = root / package if package else root
    return {module_name(p, root): p for p in sorted(base.rglob("*.py"))}


def imports(path: Path, name: str, known: set[str], *, runtime_only: bool = False) -> set[str]:
    """The modules of ``known`` that ``path`` (module ``name``) imports anywhere in its code
    (``runtime_only``: leaving out ``if TYPE_CHECKING:`` blocks)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip |= {id(n) for n in ast.walk(node)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    resolved = set()
    for target in found:
        while target and target not in known:  # "cxray.analytics.clv.fit" style or attributes
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.add(target)
    return resolved


def graph(root: Path, package: str | None = None, **kw) -> dict[str, set[str]]:
    mods = modules(root, package)
    return {name: imports(path, name, set(mods), **kw) for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle (as the list of modules on it), found by depth-first search."""
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def _within(name: str, prefix: str) -> bool:
    """``name`` is ``prefix`` or inside it (the root package ``cxray`` only as itself)."""
    return name == prefix or (prefix != "cxray" and name.startswith(prefix + "."))


def layer(name: str) -> int:
    best, rank = -1, None
    for i, prefixes in enumerate(LAYERS):
        for p in prefixes:
            if (name == p or name.startswith(p + ".")) and len(p) > best:
                best, rank = len(p), i
    assert rank is not None, f"{name} has no layer: add it to LAYERS"
    return rank


PACKAGE = graph(SRC, "cxray")


def test_the_walker_sees_the_package():
    assert "cxray.api.session" in PACKAGE and "cxray.analytics.clv.fit" in PACKAGE
    assert "cxray.api" in PACKAGE["cxray.cli"]
    assert "cxray.workspace" in PACKAGE["cxray.api.session"]


def test_no_import_cycles_in_the_package():
    assert cycles(PACKAGE) == []


def test_no_import_cycles_in_the_benchmarks():
    assert cycles(graph(BENCHMARKS)) == []


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


@pytest.mark.parametrize("module", sorted(PACKAGE))
def test_imports_point_down(module):
    against = [t for t in PACKAGE[module] if layer(t) > layer(module)]
    assert against == [], f"{module} imports {against} against the direction of DESIGN.md"


@pytest.mark.parametrize("module", sorted(m for m in PACKAGE if layer(m) < layer("cxray.api")))
def test_only_the_edge_translates(module):
    if module == "cxray.errors":  # CxrayError.message(lang) is how an error is shown
        return
    assert "cxray.texts" not in PACKAGE[module], f"{module} imports texts: carry codes instead"
    assert "cxray.texts" not in PACKAGE["cxray.api.session"]


@pytest.mark.parametrize("module", sorted(m for m in PACKAGE if m.startswith(SHELLS)))
def test_shells_call_only_the_api(module):
    runtime = imports(modules(SRC, "cxray")[module], module, set(PACKAGE), runtime_only=True)
    below = [t for t in runtime if not any(_within(t, p) for p in SHELL_MAY_IMPORT)]
    assert below == [], f"{module} calls {below}: shells go through cxray.api"
