"""Schemas that ask for gigantic values (a huge ``minLength``, ``minItems``, ``minProperties``,
nested ``minItems`` or a regex repeat count) in a tool's ``input_schema`` or in
``output_config.format.schema`` get a prompt, valid answer from the real server -- a refusal or
plain text instead of a value the server cannot build -- and the server keeps answering.
No timed assertions: the client gives up after a few seconds, which fails the test."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from drivers import PATH

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer
from sequrity_contract.schemas.sse import parse_events

JSON = {"Authorization": "Bearer size-key", "Content-Type": "application/json"}
CLIENT_TIMEOUT = aiohttp.ClientTimeout(total=10)


def nested_arrays(*sizes: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer"}
    for size in reversed(sizes):
        schema = {"type": "array", "minItems": size, "items": schema}
    return schema


HUGE: dict[str, dict[str, Any]] = {
    "minLength 1e9": {"type": "string", "minLength": 1_000_000_000},
    "minItems 1e8": {"type": "array", "minItems": 100_000_000},
    "minProperties 1e7": {"type": "object", "minProperties": 10_000_000},
    "pattern a{1e8}": {"type": "string", "pattern": "^a{100000000}$"},
    "pattern (a{1000}){1000}": {"type": "string", "pattern": "^(a{1000}){1000}$"},
    "nested minItems 1000x1000x100": nested_arrays(1000, 1000, 100),
}


def tool_input(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {"value": schema}, "required": ["value"]}


def ask(**fields: Any) -> dict[str, Any]:
    return {"model": "m", "max_tokens": 200, "messages": [{"role": "user", "content": "fill it in"}], **fields}


async def _post(url: str, body: dict[str, Any]) -> tuple[int, bytes]:
    async with aiohttp.ClientSession(timeout=CLIENT_TIMEOUT) as session, \
            session.post(url, data=json.dumps(body).encode(), headers=JSON) as response:
        return response.status, await response.read()


def answer(server: MockServer, body: dict[str, Any]) -> dict[str, Any]:
    """The message the server answers ``body`` with (accumulated when streamed), checked against
    the contract for that request."""
    status, raw = asyncio.run(_post(server.url + PATH, body))
    assert status == 200, raw[:300]
    message = schemas.accumulate(parse_events(raw.decode())) if body.get("stream") else json.loads(raw)
    assert schemas.check("response", message, request=body) == [], message
    return message


@pytest.mark.parametrize("schema", list(HUGE.values()), ids=list(HUGE))
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_a_forced_tool_whose_input_would_be_gigantic_is_a_refusal(
        fuzz_server: MockServer, schema: dict[str, Any], stream: bool) -> None:
    tools = [{"name": "fill", "input_schema": tool_input(schema)}]
    message = answer(fuzz_server, ask(tools=tools, tool_choice={"type": "any"}, stream=stream))
    assert message["stop_reason"] == "refusal"
    assert "fill" in message["content"][-1]["text"]


@pytest.mark.parametrize("schema", list(HUGE.values()), ids=list(HUGE))
def test_an_optional_tool_call_that_would_be_gigantic_becomes_text(
        fuzz_server: MockServer, schema: dict[str, Any]) -> None:
    tools = [{"name": "fill", "input_schema": tool_input(schema)}]
    message = answer(fuzz_server, ask(tools=tools, tool_choice={"type": "auto"}))
    assert message["stop_reason"] != "tool_use"
    assert all(block["type"] == "text" for block in message["content"])


@pytest.mark.parametrize("schema", list(HUGE.values()), ids=list(HUGE))
def test_a_structured_output_that_would_be_gigantic_is_a_refusal(
        fuzz_server: MockServer, schema: dict[str, Any]) -> None:
    output_config = {"format": {"type": "json_schema", "schema": tool_input(schema)}}
    message = answer(fuzz_server, ask(output_config=output_config))
    assert message["stop_reason"] == "refusal"
    assert "output_config" in message["content"][0]["text"]


def test_the_server_keeps_answering_after_gigantic_schemas(fuzz_server: MockServer) -> None:
    tools = [{"name": f"fill_{i}", "input_schema": tool_input(s)} for i, s in enumerate(HUGE.values())]
    for tool in tools:
        answer(fuzz_server, ask(tools=[tool], tool_choice={"type": "tool", "name": tool["name"]}))
    message = answer(fuzz_server, ask())
    assert message["stop_reason"] == "end_turn"


def test_a_large_input_within_the_budget_is_still_generated(fuzz_server: MockServer) -> None:
    schema = tool_input({"type": "array", "minItems": 50, "items": {"type": "string", "minLength": 100}})
    body = ask(tools=[{"name": "fill", "input_schema": schema}], tool_choice={"type": "any"}, max_tokens=10_000)
    message = answer(fuzz_server, body)
    calls = [block for block in message["content"] if block["type"] == "tool_use"]
    assert message["stop_reason"] == "tool_use" and len(calls) == 1
    assert len(calls[0]["input"]["value"]) >= 50
