"""Lang-graph programs on the chat completions routes (docs/contract.md §10.6): the program's next
external call is one ``tool_calls`` entry whose ``arguments`` are the current state as JSON, the
``role: "tool"`` messages answer the calls they name by ``tool_call_id``, and the end is the
dual-LLM document in ``content``. Programs the mock cannot run get a 400 naming the construct and
its line, as on messages. Driven with the OpenAI SDK (the lang-graph fields as ``extra_body``) and
plain HTTP against the real server."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from openai import BadRequestError, OpenAI

from sequrity_contract.mockserver import MockServer

ROUTE = "/control/lang-graph/openai/v1/chat/completions"
STATE_SCHEMA = {"type": "object", "properties": {"state": {"type": "object"}}, "required": ["state"]}
TOOLS = [{"type": "function", "function": {"name": name, "parameters": STATE_SCHEMA}} for name in ("plan", "run")]
PROGRAM = """state = initial_state
plan_result = plan(state=state)
for key, value in plan_result.items():
    state[key] = value
run_result = run(state=state)
for key, value in run_result.items():
    state[key] = value
final_return_value = state.get('result', state)
"""
LANG_GRAPH = {"user_provided_program": PROGRAM,
              "context_vars": {"initial_state": {"value": {"query": "late"}, "meta": {"consumers": ["*"]}}}}


def openai_client(server: MockServer) -> OpenAI:
    return OpenAI(api_key="k", base_url=server.url + "/control/lang-graph/openai/v1", max_retries=0)


def ask(server: MockServer, messages: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> Any:
    return openai_client(server).chat.completions.create(
        model="gpt-test", messages=messages, tools=TOOLS,  # type: ignore[arg-type]
        extra_body=LANG_GRAPH if extra is None else extra)


def test_each_call_carries_the_current_state_and_the_end_is_the_dual_llm_document(server: MockServer) -> None:
    messages: list[dict[str, Any]] = [{"role": "user", "content": "Execute the graph."}]
    first = ask(server, messages)
    assert first.choices[0].finish_reason == "tool_calls"
    (call,) = first.choices[0].message.tool_calls
    assert call.function.name == "plan"
    assert json.loads(call.function.arguments) == {"state": {"query": "late"}}

    messages += [first.choices[0].message.model_dump(exclude_none=True),
                 {"role": "tool", "tool_call_id": call.id, "content": json.dumps({"sql": "SELECT 1"})}]
    second = ask(server, messages)
    (call,) = second.choices[0].message.tool_calls
    assert call.function.name == "run"
    assert json.loads(call.function.arguments) == {"state": {"query": "late", "sql": "SELECT 1"}}

    messages += [second.choices[0].message.model_dump(exclude_none=True),
                 {"role": "tool", "tool_call_id": call.id, "content": [{"type": "text", "text": '{"result": "ok"}'}]}]
    last = ask(server, messages)
    assert last.choices[0].finish_reason == "stop" and last.choices[0].message.tool_calls is None
    document = json.loads(last.choices[0].message.content or "")
    assert document["status"] == "success" and document["error"] is None
    assert document["final_return_value"]["value"] == "ok" and document["program"] == PROGRAM


def test_a_tool_result_for_another_call_is_a_history_mismatch_naming_both_tools(server: MockServer) -> None:
    messages = [{"role": "user", "content": "Execute the graph."},
                {"role": "assistant", "content": None, "tool_calls": [
                    {"id": "t1", "type": "function", "function": {"name": "run", "arguments": "{}"}}]},
                {"role": "tool", "tool_call_id": "t1", "content": "{}"}]
    with pytest.raises(BadRequestError) as refused:
        ask(server, messages)
    message = refused.value.body["message"]  # type: ignore[index]
    assert "external call #1" in message and "plan()" in message and "run()" in message


@pytest.mark.parametrize(("program", "words"), [
    ("state = initial_state\nwhile True:\n    pass", ["line 2", "a while loop"]),
    ("import os", ["line 1", "an import"]),
    ("x = open(file='f')", ["line 1", "open()", "neither one of the request's tools (plan, run)"]),
    ("state = initial_state\n\nx = state['result']", ["line 3", "'result'"]),
])
def test_a_program_the_mock_cannot_run_is_refused_naming_the_construct_and_line(
        server: MockServer, program: str, words: list[str]) -> None:
    body = {"model": "gpt-test", "tools": TOOLS, "messages": [{"role": "user", "content": "Go."}],
            **LANG_GRAPH, "user_provided_program": program}
    answer = requests.post(server.url + ROUTE, json=body, headers={"Authorization": "Bearer k"}, timeout=10)
    assert answer.status_code == 400, answer.text
    message = answer.json()["error"]["message"]
    assert message.startswith("user_provided_program: ")
    for word in words:
        assert word in message


def test_malformed_lang_graph_fields_are_refused_naming_the_path(server: MockServer) -> None:
    body = {"model": "gpt-test", "messages": [{"role": "user", "content": "Go."}], "user_provided_program": 42}
    answer = requests.post(server.url + ROUTE, json=body, headers={"Authorization": "Bearer k"}, timeout=10)
    assert answer.status_code == 400 and "$.user_provided_program" in answer.json()["error"]["message"]


def test_a_program_on_another_endpoint_type_is_not_run(server: MockServer) -> None:
    body = {"model": "gpt-test", "messages": [{"role": "user", "content": "Go."}], "user_provided_program": "import os"}
    answer = requests.post(server.url + "/control/chat/openai/v1/chat/completions", json=body,
                           headers={"Authorization": "Bearer k"}, timeout=10)
    assert answer.status_code == 200 and answer.json()["choices"][0]["finish_reason"] == "stop"
