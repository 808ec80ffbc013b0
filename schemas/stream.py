"""The streaming contract as code: a message turned into its stream events, and
stream events accumulated back into the message.

``accumulate(to_events(message)) == message`` for every valid response. The server
streams with :func:`to_events`, clients and the validating proxy read streams with
:class:`Accumulator`, which also checks event order (docs/contract.md §5) and raises
:class:`StreamProtocolError` naming the event and the clause it breaks.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from .sse import compact_json
from .violations import ContractError, Violation

Dialect = Literal["sequrity", "anthropic"]
DIALECTS: tuple[Dialect, ...] = ("sequrity", "anthropic")
Splitter = Callable[[str], Sequence[str]]
"""Cuts a text into the pieces that become successive deltas; the pieces must join to the text."""

#: Keys a block's ``content_block_start`` leaves out because deltas carry them.
_STREAMED_KEYS = {"text": ("text",), "thinking": ("text",), "tool_use": ("input",)}
#: Which delta types may extend which block type.
_DELTAS_FOR_BLOCK = {
    "text": {"text_delta", "citations_delta"},
    "thinking": {"thinking_delta", "signature_delta"},
    "tool_use": {"input_json_delta"},
}


def chunks_of(size: int) -> Splitter:
    """A splitter that cuts text into pieces of ``size`` characters (the last may be shorter)."""
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise ValueError(f"chunk size={size!r}: expected an integer >= 1")

    def split(text: str) -> list[str]:
        return [text[i : i + size] for i in range(0, len(text), size)]

    return split


DEFAULT_SPLITTER = chunks_of(16)


def copy_json(value: Any) -> Any:
    """A copy of the JSON value ``value`` that shares no dict or list with it: what ``copy.deepcopy``
    makes of a JSON tree (its strings, numbers, booleans and nulls are immutable, so they are
    shared), at a fraction of the cost. The events of a stream are made of copies of the message's
    parts, so that changing one never changes the other."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value


def thinking_signature(text: str) -> str:
    """The deterministic signature the toolkit sends after a thinking block's text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _check_pieces(pieces: Sequence[str], whole: str, argument: str) -> Sequence[str]:
    if "".join(pieces) != whole:
        raise ValueError(f"{argument} returned pieces that do not join to the original text: {pieces!r}")
    return pieces


def to_events(
    message: dict[str, Any],
    *,
    split_text: Splitter | None = None,
    split_json: Splitter | None = None,
    dialect: Dialect = "sequrity",
    initial_output_tokens: int = 1,
) -> list[dict[str, Any]]:
    """Turn a response message into the events that stream it.

    ``split_text`` cuts text and thinking into deltas, ``split_json`` cuts the JSON of
    tool inputs (default: 16-character pieces). The ``anthropic`` dialect adds a
    ``ping`` after ``message_start``.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"dialect={dialect!r}: expected one of {', '.join(DIALECTS)}")
    split_text = split_text or DEFAULT_SPLITTER
    split_json = split_json or DEFAULT_SPLITTER
    usage = dict(message["usage"])
    start_usage = {**usage, "output_tokens": min(initial_output_tokens, usage["output_tokens"])}
    start = {k: copy_json(v) for k, v in message.items() if k not in ("content", "usage")}
    start.update({"content": [], "usage": start_usage})
    for key in ("stop_reason", "stop_sequence"):
        if key in start:
            start[key] = None
    events: list[dict[str, Any]] = [{"type": "message_start", "message": start}]
    if dialect == "anthropic":
        events.append({"type": "ping"})
    for index, block in enumerate(message["content"]):
        events.extend(_block_events(index, block, split_text, split_json))
    delta = {k: message[k] for k in ("stop_reason", "stop_sequence") if k in message}
    events.append({"type": "message_delta", "delta": delta, "usage": {"output_tokens": usage["output_tokens"]}})
    events.append({"type": "message_stop"})
    return events


def _block_events(index: int, block: dict[str, Any], split_text: Splitter, split_json: Splitter
                  ) -> list[dict[str, Any]]:
    kind = block["type"]
    start = {k: copy_json(v) for k, v in block.items() if k not in _STREAMED_KEYS.get(kind, ())}
    deltas: list[dict[str, Any]] = []
    if kind == "text":
        start["text"] = ""
        if isinstance(block.get("citations"), list):
            start["citations"] = []
            deltas += [{"type": "citations_delta", "citation": c} for c in block["citations"]]
        pieces = _check_pieces(split_text(block["text"]), block["text"], "split_text")
        deltas += [{"type": "text_delta", "text": p} for p in pieces]
    elif kind == "thinking":
        start.update(thinking="", signature="")
        pieces = _check_pieces(split_text(block["text"]), block["text"], "split_text")
        deltas += [{"type": "thinking_delta", "thinking": p} for p in pieces]
        deltas.append({"type": "signature_delta", "signature": thinking_signature(block["text"])})
    elif kind == "tool_use":
        start["input"] = {}
        text = compact_json(block["input"])
        pieces = _check_pieces(split_json(text), text, "split_json")
        deltas += [{"type": "input_json_delta", "partial_json": p} for p in pieces]
    return [
        {"type": "content_block_start", "index": index, "content_block": start},
        *({"type": "content_block_delta", "index": index, "delta": d} for d in deltas),
        {"type": "content_block_stop", "index": index},
    ]


class StreamProtocolError(ContractError, ValueError):
    """A stream broke the event-order contract; ``rule`` names the clause, ``index`` the event."""

    def __init__(self, rule: str, index: int, expected: str, event: Any) -> None:
        self.rule = rule
        self.index = index
        self.expected = expected
        self.event = event
        super().__init__(f"event {index}: expected {expected}, got {_event_repr(event)} [{rule}]")

    @property
    def violation(self) -> Violation:
        """This error as a :class:`~sequrity_contract.schemas.violations.Violation` at ``$.events[index]``."""
        return Violation(f"stream:{self.rule}", f"$.events[{self.index}]", self.expected, self.event)


class StreamErrorEvent(ContractError, RuntimeError):
    """The stream carried an ``error`` event (anthropic dialect): the upstream failed mid-stream."""

    def __init__(self, error_type: str, message: str) -> None:
        self.error_type = error_type
        self.message = message
        super().__init__(f"stream error event: {error_type}: {message}")


def _event_repr(event: Any) -> str:
    if isinstance(event, dict) and "type" in event:
        text = json.dumps(event, ensure_ascii=False, default=repr)
        return text if len(text) <= 100 else text[:97] + "..."
    return repr(event)[:100]


class Accumulator:
    """Builds the message from stream events fed one at a time, checking their order.

    ``feed`` raises :class:`StreamProtocolError` for an event out of place and
    :class:`StreamErrorEvent` for an ``error`` event; :attr:`message` is the result once
    :attr:`done`.
    """

    def __init__(self, dialect: Dialect = "sequrity") -> None:
        if dialect not in DIALECTS:
            raise ValueError(f"dialect={dialect!r}: expected one of {', '.join(DIALECTS)}")
        self.dialect = dialect
        self.events: list[dict[str, Any]] = []
        self._message: dict[str, Any] | None = None
        self._open: dict[str, Any] | None = None
        self._pieces: list[str] = []
        self._delta_seen = False
        self.done = False

    def _fail(self, rule: str, expected: str, event: Any) -> StreamProtocolError:
        return StreamProtocolError(rule, len(self.events), expected, event)

    def feed(self, event: dict[str, Any]) -> None:
        """Take the next event (the parsed JSON of one ``data:`` line)."""
        try:
            self._feed(event)
        except (KeyError, TypeError, AttributeError):
            raise self._fail("event_shape", "an event of the shape its type defines (see the event schema)",
                             event) from None

    def _feed(self, event: dict[str, Any]) -> None:
        kind = event.get("type") if isinstance(event, dict) else None
        if self.done:
            raise self._fail("nothing_after_message_stop", "the end of the stream after message_stop", event)
        if kind == "ping":
            if self.dialect != "anthropic":
                raise self._fail("dialect_events", "no ping events in the sequrity dialect", event)
        elif kind == "error":
            if self.dialect != "anthropic":
                raise self._fail("dialect_events", "no error events in the sequrity dialect", event)
            error = event.get("error") or {}
            raise StreamErrorEvent(str(error.get("type")), str(error.get("message")))
        elif self._message is None:
            if kind != "message_start":
                raise self._fail("message_start_first", "message_start as the first event", event)
            self._message = copy.deepcopy(event["message"])
            self._message["content"] = []
        elif kind == "content_block_start":
            self._start_block(event)
        elif kind == "content_block_delta":
            self._delta(event)
        elif kind == "content_block_stop":
            self._stop_block(event)
        elif kind == "message_delta":
            if self._open is not None:
                raise self._fail("blocks_closed_before_message_delta",
                                 f"content_block_stop for block {len(self._message['content'])}", event)
            if self._delta_seen:
                raise self._fail("one_message_delta", "a single message_delta", event)
            self._delta_seen = True
            self._message.update(event.get("delta") or {})
            self._message.setdefault("usage", {}).update(event.get("usage") or {})
        elif kind == "message_stop":
            if not self._delta_seen:
                raise self._fail("message_delta_before_stop", "message_delta before message_stop", event)
            self.done = True
        else:
            raise self._fail("known_event_type", "a known event type", event)
        self.events.append(event)

    def _start_block(self, event: dict[str, Any]) -> None:
        assert self._message is not None
        expected_index = len(self._message["content"])
        if self._open is not None:
            raise self._fail("blocks_do_not_overlap", f"content_block_stop for block {expected_index}", event)
        if self._delta_seen:
            raise self._fail("blocks_before_message_delta", "no content block after message_delta", event)
        if event.get("index") != expected_index:
            raise self._fail("block_indexes_in_order", f"content_block_start with index {expected_index}", event)
        block = copy.deepcopy(event["content_block"])
        kind = block.get("type")
        if kind == "thinking":
            block.pop("thinking", None)
            block.pop("signature", None)
            block["text"] = ""
        elif kind == "tool_use":
            block["input"] = {}
        self._open = block
        self._pieces = []

    def _delta(self, event: dict[str, Any]) -> None:
        assert self._message is not None
        block = self._open
        index = len(self._message["content"])
        if block is None or event.get("index") != index:
            raise self._fail("delta_inside_open_block", f"a delta for the open block {index}"
                             if block is not None else "content_block_start before a delta", event)
        delta = event["delta"]
        kind = delta.get("type")
        if kind not in _DELTAS_FOR_BLOCK.get(block["type"], set()):
            allowed = sorted(_DELTAS_FOR_BLOCK.get(block["type"], set())) or ["no deltas"]
            raise self._fail("delta_matches_block", f"{' or '.join(allowed)} for a {block['type']} block", event)
        if kind == "text_delta":
            block["text"] += delta["text"]
        elif kind == "thinking_delta":
            block["text"] += delta["thinking"]
        elif kind == "input_json_delta":
            self._pieces.append(delta["partial_json"])
        elif kind == "citations_delta":
            if not isinstance(block.get("citations"), list):
                block["citations"] = []
            block["citations"].append(delta["citation"])

    def _stop_block(self, event: dict[str, Any]) -> None:
        assert self._message is not None
        block = self._open
        index = len(self._message["content"])
        if block is None or event.get("index") != index:
            raise self._fail("stop_closes_open_block", f"content_block_stop for the open block {index}"
                             if block is not None else "content_block_start before content_block_stop", event)
        if block["type"] == "tool_use" and self._pieces:
            text = "".join(self._pieces)
            try:
                block["input"] = json.loads(text)
            except ValueError:
                raise self._fail("tool_input_is_json", f"input_json_delta pieces that join to JSON, got {text!r}",
                                 event) from None
            if not isinstance(block["input"], dict):
                raise self._fail("tool_input_is_json", "tool input JSON that is an object", event)
        self._message["content"].append(block)
        self._open = None

    @property
    def message(self) -> dict[str, Any]:
        """The accumulated message; raises :class:`StreamProtocolError` when the stream is incomplete."""
        if not self.done or self._message is None:
            expected = "message_start" if self._message is None else "message_stop to end the stream"
            raise StreamProtocolError("stream_complete", len(self.events), expected, "end of stream")
        return self._message


def accumulate(events: Iterable[dict[str, Any]], *, dialect: Dialect = "sequrity") -> dict[str, Any]:
    """The message a complete, well-ordered event sequence carries (the inverse of :func:`to_events`)."""
    accumulator = Accumulator(dialect)
    for event in events:
        accumulator.feed(event)
    return accumulator.message
