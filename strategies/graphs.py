"""``lang_graphs()``: random LangGraph-style graphs, the program a lang-graph client sends for each,
and a direct run of the same node functions.

A :class:`Graph` is a tree of nodes: each node returns a fixed update of the state (a dict: scalars
set a key, lists extend a list the state holds), a chain of nodes runs one after another, and a
chain may end in a router choosing, from the state, which of two or three sub-chains runs next.
:attr:`Graph.program` is that graph as a program in the form the official client generates from a
``StateGraph`` (the node and router functions called as tools with ``state=state``, each node's
result merged into ``state``, ``if``/``elif`` on the router's answer, and
``final_return_value = state.get('result', state)``); :meth:`Graph.run` runs the node functions
directly, merging as the program does. Property tests check that an interpreter running the
program calls the same tools with the same states and ends with the same value.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from .validation import check_range, lazy

_KEYS = ("result", "items", "notes", "count", "flag", "label")
_WORDS = ("fetch", "parse", "check", "store", "plan", "rank", "merge", "clean", "score", "draft")
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.text(max_size=8))
_values = st.one_of(_scalars, st.lists(_scalars, max_size=3))

Step = tuple[str, dict[str, Any]]
"""One call of a direct run: the function's name and the state it was given."""


@dataclass(frozen=True)
class Router:
    """A conditional edge: ``name`` reads ``key`` of the state and picks one of ``targets`` (the first
    node of each branch) by the length of that value's JSON."""

    name: str
    key: str
    targets: tuple[str, ...]

    def __call__(self, state: dict[str, Any]) -> str:
        return self.targets[len(json.dumps(state.get(self.key), sort_keys=True)) % len(self.targets)]


@dataclass(frozen=True)
class Node:
    """A node: ``name`` returns ``update``; ``then`` is the next node, or the router after it, or None (the end)."""

    name: str
    update: dict[str, Any]
    then: str | Router | None = None

    def __call__(self, state: dict[str, Any]) -> dict[str, Any]:
        return copy.deepcopy(self.update)


@dataclass(frozen=True)
class Graph:
    """A tree of :class:`Node` from ``start``, with its ``initial_state``."""

    nodes: dict[str, Node]
    start: str
    initial_state: dict[str, Any] = field(default_factory=dict)

    @property
    def functions(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        """Every function the program calls, by name: the nodes and the routers."""
        found: dict[str, Callable[[dict[str, Any]], Any]] = dict(self.nodes)
        found.update({node.then.name: node.then for node in self.nodes.values() if isinstance(node.then, Router)})
        return found

    @property
    def edges(self) -> list[tuple[str, str]]:
        """The plain edges (source, target) between nodes."""
        return [(node.name, node.then) for node in self.nodes.values() if isinstance(node.then, str)]

    @property
    def routers(self) -> dict[str, Router]:
        """The router after each node that has one, by that node's name."""
        return {node.name: node.then for node in self.nodes.values() if isinstance(node.then, Router)}

    @property
    def program(self) -> str:
        """The program a lang-graph client sends for this graph."""
        lines = ["state = initial_state", ""]
        self._render(self.start, 0, lines)
        lines += ["", "final_return_value = state.get('result', state)"]
        return "\n".join(lines)

    def _render(self, name: str, depth: int, lines: list[str]) -> None:
        pad = "    " * depth
        lines += [f"{pad}{name}_result = {name}(state=state)",
                  f"{pad}for key, value in {name}_result.items():",
                  f"{pad}    if key in state:",
                  f"{pad}        if isinstance(value, list) and isinstance(state[key], list):",
                  f"{pad}            state[key].extend(value)",
                  f"{pad}        else:",
                  f"{pad}            state[key] = value",
                  f"{pad}    else:",
                  f"{pad}        state[key] = value",
                  ""]
        then = self.nodes[name].then
        if isinstance(then, Router):
            lines += [f"{pad}next_node = {then.name}(state=state)", ""]
            for i, target in enumerate(sorted(then.targets)):
                lines.append(f"{pad}{'if' if i == 0 else 'elif'} next_node == {target!r}:")
                self._render(target, depth + 1, lines)
        elif then is not None:
            self._render(then, depth, lines)

    def run(self) -> tuple[Any, list[Step]]:
        """Run the functions directly from ``start``: the final value and every call with its state."""
        state, steps = copy.deepcopy(self.initial_state), []
        current: str | None = self.start
        while current is not None:
            node = self.nodes[current]
            steps.append((node.name, copy.deepcopy(state)))
            merge(state, node(copy.deepcopy(state)))
            if isinstance(node.then, Router):
                steps.append((node.then.name, copy.deepcopy(state)))
                current = node.then(copy.deepcopy(state))
            else:
                current = node.then
        return state.get("result", state), steps


def merge(state: dict[str, Any], update: dict[str, Any]) -> None:
    """Merge a node's ``update`` into ``state`` as the program does: a list extends a list, anything else is set."""
    for key, value in update.items():
        if key in state and isinstance(value, list) and isinstance(state[key], list):
            state[key].extend(value)
        else:
            state[key] = value


def _names() -> Iterator[str]:
    for i in range(10_000):
        yield f"{_WORDS[i % len(_WORDS)]}_{i}"


@st.composite
def _graph(draw: st.DrawFn, max_nodes: int, routing: bool) -> Graph:
    names = _names()
    nodes: dict[str, Node] = {}

    def chain(budget: int, depth: int) -> str:
        """Draw a chain of at most ``budget`` nodes (and its branches); return its first node's name."""
        length = draw(st.integers(1, max(1, min(budget, 4))))
        chain_names = [next(names) for _ in range(length)]
        left = budget - length
        for i, name in enumerate(chain_names):
            update = draw(st.dictionaries(st.sampled_from(_KEYS), _values, max_size=3))
            then: str | Router | None = chain_names[i + 1] if i + 1 < length else None
            nodes[name] = Node(name, update, then)
        last = chain_names[-1]
        if routing and depth < 3 and left >= 2 and draw(st.booleans()):
            count = draw(st.integers(2, min(3, left)))
            targets = tuple(chain(left // count, depth + 1) for _ in range(count))
            router = Router(f"route_{next(names)}", draw(st.sampled_from(_KEYS)), targets)
            nodes[last] = Node(last, nodes[last].update, router)
        return chain_names[0]

    start = chain(max_nodes, 0)
    initial = draw(st.dictionaries(st.sampled_from(_KEYS), _values, max_size=4))
    return Graph(nodes, start, initial)


@lazy
def lang_graphs(*, max_nodes: int = 8, routing: bool = True) -> SearchStrategy[Graph]:
    """Random graphs of at most ``max_nodes`` nodes: linear chains, and with ``routing`` chains
    ending in a router with two or three branches (see :class:`Graph`)."""
    check_range(max_nodes, "max_nodes", low=1, high=64)
    return _graph(max_nodes, routing)
