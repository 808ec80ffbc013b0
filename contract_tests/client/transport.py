"""The transport seam: the client hands an :class:`HttpRequest` to a :class:`Transport`
and gets an :class:`HttpResponse` back, whose body it reads at once or chunk by chunk.

The default :class:`AiohttpTransport` wraps one ``aiohttp.ClientSession``;
:class:`FunctionTransport` wraps any function ``request -> response`` (sync or async),
so a test can stand in for the network::

    def answer(request: HttpRequest) -> HttpResponse:
        return HttpResponse.json(200, {...}, headers={"X-Session-ID": "..."})

    ReferenceClient("http://test", api_key="k", transport=FunctionTransport(answer))
"""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy

from .errors import APIConnectionError, APITimeoutError

__all__ = ["AiohttpTransport", "FunctionTransport", "HttpRequest", "HttpResponse", "Transport"]


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request as the client means to send it. ``timeout`` is in seconds
    (no progress for that long fails the request); ``stream`` says whether the caller
    reads the body incrementally."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes
    timeout: float | None = None
    stream: bool = False

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


async def _no_close() -> None:
    return None


@dataclass
class HttpResponse:
    """A status, case-insensitive headers and a body that is read once: all at once with
    :meth:`read` or piece by piece with :meth:`iter_chunks`. Always :meth:`aclose` it."""

    status: int
    headers: CIMultiDictProxy[str]
    chunks: AsyncIterable[bytes]
    on_close: Callable[[], Awaitable[None]] = field(default=_no_close)

    @classmethod
    def build(cls, status: int, body: bytes | Iterable[bytes] = b"",
              headers: Mapping[str, str] | None = None) -> HttpResponse:
        """A response from bytes (or a list of byte chunks, to test incremental reading)."""
        pieces = [body] if isinstance(body, bytes) else list(body)

        async def chunks() -> AsyncIterator[bytes]:
            for piece in pieces:
                yield piece

        return cls(status, CIMultiDictProxy(CIMultiDict(headers or {})), chunks())

    @classmethod
    def json(cls, status: int, body: Any, headers: Mapping[str, str] | None = None) -> HttpResponse:
        """A JSON response (``Content-Type: application/json``)."""
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        return cls.build(status, json.dumps(body).encode(), all_headers)

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        """The body in the pieces the network delivers them."""
        async for chunk in self.chunks:
            yield chunk

    async def read(self) -> bytes:
        """The whole body."""
        return b"".join([chunk async for chunk in self.iter_chunks()])

    async def aclose(self) -> None:
        """Release the connection; safe to call more than once."""
        close, self.on_close = self.on_close, _no_close
        await close()


@runtime_checkable
class Transport(Protocol):
    """What the client needs from the network: one request in, one response out.
    Raise :class:`~sequrity_contract.contract_tests.client.errors.APIConnectionError` when there is no response."""

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and return the response with its body still unread."""
        ...

    async def aclose(self) -> None:
        """Release what the transport holds; safe to call more than once."""
        ...


class FunctionTransport:
    """A transport that calls ``handler(request)`` (a plain or an async function)."""

    def __init__(self, handler: Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]) -> None:
        if not callable(handler):
            raise TypeError(f"handler={handler!r}: expected a function HttpRequest -> HttpResponse")
        self.handler = handler

    async def send(self, request: HttpRequest) -> HttpResponse:
        """The handler's response to ``request``."""
        result = self.handler(request)
        if inspect.isawaitable(result):
            result = await result
        if not isinstance(result, HttpResponse):
            raise TypeError(f"handler returned {type(result).__name__}: expected an HttpResponse")
        return result

    async def aclose(self) -> None:
        """Nothing to release."""


class AiohttpTransport:
    """The default transport: one ``aiohttp.ClientSession``, created on first use (or
    the one passed in, which the transport then does not close)."""

    def __init__(self, session: aiohttp.ClientSession | None = None) -> None:
        self._session = session
        self._owns_session = session is None

    async def send(self, request: HttpRequest) -> HttpResponse:
        """POST (or any method) through aiohttp; connection failures become
        :class:`APIConnectionError`, stalls longer than ``request.timeout`` :class:`APITimeoutError`."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=request.timeout, sock_read=request.timeout)
        try:
            response = await self._session.request(
                request.method, request.url, data=request.body, headers=dict(request.headers),
                timeout=timeout,
            )
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise APITimeoutError(f"{request.method} {request.url}: no response within "
                                  f"timeout={request.timeout}s") from exc
        except aiohttp.ClientError as exc:
            raise APIConnectionError(f"{request.method} {request.url}: {exc}") from exc

        async def chunks() -> AsyncIterator[bytes]:
            try:
                async for chunk in response.content.iter_any():
                    yield chunk
            except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
                raise APITimeoutError(f"{request.url}: the body stalled for more than "
                                      f"timeout={request.timeout}s") from exc
            except aiohttp.ClientError as exc:
                raise APIConnectionError(f"{request.url}: the connection broke while reading "
                                         f"the body: {exc}") from exc

        async def close() -> None:
            response.release()

        return HttpResponse(response.status, response.headers, chunks(), close)

    async def aclose(self) -> None:
        """Close the session if this transport created it; safe to call more than once."""
        session, self._session = self._session, None
        if session is not None and self._owns_session and not session.closed:
            await session.close()
