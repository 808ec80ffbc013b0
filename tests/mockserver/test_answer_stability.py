"""A request gets the same answer from one version to the next: the answers to a few requests of every
endpoint, streamed and not, are pinned by digest (docs/contract.md: the answer is a pure function of
the seed, the body and X-Features). A change of these bytes changes what clients and recorded
cassettes see; it is a decision of the contract, made on purpose, never a side effect of making
the server faster."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
import requests

from sequrity_contract.mockserver import MockServer

SESSION = {"X-Session-ID": "3f2b8c1e-0d4a-4c5e-9b7a-1c2d3e4f5a6b"}
WEATHER = {"name": "get_weather", "description": "Current weather for a city",
           "input_schema": {"type": "object", "required": ["city"],
                            "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}}}}
FLOATS = {"type": "object", "required": ["big", "small", "n"],
          "properties": {"big": {"type": "number", "minimum": 1e20, "maximum": 1e21},
                         "small": {"type": "number", "minimum": 0, "maximum": 1e-6},
                         "n": {"type": "integer", "minimum": 3, "maximum": 9}}}
M = "/control/chat/anthropic/v1/messages"
C = "/control/chat/openai/v1/chat/completions"
R = "/control/chat/openai/v1/responses"
CASES = {
    "messages-tool": (M, {"model": "claude-sonnet-4", "max_tokens": 256,
                          "system": "You are a concise travel assistant.", "tools": [WEATHER], "messages": [
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Great choice. What would you like to know about Lisbon?"},
        {"role": "user", "content": [{"type": "text", "text": "What should I pack for Lisbon next week?"}]}]}, {}),
    "messages-stop-cut": (M, {"model": "claude-sonnet-4", "max_tokens": 9, "stop_sequences": ["zz", "."],
                              "messages": [{"role": "user",
                                            "content": "Grüße aus 東京 — tell me about the harbour"}]}, {}),
    "messages-thinking": (M, {"model": "claude-sonnet-4", "max_tokens": 2048,
                              "thinking": {"type": "enabled", "budget_tokens": 1024},
                              "messages": [{"role": "user", "content": "Plan a weekend in Porto"}]}, {}),
    "messages-structured": (M, {"model": "claude-sonnet-4", "max_tokens": 512,
                                "output_config": {"format": {"type": "json_schema", "schema": FLOATS}},
                                "messages": [{"role": "user", "content": "Numbers please"}]}, {}),
    "messages-forced-floats": (M, {"model": "claude-sonnet-4", "max_tokens": 512,
                                   "tools": [{"name": "measure", "input_schema": FLOATS}],
                                   "tool_choice": {"type": "tool", "name": "measure"},
                                   "messages": [{"role": "user", "content": "Measure it"}]}, {}),
    "messages-dual-llm": (M, {"model": "claude-sonnet-4", "max_tokens": 512,
                              "messages": [{"role": "user", "content": "Summarise the quarterly report"}]},
                          {"X-Features": json.dumps({"agent_arch": "dual-llm"})}),
    "messages-after-tool": (M, {"model": "claude-sonnet-4", "max_tokens": 256, "tools": [WEATHER], "messages": [
        {"role": "user", "content": "Weather in Oslo?"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01", "name": "get_weather",
                                           "input": {"city": "Oslo"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01",
                                      "content": "Sunny, 21 degrees, light breeze"}]}]}, {}),
    "chat-tool": (C, {"model": "gpt-4o", "messages": [{"role": "user", "content": "Weather in Lima?"}],
                      "tools": [{"type": "function", "function": {"name": "get_weather",
                                                                  "parameters": WEATHER["input_schema"]}}]}, {}),
    "chat-plain": (C, {"model": "gpt-4o", "temperature": 1e-05, "max_completion_tokens": 40,
                       "messages": [{"role": "system", "content": "Be brief."},
                                    {"role": "user", "content": "Explain tides in one line"}]}, {}),
    "responses-tool": (R, {"model": "gpt-4o", "input": "Weather in Quito?", "temperature": 1e-05, "top_p": 0.25,
                           "tools": [{"type": "function", "name": "get_weather",
                                      "parameters": WEATHER["input_schema"]}]}, {}),
    "responses-text": (R, {"model": "o3", "input": [{"role": "user", "content": "Name three rivers"}],
                           "max_output_tokens": 64}, {}),
}


PINNED = {
    "messages-tool": "5972675bd9923675",
    "messages-tool-stream": "b51f65e481b2c3f5",
    "messages-stop-cut": "e173dc8b82db68d7",
    "messages-stop-cut-stream": "f99b8763a7f97390",
    "messages-thinking": "59cb5d7f403bd4a4",
    "messages-thinking-stream": "ce44daae7da67fcc",
    "messages-structured": "6fee0d4a6dc02c69",
    "messages-structured-stream": "ef562369b84c5f62",
    "messages-forced-floats": "61d47022843c95c0",
    "messages-forced-floats-stream": "20c3736f921f9004",
    "messages-dual-llm": "e31a9f5d553ad0e6",
    "messages-dual-llm-stream": "cc285792cc4b2d94",
    "messages-after-tool": "2b617b2cb307fb1b",
    "messages-after-tool-stream": "120cd2736cd2432a",
    "chat-tool": "43143cdbe7102340",
    "chat-tool-stream": "c947730007593f41",
    "chat-plain": "ce42dd8b0edaabe9",
    "chat-plain-stream": "ef50197f26ad76eb",
    "responses-tool": "4da1f8ef533fb6af",
    "responses-tool-stream": "3209fe4d707cf548",
    "responses-text": "42b1f46d10a6a9fa",
    "responses-text-stream": "43d0f75f359a2393",
}
"""The first 16 hex digits of the SHA-256 of each answer's bytes (seed 0, the session above)."""


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
def test_the_answer_to_a_request_is_the_pinned_one(server: MockServer, name: str, stream: bool) -> None:
    path, body, headers = CASES[name]
    sent: dict[str, Any] = {**body, "stream": True} if stream else body
    answer = requests.post(server.url + path, json=sent, headers={"Authorization": "Bearer k", **SESSION, **headers},
                           timeout=10)
    assert answer.status_code == 200, answer.text
    key = f"{name}-stream" if stream else name
    assert hashlib.sha256(answer.content).hexdigest()[:16] == PINNED[key], answer.content[:400]
