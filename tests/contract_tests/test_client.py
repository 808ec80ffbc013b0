"""The reference client through its transport seam: what it sends, what it returns,
how it streams and how it carries sessions. (End-to-end runs against the mock server
are in test_adapters_e2e.py.)"""

from __future__ import annotations

import json

import pytest
from client_helpers import REQUEST, Recorder, json_answer, message_answer, messages, run, stream_answer
from hypothesis import given, settings
from hypothesis import strategies as st

from sequrity_contract.contract_tests.client import (
    APITimeoutError,
    FunctionTransport,
    HttpResponse,
    InvalidResponseError,
    ReferenceClient,
    StreamError,
    drop_nulls,
)
from sequrity_contract.schemas import to_events
from sequrity_contract.schemas.sse import encode_events


def client_for(recorder: Recorder, **kwargs) -> ReferenceClient:
    return ReferenceClient("http://test/", api_key="sq", transport=FunctionTransport(recorder), **kwargs)


async def collect(client: ReferenceClient, request=REQUEST, **kwargs):
    async with client.stream(request, **kwargs) as stream:
        events = [event async for event in stream]
    return events, stream


# -- create ----------------------------------------------------------------------------------

@given(message=messages, extra=st.fixed_dictionaries({}, optional={
    "temperature": st.none() | st.floats(0, 1), "system": st.none() | st.text(max_size=5),
    "metadata": st.none() | st.fixed_dictionaries({"user_id": st.none() | st.text(max_size=5)}),
    "timeout": st.none() | st.integers(1, 60)}))
def test_create_sends_the_request_without_nulls_and_returns_the_message(message, extra):
    recorder = Recorder(message_answer(message))
    request = {**REQUEST, **extra}
    assert run(client_for(recorder).create(request)) == message
    [sent] = recorder.requests
    assert (sent.method, sent.url) == ("POST", "http://test/control/chat/v1/messages")
    assert json.loads(sent.body) == drop_nulls(request)


def test_fields_given_as_keywords_join_the_request():
    recorder = Recorder(message_answer({"ok": 1}))
    run(client_for(recorder).create({"model": "a", "max_tokens": 1}, model="b", messages=[]))
    assert recorder.bodies == [{"model": "b", "max_tokens": 1, "messages": []}]


@pytest.mark.parametrize(("client_kwargs", "call_kwargs", "url"), [
    ({}, {}, "http://test/control/chat/v1/messages"),
    ({"provider": "openai"}, {}, "http://test/control/chat/openai/v1/messages"),
    ({"provider": "openai"}, {"provider": None}, "http://test/control/chat/v1/messages"),
    ({"endpoint_type": "code"}, {"provider": "anthropic"}, "http://test/control/code/anthropic/v1/messages"),
    ({}, {"endpoint_type": "lang-graph"}, "http://test/control/lang-graph/v1/messages"),
])
def test_the_route_follows_endpoint_type_and_provider(client_kwargs, call_kwargs, url):
    recorder = Recorder(message_answer({}))
    run(client_for(recorder, **client_kwargs).create(REQUEST, **call_kwargs))
    assert recorder.requests[0].url == url


def test_client_settings_become_headers_and_per_call_arguments_override_them():
    recorder = Recorder(message_answer({}, session_id=None))
    client = client_for(recorder, llm_api_key="sk", features={"agent_arch": "single-llm"},
                        policy={"mode": "strict"}, headers={"X-Team": "a"})
    run(client.create(REQUEST))
    run(client.create(REQUEST, features={"agent_arch": "dual-llm"}, policy=None, llm_api_key=None,
                      headers={"X-Team": "b"}, config={"fsm": {"max_n_turns": 1}}))
    first, second = (dict(r.headers) for r in recorder.requests)
    assert first == {"Authorization": "Bearer sq", "Content-Type": "application/json", "X-Api-Key": "sk",
                     "X-Features": '{"agent_arch":"single-llm"}', "X-Policy": '{"mode":"strict"}',
                     "X-Team": "a"}
    assert second == {"Authorization": "Bearer sq", "Content-Type": "application/json",
                      "X-Features": '{"agent_arch":"dual-llm"}', "X-Config": '{"fsm":{"max_n_turns":1}}',
                      "X-Team": "b"}


@pytest.mark.parametrize(("body", "text"), [(b"<html>", "not JSON"), (b"[1, 2]", "not a JSON object")])
def test_a_2xx_that_is_not_a_json_object_is_an_invalid_response(body, text):
    recorder = Recorder(lambda request: HttpResponse.build(200, body))
    with pytest.raises(InvalidResponseError, match=text):
        run(client_for(recorder).create(REQUEST))


def test_create_refuses_stream_true():
    with pytest.raises(ValueError, match=r"stream=True: call client\.stream"):
        run(client_for(Recorder()).create(REQUEST, stream=True))


@pytest.mark.parametrize(("kwargs", "text"), [
    ({"base_url": "test"}, "base_url='test'"),
    ({"dialect": "openai"}, "dialect='openai'"),
    ({"timeout": 0}, "timeout=0"),
    ({"endpoint_type": "chat/x"}, "endpoint_type='chat/x'"),
    ({"provider": ""}, "provider=''"),
    ({"api_key": ""}, "api_key=''"),
    ({"features": [1]}, "features=[1]"),
], ids=lambda v: f"ReferenceClient(**{v})" if isinstance(v, dict) else None)
def test_bad_client_arguments_name_the_argument(kwargs, text):
    arguments = {"base_url": "http://test", "api_key": "sq", **kwargs}
    with pytest.raises((ValueError, TypeError), match=__import__("re").escape(text)):
        ReferenceClient(arguments.pop("base_url"), **arguments)


def test_a_stalled_transport_surfaces_as_a_timeout():
    def stall(request):
        raise APITimeoutError(f"no response within timeout={request.timeout}s")

    client = ReferenceClient("http://test", api_key="sq", transport=FunctionTransport(stall), timeout=0.5,
                             max_retries=0)
    with pytest.raises(APITimeoutError, match=r"timeout=0\.5s"):
        run(client.create(REQUEST))


# -- sessions --------------------------------------------------------------------------------

def test_each_request_carries_the_session_of_the_last_2xx_answer():
    recorder = Recorder(message_answer({}, "s-1"), message_answer({}, "s-2"), message_answer({}, None))
    client = client_for(recorder)

    async def go():
        for _ in range(4):
            await client.create(REQUEST)

    run(go())
    assert [r.headers.get("X-Session-ID") for r in recorder.requests] == [None, "s-1", "s-2", "s-2"]
    assert client.session_id == "s-2"


def test_an_explicit_session_overrides_and_none_leaves_the_header_out():
    recorder = Recorder(message_answer({}, "tracked"))
    client = client_for(recorder)

    async def go():
        await client.create(REQUEST)
        await client.create(REQUEST, session_id="explicit")
        await client.create(REQUEST, session_id=None)

    run(go())
    assert [r.headers.get("X-Session-ID") for r in recorder.requests] == [None, "explicit", None]


def test_reset_forgets_the_session_and_an_error_keeps_it():
    recorder = Recorder(message_answer({}, "s-1"),
                        json_answer(400, {"detail": "bad"}, {"X-Session-ID": "s-x"}),
                        message_answer({}, None))
    client = client_for(recorder, session_id="given")

    async def go():
        await client.create(REQUEST)
        with pytest.raises(Exception, match="bad"):
            await client.create(REQUEST)
        await client.create(REQUEST)
        client.reset_session()
        await client.create(REQUEST)

    run(go())
    assert [r.headers.get("X-Session-ID") for r in recorder.requests] == ["given", "s-1", "s-1", None]


# -- streams ---------------------------------------------------------------------------------

@settings(max_examples=50)
@given(message=messages, chunk=st.integers(1, 64), dialect=st.sampled_from(["sequrity", "anthropic"]))
def test_stream_yields_the_events_in_order_and_accumulates_the_message(message, chunk, dialect):
    events = to_events(message, dialect=dialect)
    recorder = Recorder(stream_answer(encode_events(events), "s-9", chunk=chunk))
    client = client_for(recorder, dialect=dialect)
    received, stream = run(collect(client))
    assert received == events
    assert stream.message == message
    assert (stream.status, stream.session_id, client.session_id) == (200, "s-9", "s-9")
    assert json.loads(recorder.requests[0].body) == {**REQUEST, "stream": True}


def _message():
    return {"id": "m", "type": "message", "role": "assistant", "content": [{"type": "text", "text": "hello"}],
            "model": "m", "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": 1, "output_tokens": 2}}


@pytest.mark.parametrize(("body", "reason"), [
    (encode_events(to_events(_message()))[:-40], "truncated"),
    (encode_events(to_events(_message())[:-1]), "truncated"),
    (encode_events(to_events(_message())[1:]), "protocol"),
    (encode_events(to_events(_message(), dialect="anthropic")), "protocol"),
    (b"event: message_start\ndata: {not json\n\n", "bad_json"),
    (b"event: ping\ndata: {\"type\": \"message_start\", \"message\": {}}\n\n", "protocol"),
    (encode_events(to_events(_message())) + encode_events([{"type": "message_stop"}]), "protocol"),
], ids=["cut-mid-event", "no-message-stop", "no-message-start", "ping-in-sequrity-dialect", "bad-json",
        "event-line-mismatch", "event-after-stop"])
def test_a_broken_stream_raises_a_stream_error_naming_the_reason(body, reason):
    recorder = Recorder(stream_answer(body, chunk=17))
    with pytest.raises(StreamError) as caught:
        run(collect(client_for(recorder)))
    assert caught.value.reason == reason


def test_an_error_event_in_the_anthropic_dialect_raises_with_its_type():
    events = [*to_events(_message(), dialect="anthropic")[:3],
              {"type": "error", "error": {"type": "overloaded_error", "message": "upstream overloaded"}}]
    recorder = Recorder(stream_answer(encode_events(events)))
    with pytest.raises(StreamError) as caught:
        run(collect(client_for(recorder, dialect="anthropic")))
    assert (caught.value.reason, caught.value.error_type, caught.value.message) == (
        "error_event", "overloaded_error", "upstream overloaded")


def test_a_json_answer_to_a_stream_request_is_not_a_stream():
    recorder = Recorder(message_answer(_message()))
    with pytest.raises(StreamError, match="text/event-stream") as caught:
        run(collect(client_for(recorder)))
    assert caught.value.reason == "not_a_stream"


def test_an_error_status_raises_when_the_stream_opens():
    recorder = Recorder(json_answer(401, {"type": "error", "error": {"type": "authentication_error",
                                                                     "message": "bad key"}}))
    with pytest.raises(Exception, match="bad key") as caught:
        run(collect(client_for(recorder, max_retries=0)))
    assert caught.value.status == 401


def test_the_message_is_not_available_before_the_stream_ends():
    recorder = Recorder(stream_answer(encode_events(to_events(_message()))))

    async def go():
        async with client_for(recorder).stream(REQUEST) as stream:
            await stream.__anext__()
            with pytest.raises(StreamError, match="final_message"):
                _ = stream.message
            return await stream.final_message()

    assert run(go()) == _message()


def test_close_is_idempotent():
    async def go():
        client = client_for(Recorder())
        async with client:
            pass
        await client.aclose()

    run(go())
