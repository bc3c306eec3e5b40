"""The layout's promises, read from the source with ast: the modules of `assistant` import one
another without a cycle (counting imports inside functions, which would only hide one) and
only down the layers (web, reports, services, conversation and speech, the record), the
project's own imports stand at the top of each module (one path can be read top to bottom),
and the core (assistant/ outside assistant/web) imports neither Flask nor Rasa."""

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


PROJECT = ("assistant", "actions", "symbols", "nlu_components")
# Where a project import inside a function is the point: `flask --app assistant` reaches the
# web app only when called (so the core loads without Flask), and the app factory loads the
# blueprints only when an app is made.
LAZY_ON_PURPOSE = {"assistant", "assistant.web"}


def project_imports_in_functions(path: Path) -> list[str]:
    """'line: name' for each import of the project's own code made inside a function."""
    found = []
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = ["." * node.level + (node.module or "")]
            else:
                continue
            found += [f"{node.lineno}: {n}" for n in names if n.startswith(".") or n.split(".")[0] in PROJECT]
    return found


def test_the_project_imports_its_own_code_at_the_top_of_each_module():
    files = {_module_name(p): p for folder in ("assistant", "actions") for p in (ROOT / folder).rglob("*.py")}
    hidden = {m: project_imports_in_functions(p) for m, p in files.items() if m not in LAZY_ON_PURPOSE}
    assert {m: lines for m, lines in hidden.items() if lines} == {}


def test_an_import_inside_a_function_is_found(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\n\ndef f():\n    import json\n    from assistant.errors import NotFound\n")
    assert project_imports_in_functions(sample) == ["5: assistant.errors"]


# The layers of the package, top first: a module imports only from its own layer or below.
LAYERS = (
    ("assistant.web",),
    ("assistant.reports",),
    ("assistant.services",),
    ("assistant.conversation", "assistant.speech"),
    ("assistant.matcher", "assistant.record", "assistant.uploads", "assistant.sandbox"),
    ("assistant.vocabulary", "assistant.settings", "assistant.errors", "assistant.channel"),
)


def layer_of(module: str) -> int | None:
    for depth, packages in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in packages):
            return depth
    return None


def test_every_module_has_a_layer():
    assert [m for m in MODULES if m != "assistant" and layer_of(m) is None] == []


def test_imports_run_down_the_layers():
    upward = {
        module: sorted(m for m in imported if layer_of(m) < layer_of(module))
        for module, imported in import_graph().items()
        if module != "assistant"
    }
    assert {m: names for m, names in upward.items() if names} == {}
