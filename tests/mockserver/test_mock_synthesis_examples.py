"""The synthesis rules, one specific case each, through the real server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mock_helpers import post

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer
from sequrity_contract.mockserver.synthesis.prose import count_tokens

WEATHER = {
    "name": "get_weather",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
        "required": ["city", "unit"],
    },
}
CLOCK = {"name": "get_time", "input_schema": {"type": "object", "properties": {"zone": {"type": "string"}}}}


def ask(
    server: MockServer,
    text: str = "What is the weather in Paris?",
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> tuple[dict[str, Any], str]:
    body = {
        "model": "claude-test",
        "max_tokens": 400,
        "messages": [{"role": "user", "content": text}],
        **fields,
    }
    answer = post(server.messages_url(), body, headers)
    assert answer.status == 200, answer.body
    message, session = answer.json(), answer.headers["X-Session-ID"]
    assert schemas.check("response", message, request=body, session_id=session) == []
    return message, session


def kinds(message: dict[str, Any]) -> list[str]:
    return [b["type"] for b in message["content"]]


def test_text_mentions_words_of_the_last_user_message(server: MockServer) -> None:
    message, _ = ask(server, "Tell me about pelicans and harbours")
    assert message["stop_reason"] == "end_turn"
    assert "pelicans" in message["content"][0]["text"]
    assert "harbours" in message["content"][0]["text"]


def test_usage_counts_one_token_per_four_characters(server: MockServer) -> None:
    message, _ = ask(server)
    assert message["usage"]["output_tokens"] == count_tokens(message["content"][0]["text"])
    assert message["usage"]["input_tokens"] > 0


@pytest.mark.parametrize("max_tokens", [1, 3, 7])
def test_max_tokens_truncates_the_text(server: MockServer, max_tokens: int) -> None:
    message, _ = ask(server, max_tokens=max_tokens)
    assert message["stop_reason"] == "max_tokens"
    assert message["usage"]["output_tokens"] == max_tokens
    assert len(message["content"][0]["text"]) <= 4 * max_tokens


def test_a_requested_stop_sequence_is_hit_and_reported(server: MockServer) -> None:
    message, _ = ask(server, stop_sequences=["STOP-HERE"])
    assert message["stop_reason"] == "stop_sequence"
    assert message["stop_sequence"] == "STOP-HERE"
    assert "STOP-HERE" not in message["content"][0]["text"]


def test_the_earliest_stop_sequence_wins(server: MockServer) -> None:
    message, _ = ask(server, "pelicans", stop_sequences=["zzz-never", "pelicans"])
    assert message["stop_sequence"] == "pelicans"
    assert "pelicans" not in message["content"][0]["text"]


def test_tool_choice_any_forces_a_valid_tool_call(server: MockServer) -> None:
    message, session = ask(server, tools=[WEATHER], tool_choice={"type": "any"})
    assert message["stop_reason"] == "tool_use"
    call = message["content"][-1]
    assert call["name"] == "get_weather"
    assert call["input"]["unit"] in ("c", "f")
    assert call["id"].startswith(f"tc-{session}-")


def test_tool_choice_any_with_no_callable_tool_answers_in_text(server: MockServer) -> None:
    """A free-form tool object without a name (the request document admits it) cannot be called:
    the answer is text, and the contract does not ask for a tool_use block (found by the OpenAPI fuzz)."""
    body = {"model": "claude-test", "max_tokens": 400, "messages": [{"role": "user", "content": "hi"}],
            "tool_choice": {"type": "any"}, "tools": [{}]}
    message, session = ask(server, "hi", tools=[{}], tool_choice={"type": "any"})
    assert kinds(message) == ["text"]
    assert schemas.check("response", message, request=body, session_id=session) == []


def test_tool_choice_tool_calls_the_named_tool(server: MockServer) -> None:
    message, _ = ask(server, tools=[WEATHER, CLOCK], tool_choice={"type": "tool", "name": "get_time"})
    assert [b["name"] for b in message["content"] if b["type"] == "tool_use"] == ["get_time"]


def test_tool_choice_none_forbids_tool_calls(server: MockServer) -> None:
    message, _ = ask(server, tools=[WEATHER], tool_choice={"type": "none"})
    assert "tool_use" not in kinds(message)
    assert message["stop_reason"] == "end_turn"


def test_disable_parallel_tool_use_limits_to_one_call(server: MockServer) -> None:
    for word in ("alpha", "beta", "gamma", "delta", "epsilon", "zeta"):
        message, _ = ask(
            server,
            word,
            tools=[WEATHER, CLOCK],
            tool_choice={"type": "any", "disable_parallel_tool_use": True},
        )
        assert kinds(message).count("tool_use") == 1


def test_auto_calls_a_tool_then_answers_the_tool_result_with_text(server: MockServer) -> None:
    first, session = ask(server, tools=[WEATHER])
    call = first["content"][-1]
    assert call["type"] == "tool_use"
    follow_up = {
        "model": "claude-test",
        "max_tokens": 400,
        "tools": [WEATHER],
        "messages": [
            {"role": "user", "content": "What is the weather in Paris?"},
            {"role": "assistant", "content": first["content"]},
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": call["id"], "content": "sunny"}],
            },
        ],
    }
    answer = post(server.messages_url(), follow_up)
    assert answer.headers["X-Session-ID"] == session  # resolved from the tool_result id
    message = answer.json()
    assert kinds(message) == ["text"]
    assert message["stop_reason"] == "end_turn"
    assert "sunny" in message["content"][0]["text"]


def test_a_forced_tool_whose_schema_has_no_value_is_a_refusal(server: MockServer) -> None:
    impossible = {
        "name": "never",
        "input_schema": {
            "type": "object",
            "properties": {"x": {"type": "integer"}},
            "required": ["x"],
            "not": {"required": ["x"]},
        },
    }
    message, _ = ask(server, tools=[impossible], tool_choice={"type": "any"})
    assert message["stop_reason"] == "refusal"
    assert "tool_use" not in kinds(message)


@pytest.mark.parametrize("thinking", [{"type": "enabled", "budget_tokens": 1024}, {"type": "adaptive"}])
def test_thinking_comes_first_and_streams_as_thinking_and_signature_deltas(
    server: MockServer, thinking: dict[str, Any]
) -> None:
    body = {
        "model": "m",
        "max_tokens": 2000,
        "thinking": thinking,
        "stream": True,
        "messages": [{"role": "user", "content": "ponder owls"}],
    }
    events = post(server.messages_url(), body).events()
    message = schemas.accumulate(events)
    assert kinds(message)[0] == "thinking"
    assert "owls" in message["content"][0]["text"]
    deltas = [e["delta"]["type"] for e in events if e["type"] == "content_block_delta" and e["index"] == 0]
    assert deltas[-1] == "signature_delta"
    assert set(deltas[:-1]) == {"thinking_delta"}


def test_structured_output_is_json_valid_against_the_schema(server: MockServer) -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
        "required": ["name", "age"],
        "additionalProperties": False,
    }
    message, _ = ask(server, output_config={"format": {"type": "json_schema", "schema": schema}})
    document = json.loads(message["content"][0]["text"])
    assert schemas.user_schema_violations(schema, document) == []


def test_dual_llm_text_is_the_result_document(server: MockServer) -> None:
    message, _ = ask(
        server, "summarise the quarterly report", headers={"X-Features": '{"agent_arch": "dual-llm"}'}
    )
    document = json.loads(message["content"][0]["text"])
    assert document["status"] == "success"
    assert "quarterly" in document["final_return_value"]["value"]
    assert document["error"] is None
    assert "final_return_value" in document["program"]


def test_the_dual_llm_document_reads_as_the_official_clients_result_model(server: MockServer) -> None:
    from sequrity.control.types.dual_llm_response import ResponseContentJsonSchema

    message, _ = ask(server, "summarise the quarterly report", headers={"X-Features": '{"agent_arch": "dual-llm"}'})
    parsed = ResponseContentJsonSchema.parse_json_safe(message["content"][0]["text"])
    assert parsed.status == "success"
    assert parsed.final_return_value is not None and "quarterly" in parsed.final_return_value.value


def test_streamed_text_is_cut_into_chunk_size_deltas() -> None:
    with MockServer(chunk_size=5) as server:
        body = {
            "model": "m",
            "max_tokens": 400,
            "stream": True,
            "messages": [{"role": "user", "content": "hello"}],
        }
        events = post(server.messages_url(), body).events()
    pieces = [e["delta"]["text"] for e in events if e["type"] == "content_block_delta"]
    assert all(len(p) <= 5 for p in pieces)
    assert all(len(p) == 5 for p in pieces[:-1])


def test_anthropic_dialect_adds_ping_events() -> None:
    with MockServer(dialect="anthropic") as server:
        body = {
            "model": "m",
            "max_tokens": 50,
            "stream": True,
            "messages": [{"role": "user", "content": "hi"}],
        }
        events = post(server.messages_url(), body).events()
    assert [e["type"] for e in events][:2] == ["message_start", "ping"]
    assert schemas.accumulate(events, dialect="anthropic")["type"] == "message"


def test_sequrity_dialect_has_exactly_the_six_event_types(server: MockServer) -> None:
    body = {"model": "m", "max_tokens": 50, "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    answer = post(server.messages_url(), body)
    types = {e["type"] for e in answer.events()}
    assert types == {
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    }
    for chunk in answer.body.split(b"\n\n")[:-1]:
        event_line, data_line = chunk.split(b"\n")
        assert event_line.startswith(b"event: ") and data_line.startswith(b"data: ")
        assert json.loads(data_line[6:])["type"] == event_line[7:].decode()
