"""Each semantic rule of the responses documents (schemas/responses/rules.py): an instance that
honours it and instances that break it, each reported under the rule's name at the path of the
offending value, by the rule alone and by ``check``."""

from __future__ import annotations

from typing import Any

import pytest
from responses_examples import (
    CALL_ID,
    CALL_ITEM,
    CLOCK,
    RESPONSE,
    SESSION,
    VALID_REQUESTS,
    VALID_RESPONSES,
    WEATHER,
)
from rule_cases import assert_the_rule_reports, rules_passing_and_failing

from sequrity_contract.schemas import RULES, Context, check

REQUEST, RESPONSE_DOC = "responses.request", "responses.response"
OUTPUT = {"type": "function_call_output", "call_id": CALL_ID, "output": "sunny"}


def _request(**fields: Any) -> dict[str, Any]:
    return {"model": "gpt-4o", "input": "hi", **fields}


def _calling(*names: str, call_id: str = CALL_ID) -> dict[str, Any]:
    """A response whose output is one call of each function named."""
    return {**RESPONSE, "output": [{**CALL_ITEM, "name": name, "id": f"fc_{i}", "call_id": call_id}
                                   for i, name in enumerate(names)]}


TOOLS = _request(tools=[WEATHER, CLOCK])


RESPONSES_CASES: list[tuple[str, str, str, Any, Context, str | None]] = [
    ("responses_input_items_known", "ok", REQUEST, VALID_REQUESTS["items"], Context(), None),
    ("responses_input_items_known", "easy-assistant", REQUEST,
     _request(input=[{"role": "assistant", "content": "Earlier answer."}]), Context(), None),
    ("responses_input_items_known", "unknown-role", REQUEST, _request(input=[{"role": "robot", "content": "x"}]),
     Context(), "$.input[0].role"),
    ("responses_input_items_known", "unknown-type", REQUEST, _request(input=[{"type": "telepathy"}]),
     Context(), "$.input[0].type"),
    ("responses_input_items_known", "output-without-call-id", REQUEST,
     _request(input=[{"type": "function_call_output", "output": "x"}]), Context(), "$.input[0].call_id"),
    ("responses_input_items_known", "message-content-number", REQUEST,
     _request(input=[{"role": "user", "content": 5}]), Context(), "$.input[0].content"),
    ("responses_tools_known", "ok", REQUEST, _request(tools=[WEATHER, CLOCK, {"type": "web_search"}]),
     Context(), None),
    ("responses_tools_known", "function-without-name", REQUEST,
     _request(tools=[{"type": "function", "parameters": {}}]), Context(), "$.tools[0].name"),
    ("responses_tools_known", "unknown-type", REQUEST, _request(tools=[WEATHER, {"type": "teleport"}]),
     Context(), "$.tools[1].type"),
    ("responses_tool_choice_names_offered_function", "ok", REQUEST, VALID_REQUESTS["named_tool"], Context(), None),
    ("responses_tool_choice_names_offered_function", "not-offered", REQUEST,
     _request(tools=[WEATHER], tool_choice={"type": "function", "name": "get_time"}), Context(),
     "$.tool_choice.name"),
    ("responses_tool_choice_names_offered_function", "required-without-tools", REQUEST,
     _request(tool_choice="required"), Context(), "$.tool_choice"),
    ("function_call_output_answers_call", "ok", REQUEST, VALID_REQUESTS["tool_round_trip"], Context(), None),
    ("function_call_output_answers_call", "on-the-service", REQUEST,
     _request(input=[OUTPUT], previous_response_id="resp_0"), Context(), None),
    ("function_call_output_answers_call", "no-call", REQUEST, _request(input=[OUTPUT]), Context(),
     "$.input[0].call_id"),
    ("function_call_output_answers_call", "answered-twice", REQUEST, _request(input=[CALL_ITEM, OUTPUT, OUTPUT]),
     Context(), "$.input[2].call_id"),
    ("responses_temperature_range", "ok", REQUEST, _request(temperature=2), Context(), None),
    ("responses_temperature_range", "too-hot", REQUEST, _request(temperature=2.5), Context(), "$.temperature"),
    ("function_call_arguments_are_json", "ok", RESPONSE_DOC, VALID_RESPONSES["function_call"], Context(), None),
    ("function_call_arguments_are_json", "not-json", RESPONSE_DOC,
     {**RESPONSE, "output": [{**CALL_ITEM, "arguments": "{city"}]}, Context(), "$.output[0].arguments"),
    ("function_call_arguments_are_json", "array", RESPONSE_DOC,
     {**RESPONSE, "output": [RESPONSE["output"][0], {**CALL_ITEM, "arguments": "[1]"}]}, Context(),
     "$.output[1].arguments"),
    ("function_calls_follow_tool_choice", "ok", RESPONSE_DOC, _calling("get_weather"), Context(request=TOOLS), None),
    ("function_calls_follow_tool_choice", "refused", RESPONSE_DOC, VALID_RESPONSES["refusal"],
     Context(request={**TOOLS, "tool_choice": "required"}), None),
    ("function_calls_follow_tool_choice", "not-offered", RESPONSE_DOC, _calling("delete_all"),
     Context(request=TOOLS), "$.output[0].name"),
    ("function_calls_follow_tool_choice", "not-named", RESPONSE_DOC, _calling("get_weather"),
     Context(request={**TOOLS, "tool_choice": {"type": "function", "name": "get_time"}}), "$.output[0].name"),
    ("function_calls_follow_tool_choice", "none", RESPONSE_DOC, _calling("get_weather"),
     Context(request={**TOOLS, "tool_choice": "none"}), "$.output"),
    ("function_calls_follow_tool_choice", "parallel", RESPONSE_DOC, _calling("get_weather", "get_time"),
     Context(request={**TOOLS, "parallel_tool_calls": False}), "$.output"),
    ("function_calls_follow_tool_choice", "required", RESPONSE_DOC, RESPONSE,
     Context(request={**TOOLS, "tool_choice": "required"}), "$.output"),
    ("function_call_id_embeds_session", "ok", RESPONSE_DOC, _calling("get_weather"), Context(session_id=SESSION),
     None),
    ("function_call_id_embeds_session", "plain-id", RESPONSE_DOC, _calling("get_weather", call_id="call_1"),
     Context(session_id=SESSION), "$.output[0].call_id"),
]
IDS = [f"{rule}-{case}" for rule, case, *_ in RESPONSES_CASES]


def test_every_responses_rule_has_a_passing_and_a_failing_case() -> None:
    responses_rules = {name for name, rule in RULES.items() if rule.document.startswith("responses.")}
    passing, failing = rules_passing_and_failing(RESPONSES_CASES)
    assert passing == failing == responses_rules


@pytest.mark.parametrize(("rule", "case", "document", "instance", "context", "path"), RESPONSES_CASES, ids=IDS)
def test_a_responses_rule_reports_its_name_and_the_path(
    rule: str, case: str, document: str, instance: Any, context: Context, path: str | None
) -> None:
    assert_the_rule_reports(rule, document, instance, context, path)


@pytest.mark.parametrize("name", list(VALID_REQUESTS))
def test_every_valid_example_request_breaks_no_rule(name: str) -> None:
    assert check(REQUEST, VALID_REQUESTS[name]) == []


@pytest.mark.parametrize("name", list(VALID_RESPONSES))
def test_every_valid_example_response_breaks_no_rule(name: str) -> None:
    assert check(RESPONSE_DOC, VALID_RESPONSES[name]) == []
