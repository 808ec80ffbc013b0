"""Every value the public strategies generate is valid: requests and conversations pass
the request schema and rules, responses pass every response rule in the context of
their request and session, streams accumulate back to their message, headers validate
against their documents, and invalid requests break exactly the rule they name."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sequrity_contract import schemas, strategies
from sequrity_contract.schemas import HEADER_DOCUMENTS
from sequrity_contract.strategies.invalid import MUTATIONS

SESSION = "0f8fad5b-d9cb-469f-a165-70867728950e"
# twice the profile's example count: 200 under sequrity-ci, 4000 nightly
MANY = settings(max_examples=settings.default.max_examples * 2)


@MANY
@given(strategies.requests())
def test_requests_pass_schema_and_rules(request: dict[str, Any]) -> None:
    assert schemas.check("request", request) == []
    assert nulls_outside_user_data(request) == []


USER_DATA = ("input", "input_schema", "schema")


def nulls_outside_user_data(value: Any, path: str = "$") -> list[str]:
    """JSON paths of nulls, not counting tool inputs and user schemas (where null is data)."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() if k not in USER_DATA
                for p in nulls_outside_user_data(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in nulls_outside_user_data(v, f"{path}[{i}]")]
    return []


@MANY
@given(st.data())
def test_responses_pass_every_rule_for_their_request(data: st.DataObject) -> None:
    request = data.draw(strategies.requests(), label="request")
    response = data.draw(strategies.responses(for_request=request, session_id=SESSION), label="response")
    assert schemas.check("response", response, request=request, session_id=SESSION) == []


@given(strategies.responses())
def test_responses_without_a_request_are_valid(response: dict[str, Any]) -> None:
    assert schemas.check("response", response) == []


@MANY
@given(st.data())
def test_stream_events_accumulate_to_the_message(data: st.DataObject) -> None:
    message = data.draw(strategies.responses(), label="message")
    dialect = data.draw(st.sampled_from(schemas.DIALECTS), label="dialect")
    events = data.draw(strategies.stream_events(message=message, dialect=dialect), label="events")
    for event in events:
        assert schemas.validate(f"event.{event['type']}", event) == []
    assert schemas.accumulate(events, dialect=dialect) == message


@given(strategies.stream_events())
def test_stream_events_of_drawn_messages_are_well_formed(events: list[dict[str, Any]]) -> None:
    assert schemas.check("response", schemas.accumulate(events)) == []
    assert [e["type"] for e in events if e["type"] == "ping"] == []


@given(strategies.conversations(session_id=SESSION))
def test_conversations_follow_the_request_rules(messages: list[dict[str, Any]]) -> None:
    request = {"model": "m", "max_tokens": 10, "messages": messages}
    assert schemas.check("request", request) == []
    ids = [b["id"] for m in messages if isinstance(m["content"], list) for b in m["content"]
           if b["type"] == "tool_use"]
    assert all(i.startswith(f"tc-{SESSION}-") for i in ids)


@given(strategies.headers())
def test_header_dicts_validate_against_their_documents(values: dict[str, Any]) -> None:
    for name, value in values.items():
        assert schemas.validate(HEADER_DOCUMENTS[name], value) == []


@given(strategies.headers(as_json=True))
def test_header_json_is_one_ascii_line_of_a_valid_value(values: dict[str, str]) -> None:
    for name, text in values.items():
        assert "\n" not in text and text.isascii()
        assert schemas.validate(HEADER_DOCUMENTS[name], json.loads(text)) == []


@MANY
@given(strategies.invalid_requests())
def test_invalid_requests_break_exactly_the_rule_they_name(case: strategies.InvalidRequest) -> None:
    violations = schemas.check("request", case.request)
    assert violations, case
    assert (violations[0].rule, violations[0].path) == (case.rule, case.path)
    assert {v.rule for v in violations} == {case.rule}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@settings(max_examples=10)
@given(data=st.data())
def test_each_mutation_breaks_exactly_its_rule(mutation: str, data: st.DataObject) -> None:
    case = data.draw(strategies.invalid_requests(mutations=[mutation]))
    assert case.mutation == mutation
    violations = schemas.check("request", case.request)
    assert (violations[0].rule, violations[0].path) == (case.rule, case.path)
    assert {v.rule for v in violations} == {case.rule}
