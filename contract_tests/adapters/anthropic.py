"""The ``anthropic`` adapter: the Anthropic SDK (``AsyncAnthropic``) pointed at the
Sequrity route, as docs/contract.md §1 describes.

``base_url`` is ``{base}/control/{endpoint_type}/{provider}`` (the SDK appends
``/v1/messages``), ``auth_token`` the Sequrity key (sent as the bearer token); the LLM
key, the three JSON headers, the session and custom headers go in ``extra_headers``.
Body fields the SDK has no parameter for (``reasoning_effort``, the body's
``timeout``, ...) go in ``extra_body``: the SDK's own ``timeout`` is the HTTP timeout.
The SDK does not track sessions; this adapter does what a user of the SDK must: it
reads ``X-Session-ID`` from the raw response and sends it with the next request.
Results become dicts with the SDK's ``to_dict()`` (the fields the server sent).
"""

from __future__ import annotations

from typing import Any

from sequrity_contract.schemas import EVENT_DEFINITIONS

from ..client.headers import build_headers
from ..sdk_clients import anthropic_arguments
from .base import AdapterError, SequrityOptions, StreamResult

__all__ = ["AnthropicAdapter"]

#: Event types of the wire (the event document's); the SDK's stream helper adds others (``text``, ...).
_WIRE_EVENTS = frozenset(EVENT_DEFINITIONS)
#: Keys the SDK's stream helper adds to wire events (a snapshot of the message or block so far).
_HELPER_KEYS = {"message_stop": "message", "content_block_stop": "content_block"}


def _import_anthropic() -> Any:
    try:
        import anthropic
    except ImportError as exc:
        raise ImportError("the anthropic adapter needs the Anthropic SDK: "
                          "pip install 'sequrity-contract[clients]'") from exc
    return anthropic


class AnthropicAdapter:
    """The Anthropic SDK via ``base_url``; retries as ``options.max_retries`` says."""

    name = "anthropic"
    dialects = frozenset({"sequrity", "anthropic"})
    supports_sessions = True
    supports_retries = True

    def __init__(self) -> None:
        self._anthropic = _import_anthropic()
        self._clients: dict[tuple[Any, ...], Any] = {}
        self._session_id: str | None = None

    def client(self, options: SequrityOptions) -> Any:
        """The ``AsyncAnthropic`` for ``options`` (created on first use)."""
        base = options.base_url.rstrip("/")
        route = f"{options.endpoint_type}/{options.provider}" if options.provider else options.endpoint_type
        key = (f"{base}/control/{route}", options.api_key, options.max_retries, options.timeout)
        if key not in self._clients:
            self._clients[key] = self._anthropic.AsyncAnthropic(
                base_url=key[0], auth_token=options.api_key, max_retries=options.max_retries,
                timeout=options.timeout)
        return self._clients[key]

    def _arguments(self, method: Any, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        arguments = anthropic_arguments({k: v for k, v in request.items() if k != "stream"}, method)
        session = options.session_id if options.session_id is not None else self._session_id
        headers = build_headers(api_key=options.api_key, llm_api_key=options.llm_api_key,
                                features=options.features, policy=options.policy, config=options.config,
                                session_id=session, custom=options.headers)
        for name in ("Authorization", "Content-Type"):
            headers.pop(name)
        arguments["extra_headers"] = headers
        return arguments

    def _track(self, headers: Any) -> None:
        session = headers.get("X-Session-ID")
        if session:
            self._session_id = session

    def _error(self, exc: Exception, *, streaming: bool = False) -> AdapterError:
        anthropic = self._anthropic
        if isinstance(exc, anthropic.APIStatusError):
            body: dict[str, Any] = exc.body if isinstance(exc.body, dict) else {}
            reported = body.get("error")
            error: dict[str, Any] = reported if isinstance(reported, dict) else {}
            message = error.get("message") if error.get("message") is not None else exc.message
            if streaming:
                return AdapterError(None, str(message), error_type=error.get("type"), kind="stream")
            return AdapterError(exc.status_code, str(message), error_type=error.get("type"))
        if isinstance(exc, anthropic.APIConnectionError):
            return AdapterError(None, str(exc), kind="stream" if streaming else "connection")
        kind = "stream" if streaming else "client_validation"
        return AdapterError(None, f"{type(exc).__name__}: {exc}", kind=kind)

    async def send(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        """``client.messages.with_raw_response.create(...)``, parsed, ``to_dict()``."""
        try:
            messages = self.client(options).messages
            arguments = self._arguments(messages.create, request, options)
            raw = await messages.with_raw_response.create(**arguments)
            self._track(raw.headers)
            message = await raw.parse()
            answer: dict[str, Any] = message.to_dict()
            return answer
        except Exception as exc:
            raise self._error(exc) from exc

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        """The wire events of ``client.messages.stream(...)`` and its ``get_final_message()``."""
        started = False
        try:
            messages = self.client(options).messages
            arguments = self._arguments(messages.stream, request, options)
            async with messages.stream(**arguments) as stream:
                started = True
                self._track(stream.response.headers)
                events = []
                async for event in stream:
                    if event.type not in _WIRE_EVENTS:
                        continue
                    data = event.to_dict()
                    data.pop(_HELPER_KEYS.get(event.type, ""), None)
                    events.append(data)
                message = await stream.get_final_message()
            return StreamResult(events, message.to_dict())
        except Exception as exc:
            raise self._error(exc, streaming=started) from exc

    def reset_session(self) -> None:
        """Forget the tracked session."""
        self._session_id = None

    async def close(self) -> None:
        """Close every client."""
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.close()
