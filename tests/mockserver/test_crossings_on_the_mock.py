"""Drawn policy crossings (``strategies.crossings``) sent to the real mock on every endpoint that has
tool calls: the mock reads the sink's arguments from the request and makes the crossing's call, which
its policy enforcement refuses; the twin's call goes out as drawn."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from sequrity_contract import schemas, strategies
from sequrity_contract.mockserver import MockServer
from sequrity_contract.schemas.tool_calls import ToolCall
from sequrity_contract.strategies import Crossing

ENDPOINTS = ["messages", "chat_completions", "responses"]
TURNS = {"messages": "messages", "chat_completions": "messages", "responses": "input"}
"""Where each endpoint's body holds the conversation."""


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(crossing=strategies.crossings())
def test_the_mock_refuses_the_crossing_and_makes_the_twin_call(server: MockServer, endpoint: str,
                                                               crossing: Crossing) -> None:
    server.clear()  # drawn session ids repeat across examples: each example starts with no session state
    described = schemas.ENDPOINTS[endpoint]
    assert described.tool_calls is not None
    url = f"{server.url}/control/chat/openai{described.path}"
    headers = {"Authorization": "Bearer k", **crossing.headers()}
    body = crossing.body(endpoint)
    body[TURNS[endpoint]] = body[TURNS[endpoint]][:1]  # the request alone: the mock calls the source first
    first = httpx.post(url, json=body, headers=headers, timeout=10)
    [source] = [item for item in crossing.history if isinstance(item, ToolCall)]
    assert [(call.name, call.arguments) for call in described.tool_calls.calls(first.json())] == [
        (source.name, source.arguments)]
    for side in (crossing, crossing.twin):
        answer = httpx.post(url, json=side.body(endpoint), timeout=10,
                            headers={"Authorization": "Bearer k", **side.headers()})
        assert answer.status_code == 200, answer.text
        calls = [(call.name, call.arguments) for call in described.tool_calls.calls(answer.json())]
        [decision] = server.requests[-1]["policy"]
        assert (decision["tool"], decision["allowed"]) == (side.sink, side.expected_allowed)
        if side.expected_allowed:
            assert calls == [(side.call.name, side.call.arguments)]
        else:
            assert calls == []
            assert f"'{side.sink}' is denied" in json.dumps(answer.json())
