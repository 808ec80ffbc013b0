"""The programs ``lang_graphs()`` draws are the programs the official client generates from the
same graph built as a LangGraph ``StateGraph`` (the same syntax tree: comments and blank lines aside)."""

from __future__ import annotations

import ast
from typing import Any

import pytest
from hypothesis import given, settings

from sequrity_contract.strategies import Graph, lang_graphs

graph_module = pytest.importorskip("langgraph.graph", reason="the official client's generator needs langgraph")
executor = pytest.importorskip("sequrity.control.resources.langgraph._executor")


def state_graph(graph: Graph, functions: dict[str, Any]) -> Any:
    built = graph_module.StateGraph(dict)
    for name in graph.nodes:
        built.add_node(name, functions[name])
    built.add_edge(graph_module.START, graph.start)
    for source, target in graph.edges:
        built.add_edge(source, target)
    for source, router in graph.routers.items():
        built.add_conditional_edges(source, functions[router.name], {target: target for target in router.targets})
    return built


def named(graph: Graph) -> dict[str, Any]:
    """The functions under their names, as the client's generator reads ``__name__``."""
    functions = {}
    for name, function in graph.functions.items():
        def call(state: dict[str, Any], function: Any = function) -> Any:
            return function(state)
        call.__name__ = name
        functions[name] = call
    return functions


@settings(max_examples=40, deadline=None)
@given(lang_graphs(max_nodes=10))
def test_the_drawn_program_is_the_one_the_official_client_generates(graph: Graph) -> None:
    functions = named(graph)
    generated = executor.LangGraphExecutor(state_graph(graph, functions), node_functions=functions).generated_code
    assert ast.dump(ast.parse(graph.program)) == ast.dump(ast.parse(generated))
