"""More code under test: a one-tool agent loop, written for the Anthropic SDK (messages) and for the
OpenAI SDK (chat completions), and a plain question through the official ``sequrity`` client. The
tests give each a client pointed at the mock server."""

from __future__ import annotations

import json
from typing import Any

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Current weather of a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


OPENAI_WEATHER_TOOL = {"type": "function", "function": {
    "name": WEATHER_TOOL["name"], "description": WEATHER_TOOL["description"],
    "parameters": WEATHER_TOOL["input_schema"]}}


def weather_of(city: str) -> str:
    """The application's own tool."""
    return f"Sunny in {city}"


def ask_with_anthropic(client: Any, question: str, max_turns: int = 4) -> str:
    """Answer ``question`` with an ``anthropic.Anthropic`` client, running every tool call it asks for."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": question}]
    for _ in range(max_turns):
        answer = client.messages.create(model="claude-sonnet-4-5", max_tokens=256, tools=[WEATHER_TOOL],
                                        messages=messages)
        calls = [block for block in answer.content if block.type == "tool_use"]
        if not calls:
            return "".join(block.text for block in answer.content if block.type == "text")
        messages.append({"role": "assistant", "content": [block.model_dump() for block in answer.content]})
        messages.append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": call.id, "content": weather_of(call.input.get("city", ""))}
            for call in calls]})
    raise RuntimeError(f"no final answer after {max_turns} turns")


def ask_with_openai(client: Any, question: str, max_turns: int = 4) -> str:
    """Answer ``question`` with an ``openai.OpenAI`` client (chat completions), running every tool call
    it asks for."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": question}]
    for _ in range(max_turns):
        answer = client.chat.completions.create(model="gpt-4o", tools=[OPENAI_WEATHER_TOOL], messages=messages)
        message = answer.choices[0].message
        if not message.tool_calls:
            return message.content or ""
        messages.append(message.model_dump(exclude_none=True))
        messages.extend({"role": "tool", "tool_call_id": call.id,
                         "content": weather_of(json.loads(call.function.arguments).get("city", ""))}
                        for call in message.tool_calls)
    raise RuntimeError(f"no final answer after {max_turns} turns")


def ask_with_sequrity(client: Any, question: str) -> str:
    """Answer ``question`` with a ``sequrity.SequrityClient`` (no tools)."""
    answer = client.control.messages.create(model="claude-sonnet-4-5", max_tokens=256,
                                            messages=[{"role": "user", "content": question}])
    return "".join(block.text for block in answer.content if block.type == "text")
