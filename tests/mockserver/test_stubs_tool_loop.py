"""A scripted two-step agent tool loop: a sequence stub answers a tool call first and the final
answer once the tool result comes back, with the official client and with the anthropic SDK."""

from __future__ import annotations

from typing import Any

import anthropic
from sequrity import SequrityClient

from sequrity_contract.mockserver import MockServer

WEATHER = {"name": "get_weather", "input_schema": {
    "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
LOOP = {"id": "weather-loop", "match": {"where": [{"path": "$.tools[0].name", "equals": "get_weather"}]},
        "sequence": [
            {"message": {"content": [{"type": "text", "text": "Let me check."},
                                     {"type": "tool_use", "name": "get_weather", "input": {"city": "Oslo"}}]}},
            {"message": {"content": "It is 12 degrees in Oslo."}}]}


def run_loop(client: SequrityClient) -> tuple[Any, Any]:
    messages: list[dict[str, Any]] = [{"role": "user", "content": "Weather in Oslo?"}]
    first = client.control.messages.create(messages=messages, model="m", max_tokens=200, tools=[WEATHER])
    call = first.content[-1]
    assert (first.stop_reason, call.type, call.input) == ("tool_use", "tool_use", {"city": "Oslo"})
    messages += [{"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
                 {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "12C"}]}]
    final = client.control.messages.create(messages=messages, model="m", max_tokens=200, tools=[WEATHER])
    return first, final


def test_the_official_client_completes_a_scripted_tool_loop(server: MockServer) -> None:
    stub = server.stub(LOOP)
    first, final = run_loop(SequrityClient(api_key="k", base_url=server.url))
    assert final.stop_reason == "end_turn"
    assert final.content[0].text == "It is 12 degrees in Oslo."
    assert final.session_id == first.session_id
    assert first.content[-1].id.startswith(f"tc-{first.session_id}-")
    assert [c["session_id"] for c in stub.calls] == [first.session_id] * 2


def test_parallel_sessions_run_their_own_scenarios_with_session_scope(server: MockServer) -> None:
    server.stub({**LOOP, "scope": "session"})
    alice = SequrityClient(api_key="k", base_url=server.url)
    bob = SequrityClient(api_key="k", base_url=server.url)
    alice_first, alice_final = run_loop(alice)
    bob_first, bob_final = run_loop(bob)
    assert alice_first.session_id != bob_first.session_id
    assert alice_final.content[0].text == bob_final.content[0].text == "It is 12 degrees in Oslo."


def test_the_sdk_continues_the_scenario_through_the_tool_result_session(server: MockServer) -> None:
    server.stub(LOOP)
    client = anthropic.Anthropic(base_url=f"{server.url}/control/chat/anthropic", auth_token="k",
                                 default_headers={"X-Api-Key": "llm"}, max_retries=0)
    messages: list[Any] = [{"role": "user", "content": "Weather in Oslo?"}]
    with client.messages.stream(model="m", max_tokens=200, tools=[WEATHER], messages=messages) as stream:
        first = stream.get_final_message()
    call = first.content[-1]
    assert call.type == "tool_use"
    messages += [{"role": "assistant", "content": first.content},
                 {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "12C"}]}]
    final = client.messages.create(model="m", max_tokens=200, tools=[WEATHER], messages=messages)
    assert final.content[0].text == "It is 12 degrees in Oslo."
    assert [e["stub"] for e in server.requests] == ["weather-loop"] * 2
