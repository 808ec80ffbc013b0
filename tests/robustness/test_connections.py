"""Connections: idle, slowloris and slow-body clients are not held forever (``idle_timeout``,
``body_timeout``); IPv6 hosts appear in brackets in every URL; the proxy relays redirects instead of
following them; a proxied stream cut by SIGTERM is journalled ``disconnected``."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from aiohttp import web
from drivers import ServeProcess

from sequrity_contract.mockserver import MockServer

PATH = "/control/chat/v1/messages"
HEAD = (b"POST " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
        b"Content-Type: application/json\r\n")
REQUEST = {"model": "m", "max_tokens": 20, "messages": [{"role": "user", "content": "hi"}]}


def read_until_closed(sock: socket.socket, limit: float) -> tuple[bytes, float]:
    """What ``sock`` receives until the server closes it (or ``limit`` seconds pass), and when."""
    started = time.monotonic()
    sock.settimeout(limit)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return data, time.monotonic() - started


def read_response(sock: socket.socket, limit: float) -> tuple[bytes, bytes, float]:
    """The head and body of one response with a ``Content-Length``, and the seconds it took."""
    started = time.monotonic()
    sock.settimeout(limit)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536) or b""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = int(next(line.split(b":")[1] for line in lines if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    return head, body, time.monotonic() - started


@pytest.fixture(scope="module")
def impatient() -> MockServer:
    with MockServer(idle_timeout=0.5, body_timeout=0.5) as server:
        yield server


def test_an_idle_connection_is_closed_after_the_idle_timeout(impatient: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", impatient.port)) as sock:
        data, seconds = read_until_closed(sock, 10)
    assert data == b""
    assert 0.4 < seconds < 3


def test_a_connection_is_closed_the_idle_timeout_after_its_last_answer(impatient: MockServer) -> None:
    body = json.dumps(REQUEST).encode()
    with socket.create_connection(("127.0.0.1", impatient.port)) as sock:
        sock.sendall(HEAD + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        head, _, _ = read_response(sock, 10)
        assert head.startswith(b"HTTP/1.1 200 ")
        data, seconds = read_until_closed(sock, 10)
    assert data == b""
    assert 0.4 < seconds < 3


def test_headers_trickling_in_slowly_are_cut_off_at_the_idle_timeout(impatient: MockServer) -> None:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", impatient.port)) as sock:
        try:
            for byte in HEAD:  # one byte every 20 ms: the head would take over 2 s
                sock.send(bytes([byte]))
                time.sleep(0.02)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data, _ = read_until_closed(sock, 10)
    assert data == b""  # the connection was closed, nothing answered
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("kind", ["a Content-Length longer than the body", "a body trickling in"])
def test_a_body_that_does_not_arrive_in_time_gets_a_408(impatient: MockServer, kind: str) -> None:
    body = json.dumps(REQUEST).encode()
    with socket.create_connection(("127.0.0.1", impatient.port)) as sock:
        sock.sendall(HEAD + b"Content-Length: %d\r\n\r\n" % len(body) + body[:10])
        if kind == "a body trickling in":
            for byte in body[10:20]:
                time.sleep(0.1)
                sock.send(bytes([byte]))
        head, answer, seconds = read_response(sock, 10)
    assert head.startswith(b"HTTP/1.1 408 ")
    assert b"\r\nConnection: close" in head
    assert seconds < 3
    error = json.loads(answer)
    assert error["type"] == "error" and error["error"]["type"] == "invalid_request_error"
    assert error["error"]["message"].startswith("request body: expected it to arrive within 0.5 s (body_timeout; "
                                                "sequrity-mock serve --body-timeout), got ")
    assert error["error"]["message"].endswith(f" bytes of the {len(body)} declared in Content-Length")


def test_the_timeouts_are_checked_and_are_serve_options() -> None:
    with pytest.raises(ValueError, match=r"idle_timeout=0: expected a number of seconds > 0"):
        MockServer(idle_timeout=0)
    with pytest.raises(ValueError, match=r"body_timeout=inf: expected a number of seconds > 0"):
        MockServer(body_timeout=float("inf"))
    done = subprocess.run([sys.executable, "-m", "sequrity_contract", "serve", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert "--idle-timeout SECONDS" in done.stdout and "--body-timeout SECONDS" in done.stdout


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback here")
def test_an_ipv6_host_is_bracketed_in_every_url() -> None:
    with MockServer(host="::1") as server:
        assert server.url == f"http://[::1]:{server.port}"
        assert server.messages_url().startswith(f"http://[::1]:{server.port}/control/")
        assert requests.get(server.url + "/control/health", timeout=10).status_code == 200
    with ServeProcess("--host", "::1") as served:
        assert served.url.startswith("http://[::1]:")
        assert requests.get(served.url + "/control/health", timeout=10).status_code == 200


async def _redirecting_upstream(hits: list[str]) -> web.AppRunner:
    async def redirect(request: web.Request) -> web.Response:
        hits.append(request.path)
        await request.read()
        return web.Response(status=307, headers={"Location": f"/moved{len(hits)}{request.path}"})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", redirect)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    return runner


def test_the_proxy_relays_a_redirect_instead_of_following_it() -> None:
    hits: list[str] = []

    async def scenario() -> tuple[int, str | None, list[dict[str, object]]]:
        runner = await _redirecting_upstream(hits)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            async with MockServer(mode="proxy", upstream=f"http://127.0.0.1:{port}") as proxy:
                answer = await asyncio.to_thread(
                    requests.post, proxy.messages_url(), json=REQUEST, headers={"Authorization": "Bearer k"},
                    allow_redirects=False, timeout=30)
                return answer.status_code, answer.headers.get("Location"), proxy.requests
        finally:
            await runner.cleanup()

    status, location, journal = asyncio.run(scenario())
    assert (status, location) == (307, f"/moved1{PATH}")
    assert hits == [PATH]  # the body went upstream once, to the configured URL only
    assert journal[-1]["status"] == 307


def test_a_proxied_stream_cut_by_sigterm_is_journalled_disconnected(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"

    async def endless_stream(request: web.Request) -> web.StreamResponse:
        await request.read()
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "X-Session-ID":
                                               "00000000-0000-4000-8000-000000000001"})
        await response.prepare(request)
        await response.write(b'event: message_start\ndata: {"type": "message_start"}\n\n')
        await asyncio.sleep(60)
        return response

    async def scenario() -> tuple[int, bytes]:
        app = web.Application()
        app.router.add_post("/{tail:.*}", endless_stream)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            with ServeProcess("--mode", "proxy", "--upstream", f"http://127.0.0.1:{port}",
                              "--journal-file", str(journal)) as proxy:
                reader, writer = await asyncio.open_connection("127.0.0.1", int(proxy.url.rsplit(":", 1)[1]))
                body = json.dumps({**REQUEST, "stream": True}).encode()
                writer.write(HEAD + b"Content-Length: %d\r\n\r\n" % len(body) + body)
                seen = await asyncio.wait_for(reader.readuntil(b"message_start"), 10)
                code, _ = await asyncio.to_thread(proxy.terminate, 15)
                writer.close()
                return code, seen
        finally:
            await runner.cleanup()

    code, seen = asyncio.run(scenario())
    assert code == 0
    assert seen.startswith(b"HTTP/1.1 200 ")
    entries = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [(e["stream"], e["events_sent"], e["disconnected"]) for e in entries] == [(True, 1, True)]
