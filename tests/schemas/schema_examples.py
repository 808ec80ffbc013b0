"""Realistic, hand-written instances of the contract's documents, shared by the schema tests.

``VALID_REQUESTS`` / ``VALID_RESPONSES`` satisfy the schemas and the semantic rules;
``INVALID_REQUESTS`` / ``INVALID_RESPONSES`` each break the schema in one named way.
"""

from __future__ import annotations

import copy
from typing import Any

SESSION = "3f1c2a9e-8b7d-4e6f-a5c4-1d2e3f4a5b6c"
CALL = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
TOOL_USE_ID = f"tc-{SESSION}-{CALL}"
PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
PDF_STUB = "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSPj4Kc3RyZWFtCg=="

WEATHER_TOOL: dict[str, Any] = {
    "name": "get_weather",
    "description": "Current weather for a city.",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
        "required": ["city"],
    },
}


def _request(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 2048,
        "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
    }
    base.update(fields)
    return base


VALID_REQUESTS: dict[str, dict[str, Any]] = {
    "minimal": _request(),
    "system_string_and_sampling": _request(
        system="You are terse.",
        temperature=0.2,
        top_p=0.9,
        top_k=40,
        stop_sequences=["\n\nHuman:"],
        stream=False,
    ),
    "system_blocks_cached": _request(
        system=[{"type": "text", "text": "Be helpful.", "cache_control": {"type": "ephemeral"}}]
    ),
    "image_base64_and_url": _request(
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is in these pictures?"},
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": PNG_1PX},
                    },
                    {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
                ],
            }
        ]
    ),
    "pdf_document": _request(
        messages=[
            {
                "role": "user",
                "content": [
                    {
                        "type": "document",
                        "source": {"type": "base64", "media_type": "application/pdf", "data": PDF_STUB},
                    },
                    {
                        "type": "text",
                        "text": "Summarise this PDF.",
                        "citations": [{"type": "page_location", "page": 1}],
                    },
                ],
            }
        ]
    ),
    "tool_round_trip": _request(
        tools=[
            WEATHER_TOOL,
            {"name": "raw_tool", "input_schema": {"type": "object"}, "strict": True, "type": "custom"},
        ],
        tool_choice={"type": "auto", "disable_parallel_tool_use": True},
        messages=[
            {"role": "user", "content": "Weather in Paris?"},
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "text": "I should call the weather tool."},
                    {
                        "type": "tool_use",
                        "id": TOOL_USE_ID,
                        "name": "get_weather",
                        "input": {"city": "Paris"},
                    },
                ],
            },
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": TOOL_USE_ID, "content": "18°C, cloudy"},
                ],
            },
        ],
    ),
    "tool_result_blocks_error": _request(
        tools=[WEATHER_TOOL],
        messages=[
            {"role": "user", "content": "Weather?"},
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "tool_use",
                        "id": TOOL_USE_ID,
                        "name": "get_weather",
                        "input": {"city": "Nowhere"},
                    }
                ],
            },
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": TOOL_USE_ID,
                        "is_error": True,
                        "content": [
                            {"type": "text", "text": "unknown city"},
                            {
                                "type": "image",
                                "source": {"type": "url", "url": "https://example.com/map.png"},
                            },
                        ],
                    }
                ],
            },
        ],
    ),
    "tool_choice_tool": _request(tools=[WEATHER_TOOL], tool_choice={"type": "tool", "name": "get_weather"}),
    "tool_choice_any": _request(tools=[WEATHER_TOOL], tool_choice={"type": "any"}),
    "tool_choice_none": _request(tools=[WEATHER_TOOL], tool_choice={"type": "none"}),
    "thinking_enabled": _request(max_tokens=4096, thinking={"type": "enabled", "budget_tokens": 1024}),
    "thinking_disabled": _request(thinking={"type": "disabled"}),
    "thinking_adaptive_effort": _request(thinking={"type": "adaptive"}, reasoning_effort="xhigh"),
    "structured_output": _request(
        output_config={
            "format": {
                "type": "json_schema",
                "schema": {
                    "type": "object",
                    "properties": {"answer": {"type": "string"}},
                    "required": ["answer"],
                },
            }
        }
    ),
    "metadata_tier_timeout_nulls": _request(
        metadata={"user_id": "user-42"},
        service_tier="standard_only",
        timeout=30.5,
        temperature=None,
        tools=None,
        system=None,
    ),
}

RESPONSE: dict[str, Any] = {
    "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
    "type": "message",
    "role": "assistant",
    "content": [{"type": "text", "text": "It is 18°C and cloudy in Paris."}],
    "model": "claude-sonnet-4-5",
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 25, "output_tokens": 12},
}


def _response(**fields: Any) -> dict[str, Any]:
    return {**copy.deepcopy(RESPONSE), **fields}


VALID_RESPONSES: dict[str, dict[str, Any]] = {
    "text": _response(),
    "thinking_then_tool_use": _response(
        stop_reason="tool_use",
        content=[
            {"type": "thinking", "text": "The user wants the weather; call the tool."},
            {
                "type": "tool_use",
                "id": TOOL_USE_ID,
                "name": "get_weather",
                "input": {"city": "Paris", "unit": "c"},
            },
        ],
    ),
    "cited_text_and_server_tools": _response(
        content=[
            {
                "type": "server_tool_use",
                "id": "srvtoolu_01",
                "name": "web_search",
                "input": {"query": "paris"},
            },
            {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01", "content": []},
            {
                "type": "text",
                "text": "Paris is in France.",
                "citations": [
                    {"type": "web_search_result_location", "url": "https://example.com", "cited_text": "x"}
                ],
            },
            {
                "type": "redacted_thinking",
                "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP",
            },
        ]
    ),
    "stop_sequence_full_usage": _response(
        stop_reason="stop_sequence",
        stop_sequence="\n\nHuman:",
        usage={
            "input_tokens": 100,
            "output_tokens": 7,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 80,
            "cache_creation": {"ephemeral_5m_input_tokens": 0},
            "server_tool_use": {"web_search_requests": 1},
            "service_tier": "standard",
        },
    ),
    "dual_llm_failure_with_session": _response(
        session_id=SESSION,
        content=[
            {
                "type": "text",
                "text": (
                    '{"status": "failure", "final_return_value": null, '
                    '"error": {"code": "policy_violation", "message": "denied"}}'
                ),
            }
        ],
    ),
    "max_tokens_empty": _response(stop_reason="max_tokens", content=[]),
}


def _broken(base: dict[str, Any], path: list[Any], value: Any = ..., *, drop: bool = False) -> dict[str, Any]:
    out = copy.deepcopy(base)
    node = out
    for part in path[:-1]:
        node = node[part]
    if drop:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return out


INVALID_REQUESTS: dict[str, dict[str, Any]] = {
    "max_tokens_string": _broken(VALID_REQUESTS["minimal"], ["max_tokens"], "2048"),
    "no_messages": _broken(VALID_REQUESTS["minimal"], ["messages"], drop=True),
    "role_system": _broken(VALID_REQUESTS["minimal"], ["messages", 0, "role"], "system"),
    "unknown_block_type": _broken(
        VALID_REQUESTS["image_base64_and_url"], ["messages", 0, "content", 0, "type"], "video"
    ),
    "image_bad_media_type": _broken(
        VALID_REQUESTS["image_base64_and_url"],
        ["messages", 0, "content", 1, "source", "media_type"],
        "image/bmp",
    ),
    "pdf_not_pdf": _broken(
        VALID_REQUESTS["pdf_document"], ["messages", 0, "content", 0, "source", "media_type"], "text/plain"
    ),
    "tool_use_without_input": _broken(
        VALID_REQUESTS["tool_round_trip"], ["messages", 1, "content", 1, "input"], drop=True
    ),
    "tool_result_without_id": _broken(
        VALID_REQUESTS["tool_round_trip"], ["messages", 2, "content", 0, "tool_use_id"], drop=True
    ),
    "tool_choice_unknown": _broken(VALID_REQUESTS["tool_choice_any"], ["tool_choice", "type"], "some"),
    "tool_choice_tool_without_name": _broken(
        VALID_REQUESTS["tool_choice_tool"], ["tool_choice", "name"], drop=True
    ),
    "thinking_without_budget": _broken(
        VALID_REQUESTS["thinking_enabled"], ["thinking", "budget_tokens"], drop=True
    ),
    "effort_unknown": _broken(VALID_REQUESTS["thinking_adaptive_effort"], ["reasoning_effort"], "max"),
    "output_format_extra_key": _broken(
        VALID_REQUESTS["structured_output"], ["output_config", "format", "strict"], True
    ),
    "service_tier_unknown": _broken(VALID_REQUESTS["minimal"], ["service_tier"], "priority"),
    "stream_string": _broken(VALID_REQUESTS["minimal"], ["stream"], "yes"),
    "tools_not_list": _broken(VALID_REQUESTS["minimal"], ["tools"], WEATHER_TOOL),
    "not_an_object": ["model", "max_tokens", "messages"],  # type: ignore[dict-item]
}

INVALID_RESPONSES: dict[str, dict[str, Any]] = {
    "wrong_role": _broken(RESPONSE, ["role"], "user"),
    "no_usage": _broken(RESPONSE, ["usage"], drop=True),
    "usage_float": _broken(RESPONSE, ["usage", "output_tokens"], 1.5),
    "unknown_stop_reason": _broken(RESPONSE, ["stop_reason"], "length"),
    "block_without_type": _broken(RESPONSE, ["content", 0, "type"], drop=True),
    "thinking_anthropic_style": _broken(
        RESPONSE, ["content", 0], {"type": "thinking", "thinking": "x", "signature": "s"}
    ),
    "tool_use_input_list": _broken(
        VALID_RESPONSES["thinking_then_tool_use"], ["content", 1, "input"], ["Paris"]
    ),
    "citation_without_type": _broken(
        VALID_RESPONSES["cited_text_and_server_tools"], ["content", 2, "citations", 0, "type"], drop=True
    ),
    "service_tier_unknown": _broken(
        VALID_RESPONSES["stop_sequence_full_usage"], ["usage", "service_tier"], "flex"
    ),
}
