"""The SSE encoder writes docs/contract.md §5 events; the parser reads them back however the bytes
are cut."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequrity_contract.schemas.sse import (
    SSEParser,
    compact_json,
    encode_event,
    encode_events,
    json_encoder,
    parse_events,
    parse_sse,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)
any_json = st.recursive(  # every kind of value json.dumps writes: big integers, any float, any text
    st.none() | st.booleans() | st.integers() | st.integers(min_value=2**64) | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=12,
)
events = st.lists(
    st.fixed_dictionaries({"type": st.sampled_from(["message_start", "ping", "x"]), "payload": json_values}),
    max_size=5,
)


def test_one_event_is_an_event_line_and_a_one_line_data_line() -> None:
    encoded = encode_event({"type": "content_block_delta", "delta": {"text": "a\nb"}})
    assert (
        encoded
        == b'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"a\\nb"}}\n\n'
    )


@given(events=events, cuts=st.lists(st.integers(0, 10_000), max_size=8))
def test_parsing_any_cut_of_the_stream_gives_the_events_back(
    events: list[dict[str, Any]], cuts: list[int]
) -> None:
    stream = encode_events(events)
    parser = SSEParser()
    parsed = []
    start = 0
    for cut in sorted({min(c, len(stream)) for c in cuts}):
        parsed += parser.feed(stream[start:cut])
        start = cut
    parsed += parser.feed(stream[start:]) + parser.close()
    assert [p.json() for p in parsed] == events
    assert [p.event for p in parsed] == [e["type"] for e in events]


def test_parser_follows_the_sse_line_rules() -> None:
    stream = ": comment\r\nevent: a\r\ndata: 1\r\ndata: 2\r\n\r\ndata:3\rdata: {}\n\nevent: lonely\n\ndata: 4"
    assert [(e.event, e.data) for e in parse_sse(stream)] == [("a", "1\n2"), (None, "3\n{}"), (None, "4")]
    assert parse_events('data: {"a": 1}\n\n') == [{"a": 1}]


@given(value=any_json)
def test_compact_json_writes_what_json_dumps_writes(value: Any) -> None:
    assert compact_json(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@given(value=any_json, sort_keys=st.booleans(), separators=st.sampled_from([(",", ":"), (", ", ": ")]))
def test_a_json_encoder_writes_what_json_dumps_writes_with_its_arguments(
    value: Any, sort_keys: bool, separators: tuple[str, str]
) -> None:
    expected = json.dumps(value, ensure_ascii=False, separators=separators, sort_keys=sort_keys)
    assert json_encoder(separators, sort_keys=sort_keys)(value) == expected


def test_a_value_json_cannot_write_is_refused_as_json_dumps_refuses_it() -> None:
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        compact_json({"a": {1}})
