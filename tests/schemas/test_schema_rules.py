"""Each semantic rule in ``schemas.RULES``: an instance that honours it and instances that
break it, with the rule's name and the JSON path of the violation."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rule_cases import assert_the_rule_alone_reports
from schema_examples import RESPONSE, SESSION, TOOL_USE_ID, VALID_REQUESTS, VALID_RESPONSES, WEATHER_TOOL

from sequrity_contract import schemas
from sequrity_contract.schemas import RULES, Context, check, is_valid

REQUEST = VALID_REQUESTS["minimal"]
TOOLS_REQUEST = VALID_REQUESTS["tool_round_trip"]
TOOL_RESPONSE = VALID_RESPONSES["thinking_then_tool_use"]
STRUCTURED = VALID_REQUESTS["structured_output"]
ERROR = {
    "type": "error",
    "error": {"type": "not_found_error", "message": "no such route"},
    "detail": "no such route",
}


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(base), **changes}


def _turns(*roles: str) -> list[dict[str, Any]]:
    return [{"role": role, "content": f"turn {i}"} for i, role in enumerate(roles)]


def _tool_history(answered_id: str, *, result_role: str = "user") -> list[dict[str, Any]]:
    history = copy.deepcopy(TOOLS_REQUEST["messages"])
    history[2] = {
        "role": result_role,
        "content": [{"type": "tool_result", "tool_use_id": answered_id, "content": "ok"}],
    }
    return history


def _tool_response(
    name: str = "get_weather", tool_input: Any = None, block_id: str = TOOL_USE_ID
) -> dict[str, Any]:
    response = copy.deepcopy(TOOL_RESPONSE)
    response["content"][1].update(name=name, id=block_id)
    if tool_input is not None:
        response["content"][1]["input"] = tool_input
    return response


def _tool_request(**changes: Any) -> dict[str, Any]:
    return _with(REQUEST, tools=[WEATHER_TOOL], **changes)


# (rule, document, instance, context, path of the violation or None when the rule holds)
CASES: list[tuple[str, str, str, Any, Context, str | None]] = [
    (
        "alternating_roles",
        "ok",
        "request",
        _with(REQUEST, messages=_turns("user", "assistant", "user")),
        Context(),
        None,
    ),
    (
        "alternating_roles",
        "assistant-first",
        "request",
        _with(REQUEST, messages=_turns("assistant", "user")),
        Context(),
        "$.messages[0].role",
    ),
    (
        "alternating_roles",
        "user-twice",
        "request",
        _with(REQUEST, messages=_turns("user", "user")),
        Context(),
        "$.messages[1].role",
    ),
    ("messages_not_empty", "ok", "request", REQUEST, Context(), None),
    ("messages_not_empty", "empty", "request", _with(REQUEST, messages=[]), Context(), "$.messages"),
    ("tool_result_answers_tool_use", "ok", "request", TOOLS_REQUEST, Context(), None),
    (
        "tool_result_answers_tool_use",
        "unknown-id",
        "request",
        _with(TOOLS_REQUEST, messages=_tool_history("tc-other")),
        Context(),
        "$.messages[2].content[0].tool_use_id",
    ),
    (
        "tool_result_answers_tool_use",
        "first-turn",
        "request",
        _with(
            REQUEST,
            messages=[{"role": "user", "content": [{"type": "tool_result", "tool_use_id": TOOL_USE_ID}]}],
        ),
        Context(),
        "$.messages[0].content[0].tool_use_id",
    ),
    (
        "tool_result_answers_tool_use",
        "in-assistant-turn",
        "request",
        _with(
            REQUEST,
            messages=[
                {"role": "user", "content": "x"},
                {"role": "assistant", "content": [{"type": "tool_result", "tool_use_id": TOOL_USE_ID}]},
            ],
        ),
        Context(),
        "$.messages[1].content[0].type",
    ),
    ("thinking_budget", "ok", "request", VALID_REQUESTS["thinking_enabled"], Context(), None),
    (
        "thinking_budget",
        "below-1024",
        "request",
        _with(REQUEST, thinking={"type": "enabled", "budget_tokens": 1023}),
        Context(),
        "$.thinking.budget_tokens",
    ),
    (
        "thinking_budget",
        "not-below-max-tokens",
        "request",
        _with(REQUEST, max_tokens=2048, thinking={"type": "enabled", "budget_tokens": 2048}),
        Context(),
        "$.thinking.budget_tokens",
    ),
    ("temperature_range", "ok", "request", _with(REQUEST, temperature=1), Context(), None),
    ("temperature_range", "above-1", "request", _with(REQUEST, temperature=1.01), Context(), "$.temperature"),
    (
        "temperature_range",
        "negative",
        "request",
        _with(REQUEST, temperature=-0.5),
        Context(),
        "$.temperature",
    ),
    ("max_tokens_positive", "ok", "request", _with(REQUEST, max_tokens=1), Context(), None),
    ("max_tokens_positive", "zero", "request", _with(REQUEST, max_tokens=0), Context(), "$.max_tokens"),
    ("tool_choice_names_offered_tool", "ok", "request", VALID_REQUESTS["tool_choice_tool"], Context(), None),
    (
        "tool_choice_names_offered_tool",
        "unknown-tool",
        "request",
        _tool_request(tool_choice={"type": "tool", "name": "get_time"}),
        Context(),
        "$.tool_choice.name",
    ),
    (
        "tool_choice_names_offered_tool",
        "no-tools",
        "request",
        _with(REQUEST, tool_choice={"type": "tool", "name": "get_time"}),
        Context(),
        "$.tool_choice.name",
    ),
    ("discriminator_tags_present", "ok", "request", VALID_REQUESTS["image_base64_and_url"], Context(), None),
    (
        "discriminator_tags_present",
        "block-untagged",
        "request",
        _with(
            REQUEST,
            messages=[
                {"role": "user", "content": [{"source": {"type": "url", "url": "https://example.com/a.png"}}]}
            ],
        ),
        Context(),
        "$.messages[0].content[0].type",
    ),
    (
        "discriminator_tags_present",
        "image-source-untagged",
        "request",
        _with(
            REQUEST,
            messages=[
                {
                    "role": "user",
                    "content": [{"type": "image", "source": {"url": "https://example.com/a.png"}}],
                }
            ],
        ),
        Context(),
        "$.messages[0].content[0].source.type",
    ),
    (
        "discriminator_tags_present",
        "system-block-untagged",
        "request",
        _with(REQUEST, system=[{"text": "be brief"}]),
        Context(),
        "$.system[0].type",
    ),
    (
        "discriminator_tags_present",
        "thinking-untagged",
        "request",
        _with(REQUEST, thinking={"budget_tokens": 1024}),
        Context(),
        "$.thinking.type",
    ),
    (
        "stop_sequence_matches_stop_reason",
        "ok",
        "response",
        VALID_RESPONSES["stop_sequence_full_usage"],
        Context(request=_with(REQUEST, stop_sequences=["\n\nHuman:"])),
        None,
    ),
    (
        "stop_sequence_matches_stop_reason",
        "missing-sequence",
        "response",
        _with(RESPONSE, stop_reason="stop_sequence", stop_sequence=None),
        Context(),
        "$.stop_sequence",
    ),
    (
        "stop_sequence_matches_stop_reason",
        "sequence-without-reason",
        "response",
        _with(RESPONSE, stop_reason="end_turn", stop_sequence="END"),
        Context(),
        "$.stop_sequence",
    ),
    ("stop_reason_matches_tool_use", "ok", "response", TOOL_RESPONSE, Context(), None),
    (
        "stop_reason_matches_tool_use",
        "reason-without-block",
        "response",
        _with(RESPONSE, stop_reason="tool_use"),
        Context(),
        "$.stop_reason",
    ),
    (
        "stop_reason_matches_tool_use",
        "block-with-end-turn",
        "response",
        _with(TOOL_RESPONSE, stop_reason="end_turn"),
        Context(),
        "$.stop_reason",
    ),
    ("usage_not_negative", "ok", "response", RESPONSE, Context(), None),
    (
        "usage_not_negative",
        "negative-output",
        "response",
        _with(RESPONSE, usage={"input_tokens": 3, "output_tokens": -1}),
        Context(),
        "$.usage.output_tokens",
    ),
    (
        "output_within_max_tokens",
        "ok",
        "response",
        RESPONSE,
        Context(request=_with(REQUEST, max_tokens=12)),
        None,
    ),
    (
        "output_within_max_tokens",
        "over",
        "response",
        RESPONSE,
        Context(request=_with(REQUEST, max_tokens=11)),
        "$.usage.output_tokens",
    ),
    (
        "tool_use_follows_tool_choice",
        "ok",
        "response",
        TOOL_RESPONSE,
        Context(request=_tool_request(tool_choice={"type": "tool", "name": "get_weather"})),
        None,
    ),
    (
        "tool_use_follows_tool_choice",
        "unoffered-tool",
        "response",
        _tool_response(name="get_time"),
        Context(request=_tool_request()),
        "$.content[1].name",
    ),
    (
        "tool_use_follows_tool_choice",
        "choice-none",
        "response",
        TOOL_RESPONSE,
        Context(request=_tool_request(tool_choice={"type": "none"})),
        "$.content[1]",
    ),
    (
        "tool_use_follows_tool_choice",
        "forced-but-no-call",
        "response",
        RESPONSE,
        Context(request=_tool_request(tool_choice={"type": "any"})),
        "$.content",
    ),
    ("tool_input_matches_schema", "ok", "response", TOOL_RESPONSE, Context(request=_tool_request()), None),
    (
        "tool_input_matches_schema",
        "missing-required",
        "response",
        _tool_response(tool_input={"unit": "c"}),
        Context(request=_tool_request()),
        "$.content[1].input.city",
    ),
    (
        "tool_input_matches_schema",
        "wrong-enum",
        "response",
        _tool_response(tool_input={"city": "Oslo", "unit": "k"}),
        Context(request=_tool_request()),
        "$.content[1].input.unit",
    ),
    (
        "structured_output_matches_schema",
        "ok",
        "response",
        _with(RESPONSE, content=[{"type": "text", "text": '{"answer": "42"}'}]),
        Context(request=STRUCTURED),
        None,
    ),
    (
        "structured_output_matches_schema",
        "not-json",
        "response",
        RESPONSE,
        Context(request=STRUCTURED),
        "$.content[0].text",
    ),
    (
        "structured_output_matches_schema",
        "json-missing-field",
        "response",
        _with(RESPONSE, content=[{"type": "text", "text": '{"answers": []}'}]),
        Context(request=STRUCTURED),
        "$.content[0].text<json>.answer",
    ),
    (
        "stop_sequence_was_requested",
        "ok",
        "response",
        VALID_RESPONSES["stop_sequence_full_usage"],
        Context(request=_with(REQUEST, stop_sequences=["END", "\n\nHuman:"])),
        None,
    ),
    (
        "stop_sequence_was_requested",
        "not-requested",
        "response",
        VALID_RESPONSES["stop_sequence_full_usage"],
        Context(request=_with(REQUEST, stop_sequences=["END"])),
        "$.stop_sequence",
    ),
    ("tool_use_id_embeds_session", "ok", "response", TOOL_RESPONSE, Context(session_id=SESSION), None),
    (
        "tool_use_id_embeds_session",
        "other-session",
        "response",
        TOOL_RESPONSE,
        Context(session_id="00000000-0000-4000-8000-000000000000"),
        "$.content[1].id",
    ),
    (
        "tool_use_id_embeds_session",
        "not-a-tc-id",
        "response",
        _tool_response(block_id="toolu_01"),
        Context(session_id=SESSION),
        "$.content[1].id",
    ),
    ("detail_repeats_message", "ok", "error", ERROR, Context(status=404), None),
    (
        "detail_repeats_message",
        "different-detail",
        "error",
        _with(ERROR, detail="Not Found"),
        Context(status=404),
        "$.detail",
    ),
    ("error_type_matches_status", "ok", "error", ERROR, Context(status=404), None),
    ("error_type_matches_status", "wrong-type", "error", ERROR, Context(status=429), "$.error.type"),
    ("error_type_matches_status", "other-5xx", "error", ERROR, Context(status=503), "$.error.type"),
    ("policy_code_is_sqrt", "parses", "x-policy", {"codes": {"code": 'tool "a" { must deny always; }'}}, Context(),
     None),
    ("policy_code_is_sqrt", "empty", "x-policy", {"codes": {"code": "  "}}, Context(), None),
    ("policy_code_is_sqrt", "cedar-not-read", "x-policy", {"codes": {"language": "cedar", "code": "permit("}},
     Context(), None),
    ("policy_code_is_sqrt", "syntax-error", "x-policy", {"codes": {"code": 'tool "a" { must deny when ; }'}},
     Context(), "$.codes.code"),
    ("policy_code_is_sqrt", "unbound-let", "x-policy", {"codes": {"code": 'tool "a" { must deny when x; }'}},
     Context(), "$.codes.code"),
]
IDS = [f"{rule}-{case}" for rule, case, *_ in CASES]


def test_every_rule_has_a_passing_and_a_failing_case() -> None:
    from rule_cases import rules_passing_and_failing
    from test_chat_rules import CHAT_CASES
    from test_responses_rules import RESPONSES_CASES

    cases = [*CASES, *CHAT_CASES, *RESPONSES_CASES]
    passing, failing = rules_passing_and_failing(cases)
    assert passing == failing == set(RULES)


@pytest.mark.parametrize(("rule", "case", "document", "instance", "context", "path"), CASES, ids=IDS)
def test_a_rule_reports_its_name_and_the_path(
    rule: str, case: str, document: str, instance: Any, context: Context, path: str | None
) -> None:
    assert_the_rule_alone_reports(rule, document, instance, context, path)


@pytest.mark.parametrize(("rule", "case", "document", "instance", "context", "path"), CASES, ids=IDS)
def test_check_runs_the_rule_after_the_schema(
    rule: str, case: str, document: str, instance: Any, context: Context, path: str | None
) -> None:
    if not is_valid(document, instance):
        pytest.skip("schema-invalid instance: check() reports the schema violation instead")
    found = check(
        document, instance, request=context.request, session_id=context.session_id, status=context.status
    )
    if path is None:
        assert found == [], [str(v) for v in found]
    else:
        assert (rule, path) in [(v.rule, v.path) for v in found]


@given(st.uuids(), st.uuids())
def test_a_built_tool_use_id_reads_back_its_session_and_call(session: Any, call: Any) -> None:
    match = schemas.TOOL_USE_ID.match(schemas.tool_use_id(str(session), call))
    assert match is not None
    assert (match["session"], match["call"]) == (str(session), str(call))
