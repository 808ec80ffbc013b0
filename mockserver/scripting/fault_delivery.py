"""Delivering an answer with a fault injected (see :mod:`sequrity_contract.mockserver.scripting.faults` for
the vocabulary, :mod:`sequrity_contract.mockserver.scripting.stream_faults` for the stream faults).

Order: ``delay_headers_ms`` -> connection faults (``reset_before_headers``,
``empty_response``) -> ``status`` -> the answer's own error -> ``headers_then_silence`` ->
the body: JSON after ``delay_first_event_ms``, or the SSE events with the stream faults
(bad data lines, a cut, an error event, no end) and per-event delays.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Awaitable

from aiohttp import web

from sequrity_contract.schemas import Endpoint
from sequrity_contract.schemas.json_routes import ServedRoute

from ..errors import ApiError, error_type_for
from ..pipeline.delivery import (
    JSON_HEADERS,
    SSE_HEADERS,
    Delivery,
    Rendered,
    client_gone,
    noting_disconnect,
    write_events,
)
from ..pipeline.journal import JournalEntry
from .faults import Injection
from .stream_faults import StreamCut, apply_stream_faults
from .stubs import retry_after_headers

#: How often a stream that never ends checks whether its client has gone, in seconds.
POLL_SECONDS = 0.05


def _reset(request: web.Request) -> None:
    """Abort the connection with a TCP RST (SO_LINGER 0), before any byte of the response."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def _close(request: web.Request) -> None:
    """Close the connection (FIN) once what was written is flushed."""
    if request.transport is not None:
        request.transport.close()


async def _until_client_leaves(request: web.Request) -> None:
    while not client_gone(request):
        await asyncio.sleep(POLL_SECONDS)


def status_error(injection: Injection) -> ApiError:
    """The error answer of a ``status`` fault (``retry_after`` as the ``retry-after`` and
    ``retry-after-ms`` headers, see :func:`~sequrity_contract.mockserver.scripting.stubs.retry_after_headers`)."""
    fault = injection.fault
    status = fault.get("status")
    message = fault.get("message") or f"injected fault: status {status} ({error_type_for(status)})"
    retry_after = fault.get("retry_after")
    headers = {} if retry_after is None else retry_after_headers(retry_after)
    return ApiError(status, message, headers)


class FaultedDelivery:
    """Writes one answer with one :class:`~sequrity_contract.mockserver.scripting.faults.Injection` applied."""

    def __init__(self, delivery: Delivery, injection: Injection, entry: JournalEntry, endpoint: ServedRoute) -> None:
        self.delivery = delivery
        self.endpoint = endpoint
        self.injection = injection
        self.entry = entry
        self.notes: list[str] = []

    async def send(self, request: web.Request, answer: Rendered | ApiError, stream: bool,
                   session_id: str) -> web.StreamResponse:
        """The response, faulted; the journal entry records the injection."""
        injection, entry = self.injection, self.entry
        record = injection.record()
        entry.add_fault(record)
        try:
            return await self._send(request, answer, stream, session_id)
        finally:
            if self.notes:
                record["notes"] = self.notes

    async def _send(self, request: web.Request, answer: Rendered | ApiError, stream: bool,
                    session_id: str) -> web.StreamResponse:
        injection, entry = self.injection, self.entry
        outcome = injection.fault.outcome if injection.fault.outcome in injection.effects else None
        await asyncio.sleep(injection.delay("delay_headers_ms"))
        if outcome in ("reset_before_headers", "empty_response"):
            (_reset if outcome == "reset_before_headers" else _close)(request)
            entry.error = f"injected fault: {outcome}"
            return web.Response()
        error = status_error(injection) if outcome == "status" else answer if isinstance(answer, ApiError) else None
        if error is not None:
            entry.status, entry.error = error.status, error.message
            return error.response()
        assert isinstance(answer, Rendered)
        if outcome == "headers_then_silence":
            content_type = SSE_HEADERS if stream else JSON_HEADERS
            session = {"X-Session-ID": session_id} if session_id else {}  # a JSON route has no session
            response = web.StreamResponse(headers={**content_type, **session})
            entry.status, entry.stream = 200, stream
            await response.prepare(request)
            await _until_client_leaves(request)
            entry.disconnected = True
            return response
        if not stream:
            await asyncio.sleep(injection.delay("delay_first_event_ms"))
            return await self.delivery.send_json(answer, session_id, entry)
        return await self._stream(request, answer, session_id)

    def _plan(self, answer: Rendered, session_id: str) -> StreamCut:
        """The event bytes to write and how the stream ends (see :mod:`.stream_faults`)."""
        fault = self.injection.fault
        assert isinstance(self.endpoint, Endpoint)  # only endpoints stream (a JSON route's fault has no stream fields)
        cut = StreamCut(answer.event_bytes(session_id.encode()), self.endpoint, lambda: answer.events(session_id),
                        fault.get("message"))
        apply_stream_faults(cut, fault.get)
        self.notes.extend(cut.notes)
        return cut

    async def _stream(self, request: web.Request, answer: Rendered, session_id: str) -> web.StreamResponse:
        injection, entry = self.injection, self.entry
        cut = self._plan(answer, session_id)
        events, ending = cut.events, cut.ending
        entry.stream = True
        entry.set_events(lambda: answer.events(session_id))
        response = web.StreamResponse(headers={**SSE_HEADERS, "X-Session-ID": session_id})
        entry.status = 200
        with noting_disconnect(entry):
            await response.prepare(request)

            def wait(number: int) -> Awaitable[None]:
                field = "delay_first_event_ms" if number == 0 else "delay_between_events_ms"
                return asyncio.sleep(injection.delay(field))

            if not await write_events(request, response, events, wait, entry):
                return response
            if ending == "close":
                _close(request)
            elif ending == "hang":
                await _until_client_leaves(request)
                entry.disconnected = True
            else:
                await response.write_eof()
        return response

