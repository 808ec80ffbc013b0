"""A streamed answer: an async iterator of event dicts that accumulates the message with the
endpoint's stream codec (and so checks the event order as it goes)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any

from multidict import CIMultiDictProxy

from sequrity_contract.schemas import MESSAGES, Endpoint, StreamErrorEvent, StreamProtocolError
from sequrity_contract.schemas.sse import SSEEvent, SSEParser

from .errors import APIConnectionError, StreamError
from .transport import HttpResponse

__all__ = ["MessageStream"]


class MessageStream:
    """The events of one streamed request, as dicts, in order; then the message.

    The request goes out on ``async with`` (or the first ``async for``); an error status
    raises there. ``events`` holds what arrived so far, :attr:`message` the accumulated
    message once the stream ended, :meth:`final_message` reads to the end and returns it.
    A stream that breaks raises :class:`~sequrity_contract.contract_tests.client.errors.StreamError`.
    """

    def __init__(self, open_response: Callable[[], Awaitable[HttpResponse]],
                 dialect: str = "sequrity", endpoint: Endpoint = MESSAGES) -> None:
        self._open_response = open_response
        self.endpoint = endpoint
        self._accumulator = endpoint.codec.accumulator(dialect)
        self._events: list[dict[str, Any]] = []
        self._terminated = False
        self._response: HttpResponse | None = None
        self._sse: AsyncIterator[SSEEvent] | None = None
        self._finished = False

    @property
    def events(self) -> list[dict[str, Any]]:
        """The events received so far."""
        return self._events

    @property
    def status(self) -> int | None:
        """The HTTP status, once the request went out."""
        return self._response.status if self._response else None

    @property
    def headers(self) -> CIMultiDictProxy[str] | None:
        """The response headers, once the request went out."""
        return self._response.headers if self._response else None

    @property
    def session_id(self) -> str | None:
        """The ``X-Session-ID`` the server sent with the stream."""
        return self._response.headers.get("X-Session-ID") if self._response else None

    @property
    def message(self) -> dict[str, Any]:
        """The accumulated message; a :class:`StreamError` before the stream has ended."""
        if not self._finished:
            raise StreamError("truncated", "the stream has not been read to its end; "
                              "use `await stream.final_message()`")
        return self._accumulator.message

    async def _open(self) -> None:
        if self._response is None:
            self._response = await self._open_response()
            content_type = self._response.headers.get("Content-Type", "")
            if not content_type.startswith("text/event-stream"):
                body = (await self._response.read())[:200]
                await self.aclose()
                raise StreamError("not_a_stream", f"expected Content-Type text/event-stream, got "
                                  f"{content_type!r} with body {body!r}")
            self._sse = _iter_sse(self._response.iter_chunks())

    async def __aenter__(self) -> MessageStream:
        await self._open()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()

    def __aiter__(self) -> MessageStream:
        return self

    async def __anext__(self) -> dict[str, Any]:
        await self._open()
        assert self._sse is not None
        try:
            sse = await anext(self._sse)
        except StopAsyncIteration:
            await self.aclose()
            done = self.endpoint.sse.done
            if not self._accumulator.done or (done is not None and not self._terminated):
                end = "before its last event" if not self._accumulator.done else f"without 'data: {done}'"
                raise StreamError("truncated", f"the body ended after {len(self.events)} events, {end}") from None
            self._finished = True
            raise
        except APIConnectionError as exc:
            await self.aclose()
            raise StreamError("truncated", f"the connection broke after {len(self.events)} events: "
                              f"{exc}") from exc
        try:
            event = self._feed(sse)
        except StreamError:
            await self.aclose()
            raise
        return event if event is not None else await self.__anext__()

    def _feed(self, sse: SSEEvent) -> dict[str, Any] | None:
        index = len(self.events)
        if self.endpoint.sse.done is not None and sse.data == self.endpoint.sse.done:
            if not self._accumulator.done:
                raise StreamError("protocol", f"event {index}: 'data: {sse.data}' before the last event")
            self._terminated = True
            return None
        try:
            event = json.loads(sse.data)
        except ValueError:
            raise StreamError("bad_json", f"event {index}: data is not JSON: {sse.data[:100]!r}") from None
        if not isinstance(event, dict):
            raise StreamError("bad_json", f"event {index}: data is not a JSON object: {sse.data[:100]!r}")
        if self.endpoint.sse.named and sse.event is not None and sse.event != event.get("type"):
            raise StreamError("protocol", f"event {index}: the `event: {sse.event}` line does not match "
                              f"the data's type {event.get('type')!r}")
        if self._terminated:
            raise StreamError("protocol", f"event {index}: an event after 'data: {self.endpoint.sse.done}'")
        try:
            self._accumulator.feed(event)
            self._events.append(event)
        except StreamProtocolError as exc:
            raise StreamError("protocol", str(exc)) from exc
        except StreamErrorEvent as exc:
            raise StreamError("error_event", exc.message, exc.error_type) from exc
        return event

    async def final_message(self) -> dict[str, Any]:
        """Read the remaining events and return the accumulated message."""
        async for _ in self:
            pass
        return self.message

    async def aclose(self) -> None:
        """Release the connection; safe to call more than once."""
        if self._response is not None:
            await self._response.aclose()


async def _iter_sse(chunks: AsyncIterator[bytes]) -> AsyncIterator[SSEEvent]:
    """The events of a byte stream as each completes; an event the body leaves without
    its closing blank line is dropped, as the SSE rules say (the stream is then truncated)."""
    parser = SSEParser()
    async for chunk in chunks:
        for event in parser.feed(chunk):
            yield event
