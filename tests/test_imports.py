"""The package's top-level modules import one another one way only (no cycle), and the
storage layers stack in order: yamlread <- slices <- store <- cache, files <- store.

Every import counts, at module level or inside a function (a lazy import still ties
two modules together), read from the source with :mod:`ast`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import supplychain

PACKAGE = Path(supplychain.__file__).parent


def top_level_imports() -> dict[str, set[str]]:
    """module name -> the package's top-level modules it imports (``from .x import y``,
    ``from . import x``, ``import supplychain.x``, ``from supplychain.x import y``)."""
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for name in modules:
        found: set[str] = set()
        for node in ast.walk(ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level == 1 or (node.level == 0 and (node.module or "").split(".")[0] == "supplychain"):
                    parts = (node.module or "").split(".")
                    parts = parts[1:] if node.level == 0 else parts
                    targets = [parts[0]] if parts and parts[0] else [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name.split(".")[1] for a in node.names if a.name.startswith("supplychain.")]
            found.update(t for t in targets if t in modules and t != name)
        graph[name] = found
    return graph


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for m in graph[todo.pop()]:
            if m not in seen:
                seen.add(m)
                todo.append(m)
    return seen


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules in order, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return path[path.index(n):] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def test_the_import_graph_is_read():
    graph = top_level_imports()
    # imports of each form the reader must see: module level, lazy, `from . import x`
    assert {"store", "entry", "files"} <= graph["cache"]
    assert {"slices", "yamlread", "files", "canonical", "schema"} <= graph["store"]
    assert "schema" in graph["entry"] and "construct" in graph["entry"]
    assert "schema" in graph["construct"]  # imported inside a function


def test_find_cycle_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_no_import_cycle_among_top_level_modules():
    cycle = find_cycle(top_level_imports())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


@pytest.mark.parametrize(
    "lower, higher",
    [
        ("files", "store"),
        ("yamlread", "store"),
        ("slices", "store"),
        ("canonical", "store"),
        ("store", "cache"),
        ("entry", "cache"),
        ("entry", "store"),
        ("construct", "entry"),
        ("rows", "entry"),
    ],
)
def test_layers_depend_one_way(lower, higher):
    graph = top_level_imports()
    assert higher not in reachable(graph, lower), f"{lower} reaches {higher}"


def test_the_storage_layers_stack_in_order():
    graph = top_level_imports()
    for chain in (["yamlread", "slices", "store", "cache"], ["files", "store", "cache"]):
        for k, lower in enumerate(chain[:-1]):
            assert lower in reachable(graph, chain[k + 1])
            assert not set(chain[k + 1:]) & reachable(graph, lower)
