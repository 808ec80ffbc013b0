"""The ``anthropic`` SDK, unchanged, against the real mock server (docs/contract.md §1)."""

from __future__ import annotations

import anthropic
import pytest

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer

WEATHER = {
    "name": "get_weather",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


def sdk(server: MockServer, key: str = "k") -> anthropic.Anthropic:
    return anthropic.Anthropic(
        base_url=f"{server.url}/control/chat/anthropic",
        auth_token=key,
        default_headers={"X-Api-Key": "llm-key"},
        max_retries=0,
    )


def test_messages_create(server: MockServer) -> None:
    message = sdk(server).messages.create(
        model="claude-test", max_tokens=100, messages=[{"role": "user", "content": "Hello pelicans"}]
    )
    assert message.type == "message"
    assert message.stop_reason == "end_turn"
    assert "pelicans" in message.content[0].text
    (entry,) = server.requests
    assert entry["provider"] == "anthropic"
    assert entry["headers"]["Authorization"] == "<redacted>"
    assert entry["headers"]["X-Api-Key"] == "<redacted>"


def test_stream_final_message_equals_the_plain_answer(server: MockServer) -> None:
    client = sdk(server)
    session = "0b3c9a52-2f4e-4d7c-9a51-3c1e6f0d2b8a"
    request = {
        "model": "claude-test",
        "max_tokens": 300,
        "tools": [WEATHER],
        "messages": [{"role": "user", "content": "weather in Oslo?"}],
        "extra_headers": {"X-Session-ID": session},
    }
    plain = client.messages.create(**request)
    with client.messages.stream(**request) as stream:
        final = stream.get_final_message()
    assert final.model_dump(exclude_none=True) == plain.model_dump(exclude_none=True)
    assert final.stop_reason == "tool_use"
    assert final.content[-1].id.startswith(f"tc-{session}-")
    assert final.content[-1].input["city"] == plain.content[-1].input["city"]


def test_sdk_raises_the_contract_error_type(server: MockServer) -> None:
    with pytest.raises(anthropic.BadRequestError) as raised:
        sdk(server).messages.create(
            model="m",
            max_tokens=100,
            extra_body={"temperature": 3},
            messages=[{"role": "user", "content": "x"}],
        )
    assert raised.value.status_code == 400
    assert raised.value.body["error"]["type"] == "invalid_request_error"
    assert "$.temperature" in raised.value.body["error"]["message"]
    assert schemas.check("error", raised.value.body, status=400) == []


def test_sdk_sees_401_as_authentication_error() -> None:
    with MockServer(api_keys=("good",)) as server, pytest.raises(anthropic.AuthenticationError):
        sdk(server, key="bad").messages.create(
            model="m", max_tokens=10, messages=[{"role": "user", "content": "x"}]
        )


def test_anthropic_dialect_stream_with_pings() -> None:
    with (
        MockServer(dialect="anthropic") as server,
        sdk(server).messages.stream(
            model="m",
            max_tokens=2000,
            thinking={"type": "enabled", "budget_tokens": 1024},
            messages=[{"role": "user", "content": "think"}],
        ) as stream,
    ):
        final = stream.get_final_message()
    assert [b.type for b in final.content] == ["thinking", "text"]
