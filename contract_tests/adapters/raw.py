"""The ``raw`` adapter: plain aiohttp, no client library — a POST with the contract's
headers and the request as JSON (nulls dropped) to the route of ``options.endpoint`` (messages or
chat completions), the JSON answer as is, the SSE events parsed (a data-only stream's ``[DONE]``
line ends it) and accumulated by the endpoint's codec, which refuses a stream out of order or cut
short. The baseline other clients are compared with."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from sequrity_contract import schemas
from sequrity_contract.schemas.sse import SSEParser

from ..client.body import drop_nulls
from ..client.errors import error_from_response
from ..client.headers import build_headers
from .base import AdapterError, SequrityOptions, StreamResult

__all__ = ["RawAdapter"]


class RawAdapter:
    """One ``aiohttp.ClientSession``; the session id tracked by hand; no retries."""

    name = "raw"
    dialects = frozenset({"sequrity", "anthropic"})
    endpoints = frozenset({schemas.MESSAGES.name, schemas.CHAT_COMPLETIONS.name})
    supports_sessions = True
    supports_retries = False

    def __init__(self) -> None:
        self._http: aiohttp.ClientSession | None = None
        self._session_id: str | None = None

    async def _post(self, request: dict[str, Any], options: SequrityOptions) -> aiohttp.ClientResponse:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        try:
            headers = build_headers(
                api_key=options.api_key, llm_api_key=options.llm_api_key, features=options.features,
                policy=options.policy, config=options.config,
                session_id=options.session_id if options.session_id is not None else self._session_id,
                custom=options.headers)
            body = json.dumps(drop_nulls(request), ensure_ascii=False).encode()
        except (TypeError, ValueError) as exc:
            raise AdapterError(None, str(exc), kind="client_validation") from exc
        try:
            response = await self._http.post(options.url(), data=body, headers=headers,
                                             timeout=aiohttp.ClientTimeout(total=options.timeout))
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise AdapterError(None, f"{type(exc).__name__}: {exc}", kind="connection") from exc
        if response.status >= 400:
            error = error_from_response(response.status, await response.read(), response.headers)
            response.release()
            raise AdapterError(error.status, error.message, error_type=error.error_type)
        session = response.headers.get("X-Session-ID")
        if session:
            self._session_id = session
        return response

    async def send(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        """The JSON body of the answer."""
        response = await self._post({k: v for k, v in request.items() if k != "stream"}, options)
        async with response:
            text = await response.text()
        try:
            body: dict[str, Any] = json.loads(text)
            return body
        except ValueError as exc:
            raise AdapterError(response.status, f"the answer is not JSON: {text[:200]!r}",
                               kind="stream") from exc

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        """Every ``data:`` of the event stream as JSON (up to the endpoint's terminator), and their
        accumulation by the endpoint's codec."""
        endpoint = schemas.get_endpoint(options.endpoint)
        dialect = options.dialect if options.dialect in endpoint.dialects else endpoint.dialects[0]
        response = await self._post({**request, "stream": True}, options)
        parser = SSEParser()
        events: list[dict[str, Any]] = []
        ended = False
        try:
            async with response:
                async for chunk in response.content.iter_any():
                    for event in parser.feed(chunk):
                        ended = ended or event.data == endpoint.sse.done
                        if not ended:
                            events.append(event.json())
            accumulator = endpoint.codec.accumulator(dialect)
            for event_json in events:
                accumulator.feed(event_json)
            message = accumulator.message
        except (aiohttp.ClientError, TimeoutError, ValueError, schemas.StreamErrorEvent) as exc:
            raise AdapterError(None, f"{type(exc).__name__}: {exc}", kind="stream") from exc
        return StreamResult(events, message)

    def reset_session(self) -> None:
        """Forget the tracked session."""
        self._session_id = None

    async def close(self) -> None:
        """Close the HTTP session."""
        http, self._http = self._http, None
        if http is not None:
            await http.close()
