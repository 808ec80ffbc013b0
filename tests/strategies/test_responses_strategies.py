"""The responses strategies: every drawn request and response satisfies its document and every rule;
event sequences are valid events and accumulate back to the response they stream; an invalid request
breaks the rule it names, first (the mock accepting them: test_endpoint_requests_on_the_mock.py)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sequrity_contract import schemas, strategies
from sequrity_contract.schemas.responses import EVENT, REQUEST, RESPONSE, accumulate_events
from sequrity_contract.strategies import InvalidStrategyArgument

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(strategies.responses_requests())
def test_a_drawn_request_obeys_the_document_and_every_rule(request: dict[str, Any]) -> None:
    assert schemas.check(REQUEST, request) == []


@SETTINGS
@given(strategies.responses_requests(input="items", tools=True, reasoning=True, max_exchanges=3))
def test_a_drawn_request_with_items_holds_calls_outputs_and_reasoning(request: dict[str, Any]) -> None:
    assert schemas.check(REQUEST, request) == []
    assert isinstance(request["input"], list) and request["tools"] and "effort" in request["reasoning"]
    calls = {item["call_id"] for item in request["input"] if item.get("type") == "function_call"}
    outputs = [item["call_id"] for item in request["input"] if item.get("type") == "function_call_output"]
    assert set(outputs) == calls and len(outputs) == len(calls)


@SETTINGS
@given(st.data())
def test_a_drawn_response_answers_its_request_under_every_rule(data: st.DataObject) -> None:
    request = data.draw(strategies.responses_requests(), label="request")
    session = data.draw(st.uuids().map(str), label="session")
    response = data.draw(strategies.responses_answers(request, session_id=session), label="response")
    assert schemas.check(RESPONSE, response, request=request, session_id=session) == []


@SETTINGS
@given(st.data())
def test_a_drawn_event_sequence_accumulates_back_to_its_response(data: st.DataObject) -> None:
    response = data.draw(strategies.responses_answers(), label="response")
    events = data.draw(strategies.responses_events(response), label="events")
    assert all(schemas.validate(EVENT, event) == [] for event in events)
    assert accumulate_events(events) == response


@SETTINGS
@given(strategies.responses_invalid_requests())
def test_an_invalid_request_breaks_the_rule_it_names_first(invalid: Any) -> None:
    violations = schemas.check(REQUEST, invalid.request)
    assert violations and (violations[0].rule, violations[0].path) == (invalid.rule, invalid.path), violations


@pytest.mark.parametrize("mutation", sorted(strategies.RESPONSES_MUTATIONS))
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_each_mutation_breaks_its_rule(mutation: str, data: st.DataObject) -> None:
    invalid = data.draw(strategies.responses_invalid_requests(mutations=[mutation]))
    violations = schemas.check(REQUEST, invalid.request)
    assert invalid.mutation == mutation
    assert violations and (violations[0].rule, violations[0].path) == (invalid.rule, invalid.path), violations


@SETTINGS
@given(strategies.responses_inputs(min_exchanges=1))
def test_drawn_input_items_are_a_valid_input(items: list[dict[str, Any]]) -> None:
    assert schemas.check(REQUEST, {"model": "m", "input": items}) == []


def test_the_endpoint_strategies_are_the_hand_written_ones() -> None:
    registered = strategies.strategies_for("responses")
    assert registered.requests is strategies.responses_requests
    assert registered.responses is strategies.responses_answers


@pytest.mark.parametrize(("build", "named"), [
    (lambda: strategies.responses_requests(tool_choice="sometimes"), "tool_choice='sometimes'"),
    (lambda: strategies.responses_requests(tools=False, tool_choice="named"), "tool_choice='named'"),
    (lambda: strategies.responses_requests(input="both"), "input='both'"),
    (lambda: strategies.responses_requests(max_exchanges=-1), "max_exchanges=-1"),
    (lambda: strategies.responses_answers({"input": "x"}), "for_request=..."),
    (lambda: strategies.responses_answers(session_id="s"), "session_id='s'"),
    (lambda: strategies.responses_events({"id": "r"}), "response=..."),
    (lambda: strategies.responses_inputs(tools=[{"name": "f"}]), "tools[0]="),
    (lambda: strategies.responses_invalid_requests(mutations=["nope"]), "mutations='nope'"),
], ids=["tool_choice", "named-without-tools", "input", "max_exchanges", "for_request", "session_id", "response",
        "tools", "mutations"])
def test_bad_arguments_name_themselves(build: Any, named: str) -> None:
    with pytest.raises(InvalidStrategyArgument) as caught:
        build().validate()
    assert named in str(caught.value)
