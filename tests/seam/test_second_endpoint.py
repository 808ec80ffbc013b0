"""A second endpoint, registered from its own module only (``echo_endpoint``), gets everything the
messages endpoint has: routes, validation with errors naming the JSON path, the journal, SSE in its
own format, stubs, faults, and record/replay. Nothing outside that module knows about it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import echo_endpoint
import pytest
import requests

from sequrity_contract.contract_tests.client import ReferenceClient, StreamError
from sequrity_contract.contract_tests.client.transport import FunctionTransport, HttpRequest, HttpResponse
from sequrity_contract.mockserver import MockServer
from sequrity_contract.schemas.sse import DATA_ONLY, parse_events, parse_sse

KEY = {"Authorization": "Bearer k"}
BODY = {"model": "m", "text": "hello seam"}


@pytest.fixture(scope="module")
def echo() -> Iterator[None]:
    """The echo endpoint, registered for this module's tests."""
    echo_endpoint.register()
    yield
    echo_endpoint.unregister()


@pytest.fixture
def server(echo: None) -> Iterator[MockServer]:
    with MockServer(seed=3, chunk_size=4) as server:
        yield server


def post(server: MockServer, body: Any, headers: dict[str, str] | None = None,
         path: str = "/control/code/openai/v1/echo") -> requests.Response:
    return requests.post(server.url + path, json=body, headers={**KEY, **(headers or {})}, timeout=10)


def test_the_endpoint_gets_its_routes_and_its_synthesizer_answers(server: MockServer) -> None:
    assert server.endpoint_url("echo", "code", "openai") == server.url + "/control/code/openai/v1/echo"
    response = post(server, BODY)
    assert response.status_code == 200
    assert response.json() == {"id": "echo-10", "object": "echo", "model": "m", "text": "HELLO SEAM"}
    assert response.headers["X-Session-ID"]
    [entry] = server.requests
    assert (entry["endpoint"], entry["endpoint_type"], entry["provider"]) == ("echo", "code", "openai")
    assert entry["body"] == BODY and entry["status"] == 200


def test_messages_still_answers_beside_it(server: MockServer) -> None:
    body = {"model": "m", "max_tokens": 32, "messages": [{"role": "user", "content": "hi"}]}
    response = requests.post(server.messages_url(), json=body, headers=KEY, timeout=10)
    assert response.status_code == 200 and response.json()["type"] == "message"


@pytest.mark.parametrize(("body", "path"), [
    ({"model": "m"}, "$.text"),
    ({"model": "m", "text": ""}, "$.text"),
    ({"model": "m", "text": "x", "temperature": 1}, "$"),
])
def test_a_bad_body_is_a_400_naming_the_path(server: MockServer, body: dict[str, Any], path: str) -> None:
    response = post(server, body)
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert f"request body: {path}" in response.json()["detail"]


def test_an_unknown_provider_names_the_endpoints_own_list(server: MockServer) -> None:
    response = post(server, BODY, path="/control/chat/nobody/v1/echo")
    assert response.status_code == 404 and "unknown provider 'nobody'" in response.json()["detail"]


def read_cut_stream(server: MockServer, body: Any, headers: dict[str, str], timeout: float = 10) -> bytes:
    """The bytes of a stream the server cuts or stops sending (read until the cut or the timeout)."""
    received = b""
    with requests.post(server.url + "/control/chat/v1/echo", json=body, headers={**KEY, **headers}, stream=True,
                       timeout=(5, timeout)) as response:
        try:
            for piece in response.iter_content(chunk_size=None):
                received += piece
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError):
            pass
    return received


def test_a_stream_is_data_lines_then_done_and_accumulates_to_the_answer(server: MockServer) -> None:
    plain = post(server, BODY).json()
    response = post(server, {**BODY, "stream": True})
    assert response.headers["Content-Type"] == "text/event-stream"
    raw = response.content
    assert b"event:" not in raw
    assert raw.endswith(b"data: [DONE]\n\n")
    assert [event.data for event in parse_sse(raw)][-1] == "[DONE]"
    accumulator = echo_endpoint.EchoAccumulator()
    for event in parse_events(raw):
        accumulator.feed(event)
    assert accumulator.message == plain
    assert server.requests[-1]["stream"] is True


def test_a_stub_names_the_endpoint_it_answers(server: MockServer) -> None:
    server.stub({"endpoint": "echo", "match": {"body": {"text": "hello seam"}}, "message": {"text": "stubbed"}})
    answer = post(server, BODY).json()
    assert answer == {"id": answer["id"], "object": "echo", "model": "stub", "text": "stubbed"}
    assert server.requests[-1]["stub"] is not None
    streamed = post(server, {**BODY, "stream": True}).content
    assert b"stubbed"[:4] in streamed and streamed.endswith(b"data: [DONE]\n\n")


def test_a_stub_for_messages_does_not_answer_the_endpoint(server: MockServer) -> None:
    server.stub({"match": {"model": "m"}, "message": {"content": "from messages"}})
    assert post(server, BODY).json()["text"] == "HELLO SEAM"


def test_a_stub_with_a_message_the_endpoint_refuses_is_refused(server: MockServer) -> None:
    with pytest.raises(ValueError, match=r"\$\.message"):
        server.stub({"endpoint": "echo", "message": {"text": 3}})
    with pytest.raises(ValueError, match=r"\$\.endpoint"):
        server.stub({"endpoint": "nope", "message": {"text": "x"}})


def test_faults_apply_to_the_endpoint(server: MockServer) -> None:
    response = post(server, BODY, headers={"X-Mock-Fault": json.dumps({"status": 429, "retry_after": 1})})
    assert response.status_code == 429 and response.headers["retry-after"] == "1"
    cut = read_cut_stream(server, {**BODY, "stream": True}, {"X-Mock-Fault": '{"disconnect_after_events": 2}'})
    assert len(parse_sse(cut)) == 2 and b"[DONE]" not in cut
    hanging = read_cut_stream(server, {**BODY, "stream": True}, {"X-Mock-Fault": '{"never_end": true}'}, timeout=1)
    assert b'"finish":true' in hanging and b"[DONE]" not in hanging  # every event but the terminator


def test_record_then_replay_serves_the_endpoint(echo: None, tmp_path: Path) -> None:
    cassette = tmp_path / "echo.json"
    with MockServer(seed=5) as upstream, \
            MockServer(mode="record", upstream=upstream.url, cassette=str(cassette)) as recorder:
        live = [post(recorder, BODY).json(), post(recorder, {**BODY, "stream": True}).content]
        assert recorder.violations["violations"] == []
    recorded = json.loads(cassette.read_text())["interactions"]
    assert [i["request"]["path"] for i in recorded] == ["/control/code/openai/v1/echo"] * 2
    with MockServer(mode="replay", cassette=str(cassette), replay_speed="none") as replay:
        assert post(replay, BODY).json() == live[0]
        replayed = post(replay, {**BODY, "stream": True}).content
    assert parse_events(replayed) == parse_events(live[1])
    assert replayed.endswith(b"data: [DONE]\n\n")


def test_the_reference_client_calls_the_endpoint(server: MockServer) -> None:
    asyncio.run(_reference_client_calls(server))


async def _reference_client_calls(server: MockServer) -> None:
    async with ReferenceClient(server.url, api_key="k", endpoint="echo", endpoint_type="code") as client:
        assert client.url() == server.url + "/control/code/v1/echo"
        answer = await client.create(BODY)
        async with client.stream(BODY) as stream:
            events = [event async for event in stream]
        assert await stream.final_message() == answer
    assert answer["text"] == "HELLO SEAM"
    assert events[-1]["finish"] is True and all(event["object"] == "echo.chunk" for event in events)


@pytest.mark.parametrize(("tail", "error"), [
    (b"", "without 'data: \\[DONE\\]'"),
    (b"data: [DONE]\n\n" + DATA_ONLY.encode_event({"id": "e", "object": "echo.chunk", "delta": "x"}),
     "an event after 'data: \\[DONE\\]'"),
])
def test_the_reference_client_holds_a_stream_to_its_format(echo: None, tail: bytes, error: str) -> None:
    events = echo_endpoint.ECHO.codec.to_events({"id": "e", "object": "echo", "model": "m", "text": "hi"},
                                                split_text=lambda t: [t], split_json=lambda t: [t], dialect="openai")
    body = b"".join(DATA_ONLY.encode_event(event) for event in events) + tail

    def answer(request: HttpRequest) -> HttpResponse:
        return HttpResponse.build(200, body, {"Content-Type": "text/event-stream"})

    async def read() -> None:
        async with ReferenceClient("http://test", api_key="k", endpoint="echo",
                                   transport=FunctionTransport(answer)) as client:
            await client.stream(BODY).final_message()

    with pytest.raises(StreamError, match=error):
        asyncio.run(read())


def test_strategies_of_the_endpoint_come_from_its_documents(echo: None) -> None:
    from hypothesis import given, settings

    from sequrity_contract import schemas, strategies

    echo_strategies = strategies.strategies_for("echo")
    assert strategies.strategies_for("messages").requests is strategies.requests

    @settings(max_examples=30, deadline=None)
    @given(request=echo_strategies.requests(), events=echo_strategies.stream_events())
    def drawn_values_satisfy_the_documents(request: dict[str, Any], events: list[dict[str, Any]]) -> None:
        assert schemas.validate("echo.request", request) == []
        assert all(schemas.validate("echo.chunk", event) == [] for event in events)
        accumulator = echo_endpoint.EchoAccumulator()
        for event in events:
            accumulator.feed(event)
        assert schemas.validate("echo.response", accumulator.message) == []

    drawn_values_satisfy_the_documents()


def test_the_openapi_export_describes_the_endpoint(echo: None) -> None:
    from openapi_spec_validator import validate as validate_openapi

    from sequrity_contract.schemas.openapi import openapi_document

    document = openapi_document()
    validate_openapi(document)
    operation = document["paths"]["/control/{endpoint_type}/{provider}/v1/echo"]["post"]
    assert operation["operationId"] == "createEchoWithProvider"
    assert document["paths"]["/control/{endpoint_type}/v1/echo"]["post"]["operationId"] == "createEcho"
    assert operation["summary"] == "Call the echo endpoint"
    ok = operation["responses"]["200"]["content"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/echo.request"}
    assert ok["application/json"]["schema"] == {"$ref": "#/components/schemas/echo.response"}
    assert ok["text/event-stream"]["schema"]["properties"]["data"]["anyOf"][1] == {"const": "[DONE]"}
    assert document["components"]["schemas"]["echo.request"]["required"] == ["model", "text"]
    assert "/control/{endpoint_type}/v1/messages" in document["paths"]


def test_schemathesis_requests_from_the_export_get_conforming_answers(server: MockServer) -> None:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance
    from schemathesis.generation import GenerationMode

    from sequrity_contract.schemas.openapi import openapi_document

    operation = schemathesis.openapi.from_dict(openapi_document())["/control/{endpoint_type}/v1/echo"]["POST"]

    @settings(max_examples=15, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    def answered(case: Any) -> None:
        response = case.call(base_url=server.url, headers=KEY)
        assert response.status_code == 200, response.text
        case.validate_response(response, headers=KEY, checks=[not_a_server_error, status_code_conformance,
                                                              response_schema_conformance])

    answered()
