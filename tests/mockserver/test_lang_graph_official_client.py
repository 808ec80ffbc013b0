"""The official client's ``control.langgraph.run``, unchanged, runs LangGraph graphs to their end
against the real mock server: the mock runs the program the client sends, calls each node as a
tool with the current state, and ends with the graph's final value as a dual-LLM document. The
client speaks messages to the ``anthropic`` provider and chat completions to the others; every
test runs over both."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

import pytest
import requests
from sequrity import SequrityClient
from sequrity.control.types.dual_llm_response import ResponseContentJsonSchema
from sequrity.control.types.headers import FeaturesHeader, FineGrainedConfigHeader

from sequrity_contract.mockserver import MockServer

graph_module = pytest.importorskip("langgraph.graph", reason="the official client's runner needs langgraph")


class Order(TypedDict, total=False):
    query: str
    steps: list[str]
    sql: str
    needs_review: bool
    result: str


seen: list[tuple[str, dict[str, Any]]] = []

ROUTES = {"anthropic": "/control/lang-graph/anthropic/v1/messages",
          "openai": "/control/lang-graph/openai/v1/chat/completions"}
"""The route the client calls for each provider."""


@pytest.fixture(params=sorted(ROUTES))
def provider(request: pytest.FixtureRequest) -> str:
    """The provider the client is told to use (and so the format it speaks)."""
    name: str = request.param
    return name


def plan(state: Order) -> dict[str, Any]:
    """Plan the query."""
    seen.append(("plan", dict(state)))
    return {"steps": ["plan"], "sql": f"SELECT * FROM orders WHERE note = '{state['query']}'"}


def review(state: Order) -> dict[str, Any]:
    """Review the SQL."""
    seen.append(("review", dict(state)))
    return {"steps": ["review"], "sql": state["sql"] + " LIMIT 10", "needs_review": False}


def execute(state: Order) -> dict[str, Any]:
    """Run the SQL."""
    seen.append(("execute", dict(state)))
    return {"steps": ["execute"], "result": f"ran: {state['sql']}"}


def route(state: Order) -> Literal["review", "execute"]:
    """Send long queries to review."""
    seen.append(("route", dict(state)))
    return "review" if state.get("needs_review") else "execute"


def run_graph(server: MockServer, graph: Any, initial: dict[str, Any], functions: dict[str, Any],
              provider: str) -> dict[str, Any]:
    seen.clear()
    client = SequrityClient(api_key="k", base_url=server.url)
    result: dict[str, Any] = client.control.langgraph.run(
        graph, initial, "model-test", node_functions=functions, provider=provider,  # type: ignore[arg-type]
        features=FeaturesHeader.dual_llm(), fine_grained_config=FineGrainedConfigHeader())
    return result


def final_document(server: MockServer) -> ResponseContentJsonSchema:
    """The last answer of the run, asked again: the dual-LLM document it holds."""
    last = server.requests[-1]
    headers = {k: v for k, v in last["headers"].items() if k.lower().startswith("x-") or k == "Authorization"}
    answer = requests.post(server.url + last["path"], json=last["body"], timeout=10,
                           headers={**headers, "Authorization": "Bearer k"})
    assert answer.status_code == 200, answer.text
    if "choices" in answer.json():  # chat completions
        choice = answer.json()["choices"][0]
        assert choice["finish_reason"] == "stop" and "tool_calls" not in choice["message"]
        return ResponseContentJsonSchema.parse_json_safe(choice["message"]["content"])
    assert answer.json()["stop_reason"] == "end_turn"
    return ResponseContentJsonSchema.parse_json_safe(answer.json()["content"][-1]["text"])


def linear_graph() -> Any:
    graph = graph_module.StateGraph(Order)
    for name, function in (("plan", plan), ("review", review), ("execute", execute)):
        graph.add_node(name, function)
    graph.add_edge(graph_module.START, "plan")
    graph.add_edge("plan", "review")
    graph.add_edge("review", "execute")
    graph.add_edge("execute", graph_module.END)
    return graph


def routed_graph() -> Any:
    graph = graph_module.StateGraph(Order)
    for name, function in (("plan", plan), ("review", review), ("execute", execute)):
        graph.add_node(name, function)
    graph.add_edge(graph_module.START, "plan")
    graph.add_conditional_edges("plan", route, {"review": "review", "execute": "execute"})
    graph.add_edge("review", "execute")
    graph.add_edge("execute", graph_module.END)
    return graph


def test_a_linear_graph_runs_each_node_once_with_the_state_so_far(server: MockServer, provider: str) -> None:
    functions = {"plan": plan, "review": review, "execute": execute}
    result = run_graph(server, linear_graph(), {"query": "late", "steps": []}, functions, provider)
    assert [name for name, _ in seen] == ["plan", "review", "execute"]
    assert seen[1][1]["sql"] == "SELECT * FROM orders WHERE note = 'late'"  # review got plan's update
    assert result["steps"] == ["plan", "review", "execute"]
    assert result["result"] == "ran: SELECT * FROM orders WHERE note = 'late' LIMIT 10"
    assert [entry["status"] for entry in server.requests] == [200] * 4
    assert {entry["path"] for entry in server.requests} == {ROUTES[provider]}
    document = final_document(server)
    assert document.status == "success" and document.final_return_value is not None
    assert document.final_return_value.value == result["result"]


@pytest.mark.parametrize(("needs_review", "path"), [(True, ["plan", "route", "review", "execute"]),
                                                    (False, ["plan", "route", "execute"])])
def test_a_graph_with_conditional_routing_takes_the_branch_its_router_picks(
        server: MockServer, provider: str, needs_review: bool, path: list[str]) -> None:
    functions = {"plan": plan, "review": review, "execute": execute, "route": route}
    result = run_graph(server, routed_graph(), {"query": "q", "steps": [], "needs_review": needs_review}, functions,
                       provider)
    assert [name for name, _ in seen] == path
    assert seen[1][1]["needs_review"] is needs_review  # the router saw the state after plan
    assert result["steps"] == [name for name in path if name != "route"]
    assert final_document(server).final_return_value.value == result["result"]  # type: ignore[union-attr]


def test_a_router_that_may_end_the_graph_gets_a_400_naming_the_line(server: MockServer, provider: str) -> None:
    """Finding: the client writes an empty ``if next_node == '__end__':`` block for a conditional
    edge to END, which is not Python; the mock says so instead of running it."""
    from sequrity._exceptions import SequrityAPIError

    def maybe_end(state: Order) -> str:
        return "execute" if state.get("needs_review") else graph_module.END

    graph = graph_module.StateGraph(Order)
    graph.add_node("plan", plan)
    graph.add_node("execute", execute)
    graph.add_edge(graph_module.START, "plan")
    graph.add_conditional_edges("plan", maybe_end, {"execute": "execute", graph_module.END: graph_module.END})
    graph.add_edge("execute", graph_module.END)
    with pytest.raises(SequrityAPIError) as refused:
        run_graph(server, graph, {"query": "q", "steps": []},
                  {"plan": plan, "execute": execute, "maybe_end": maybe_end}, provider)
    assert refused.value.status_code == 400
    assert "not valid Python: expected an indented block after 'if' statement" in str(refused.value)
    assert seen == []  # refused before any node ran
