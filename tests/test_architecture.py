"""The package's architecture, checked on its source (see ARCHITECTURE.md): no import cycles, not
even through imports inside functions or under ``TYPE_CHECKING``; layers import only downwards
(schemas <- strategies <- mockserver <- contract_tests <- the command line); no folder holds more
than 15 modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "sequrity_contract"
LAYERS = ("schemas", "strategies", "mockserver", "contract_tests")
"""Bottom to top; the package's own modules (the version, the command line) sit above them all."""
MAX_MODULES_PER_FOLDER = 15


def _folders() -> dict[str, Path]:
    """Each package of the namespace and the folder that holds it."""
    return {PACKAGE: ROOT / PACKAGE, **{f"{PACKAGE}.{layer}": ROOT / layer for layer in LAYERS}}


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    found: dict[str, Path] = {}
    for name, folder in _folders().items():
        for path in folder.rglob("*.py"):
            if name == PACKAGE and path.parent != folder:
                continue
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([name, *parts])] = path
    return found


def _imported(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules ``module`` imports, anywhere in its source."""
    is_package = path.name == "__init__.py"
    here = module.split(".") if is_package else module.split(".")[:-1]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here[: len(here) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
    return targets


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    known = modules()
    return {module: _imported(module, path, known) for module, path in known.items()}


def layer_of(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else len(LAYERS)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_sees_the_imports_it_should() -> None:
    graph = import_graph()
    assert f"{PACKAGE}.mockserver.pipeline.routes" in graph
    assert f"{PACKAGE}.schemas.endpoint" in graph[f"{PACKAGE}.schemas.messages_endpoint"]
    assert f"{PACKAGE}.mockserver.scripting.engine" in graph[f"{PACKAGE}.mockserver.pipeline.routes"]
    # an import inside a function counts
    assert f"{PACKAGE}.mockserver.handle" in graph[f"{PACKAGE}.mockserver.cli.main"]


def test_the_cycle_finder_finds_a_cycle_through_three_modules() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_module_imports_itself_through_others() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_layers_import_only_downwards() -> None:
    upward = sorted(f"{module} imports {target}" for module, targets in import_graph().items()
                    for target in targets if layer_of(target) > layer_of(module))
    assert upward == []


def test_the_package_does_not_import_its_layers_on_import() -> None:
    assert import_graph()[PACKAGE] == set()


@pytest.mark.parametrize("folder", sorted({str(p.parent.relative_to(ROOT)) for p in modules().values()}))
def test_no_folder_holds_more_than_15_modules(folder: str) -> None:
    count = len([p for p in (ROOT / folder).glob("*.py") if p.name != "__init__.py"])
    assert count <= MAX_MODULES_PER_FOLDER, f"{folder} holds {count} modules"
