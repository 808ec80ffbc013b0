"""The public API: what ``strategies`` exports, lazy argument checking with errors that
name ``arg=value``, and reprs that echo the call."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis.errors import InvalidArgument

from sequrity_contract import strategies

VALID_REQUEST = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
VALID_RESPONSE = {"id": "msg_1", "type": "message", "role": "assistant", "model": "m",
                  "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn",
                  "usage": {"input_tokens": 1, "output_tokens": 1}}

# (call as written, lazily built strategy, text the error must contain)
INVALID_ARGUMENTS: list[tuple[str, Any, str]] = [
    ("requests(colour='red')", lambda: strategies.requests(colour="red"), "colour='red'"),
    ("requests(stream='yes')", lambda: strategies.requests(stream="yes"), "stream='yes'"),
    ("requests(model=3)", lambda: strategies.requests(model=3), "model=3"),
    ("requests(tool_choice='some')", lambda: strategies.requests(tool_choice="some"), "tool_choice='some'"),
    ("requests(tools=False, tool_choice='any')", lambda: strategies.requests(tools=False, tool_choice="any"),
     "tool_choice='any'"),
    ("requests(thinking=True)", lambda: strategies.requests(thinking=True), "thinking=True"),
    ("requests(system='dict')", lambda: strategies.requests(system="dict"), "system='dict'"),
    ("requests(max_exchanges=-1)", lambda: strategies.requests(max_exchanges=-1), "max_exchanges=-1"),
    ("responses(for_request=[])", lambda: strategies.responses(for_request=[]), "for_request=[]"),
    ("responses(for_request={'model': 'm'})", lambda: strategies.responses(for_request={"model": "m"}),
     "$.max_tokens"),
    ("responses(session_id='abc')", lambda: strategies.responses(session_id="abc"), "session_id='abc'"),
    ("stream_events(dialect='openai')", lambda: strategies.stream_events(dialect="openai"),
     "dialect='openai'"),
    ("stream_events(message={'id': 1})", lambda: strategies.stream_events(message={"id": 1}), "message="),
    ("conversations(tools=[{'name': 'x'}])", lambda: strategies.conversations(tools=[{"name": "x"}]),
     "tools[0]="),
    ("conversations(min_exchanges=3, max_exchanges=1)",
     lambda: strategies.conversations(min_exchanges=3, max_exchanges=1), "max_exchanges=1"),
    ("headers(names=['X-Foo'])", lambda: strategies.headers(names=["X-Foo"]), "names='X-Foo'"),
    ("headers(as_json=1)", lambda: strategies.headers(as_json=1), "as_json=1"),
    ("invalid_requests(mutations=['typo'])", lambda: strategies.invalid_requests(mutations=["typo"]),
     "mutations='typo'"),
    ("invalid_requests(mutations=[])", lambda: strategies.invalid_requests(mutations=[]), "mutations=()"),
    ("from_schema('object')", lambda: strategies.from_schema("object"), "schema='object'"),
    ("from_schema({'type': 'integer', 'minimum': 'zero'})",
     lambda: strategies.from_schema({"type": "integer", "minimum": "zero"}), "schema="),
]


@pytest.mark.parametrize(("build", "names"), [case[1:] for case in INVALID_ARGUMENTS],
                         ids=[case[0] for case in INVALID_ARGUMENTS])
def test_invalid_arguments_are_refused_when_first_drawn(build: Any, names: str) -> None:
    strategy = build()  # lazy: no error yet
    with pytest.raises(InvalidArgument) as caught:
        strategy.validate()
    assert names in str(caught.value)


def test_exports_are_exactly_the_public_api() -> None:
    assert strategies.__all__ == ["CHAT_MUTATIONS", "ENDPOINT_STRATEGIES", "RESPONSES_MUTATIONS", "Crossing",
                                  "EndpointStrategies",
                                  "Graph", "InvalidRequest", "InvalidStrategyArgument", "StrategyError",
                                  "chat_chunks", "chat_conversations", "chat_invalid_requests", "chat_requests",
                                  "chat_responses", "conversations", "crossings", "from_schema", "headers",
                                  "invalid_requests",
                                  "lang_graphs", "policies", "policy_trees", "register_strategies", "requests",
                                  "responses", "responses_answers",
                                  "responses_events", "responses_inputs", "responses_invalid_requests",
                                  "responses_requests", "strategies_for", "stream_events"]
    assert all(callable(getattr(strategies, name)) for name in strategies.__all__ if not name.isupper())


def test_repr_echoes_the_call() -> None:
    assert repr(strategies.requests(stream=True, tools=True)) == "requests(stream=True, tools=True)"
    assert repr(strategies.responses(for_request=VALID_REQUEST)).startswith("responses(for_request={")


@given(strategies.requests(stream=True, tools=True, tool_choice="tool", thinking="enabled", system="list",
                           structured_output=True, model="claude-4-sonnet", max_exchanges=1))
def test_constraints_pin_their_parts(request: dict[str, Any]) -> None:
    assert request["stream"] is True
    assert request["tools"] and request["tool_choice"]["type"] == "tool"
    assert request["thinking"]["type"] == "enabled"
    assert isinstance(request["system"], list)
    assert request["output_config"]["format"]["type"] == "json_schema"
    assert request["model"] == "claude-4-sonnet"
    assert len(request["messages"]) <= 3


@given(strategies.requests(tools=False, thinking="disabled", structured_output=False))
def test_negative_constraints_leave_parts_out(request: dict[str, Any]) -> None:
    assert "tools" not in request and "output_config" not in request
    assert request["thinking"] == {"type": "disabled"}


@given(strategies.stream_events(message=VALID_RESPONSE, dialect="anthropic"))
def test_anthropic_dialect_streams_carry_a_ping(events: list[dict[str, Any]]) -> None:
    assert [e["type"] for e in events][:2] == ["message_start", "ping"]
