"""No import circles: no module imports itself through others, and no part of the core
(agent, llm, permissions, shell, changes, tools, settings, prompt) imports one that imports it."""

from __future__ import annotations

import grimp


def _graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("openclaude_tui")
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_module_imports_itself_through_others() -> None:
    assert _cycles(_graph()) == []


def test_no_part_of_the_core_imports_a_part_that_imports_it() -> None:
    def part(module: str) -> str:
        return ".".join(module.split(".")[:3])

    edges: dict[str, set[str]] = {}
    for module, imported in _graph().items():
        if module.startswith("openclaude_tui.core."):
            edges.setdefault(part(module), set()).update(
                part(other)
                for other in imported
                if other.startswith("openclaude_tui.core.") and part(other) != part(module)
            )
    assert _cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
