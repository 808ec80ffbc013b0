"""Odd bytes and heavy bodies on the messages route: bytes that are not UTF-8, bodies whose
Content-Encoding does not decode, a client that leaves mid-upload, and the heaviest bodies the
limits allow. Each gets a 4xx naming the problem or is served, never a 5xx; the event loop keeps
answering others meanwhile."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time

import aiohttp
import pytest
from drivers import PATH

from sequrity_contract.mockserver import MockConfig, MockServer
from sequrity_contract.mockserver.synthesis.prose import TOPIC_CHARS

KEY = {"Authorization": "Bearer k", "Content-Type": "application/json"}
STREAM = json.dumps({"model": "m", "max_tokens": 16, "stream": True,
                     "messages": [{"role": "user", "content": "hi"}]}).encode()


def raw_exchange(server: MockServer, body: bytes, headers: dict[str, bytes | str]) -> tuple[int, dict[str, object]]:
    """Send ``body`` with ``headers`` byte for byte; the status and the JSON error body."""
    port = int(server.url.rsplit(":", 1)[1])
    head = f"POST {PATH} HTTP/1.1\r\nHost: t\r\nContent-Length: {len(body)}\r\nConnection: close\r\n".encode()
    for name, value in headers.items():
        head += name.encode() + b": " + (value if isinstance(value, bytes) else value.encode()) + b"\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + b"\r\n" + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), json.loads(rest.partition(b"\r\n\r\n")[2])


@pytest.fixture(scope="module")
def server() -> MockServer:
    with MockServer(MockConfig(max_body_objects=20_000)) as server:
        yield server


@pytest.mark.parametrize(("body", "headers", "expected"), [
    pytest.param(b'{"model":"m","max_tokens":16,"messages":[{"role":"user","content":"a\xed\xa0\x80b"}]}', {},
                 "request body: expected UTF-8 text, got the byte 0xed at offset 68", id="encoded-surrogate"),
    pytest.param(b"\x1f\x8b\x08garbage", {"Content-Encoding": "gzip"},
                 "request body: expected 'gzip' data as its Content-Encoding header says", id="gzip-garbage"),
    pytest.param(b"garbage", {"Content-Encoding": "deflate"},
                 "request body: expected 'deflate' data as its Content-Encoding header says", id="deflate-garbage"),
    pytest.param(STREAM, {"X-Mock-Fault": b'{"error_event": 1, "message": "a\xffb"}'},
                 "X-Mock-Fault header: expected a JSON object", id="fault-header-not-utf8"),
    pytest.param(STREAM, {"X-Config": b'{"prompt": {"note": "\xfe"}}'},
                 "X-Config header: expected UTF-8 text, got the byte 0xfe", id="config-header-not-utf8"),
])
def test_bytes_that_are_not_what_they_claim_get_a_400_naming_them(
        server: MockServer, body: bytes, headers: dict[str, bytes | str], expected: str,
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        status, error = raw_exchange(server, body, {**KEY, **headers})
        time.sleep(0.1)  # the server finishes with the connection
    assert status == 400, error
    assert expected in str(error["detail"])
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_client_that_leaves_while_uploading_is_journalled_as_gone(
        server: MockServer, caplog: pytest.LogCaptureFixture) -> None:
    server.clear()
    port = int(server.url.rsplit(":", 1)[1])
    with caplog.at_level(logging.INFO):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(f"POST {PATH} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer k\r\n"
                         "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"model\":".encode())
            time.sleep(0.2)
        deadline = time.monotonic() + 5
        while not (server.requests and server.requests[-1]["error"]) and time.monotonic() < deadline:
            time.sleep(0.05)
    [entry] = server.requests
    assert entry["status"] is None and entry["error"].startswith("the client left while sending the body")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in caplog.records if "the client left" in r.getMessage()]  # one line


def test_a_body_with_more_objects_than_the_limit_gets_a_413_naming_it(server: MockServer) -> None:
    body = {"model": "m", "max_tokens": 16,
            "messages": [{"role": "user", "content": [{"type": "text", "text": "w"}] * 20_001}]}
    status, error = raw_exchange(server, json.dumps(body).encode(), KEY)
    assert status == 413
    assert "20005 JSON objects and arrays" in str(error["detail"]) and "max_body_objects" in str(error["detail"])


def test_the_answers_topic_comes_from_the_start_of_a_long_message(server: MockServer) -> None:
    start = "zebra " * (TOPIC_CHARS // 6)
    body = {"model": "m", "max_tokens": 64, "messages": [{"role": "user", "content": start + "giraffe " * 200_000}]}
    status, answer = raw_exchange(server, json.dumps(body).encode(), KEY)
    assert status == 200
    assert "zebra" in json.dumps(answer) and "giraffe" not in json.dumps(answer)


async def _worst_health_probe_while(server: MockServer, body: bytes) -> tuple[int, float, float]:
    """(the heavy request's status, the longest a health probe waited while it was served, how long
    the heavy request took)."""
    async with aiohttp.ClientSession() as http:
        async def heavy() -> int:
            async with http.post(server.url + PATH, data=body, headers=KEY) as response:
                await response.read()
                return response.status

        sent = time.perf_counter()
        task = asyncio.create_task(heavy())
        worst = 0.0
        while not task.done():
            started = time.perf_counter()
            async with http.get(server.url + "/control/health") as probe:
                await probe.read()
            worst = max(worst, time.perf_counter() - started)
            await asyncio.sleep(0.01)
        status = await task
        return status, worst, time.perf_counter() - sent


@pytest.mark.parametrize("shape", ["most-objects", "longest-text"])
def test_the_heaviest_allowed_body_leaves_the_server_answering_others(shape: str) -> None:
    with MockServer() as server:  # the default limits
        config = MockConfig()
        if shape == "most-objects":
            blocks = [{"type": "text", "text": "w"}] * (config.max_body_objects - 10)
            body = {"model": "m", "max_tokens": 16, "messages": [{"role": "user", "content": blocks}]}
        else:
            words = "word " * ((config.max_body_bytes - 200) // 5)
            body = {"model": "m", "max_tokens": 16, "messages": [{"role": "user", "content": words}]}
        status, worst, heavy = asyncio.run(_worst_health_probe_while(server, json.dumps(body).encode()))
    assert status == 200
    # Relative, not a wall-clock limit: a server that served the probe behind the heavy request's
    # work would keep it waiting about as long as the heavy request took.
    assert worst < heavy / 2, f"a health probe waited {worst:.2f} s of the heavy request's {heavy:.2f} s"
