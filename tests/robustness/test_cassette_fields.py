"""Cassette fields: every field of a cassette is checked when it is loaded, and a file nested too
deeply (a cassette, ``--stubs``, ``--fault``) is refused, so ``sequrity-mock serve`` exits 2 with a
message naming the file, the interaction and the JSON path, instead of a 500, a hang, a
``101 Switching Protocols`` or a traceback at request time."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sequrity_contract.mockserver import MockServer
from sequrity_contract.mockserver.modes.cassette import Cassette, CassetteError
from sequrity_contract.mockserver.support.byte_text import text_of
from sequrity_contract.mockserver.support.json_nesting import MAX_NESTING

SERVE = [sys.executable, "-m", "sequrity_contract", "serve", "--port", "0"]
REQUEST = {"model": "m", "max_tokens": 20, "messages": [{"role": "user", "content": "hi"}]}
PATH = "/control/chat/v1/messages"


def cassette(response: dict[str, Any], request: dict[str, Any] | None = None) -> dict[str, Any]:
    good = {"request": {"method": "POST", "path": PATH, "headers": {}, "body": REQUEST},
            "response": {"status": 200, "headers": {}, "at": 0, "body": {"ok": True}}}
    return {"version": 1, "interactions": [good, {"request": request or good["request"], "response": response}]}


STREAM = {"status": 200, "headers": {}, "at": 0}
SECONDS = "response.at: expected a number of seconds from 0 to 3600, got"
BAD_RESPONSES = [
    ("at a word", {**STREAM, "at": "soon", "body": {}},
     '$.interactions[1].response.at: expected a number of seconds from 0 to 3600, got "soon"'),
    ("at null", {**STREAM, "at": None, "body": {}}, "$.interactions[1].response.at: expected a number of seconds"),
    ("at 1e308", {**STREAM, "at": 1e308, "body": {}}, f"{SECONDS} 1e+308"),
    ("at negative", {**STREAM, "at": -1, "body": {}}, f"{SECONDS} -1"),
    ("at true", {**STREAM, "at": True, "body": {}}, f"{SECONDS} true"),
    ("event at a word", {**STREAM, "events": [{"at": 0, "event": {"type": "message_start"}},
                                              {"at": "later", "event": {"type": "message_stop"}}]},
     '$.interactions[1].response.events[1].at: expected a number of seconds from 0 to 3600, got "later"'),
    ("event at 1e308", {**STREAM, "events": [{"at": 1e308, "event": {"type": "message_stop"}}]},
     "$.interactions[1].response.events[0].at: expected a number of seconds"),
    ("status 101", {**STREAM, "status": 101, "events": [{"at": 0, "event": {"type": "message_stop"}}]},
     "$.interactions[1].response.status: expected an HTTP status from 200 to 599 (an interim 1xx status"),
    ("status 100", {**STREAM, "status": 100, "body": {}}, "response.status: expected an HTTP status from 200 to 599"),
    ("status 204 with a body", {**STREAM, "status": 204, "body": {"x": 1}},
     '$.interactions[1].response.body: expected the empty body "" (a 204 answer has no body)'),
    ("status 304 with events", {**STREAM, "status": 304, "events": []},
     "$.interactions[1].response.events: expected no events: a 304 answer has no body"),
    ("status 600", {**STREAM, "status": 600, "body": {}}, "response.status: expected an HTTP status from 200 to 599"),
    ("header with CR LF", {**STREAM, "headers": {"X-Session-ID": "a\r\nX-Evil: 1"}, "body": {}},
     "$.interactions[1].response.headers.X-Session-ID: expected a header value without control characters, "
     "got '\\r'"),
    ("header with NUL", {**STREAM, "headers": {"X-Session-ID": "a\x00"}, "body": {}},
     "response.headers.X-Session-ID: expected a header value without control characters"),
    ("header name with a space", {**STREAM, "headers": {"X Session": "a"}, "body": {}},
     'response.headers["X Session"]: expected a header name of letters, digits'),
    ("header not a string", {**STREAM, "headers": {"Retry-After": 3}, "body": {}},
     "response.headers.Retry-After: expected a header value, got 3"),
    ("header a lone high surrogate", {**STREAM, "headers": {"X-Session-ID": "\ud800"}, "body": {}},
     "response.headers.X-Session-ID: expected a header value of Unicode text and \\udc80-\\udcff byte escapes"),
    ("framing header", {**STREAM, "headers": {"Content-Length": "5"}, "body": {}},
     "response.headers.Content-Length: expected no framing or hop-by-hop header"),
    ("headers a list", {**STREAM, "headers": [], "body": {}}, "response.headers: expected an object of header"),
    ("body and events", {**STREAM, "body": {}, "events": []}, "$.interactions[1].response: expected either a body or"),
    ("events an object", {**STREAM, "events": {}}, "response.events: expected a list of {at, event}, got {}"),
    ("event without a type", {**STREAM, "events": [{"at": 0, "event": {"index": 0}}]},
     "$.interactions[1].response.events[0].event: expected an event object with a \"type\""),
    ("event type with a newline", {**STREAM, "events": [{"at": 0, "event": {"type": "a\ndata: x"}}]},
     "response.events[0].event: expected an event object"),
    ("event with a lone surrogate", {**STREAM, "events": [{"at": 0, "event": {"type": "x", "text": "\udcff"}}]},
     "$.interactions[1].response.events[0].event.text: expected Unicode text, got a lone surrogate"),
    ("unknown response key", {**STREAM, "stauts": 200, "body": {}},
     "$.interactions[1].response.stauts: unexpected key: expected only status, headers, at, body, events"),
    ("status missing", {"body": {}}, "$.interactions[1].response.status: missing (required in every response)"),
]
BAD_REQUESTS = [
    ("method with a space", {"method": "PO ST", "path": PATH}, "request.method: expected an HTTP method"),
    ("path without a slash", {"method": "POST", "path": "control"}, "request.path: expected a path starting with /"),
    ("request header with LF", {"method": "POST", "path": PATH, "headers": {"X-Config": "{}\n"}},
     "$.interactions[1].request.headers.X-Config: expected a header value without control characters"),
]


@pytest.mark.parametrize(("response", "problem"), [b[1:] for b in BAD_RESPONSES], ids=[b[0] for b in BAD_RESPONSES])
def test_every_response_field_is_checked_at_load(tmp_path: Path, response: dict[str, Any], problem: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(cassette(response)))
    with pytest.raises(CassetteError) as raised:
        Cassette.load(path)
    assert str(raised.value).startswith(f"cassette {path}: $.interactions[1]")
    assert problem in str(raised.value)


@pytest.mark.parametrize(("request_", "problem"), [b[1:] for b in BAD_REQUESTS], ids=[b[0] for b in BAD_REQUESTS])
def test_every_request_field_is_checked_at_load(tmp_path: Path, request_: dict[str, Any], problem: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(cassette({**STREAM, "body": {}}, request_)))
    with pytest.raises(CassetteError, match=r"^cassette .*x\.json: \$\.interactions\[1\]\.request") as raised:
        Cassette.load(path)
    assert problem in str(raised.value)


def test_serve_exits_2_naming_the_cassette_the_interaction_and_the_path(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(cassette({**STREAM, "at": "soon", "body": {}})))
    done = subprocess.run([*SERVE, "--mode", "replay", "--cassette", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (f'sequrity-mock serve: error: cassette {path}: $.interactions[1].response.at: '
                           'expected a number of seconds from 0 to 3600, got "soon"\n')


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("levels", [MAX_NESTING + 1, 100_000])
def test_a_cassette_nested_too_deeply_is_refused_with_exit_2(tmp_path: Path, levels: int) -> None:
    path = tmp_path / "deep.json"
    document = cassette({**STREAM, "body": {}})
    document["interactions"][1]["request"] = {**document["interactions"][1]["request"], "body": "DEEP"}
    path.write_text(json.dumps(document).replace('"DEEP"', _deep(levels)))
    done = subprocess.run([*SERVE, "--mode", "replay", "--cassette", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"cassette {path}: " in done.stderr
    assert f"expected JSON nested at most {MAX_NESTING} levels deep" in done.stderr
    if levels == MAX_NESTING + 1:  # parsed, then measured: the interaction is named
        assert "$.interactions[1]: expected JSON nested" in done.stderr


def test_a_stubs_file_nested_too_deeply_is_refused_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "stubs.json"
    path.write_text(_deep(100_000))
    done = subprocess.run([*SERVE, "--stubs", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"sequrity-mock serve: error: stubs file {path}: expected JSON nested at most "
                                  f"{MAX_NESTING} levels deep")


def test_a_fault_nested_too_deeply_is_refused_with_exit_2() -> None:
    fault = '{"status": 503, "x": ' + _deep(5_000) + "}"
    done = subprocess.run([*SERVE, "--fault", fault], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "sequrity-mock serve: error: --fault '{\"status\": 503" in done.stderr
    assert f"expected JSON nested at most {MAX_NESTING} levels deep" in done.stderr


def _raw_exchange(port: int, head: bytes, body: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_a_replayed_text_body_is_sent_as_the_exact_bytes_recorded(tmp_path: Path) -> None:
    raw = b"caf\xc3\xa9 \xff\xfe not JSON"
    path = tmp_path / "bytes.json"
    path.write_text(json.dumps({"version": 1, "interactions": [{
        "request": {"method": "POST", "path": PATH, "headers": {}, "body": REQUEST},
        "response": {**STREAM, "headers": {"Content-Type": "text/plain"}, "body": text_of(raw)}}]}))
    assert "\\udcff" in path.read_text()  # the file holds the byte as an escape
    with MockServer(mode="replay", cassette=str(path), replay_speed="none") as server:
        answer = _raw_exchange(server.port, b"POST " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\n"
                               b"Authorization: Bearer k\r\nContent-Type: application/json\r\n",
                               json.dumps(REQUEST).encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 "), answer[:300]
    assert body == raw
