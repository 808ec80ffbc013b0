"""``strategies.crossings``: every drawn crossing is denied by the engine after its history, its twin
allowed; every rendered body is a valid request of its endpoint and holds the crossing's history;
every policy parses (ours and, when installed, the published parser)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from sequrity_contract import schemas, strategies
from sequrity_contract.schemas.sqrt import PolicyPresets, parse_policy
from sequrity_contract.schemas.tool_calls import ToolCall, ToolResult
from sequrity_contract.strategies import Crossing

ENDPOINTS = ["messages", "chat_completions", "responses"]


@given(strategies.crossings())
def test_the_engine_denies_the_crossing_and_allows_its_twin(crossing: Crossing) -> None:
    denied, allowed = crossing.decide(), crossing.twin.decide()
    assert (crossing.expected_allowed, crossing.twin.expected_allowed) == (False, True)
    assert (denied.allowed, denied.verdict) == (False, "hard_denied")
    assert {(rule.tool_id, rule.outcome) for rule in denied.fired} == {(crossing.sink, "deny")}
    assert denied.message == f"Tool call to '{crossing.sink}' is denied by argument checking policies."
    assert allowed.allowed and allowed.fired == ()


@given(strategies.crossings())
def test_the_denied_call_carries_the_tagged_result_to_an_untrusted_place(crossing: Crossing) -> None:
    [load, result] = crossing.history
    assert isinstance(load, ToolCall) and isinstance(result, ToolResult) and result.call_id == load.id
    assert load.name == crossing.source and crossing.call.name == crossing.sink
    assert result.text in crossing.call.arguments.values()
    data = next(name for name, value in crossing.call.arguments.items() if value == result.text)
    assert crossing.decide().arguments[data].meta.tags.contains(sorted(crossing.tags)[0])
    for value in [*load.arguments.values(), *crossing.call.arguments.values()]:  # stated, so a mock can read them
        assert value == result.text or value in crossing.prompt


@given(strategies.crossings())
def test_a_twin_is_the_twin_of_its_crossing(crossing: Crossing) -> None:
    twin = crossing.twin
    assert twin.twin is crossing
    assert (twin.policy, twin.tools, twin.source, twin.sink) == (crossing.policy, crossing.tools, crossing.source,
                                                                 crossing.sink)
    assert twin.call.name == crossing.sink and twin.call.id != crossing.call.id
    assert f"expected_allowed={twin.expected_allowed!r}>" in repr(crossing)


@given(strategies.crossings(twins=("trusted_destination",)))
def test_a_trusted_destination_twin_sends_the_same_data_elsewhere(crossing: Crossing) -> None:
    twin = crossing.twin
    assert twin.history == crossing.history
    changed = {name for name, value in twin.call.arguments.items() if crossing.call.arguments[name] != value}
    assert len(changed) == 1
    assert "trustedcorp" in twin.call.arguments[changed.pop()]


@given(strategies.crossings(twins=("untagged_data",)))
def test_an_untagged_twin_never_reads_the_source(crossing: Crossing) -> None:
    twin = crossing.twin
    assert twin.history == ()
    assert all(value in twin.prompt for value in twin.call.arguments.values())
    assert not twin.decide(PolicyPresets(enable_non_executable_memory=False)).fired


@given(strategies.crossings(), st.sampled_from(ENDPOINTS), st.booleans())
def test_every_rendered_body_is_valid_and_holds_the_history(crossing: Crossing, endpoint: str, twin: bool) -> None:
    side = crossing.twin if twin else crossing
    body = side.body(endpoint)
    described = schemas.ENDPOINTS[endpoint]
    assert schemas.check(described.request, body) == []
    assert described.tool_calls is not None
    assert described.tool_calls.history(body) == list(side.history)
    assert described.session_from_history(body) == (side.session_id if side.history else None)
    assert json.loads(json.dumps(body)) == body


@given(strategies.crossings())
def test_the_headers_are_valid_and_carry_the_policy(crossing: Crossing) -> None:
    headers = crossing.headers()
    assert sorted(headers) == ["X-Features", "X-Policy"]
    for name, value in headers.items():
        assert schemas.check(schemas.HEADER_DOCUMENTS[name], json.loads(value)) == []
    assert json.loads(headers["X-Policy"])["codes"]["code"] == crossing.policy
    assert json.loads(headers["X-Features"])["agent_arch"] == "dual-llm"


@given(strategies.crossings())
def test_the_policy_parses(crossing: Crossing) -> None:
    parse_policy(crossing.policy)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.crossings())
def test_the_published_parser_accepts_every_policy(crossing: Crossing) -> None:
    published = pytest.importorskip("sequrity.sqrt.parser")
    assert published.validate(crossing.policy), crossing.policy


@pytest.mark.parametrize(("call", "message"), [
    (lambda: strategies.crossings(twins=()), "twins=()"),
    (lambda: strategies.crossings(twins="trusted_destination"), "twins='trusted_destination'"),
    (lambda: strategies.crossings(twins=("trusted",)), "twins='trusted'"),
])
def test_bad_arguments_are_named(call: Any, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        call().validate()


@given(strategies.crossings())
def test_an_unknown_endpoint_is_named(crossing: Crossing) -> None:
    with pytest.raises(InvalidArgument, match="endpoint='echo'"):
        crossing.body("echo")


@given(strategies.crossings(), st.sampled_from(ENDPOINTS))
def test_a_body_is_the_callers_to_change(crossing: Crossing, endpoint: str) -> None:
    before = json.dumps(crossing.body(endpoint))
    _empty(crossing.body(endpoint))
    assert json.dumps(crossing.body(endpoint)) == before


def _empty(value: Any) -> None:
    """Empty every dict and list in ``value``, inside out."""
    if isinstance(value, dict):
        for inner in value.values():
            _empty(inner)
        value.clear()
    elif isinstance(value, list):
        for inner in value:
            _empty(inner)
        value.clear()
