"""Hand-written chat completions documents: requests, completions and what breaks them."""

from __future__ import annotations

import copy
import json
from typing import Any

SESSION = "11111111-2222-4333-8444-555555555555"
CALL_ID = f"tc-{SESSION}-66666666-7777-4888-8999-000000000000"
WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Current weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
CLOCK = {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object", "properties": {}}}}
ASSISTANT_CALL = {"role": "assistant", "content": None, "tool_calls": [
    {"id": CALL_ID, "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}]}

VALID_REQUESTS: dict[str, dict[str, Any]] = {
    "minimal": {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}]},
    "every_role": {"model": "gpt-4o", "messages": [
        {"role": "developer", "content": "Be brief."},
        {"role": "system", "content": [{"type": "text", "text": "You help."}]},
        {"role": "user", "content": [{"type": "text", "text": "Look"},
                                     {"type": "image_url",
                                      "image_url": {"url": "https://x.test/a.png", "detail": "low"}},
                                     {"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}},
                                     {"type": "file", "file": {"file_id": "file-1"}}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Seen."}, {"type": "refusal", "refusal": "no"}]},
        {"role": "user", "content": "ok", "name": "ann"},
    ]},
    "tool_round_trip": {"model": "gpt-4o", "tools": [WEATHER], "tool_choice": "auto", "parallel_tool_calls": False,
                        "messages": [{"role": "user", "content": "Weather in Paris?"}, ASSISTANT_CALL,
                                     {"role": "tool", "tool_call_id": CALL_ID, "content": "sunny"}]},
    "named_tool": {"model": "gpt-4o", "tools": [WEATHER, CLOCK],
                   "tool_choice": {"type": "function", "function": {"name": "get_time"}},
                   "messages": [{"role": "user", "content": "time?"}]},
    "structured": {"model": "gpt-4o", "messages": [{"role": "user", "content": "a city"}],
                   "response_format": {"type": "json_schema", "json_schema": {
                       "name": "city", "strict": True,
                       "schema": {"type": "object", "properties": {"name": {"type": "string"}},
                                  "required": ["name"]}}}},
    "options": {"model": "o3", "messages": [{"role": "user", "content": "hi"}], "temperature": 1.5, "top_p": 0.9,
                "seed": 7, "reasoning_effort": "low", "max_completion_tokens": 64, "stop": ["\n\n"],
                "stream": True, "stream_options": {"include_usage": True}, "response_format": {"type": "json_object"},
                "user": "extra keys pass"},
}

INVALID_REQUESTS: dict[str, Any] = {
    "no_messages_key": {"model": "m"},
    "unknown_role": {"model": "m", "messages": [{"role": "robot", "content": "x"}]},
    "tool_without_id": {"model": "m", "messages": [{"role": "tool", "content": "x"}]},
    "content_number": {"model": "m", "messages": [{"role": "user", "content": 5}]},
    "bad_tool_choice": {"model": "m", "messages": [{"role": "user", "content": "x"}], "tool_choice": "always"},
    "schema_typo": {"model": "m", "messages": [{"role": "user", "content": "x"}], "response_format": {
        "type": "json_schema", "json_schema": {"name": "n", "schema_": {}}}},
}

COMPLETION: dict[str, Any] = {
    "id": "chatcmpl-1", "object": "chat.completion", "created": 1_700_000_000, "model": "gpt-4o",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Sunny in Paris."},
                 "finish_reason": "stop", "logprobs": None}],
    "usage": {"prompt_tokens": 12, "completion_tokens": 4, "total_tokens": 16},
}


def tool_completion(*names: str, call_id: str = CALL_ID, arguments: str = '{"city":"Paris"}',
                    finish_reason: str = "tool_calls") -> dict[str, Any]:
    """A completion calling each of ``names`` (ids ``call_id``, ``call_id``-1, ...)."""
    completion = copy.deepcopy(COMPLETION)
    calls = [{"id": call_id if i == 0 else f"{call_id}-{i}", "type": "function",
              "function": {"name": name, "arguments": arguments}} for i, name in enumerate(names)]
    completion["choices"][0].update(message={"role": "assistant", "content": None, "tool_calls": calls},
                                    finish_reason=finish_reason)
    return completion


VALID_RESPONSES: dict[str, dict[str, Any]] = {
    "text": COMPLETION,
    "tool_call": tool_completion("get_weather"),
    "extras": {**COMPLETION, "system_fingerprint": "fp_1", "service_tier": "default", "usage": None,
               "choices": [{"index": 0, "finish_reason": "content_filter", "message": {
                   "role": "assistant", "content": None, "refusal": "I cannot.",
                   "annotations": [{"type": "url_citation", "url_citation": {
                       "start_index": 0, "end_index": 2, "title": "t", "url": "https://x.test"}}]}}]},
    "structured": {**COMPLETION, "choices": [{"index": 0, "finish_reason": "stop", "message": {
        "role": "assistant", "content": json.dumps({"name": "Paris"})}}]},
}

INVALID_RESPONSES: dict[str, Any] = {
    "wrong_object": {**COMPLETION, "object": "chat.completion.chunk"},
    "no_choices": {k: v for k, v in COMPLETION.items() if k != "choices"},
    "user_role": {**COMPLETION, "choices": [{"index": 0, "finish_reason": "stop",
                                            "message": {"role": "user", "content": "x"}}]},
    "usage_missing_total": {**COMPLETION, "usage": {"prompt_tokens": 1, "completion_tokens": 1}},
}
