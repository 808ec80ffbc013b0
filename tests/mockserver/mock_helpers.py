"""Helpers shared by the mock-server tests: raw HTTP calls and a strategy of valid requests."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import aiohttp
from hypothesis import strategies as st

from sequrity_contract.schemas.sse import parse_events

AUTH = {"Authorization": "Bearer test-key"}


@dataclass
class RawAnswer:
    """What a raw HTTP call got back."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def events(self) -> list[dict[str, Any]]:
        return parse_events(self.body)


async def send(
    method: str,
    url: str,
    *,
    data: bytes | None = None,
    json_body: Any = None,
    headers: dict[str, str] | None = None,
) -> RawAnswer:
    """One request through a fresh aiohttp client session."""
    async with aiohttp.ClientSession() as session:
        payload = json.dumps(json_body).encode() if json_body is not None else data
        request_headers = {"Content-Type": "application/json", **(headers or {})}
        async with session.request(method, url, data=payload, headers=request_headers) as response:
            return RawAnswer(response.status, dict(response.headers), await response.read())


def call(method: str, url: str, **kwargs: Any) -> RawAnswer:
    """:func:`send`, from synchronous code."""
    return asyncio.run(send(method, url, **kwargs))


def post(url: str, body: Any, headers: dict[str, str] | None = None) -> RawAnswer:
    """POST ``body`` as JSON with a bearer key (plus ``headers``)."""
    return call("POST", url, json_body=body, headers={**AUTH, **(headers or {})})


# -- a strategy of valid requests ----------------------------------------------------------

WORDS = ["weather", "Paris", "invoice", "deploy", "banana", "report", "tomorrow", "answer", "mock", "the"]

_SCHEMAS = st.sampled_from(
    [
        {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        {
            "type": "object",
            "properties": {"n": {"type": "integer", "minimum": 1, "maximum": 9}, "flag": {"type": "boolean"}},
            "required": ["n", "flag"],
        },
        {
            "type": "object",
            "properties": {
                "unit": {"enum": ["c", "f"]},
                "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            },
            "required": ["unit", "tags"],
            "additionalProperties": False,
        },
        {"type": "object"},
    ]
)


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    """Valid messages requests (schema and semantic rules) covering tools, tool_choice, thinking,
    stop sequences, structured output and tool-result follow-ups."""
    text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=6)))
    max_tokens = draw(st.one_of(st.integers(1, 400), st.integers(1025, 3000)))
    body: dict[str, Any] = {
        "model": "claude-test",
        "max_tokens": max_tokens,
        "messages": [{"role": "user", "content": text or "?"}],
    }
    names = draw(st.lists(st.sampled_from(["lookup", "search", "calc"]), max_size=3, unique=True))
    if names:
        body["tools"] = [{"name": n, "input_schema": draw(_SCHEMAS)} for n in names]
        choice = draw(st.sampled_from(["auto", "any", "tool", "none", None]))
        if choice is not None:
            body["tool_choice"] = {"type": choice}
            if choice == "tool":
                body["tool_choice"]["name"] = draw(st.sampled_from(names))
            if choice != "none" and draw(st.booleans()):
                body["tool_choice"]["disable_parallel_tool_use"] = True
        if draw(st.booleans()):  # a follow-up turn answering a previous tool call
            call_id = "tc-11111111-2222-4333-8444-555555555555-66666666-7777-4888-8999-000000000000"
            body["messages"] += [
                {
                    "role": "assistant",
                    "content": [{"type": "tool_use", "id": call_id, "name": names[0], "input": {}}],
                },
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": call_id,
                            "content": draw(st.sampled_from(WORDS)),
                        }
                    ],
                },
            ]
    thinking = draw(st.sampled_from(["enabled", "adaptive", "disabled", None]))
    if thinking == "enabled" and max_tokens > 1025:
        body["thinking"] = {"type": "enabled", "budget_tokens": draw(st.integers(1024, max_tokens - 1))}
    elif thinking in ("adaptive", "disabled"):
        body["thinking"] = {"type": thinking}
    if draw(st.booleans()):
        body["stop_sequences"] = draw(st.lists(st.sampled_from([*WORDS, ".", " ", "\n", "zzz"]), max_size=3))
    if draw(st.integers(0, 4)) == 0:
        body["output_config"] = {"format": {"type": "json_schema", "schema": draw(_SCHEMAS)}}
    if draw(st.booleans()):
        body["temperature"] = draw(st.floats(0, 1))
    return body


features_headers = st.sampled_from([None, {"agent_arch": "dual-llm"}, {"agent_arch": "single-llm"}])
