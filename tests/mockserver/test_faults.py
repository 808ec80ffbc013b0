"""Fault injection: every fault of the vocabulary drives a real client (the official ``sequrity``
client and the ``anthropic`` SDK) into it, and the journal records it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anthropic
import httpx
import httpx2
import pytest
from mock_helpers import call, post
from sequrity import SequrityClient
from sequrity._exceptions import SequrityAPIError

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer
from sequrity_contract.mockserver.modes.cassette import Cassette
from sequrity_contract.mockserver.scripting.stubs import retry_after_headers

HELLO = [{"role": "user", "content": "weather in Oslo?"}]
ASK = {"model": "m", "max_tokens": 300, "messages": HELLO}
#: A stub whose tool input streams as several JSON deltas (16 characters each).
TOOL_CALL = {"content": [{"type": "text", "text": "Looking it up."},
                         {"type": "tool_use", "name": "get_weather",
                          "input": {"city": "Oslo", "unit": "celsius", "days": 3}}]}
#: Long enough for any answer on a loaded CI machine; the faults that hang use ``GIVE_UP``.
CLIENT_TIMEOUT = 10.0
#: How long a client waits in the tests of faults that never answer (silence, streams that never end).
GIVE_UP = 0.5


def official(server: MockServer, timeout: float = CLIENT_TIMEOUT) -> SequrityClient:
    return SequrityClient(api_key="k", base_url=server.url, timeout=timeout)


def sdk(server: MockServer, max_retries: int = 0, timeout: float = CLIENT_TIMEOUT) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=f"{server.url}/control/chat/anthropic", auth_token="k",
                               default_headers={"X-Api-Key": "llm"}, max_retries=max_retries,
                               timeout=timeout)


def fault_header(**fault: Any) -> dict[str, str]:
    return {"X-Mock-Fault": json.dumps(fault)}


def official_call(server: MockServer, fault: dict[str, Any], stream: bool,
                  timeout: float = CLIENT_TIMEOUT) -> list[str]:
    """What the official client sees: the event types of a stream, or the message's content types."""
    client = official(server, timeout)
    answer = client.control.messages.create(messages=HELLO, model="m", max_tokens=300, stream=stream,
                                            custom_headers=fault_header(**fault))
    if not stream:
        return [block.type for block in answer.content]
    with answer:
        return [event.type for event in answer]


def sdk_call(server: MockServer, fault: dict[str, Any], stream: bool, timeout: float = CLIENT_TIMEOUT) -> Any:
    client = sdk(server, timeout=timeout)
    if not stream:
        return client.messages.create(model="m", max_tokens=300, messages=HELLO, extra_headers=fault_header(**fault))
    with client.messages.stream(model="m", max_tokens=300, messages=HELLO, extra_headers=fault_header(**fault)) as s:
        return s.get_final_message()


def eventually(server: MockServer, done: Callable[[list[dict[str, Any]]], bool]) -> list[dict[str, Any]]:
    """The journal once ``done`` holds for it (the server notices a departed client within ms),
    polled for at most five seconds."""
    deadline = time.monotonic() + 5
    while not done(entries := server.requests) and time.monotonic() < deadline:
        time.sleep(0.02)
    return entries


def injected(server: MockServer) -> list[list[str]]:
    return [[name for record in e["faults"] for name in record["injected"]] for e in server.requests]


# -- HTTP status faults -----------------------------------------------------------------------

SDK_ERRORS = [(400, anthropic.BadRequestError), (401, anthropic.AuthenticationError),
              (403, anthropic.PermissionDeniedError), (404, anthropic.NotFoundError), (413, anthropic.APIStatusError),
              (429, anthropic.RateLimitError), (500, anthropic.InternalServerError),
              (502, anthropic.InternalServerError), (503, anthropic.InternalServerError),
              (529, anthropic.OverloadedError)]


@pytest.mark.parametrize(("status", "error"), SDK_ERRORS, ids=[str(s) for s, _ in SDK_ERRORS])
def test_status_faults_raise_the_matching_errors_in_both_clients(server: MockServer, status: int,
                                                                 error: type[Exception]) -> None:
    with pytest.raises(SequrityAPIError) as official_error:
        official_call(server, {"status": status}, stream=False)
    assert official_error.value.status_code == status
    assert f"injected fault: status {status}" in official_error.value.message
    with pytest.raises(error) as sdk_error:
        sdk_call(server, {"status": status, "message": "scripted failure"}, stream=True)
    assert sdk_error.value.status_code == status
    assert sdk_error.value.body["error"] == {"type": schemas.ERROR_TYPES.get(status, "api_error"),
                                             "message": "scripted failure"}
    assert schemas.check("error", sdk_error.value.body, status=status) == []
    assert injected(server) == [["status"], ["status"]]
    assert [e["status"] for e in server.requests] == [status, status]


def retry_headers(headers: dict[str, str]) -> dict[str, str]:
    """The ``retry-after*`` headers among ``headers``, by lower-case name (header names ignore case)."""
    return {name.lower(): value for name, value in headers.items() if name.lower().startswith("retry-after")}


RETRY_AFTERS = [(0.5, "1", "500"), (1.5, "2", "1500"), (1.1, "2", "1100"), (0.0004, "1", "1"),
                (2, "2", "2000"), (0, "0", "0")]


@pytest.mark.parametrize(("seconds", "header", "header_ms"), RETRY_AFTERS, ids=[str(s) for s, _, _ in RETRY_AFTERS])
def test_retry_after_is_sent_as_whole_seconds_rounded_up_and_as_milliseconds(
        server: MockServer, seconds: float, header: str, header_ms: str) -> None:
    answer = post(server.messages_url(), ASK, fault_header(status=429, retry_after=seconds))
    assert answer.status == 429 and answer.json()["error"]["type"] == "rate_limit_error"
    assert retry_headers(answer.headers) == {"retry-after": header,  # RFC 9110 delay-seconds: an integer
                                             "retry-after-ms": header_ms}


def test_retry_after_headers_refuse_a_negative_or_endless_wait() -> None:
    for seconds in (-0.5, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="retry_after: expected a finite number of seconds, 0 or more"):
            retry_after_headers(seconds)


def test_retry_after_headers_are_recorded_and_replayed(server: MockServer, tmp_path: Path) -> None:
    cassette = tmp_path / "retry.json"
    with MockServer(mode="record", upstream=server.url, cassette=cassette) as recorder:
        recorded = post(recorder.messages_url(), ASK, fault_header(status=429, retry_after=0.5))
    assert recorded.status == 429
    [interaction] = Cassette.load(cassette).interactions
    kept = interaction["response"]["headers"]
    assert {name: kept[name] for name in kept if name.startswith("Retry-After")} == {
        "Retry-After": "1", "Retry-After-Ms": "500"}
    with MockServer(mode="replay", cassette=cassette, replay_speed="none") as player:
        replayed = post(player.messages_url(), ASK, fault_header(status=429, retry_after=0.5))
    assert replayed.status == 429
    assert retry_headers(replayed.headers) == {"retry-after": "1", "retry-after-ms": "500"}


# -- connection faults --------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_reset_before_headers(server: MockServer, stream: bool) -> None:
    with pytest.raises(httpx.ReadError, match="Connection reset by peer"):
        official_call(server, {"reset_before_headers": True}, stream)
    with pytest.raises(anthropic.APIConnectionError) as raised:
        sdk_call(server, {"reset_before_headers": True}, stream)
    assert "Connection reset by peer" in str(raised.value.__cause__)
    assert injected(server) == [["reset_before_headers"]] * 2
    assert [e["status"] for e in server.requests] == [None, None]


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_empty_response(server: MockServer, stream: bool) -> None:
    with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected without sending a response"):
        official_call(server, {"empty_response": True}, stream)
    with pytest.raises(anthropic.APIConnectionError) as raised:
        sdk_call(server, {"empty_response": True}, stream)
    assert "Server disconnected without sending a response" in str(raised.value.__cause__)
    assert injected(server) == [["empty_response"]] * 2


def test_headers_then_silence_times_the_clients_out(server: MockServer) -> None:
    with pytest.raises(httpx.ReadTimeout):
        official_call(server, {"headers_then_silence": True}, stream=False, timeout=GIVE_UP)
    with pytest.raises(anthropic.APITimeoutError):
        sdk_call(server, {"headers_then_silence": True}, stream=False, timeout=GIVE_UP)
    with pytest.raises(httpx2.ReadTimeout):
        sdk_call(server, {"headers_then_silence": True}, stream=True, timeout=GIVE_UP)
    assert injected(server) == [["headers_then_silence"]] * 3
    assert [e["status"] for e in server.requests] == [200] * 3


# -- stream faults ------------------------------------------------------------------------------


def test_disconnect_after_events(server: MockServer) -> None:
    with pytest.raises(httpx.RemoteProtocolError, match="incomplete chunked read"):
        official_call(server, {"disconnect_after_events": 3}, stream=True)
    with pytest.raises(httpx2.RemoteProtocolError, match="incomplete chunked read"):
        sdk_call(server, {"disconnect_after_events": 3}, stream=True)
    entries = server.requests
    assert [e["events_sent"] for e in entries] == [3, 3]
    assert [e["type"] for e in entries[0]["events"]] == ["message_start", "content_block_start",
                                                         "content_block_delta"]


def test_stream_faults_do_not_touch_plain_requests(server: MockServer) -> None:
    assert official_call(server, {"disconnect_after_events": 0, "jitter_ms": 1}, stream=False) == ["text"]
    assert injected(server) == [["jitter_ms"]]
    assert official_call(server, {"never_end": True}, stream=False) == ["text"]
    assert injected(server)[1] == []


def test_disconnect_inside_tool_json_leaves_partial_json(server: MockServer) -> None:
    server.stub(message=TOOL_CALL)
    client = official(server)
    seen: list[Any] = []
    with (pytest.raises(httpx.RemoteProtocolError),
          client.control.messages.create(messages=HELLO, model="m", max_tokens=300, stream=True,
                                         custom_headers=fault_header(disconnect_inside_tool_json=True)) as stream):
        seen.extend(stream)
    partial = "".join(e.delta.partial_json for e in seen if e.type == "content_block_delta"
                      and e.delta.type == "input_json_delta")
    assert partial and not _is_json(partial)
    assert seen[-1].type == "content_block_delta"
    with (pytest.raises(httpx2.RemoteProtocolError),
          sdk(server).messages.stream(model="m", max_tokens=300, messages=HELLO,
                                      extra_headers=fault_header(disconnect_inside_tool_json=True)) as s):
        s.get_final_message()
    assert injected(server) == [["disconnect_inside_tool_json"]] * 2


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def test_malformed_data_line_breaks_both_clients_json_parsing(server: MockServer) -> None:
    with pytest.raises(json.JSONDecodeError):
        official_call(server, {"malformed_data_line": 2}, stream=True)
    with pytest.raises(json.JSONDecodeError):
        sdk_call(server, {"malformed_data_line": 2}, stream=True)
    assert injected(server) == [["malformed_data_line"]] * 2


def test_multiline_data_breaks_the_official_client_only(server: MockServer) -> None:
    with pytest.raises(json.JSONDecodeError):
        official_call(server, {"multiline_data": 2}, stream=True)
    plain = sdk_call(server, {"multiline_data": 2}, stream=False)
    streamed = sdk_call(server, {"multiline_data": 2}, stream=True)  # the SDK joins data lines per the SSE spec
    assert streamed.content[0].text == plain.content[0].text
    assert injected(server) == [["multiline_data"], [], ["multiline_data"]]


def test_error_event_mid_stream(server: MockServer) -> None:
    with pytest.raises(anthropic.APIStatusError) as raised:
        sdk_call(server, {"error_event": 2, "message": "upstream overloaded"}, stream=True)
    assert raised.value.body == {"type": "error", "error": {"type": "overloaded_error",
                                                             "message": "upstream overloaded"}}
    with pytest.raises(Exception) as official_error:  # the official client has no model for error events
        official_call(server, {"error_event": 2}, stream=True)
    assert "ValidationError" in type(official_error.value).__name__
    assert "error" in str(official_error.value)
    assert injected(server) == [["error_event"]] * 2


def test_never_end_keeps_the_stream_open_until_the_client_gives_up(server: MockServer) -> None:
    with pytest.raises(httpx.ReadTimeout):
        official_call(server, {"never_end": True}, stream=True, timeout=GIVE_UP)
    with pytest.raises(httpx2.ReadTimeout):
        sdk_call(server, {"never_end": True}, stream=True, timeout=GIVE_UP)
    entries = eventually(server, lambda entries: all(e["disconnected"] for e in entries))
    assert [e["events"][-1]["type"] for e in entries] == ["message_delta"] * 2
    assert [e["stream"] for e in entries] == [True, True]


# -- latency ----------------------------------------------------------------------------------------


def test_latency_faults_delay_but_keep_the_answer(server: MockServer) -> None:
    fault = {"delay_headers_ms": 30, "delay_first_event_ms": 20, "delay_between_events_ms": 5, "jitter_ms": 5}
    plain = post(server.messages_url(), ASK).json()
    events = post(server.messages_url(), {**ASK, "stream": True}, fault_header(**fault)).events()
    assert schemas.accumulate(events) == plain
    first, faulted = server.requests
    assert faulted["faults"][0]["injected"] == list(fault)
    assert faulted["time"] >= first["time"]


# -- where faults come from, and when they fire --------------------------------------------------


def test_times_with_session_scope_fails_n_requests_per_session_then_succeeds(server: MockServer) -> None:
    session = "5e0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
    headers = {**fault_header(status=503, times=2, scope="session"), "X-Session-ID": session}
    statuses = [post(server.messages_url(), ASK, headers).status for _ in range(3)]
    other = post(server.messages_url(), ASK, {**headers, "X-Session-ID": "6e0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"})
    assert statuses == [503, 503, 200]
    assert other.status == 503
    assert [r["attempt"] for e in server.requests for r in e["faults"]] == [1, 2, 1]


def test_probability_is_seeded_and_repeatable() -> None:
    def statuses(seed: int) -> list[int]:
        with MockServer(seed=seed) as server:
            return [post(server.messages_url(), ASK, fault_header(status=500, probability=0.5)).status
                    for _ in range(24)]

    first, again, other_seed = statuses(1), statuses(1), statuses(2)
    assert first == again
    assert first != other_seed
    assert 0 < first.count(500) < 24


def test_header_beats_stub_fault_beats_server_fault() -> None:
    with MockServer(fault={"status": 503}) as server:
        assert post(server.messages_url(), ASK).status == 503
        server.stub(match={"model": "m"}, fault={"status": 502})
        assert post(server.messages_url(), ASK).status == 502
        assert post(server.messages_url(), {**ASK, "model": "n"}).status == 503
        assert post(server.messages_url(), ASK, fault_header(status=429)).status == 429
        sources = [r["source"] for e in server.requests for r in e["faults"]]
        assert sources[0] == "server" and sources[1].startswith("stub:") and sources[3] == "header"


def test_server_fault_through_the_handle_and_the_admin_api(server: MockServer) -> None:
    handle = server.fault(status=529, times=1)
    assert [post(server.messages_url(), ASK).status for _ in range(2)] == [529, 200]
    assert [e["seq"] for e in handle.injections] == [server.requests[0]["seq"]]
    assert handle.remove() and not handle.remove()
    assert call("PUT", server.url + "/__admin/fault", json_body={"empty_response": True}).status == 200
    assert call("GET", server.url + "/__admin/fault").json() == {"fault": {"empty_response": True}}
    with pytest.raises(anthropic.APIConnectionError):
        sdk(server).messages.create(model="m", max_tokens=10, messages=HELLO)
    assert call("DELETE", server.url + "/__admin/fault").json() == {"fault": None}
    assert post(server.messages_url(), ASK).status == 200


# -- bad fault specs -------------------------------------------------------------------------------

BAD_FAULTS = [
    ("not-json", "{status: 429}", "X-Mock-Fault header: expected a JSON object"),
    ("not-an-object", "[429]", "X-Mock-Fault header: $: expected a JSON object of fault fields"),
    ("unknown-field", '{"stauts": 429}', "$.stauts: unknown fault field"),
    ("unlisted-status", '{"status": 418}', "$.status: expected one of 400, 401"),
    ("status-type", '{"status": "429"}', "$.status: expected one of"),
    ("negative-times", '{"status": 500, "times": 0}', "$.times: expected an integer >= 1"),
    ("probability-range", '{"status": 500, "probability": 1.5}', "$.probability: expected a number from 0 to 1"),
    ("delay-range", '{"delay_headers_ms": -1}', "$.delay_headers_ms: expected a number of milliseconds"),
    ("flag-type", '{"never_end": "yes"}', "$.never_end: expected true or false"),
    ("two-outcomes", '{"status": 500, "never_end": true}', "fields status and never_end cannot be combined"),
    ("modifiers-only", '{"times": 2}', "expected at least one fault field"),
    ("retry-after-alone", '{"never_end": true, "retry_after": 1}', "$.retry_after: only applies together with"),
    ("nan", '{"jitter_ms": NaN}', "NaN is not valid JSON"),
    ("lone-surrogate", '{"status": 500, "message": "\\ud800"}', "got a lone UTF-16 surrogate escape"),
]


@pytest.mark.parametrize(("header", "expected"), [c[1:] for c in BAD_FAULTS], ids=[c[0] for c in BAD_FAULTS])
def test_bad_fault_headers_get_400_naming_the_field(server: MockServer, header: str, expected: str) -> None:
    answer = post(server.messages_url(), ASK, {"X-Mock-Fault": header})
    assert answer.status == 400
    assert expected in answer.json()["detail"]
    assert schemas.check("error", answer.json(), status=400) == []
    with pytest.raises(SequrityAPIError) as raised:
        official(server).control.messages.create(messages=HELLO, model="m", max_tokens=10,
                                                 custom_headers={"X-Mock-Fault": header})
    assert raised.value.status_code == 400 and expected in raised.value.message


def test_bad_server_faults_are_refused_naming_the_argument(server: MockServer) -> None:
    with pytest.raises(ValueError, match=r"fault: \$\.status: expected one of"):
        MockServer(fault={"status": 200})
    with pytest.raises(ValueError, match=r"fault: \$\.times: expected an integer >= 1"):
        server.fault(status=500, times=-1)
    answer = call("PUT", server.url + "/__admin/fault", json_body={"status": 500, "bogus": 1})
    assert answer.status == 400 and "$.bogus: unknown fault field" in answer.json()["detail"]


# -- chat completions streams, as the official client and the OpenAI SDK see them -----------------

CHAT = {"model": "m", "messages": [{"role": "user", "content": "Write a few sentences about the weather in Oslo"}]}


def _chat_chunks(server: MockServer, client: str, fault: dict[str, Any]) -> list[Any]:
    """The chunks ``client`` yields for a streamed chat call under ``fault`` (none when empty)."""
    headers = fault_header(**fault) if fault else {}
    if client == "openai":
        openai = pytest.importorskip("openai")
        sdk_client = openai.OpenAI(base_url=f"{server.url}/control/chat/openai/v1", api_key="k", max_retries=0,
                                   timeout=CLIENT_TIMEOUT)
        return list(sdk_client.chat.completions.create(**CHAT, stream=True, extra_headers=headers))
    with official(server).control.chat.create(**CHAT, stream=True, custom_headers=headers) as stream:
        return list(stream)


def test_a_cut_chat_stream_is_an_error_for_the_openai_sdk(server: MockServer) -> None:
    """Never a truncated success: recent SDKs raise their APIConnectionError, older ones (1.x, 2.x
    on httpx 0.28) let the transport's RemoteProtocolError through."""
    openai = pytest.importorskip("openai")
    with pytest.raises((openai.APIConnectionError, httpx.TransportError)):
        _chat_chunks(server, "openai", {"disconnect_after_events": 2})
    assert [e["events_sent"] for e in server.requests] == [2]


@pytest.mark.xfail(strict=True, raises=httpx.RemoteProtocolError,
                   reason="finding: a cut stream raises httpx.RemoteProtocolError, not the client's "
                          "SequrityConnectionError (docs/client-findings.md, sequrity 9)")
@pytest.mark.parametrize("endpoint", ["messages", "chat_completions"])
def test_a_cut_stream_is_the_official_clients_connection_error(server: MockServer, endpoint: str) -> None:
    from sequrity._exceptions import SequrityConnectionError

    with pytest.raises(SequrityConnectionError):
        if endpoint == "chat_completions":
            _chat_chunks(server, "sequrity", {"disconnect_after_events": 2})
        else:
            official_call(server, {"disconnect_after_events": 2}, stream=True)


def test_a_chat_stream_without_done_is_read_whole_by_both_chat_clients(server: MockServer) -> None:
    whole = [_chat_chunks(server, client, {}) for client in ("openai", "sequrity")]
    undone = [_chat_chunks(server, client, {"omit_done": True}) for client in ("openai", "sequrity")]
    assert [len(chunks) for chunks in undone] == [len(chunks) for chunks in whole]
    assert undone[0][-1].usage is not None and undone[1][-1].usage is not None
    assert injected(server)[2:] == [["omit_done"]] * 2
