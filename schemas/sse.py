"""Server-sent events on the wire (docs/contract.md §5), shared by the server and the clients.

An endpoint writes its events in one :class:`SSEFormat`: with an ``event: <type>`` line before
each one-line JSON ``data:`` line (the Anthropic form, :data:`NAMED_EVENTS`), or with ``data:``
lines only and a last ``data: [DONE]`` (the OpenAI form, :data:`DATA_ONLY`). :func:`encode_event`
writes one event of the named form; :class:`SSEParser` reads a byte stream back into
``(event name, data)`` pairs, incrementally, for clients, the proxy and tests.
"""

from __future__ import annotations

import codecs
import json
import json.encoder
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

_c_make_encoder: Callable[..., Callable[[Any, int], Sequence[str]]] | None = getattr(
    json.encoder, "c_make_encoder", None)
"""The standard library's C JSON encoder (None on an interpreter without it)."""


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def json_encoder(separators: tuple[str, str] = (",", ":"), *, sort_keys: bool = False) -> Callable[[Any], str]:
    """A function writing a value as ``json.dumps(value, ensure_ascii=False, separators=separators,
    sort_keys=sort_keys)`` does, character for character, at a fraction of the cost: the standard
    library's C encoder, made once (``json.dumps`` builds a ``JSONEncoder`` and a C encoder on every
    call). There is no circular-reference check: the values encoded are trees parsed from JSON or
    built by the toolkit (a cycle ends in a RecursionError rather than a ValueError)."""
    item_separator, key_separator = separators
    if _c_make_encoder is None:
        return json.JSONEncoder(ensure_ascii=False, separators=separators, sort_keys=sort_keys).encode
    encode = _c_make_encoder(None, _not_json, encode_basestring, None, key_separator, item_separator, sort_keys,
                            False, True)

    def write(value: Any) -> str:
        if isinstance(value, str):  # json.dumps writes a lone string itself, too
            return encode_basestring(value)
        return "".join(encode(value, 0))

    return write


compact_json = json_encoder()
"""``value`` as one line of compact JSON, exactly as ``json.dumps(value, ensure_ascii=False,
separators=(",", ":"))`` writes it, at a fraction of the cost: the text of an event's ``data:``
line, of a JSON answer and of a tool call's input."""


def encode_event(event: dict[str, Any]) -> bytes:
    """One SSE event: its ``type`` as the ``event:`` line and compact one-line JSON as ``data:``.
    The only blank line is the one that ends it (JSON escapes newlines; a type is a contract name)."""
    return f"event: {event['type']}\ndata: {compact_json(event)}\n\n".encode()


def encode_events(events: Iterable[dict[str, Any]]) -> bytes:
    """Several events, concatenated."""
    return b"".join(encode_event(e) for e in events)


_LINE_END = re.compile(r"\r\n|\r|\n")
"""What ends a line in an event stream."""

DONE = "[DONE]"
"""The data of the line that ends a stream of the data-only form."""


@dataclass(frozen=True)
class SSEFormat:
    """How an endpoint writes its stream events: ``named`` puts an ``event: <type>`` line before
    each data line; ``done`` is the data of a last line that ends the stream (None: no such line).
    An encoded event holds a blank line only at its end."""

    named: bool
    done: str | None = None

    def encode_event(self, event: dict[str, Any]) -> bytes:
        """One event: compact one-line JSON as ``data:``, after an ``event:`` line when ``named``."""
        if self.named:
            return encode_event(event)
        return f"data: {compact_json(event)}\n\n".encode()

    @property
    def terminator(self) -> bytes:
        """What ends a complete stream after its last event (empty when nothing does)."""
        return b"" if self.done is None else f"data: {self.done}\n\n".encode()

    def encode(self, events: Iterable[dict[str, Any]]) -> bytes:
        """A complete stream: every event, then the terminator."""
        return b"".join(self.encode_event(e) for e in events) + self.terminator


NAMED_EVENTS = SSEFormat(named=True)
"""``event: <type>`` and ``data: <JSON>`` lines, nothing after the last event (Anthropic Messages)."""
DATA_ONLY = SSEFormat(named=False, done=DONE)
"""``data: <JSON>`` lines only, then ``data: [DONE]`` (OpenAI chat completions)."""


@dataclass(frozen=True)
class SSEEvent:
    """One parsed event: ``event`` is the ``event:`` name (None when absent), ``data`` the raw text."""

    event: str | None
    data: str

    def json(self) -> Any:
        """``data`` parsed as JSON (raises :class:`ValueError` when it is not JSON)."""
        return json.loads(self.data)


class SSEParser:
    """Incremental SSE reader (the WHATWG rules that matter here).

    Feed bytes as they arrive; each call returns the events completed so far. Lines end
    with ``\\n``, ``\\r\\n`` or ``\\r``; a blank line ends an event; ``:`` lines are
    comments; several ``data:`` lines join with ``\\n``.
    """

    def __init__(self) -> None:
        self._buffer = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._event: str | None = None
        self._data: list[str] = []

    def feed(self, chunk: bytes | str) -> list[SSEEvent]:
        """Take the next piece of the stream; return the events it completes. Linear in the size of
        the piece: each line is cut out once (a character cut between pieces waits for its rest)."""
        text = self._decoder.decode(chunk) if isinstance(chunk, bytes) else chunk
        buffer = self._buffer + text if self._buffer else text
        events: list[SSEEvent] = []
        start, end = 0, len(buffer)
        for match in _LINE_END.finditer(buffer):
            if match.end() == end and match.group() == "\r":
                break  # a CR at the end may be the first half of a CRLF: wait for the next piece
            event = self._line(buffer[start:match.start()])
            if event is not None:
                events.append(event)
            start = match.end()
        self._buffer = buffer[start:]
        return events

    def close(self) -> list[SSEEvent]:
        """End of stream: return the last event if it was complete but not blank-line terminated."""
        events = self.feed("\n") if self._buffer else []
        if self._data:
            events.append(SSEEvent(self._event, "\n".join(self._data)))
            self._event, self._data = None, []
        return events

    def _line(self, line: str) -> SSEEvent | None:
        if line == "":
            if not self._data:
                self._event = None
                return None
            event = SSEEvent(self._event, "\n".join(self._data))
            self._event, self._data = None, []
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        return None


def parse_sse(stream: bytes | str) -> list[SSEEvent]:
    """Every event of a complete stream."""
    parser = SSEParser()
    return [*parser.feed(stream), *parser.close()]


def parse_events(stream: bytes | str) -> list[dict[str, Any]]:
    """The JSON ``data`` of every event of a complete stream (a ``[DONE]`` line ends it: skipped)."""
    return [e.json() for e in parse_sse(stream) if e.data != DONE]
