"""The adapter protocol: the one thing a client author writes to have a client tested.

An adapter sends a request dict with :class:`SequrityOptions` through its client and
returns the message as a dict (:meth:`ClientAdapter.send`), or streams it and returns
the events and the final message as dicts (:meth:`ClientAdapter.stream`). Every
error the server answers with surfaces as :class:`AdapterError`. Methods may be
plain functions (a sync client: they run in a worker thread) or coroutines.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from sequrity_contract.schemas import MESSAGES, get_endpoint

from ..errors import ContractTestsError

__all__ = ["AdapterError", "AsyncAdapter", "ClientAdapter", "SequrityOptions", "StreamResult", "as_async"]


@dataclass(frozen=True)
class SequrityOptions:
    """Everything besides the body that a request carries.

    ``base_url`` is the server root (``http://127.0.0.1:PORT``); the request goes to
    ``{base_url}/control/{endpoint_type}/{provider}`` + the path of ``endpoint`` (messages by
    default; no provider segment when ``provider`` is None). ``api_key`` is the Sequrity key (Authorization: Bearer),
    ``llm_api_key`` the provider key (X-Api-Key); ``features``/``policy``/``config`` the
    X-Features/X-Policy/X-Config objects; ``session_id`` an explicit session (None: the
    one the client tracks); ``headers`` extra headers; ``dialect`` the stream dialect the
    server speaks; ``max_retries`` the retries the client may make (0: report the first
    answer); ``timeout`` seconds before the client gives up.
    """

    base_url: str
    api_key: str
    llm_api_key: str | None = None
    endpoint_type: str = "chat"
    provider: str | None = None
    features: Mapping[str, Any] | None = None
    policy: Mapping[str, Any] | None = None
    config: Mapping[str, Any] | None = None
    session_id: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    dialect: str = "sequrity"
    max_retries: int = 0
    timeout: float = 30.0
    endpoint: str = MESSAGES.name

    def __post_init__(self) -> None:
        if not isinstance(self.base_url, str) or not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url={self.base_url!r}: expected an http:// or https:// URL")
        if not isinstance(self.api_key, str):
            raise TypeError(f"api_key={self.api_key!r}: expected the Sequrity key as a string")

    def url(self) -> str:
        """The URL the request goes to."""
        return self.base_url.rstrip("/") + get_endpoint(self.endpoint).route_path(self.endpoint_type, self.provider)

    def messages_url(self) -> str:
        """The URL the request goes to (the name it had when messages was the only endpoint)."""
        return self.url()


@dataclass(frozen=True)
class StreamResult:
    """A streamed answer: the events in the order they arrived, and the final message."""

    events: list[dict[str, Any]]
    message: dict[str, Any]


class AdapterError(ContractTestsError):
    """The one error every adapter raises for a failed request.

    ``status`` is the HTTP status (None when there was no HTTP answer: a connection
    failure, a broken stream, or the client refusing the input before sending);
    ``message`` the error message the client surfaced; ``error_type`` the body's
    ``error.type`` when the client exposes it; ``kind`` a short tag: ``status``,
    ``connection``, ``stream`` or ``client_validation``.
    """

    def __init__(self, status: int | None, message: str, *, error_type: str | None = None,
                 kind: str = "status") -> None:
        self.status = status
        self.message = message
        self.error_type = error_type
        self.kind = kind
        where = f"HTTP {status}" if status is not None else kind
        super().__init__(f"{where}: {message}")


@runtime_checkable
class ClientAdapter(Protocol):
    """What an adapter provides. ``send``, ``stream``, ``reset_session`` and ``close``
    may each be a plain method (run in a worker thread) or a coroutine method.

    ``name`` names it in reports; ``dialects`` lists the stream dialects its client reads
    (``sequrity``, ``anthropic``); ``endpoints`` the endpoints its client calls (optional:
    messages when absent); ``supports_sessions`` says whether it carries the
    ``X-Session-ID`` of one answer into the next request; ``supports_retries`` whether
    it honours ``SequrityOptions.max_retries``.
    """

    name: str
    dialects: frozenset[str]
    supports_sessions: bool
    supports_retries: bool

    def send(self, request: dict[str, Any], options: SequrityOptions) -> Any:
        """Send ``request``; return the response message as a dict (or a coroutine of it)."""
        ...

    def stream(self, request: dict[str, Any], options: SequrityOptions) -> Any:
        """Stream ``request``; return a :class:`StreamResult` (or a coroutine of it)."""
        ...

    def reset_session(self) -> Any:
        """Forget the tracked session."""
        ...

    def close(self) -> Any:
        """Release the clients the adapter holds."""
        ...


async def _call(method: Any, *args: Any) -> Any:
    if inspect.iscoroutinefunction(method):
        return await method(*args)
    result = await asyncio.to_thread(method, *args)
    if inspect.isawaitable(result):
        result = await result
    return result


class AsyncAdapter:
    """An adapter seen through coroutines only: sync methods run in a worker thread, and
    results are checked (a dict message, a :class:`StreamResult`)."""

    def __init__(self, adapter: ClientAdapter) -> None:
        missing = [m for m in ("send", "stream", "reset_session", "close", "name", "dialects")
                   if not hasattr(adapter, m)]
        if missing:
            raise TypeError(f"adapter={adapter!r}: missing {', '.join(missing)} (see ClientAdapter)")
        self.adapter = adapter
        self.name: str = adapter.name
        self.dialects: frozenset[str] = frozenset(adapter.dialects)
        self.supports_sessions: bool = bool(getattr(adapter, "supports_sessions", False))
        self.supports_retries: bool = bool(getattr(adapter, "supports_retries", False))
        self.endpoints: frozenset[str] = frozenset(getattr(adapter, "endpoints", (MESSAGES.name,)))

    async def send(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        """The adapter's message for ``request``."""
        message = await _call(self.adapter.send, request, options)
        if not isinstance(message, dict):
            raise TypeError(f"adapter {self.name!r}: send returned {type(message).__name__}, expected a dict")
        return message

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        """The adapter's events and message for ``request`` streamed."""
        result = await _call(self.adapter.stream, request, options)
        if not isinstance(result, StreamResult):
            raise TypeError(f"adapter {self.name!r}: stream returned {type(result).__name__}, "
                            "expected a StreamResult")
        return result

    async def reset_session(self) -> None:
        """Make the next request start a new session."""
        await _call(self.adapter.reset_session)

    async def close(self) -> None:
        """Release the adapter's clients."""
        await _call(self.adapter.close)


def as_async(adapter: ClientAdapter | AsyncAdapter) -> AsyncAdapter:
    """``adapter`` behind coroutine methods (unchanged when it already is)."""
    return adapter if isinstance(adapter, AsyncAdapter) else AsyncAdapter(adapter)
