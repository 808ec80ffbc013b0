"""The interpreter runs a lang-graph program as Python would: driven as a client drives it (each
pending call answered by the function of that name, the run replayed with every result so far),
it calls the same functions with the same states, in the same order, and ends with the same value
as running the graph's functions directly."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from sequrity_contract.mockserver.programs import Finished, Pending, Result, run
from sequrity_contract.strategies import Graph, lang_graphs


def drive(graph: Graph) -> tuple[Any, list[tuple[str, dict[str, Any]]]]:
    """Run the graph's program to its end as a client does: one external call per round."""
    functions, results, calls = graph.functions, [], []
    while True:
        outcome = run(graph.program, {"initial_state": graph.initial_state}, results, list(functions))
        if isinstance(outcome, Finished):
            assert outcome.calls == len(results)
            return outcome.value, calls
        assert isinstance(outcome, Pending) and outcome.call.index == len(results)
        state = outcome.call.arguments["state"]
        calls.append((outcome.call.name, state))
        results.append(Result(functions[outcome.call.name](state), outcome.call.name))


@settings(max_examples=60, deadline=None)
@given(lang_graphs(routing=False))
def test_a_linear_chain_runs_as_its_functions_run_directly(graph: Graph) -> None:
    assert drive(graph) == graph.run()


@settings(max_examples=120, deadline=None)
@given(lang_graphs(max_nodes=12))
def test_a_graph_with_conditional_routing_runs_as_its_functions_run_directly(graph: Graph) -> None:
    assert drive(graph) == graph.run()


@given(lang_graphs())
def test_the_same_results_replay_to_the_same_next_call(graph: Graph) -> None:
    first = run(graph.program, {"initial_state": graph.initial_state}, [], list(graph.functions))
    again = run(graph.program, {"initial_state": graph.initial_state}, [], list(graph.functions))
    assert first == again and isinstance(first, Pending) and first.call.name == graph.start
    assert first.call.arguments == {"state": graph.initial_state}
