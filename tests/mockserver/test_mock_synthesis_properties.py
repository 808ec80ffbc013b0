"""Properties of synthesized answers, through the real server: every answer satisfies the
contract for its request, streams accumulate to the plain answer, and answers are
deterministic."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mock_helpers import AUTH, features_headers, requests

from sequrity_contract import schemas, strategies
from sequrity_contract.mockserver import MockServer
from sequrity_contract.schemas.sse import parse_events


def _headers(features: dict[str, Any] | None) -> dict[str, str]:
    return {**AUTH, **({"X-Features": json.dumps(features)} if features else {})}


@pytest.fixture(scope="module")
def client() -> httpx.Client:
    with httpx.Client(timeout=10) as c:
        yield c


@settings(max_examples=100)
@given(body=requests(), features=features_headers)
def test_answer_satisfies_the_contract_and_stream_matches(
    shared_server: MockServer, client: httpx.Client, body: dict[str, Any], features: dict[str, Any] | None
) -> None:
    assert schemas.check("request", body) == []
    plain = client.post(shared_server.messages_url(), json=body, headers=_headers(features))
    assert plain.status_code == 200, plain.text
    session = plain.headers["X-Session-ID"]
    message = plain.json()
    assert schemas.check("response", message, request=body, session_id=session) == []
    assert message["usage"]["output_tokens"] <= body["max_tokens"]

    streamed = client.post(
        shared_server.messages_url(),
        json={**body, "stream": True},
        headers={**_headers(features), "X-Session-ID": session},
    )
    assert streamed.status_code == 200
    assert streamed.headers["Content-Type"].startswith("text/event-stream")
    assert streamed.headers["X-Session-ID"] == session
    events = parse_events(streamed.content)
    for event in events:
        assert schemas.validate(f"event.{event['type']}", event) == []
    assert schemas.accumulate(events) == message


@pytest.fixture(scope="module")
def twins() -> tuple[MockServer, MockServer]:
    """Two independent servers with the same seed, fed the same requests in the same order."""
    with MockServer(seed=424242) as first, MockServer(seed=424242) as second:
        yield first, second


@settings(max_examples=50)
@given(body=requests(), features=features_headers, stream=st.booleans())
def test_same_seed_and_request_give_identical_bytes(
    twins: tuple[MockServer, MockServer],
    client: httpx.Client,
    body: dict[str, Any],
    features: dict[str, Any] | None,
    stream: bool,
) -> None:
    answers = []
    for server in twins:
        response = client.post(
            server.messages_url(), json={**body, "stream": stream}, headers=_headers(features)
        )
        answers.append((response.status_code, response.headers["X-Session-ID"], response.content))
    assert answers[0] == answers[1]


def test_answers_depend_on_the_seed() -> None:
    body = {"model": "m", "max_tokens": 300, "messages": [{"role": "user", "content": "tell me about ducks"}]}
    texts = set()
    for seed in range(6):
        with MockServer(seed=seed) as server:
            texts.add(httpx.post(server.messages_url(), json=body, headers=AUTH).content)
    assert len(texts) > 1


@settings(max_examples=50)
@given(body=strategies.requests(), features=features_headers)
def test_requests_from_the_shared_strategies_get_contract_answers(
    shared_server: MockServer, client: httpx.Client, body: dict[str, Any], features: dict[str, Any] | None
) -> None:
    plain = client.post(
        shared_server.messages_url(), json={**body, "stream": False}, headers=_headers(features)
    )
    assert plain.status_code == 200, plain.text
    message = plain.json()
    assert schemas.check("response", message, request=body, session_id=plain.headers["X-Session-ID"]) == []
    streamed = client.post(
        shared_server.messages_url(),
        json={**body, "stream": True},
        headers={**_headers(features), "X-Session-ID": plain.headers["X-Session-ID"]},
    )
    assert schemas.accumulate(parse_events(streamed.content)) == message
