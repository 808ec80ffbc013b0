"""Hand-written responses documents: requests, responses and what breaks them."""

from __future__ import annotations

from typing import Any

SESSION = "11111111-2222-4333-8444-555555555555"
CALL_ID = f"tc-{SESSION}-66666666-7777-4888-8999-000000000000"
WEATHER = {"type": "function", "name": "get_weather", "description": "Current weather in a city",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
CLOCK = {"type": "function", "name": "get_time", "parameters": {"type": "object", "properties": {}}}
CALL_ITEM = {"type": "function_call", "call_id": CALL_ID, "name": "get_weather", "arguments": '{"city":"Paris"}'}

VALID_REQUESTS: dict[str, dict[str, Any]] = {
    "text": {"model": "gpt-4o", "input": "Hello"},
    "no_input": {"model": "gpt-4o", "prompt": {"id": "pmpt_1", "variables": {"city": "Paris"}}},
    "items": {"model": "gpt-4o", "instructions": "Be brief.", "input": [
        {"role": "developer", "content": "Answer in French."},
        {"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "Look"},
            {"type": "input_image", "image_url": "https://x.test/a.png", "detail": "low"},
            {"type": "input_file", "file_id": "file-1"}]},
        {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "thought"}]}]},
    "tool_round_trip": {"model": "gpt-4o", "tools": [WEATHER], "tool_choice": "auto", "parallel_tool_calls": False,
                        "input": [{"role": "user", "content": "Weather in Paris?"}, CALL_ITEM,
                                  {"type": "function_call_output", "call_id": CALL_ID, "output": "sunny"}]},
    "named_tool": {"model": "gpt-4o", "tools": [WEATHER, CLOCK], "input": "time?",
                   "tool_choice": {"type": "function", "name": "get_time"}},
    "structured": {"model": "gpt-4o", "input": "a city", "text": {"format": {
        "type": "json_schema", "name": "city", "strict": True,
        "schema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}}}},
    "options": {"model": "o3", "input": "hi", "temperature": 1.5, "top_p": 0.9, "max_output_tokens": 64,
                "reasoning": {"effort": "low", "summary": "auto"}, "stream": True, "store": False,
                "metadata": {"k": "v"}, "truncation": "auto", "extra keys": "pass"},
}

INVALID_REQUESTS: dict[str, Any] = {
    "no_model": {"input": "x"},
    "input_number": {"model": "m", "input": 5},
    "input_item_string": {"model": "m", "input": ["x"]},
    "bad_tool_choice": {"model": "m", "input": "x", "tool_choice": "always"},
    "tools_object": {"model": "m", "input": "x", "tools": {"type": "function"}},
    "metadata_number": {"model": "m", "input": "x", "metadata": {"k": 1}},
}
"""(Input items and tools are open in the published request: an object of an unknown ``type``, or a
known type without its required fields, passes the schema; the semantic rules refuse it.)"""

RESPONSE: dict[str, Any] = {
    "id": "resp_1", "object": "response", "created_at": 1_700_000_000, "model": "gpt-4o", "status": "completed",
    "output": [{"id": "msg_1", "type": "message", "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": "Sunny in Paris.", "annotations": []}]}],
    "parallel_tool_calls": True, "tool_choice": "auto", "tools": [],
    "usage": {"input_tokens": 5, "output_tokens": 4, "total_tokens": 9,
              "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}},
}

VALID_RESPONSES: dict[str, dict[str, Any]] = {
    "text": RESPONSE,
    "function_call": {**RESPONSE, "output": [{**CALL_ITEM, "id": "fc_1", "status": "completed"}],
                      "tools": [WEATHER]},
    "parallel_calls": {**RESPONSE, "output": [{**CALL_ITEM, "id": "fc_1", "status": "completed"},
                                              {**CALL_ITEM, "id": "fc_2", "call_id": "call_2", "name": "get_time",
                                               "arguments": "{}", "status": "completed"}]},
    "reasoning_then_text": {**RESPONSE, "output": [
        {"id": "rs_1", "type": "reasoning", "summary": [{"type": "summary_text", "text": "The user asks."},
                                                        {"type": "summary_text", "text": "Short."}]},
        *RESPONSE["output"]]},
    "refusal": {**RESPONSE, "output": [{"id": "msg_1", "type": "message", "role": "assistant", "status": "completed",
                                        "content": [{"type": "refusal", "refusal": "I cannot."}]}]},
    "incomplete": {**RESPONSE, "status": "incomplete", "incomplete_details": {"reason": "max_output_tokens"},
                   "output": [{"id": "msg_1", "type": "message", "role": "assistant", "status": "incomplete",
                               "content": [{"type": "output_text", "text": "Sunny", "annotations": []}]}]},
    "empty_text": {**RESPONSE, "output": [{"id": "msg_1", "type": "message", "role": "assistant",
                                           "status": "completed",
                                           "content": [{"type": "output_text", "text": "", "annotations": []}]}]},
}

INVALID_RESPONSES: dict[str, Any] = {
    "no_output": {k: v for k, v in RESPONSE.items() if k != "output"},
    "wrong_object": {**RESPONSE, "object": "chat.completion"},
    "bad_status": {**RESPONSE, "status": "done"},
    "tool_choice_number": {**RESPONSE, "tool_choice": 1},
}
