"""The compiled Rust validator (``jsonschema_rs``) and ``jsonschema`` give the same verdict on every
document: valid requests, requests breaking one rule, responses, stream events and headers. The
server decides validity with the first and words errors with the second, so they must agree."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from schema_helpers import examples

from sequrity_contract import schemas, strategies
from sequrity_contract.schemas import registry

pytestmark = pytest.mark.skipif(registry.jsonschema_rs is None, reason="jsonschema_rs is not installed")


def agree(name: str, instance: Any) -> None:
    document = json.loads(json.dumps(instance))  # what the server sees: a value parsed from JSON text
    fast = registry.fast_verdict(name)
    assert fast is not None
    assert fast(document) == registry.validator(name).is_valid(document), (name, document)


@settings(max_examples=examples(200))
@given(strategies.requests())
def test_they_agree_on_valid_requests(request: dict[str, Any]) -> None:
    agree("request", request)


@settings(max_examples=examples(200))
@given(strategies.invalid_requests())
def test_they_agree_on_requests_that_break_a_rule(case: strategies.InvalidRequest) -> None:
    agree("request", case.request)


@settings(max_examples=examples(100))
@given(st.data())
def test_they_agree_on_responses_and_their_events(data: st.DataObject) -> None:
    message = data.draw(strategies.responses())
    agree("response", message)
    for event in data.draw(strategies.stream_events(message)):
        agree("event", event)


@settings(max_examples=examples(100))
@given(strategies.headers())
def test_they_agree_on_configuration_headers(headers: dict[str, Any]) -> None:
    for header, value in headers.items():
        agree(schemas.HEADER_DOCUMENTS[header], value)


@settings(max_examples=examples(200))
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                    | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=20))
def test_they_agree_on_arbitrary_json(value: Any) -> None:
    for name in ("request", "response", "error"):
        agree(name, value)


def test_a_python_tuple_is_judged_by_jsonschema_unless_the_value_came_from_json() -> None:
    request = {"model": "m", "max_tokens": 1, "messages": ({"role": "user", "content": "x"},)}
    assert not schemas.is_valid("request", request)
    assert schemas.is_valid("request", json.loads(json.dumps(request)), from_json=True)
