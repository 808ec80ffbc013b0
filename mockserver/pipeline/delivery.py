"""Delivering an answer: the message rendered once as JSON and as SSE, then written.

:class:`Rendered` holds the encoded bytes of one answer with the session id left as a
hole (see :data:`~sequrity_contract.mockserver.pipeline.responder.SESSION_TOKEN`), so a cached answer serves any
session. :class:`Delivery` writes it: JSON in one response, or SSE (docs/contract.md §5) made by
:func:`sequrity_contract.schemas.to_events` from the same message, in one write when no latency is
configured and event by event (with seeded jitter) otherwise.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import hdrs, web
from multidict import istr

from sequrity_contract.schemas import Endpoint, chunks_of
from sequrity_contract.schemas.sse import NAMED_EVENTS, SSEFormat, compact_json, parse_events

from .journal import JournalEntry
from .latency import Latency
from .responder import SESSION_TOKEN

SSE_HEADERS = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
JSON_HEADERS = {"Content-Type": "application/json"}
# Response header names as multidict ``istr``: the response's header map need not fold their case.
CONTENT_TYPE, X_SESSION_ID = hdrs.CONTENT_TYPE, istr("X-Session-ID")
_TOKEN = SESSION_TOKEN.encode()


def client_gone(request: web.Request) -> bool:
    """Whether the client of ``request`` has closed (or is closing) its connection."""
    return request.transport is None or request.transport.is_closing()


@contextmanager
def noting_disconnect(entry: JournalEntry) -> Iterator[None]:
    """Around the writes of a stream: a client that leaves mid-stream (connection reset,
    broken pipe, or the handler cancelled) marks ``entry.disconnected``; a connection
    error ends the stream quietly, a cancellation is re-raised."""
    try:
        yield
    except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
        entry.disconnected = True
    except asyncio.CancelledError:
        entry.disconnected = True
        raise


async def write_events(request: web.Request, response: web.StreamResponse, events: Sequence[bytes],
                       wait: Callable[[int], Awaitable[object]], entry: JournalEntry) -> bool:
    """Write ``events`` one write each, awaiting ``wait(n)`` before event ``n`` (latency, a fault's
    delays, a replay's timing); the one loop every paced stream goes through. False when the client
    left meanwhile (``entry.disconnected`` is set); ``entry.events_sent`` counts what was written."""
    for number, event in enumerate(events):
        await wait(number)
        if client_gone(request):
            entry.disconnected = True
            return False
        await response.write(event)
        entry.events_sent += 1
    return True


def _holes(data: bytes) -> tuple[bytes, ...]:
    return tuple(data.split(_TOKEN))


def _fill(parts: tuple[bytes, ...], session: bytes) -> bytes:
    return parts[0] if len(parts) == 1 else session.join(parts)


class Rendered:
    """One answer, encoded: the JSON body and the SSE stream, each with session holes.

    The JSON body is encoded at once (so a message changed later by its maker cannot change the
    answer); the events the first time they are asked for (a non-streaming request never pays for
    them), from that JSON, then kept. ``events`` is the list of stream events, or a function making
    them from the message.
    """

    __slots__ = ("_count", "_json", "_make_events", "_sse", "_stream", "key")

    def __init__(self, message: dict[str, Any],
                 events: list[dict[str, Any]] | Callable[[dict[str, Any]], list[dict[str, Any]]], key: str,
                 sse: SSEFormat) -> None:
        self.key = key
        self._sse = sse
        self._json = _holes(compact_json(message).encode())
        self._make_events = events if callable(events) else None
        self._stream: tuple[bytes, ...] | None = None
        """The whole stream with session holes: the one form kept (one write delivers it; the
        events, for a stream with latency, are cut from it at their blank lines)."""
        self._count = 0
        if not callable(events):
            self._encode(events)

    def _encode(self, events: list[dict[str, Any]]) -> tuple[bytes, ...]:
        self._count = len(events) + bool(self._sse.terminator)
        self._stream = _holes(self._sse.encode(events))
        return self._stream

    def _encoded_stream(self) -> tuple[bytes, ...]:
        stream = self._stream
        if stream is None:
            assert self._make_events is not None
            stream = self._encode(self._make_events(json.loads(_TOKEN.join(self._json))))
            self._make_events = None
        return stream

    def json_bytes(self, session: bytes) -> bytes:
        """The JSON body for ``session``."""
        return _fill(self._json, session)

    def stream_bytes(self, session: bytes) -> bytes:
        """The whole SSE stream for ``session``."""
        return _fill(self._encoded_stream(), session)

    def event_bytes(self, session: bytes) -> list[bytes]:
        """The SSE events, one bytes object each (a terminator such as ``data: [DONE]`` counts as
        one), for ``session`` (an encoded event holds a blank line only at its end: see
        :class:`~sequrity_contract.schemas.sse.SSEFormat`)."""
        return [event + b"\n\n" for event in self.stream_bytes(session).split(b"\n\n")[:-1]]

    def events(self, session: str) -> list[dict[str, Any]]:
        """The events as dicts (decoded again: for the journal, never on the hot path)."""
        return parse_events(self.stream_bytes(session.encode()))

    def __len__(self) -> int:
        """The number of stream writes: the events and the terminator, if the format has one."""
        self._encoded_stream()
        return self._count


@dataclass(frozen=True)
class Delivery:
    """How answers reach the client: the SSE dialect, delta sizes and latency."""

    dialect: str = "sequrity"
    chunk_size: int = 16
    json_chunk_size: int = 16
    latency: Latency = field(default_factory=Latency)
    seed: int = 0

    def render(self, endpoint: Endpoint, message: dict[str, Any], key: str = "", *, stream: bool = False) -> Rendered:
        """Encode ``message`` of ``endpoint`` for JSON and (when first asked) SSE delivery (``key``
        seeds the latency jitter). ``stream``: the answer is for a streaming request, so its events
        are made now, from ``message`` itself (rather than from its JSON, parsed again, later)."""
        dialect = self.dialect if self.dialect in endpoint.dialects else endpoint.dialects[0]
        split_text, split_json = chunks_of(self.chunk_size), chunks_of(self.json_chunk_size)

        def events_of(message: dict[str, Any]) -> list[dict[str, Any]]:
            return endpoint.codec.to_events(message, split_text=split_text, split_json=split_json, dialect=dialect)

        return Rendered(message, events_of(message) if stream else events_of, key, endpoint.sse)

    @staticmethod
    def render_document(document: dict[str, Any]) -> Rendered:
        """Encode the answer of a JSON route: one JSON document, never streamed."""
        return Rendered(document, [], "", NAMED_EVENTS)

    def _delays(self, rendered: Rendered) -> Callable[[], float]:
        latency = self.latency
        rng = random.Random(f"latency:{self.seed}:{rendered.key}")
        first = [True]

        def next_delay() -> float:
            base = latency.first_event if first[0] else latency.per_event
            first[0] = False
            return base + (rng.uniform(0, latency.jitter) if latency.jitter else 0.0)

        return next_delay

    async def send_json(self, rendered: Rendered, session_id: str, entry: JournalEntry) -> web.Response:
        """The non-streaming answer (delayed by ``latency.first_event`` when set); ``session_id`` is ""
        for a JSON route's answer, which has no session (and no ``X-Session-ID``)."""
        if not self.latency.is_zero:
            await asyncio.sleep(self._delays(rendered)())
        return self.json_response(rendered, session_id, entry)

    @staticmethod
    def json_response(rendered: Rendered, session_id: str, entry: JournalEntry) -> web.Response:
        """The non-streaming answer, now (no latency)."""
        entry.status = 200
        headers = {CONTENT_TYPE: "application/json", X_SESSION_ID: session_id} if session_id else JSON_HEADERS
        return web.Response(body=rendered.json_bytes(session_id.encode()), headers=headers)

    async def send_stream(self, request: web.Request, rendered: Rendered, session_id: str,
                          entry: JournalEntry) -> web.StreamResponse:
        """Stream the answer as SSE; a client that leaves is noticed and journalled. The stream is
        encoded before the status line goes out, so an answer that cannot be streamed is still
        refused with a whole error response."""
        session = session_id.encode()
        immediate = self.latency.is_zero
        writes = [rendered.stream_bytes(session)] if immediate else rendered.event_bytes(session)
        entry.stream = True
        entry.set_events(lambda: rendered.events(session_id))
        response = web.StreamResponse(headers={**SSE_HEADERS, "X-Session-ID": session_id})
        entry.status = 200
        with noting_disconnect(entry):
            await response.prepare(request)
            if immediate:  # the whole stream in one write
                await response.write(writes[0])
                entry.events_sent = len(rendered)
            else:
                next_delay = self._delays(rendered)
                if not await write_events(request, response, writes, lambda _: asyncio.sleep(next_delay()), entry):
                    return response
            await response.write_eof()
        return response
