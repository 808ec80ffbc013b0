"""The official ``sequrity`` client (``client.control.chat.create``) and the OpenAI Python SDK
(``chat.completions.create`` with ``base_url`` at the mock), both unchanged, against the real mock
server: plain and streamed completions, tools and a tool-result turn, the dual-LLM features header."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer

sequrity = pytest.importorskip("sequrity", reason="the clients extra installs the official client")
openai = pytest.importorskip("openai", reason="the clients extra installs the OpenAI SDK")

from sequrity import SequrityClient  # noqa: E402
from sequrity._exceptions import SequrityAPIError  # noqa: E402
from sequrity.control.types.headers import FeaturesHeader  # noqa: E402

HELLO = [{"role": "user", "content": "Hello from the chat client"}]
WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Current weather",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


def _plain(model: Any) -> dict[str, Any]:
    """A pydantic completion as the JSON it was read from (without the client's session_id)."""
    dumped: dict[str, Any] = model.model_dump(mode="json", exclude_none=True, exclude={"session_id"})
    return dumped


def _official(server: MockServer) -> SequrityClient:
    return SequrityClient(api_key="k", base_url=server.url)


def _openai(server: MockServer, endpoint_type: str = "chat", provider: str | None = "openai") -> Any:
    middle = f"{endpoint_type}/{provider}" if provider else endpoint_type
    return openai.OpenAI(base_url=f"{server.url}/control/{middle}/v1", api_key="sk-llm", max_retries=0)


# -- the official client ---------------------------------------------------------------------------


def test_the_official_client_gets_a_valid_completion_with_its_session(server: MockServer) -> None:
    response = _official(server).control.chat.create(messages=HELLO, model="gpt-4o", provider="openai")
    assert response.session_id is not None and uuid.UUID(response.session_id)
    assert response.object == "chat.completion" and response.choices[0].finish_reason == "stop"
    assert "chat" in (response.choices[0].message.content or "")
    [entry] = server.requests
    assert entry["endpoint"] == "chat_completions" and entry["path"] == "/control/chat/openai/v1/chat/completions"
    assert schemas.check("chat.response", _plain(response), request=entry["body"],
                         session_id=response.session_id) == []


def test_the_official_client_streams_what_it_gets_plain(server: MockServer) -> None:
    client = _official(server)
    plain = client.control.chat.create(messages=HELLO, model="gpt-4o")
    with client.control.chat.create(messages=HELLO, model="gpt-4o", stream=True) as stream:
        chunks = [chunk.model_dump(mode="json", exclude_none=True) for chunk in stream]
    assert stream.session_id == plain.session_id
    assert all(chunk["object"] == "chat.completion.chunk" for chunk in chunks)
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == plain.choices[0].message.content
    assert chunks[-1]["usage"] == _plain(plain)["usage"]


def test_the_official_client_runs_a_tool_loop(server: MockServer) -> None:
    client = _official(server)
    first = client.control.chat.create(messages=HELLO, model="gpt-4o", tools=[WEATHER])
    assert first.choices[0].finish_reason == "tool_calls"
    [call] = first.choices[0].message.tool_calls or []
    assert call.id.startswith(f"tc-{first.session_id}-")
    assert json.loads(call.function.arguments).keys() == {"city"}
    history = [*HELLO, first.choices[0].message.model_dump(exclude_none=True),
               {"role": "tool", "tool_call_id": call.id, "content": "sunny, 21 C"}]
    second = client.control.chat.create(messages=history, model="gpt-4o", tools=[WEATHER])
    assert second.session_id == first.session_id
    assert second.choices[0].finish_reason == "stop" and "sunny" in (second.choices[0].message.content or "")


def test_the_official_client_streams_tool_calls_with_incremental_arguments() -> None:
    with MockServer(seed=2, json_chunk_size=4) as server, _official(server).control.chat.create(
            messages=HELLO, model="gpt-4o", tools=[WEATHER], stream=True) as stream:
        chunks = [chunk.model_dump(mode="json", exclude_none=True) for chunk in stream]
    deltas = [call for c in chunks if c["choices"] for call in c["choices"][0]["delta"].get("tool_calls", [])]
    assert deltas[0]["id"].startswith(f"tc-{stream.session_id}-") and deltas[0]["function"]["arguments"] == ""
    assert len(deltas) > 2  # the arguments arrive in pieces
    arguments = "".join(d["function"].get("arguments", "") for d in deltas)
    assert json.loads(arguments).keys() == {"city"}
    assert [c["choices"][0].get("finish_reason") for c in chunks if c["choices"]][-1] == "tool_calls"


def test_the_official_client_with_the_dual_llm_features_gets_the_result_document(server: MockServer) -> None:
    response = _official(server).control.chat.create(messages=HELLO, model="gpt-4o",
                                                     features=FeaturesHeader.dual_llm())
    document = json.loads(response.choices[0].message.content or "")
    assert document["status"] == "success" and isinstance(document["final_return_value"]["value"], str)
    assert json.loads(server.requests[-1]["headers"]["X-Features"])["agent_arch"] == "dual-llm"


@pytest.mark.parametrize(("endpoint_type", "provider"),
                         [("code", "openai"), ("agent", None), ("lang-graph", "sequrity_azure"),
                          ("chat", "openrouter")])
def test_every_endpoint_type_and_provider_answers_the_official_client(
    server: MockServer, endpoint_type: str, provider: str | None
) -> None:
    response = _official(server).control.chat.create(messages=HELLO, model="m", endpoint_type=endpoint_type,
                                                     provider=provider)
    assert response.object == "chat.completion"


def test_the_official_client_reads_a_400_naming_the_field(server: MockServer) -> None:
    with pytest.raises(SequrityAPIError) as raised:
        _official(server).control.chat.create(messages=HELLO, model="m", temperature=3)
    assert raised.value.status_code == 400 and "$.temperature" in str(raised.value)


# -- the OpenAI SDK --------------------------------------------------------------------------------


def test_the_openai_sdk_gets_a_completion(server: MockServer) -> None:
    completion = _openai(server).chat.completions.create(model="gpt-4o", messages=HELLO)
    assert completion.choices[0].message.role == "assistant" and completion.choices[0].message.content
    assert completion.usage is not None
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens
    assert server.requests[-1]["status"] == 200


def test_the_openai_sdk_streams_and_its_chunks_add_up_to_the_completion(server: MockServer) -> None:
    client = _openai(server, "code", None)
    plain = client.chat.completions.create(model="gpt-4o", messages=HELLO)
    stream = client.chat.completions.create(model="gpt-4o", messages=HELLO, stream=True,
                                            stream_options={"include_usage": True})
    chunks = [chunk.model_dump(mode="json", exclude_unset=True) for chunk in stream]
    assert schemas.accumulate_chunks(chunks) == plain.model_dump(mode="json", exclude_unset=True)


def test_the_openai_sdk_runs_tools_plain_and_streamed(server: MockServer) -> None:
    client = _openai(server)
    first = client.chat.completions.create(model="gpt-4o", messages=HELLO, tools=[WEATHER], tool_choice="required",
                                           parallel_tool_calls=False)
    [call] = first.choices[0].message.tool_calls or []
    history = [*HELLO, first.choices[0].message.model_dump(exclude_none=True),
               {"role": "tool", "tool_call_id": call.id, "content": "rain"}]
    with client.chat.completions.stream(model="gpt-4o", messages=history, tools=[WEATHER]) as stream:
        final = stream.get_final_completion()
    assert final.choices[0].finish_reason == "stop" and "rain" in (final.choices[0].message.content or "")
    assert server.requests[-1]["session_id"] == call.id[3:39]  # the session the tool call id embeds


def test_the_openai_sdk_stream_helper_accumulates_streamed_tool_calls(server: MockServer) -> None:
    with _openai(server).chat.completions.stream(model="gpt-4o", messages=HELLO, tools=[WEATHER],
                                                 tool_choice={"type": "function",
                                                              "function": {"name": "get_weather"}}) as stream:
        final = stream.get_final_completion()
    [call] = final.choices[0].message.tool_calls or []
    assert call.function.name == "get_weather" and json.loads(call.function.arguments).keys() == {"city"}


def test_the_openai_sdk_structured_output_is_valid_against_its_schema(server: MockServer) -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
              "required": ["city", "days"], "additionalProperties": False}
    completion = _openai(server).chat.completions.create(
        model="gpt-4o", messages=HELLO,
        response_format={"type": "json_schema", "json_schema": {"name": "trip", "schema": schema, "strict": True}})
    answer = json.loads(completion.choices[0].message.content or "")
    assert set(answer) == {"city", "days"} and isinstance(answer["days"], int)


def test_the_openai_sdk_reads_the_error_body(server: MockServer) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        _openai(server).chat.completions.create(model="gpt-4o", messages=[])
    assert "$.messages" in str(raised.value)
    with pytest.raises(openai.NotFoundError, match="unknown provider 'anthropic'"):
        _openai(server, "chat", "anthropic").chat.completions.create(model="gpt-4o", messages=HELLO)
