"""Properties of tool arguments taken from the conversation: always valid against the tool's input
schema, the same for the same seed, and a value the text states for a parameter of matching name or
format is the value used; the same through the real server."""

from __future__ import annotations

import json
import random
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings
from mock_helpers import post

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer
from sequrity_contract.mockserver.synthesis.conversation_facts import Conversation
from sequrity_contract.mockserver.synthesis.tool_arguments import tool_arguments
from sequrity_contract.schemas import user_schema_checker
from sequrity_contract.strategies.leaves import object_schemas

FILLER = ["please", "the", "report", "and", "then", "quickly", "for", "me", "with", "care", "thanks", "it"]
STATED = [
    "hr@gmail.com", "ops@trustedcorp.com", "'applicant-829'", "BA117", "LH2401", "2025-03-14",
    "May 3, 2025", "London", "New York", "https://example.org/a", "42", "3.5", "order_77", "\"quarterly\"",
]

texts = st.lists(st.sampled_from(FILLER + STATED), max_size=14).map(" ".join)

# (parameter name, its schema, the value as the text states it, the value the argument must take)
MATCHING: list[tuple[str, dict[str, Any], str, Any]] = [
    ("to", {"type": "string"}, "hr@gmail.com", "hr@gmail.com"),
    ("recipient", {"type": "string", "format": "email"}, "ops@trustedcorp.com", "ops@trustedcorp.com"),
    ("reply", {"type": "string"}, "a.b@example.net", "a.b@example.net"),
    ("flight_number", {"type": "string"}, "BA117", "BA117"),
    ("flightNumber", {"type": "string", "pattern": "^[A-Z0-9]{2}[0-9]{1,4}$"}, "LH2401", "LH2401"),
    ("applicant_id", {"type": "string"}, "'applicant-829'", "applicant-829"),
    ("date", {"type": "string", "format": "date"}, "2025-03-14", "2025-03-14"),
    ("departure_date", {"type": "string"}, "May 3, 2025", "2025-05-03"),
    ("when", {"type": "string", "format": "date-time"}, "2025-03-14T09:30:00Z", "2025-03-14T09:30:00Z"),
    ("city", {"type": "string"}, "in London", "London"),
    ("location", {"type": "string"}, "in New York", "New York"),
    ("destination", {"type": "string"}, "to Lisbon", "Lisbon"),
    ("link", {"type": "string", "format": "uri"}, "https://example.org/a", "https://example.org/a"),
    ("unit", {"type": "string", "enum": ["celsius", "fahrenheit"]}, "in fahrenheit", "fahrenheit"),
    ("nights", {"type": "integer", "minimum": 1}, "3 nights", 3),
    ("count", {"type": "integer"}, "42", 42),
]


def _conversation(text: str, result: str | None = None) -> Conversation:
    conversation = Conversation()
    conversation.said(text)
    if result is not None:
        conversation.called("call-1", "previous_tool")
        conversation.answered("call-1", result)
    return conversation


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=object_schemas, text=texts, result=st.none() | texts, seed=st.integers(0, 2**32))
def test_arguments_are_valid_and_equal_for_equal_seeds(schema: dict[str, Any], text: str, result: str | None,
                                                       seed: int) -> None:
    first = tool_arguments(schema, _conversation(text, result), random.Random(seed))
    again = tool_arguments(schema, _conversation(text, result), random.Random(seed))
    assert user_schema_checker(schema)(first), (schema, first)
    assert json.dumps(first) == json.dumps(again)


@settings(max_examples=150, deadline=None)
@given(case=st.sampled_from(MATCHING), before=st.lists(st.sampled_from(FILLER), max_size=5),
       after=st.lists(st.sampled_from(FILLER), max_size=5), others=object_schemas, required=st.booleans(),
       seed=st.integers(0, 2**32))
def test_a_stated_value_fills_the_parameter_of_matching_name_or_format(
        case: tuple[str, dict[str, Any], str, Any], before: list[str], after: list[str],
        others: dict[str, Any], required: bool, seed: int) -> None:
    name, prop, stated, expected = case
    properties = {k: v for k, v in others["properties"].items() if k != name}
    schema = {"type": "object", "properties": {name: prop, **properties},
              "required": [name] if required else []}
    text = " ".join([*before, stated, *after])
    value = tool_arguments(schema, _conversation(text), random.Random(seed))
    assert value[name] == expected, (text, value)
    assert user_schema_checker(schema)(value)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schema=object_schemas, text=texts, seed=st.integers(0, 3))
def test_the_server_calls_with_valid_inputs_the_same_way_each_time(server: MockServer, schema: dict[str, Any],
                                                                    text: str, seed: int) -> None:
    body = {"model": "m", "max_tokens": 400, "tools": [{"name": "lookup", "input_schema": schema}],
            "tool_choice": {"type": "any"}, "messages": [{"role": "user", "content": f"{text} {seed}"}]}
    first, again = post(server.messages_url(), body), post(server.messages_url(), body)
    assert first.status == 200, first.body
    message = first.json()
    assert schemas.check("response", message, request=body, session_id=first.headers["X-Session-ID"]) == []
    [call] = [block for block in message["content"] if block["type"] == "tool_use"]
    assert user_schema_checker(schema)(call["input"])
    assert next(b for b in again.json()["content"] if b["type"] == "tool_use")["input"] == call["input"]
