"""Programs the mock cannot run get a 400 whose message names the problem: the construct and its
line, the call that is no tool, the bound that was passed, the field that is malformed, or the
tool results that do not belong to the program. Never a 5xx, a hang or a traceback."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from sequrity_contract.mockserver import MockServer

ROUTE = "/control/lang-graph/anthropic/v1/messages"
TOOLS = [{"name": name, "input_schema": {"type": "object", "properties": {"state": {"type": "object"}},
                                         "required": ["state"]}} for name in ("a", "b")]
START = {"role": "user", "content": "Execute the graph."}


def body(program: str, *, messages: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"model": "m", "max_tokens": 4096, "tools": TOOLS, "messages": messages or [START],
            "user_provided_program": program,
            "context_vars": {"initial_state": {"value": {"n": 1}, "meta": {"consumers": ["*"]}}}, **extra}


def post(server: MockServer, payload: dict[str, Any], path: str = ROUTE) -> requests.Response:
    return requests.post(server.url + path, json=payload, headers={"Authorization": "Bearer k"}, timeout=10)


def refusal(server: MockServer, payload: dict[str, Any]) -> str:
    answer = post(server, payload)
    assert answer.status_code == 400, answer.text
    message: str = answer.json()["error"]["message"]
    assert answer.json()["detail"] == message
    return message


@pytest.mark.parametrize(("program", "words"), [
    ("state = initial_state\nwhile True:\n    pass", ["line 2", "a while loop"]),
    ("import os", ["line 1", "an import"]),
    ("state = initial_state\nx = state['n'] + 1", ["line 2", "an arithmetic operator"]),
    ("def f():\n    pass", ["line 1", "a function definition"]),
    ("x = [i for i in initial_state]", ["line 1", "a list comprehension"]),
    ("x = initial_state.keys()", ["line 1", ".keys()"]),
    ("x = initial_state.__class__", ["line 1", "attribute access"]),
    ("x = open(file='f')", ["line 1", "open()", "neither one of the request's tools (a, b)"]),
    ("x = a(initial_state)", ["line 1", "positional arguments", "a(state=state)"]),
    ("state = initial_state\nif state:\n  x = (", ["line 3", "not valid Python"]),
    ("x = eval(source='1')", ["line 1", "eval()"]),
])
def test_a_program_outside_the_language_is_refused_naming_the_construct_and_line(
        server: MockServer, program: str, words: list[str]) -> None:
    message = refusal(server, body(program))
    assert message.startswith("user_provided_program: ")
    for word in words:
        assert word in message


def test_a_construct_in_a_branch_never_taken_is_refused_all_the_same(server: MockServer) -> None:
    assert "line 2: a while loop" in refusal(server, body("if False:\n    while True:\n        pass"))


def test_a_failing_program_names_the_line_and_the_missing_key(server: MockServer) -> None:
    message = refusal(server, body("state = initial_state\n\nx = state['result']"))
    assert "line 3" in message and "'result'" in message and "'n'" in message


def test_a_program_past_its_step_bound_says_which_bound(server: MockServer) -> None:
    program = "items = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nfor x in items:\n" + "".join(
        f"    for y{i} in items:\n" + "    " * (i + 1) for i in range(4)) + "    pass"
    message = refusal(server, body(program))
    assert "max_steps=" in message and "line" in message


def test_a_list_past_its_size_bound_says_which_bound(server: MockServer) -> None:
    program = "x = [1]\n" + "\n".join(["x.extend(x)"] * 20)
    assert "max_list_items=" in refusal(server, body(program))


@pytest.mark.parametrize(("extra", "words"), [
    ({"user_provided_program": 42}, ["$.user_provided_program", "string"]),
    ({"context_vars": {"initial_state": {"meta": {}}}}, ["$.context_vars.initial_state.value", "required"]),
    ({"context_vars": {"initial_state": {"value": 1, "meta": {"owner": "x"}}}}, ["$.context_vars.initial_state.meta"]),
    ({"context_vars": []}, ["$.context_vars", "object"]),
])
def test_malformed_lang_graph_fields_are_refused_naming_the_path(
        server: MockServer, extra: dict[str, Any], words: list[str]) -> None:
    message = refusal(server, body("x = 1", **extra))
    for word in words:
        assert word in message


def test_tool_results_that_answer_other_calls_are_a_history_mismatch(server: MockServer) -> None:
    messages = [START, {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "b", "input": {}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "{}"}]}]
    message = refusal(server, body("r = a(state=initial_state)", messages=messages))
    assert "external call #1" in message and "a()" in message and "b()" in message


def test_more_tool_results_than_the_program_has_calls_is_a_history_mismatch(server: MockServer) -> None:
    messages = [START, {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "a", "input": {}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "{}"}]}]
    assert "only 0 external calls" in refusal(server, body("x = 1", messages=messages))


def test_a_tool_error_ends_the_program_with_a_failure_document(server: MockServer) -> None:
    messages = [START, {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "a", "input": {}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "disk full",
                                              "is_error": True}]}]
    answer = post(server, body("r = a(state=initial_state)\nfinal_return_value = r", messages=messages))
    assert answer.status_code == 200
    document = json.loads(answer.json()["content"][-1]["text"])
    assert document["status"] == "failure" and document["final_return_value"] is None
    assert document["error"]["code"] == "tool_error" and "disk full" in document["error"]["message"]


def test_a_program_on_another_endpoint_type_is_not_run(server: MockServer) -> None:
    answer = post(server, body("import os"), path="/control/chat/anthropic/v1/messages")
    assert answer.status_code == 200


@pytest.mark.parametrize(("program", "words"), [
    ("x = " + "(" * 5000 + "1" + ")" * 5000, ["not valid Python"]),
    ("x = " + "not " * 100_000 + "1", ["nests too deeply"]),
    ("x = 1\nif x == 0:\n    pass\n" + "elif x == 0:\n    pass\n" * 20_000, ["nests too deeply"]),
    ("x = 1\x00", ["null bytes"]),
    ("x = []\n" + "x = [x]\n" * 2000 + "r = a(state={'v': x})", ["line 2002", "nest too deeply"]),
    ("x = initial_state['k']()", ["line 1", "calling a subscript"]),
    ("x = f'{initial_state}'", ["line 1", "an f-string"]),
])
def test_hostile_programs_are_refused_quickly_and_named(server: MockServer, program: str, words: list[str]) -> None:
    message = refusal(server, body(program))
    for word in words:
        assert word in message
