"""The request body: nulls dropped from the request's objects, kept in free-form JSON."""

from __future__ import annotations

import json

import pytest
from client_helpers import json_objects, json_values
from hypothesis import given
from hypothesis import strategies as st

from sequrity_contract.contract_tests.client import FREE_FORM_KEYS, drop_nulls, encode_body


def _nulls_outside_free_form(value, free=False):
    if isinstance(value, dict):
        return any((v is None and not free) or (k not in FREE_FORM_KEYS and _nulls_outside_free_form(v, free))
                   for k, v in value.items())
    if isinstance(value, list):
        return any(_nulls_outside_free_form(v, free) for v in value)
    return False


@given(json_values)
def test_no_null_field_is_left_outside_free_form_values(value):
    assert not _nulls_outside_free_form(drop_nulls(value))


@given(json_values)
def test_dropping_nulls_is_idempotent(value):
    assert drop_nulls(drop_nulls(value)) == drop_nulls(value)


@given(st.sampled_from(sorted(FREE_FORM_KEYS)), json_objects)
def test_free_form_values_are_sent_exactly(key, free):
    request = {"messages": [{"role": "assistant", "content": [{"type": "tool_use", key: free, "x": None}]}]}
    assert drop_nulls(request)["messages"][0]["content"][0] == {"type": "tool_use", key: free}


def test_a_request_loses_its_null_fields_at_every_level():
    request = {"model": "m", "max_tokens": 8, "temperature": None, "system": None,
               "messages": [{"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": None,
                                                          "citations": None}]}],
               "tools": [{"name": "t", "description": None,
                          "input_schema": {"type": "object", "default": None}}]}
    assert json.loads(encode_body(request)) == {
        "model": "m", "max_tokens": 8,
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
        "tools": [{"name": "t", "input_schema": {"type": "object", "default": None}}],
    }


@pytest.mark.parametrize(("request_", "error", "text"), [
    (["not", "a", "dict"], TypeError, "request=['not', 'a', 'dict']"),
    ({"model": {1, 2}}, ValueError, "not JSON-serialisable"),
    ({"temperature": float("inf")}, ValueError, "not JSON-serialisable"),
])
def test_a_body_json_cannot_carry_is_refused(request_, error, text):
    with pytest.raises(error, match=__import__("re").escape(text)):
        encode_body(request_)
