"""The request headers: keys, one-line JSON configuration headers, session, custom headers."""

from __future__ import annotations

import json

import pytest
from client_helpers import json_objects
from hypothesis import given
from hypothesis import strategies as st

from sequrity_contract.contract_tests.client import build_headers, one_line_json


@given(features=json_objects, policy=json_objects, config=json_objects)
def test_configuration_headers_are_one_line_json_of_the_given_objects(features, policy, config):
    headers = build_headers(api_key="sq", features=features, policy=policy, config=config)
    for name, value in (("X-Features", features), ("X-Policy", policy), ("X-Config", config)):
        assert "\n" not in headers[name] and "\r" not in headers[name]
        assert headers[name].isascii()
        assert json.loads(headers[name]) == value


def test_only_the_keys_are_sent_when_nothing_else_is_given():
    assert build_headers(api_key="sq") == {"Authorization": "Bearer sq", "Content-Type": "application/json"}


def test_every_sequrity_header_is_sent_when_given():
    headers = build_headers(api_key="sq", llm_api_key="sk", features={"agent_arch": "dual-llm"},
                            policy={"mode": "strict"}, config={"fsm": {"max_n_turns": 2}}, session_id="s-1")
    assert headers == {
        "Authorization": "Bearer sq", "Content-Type": "application/json", "X-Api-Key": "sk",
        "X-Features": '{"agent_arch":"dual-llm"}', "X-Policy": '{"mode":"strict"}',
        "X-Config": '{"fsm":{"max_n_turns":2}}', "X-Session-ID": "s-1",
    }


def test_a_json_string_is_sent_as_is():
    assert build_headers(api_key="sq", features="{not json")["X-Features"] == "{not json"


@given(st.sampled_from(["x-session-id", "X-SESSION-ID", "X-Session-ID"]))
def test_custom_headers_win_over_the_clients_own_whatever_their_case(name):
    headers = build_headers(api_key="sq", session_id="mine", custom={name: "theirs", "X-Trace": "t"})
    assert [v for k, v in headers.items() if k.lower() == "x-session-id"] == ["theirs"]
    assert headers["X-Trace"] == "t"


def test_one_line_json_is_compact():
    assert one_line_json({"a": [1, {"b": "é"}]}) == '{"a":[1,{"b":"\\u00e9"}]}'


@pytest.mark.parametrize(("kwargs", "error", "names"), [
    ({"api_key": ""}, ValueError, "api_key=''"),
    ({"api_key": "sq", "llm_api_key": "a\nb"}, ValueError, "llm_api_key="),
    ({"api_key": "sq", "features": ["not", "a", "dict"]}, TypeError, "features="),
    ({"api_key": "sq", "policy": {"x": float("nan")}}, ValueError, "policy="),
    ({"api_key": "sq", "config": "{\n}"}, ValueError, "config="),
    ({"api_key": "sq", "session_id": 7}, TypeError, "session_id=7"),
    ({"api_key": "sq", "custom": {"X-A": "1\r\n"}}, ValueError, "headers['X-A']"),
    ({"api_key": "sq", "custom": {"Bad Name": "1"}}, ValueError, "'Bad Name'"),
], ids=lambda v: repr(v) if isinstance(v, dict) else None)
def test_bad_header_input_names_the_argument(kwargs, error, names):
    with pytest.raises(error, match=__import__("re").escape(names)):
        build_headers(**kwargs)
