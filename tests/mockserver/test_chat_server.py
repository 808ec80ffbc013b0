"""The mock server's chat completions routes: validation naming the field (4xx, never 5xx), the
OpenAI stream format, latency, stubs naming the endpoint, faults, the journal, record, replay and
the validating proxy. The clients' side is in test_chat_clients.py."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import requests
from aiohttp import web
from upstream_helpers import serve_app

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer
from sequrity_contract.schemas.sse import parse_events, parse_sse

KEY = {"Authorization": "Bearer k"}
PATH = "/control/code/openai/v1/chat/completions"
BODY: dict[str, Any] = {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello chat"}]}
WEATHER = {"type": "function", "function": {
    "name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                                          "required": ["city"]}}}


def post(server: MockServer, body: Any, headers: dict[str, str] | None = None, path: str = PATH,
         **kwargs: Any) -> requests.Response:
    return requests.post(server.url + path, json=body, headers={**KEY, **(headers or {})}, timeout=10, **kwargs)


@pytest.mark.parametrize(("body", "named"), [
    ({"model": "m"}, "request body: $.messages: expected the required property 'messages'"),
    ({"model": "m", "messages": []}, "$.messages: expected at least one message"),
    ({"model": "m", "messages": [{"role": "robot", "content": "x"}]}, "$.messages[0].role"),
    ({"model": "m", "messages": [{"role": "user", "content": 5}]}, "$.messages[0].content"),
    ({**BODY, "temperature": 2.5}, "$.temperature: expected a number from 0 to 2"),
    ({**BODY, "max_completion_tokens": 0}, "$.max_completion_tokens"),
    ({**BODY, "tool_choice": "required"}, "$.tool_choice"),
    ({**BODY, "tools": [WEATHER], "tool_choice": {"type": "function", "function": {"name": "nope"}}},
     "$.tool_choice.function.name"),
    ({**BODY, "messages": [*BODY["messages"], {"role": "tool", "tool_call_id": "x", "content": "r"}]},
     "$.messages[1].tool_call_id"),
    ({**BODY, "stop": 3}, "$.stop"),
    ({**BODY, "response_format": {"type": "json_schema", "json_schema": {"name": "n", "schema_": {}}}},
     "'schema_' was unexpected"),
])
def test_a_bad_body_is_a_400_naming_the_field(server: MockServer, body: dict[str, Any], named: str) -> None:
    response = post(server, body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["error"]["type"] == "invalid_request_error" and error["detail"] == error["error"]["message"]
    assert named in error["detail"]
    assert schemas.check("error", error, status=400) == []


def test_configuration_headers_and_sessions_are_checked_as_for_messages(server: MockServer) -> None:
    assert "X-Config header: $.fsm.max_n_turns" in post(server, BODY, {"X-Config": '{"fsm":{"max_n_turns":0}}'}).text
    assert post(server, BODY, {"X-Session-ID": "not-a-uuid"}).status_code == 400
    assert post(server, BODY, {"Authorization": ""}).status_code == 401


def test_every_answer_carries_its_session_and_a_tool_result_continues_it(server: MockServer) -> None:
    first = post(server, {**BODY, "tools": [WEATHER]})
    session = first.headers["X-Session-ID"]
    message = first.json()["choices"][0]["message"]
    call_id = message["tool_calls"][0]["id"]
    assert call_id.startswith(f"tc-{session}-")
    follow = {**BODY, "tools": [WEATHER],
              "messages": [*BODY["messages"], message, {"role": "tool", "tool_call_id": call_id, "content": "ok"}]}
    second = post(server, {**follow, "stream": True})
    assert second.headers["X-Session-ID"] == session
    assert [s["turns"] for s in server.sessions] == [1]


def test_a_stream_is_data_lines_and_done_and_accumulates_to_the_plain_answer(server: MockServer) -> None:
    session = {"X-Session-ID": "3f2b8c1e-0d4a-4c5e-9b7a-1c2d3e4f5a6b"}  # the same tool call ids in both
    for body in (BODY, {**BODY, "tools": [WEATHER]}, {**BODY, "max_completion_tokens": 3}):
        plain = post(server, body, session).json()
        raw = post(server, {**body, "stream": True, "stream_options": {"include_usage": True}}, session).content
        assert b"event:" not in raw and raw.endswith(b"data: [DONE]\n\n")
        assert all(e.event is None for e in parse_sse(raw))
        chunks = parse_events(raw)
        assert all(schemas.validate("chat.chunk", chunk) == [] for chunk in chunks)
        assert schemas.accumulate_chunks(chunks) == plain
    assert server.requests[-1]["stream"] is True


def test_the_answer_is_deterministic_and_depends_on_the_seed() -> None:
    answers = []
    for seed in (4, 4, 5):
        with MockServer(seed=seed) as server:
            answers.append(post(server, {**BODY, "tools": [WEATHER]}).json())
    assert answers[0] == answers[1] != answers[2]


def test_latency_paces_the_chunks() -> None:
    with MockServer(seed=1, latency="50,10") as server:
        started = time.monotonic()
        response = post(server, {**BODY, "stream": True})
        took = time.monotonic() - started
    chunks = parse_events(response.content)
    assert took >= 0.05 + 0.01 * (len(chunks) - 1) and response.content.endswith(b"data: [DONE]\n\n")


def test_a_stub_names_the_chat_endpoint_and_fills_in_the_completion(server: MockServer) -> None:
    server.stub({"endpoint": "chat_completions", "match": {"body": {"model": "gpt-4o"}},
                 "message": {"tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}]}})
    answer = post(server, {**BODY, "tools": [WEATHER]})
    completion = answer.json()
    [call] = completion["choices"][0]["message"]["tool_calls"]
    session = answer.headers["X-Session-ID"]
    assert call["id"].startswith(f"tc-{session}-") and call["function"]["arguments"] == '{"city":"Oslo"}'
    assert completion["choices"][0]["finish_reason"] == "tool_calls"
    streamed = post(server, {**BODY, "tools": [WEATHER], "stream": True}, {"X-Session-ID": session}).content
    assert schemas.accumulate_chunks(parse_events(streamed))["choices"] == completion["choices"]
    messages_answer = requests.post(server.messages_url(), json={"model": "gpt-4o", "max_tokens": 20, "messages": [
        {"role": "user", "content": "hi"}]}, headers=KEY, timeout=10).json()
    assert messages_answer["type"] == "message"  # a chat stub does not answer messages


def test_a_stub_the_chat_documents_refuse_is_refused(server: MockServer) -> None:
    with pytest.raises(ValueError, match=r"\$\.message"):
        server.stub({"endpoint": "chat_completions", "message": {"choices": [{"message": {"role": "user"}}]}})


def read_cut(server: MockServer, fault: dict[str, Any], body: dict[str, Any] | None = None,
             timeout: float = 10) -> bytes:
    received = b""
    with requests.post(server.url + PATH, json={**(body or BODY), "stream": True},
                       headers={**KEY, "X-Mock-Fault": json.dumps(fault)}, stream=True,
                       timeout=(5, timeout)) as response:
        try:
            for piece in response.iter_content(chunk_size=None):
                received += piece
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError):
            pass
    return received


def test_faults_status_and_delays(server: MockServer) -> None:
    limited = post(server, BODY, {"X-Mock-Fault": json.dumps({"status": 429, "retry_after": 2})})
    assert limited.status_code == 429 and limited.headers["retry-after"] == "2"
    assert limited.json()["error"]["type"] == "rate_limit_error"
    slow = post(server, BODY, {"X-Mock-Fault": json.dumps({"delay_headers_ms": 60})})
    assert slow.status_code == 200 and slow.elapsed.total_seconds() >= 0.06


def test_stream_faults_cut_break_or_leave_out_the_done_line() -> None:
    with MockServer(seed=3, chunk_size=4, json_chunk_size=4) as server:
        cut = read_cut(server, {"disconnect_after_events": 3})
        assert len(parse_sse(cut)) == 3 and b"[DONE]" not in cut
        inside = read_cut(server, {"disconnect_inside_tool_json": True}, {**BODY, "tools": [WEATHER]})
        pieces = [c for c in parse_events(inside) if c["choices"] and c["choices"][0]["delta"].get("tool_calls")]
        assert len(pieces) == 2 and b"[DONE]" not in inside  # the opening delta and one piece of the arguments
        malformed = read_cut(server, {"malformed_data_line": 1})
        with pytest.raises(ValueError):
            parse_events(malformed)
        undone = read_cut(server, {"omit_done": True})
        assert not undone.endswith(b"data: [DONE]\n\n") and parse_events(undone)[-1]["usage"] is not None
        entry = server.requests[-1]
        assert entry["faults"] and entry["endpoint"] == "chat_completions"


def test_record_replay_and_the_validating_proxy_serve_chat(tmp_path: Path) -> None:
    cassette = tmp_path / "chat.json"
    with MockServer(seed=5) as upstream, \
            MockServer(mode="record", upstream=upstream.url, cassette=str(cassette)) as recorder:
        live = [post(recorder, BODY).json(), post(recorder, {**BODY, "stream": True}).content]
        assert recorder.violations["violations"] == []
    recorded = json.loads(cassette.read_text())["interactions"]
    assert [i["request"]["path"] for i in recorded] == [PATH, PATH]
    with MockServer(mode="replay", cassette=str(cassette), replay_speed="none") as replay:
        assert post(replay, BODY).json() == live[0]
        replayed = post(replay, {**BODY, "stream": True}).content
    assert parse_events(replayed) == parse_events(live[1]) and replayed.endswith(b"data: [DONE]\n\n")


@pytest.mark.anyio
async def test_the_proxy_reports_a_chat_upstream_that_breaks_the_contract() -> None:
    broken = {"id": "chatcmpl-x", "object": "chat.completion", "created": 1, "model": "m",
              "choices": [{"index": 0, "finish_reason": "tool_calls",
                           "message": {"role": "assistant", "content": "no calls"}}]}

    async def answer(request: web.Request) -> web.Response:
        return web.json_response(broken, headers={"X-Session-ID": "3f2b8c1e-0d4a-4c5e-9b7a-1c2d3e4f5a6b"})

    app = web.Application()
    app.router.add_post(PATH, answer)
    async with serve_app(app) as upstream, aiohttp.ClientSession() as client:
        with MockServer(mode="proxy", upstream=upstream) as proxy:
            async with client.post(proxy.url + PATH, json=BODY, headers=KEY) as response:
                assert response.status == 200 and await response.json() == broken
            report = proxy.violations["violations"]
    assert any("finish_reason_matches_tool_calls" in json.dumps(v) for v in report), report
