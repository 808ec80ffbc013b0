"""The responses documents are the published models' JSON Schemas (sequrity 0.4.2,
``sequrity.types.responses``), structurally; hand-written examples get the same verdict from both;
and the codec turns a response into typed events that the event document and the published stream
models accept, in an order the accumulator checks, and back."""

from __future__ import annotations

import copy
import importlib
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from responses_examples import INVALID_REQUESTS, INVALID_RESPONSES, VALID_REQUESTS, VALID_RESPONSES
from schema_helpers import first_difference, normalise_standalone

from sequrity_contract.schemas import StreamProtocolError, chunks_of, load, validate
from sequrity_contract.schemas.responses import (
    EVENT,
    REQUEST,
    RESPONSE,
    EventAccumulator,
    accumulate_events,
    opening_snapshot,
    to_events,
)

published = pytest.importorskip("sequrity.types.responses", reason="the clients extra installs sequrity")

MODELS = {REQUEST: "request.ResponsesRequest", RESPONSE: "response.ResponsesResponse",
          EVENT: "stream.OpenAiResponseStreamEvent"}


def _published(name: str) -> Any:
    module, _, model = MODELS[name].partition(".")
    return getattr(importlib.import_module(f"sequrity.types.responses.{module}"), model)


def _published_schema(name: str) -> dict[str, Any]:
    from pydantic import TypeAdapter

    schema: dict[str, Any] = TypeAdapter(_published(name)).json_schema()
    return schema


@pytest.mark.parametrize("name", MODELS)
def test_our_document_is_structurally_the_published_models_schema(name: str) -> None:
    ours, theirs = normalise_standalone(load(name)), normalise_standalone(_published_schema(name))
    assert ours == theirs, first_difference(ours, theirs)


EXAMPLES = ([(REQUEST, k, v, True) for k, v in VALID_REQUESTS.items()]
            + [(REQUEST, k, v, False) for k, v in INVALID_REQUESTS.items()]
            + [(RESPONSE, k, v, True) for k, v in VALID_RESPONSES.items()]
            + [(RESPONSE, k, v, False) for k, v in INVALID_RESPONSES.items()])


@pytest.mark.parametrize(("name", "instance", "valid"), [(n, i, v) for n, _, i, v in EXAMPLES],
                         ids=[f"{n}-{k}" for n, k, _, _ in EXAMPLES])
def test_a_hand_written_example_gets_the_same_verdict_from_both(name: str, instance: Any, valid: bool) -> None:
    from pydantic import ValidationError

    assert (validate(name, instance) == []) is valid
    assert Draft202012Validator(_published_schema(name)).is_valid(instance) is valid
    try:
        _published(name).model_validate(instance)
    except ValidationError:
        assert not valid
    else:
        assert valid


def _events(name: str, size: int) -> list[dict[str, Any]]:
    return to_events(copy.deepcopy(VALID_RESPONSES[name]), split_text=chunks_of(size), split_json=chunks_of(size))


@pytest.mark.parametrize("name", list(VALID_RESPONSES))
@pytest.mark.parametrize("size", [1, 3, 1000])
def test_a_response_split_into_events_accumulates_back(name: str, size: int) -> None:
    assert accumulate_events(_events(name, size)) == VALID_RESPONSES[name]


@pytest.mark.parametrize("name", list(VALID_RESPONSES))
def test_every_event_is_valid_for_our_document_and_the_published_union(name: str) -> None:
    from pydantic import TypeAdapter

    reader = TypeAdapter(_published(EVENT))
    for event in _events(name, 4):
        assert validate(EVENT, event) == [], event
        assert reader.validate_python(event).type == event["type"]  # type: ignore[attr-defined]
        if "response" in event:
            assert validate(RESPONSE, event["response"]) == [], event["type"]


def test_the_stream_opens_with_created_and_in_progress_and_ends_with_the_status_event() -> None:
    events = _events("text", 1000)
    assert [e["type"] for e in events] == [
        "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.done", "response.content_part.done",
        "response.output_item.done", "response.completed"]
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    assert events[0]["response"] == opening_snapshot(VALID_RESPONSES["text"])
    assert events[0]["response"]["status"] == "in_progress" and events[0]["response"]["usage"] is None
    assert _events("incomplete", 1000)[-1]["type"] == "response.incomplete"


def test_a_function_call_streams_its_arguments_and_names_its_function() -> None:
    events = _events("function_call", 4)
    deltas = [e["delta"] for e in events if e["type"] == "response.function_call_arguments.delta"]
    assert "".join(deltas) == '{"city":"Paris"}' and len(deltas) > 1
    (done,) = [e for e in events if e["type"] == "response.function_call_arguments.done"]
    assert done["name"] == "get_weather" and done["item_id"] == "fc_1"
    assert events[2]["item"]["arguments"] == "" and events[2]["item"]["status"] == "in_progress"


def _broken(events: list[dict[str, Any]], index: int, **change: Any) -> list[dict[str, Any]]:
    events = copy.deepcopy(events)
    events[index].update(change)
    return events


@pytest.mark.parametrize(("case", "rule"), [
    ("renumbered", "sequence_numbers"),
    ("no_created", "created_first"),
    ("wrong_delta", "text_matches_deltas"),
    ("item_skipped", "items_in_order"),
    ("other_item", "items_in_order"),
    ("output_differs", "output_matches_items"),
    ("after_end", "nothing_after_end"),
    ("cut", "stream_complete"),
])
def test_an_out_of_order_stream_is_refused_naming_the_clause(case: str, rule: str) -> None:
    events = _events("text", 3)
    broken = {
        "renumbered": _broken(events, 3, sequence_number=7),
        "no_created": [{**e, "sequence_number": i} for i, e in enumerate(events[1:])],
        "wrong_delta": _broken(events, 4, delta="Xun"),
        "item_skipped": _broken(events, 2, output_index=1),
        "other_item": _broken(events, 4, item_id="msg_other"),
        "output_differs": _broken(events, len(events) - 1, response={**events[-1]["response"], "output": []}),
        "after_end": [*events, {**events[-1], "sequence_number": len(events)}],
        "cut": events[:-1],
    }[case]
    with pytest.raises(StreamProtocolError) as refused:
        accumulate_events(broken)
    assert refused.value.rule == rule


def test_the_accumulator_is_done_only_after_the_terminal_event() -> None:
    accumulator = EventAccumulator()
    events = _events("reasoning_then_text", 5)
    for event in events[:-1]:
        accumulator.feed(event)
        assert not accumulator.done
    accumulator.feed(events[-1])
    assert accumulator.done and accumulator.message == VALID_RESPONSES["reasoning_then_text"]
