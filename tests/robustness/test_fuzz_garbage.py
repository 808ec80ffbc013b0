"""Fuzz with our own strategies and raw garbage: valid requests are answered 200 with a conforming
answer; each invalid request gets a 400 naming the broken rule's path; raw garbage (truncated
JSON, invalid UTF-8, huge numbers, 10 MB strings, deep nesting, wrong content types) gets a 4xx
with the contract's error body -- never a 5xx, a traceback or a hang."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from drivers import PATH, fuzz_examples
from hypothesis import HealthCheck, given, settings

from sequrity_contract import schemas, strategies
from sequrity_contract.mockserver import MockServer
from sequrity_contract.schemas.sse import parse_events

KEY = {"Authorization": "Bearer fuzz-key"}
JSON = {**KEY, "Content-Type": "application/json"}
VALID = {"model": "m", "max_tokens": 30, "messages": [{"role": "user", "content": "hi"}]}
TEN_MB = "x" * (10 * 1024 * 1024)
SLOW_WITH_FIXTURE = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


async def _post(url: str, data: bytes, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session, \
            session.post(url, data=data, headers=headers) as response:
        return response.status, await response.read(), dict(response.headers)


def post(server: MockServer, data: bytes, headers: dict[str, str] = JSON) -> tuple[int, bytes, dict[str, str]]:
    """POST raw ``data`` to the messages route."""
    return asyncio.run(_post(server.url + PATH, data, headers))


def assert_contract_error(status: int, body: bytes, expected: int | tuple[int, ...] = 400) -> dict[str, Any]:
    """``body`` is the contract's error body for ``status``, a 4xx; returns it."""
    assert status in ((expected,) if isinstance(expected, int) else expected), body[:300]
    assert len(body) < 8192, f"the error body echoes the input: {len(body)} bytes"
    document = json.loads(body)
    assert schemas.check("error", document, status=status) == []
    return document


def _dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


def _nested(depth: int) -> bytes:
    return b'{"model": "m", "max_tokens": 5, "messages": ' + b"[" * depth + b"]" * depth + b"}"


GARBAGE: dict[str, tuple[bytes, dict[str, str], str]] = {
    # name: (body, headers, a piece of the expected message)
    "empty body": (b"", JSON, "request body"),
    "truncated JSON": (_dumps(VALID)[:25], JSON, "expected valid JSON"),
    "truncated inside a string": (b'{"model": "m', JSON, "expected valid JSON"),
    "invalid UTF-8": (b'{"model": "\xff\xfe", "max_tokens": 5, "messages": []}', JSON, "request body"),
    "NaN": (_dumps(VALID).replace(b"30", b"NaN"), JSON, "request body"),
    "Infinity": (_dumps(VALID).replace(b"30", b"Infinity"), JSON, "request body"),
    "huge float": (_dumps(VALID).replace(b"30", b"1e400"), JSON, "$.max_tokens"),
    "huge integer": (_dumps(VALID).replace(b"30", b"9" * 5000), JSON, "request body"),
    "lone surrogate escapes": (_dumps({**VALID, "messages": [{"role": "user", "content": "\ud800 x \udfff"}]}),
                               JSON, "lone UTF-16 surrogate"),
    "10 MB string where an enum belongs": (
        _dumps({**VALID, "messages": [{"role": TEN_MB, "content": "hi"}]}), JSON, "$.messages[0].role"),
    "10 MB string where an integer belongs": (_dumps({**VALID, "max_tokens": TEN_MB}), JSON, "$.max_tokens"),
    "deeply nested arrays": (_nested(100_000), JSON, "request body"),
    "moderately nested arrays": (_nested(900), JSON, "$.messages"),
    "deeply nested objects": (b'{"model": "m", "max_tokens": 5, "metadata": ' + b'{"a": ' * 50_000 + b"1"
                              + b"}" * 50_000 + b', "messages": []}', JSON, "request body"),
    "a JSON array": (b"[]", JSON, "request body"),
    "a JSON string": (b'"hello"', JSON, "request body"),
    "null": (b"null", JSON, "request body"),
    "binary noise": (bytes(range(256)) * 64, JSON, "request body"),
    "text/plain": (_dumps(VALID), {**KEY, "Content-Type": "text/plain"}, "Content-Type"),
    "form encoded": (_dumps(VALID), {**KEY, "Content-Type": "application/x-www-form-urlencoded"}, "Content-Type"),
    "multipart": (_dumps(VALID), {**KEY, "Content-Type": "multipart/form-data; boundary=x"}, "Content-Type"),
    "event-stream": (_dumps(VALID), {**KEY, "Content-Type": "text/event-stream"}, "Content-Type"),
    "X-Features not JSON": (_dumps(VALID), {**JSON, "X-Features": "{agent_arch: dual"}, "X-Features"),
    "X-Config nested deeply": (_dumps(VALID), {**JSON, "X-Config": "[" * 4000 + "]" * 4000}, "X-Config"),
    "X-Policy latin-1": (_dumps(VALID), {**JSON, "X-Policy": '{"mode": "str\xe9ct"}'}, "X-Policy"),
}


#: Garbage refused for holding more JSON objects and arrays than ``max_body_objects`` before parsing.
TOO_MANY_OBJECTS = {"deeply nested arrays": 413}


@pytest.mark.parametrize("name", list(GARBAGE))
def test_raw_garbage_gets_a_4xx_with_the_contract_error_body(name: str, fuzz_server: MockServer) -> None:
    body, headers, expected = GARBAGE[name]
    status, answer, _ = post(fuzz_server, body, headers)
    document = assert_contract_error(status, answer, TOO_MANY_OBJECTS.get(name, 400))
    assert expected in document["error"]["message"]


def test_a_body_over_the_limit_gets_413(fuzz_server: MockServer) -> None:
    status, answer, _ = post(fuzz_server, _dumps({**VALID, "system": "y" * (33 * 1024 * 1024)}))
    assert_contract_error(status, answer, 413)


def test_paired_surrogates_and_a_10_mb_message_are_answered(fuzz_server: MockServer) -> None:
    for text in ("\ud83d\ude00 paired", TEN_MB):
        request = {**VALID, "messages": [{"role": "user", "content": text}]}
        status, answer, headers = post(fuzz_server, _dumps(request))
        assert status == 200, answer[:300]
        assert schemas.check("response", json.loads(answer), request=request,
                             session_id=headers["X-Session-ID"]) == []


@settings(max_examples=fuzz_examples(40), suppress_health_check=SLOW_WITH_FIXTURE)
@given(request=strategies.requests())
def test_every_valid_request_is_answered_200_with_a_conforming_message(request: dict[str, Any],
                                                                        fuzz_server: MockServer) -> None:
    status, answer, headers = post(fuzz_server, _dumps(request))
    assert status == 200, answer[:500]
    message = schemas.accumulate(parse_events(answer)) if request.get("stream") is True else json.loads(answer)
    assert schemas.check("response", message, request=request, session_id=headers["X-Session-ID"]) == []


@settings(max_examples=fuzz_examples(60), suppress_health_check=SLOW_WITH_FIXTURE)
@given(case=strategies.invalid_requests())
def test_every_invalid_request_gets_400_naming_the_broken_rule(case: Any, fuzz_server: MockServer) -> None:
    status, answer, _ = post(fuzz_server, _dumps(case.request))
    document = assert_contract_error(status, answer)
    assert case.path in document["error"]["message"], (case.rule, case.mutation)


@pytest.mark.parametrize("path", ["/control/chat%0A/v1/messages", "/control/a%0Db/anthropic/v1/messages",
                                  "/control/%1D/v1/messages", "/%0A", "/control/chat/v1/messages%0A"])
def test_paths_with_control_characters_get_404_with_the_contract_error_body(path: str,
                                                                            fuzz_server: MockServer) -> None:
    status, answer, _ = asyncio.run(_post(fuzz_server.url + path, _dumps(VALID), JSON))
    assert_contract_error(status, answer, 404)


#: Garbage that is garbage for every endpoint's body (the rest of :data:`GARBAGE` is about the messages body).
ANY_ENDPOINT_GARBAGE = ("empty body", "truncated inside a string", "invalid UTF-8", "deeply nested arrays",
                        "a JSON array", "a JSON string", "null", "binary noise", "text/plain", "multipart")


@pytest.mark.parametrize("name", ANY_ENDPOINT_GARBAGE)
@pytest.mark.parametrize("endpoint", list(schemas.ENDPOINTS.values()), ids=list(schemas.ENDPOINTS))
def test_raw_garbage_to_any_endpoint_gets_a_4xx_with_the_contract_error_body(
        endpoint: schemas.Endpoint, name: str, fuzz_server: MockServer) -> None:
    body, headers, expected = GARBAGE[name]
    status, answer, _ = asyncio.run(_post(fuzz_server.url + endpoint.route_path("code", endpoint.providers[0]),
                                          body, headers))
    document = assert_contract_error(status, answer, TOO_MANY_OBJECTS.get(name, 400))
    assert expected in document["error"]["message"]


@pytest.mark.parametrize("endpoint", list(schemas.ENDPOINTS.values()), ids=list(schemas.ENDPOINTS))
def test_every_drawn_request_to_any_endpoint_is_answered_as_the_contract_says(
        endpoint: schemas.Endpoint, fuzz_server: MockServer) -> None:
    """A request drawn from the endpoint's strategies (its own, else its documents') gets 200 with a
    conforming answer when the contract accepts it, else 400 naming a broken rule's path."""
    url = fuzz_server.url + endpoint.route_path("code")
    answered = {"200": 0, "400": 0}

    @settings(max_examples=fuzz_examples(25), deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(request=strategies.strategies_for(endpoint).requests())
    def answered_as_the_contract_says(request: dict[str, Any]) -> None:
        status, answer, headers = asyncio.run(_post(url, _dumps(request), JSON))
        problems = schemas.check(endpoint.request, request)
        if problems:
            document = assert_contract_error(status, answer)
            assert any(problem.path in document["error"]["message"] for problem in problems), problems
            answered["400"] += 1
            return
        assert status == 200, answer[:500]
        if request.get("stream") is True:
            accumulator = endpoint.codec.accumulator(endpoint.dialects[0])
            for event in parse_events(answer):
                accumulator.feed(event)
            message = accumulator.message
        else:
            message = json.loads(answer)
        assert schemas.check(endpoint.response, message, request=request, session_id=headers["X-Session-ID"]) == []
        answered["200"] += 1

    answered_as_the_contract_says()
    assert answered["200"] + answered["400"] > 0
