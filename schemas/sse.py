"""Server-sent events on the wire (docs/contract.md §5), shared by the server and the clients.

An endpoint writes its events in one :class:`SSEFormat`: with an ``event: <type>`` line before
each one-line JSON ``data:`` line (the Anthropic form, :data:`NAMED_EVENTS`), or with ``data:``
lines only and a last ``data: [DONE]`` (the OpenAI form, :data:`DATA_ONLY`). :func:`encode_event`
writes one event of the named form; :class:`SSEParser` reads a byte stream back into
``(event name, data)`` pairs, incrementally, for clients, the proxy and tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


def encode_event(event: dict[str, Any]) -> bytes:
    """One SSE event: its ``type`` as the ``event:`` line and compact one-line JSON as ``data:``.
    The only blank line is the one that ends it (JSON escapes newlines; a type is a contract name)."""
    data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event['type']}\ndata: {data}\n\n".encode()


def encode_events(events: Iterable[dict[str, Any]]) -> bytes:
    """Several events, concatenated."""
    return b"".join(encode_event(e) for e in events)


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
        return b"data: " + json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"

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
        self._decoder_tail = b""
        self._event: str | None = None
        self._data: list[str] = []

    def feed(self, chunk: bytes | str) -> list[SSEEvent]:
        """Take the next piece of the stream; return the events it completes."""
        if isinstance(chunk, bytes):
            raw = self._decoder_tail + chunk
            try:
                text = raw.decode("utf-8")
                self._decoder_tail = b""
            except UnicodeDecodeError as exc:
                if exc.start < len(raw) - 3:  # not just a character cut at the end
                    raise
                text = raw[: exc.start].decode("utf-8")
                self._decoder_tail = raw[exc.start:]
        else:
            text = chunk
        self._buffer += text
        events: list[SSEEvent] = []
        while True:
            cut = _line_end(self._buffer)
            if cut is None:
                break
            line, self._buffer = self._buffer[: cut[0]], self._buffer[cut[1]:]
            event = self._line(line)
            if event is not None:
                events.append(event)
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


def _line_end(buffer: str) -> tuple[int, int] | None:
    """Where the first line of ``buffer`` ends and the next begins (a lone trailing CR waits)."""
    lf, cr = buffer.find("\n"), buffer.find("\r")
    if cr == -1 or (lf != -1 and lf < cr):
        return None if lf == -1 else (lf, lf + 1)
    if cr + 1 == len(buffer):
        return None
    return cr, cr + 2 if buffer[cr + 1] == "\n" else cr + 1


def parse_sse(stream: bytes | str) -> list[SSEEvent]:
    """Every event of a complete stream."""
    parser = SSEParser()
    return [*parser.feed(stream), *parser.close()]


def parse_events(stream: bytes | str) -> list[dict[str, Any]]:
    """The JSON ``data`` of every event of a complete stream (a ``[DONE]`` line ends it: skipped)."""
    return [e.json() for e in parse_sse(stream) if e.data != DONE]
