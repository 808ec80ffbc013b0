"""The validating proxy (``mode="proxy"``) in front of a deliberately non-conforming upstream:
each fault is relayed unchanged and reported once, naming its clause and JSON path."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from upstream_helpers import free_port, serve_app

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer
from sequrity_contract.schemas.sse import encode_events, parse_events

pytestmark = pytest.mark.anyio

SESSION = "5d0c1f7e-8a3b-4c2d-9e1f-0a1b2c3d4e5f"
AUTH = {"Authorization": "Bearer sk-proxy-test"}
GOOD = {"id": "msg_1", "type": "message", "role": "assistant", "content": [{"type": "text", "text": "Hello there"}],
        "model": "m", "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": 3, "output_tokens": 3}}
RELEASE: web.AppKey[asyncio.Event] = web.AppKey("release", asyncio.Event)
SEEN: web.AppKey[list[dict[str, str]]] = web.AppKey("seen", list)


def _json(body: Any, status: int = 200, session: bool = True) -> web.Response:
    headers = {"X-Session-ID": SESSION} if session else {}
    return web.json_response(body, status=status, headers=headers)


async def _stream(request: web.Request, events: list[dict[str, Any]], hold_after: int | None = None
                  ) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "X-Session-ID": SESSION})
    await response.prepare(request)
    for index, event in enumerate(events):
        await response.write(encode_events([event]))
        if index == hold_after:
            await asyncio.wait_for(request.app[RELEASE].wait(), timeout=10)
    await response.write_eof()
    return response


async def faulty_upstream(request: web.Request) -> web.StreamResponse:
    """Answers according to the fault named by the request's first message."""
    request.app[SEEN].append(dict(request.headers))
    body = await request.json()
    fault = body["messages"][0]["content"]
    good_events = schemas.to_events(GOOD)
    if fault == "wrong field":
        return _json({**GOOD, "type": "msg"})
    if fault == "bad stop_reason":
        return _json({**GOOD, "stop_reason": "finished"})
    if fault == "tool_use without a tool":
        return _json({**GOOD, "stop_reason": "tool_use"})
    if fault == "no session header":
        return _json(GOOD, session=False)
    if fault == "wrong error type":
        message = "slow down"
        return _json({"type": "error", "error": {"type": "invalid_request_error", "message": message},
                      "detail": message}, status=429, session=False)
    if fault == "out-of-order stream":
        start, block_start, delta = good_events[:3]
        return await _stream(request, [start, delta, block_start, *good_events[3:]])
    if fault == "held stream":
        return await _stream(request, good_events, hold_after=0)
    if body.get("stream"):
        return await _stream(request, good_events)
    return _json(GOOD)


def faulty_app() -> web.Application:
    app = web.Application()
    app[RELEASE] = asyncio.Event()
    app[SEEN] = []
    app.router.add_post("/control/{tail:.*}", faulty_upstream)
    return app


def request_body(fault: str, **extra: Any) -> dict[str, Any]:
    return {"model": "m", "max_tokens": 50, "messages": [{"role": "user", "content": fault}], **extra}


async def post(url: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    async with aiohttp.ClientSession() as session, session.post(url, json=body, headers={**AUTH, **(headers or {})}
                                                                ) as answer:
        return answer.status, dict(answer.headers), await answer.read()


async def violations(proxy: MockServer) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session, session.get(f"{proxy.url}/__admin/violations") as answer:
        return await answer.json()


FAULTS = [
    # (fault, stream, subject, rule, path)
    ("wrong field", False, "response body", "schema:const", "$.type"),
    ("bad stop_reason", False, "response body", "schema:enum", "$.stop_reason"),
    ("tool_use without a tool", False, "response body", "stop_reason_matches_tool_use", "$.stop_reason"),
    ("no session header", False, "response header X-Session-ID", "session_header_on_2xx", "$"),
    ("wrong error type", False, "error body", "error_type_matches_status", "$.error.type"),
    ("out-of-order stream", True, "stream", "stream:delta_inside_open_block", "$.events[1]"),
]


@pytest.mark.parametrize(("fault", "stream", "subject", "rule", "path"), FAULTS, ids=[f[0] for f in FAULTS])
async def test_each_fault_is_relayed_and_reported_once(fault: str, stream: bool, subject: str, rule: str,
                                                       path: str) -> None:
    async with serve_app(faulty_app()) as upstream, MockServer(mode="proxy", upstream=upstream) as proxy:
        body = request_body(fault, stream=stream)
        direct = await post(f"{upstream}/control/chat/v1/messages", body)
        relayed = await post(proxy.messages_url(), body)
        assert (relayed[0], relayed[2]) == (direct[0], direct[2])  # relayed unchanged
        report = await violations(proxy)
        (entry,) = proxy.requests
    assert report["exchanges_checked"] == 1
    (item,) = report["violations"]
    assert (item["subject"], item["rule"], item["path"]) == (subject, rule, path)
    assert item["request"] == "POST /control/chat/v1/messages" and item["seq"] == 1
    assert path in item["message"] and rule in item["message"]
    assert entry["violations"] == [item]


async def test_conforming_answers_plain_and_streamed_report_nothing() -> None:
    async with serve_app(faulty_app()) as upstream, MockServer(mode="proxy", upstream=upstream) as proxy:
        plain = await post(proxy.messages_url(), request_body("fine"))
        streamed = await post(proxy.messages_url(), request_body("fine", stream=True))
        report = await violations(proxy)
        entries = proxy.requests
    assert json.loads(plain[2]) == GOOD
    assert schemas.accumulate(parse_events(streamed[2])) == GOOD
    assert streamed[1]["X-Session-ID"] == plain[1]["X-Session-ID"] == SESSION
    assert report["violations"] == [] and report["exchanges_checked"] == 2
    assert [e["events_sent"] for e in entries if e["stream"]] == [6]


async def test_request_violations_are_reported_and_the_request_still_forwarded() -> None:
    async with serve_app(faulty_app()) as upstream, MockServer(mode="proxy", upstream=upstream) as proxy:
        status, _, _ = await post(proxy.messages_url(), request_body("fine", temperature=3),
                                  headers={"X-Config": '{"fsm": {"max_n_turns": 0}}'})
        report = await violations(proxy)
    assert status == 200
    found = {(v["subject"], v["rule"], v["path"]) for v in report["violations"]}
    assert found == {("request body", "temperature_range", "$.temperature"),
                     ("request header X-Config", "schema:minimum", "$.fsm.max_n_turns")}


async def test_headers_are_forwarded_and_the_session_header_relayed() -> None:
    app = faulty_app()
    sent = {"X-Api-Key": "llm-key", "X-Features": '{"agent_arch": "dual-llm"}', "X-Session-ID": SESSION,
            "X-Policy": '{"mode": "strict"}', "X-Custom": "kept"}
    async with serve_app(app) as upstream, MockServer(mode="proxy", upstream=upstream) as proxy:
        _, headers, _ = await post(proxy.messages_url("code", "openai"), request_body("fine"), headers=sent)
        entry = proxy.requests[0]
    (received,) = app[SEEN]
    assert {k: received[k] for k in sent} == sent
    assert received["Authorization"] == AUTH["Authorization"]
    assert headers["X-Session-ID"] == SESSION
    assert entry["session_id"] == SESSION and entry["headers"]["Authorization"] == "<redacted>"


async def test_streams_are_relayed_event_by_event_not_buffered() -> None:
    app = faulty_app()
    async with (serve_app(app) as upstream, MockServer(mode="proxy", upstream=upstream) as proxy,
                aiohttp.ClientSession() as session,
                session.post(proxy.messages_url(), json=request_body("held stream", stream=True),
                             headers=AUTH) as answer):
        # the upstream holds the rest of the stream until the client has seen the first event
        first = await asyncio.wait_for(answer.content.readuntil(b"\n\n"), timeout=10)
        assert first.startswith(b"event: message_start")
        app[RELEASE].set()
        rest = await answer.read()
        report = await violations(proxy)
    assert schemas.accumulate(parse_events(first + rest)) == GOOD
    assert report["violations"] == []


async def test_an_unreachable_upstream_gives_502_with_the_contract_error_body() -> None:
    upstream = f"http://127.0.0.1:{free_port()}"
    async with MockServer(mode="proxy", upstream=upstream) as proxy:
        status, _, data = await post(proxy.messages_url(), request_body("fine"))
        (entry,) = proxy.requests
    body = json.loads(data)
    assert status == 502
    assert schemas.check("error", body, status=502) == []
    assert upstream in body["error"]["message"]
    assert entry["status"] == 502 and upstream in entry["error"]


async def test_the_report_file_is_written_on_shutdown(tmp_path: Any) -> None:
    report_file = tmp_path / "violations.json"
    async with serve_app(faulty_app()) as upstream:
        async with MockServer(mode="proxy", upstream=upstream, report=str(report_file)) as proxy:
            await post(proxy.messages_url(), request_body("bad stop_reason"))
            await post(proxy.messages_url(), request_body("fine"))
            assert not report_file.exists()
        report = json.loads(report_file.read_text())
    assert report["exchanges_checked"] == 2 and report["violation_count"] == 1
    assert report["upstream"] == upstream
    (item,) = report["violations"]
    assert (item["rule"], item["path"], item["value"]) == ("schema:enum", "$.stop_reason", '"finished"')
