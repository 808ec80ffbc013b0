"""The official ``sequrity`` client, unchanged, against the real mock server."""

from __future__ import annotations

import json
import uuid

import pytest
from sequrity import AsyncSequrityClient, SequrityClient
from sequrity._exceptions import SequrityAPIError

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer

HELLO = [{"role": "user", "content": "Hello from the official client"}]


def test_create_returns_a_validated_message_with_its_session(server: MockServer) -> None:
    client = SequrityClient(api_key="k", base_url=server.url)
    response = client.control.messages.create(messages=HELLO, model="claude-test", max_tokens=100)
    assert response.session_id is not None and uuid.UUID(response.session_id)
    message = response.model_dump(exclude={"session_id"}, exclude_none=True)
    assert schemas.validate("response", message) == []
    assert "official" in response.content[0].text


def test_the_client_continues_its_session_across_calls(server: MockServer) -> None:
    client = SequrityClient(api_key="k", base_url=server.url)
    first = client.control.messages.create(messages=HELLO, model="m", max_tokens=50)
    second = client.control.messages.create(messages=HELLO, model="m", max_tokens=50)
    assert first.session_id == second.session_id
    (session,) = server.sessions
    assert session["id"] == first.session_id
    assert session["requests"] == 2
    assert [r["headers"].get("X-Session-ID") for r in server.requests] == [None, first.session_id]


def test_streaming_accumulates_to_the_plain_answer(server: MockServer) -> None:
    client = SequrityClient(api_key="k", base_url=server.url)
    plain = client.control.messages.create(messages=HELLO, model="m", max_tokens=100)
    stream = client.control.messages.create(messages=HELLO, model="m", max_tokens=100, stream=True)
    with stream:
        events = [event.model_dump(exclude_none=True) for event in stream]
    assert stream.session_id == plain.session_id
    streamed = schemas.accumulate(events)
    assert streamed["content"] == plain.model_dump(exclude_none=True)["content"]
    assert streamed["stop_reason"] == plain.stop_reason


@pytest.mark.parametrize(
    ("endpoint_type", "provider"), [("code", "openai"), ("agent", None), ("lang-graph", "sequrity_azure")]
)
def test_every_endpoint_type_and_provider_route_answers(
    server: MockServer, endpoint_type: str, provider: str | None
) -> None:
    client = SequrityClient(api_key="k", base_url=server.url)
    response = client.control.messages.create(
        messages=HELLO, model="m", max_tokens=20, endpoint_type=endpoint_type, provider=provider
    )
    assert response.type == "message"
    (entry,) = server.requests
    assert (entry["endpoint_type"], entry["provider"]) == (endpoint_type, provider)


def test_errors_raise_with_status_and_the_contract_message(server: MockServer) -> None:
    client = SequrityClient(api_key="k", base_url=server.url)
    with pytest.raises(SequrityAPIError) as raised:
        client.control.messages.create(
            messages=HELLO,
            model="m",
            max_tokens=100,
            custom_headers={"X-Config": '{"fsm": {"max_n_turns": 0}}'},
        )
    assert raised.value.status_code == 400
    assert "X-Config header: $.fsm.max_n_turns" in raised.value.message


def test_a_refused_key_raises_401() -> None:
    with MockServer(api_keys=("right",)) as server:
        client = SequrityClient(api_key="wrong", base_url=server.url)
        with pytest.raises(SequrityAPIError) as raised:
            client.control.messages.create(messages=HELLO, model="m", max_tokens=10)
    assert raised.value.status_code == 401


@pytest.mark.anyio
async def test_async_client_plain_and_streaming() -> None:
    async with MockServer() as server:
        client = AsyncSequrityClient(api_key="k", base_url=server.url)
        plain = await client.control.messages.create(messages=HELLO, model="m", max_tokens=80)
        stream = await client.control.messages.create(messages=HELLO, model="m", max_tokens=80, stream=True)
        async with stream:
            events = [event.model_dump(exclude_none=True) async for event in stream]
        assert stream.session_id == plain.session_id
        assert schemas.accumulate(events)["content"] == plain.model_dump(exclude_none=True)["content"]
        with pytest.raises(SequrityAPIError) as raised:
            await client.control.messages.create(
                messages=[{"role": "assistant", "content": "x"}], model="m", max_tokens=10
            )
        assert raised.value.status_code == 400
        assert "$.messages[0].role" in raised.value.message
        assert len(server.requests) == 3
        await client.close()


def test_the_clients_own_dual_llm_headers_are_accepted(server: MockServer) -> None:
    from sequrity.control import FeaturesHeader, SecurityPolicyHeader

    client = SequrityClient(api_key="k", base_url=server.url)
    response = client.control.messages.create(
        messages=HELLO,
        model="m",
        max_tokens=300,
        features=FeaturesHeader.dual_llm(),
        security_policy=SecurityPolicyHeader.dual_llm(),
    )
    document = json.loads(response.content[0].text)
    assert document["status"] == "success"
    (entry,) = server.requests
    assert "X-Features" in entry["headers"] and "X-Policy" in entry["headers"]
