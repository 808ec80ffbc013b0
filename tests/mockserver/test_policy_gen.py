"""Policy generation with the official client's ``control.policy.generate``, unchanged, for every
request type it has: the answer is the published ``PolicyGenResponse``, its policy is SQRT the
published parser accepts, with one block per tool (and per internal tool asked for), and the same
request always gets the same policy."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sequrity import SequrityClient
from sequrity.control.types.policy_gen import PolicyGenResponse
from sequrity.sqrt.parser import parse

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer
from sequrity_contract.mockserver.synthesis.policy_gen import policy
from sequrity_contract.strategies import from_schema

CHAT_TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
                                                "parameters": {"type": "object"}}},
              {"type": "function", "function": {"name": "send_email"}}]
MESSAGES_TOOLS = [{"name": "get_weather", "input_schema": {"type": "object"}},
                  {"name": "send_email", "input_schema": {"type": "object"}}]
RESPONSES_TOOLS = [{"type": "function", "name": "get_weather", "parameters": {"type": "object"}},
                   {"type": "function", "name": "send_email"}]
TYPES = {  # each request type, its tools, and the route the client picks for it
    "oai_chat_completion": (CHAT_TOOLS, "/control/policy-gen/openai/v1/generate"),
    "openrouter_chat_completion": (CHAT_TOOLS, "/control/policy-gen/v1/generate"),
    "anthropic_messages": (MESSAGES_TOOLS, "/control/policy-gen/anthropic/v1/generate"),
    "sequrity_azure_chat_completion": (CHAT_TOOLS, "/control/policy-gen/sequrity_azure/v1/generate"),
    "sequrity_azure_responses": (RESPONSES_TOOLS, "/control/policy-gen/sequrity_azure/v1/generate"),
}


def generate(server: MockServer, request: dict[str, Any]) -> Any:
    return SequrityClient(api_key="k", base_url=server.url).control.policy.generate(request)


@pytest.mark.parametrize("request_type", list(TYPES))
def test_each_request_type_gets_a_valid_sqrt_policy_for_its_tools(server: MockServer, request_type: str) -> None:
    tools, path = TYPES[request_type]
    answer = generate(server, {"type": request_type, "model": "m", "tools": tools,
                               "description": "Never email weather data to external domains",
                               "internal_tool_names": ["parse_with_ai"]})
    result = parse(answer.policies)
    assert result.valid, result.error
    for name in ("get_weather", "send_email", "parse_with_ai"):
        assert f'tool "{name}" {{' in answer.policies
    assert "Never email weather data" in answer.policies
    assert set(answer.usage) == {"prompt_tokens", "completion_tokens", "total_tokens"}
    assert answer.usage["total_tokens"] == answer.usage["prompt_tokens"] + answer.usage["completion_tokens"] > 0
    (entry,) = server.requests
    assert entry["path"] == path and entry["status"] == 200 and entry["body"]["type"] == request_type


def test_the_same_request_gets_the_same_policy(server: MockServer) -> None:
    request = {"type": "anthropic_messages", "model": "m", "description": "d", "tools": MESSAGES_TOOLS}
    assert generate(server, request) == generate(server, request)


@pytest.mark.parametrize(("body", "words"), [
    ({"type": "oai_responses", "model": "m", "description": "d"}, ["$.type", "anthropic_messages"]),
    ({"type": "anthropic_messages", "model": "m", "description": "d", "temperature": 1}, ["'temperature'"]),
    ({"type": "anthropic_messages", "model": "m"}, ["$.description", "required"]),
    ({"type": "anthropic_messages", "model": "m", "description": "d", "tools": [{"name": "x"}]},
     ["$.tools[0].input_schema"]),
    ({"type": "oai_chat_completion", "model": "m", "description": "d", "n_retries": -1}, ["$.n_retries"]),
])
def test_a_bad_request_is_a_400_naming_the_field(server: MockServer, body: dict[str, Any], words: list[str]) -> None:
    answer = requests.post(server.url + "/control/policy-gen/v1/generate", json=body,
                           headers={"Authorization": "Bearer k"}, timeout=10)
    assert answer.status_code == 400
    for word in words:
        assert word in answer.json()["error"]["message"]


def test_the_route_asks_for_the_key(server: MockServer) -> None:
    answer = requests.post(server.url + "/control/policy-gen/v1/generate", timeout=10,
                           json={"type": "anthropic_messages", "model": "m", "description": "d"})
    assert answer.status_code == 401


def test_an_unknown_provider_is_a_404_naming_it(server: MockServer) -> None:
    answer = requests.post(server.url + "/control/policy-gen/nope/v1/generate", json={}, timeout=10)
    assert answer.status_code == 404 and "unknown provider 'nope'" in answer.json()["error"]["message"]


@settings(max_examples=150, deadline=None)
@given(description=st.text(), names=st.lists(st.text(min_size=1), max_size=5))
def test_any_names_and_description_give_valid_sqrt(description: str, names: list[str]) -> None:
    result = parse(policy(description, names))
    assert result.valid, result.error


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=from_schema(schemas.load("policy-gen-request")))
def test_every_request_the_document_allows_gets_a_valid_policy(server: MockServer, request: dict[str, Any]) -> None:
    answer = requests.post(server.url + "/control/policy-gen/v1/generate", json=request,
                           headers={"Authorization": "Bearer k"}, timeout=10)
    assert answer.status_code == 200, answer.text
    assert schemas.validate("policy-gen-response", answer.json()) == []
    assert parse(PolicyGenResponse.model_validate(answer.json()).policies).valid
