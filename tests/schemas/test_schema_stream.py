"""The streaming codec: ``accumulate(to_events(m)) == m`` for every valid response, however
the text and the tool-input JSON are split, in both dialects; every event it emits is a
valid ``event``; and each ordering fault raises StreamProtocolError naming its clause."""

from __future__ import annotations

import copy
import itertools
import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from schema_examples import TOOL_USE_ID, VALID_RESPONSES
from schema_helpers import examples, valid_instances

from sequrity_contract.schemas import (
    DIALECTS,
    Accumulator,
    StreamErrorEvent,
    StreamProtocolError,
    accumulate,
    chunks_of,
    is_valid,
    to_events,
    validate,
)
from sequrity_contract.schemas.stream import copy_json

SEQURITY_EVENT_TYPES = {
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
}

# -- hand-built strategies for valid responses ----------------------------------------------

_short_text = st.text(max_size=40)
_json_leaf = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _short_text
)
_json = st.recursive(
    _json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
)
_citation = st.fixed_dictionaries(
    {"type": st.sampled_from(["char_location", "page_location", "web_search_result_location"])},
    optional={"cited_text": _short_text, "start_char_index": st.integers(0, 99)},
)
_blocks = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("text"), "text": st.text(max_size=120)},
        optional={"citations": st.none() | st.lists(_citation, max_size=3)},
    ),
    st.fixed_dictionaries({"type": st.just("thinking"), "text": st.text(max_size=120)}),
    st.fixed_dictionaries({"type": st.just("redacted_thinking")}, optional={"data": _short_text}),
    st.fixed_dictionaries(
        {
            "type": st.just("tool_use"),
            "id": st.just(TOOL_USE_ID) | _short_text,
            "name": _short_text,
            "input": st.dictionaries(st.text(max_size=8), _json, max_size=4),
        }
    ),
    st.fixed_dictionaries({"type": st.just("server_tool_use"), "id": _short_text, "name": _short_text}),
    st.fixed_dictionaries({"type": st.just("web_search_tool_result")}, optional={"tool_use_id": _short_text}),
)
_counts = st.integers(0, 10**6)
responses = st.fixed_dictionaries(
    {
        "id": _short_text,
        "type": st.just("message"),
        "role": st.just("assistant"),
        "content": st.lists(_blocks, max_size=5),
        "model": _short_text,
        "usage": st.fixed_dictionaries(
            {"input_tokens": _counts, "output_tokens": _counts},
            optional={
                "cache_read_input_tokens": st.none() | _counts,
                "cache_creation": st.none() | st.just({"ephemeral_5m_input_tokens": 3}),
                "service_tier": st.sampled_from(["standard", "priority", "batch", None]),
            },
        ),
    },
    optional={
        "stop_reason": st.sampled_from(
            ["end_turn", "max_tokens", "stop_sequence", "tool_use", "refusal", None]
        ),
        "stop_sequence": st.none() | _short_text,
        "session_id": st.none() | st.uuids().map(str),
    },
)


def random_splitter(rnd: random.Random) -> Callable[[str], list[str]]:
    """Cuts a text at up to six random places (empty pieces included)."""

    def split(text: str) -> list[str]:
        cuts = sorted(rnd.randint(0, len(text)) for _ in range(rnd.randint(0, 6)))
        bounds = [0, *cuts, len(text)]
        return [text[a:b] for a, b in itertools.pairwise(bounds)]

    return split


def _round_trip(
    message: dict[str, Any], text_rnd: random.Random, json_rnd: random.Random, dialect: Any
) -> None:
    events = to_events(
        message, split_text=random_splitter(text_rnd), split_json=random_splitter(json_rnd), dialect=dialect
    )
    for event in events:
        assert validate("event", event) == [], event
    kinds = [e["type"] for e in events]
    if dialect == "sequrity":
        assert set(kinds) <= SEQURITY_EVENT_TYPES
    else:
        assert "ping" in kinds
    assert kinds[0] == "message_start" and kinds[-2:] == ["message_delta", "message_stop"]
    assert accumulate(events, dialect=dialect) == message


@given(
    message=responses,
    text_rnd=st.randoms(use_true_random=False),
    json_rnd=st.randoms(use_true_random=False),
    dialect=st.sampled_from(DIALECTS),
)
def test_accumulating_the_events_of_a_response_gives_the_response_back(
    message: dict[str, Any], text_rnd: random.Random, json_rnd: random.Random, dialect: Any
) -> None:
    assert is_valid("response", message)
    _round_trip(message, text_rnd, json_rnd, dialect)


@settings(max_examples=examples(10))
@given(
    message=valid_instances("response"),
    text_rnd=st.randoms(use_true_random=False),
    json_rnd=st.randoms(use_true_random=False),
    dialect=st.sampled_from(DIALECTS),
)
def test_the_round_trip_holds_for_responses_generated_from_the_document(
    message: dict[str, Any], text_rnd: random.Random, json_rnd: random.Random, dialect: Any
) -> None:
    # The stream's own keys of a thinking block (``thinking``, ``signature``: its start and deltas
    # carry them, and the toolkit's signature replaces any) cannot travel as extra properties.
    assume(not any(block.get("type") == "thinking" and {"thinking", "signature"} & set(block)
                   for block in message["content"]))
    _round_trip(message, text_rnd, json_rnd, dialect)


@pytest.mark.parametrize("name", list(VALID_RESPONSES))
@pytest.mark.parametrize("size", [1, 3, 1000])
def test_the_hand_written_responses_round_trip_in_chunks(name: str, size: int) -> None:
    message = VALID_RESPONSES[name]
    events = to_events(message, split_text=chunks_of(size), split_json=chunks_of(size))
    assert accumulate(events) == message


def test_a_splitter_whose_pieces_do_not_join_is_refused() -> None:
    with pytest.raises(ValueError, match="split_text returned pieces that do not join"):
        to_events(VALID_RESPONSES["text"], split_text=lambda text: [text, "!"])


# -- ordering faults ------------------------------------------------------------------------

MESSAGE = copy.deepcopy(VALID_RESPONSES["thinking_then_tool_use"])
MESSAGE["content"].insert(0, {"type": "text", "text": "Let me check."})
EVENTS = to_events(MESSAGE, split_text=chunks_of(5), split_json=chunks_of(5))


def _position(kind: str, index: int | None = None, *, delta: str | None = None) -> int:
    for i, event in enumerate(EVENTS):
        if event["type"] != kind or (index is not None and event.get("index") != index):
            continue
        if delta is None or event["delta"]["type"] == delta:
            return i
    raise AssertionError(f"no {kind} event {index}")


def _without(position: int) -> list[dict[str, Any]]:
    return [e for i, e in enumerate(EVENTS) if i != position]


def _inserted(position: int, event: dict[str, Any]) -> list[dict[str, Any]]:
    return [*EVENTS[:position], event, *EVENTS[position:]]


def _replaced(position: int, event: dict[str, Any]) -> list[dict[str, Any]]:
    return [*EVENTS[:position], event, *EVENTS[position + 1 :]]


def _tool_json(pieces: list[str]) -> list[dict[str, Any]]:
    events = [e for e in EVENTS if not (e["type"] == "content_block_delta" and e["index"] == 2)]
    stop = next(i for i, e in enumerate(events) if e["type"] == "content_block_stop" and e["index"] == 2)
    deltas = [
        {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": p}}
        for p in pieces
    ]
    return [*events[:stop], *deltas, *events[stop:]]


STOP_0 = _position("content_block_stop", 0)
START_1 = _position("content_block_start", 1)
TEXT_DELTA = _position("content_block_delta", 0, delta="text_delta")
MESSAGE_DELTA = _position("message_delta")
ERROR_EVENT = {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}

# (id, events, rule, index of the offending event)
FAULTS: list[tuple[str, list[dict[str, Any]], str, int]] = [
    ("missing-message-start", EVENTS[1:], "message_start_first", 0),
    ("overlapping-blocks", _without(STOP_0), "blocks_do_not_overlap", START_1 - 1),
    ("wrong-index", _replaced(START_1, {**EVENTS[START_1], "index": 2}), "block_indexes_in_order", START_1),
    (
        "delta-type-not-matching-block",
        _replaced(
            TEXT_DELTA, {**EVENTS[TEXT_DELTA], "delta": {"type": "input_json_delta", "partial_json": "{"}}
        ),
        "delta_matches_block",
        TEXT_DELTA,
    ),
    ("missing-message-delta", _without(MESSAGE_DELTA), "message_delta_before_stop", MESSAGE_DELTA),
    (
        "event-after-message-stop",
        [*EVENTS, {"type": "message_stop"}],
        "nothing_after_message_stop",
        len(EVENTS),
    ),
    ("ping-in-sequrity-dialect", _inserted(1, {"type": "ping"}), "dialect_events", 1),
    ("error-in-sequrity-dialect", _inserted(1, ERROR_EVENT), "dialect_events", 1),
    (
        "delta-outside-a-block",
        _inserted(STOP_0 + 1, EVENTS[TEXT_DELTA]),
        "delta_inside_open_block",
        STOP_0 + 1,
    ),
    ("stop-twice", _inserted(STOP_0 + 1, EVENTS[STOP_0]), "stop_closes_open_block", STOP_0 + 1),
    (
        "block-after-message-delta",
        _inserted(MESSAGE_DELTA + 1, {**EVENTS[START_1], "index": 3}),
        "blocks_before_message_delta",
        MESSAGE_DELTA + 1,
    ),
    (
        "message-delta-with-open-block",
        _without(MESSAGE_DELTA - 1),
        "blocks_closed_before_message_delta",
        MESSAGE_DELTA - 1,
    ),
    (
        "two-message-deltas",
        _inserted(MESSAGE_DELTA, EVENTS[MESSAGE_DELTA]),
        "one_message_delta",
        MESSAGE_DELTA + 1,
    ),
    ("unknown-event-type", _inserted(1, {"type": "message_pause"}), "known_event_type", 1),
    ("tool-json-broken", _tool_json(['{"city"', ': "Par']), "tool_input_is_json", -1),
    ("tool-json-not-object", _tool_json(["[1, ", "2]"]), "tool_input_is_json", -1),
    (
        "event-without-its-fields",
        _replaced(START_1, {"type": "content_block_start", "index": 1}),
        "event_shape",
        START_1,
    ),
    ("truncated-stream", EVENTS[:-1], "stream_complete", len(EVENTS) - 1),
    ("empty-stream", [], "stream_complete", 0),
]


def test_the_unbroken_stream_accumulates() -> None:
    assert accumulate(EVENTS) == MESSAGE


@pytest.mark.parametrize(("events", "rule", "index"), [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS])
def test_an_ordering_fault_raises_stream_protocol_error_naming_the_clause(
    events: list[dict[str, Any]], rule: str, index: int
) -> None:
    with pytest.raises(StreamProtocolError) as raised:
        accumulate(events)
    error = raised.value
    assert error.rule == rule
    if index >= 0:
        assert error.index == index
    assert f"[{rule}]" in str(error) and f"event {error.index}" in str(error)
    assert error.violation.rule == f"stream:{rule}" and error.violation.path == f"$.events[{error.index}]"


def test_the_anthropic_dialect_allows_ping_and_raises_on_error_events() -> None:
    assert accumulate(_inserted(1, {"type": "ping"}), dialect="anthropic") == MESSAGE
    with pytest.raises(StreamErrorEvent) as raised:
        accumulate(_inserted(3, ERROR_EVENT), dialect="anthropic")
    assert (raised.value.error_type, raised.value.message) == ("overloaded_error", "busy")


def test_the_accumulator_is_done_only_after_message_stop() -> None:
    accumulator = Accumulator()
    for event in EVENTS[:-1]:
        accumulator.feed(event)
        assert not accumulator.done
    accumulator.feed(EVENTS[-1])
    assert accumulator.done and accumulator.message == MESSAGE


@pytest.mark.parametrize("dialect", ["openai", None, ""])
def test_an_unknown_dialect_is_refused_by_name(dialect: Any) -> None:
    with pytest.raises(ValueError, match=f"dialect={dialect!r}"):
        to_events(MESSAGE, dialect=dialect)
    with pytest.raises(ValueError, match=f"dialect={dialect!r}"):
        Accumulator(dialect)


def _containers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [value, *(c for item in value.values() for c in _containers(item))]
    if isinstance(value, list):
        return [value, *(c for item in value for c in _containers(item))]
    return []


@given(value=_json)
def test_a_json_copy_equals_the_value_and_shares_no_dict_or_list_with_it(value: Any) -> None:
    copied = copy_json(value)
    assert copied == value
    assert not {id(c) for c in _containers(copied)} & {id(c) for c in _containers(value)}
