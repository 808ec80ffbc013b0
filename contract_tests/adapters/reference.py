"""The ``reference`` adapter: the toolkit's own :class:`~sequrity_contract.contract_tests.client.ReferenceClient`."""

from __future__ import annotations

from typing import Any

from sequrity_contract.schemas import ENDPOINTS, get_endpoint

from ..client import DEFAULT, APIConnectionError, APIStatusError, ReferenceClient, StreamError
from .base import AdapterError, SequrityOptions, StreamResult

__all__ = ["ReferenceAdapter"]


def _adapter_error(exc: Exception) -> AdapterError:
    if isinstance(exc, APIStatusError):
        return AdapterError(exc.status, exc.message, error_type=exc.error_type)
    if isinstance(exc, StreamError):
        return AdapterError(None, exc.message, error_type=exc.error_type, kind="stream")
    if isinstance(exc, APIConnectionError):
        return AdapterError(None, str(exc), kind="connection")
    return AdapterError(None, str(exc), kind="client_validation")


class ReferenceAdapter:
    """One :class:`ReferenceClient` per server and client settings, kept between calls so
    sessions carry over; both stream dialects; retries as ``options.max_retries`` says; every
    registered endpoint (the client takes the endpoint's description)."""

    name = "reference"
    dialects = frozenset({"sequrity", "anthropic"})
    supports_sessions = True
    supports_retries = True

    @property
    def endpoints(self) -> frozenset[str]:
        """Every endpoint registered now."""
        return frozenset(ENDPOINTS)

    def __init__(self) -> None:
        self._clients: dict[tuple[Any, ...], ReferenceClient] = {}

    def client(self, options: SequrityOptions) -> ReferenceClient:
        """The client for ``options`` (created on first use)."""
        key = (options.base_url, options.api_key, options.max_retries, options.timeout, options.dialect,
               options.endpoint)
        if key not in self._clients:
            endpoint = get_endpoint(options.endpoint)
            dialect = options.dialect if options.dialect in endpoint.dialects else endpoint.dialects[0]
            self._clients[key] = ReferenceClient(
                options.base_url, api_key=options.api_key, max_retries=options.max_retries,
                timeout=options.timeout, dialect=dialect, endpoint=endpoint,
            )
        return self._clients[key]

    @staticmethod
    def _call_options(options: SequrityOptions) -> dict[str, Any]:
        return {
            "endpoint_type": options.endpoint_type,
            "provider": options.provider,
            "llm_api_key": options.llm_api_key,
            "features": options.features,
            "policy": options.policy,
            "config": options.config,
            "session_id": DEFAULT if options.session_id is None else options.session_id,
            "headers": dict(options.headers),
        }

    async def send(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        """The message ``ReferenceClient.create`` returns."""
        try:
            client = self.client(options)
            return await client.create(request, **self._call_options(options))
        except (APIStatusError, StreamError, APIConnectionError, ValueError, TypeError) as exc:
            raise _adapter_error(exc) from exc

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        """The events ``ReferenceClient.stream`` yields and the message it accumulates."""
        body = {k: v for k, v in request.items() if k != "stream"}
        try:
            client = self.client(options)
            async with client.stream(body, **self._call_options(options)) as stream:
                events = [event async for event in stream]
            return StreamResult(events, stream.message)
        except (APIStatusError, StreamError, APIConnectionError, ValueError, TypeError) as exc:
            raise _adapter_error(exc) from exc

    def reset_session(self) -> None:
        """Forget the session of every client."""
        for client in self._clients.values():
            client.reset_session()

    async def close(self) -> None:
        """Close every client."""
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()
