"""The chat completions strategies: every drawn request, completion and chunk list satisfies its
document and every rule; chunks accumulate to the completion they stream; an invalid request breaks
the rule it names, first (the mock accepting them: test_endpoint_requests_on_the_mock.py)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sequrity_contract import schemas, strategies
from sequrity_contract.strategies import InvalidStrategyArgument

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(strategies.chat_requests())
def test_a_drawn_request_obeys_the_document_and_every_rule(request: dict[str, Any]) -> None:
    assert schemas.check("chat.request", request) == []


@SETTINGS
@given(st.data())
def test_a_drawn_completion_answers_its_request_under_every_rule(data: st.DataObject) -> None:
    request = data.draw(strategies.chat_requests(), label="request")
    session = data.draw(st.uuids().map(str), label="session")
    completion = data.draw(strategies.chat_responses(request, session_id=session), label="completion")
    assert schemas.check("chat.response", completion, request=request, session_id=session) == []


@SETTINGS
@given(st.data())
def test_splitting_a_drawn_completion_into_chunks_and_accumulating_gives_it_back(data: st.DataObject) -> None:
    completion = data.draw(strategies.chat_responses(), label="completion")
    chunks = data.draw(strategies.chat_chunks(completion), label="chunks")
    assert all(schemas.validate("chat.chunk", chunk) == [] for chunk in chunks)
    assert schemas.accumulate_chunks(chunks) == completion


@SETTINGS
@given(strategies.chat_invalid_requests())
def test_an_invalid_request_breaks_the_rule_it_names_first(invalid: Any) -> None:
    violations = schemas.check("chat.request", invalid.request)
    assert violations and (violations[0].rule, violations[0].path) == (invalid.rule, invalid.path), violations


@SETTINGS
@given(strategies.chat_conversations(min_exchanges=1))
def test_a_drawn_conversation_is_a_valid_history(messages: list[dict[str, Any]]) -> None:
    assert schemas.check("chat.request", {"model": "m", "messages": messages}) == []


def test_the_endpoint_strategies_are_the_hand_written_ones() -> None:
    chat = strategies.strategies_for("chat_completions")
    assert chat.requests is strategies.chat_requests and chat.responses is strategies.chat_responses


@pytest.mark.parametrize(("arguments", "named"), [
    ({"tool_choice": "sometimes"}, "tool_choice='sometimes'"),
    ({"tools": False, "tool_choice": "required"}, "tool_choice='required'"),
    ({"max_exchanges": -1}, "max_exchanges=-1"),
])
def test_bad_arguments_name_themselves(arguments: dict[str, Any], named: str) -> None:
    with pytest.raises(InvalidStrategyArgument, match=named.replace("(", r"\(")):
        strategies.chat_requests(**arguments).validate()
