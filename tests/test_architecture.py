"""The layers stay layers: the core knows no Slack, nothing imports in a circle, data flows one way.

Read from the source with :mod:`ast` (no import runs), so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support import ROOT

PACKAGES = ("bot", "embeddings")
SLACK_LIBRARIES = ("slack_bolt", "slack_sdk")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}


def _imports(path: Path, name: str) -> set[str]:
    """Every module ``path`` imports, anywhere in it (absolute names; ``from x import y`` gives x.y too)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _project_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: {dep for dep in _imports(path, name) if dep in modules and dep != name}
            for name, path in modules.items()}


def test_the_answer_core_imports_no_slack_library() -> None:
    core = {name: path for name, path in _modules().items() if name.startswith(("bot.core", "bot.render"))}
    assert "bot.core.answerer" in core and "bot.render.text" in core
    for name, path in core.items():
        slack = {dep for dep in _imports(path, name) if dep.split(".")[0] in SLACK_LIBRARIES}
        assert not slack, f"{name} imports {sorted(slack)}"
        assert not {dep for dep in _imports(path, name) if dep.startswith("bot.slack")}, name


@pytest.mark.parametrize(("lower", "upper"), [
    ("embeddings", "bot"),  # documents → passages → index → hits know nothing of replies
    ("bot.core", "bot.slack"),
    ("bot.core", "bot.store"),
    ("bot.core", "bot.cli"),
    ("bot.store", "bot.slack"),
    ("bot.render", "bot.slack"),
])
def test_lower_layers_never_import_upper_ones(lower: str, upper: str) -> None:
    for name, deps in _project_graph().items():
        if name == lower or name.startswith(lower + "."):
            wrong = {dep for dep in deps if dep == upper or dep.startswith(upper + ".")}
            assert not wrong, f"{name} imports {sorted(wrong)}"


def test_there_is_no_import_cycle() -> None:
    graph = _project_graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycle = [*path[path.index(dep):], dep]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if dep not in state:
                visit(dep)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_the_checker_sees_a_cycle_and_a_slack_import(tmp_path: Path) -> None:
    """The tests above can fail: the same reading finds what they forbid in a made-up module."""
    module = tmp_path / "m.py"
    module.write_text("from slack_sdk import WebClient\n\ndef f():\n    from bot.slack import blocks\n")
    found = _imports(module, "bot.core.m")
    assert "slack_sdk" in found and "bot.slack.blocks" in found
