"""The ``openai`` adapter: the OpenAI Python SDK (``openai.AsyncOpenAI``), unchanged, pointed at
Sequrity's chat completions and responses routes (``base_url = {base}/control/{endpoint_type}[/{provider}]/v1``;
the SDK appends ``/chat/completions`` or ``/responses``). It calls ``chat.completions.create`` and
``responses.create``, plain and with ``stream=True``; a stream's events are accumulated by the
endpoint's codec.

The Sequrity key is the SDK's ``api_key`` (sent as ``Authorization: Bearer``); the LLM key, the
configuration headers, the session and extra headers go as ``extra_headers``. The SDK does not track
``X-Session-ID``: the adapter carries it from one answer to the next, as a user of the SDK would
(from ``with_raw_response``). Results become dicts with ``model_dump(mode="json", exclude_unset=True)``.
"""

from __future__ import annotations

from typing import Any

from sequrity_contract import schemas

from ..client.headers import build_headers
from ..sdk_clients import OPENAI_RESPONSES_PATH, OPENAI_SDK_PATH
from .base import AdapterError, SequrityOptions, StreamResult

__all__ = ["OpenAIAdapter"]

#: What the SDK appends to its ``base_url``, by endpoint.
_SDK_PATHS = {schemas.CHAT_COMPLETIONS.name: OPENAI_SDK_PATH, schemas.responses.RESPONSES.name: OPENAI_RESPONSES_PATH}


def _import_openai() -> Any:
    try:
        import openai
    except ImportError as exc:
        raise ImportError("the openai adapter needs the OpenAI SDK: pip install 'sequrity-contract[clients]'") from exc
    return openai


class OpenAIAdapter:
    """One ``AsyncOpenAI`` per route and client settings; the session carried by hand; the SDK's
    retries as ``options.max_retries`` says."""

    name = "openai"
    dialects = frozenset({"openai"})
    endpoints = frozenset(_SDK_PATHS)
    supports_sessions = True
    supports_retries = True

    def __init__(self) -> None:
        self._openai = _import_openai()
        self._clients: dict[tuple[Any, ...], Any] = {}
        self._session_id: str | None = None

    def client(self, options: SequrityOptions) -> Any:
        """The ``AsyncOpenAI`` client of ``options``' route (created on first use)."""
        base_url = options.url().removesuffix(_SDK_PATHS[options.endpoint])
        key = (base_url, options.api_key, options.max_retries, options.timeout)
        if key not in self._clients:
            self._clients[key] = self._openai.AsyncOpenAI(base_url=base_url, api_key=options.api_key,
                                                          max_retries=options.max_retries, timeout=options.timeout)
        return self._clients[key]

    def _headers(self, options: SequrityOptions) -> dict[str, str]:
        session = options.session_id if options.session_id is not None else self._session_id
        headers = build_headers(api_key=options.api_key, llm_api_key=options.llm_api_key, features=options.features,
                                policy=options.policy, config=options.config, session_id=session,
                                custom=options.headers)
        return {k: v for k, v in headers.items() if k.lower() not in ("authorization", "content-type")}

    def _error(self, exc: Exception) -> AdapterError:
        openai = self._openai
        if isinstance(exc, openai.APIStatusError):
            body = exc.body if isinstance(exc.body, dict) else {}
            error_type = body.get("type") if isinstance(body.get("type"), str) else None
            return AdapterError(exc.status_code, exc.message, error_type=error_type)
        if isinstance(exc, openai.APIConnectionError):
            return AdapterError(None, str(exc), kind="connection")
        if isinstance(exc, schemas.StreamProtocolError):
            return AdapterError(None, str(exc), kind="stream")
        return AdapterError(None, f"{type(exc).__name__}: {exc}", kind="client_validation")

    def _track(self, headers: Any) -> None:
        session = headers.get("X-Session-ID")
        if session:
            self._session_id = session

    def _resource(self, options: SequrityOptions) -> Any:
        """``chat.completions`` or ``responses`` of the route's client, raw-response flavoured."""
        client = self.client(options)
        if options.endpoint == schemas.responses.RESPONSES.name:
            return client.responses.with_raw_response
        return client.chat.completions.with_raw_response

    async def send(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        """``chat.completions.create(**request)`` (or ``responses.create``) as a dict."""
        body = {k: v for k, v in request.items() if k != "stream"}
        try:
            raw = await self._resource(options).create(**body, extra_headers=self._headers(options))
            self._track(raw.headers)
            completion: dict[str, Any] = raw.parse().model_dump(mode="json", exclude_unset=True)
            return completion
        except Exception as exc:
            raise self._error(exc) from exc

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        """The chunks (or typed events) of ``create(**request, stream=True)`` as dicts, accumulated."""
        body = {**request, "stream": True}
        try:
            raw = await self._resource(options).create(**body, extra_headers=self._headers(options))
            self._track(raw.headers)
            stream = raw.parse()
            events = [event.model_dump(mode="json", exclude_unset=True) async for event in stream]
            endpoint = schemas.get_endpoint(options.endpoint)
            accumulator = endpoint.codec.accumulator(endpoint.dialects[0])
            for event in events:
                accumulator.feed(event)
            return StreamResult(events, accumulator.message)
        except Exception as exc:
            raise self._error(exc) from exc

    def reset_session(self) -> None:
        """Forget the carried session."""
        self._session_id = None

    async def close(self) -> None:
        """Close every client."""
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.close()
