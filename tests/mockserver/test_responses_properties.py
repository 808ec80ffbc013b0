"""Properties of the responses endpoint through the real server: every request drawn from the
shapes clients send (text or items, function tools and their round trips, tool_choice,
text.format, reasoning, max_output_tokens, dual-LLM) gets a 200 whose response satisfies the
contract for that request, rules included, and whose stream of typed events accumulates to it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer
from sequrity_contract.schemas.responses import EVENT, REQUEST, RESPONSE, accumulate_events
from sequrity_contract.schemas.sse import parse_events

ROUTE = "/control/chat/openai/v1/responses"
words = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), min_size=1, max_size=40)
PARAMETERS = [{"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
              {"type": "object", "properties": {"n": {"type": "integer", "minimum": 0}}},
              {"type": "object", "properties": {}}]


@st.composite
def responses_requests(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(["get_weather", "get_time", "search"]), unique=True, max_size=3))
    tools = [{"type": "function", "name": name, "parameters": draw(st.sampled_from(PARAMETERS))} for name in names]
    body: dict[str, Any] = {"model": draw(st.sampled_from(["gpt-4o", "o3"]))}
    question = draw(words)
    if tools and draw(st.booleans()):  # a round trip: the call and its output
        call_id = f"call_{draw(st.integers(0, 999))}"
        body["input"] = [{"role": "user", "content": question},
                         {"type": "function_call", "call_id": call_id, "name": names[0], "arguments": "{}"},
                         {"type": "function_call_output", "call_id": call_id, "output": draw(words)}]
    else:
        body["input"] = draw(st.sampled_from([question, [{"role": "user", "content": question}],
                                              [{"type": "message", "role": "user",
                                                "content": [{"type": "input_text", "text": question}]}]]))
    if tools:
        body["tools"] = tools
        body["tool_choice"] = draw(st.sampled_from(
            ["auto", "none", "required", {"type": "function", "name": draw(st.sampled_from(names))}]))
        body["parallel_tool_calls"] = draw(st.booleans())
    if draw(st.booleans()):
        body["max_output_tokens"] = draw(st.integers(1, 64))
    if draw(st.booleans()):
        body["reasoning"] = {"effort": draw(st.sampled_from(["none", "low", "high"])),
                             **({"summary": "auto"} if draw(st.booleans()) else {})}
    fmt = draw(st.sampled_from([None, {"type": "text"}, {"type": "json_object"},
                                {"type": "json_schema", "name": "city", "schema": PARAMETERS[0]}]))
    if fmt is not None:
        body["text"] = {"format": fmt}
    return body


@pytest.fixture(scope="module")
def client() -> httpx.Client:
    with httpx.Client(timeout=10) as c:
        yield c


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=responses_requests(), dual=st.booleans())
def test_every_answer_satisfies_the_contract_and_its_stream_adds_up_to_it(
        shared_server: MockServer, client: httpx.Client, body: dict[str, Any], dual: bool) -> None:
    assert schemas.check(REQUEST, body) == []
    headers = {"Authorization": "Bearer k", **({"X-Features": json.dumps({"agent_arch": "dual-llm"})} if dual else {})}
    plain = client.post(shared_server.url + ROUTE, json=body, headers=headers)
    assert plain.status_code == 200, plain.text
    response = plain.json()
    session = plain.headers["X-Session-ID"]
    assert schemas.check(RESPONSE, response, request=body, session_id=session) == []
    assert response["usage"]["output_tokens"] <= body.get("max_output_tokens", 1 << 30)
    ends_a_loop = isinstance(body["input"], list) and body["input"][-1].get("type") == "function_call_output"
    if body.get("tool_choice") == "none" or (ends_a_loop and body.get("tool_choice") == "auto"):
        assert all(item["type"] != "function_call" for item in response["output"])
    streamed = client.post(shared_server.url + ROUTE, json={**body, "stream": True},
                           headers={**headers, "X-Session-ID": session})
    assert streamed.status_code == 200 and streamed.headers["Content-Type"].startswith("text/event-stream")
    events = parse_events(streamed.content)
    assert all(schemas.validate(EVENT, event) == [] for event in events)
    assert accumulate_events(events) == response
