"""Delivering an answer with a fault injected (see :mod:`mockserver.faults` for the vocabulary).

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
from typing import Any

from aiohttp import web

from sequrity_contract.schemas import Endpoint

from ..errors import ApiError, error_type_for
from ..pipeline.delivery import SSE_HEADERS, Delivery, Rendered, client_gone, noting_disconnect, write_events
from ..pipeline.journal import JournalEntry
from .faults import Injection
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
    ``retry-after-ms`` headers, see :func:`~mockserver.stubs.retry_after_headers`)."""
    fault = injection.fault
    status = fault.get("status")
    message = fault.get("message") or f"injected fault: status {status} ({error_type_for(status)})"
    retry_after = fault.get("retry_after")
    headers = {} if retry_after is None else retry_after_headers(retry_after)
    return ApiError(status, message, headers)


def malformed(event: bytes) -> bytes:
    """The event with its data line cut to half its JSON (not parseable)."""
    head, _, data = event.rstrip(b"\n").partition(b"data: ")
    return head + b"data: " + data[: max(1, len(data) // 2)] + b"\n\n"


def multiline(event: bytes) -> bytes:
    """The event with its JSON split over two ``data:`` lines after the first comma (valid SSE)."""
    head, _, data = event.rstrip(b"\n").partition(b"data: ")
    cut = data.find(b",") + 1 or max(1, len(data) // 2)
    return head + b"data: " + data[:cut] + b"\ndata: " + data[cut:] + b"\n\n"


def error_event(injection: Injection, endpoint: Endpoint) -> bytes | None:
    """The endpoint's mid-stream error event (for messages the anthropic dialect's ``event: error``,
    ``overloaded_error`` unless a message is given); None when the endpoint has none."""
    message = injection.fault.get("message") or "injected fault: overloaded"
    event = endpoint.codec.error_event(message)
    return None if event is None else endpoint.sse.encode_event(event)


def _tool_json_cut(events: list[dict[str, Any]], endpoint: Endpoint) -> tuple[int, bool] | None:
    """Where to cut inside the first tool call's argument JSON: (event index, cut inside that event's bytes)."""
    first: int | None = None
    first_call: object = None
    for index, event in enumerate(events):
        call = endpoint.codec.argument_delta(event)
        if call is None:
            continue
        if first is None:
            first, first_call = index, call
        elif call == first_call:
            return first, False  # several deltas: stop after the first complete one
    return None if first is None else (first, True)


class FaultedDelivery:
    """Writes one answer with one :class:`~mockserver.faults.Injection` applied."""

    def __init__(self, delivery: Delivery, injection: Injection, entry: JournalEntry, endpoint: Endpoint) -> None:
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
            content_type = SSE_HEADERS if stream else {"Content-Type": "application/json"}
            response = web.StreamResponse(headers={**content_type, "X-Session-ID": session_id})
            entry.status, entry.stream = 200, stream
            await response.prepare(request)
            await _until_client_leaves(request)
            entry.disconnected = True
            return response
        if not stream:
            await asyncio.sleep(injection.delay("delay_first_event_ms"))
            return await self.delivery.send_json(answer, session_id, entry)
        return await self._stream(request, answer, session_id, outcome)

    def _plan(self, answer: Rendered, session_id: str, outcome: str | None) -> tuple[list[bytes], str]:
        """The event bytes to write and how the stream ends: ``eof``, ``close`` or ``hang``."""
        fault = self.injection.fault
        events = answer.event_bytes(session_id.encode())
        for name, change in (("malformed_data_line", malformed), ("multiline_data", multiline)):
            index = fault.get(name)
            if index is not None:
                if index < len(events):
                    events[index] = change(events[index])
                else:
                    self.notes.append(f"{name}={index}: the stream has only {len(events)} events; nothing changed")
        if outcome == "disconnect_after_events":
            return events[: fault.get("disconnect_after_events")], "close"
        if outcome == "error_event":
            error = error_event(self.injection, self.endpoint)
            if error is None:
                self.notes.append(f"{self.endpoint.name} streams have no error event: the stream was cut instead")
                return events[: fault.get("error_event")], "close"
            return [*events[: fault.get("error_event")], error], "eof"
        if outcome == "never_end":
            return events[:-1], "hang"
        if outcome == "disconnect_inside_tool_json":
            cut = _tool_json_cut(answer.events(session_id), self.endpoint)
            if cut is None:
                self.notes.append("the answer has no tool input: disconnected after the first event")
                return events[:1], "close"
            index, inside = cut
            if inside:
                half = events[index][: len(events[index]) // 2]
                return [*events[:index], half], "close"
            return events[: index + 1], "close"
        return events, "eof"

    async def _stream(self, request: web.Request, answer: Rendered, session_id: str,
                      outcome: str | None) -> web.StreamResponse:
        injection, entry = self.injection, self.entry
        events, ending = self._plan(answer, session_id, outcome)
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

