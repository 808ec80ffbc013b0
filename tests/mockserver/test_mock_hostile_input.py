"""Hostile but legal-looking input found in review: each gets a contract answer, never a 500."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest
from mock_helpers import post

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer

HELLO = [{"role": "user", "content": "Say hello to Ada, please"}]


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize(("field", "body"), [
    ("max_tokens", {"model": "m", "max_tokens": 3.0, "messages": HELLO}),
    ("thinking.budget_tokens", {"model": "m", "max_tokens": 4000.0, "messages": HELLO,
                                "thinking": {"type": "enabled", "budget_tokens": 2000.0}}),
])
def test_integers_written_as_floats_are_integers(server: MockServer, field: str, body: dict, stream: bool) -> None:
    # JSON Schema counts 3.0 as an integer, so the request is valid and must be answered.
    answer = post(server.messages_url(), {**body, "stream": stream})
    assert answer.status == 200, answer.body[:500]
    if not stream:
        assert schemas.check("response", answer.json(), request=body) == []


def _raw_request(url: str, header: bytes) -> tuple[int, bytes]:
    parts = urlsplit(url)
    body = json.dumps({"model": "m", "max_tokens": 10, "messages": HELLO}).encode()
    request = (f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAuthorization: Bearer k\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n").encode()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request + header + b"\r\n\r\n" + body)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, payload = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), payload


@pytest.mark.parametrize("header", [b"X-Policy: {\"mode\":\"\xe9\"}", b"X-Features: {\"agent_arch\":\"\xff\"}",
                                    b"X-Config: {\"fsm\":{\"\xe9\":1}}"], ids=["x-policy", "x-features", "x-config"])
def test_raw_non_utf8_header_bytes_get_a_400_naming_the_header(server: MockServer, header: bytes) -> None:
    status, payload = _raw_request(server.messages_url(), header)
    assert status == 400
    body = json.loads(payload)
    assert schemas.check("error", body, status=400) == []
    assert body["error"]["message"].startswith(header.split(b":")[0].decode())


def test_the_journal_keeps_request_bodies_within_its_byte_budget() -> None:
    big = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x" * 400_000}]}
    with MockServer(journal_bytes=1_000_000) as server:
        for _ in range(5):
            assert post(server.messages_url(), big).status == 200
        entries = server.requests
        assert len(entries) == 2  # 3 x 400 kB would exceed 1 MB: the oldest went first
        assert [e["seq"] for e in entries] == [4, 5]
        assert post(server.messages_url(), {**big, "messages": HELLO}).status == 200
        assert len(server.requests) == 3


def test_a_session_gets_no_more_turns_than_x_config_allows(server: MockServer) -> None:
    config = {"X-Config": json.dumps({"fsm": {"max_n_turns": 2}})}
    first = post(server.messages_url(), {"model": "m", "max_tokens": 20, "messages": HELLO}, config)
    session = {**config, "X-Session-ID": first.headers["X-Session-ID"]}
    assert post(server.messages_url(), {"model": "m", "max_tokens": 20, "messages": HELLO}, session).status == 200
    third = post(server.messages_url(), {"model": "m", "max_tokens": 20, "messages": HELLO}, session)
    assert third.status == 400
    assert schemas.check("error", third.json(), status=400) == []
    assert third.json()["error"]["message"].startswith("X-Config header: $.fsm.max_n_turns:")
    fresh = post(server.messages_url(), {"model": "m", "max_tokens": 20, "messages": HELLO}, config)
    assert fresh.status == 200
