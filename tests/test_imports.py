"""The layout's promises, read from the source with ast: the modules of `assistant` import one
another without a cycle (counting imports inside functions, which would only hide one), and
the core (assistant/ outside assistant/web) imports neither Flask nor Rasa."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "assistant"
WEB = PACKAGE / "web"
FRAMEWORKS = ("flask", "flask_wtf", "werkzeug", "rasa", "rasa_sdk", "sanic")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Line numbers of imports under `if TYPE_CHECKING:` (never run)."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            lines |= {
                n.lineno for body in node.body for n in ast.walk(body) if isinstance(n, (ast.Import, ast.ImportFrom))
            }
    return lines


def imported_names(path: Path) -> set[str]:
    """Every dotted name a module imports, anywhere in it (module level or in a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree)
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skipped:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def _internal(name: str) -> str | None:
    """The module of `assistant` a dotted name is in (None when it is outside the package)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def import_graph() -> dict[str, set[str]]:
    """Each module of `assistant` and the modules of `assistant` it imports."""
    graph = {}
    for module, path in MODULES.items():
        found = {_internal(name) for name in imported_names(path)}
        graph[module] = {m for m in found if m and m != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another, in a ring or directly (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_the_package():
    graph = import_graph()
    assert {"assistant.services.chat", "assistant.web.api", "assistant.web.staff.pupils"} <= set(graph)
    assert "assistant.web.tablet" in graph["assistant.web.api"]


def test_a_cycle_is_found_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_assistant_imports_itself_back():
    assert cycles(import_graph()) == []


def test_the_core_imports_neither_flask_nor_rasa():
    found = {}
    for module, path in MODULES.items():
        if path.is_relative_to(WEB):
            continue
        frameworks = {name for name in imported_names(path) if name.split(".")[0] in FRAMEWORKS}
        # `flask --app assistant` finds create_app in the package; it reaches the web app
        # only when called, so the core loads without Flask (as the action server does).
        frameworks -= {"assistant.web"}
        if frameworks:
            found[module] = sorted(frameworks)
    assert found == {}


def test_the_core_does_not_reach_into_the_web_app():
    reaching = {
        module: sorted(n for n in imported_names(path) if n.startswith("assistant.web"))
        for module, path in MODULES.items()
        if not path.is_relative_to(WEB) and module != "assistant"
    }
    assert {m: names for m, names in reaching.items() if names} == {}
