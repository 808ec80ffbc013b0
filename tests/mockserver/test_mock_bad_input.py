"""Bad input of every kind gets a 4xx with the contract error body naming what was wrong:
never a 500, a traceback or a hang."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mock_helpers import AUTH, call

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer

GOOD = {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}
MESSAGES = "/control/chat/v1/messages"


def body(**changes: Any) -> bytes:
    return json.dumps({**GOOD, **changes}).encode()


def without(field: str) -> bytes:
    return json.dumps({k: v for k, v in GOOD.items() if k != field}).encode()


# (id, method, path, raw body, extra headers, status, text the message must contain)
CASES = [
    ("invalid-json", "POST", MESSAGES, b'{"model": ', {}, 400, "expected valid JSON"),
    (
        "nan-is-not-json",
        "POST",
        MESSAGES,
        b'{"model": "m", "max_tokens": NaN, "messages": []}',
        {},
        400,
        "NaN is not valid JSON",
    ),
    ("not-utf8", "POST", MESSAGES, b"\xff\xfe\xfa", {}, 400, "expected UTF-8 text, got the byte 0xff at offset 0"),
    ("empty-body", "POST", MESSAGES, b"", {}, 400, "expected valid JSON"),
    ("body-not-object", "POST", MESSAGES, b"[1, 2]", {}, 400, "$: expected a value of type object"),
    ("deeply-nested", "POST", MESSAGES, b"[" * 100_000 + b"]" * 100_000, {}, 400, "request body"),
    ("missing-model", "POST", MESSAGES, without("model"), {}, 400, "$.model"),
    ("missing-messages", "POST", MESSAGES, without("messages"), {}, 400, "$.messages"),
    ("max-tokens-string", "POST", MESSAGES, body(max_tokens="10"), {}, 400, "$.max_tokens"),
    ("max-tokens-zero", "POST", MESSAGES, body(max_tokens=0), {}, 400, "$.max_tokens"),
    ("empty-messages", "POST", MESSAGES, body(messages=[]), {}, 400, "$.messages"),
    (
        "bad-role",
        "POST",
        MESSAGES,
        body(messages=[{"role": "robot", "content": "x"}]),
        {},
        400,
        "$.messages[0].role",
    ),
    (
        "roles-not-alternating",
        "POST",
        MESSAGES,
        body(messages=[{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]),
        {},
        400,
        "$.messages[1].role",
    ),
    (
        "block-without-type",
        "POST",
        MESSAGES,
        body(messages=[{"role": "user", "content": [{"text": "x"}]}]),
        {},
        400,
        "$.messages[0].content[0]",
    ),
    ("temperature-too-high", "POST", MESSAGES, body(temperature=1.5), {}, 400, "$.temperature"),
    (
        "thinking-budget-too-small",
        "POST",
        MESSAGES,
        body(max_tokens=5000, thinking={"type": "enabled", "budget_tokens": 10}),
        {},
        400,
        "$.thinking.budget_tokens",
    ),
    (
        "tool-choice-unknown-tool",
        "POST",
        MESSAGES,
        body(tool_choice={"type": "tool", "name": "nope"}),
        {},
        400,
        "$.tool_choice.name",
    ),
    (
        "orphan-tool-result",
        "POST",
        MESSAGES,
        body(messages=[{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "tc-x"}]}]),
        {},
        400,
        "tool_use_id",
    ),
    ("x-features-not-json", "POST", MESSAGES, body(), {"X-Features": "{nope"}, 400, "X-Features header"),
    (
        "x-features-bad-arch",
        "POST",
        MESSAGES,
        body(),
        {"X-Features": '{"agent_arch": "triple"}'},
        400,
        "X-Features header: $.agent_arch",
    ),
    (
        "x-policy-extra-key",
        "POST",
        MESSAGES,
        body(),
        {"X-Policy": '{"mode": "standard", "bogus": 1}'},
        400,
        "X-Policy header",
    ),
    (
        "x-config-bad-turns",
        "POST",
        MESSAGES,
        body(),
        {"X-Config": '{"fsm": {"max_n_turns": 0}}'},
        400,
        "X-Config header: $.fsm.max_n_turns",
    ),
    (
        "session-not-uuid",
        "POST",
        MESSAGES,
        body(),
        {"X-Session-ID": "not-a-uuid"},
        400,
        "X-Session-ID header",
    ),
    ("no-auth", "POST", MESSAGES, body(), {"Authorization": None}, 401, "Authorization header missing"),
    ("basic-auth", "POST", MESSAGES, body(), {"Authorization": "Basic abc"}, 401, "Bearer"),
    ("empty-bearer", "POST", MESSAGES, body(), {"Authorization": "Bearer "}, 401, "Bearer"),
    ("wrong-method", "GET", MESSAGES, None, {}, 405, "method GET is not allowed"),
    ("wrong-method-health", "POST", "/control/health", b"{}", {}, 405, "expected GET"),
    (
        "unknown-endpoint-type",
        "POST",
        "/control/nope/v1/messages",
        body(),
        {},
        404,
        "unknown endpoint type 'nope'",
    ),
    (
        "unknown-provider",
        "POST",
        "/control/chat/nope/v1/messages",
        body(),
        {},
        404,
        "unknown provider 'nope'",
    ),
    ("unknown-path", "GET", "/v1/messages", None, {}, 404, "no route /v1/messages"),
    ("responses-unknown-provider", "POST", "/control/chat/anthropic/v1/responses", body(), {}, 404,
     "unknown provider 'anthropic'"),
    ("chat-unknown-provider", "POST", "/control/chat/anthropic/v1/chat/completions", body(), {}, 404,
     "unknown provider 'anthropic'"),
]


@pytest.mark.parametrize(
    ("method", "path", "data", "headers", "status", "names"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_bad_input_gets_a_contract_error_naming_the_problem(
    server: MockServer,
    method: str,
    path: str,
    data: bytes | None,
    headers: dict[str, str | None],
    status: int,
    names: str,
) -> None:
    merged = {k: v for k, v in {**AUTH, **headers}.items() if v is not None}
    answer = call(method, server.url + path, data=data, headers=merged)
    assert answer.status == status
    error = answer.json()
    assert schemas.check("error", error, status=status) == []
    assert names in error["error"]["message"]
    assert "X-Session-ID" not in answer.headers
    if status == 405:
        assert answer.headers["Allow"] in ("POST", "GET")


def test_body_over_the_limit_is_413() -> None:
    with MockServer(max_body_bytes=1000) as server:
        answer = call("POST", server.messages_url(), data=body(model="m" * 2000), headers=AUTH)
        assert answer.status == 413
        assert schemas.check("error", answer.json(), status=413) == []
        assert "at most 1000 bytes" in answer.json()["detail"]


def test_default_limit_is_32_mib(server: MockServer) -> None:
    huge = body(model="m" * (32 * 1024 * 1024))
    answer = call("POST", server.messages_url(), data=huge, headers=AUTH)
    assert answer.status == 413
    assert str(32 * 1024 * 1024) in answer.json()["detail"]


def test_only_configured_api_keys_pass() -> None:
    with MockServer(api_keys=("alpha", "beta")) as server:
        assert (
            call("POST", server.messages_url(), data=body(), headers={"Authorization": "Bearer beta"}).status
            == 200
        )
        refused = call("POST", server.messages_url(), data=body(), headers={"Authorization": "Bearer gamma"})
        assert refused.status == 401
        assert schemas.check("error", refused.json(), status=401) == []


def test_health_answers_ok(server: MockServer) -> None:
    answer = call("GET", server.url + "/control/health")
    assert answer.status == 200
    assert answer.json() == {"status": "ok"}
