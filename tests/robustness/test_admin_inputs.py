"""The admin API's inputs: whatever a client sends to ``/__admin`` (odd bytes in the token, odd
query values, bad paths and regexes, deep or huge definitions, bodies that do not decode or are
too large or not JSON) gets a 4xx with the contract's JSON error body naming the problem, and
nothing it accepts can later break the messages route or stall the event loop.

Limits named here are the ones :mod:`sequrity_contract.mockserver.scripting.limits` defines.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from drivers import PATH, SERVE, ServeProcess

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockConfig, MockServer
from sequrity_contract.mockserver.scripting.faults import FaultError
from sequrity_contract.mockserver.scripting.limits import (
    MAX_JSON_DEPTH,
    MAX_MATCH_VALUES,
    MAX_PREDICATES,
    MAX_REGEX_PREDICATES,
    MAX_SEQUENCE_STEPS,
)
from sequrity_contract.mockserver.scripting.stubs import StubError

ADMIN_TOKEN = "admin-inputs-token"
JSON = {"Content-Type": "application/json"}
REQUEST = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hello"}]}
MESSAGE = {"content": [{"type": "text", "text": "stubbed"}]}


def nested(depth: int, leaf: Any = 1) -> Any:
    """``leaf`` inside ``depth`` nested lists."""
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def nested_json(depth: int) -> str:
    """The JSON text of :func:`nested` without building it (``json.dumps`` would recurse)."""
    return "[" * depth + "1" + "]" * depth


@pytest.fixture(scope="module")
def serve() -> Iterator[ServeProcess]:
    """One real ``sequrity-mock serve`` process (a small body limit) shared by the module's tests."""
    with ServeProcess("--max-body-bytes", "200000") as server:
        yield server


def ask(url: str, method: str, path: str, body: bytes = b"",
        headers: dict[str, str | bytes] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request with ``http.client`` (header values may be raw bytes); status, headers and body."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest(method, path)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body or method in ("POST", "PUT"):
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def error_of(status: int, headers: dict[str, str], body: bytes) -> str:
    """The message of a contract error answer (asserting it is one, JSON, 4xx)."""
    assert 400 <= status < 500, (status, body[:300])
    assert headers.get("Content-Type", "").startswith("application/json"), (headers, body[:300])
    document = json.loads(body)
    assert schemas.check("error", document, status=status) == [], document
    return document["error"]["message"]


def post_stub(url: str, definition: str | Any, headers: dict[str, str | bytes] | None = None) -> tuple[
        int, dict[str, str], bytes]:
    text = definition if isinstance(definition, str) else json.dumps(definition)
    return ask(url, "POST", "/__admin/stubs", text.encode(), {**JSON, **(headers or {})})


def messages_status(url: str) -> int:
    return ask(url, "POST", PATH, json.dumps(REQUEST).encode(), {**JSON, "Authorization": "Bearer k"})[0]


# --- the admin token --------------------------------------------------------------------------


def test_a_bearer_token_with_a_byte_that_is_not_utf8_is_refused_with_401_json() -> None:
    with ServeProcess("--admin-token", ADMIN_TOKEN) as server:
        message = error_of(*ask(server.url, "GET", "/__admin/health", headers={"Authorization": b"Bearer \xff"}))
        assert "--admin-token" in message
        status, _, _ = ask(server.url, "GET", "/__admin/health", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert status == 200


def test_without_an_admin_token_such_a_header_is_ignored_like_any_other(serve: ServeProcess) -> None:
    status, _, body = ask(serve.url, "GET", "/__admin/health", headers={"Authorization": b"Bearer \xff"})
    assert status == 200 and json.loads(body)["status"] == "ok"


# --- query parameters -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["%C2%B2", "9" * 5000, "-1", "1.5", "%EF%BC%91"],
                         ids=["superscript-two", "5000-digits", "negative", "fraction", "fullwidth-one"])
def test_limit_takes_ascii_digits_only(serve: ServeProcess, value: str) -> None:
    message = error_of(*ask(serve.url, "GET", f"/__admin/requests?limit={value}"))
    assert message.startswith("query parameter limit=") and "ASCII digits" in message
    assert len(message) < 300


def test_a_plain_limit_still_works(serve: ServeProcess) -> None:
    status, _, body = ask(serve.url, "GET", "/__admin/requests?limit=2")
    assert status == 200 and len(json.loads(body)) <= 2


# --- stub definitions -------------------------------------------------------------------------


@pytest.mark.parametrize("path,expected", [
    ('$["\\q"]', "valid escapes"),
    ("$.messages[" + "9" * 5000 + "]", "at most 9 digits"),
], ids=["bad-escape", "5000-digit-index"])
def test_a_bad_predicate_path_is_a_400_naming_it(serve: ServeProcess, path: str, expected: str) -> None:
    stub = {"match": {"where": [{"path": path, "exists": True}]}, "message": MESSAGE}
    message = error_of(*post_stub(serve.url, stub))
    assert message.startswith("stub: $.match.where[0].path: expected") and expected in message
    assert len(message) < 400


@pytest.mark.parametrize("pattern", ["(" * 1200 + "a" + ")" * 1200, "(" * 100 + "a", "x" * 300],
                         ids=["1200-nested-groups", "unbalanced-groups", "300-characters"])
def test_a_regex_that_is_too_long_or_too_deep_is_a_400(serve: ServeProcess, pattern: str) -> None:
    stub = {"match": {"where": [{"path": "$.model", "matches": pattern}]}, "message": MESSAGE}
    message = error_of(*post_stub(serve.url, stub))
    assert message.startswith("stub: $.match.where[0].matches: expected a regular expression")
    assert messages_status(serve.url) == 200


@pytest.mark.parametrize("where", ["message", "match.body", "error", "fault"])
def test_a_definition_nested_too_deeply_is_a_400_naming_the_limit_and_path(serve: ServeProcess, where: str) -> None:
    deep = nested_json(900 if where != "match.body" else 930)
    text = {
        "message": '{"message": {"content": [{"type": "text", "text": "x"}], "extra": %s}}',
        "match.body": '{"match": {"body": {"tools": %s}}, "message": {"content": [{"type": "text", "text": "x"}]}}',
        "error": '{"error": {"status": 429, "message": %s}}',
        "fault": '{"fault": {"status": 503, "key": %s}}',
    }[where] % deep
    message = error_of(*post_stub(serve.url, text))
    assert f"at most {MAX_JSON_DEPTH} levels deep (MAX_JSON_DEPTH)" in message
    assert message.startswith(f"stub: $.{where}")
    assert messages_status(serve.url) == 200  # nothing was registered that breaks the messages route


def test_a_deep_server_fault_is_a_400(serve: ServeProcess) -> None:
    body = '{"status": 503, "key": DEEP}'.replace("DEEP", nested_json(900)).encode()
    message = error_of(*ask(serve.url, "PUT", "/__admin/fault", body, JSON))
    assert "MAX_JSON_DEPTH" in message and message.startswith("fault: $.key")


def deep_tool_stub(extra_levels: int) -> dict[str, Any]:
    """A stub matching a tool whose schema default nests ``extra_levels`` lists; the definition
    then nests 7 + ``extra_levels`` levels ($, match, body, tools, [0], input_schema, properties)."""
    tools = [{"name": "t", "input_schema": {"type": "object", "properties": {"p": nested(extra_levels)}}}]
    return {"id": "deep", "match": {"body": {"tools": tools}},
            "message": {"content": [{"type": "text", "text": "deep answer"}]}}


def test_a_stub_at_the_depth_limit_is_accepted_and_answers_and_one_level_more_is_not(serve: ServeProcess) -> None:
    message = error_of(*post_stub(serve.url, deep_tool_stub(MAX_JSON_DEPTH - 7 + 1)))
    assert "MAX_JSON_DEPTH" in message
    stub = deep_tool_stub(MAX_JSON_DEPTH - 7)
    status, _, body = post_stub(serve.url, stub)
    assert status == 201, body[:300]
    request = {**REQUEST, "tools": stub["match"]["body"]["tools"]}
    try:
        status, _, body = ask(serve.url, "POST", PATH, json.dumps(request).encode(),
                              {**JSON, "Authorization": "Bearer k"})
        assert status == 200 and json.loads(body)["content"][0]["text"] == "deep answer", body[:300]
    finally:
        ask(serve.url, "DELETE", "/__admin/stubs/deep")


@pytest.mark.parametrize("stub,limit", [
    ({"sequence": [{"message": MESSAGE}] * (MAX_SEQUENCE_STEPS + 1)}, "MAX_SEQUENCE_STEPS"),
    ({"match": {"where": [{"path": "$.model", "equals": "m"}] * (MAX_PREDICATES + 1)}, "message": MESSAGE},
     "MAX_PREDICATES"),
    ({"match": {"where": [{"path": "$.model", "matches": f"^m{i}"} for i in range(MAX_REGEX_PREDICATES + 1)]},
      "message": MESSAGE}, "MAX_REGEX_PREDICATES"),
    ({"match": {"body": {"tools": [{"name": f"t{i}"} for i in range(MAX_MATCH_VALUES)]}}, "message": MESSAGE},
     "MAX_MATCH_VALUES"),
], ids=["sequence-steps", "predicates", "regex-predicates", "match-values"])
def test_the_size_limits_of_a_stub_are_400s_naming_them(serve: ServeProcess, stub: dict[str, Any],
                                                         limit: str) -> None:
    message = error_of(*post_stub(serve.url, stub))
    assert f"({limit})" in message


# --- bodies -----------------------------------------------------------------------------------


def test_a_gzip_body_that_does_not_decode_is_a_400_naming_the_encoding(serve: ServeProcess) -> None:
    garbage = os.urandom(256)
    message = error_of(*ask(serve.url, "POST", "/__admin/stubs", garbage, {**JSON, "Content-Encoding": "gzip"}))
    assert "Content-Encoding" in message and "gzip" in message


@pytest.mark.parametrize("method,path", [("POST", "/__admin/stubs"), ("PUT", "/__admin/fault")])
def test_a_body_over_the_limit_is_a_json_413_naming_it(serve: ServeProcess, method: str, path: str) -> None:
    body = b"[" + b"1," * 150_000 + b"1]"
    message = error_of(*ask(serve.url, method, path, body, JSON))
    assert "at most 200000 bytes" in message


def test_a_chunked_body_over_the_limit_is_a_json_413_too(serve: ServeProcess) -> None:
    async def post() -> tuple[int, str, str]:
        async def chunks() -> Any:
            for _ in range(50):
                yield b" " * 10_000
        async with aiohttp.ClientSession() as session, session.post(
                serve.url + "/__admin/stubs", data=chunks(), headers=JSON) as response:
            return response.status, response.headers["Content-Type"], (await response.json())["error"]["message"]

    status, content_type, message = asyncio.run(post())
    assert (status, content_type.split(";")[0]) == (413, "application/json")
    assert "at most 200000 bytes" in message


@pytest.mark.parametrize("body", [b"{", b'{"a": NaN}', b"\xff\xfe", nested_json(5000).encode()],
                         ids=["truncated", "nan", "not-utf8", "5000-deep"])
def test_a_body_that_is_not_json_is_a_json_400(serve: ServeProcess, body: bytes) -> None:
    message = error_of(*ask(serve.url, "POST", "/__admin/stubs", body, JSON))
    assert message.startswith("admin request body: expected")


@pytest.mark.parametrize("method,path", [("POST", "/__admin/stubs"), ("PUT", "/__admin/fault")])
def test_the_admin_api_refuses_a_text_plain_body_like_the_messages_route(serve: ServeProcess, method: str,
                                                                         path: str) -> None:
    body = json.dumps({"status": 503} if path.endswith("fault") else {"message": MESSAGE}).encode()
    message = error_of(*ask(serve.url, method, path, body, {"Content-Type": "text/plain"}))
    assert message.startswith("Content-Type header: expected application/json")
    assert messages_status(serve.url) == 200


def test_put_on_violations_is_a_405_with_allow(serve: ServeProcess) -> None:
    status, headers, body = ask(serve.url, "PUT", "/__admin/violations", b"{}", JSON)
    assert status == 405 and headers["Allow"] == "GET, DELETE"
    assert "PUT" in error_of(status, headers, body)


# --- every way in checks the same limits --------------------------------------------------------


DEEP_STUB = {"match": {"body": {"tools": nested(MAX_JSON_DEPTH)}}, "message": MESSAGE}
DEEP_FAULT = {"status": 503, "key": nested(MAX_JSON_DEPTH)}


def test_the_python_api_and_the_config_check_depth_too() -> None:
    with pytest.raises(ValueError, match=r"stubs\[0\]: stub: \$\.match\.body\.tools.*MAX_JSON_DEPTH"):
        MockConfig(stubs=(DEEP_STUB,))
    with pytest.raises(FaultError, match=r"fault: \$\.key.*MAX_JSON_DEPTH"):
        MockConfig(fault=DEEP_FAULT)
    with MockServer() as server:
        with pytest.raises(StubError, match="MAX_JSON_DEPTH"):
            server.stub(DEEP_STUB)
        with pytest.raises(FaultError, match="MAX_JSON_DEPTH"):
            server.fault(DEEP_FAULT)
        with pytest.raises(StubError, match="MAX_SEQUENCE_STEPS"):
            server.stub(sequence=[{"message": MESSAGE}] * (MAX_SEQUENCE_STEPS + 1))


@pytest.mark.parametrize("option", ["--stubs", "--fault"])
def test_the_command_line_refuses_deep_definitions_with_exit_2(tmp_path: Path, option: str) -> None:
    if option == "--stubs":
        stubs = tmp_path / "stubs.json"
        stubs.write_text('[{"match": {"body": {"tools": DEEP}}, "message": {"content": []}}]'
                         .replace("DEEP", nested_json(2000)))
        value = str(stubs)
    else:
        value = '{"status": 503, "key": DEEP}'.replace("DEEP", nested_json(2000))
    done = subprocess.run([*SERVE, option, value], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "sequrity-mock serve: error:" in done.stderr and "nested" in done.stderr


# --- nothing stalls the event loop ------------------------------------------------------------


def test_a_health_probe_answers_while_the_largest_allowed_stub_is_registered(serve: ServeProcess) -> None:
    """The largest stub the limits allow (every sequence step a large message, within the body
    limit): registering it takes a while, but the loop keeps answering a health probe at once."""
    text = "lorem ipsum " * ((200_000 // MAX_SEQUENCE_STEPS - 200) // 12)
    step = {"message": {"content": [{"type": "text", "text": text}]}}
    body = json.dumps({"id": "largest", "sequence": [step] * MAX_SEQUENCE_STEPS}).encode()
    assert len(body) <= 200_000

    async def race() -> tuple[int, list[float]]:
        async with aiohttp.ClientSession() as session:
            async def register() -> int:
                async with session.post(serve.url + "/__admin/stubs", data=body, headers=JSON) as response:
                    return response.status

            async def probe() -> float:
                started = time.monotonic()
                async with session.get(serve.url + "/__admin/health") as response:
                    assert response.status == 200
                return time.monotonic() - started

            registering = asyncio.ensure_future(register())
            await asyncio.sleep(0.01)
            waits = []
            while not registering.done():
                waits.append(await probe())
            return await registering, waits

    try:
        status, waits = asyncio.run(race())
        assert status == 201
        assert max(waits, default=0) < 1.0, waits
    finally:
        ask(serve.url, "DELETE", "/__admin/stubs/largest")
    assert sys.getrecursionlimit() >= 1000  # the depth limit assumes Python's default
