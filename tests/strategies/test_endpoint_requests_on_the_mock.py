"""The mock accepts every request an endpoint's strategies draw and answers it validly: one
property over the endpoints, each reached through the seam (its route, its stream codec, its
documents), so an endpoint's strategies and its synthesizer cannot drift apart."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sequrity_contract import schemas, strategies
from sequrity_contract.mockserver import MockServer
from sequrity_contract.schemas.sse import parse_events

ENDPOINTS = ("chat_completions", "responses")
"""The OpenAI-format endpoints, whose strategies are hand-written (the messages endpoint's requests
are driven at the mock by tests/mockserver)."""


@pytest.fixture(scope="module")
def mock() -> Any:
    with MockServer(seed=9) as server:
        yield server


def _answer(endpoint: schemas.Endpoint, request: dict[str, Any], body: bytes) -> dict[str, Any]:
    if not request.get("stream"):
        answer: dict[str, Any] = json.loads(body)
        return answer
    accumulator = endpoint.codec.accumulator(endpoint.dialects[0])
    for event in parse_events(body):
        accumulator.feed(event)
    return accumulator.message


@pytest.mark.parametrize("name", ENDPOINTS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_mock_accepts_every_drawn_request_and_answers_it_validly(mock: MockServer, name: str,
                                                                      data: st.DataObject) -> None:
    endpoint = schemas.get_endpoint(name)
    request = data.draw(strategies.strategies_for(endpoint).requests(), label="request")
    response = requests.post(mock.url + endpoint.route_path("chat"), json=request,
                             headers={"Authorization": "Bearer k"}, timeout=10)
    assert response.status_code == 200, response.text
    session = response.headers["X-Session-ID"]
    answer = _answer(endpoint, request, response.content)
    assert schemas.check(endpoint.response, answer, request=request, session_id=session) == []
