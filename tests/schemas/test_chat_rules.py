"""Each semantic rule of chat completions: an instance that honours it and instances that break
it, with the rule's name and the JSON path of the violation (the messages rules are in
test_schema_rules.py, which checks that every registered rule has cases in one of the two)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from chat_examples import (
    ASSISTANT_CALL,
    CALL_ID,
    CLOCK,
    COMPLETION,
    SESSION,
    VALID_REQUESTS,
    VALID_RESPONSES,
    WEATHER,
    tool_completion,
)
from rule_cases import assert_the_rule_reports, rules_passing_and_failing

from sequrity_contract.schemas import RULES, Context

REQUEST = VALID_REQUESTS["minimal"]
TOOLS = VALID_REQUESTS["tool_round_trip"]
NAMED = VALID_REQUESTS["named_tool"]
STRUCTURED = VALID_REQUESTS["structured"]


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(base), **changes}


def _tool_request(**changes: Any) -> dict[str, Any]:
    return _with(REQUEST, tools=[WEATHER, CLOCK], **changes)


def _answer(content: str, finish_reason: str = "stop") -> dict[str, Any]:
    return _with(COMPLETION, choices=[{"index": 0, "finish_reason": finish_reason,
                                       "message": {"role": "assistant", "content": content}}])


USER = {"role": "user", "content": "again"}

# (rule, case, document, instance, context, path of the violation or None when the rule holds)
CHAT_CASES: list[tuple[str, str, str, Any, Context, str | None]] = [
    ("chat_messages_not_empty", "ok", "chat.request", REQUEST, Context(), None),
    ("chat_messages_not_empty", "empty", "chat.request", _with(REQUEST, messages=[]), Context(), "$.messages"),
    ("assistant_content_or_tool_calls", "ok", "chat.request", TOOLS, Context(), None),
    ("assistant_content_or_tool_calls", "neither", "chat.request",
     _with(REQUEST, messages=[*REQUEST["messages"], {"role": "assistant", "content": None}]), Context(),
     "$.messages[1].content"),
    ("tool_message_answers_tool_call", "ok", "chat.request", TOOLS, Context(), None),
    ("tool_message_answers_tool_call", "unknown-id", "chat.request",
     _with(TOOLS, messages=[*TOOLS["messages"][:2], {"role": "tool", "tool_call_id": "call_x", "content": "r"}]),
     Context(), "$.messages[2].tool_call_id"),
    ("tool_message_answers_tool_call", "answered-twice", "chat.request",
     _with(TOOLS, messages=[*TOOLS["messages"], {"role": "tool", "tool_call_id": CALL_ID, "content": "r"}]),
     Context(), "$.messages[3].tool_call_id"),
    ("tool_message_answers_tool_call", "after-user", "chat.request",
     _with(TOOLS, messages=[*TOOLS["messages"][:2], USER, TOOLS["messages"][2]]), Context(),
     "$.messages[3].tool_call_id"),
    ("chat_tool_choice_names_offered_tool", "ok", "chat.request", NAMED, Context(), None),
    ("chat_tool_choice_names_offered_tool", "unknown", "chat.request",
     _tool_request(tool_choice={"type": "function", "function": {"name": "nope"}}), Context(),
     "$.tool_choice.function.name"),
    ("chat_tool_choice_names_offered_tool", "required-no-tools", "chat.request",
     _with(REQUEST, tool_choice="required"), Context(), "$.tool_choice"),
    ("chat_temperature_range", "ok", "chat.request", _with(REQUEST, temperature=2), Context(), None),
    ("chat_temperature_range", "high", "chat.request", _with(REQUEST, temperature=2.5), Context(), "$.temperature"),
    ("completion_tokens_positive", "ok", "chat.request", _with(REQUEST, max_completion_tokens=1), Context(), None),
    ("completion_tokens_positive", "zero", "chat.request", _with(REQUEST, max_tokens=0), Context(),
     "$.max_tokens"),
    ("choice_indexes_in_order", "ok", "chat.response", COMPLETION, Context(), None),
    ("choice_indexes_in_order", "gap", "chat.response",
     _with(COMPLETION, choices=[{**COMPLETION["choices"][0], "index": 1}]), Context(), "$.choices[0].index"),
    ("finish_reason_matches_tool_calls", "ok", "chat.response", tool_completion("get_weather"), Context(), None),
    ("finish_reason_matches_tool_calls", "no-calls", "chat.response", _answer("x", "tool_calls"), Context(),
     "$.choices[0].finish_reason"),
    ("finish_reason_matches_tool_calls", "calls-filtered", "chat.response",
     tool_completion("get_weather", finish_reason="content_filter"), Context(), "$.choices[0].finish_reason"),
    ("chat_usage_adds_up", "ok", "chat.response", COMPLETION, Context(), None),
    ("chat_usage_adds_up", "negative", "chat.response",
     _with(COMPLETION, usage={"prompt_tokens": -1, "completion_tokens": 1, "total_tokens": 0}), Context(),
     "$.usage.prompt_tokens"),
    ("chat_usage_adds_up", "sum", "chat.response",
     _with(COMPLETION, usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 3}), Context(),
     "$.usage.total_tokens"),
    ("completion_within_limit", "ok", "chat.response", COMPLETION,
     Context(request=_with(REQUEST, max_completion_tokens=4)), None),
    ("completion_within_limit", "over", "chat.response", COMPLETION,
     Context(request=_with(REQUEST, max_tokens=3)), "$.usage.completion_tokens"),
    ("tool_calls_follow_tool_choice", "ok", "chat.response", tool_completion("get_time"), Context(request=NAMED),
     None),
    ("tool_calls_follow_tool_choice", "not-named", "chat.response", tool_completion("get_weather"),
     Context(request=NAMED), "$.choices[0].message.tool_calls[0].function.name"),
    ("tool_calls_follow_tool_choice", "not-offered", "chat.response", tool_completion("delete_all"),
     Context(request=_tool_request()), "$.choices[0].message.tool_calls[0].function.name"),
    ("tool_calls_follow_tool_choice", "none", "chat.response", tool_completion("get_weather"),
     Context(request=_tool_request(tool_choice="none")), "$.choices[0].message.tool_calls"),
    ("tool_calls_follow_tool_choice", "parallel", "chat.response", tool_completion("get_weather", "get_time"),
     Context(request=_tool_request(parallel_tool_calls=False)), "$.choices[0].message.tool_calls"),
    ("tool_calls_follow_tool_choice", "required", "chat.response", COMPLETION,
     Context(request=_tool_request(tool_choice="required")), "$.choices[0].message.tool_calls"),
    ("tool_arguments_match_parameters", "ok", "chat.response", tool_completion("get_weather"),
     Context(request=_tool_request()), None),
    ("tool_arguments_match_parameters", "not-json", "chat.response",
     tool_completion("get_weather", arguments="{city"), Context(request=_tool_request()),
     "$.choices[0].message.tool_calls[0].function.arguments"),
    ("tool_arguments_match_parameters", "schema", "chat.response",
     tool_completion("get_weather", arguments="{}"), Context(request=_tool_request()),
     "$.choices[0].message.tool_calls[0].function.arguments<json>.city"),
    ("content_follows_response_format", "ok", "chat.response", VALID_RESPONSES["structured"],
     Context(request=STRUCTURED), None),
    ("content_follows_response_format", "not-json", "chat.response", _answer("Paris"),
     Context(request=STRUCTURED), "$.choices[0].message.content"),
    ("content_follows_response_format", "schema", "chat.response", _answer('{"city": "Paris"}'),
     Context(request=STRUCTURED), "$.choices[0].message.content<json>.name"),
    ("content_follows_response_format", "json-object", "chat.response", _answer("[1]"),
     Context(request=_with(REQUEST, response_format={"type": "json_object"})), "$.choices[0].message.content"),
    ("tool_call_id_embeds_session", "ok", "chat.response", tool_completion("get_weather"),
     Context(session_id=SESSION), None),
    ("tool_call_id_embeds_session", "plain-id", "chat.response", tool_completion("get_weather", call_id="call_1"),
     Context(session_id=SESSION), "$.choices[0].message.tool_calls[0].id"),
]
IDS = [f"{rule}-{case}" for rule, case, *_ in CHAT_CASES]


def test_every_chat_rule_has_a_passing_and_a_failing_case() -> None:
    chat_rules = {name for name, rule in RULES.items() if rule.document.startswith("chat.")}
    passing, failing = rules_passing_and_failing(CHAT_CASES)
    assert passing == failing == chat_rules


@pytest.mark.parametrize(("rule", "case", "document", "instance", "context", "path"), CHAT_CASES, ids=IDS)
def test_a_chat_rule_reports_its_name_and_the_path(
    rule: str, case: str, document: str, instance: Any, context: Context, path: str | None
) -> None:
    assert_the_rule_reports(rule, document, instance, context, path)


def test_an_assistant_message_with_tool_calls_needs_no_content() -> None:
    assert RULES["assistant_content_or_tool_calls"](_with(REQUEST, messages=[USER, ASSISTANT_CALL])) == []
