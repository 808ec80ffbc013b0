"""The ``sequrity`` and ``sequrity-async`` adapters: the official client
(``SequrityClient`` / ``AsyncSequrityClient``, ``client.control.messages.create``, for the
chat completions endpoint ``client.control.chat.create`` and for the responses endpoint
``client.control.responses.create``).

Its pydantic results become dicts with ``model_dump(mode="json", exclude_unset=True)``
(the fields the server sent, as far as the client's models keep them) minus the
``session_id`` the client copies from the ``X-Session-ID`` header. The client has no
accumulator, so a stream's message is its events accumulated by the endpoint's codec.
Dict options become the client's header models with ``model_validate``, as a user
would build them.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

from sequrity_contract import schemas

from .base import AdapterError, SequrityOptions, StreamResult

__all__ = ["SequrityAdapter", "SequrityAsyncAdapter"]

#: Body fields that ``messages.create`` takes as arguments.
_BODY_PARAMETERS = ("messages", "model", "max_tokens", "system", "temperature", "top_p", "top_k", "tools",
                    "tool_choice", "thinking", "reasoning_effort", "stop_sequences", "output_config",
                    "metadata", "service_tier", "timeout")
#: Body fields that ``chat.create`` takes as arguments (the rest of a chat body it cannot send).
_CHAT_PARAMETERS = ("messages", "model", "temperature", "top_p", "tools", "seed", "reasoning_effort",
                    "response_format")
#: Body fields that ``responses.create`` takes as arguments.
_RESPONSES_PARAMETERS = ("model", "input", "instructions", "tools", "tool_choice", "temperature", "top_p",
                         "max_output_tokens", "reasoning", "text", "metadata", "previous_response_id", "include",
                         "store", "truncation", "parallel_tool_calls", "max_tool_calls", "background",
                         "conversation", "prompt", "service_tier", "stream_options", "top_logprobs", "timeout")
_PARAMETERS = {schemas.MESSAGES.name: _BODY_PARAMETERS, schemas.CHAT_COMPLETIONS.name: _CHAT_PARAMETERS,
               schemas.responses.RESPONSES.name: _RESPONSES_PARAMETERS}
#: The resource of ``client.control`` that calls each endpoint.
_RESOURCES = {schemas.MESSAGES.name: "messages", schemas.CHAT_COMPLETIONS.name: "chat",
              schemas.responses.RESPONSES.name: "responses"}


def _import_sequrity() -> Any:
    try:
        import sequrity
        from sequrity._exceptions import SequrityAPIError, SequrityConnectionError
        from sequrity.control.types.headers import (
            FeaturesHeader,
            FineGrainedConfigHeader,
            SecurityPolicyHeader,
        )
    except ImportError as exc:
        raise ImportError("the sequrity adapters need the official client: "
                          "pip install 'sequrity-contract[clients]'") from exc
    return sequrity, SequrityAPIError, SequrityConnectionError, (
        FeaturesHeader, SecurityPolicyHeader, FineGrainedConfigHeader)


def _as_dict(model: Any) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(mode="json", exclude_unset=True)
    data.pop("session_id", None)
    return data


class _SequrityAdapterBase:
    """What the sync and async variants share: arguments in, errors out."""

    dialects = frozenset({"sequrity"})
    endpoints = frozenset(_PARAMETERS)
    supports_sessions = True
    supports_retries = False

    def __init__(self) -> None:
        self._sequrity, self._api_error, self._connection_error, self._header_models = _import_sequrity()
        self._clients: dict[tuple[Any, ...], Any] = {}

    @staticmethod
    def _resource(client: Any, options: SequrityOptions) -> Any:
        """``client.control.messages``, ``.chat`` or ``.responses``: the resource of ``options.endpoint``."""
        return getattr(client.control, _RESOURCES[options.endpoint])

    def _arguments(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        parameters = _PARAMETERS.get(options.endpoint)
        if parameters is None:
            raise AdapterError(None, f"the official client has no resource for the {options.endpoint!r} endpoint",
                               kind="client_validation")
        unknown = sorted(set(request) - set(parameters) - {"stream"})
        if unknown:
            method = f"{_RESOURCES[options.endpoint]}.create"
            raise AdapterError(None, f"{method} has no parameter for the body field(s) "
                               f"{', '.join(unknown)}", kind="client_validation")
        arguments = {k: v for k, v in request.items() if k in parameters}
        features_model, policy_model, config_model = self._header_models
        for argument, model, value in (("features", features_model, options.features),
                                       ("security_policy", policy_model, options.policy),
                                       ("fine_grained_config", config_model, options.config)):
            arguments[argument] = None if value is None else model.model_validate(dict(value))
        arguments.update(provider=options.provider, llm_api_key=options.llm_api_key,
                         endpoint_type=options.endpoint_type)
        if options.session_id is not None:
            arguments["session_id"] = options.session_id
        if options.headers:
            arguments["custom_headers"] = dict(options.headers)
        return arguments

    def _key(self, options: SequrityOptions) -> tuple[Any, ...]:
        return (options.base_url, options.api_key, options.timeout)

    def _error(self, exc: Exception, *, streaming: bool = False) -> AdapterError:
        if isinstance(exc, AdapterError):
            return exc
        if isinstance(exc, self._api_error):
            return AdapterError(exc.status_code, exc.message)
        if isinstance(exc, self._connection_error):
            return AdapterError(None, str(exc), kind="connection")
        if isinstance(exc, schemas.StreamProtocolError | schemas.StreamErrorEvent):
            return AdapterError(None, str(exc), kind="stream")
        kind = "stream" if streaming else "client_validation"
        return AdapterError(None, f"{type(exc).__name__}: {exc}", kind=kind)

    @staticmethod
    def _result(events: Iterable[Any], options: SequrityOptions) -> StreamResult:
        dicts = [_as_dict(event) for event in events]
        endpoint = schemas.get_endpoint(options.endpoint)
        dialect = options.dialect if options.dialect in endpoint.dialects else endpoint.dialects[0]
        accumulator = endpoint.codec.accumulator(dialect)
        for event in dicts:
            accumulator.feed(event)
        return StreamResult(dicts, accumulator.message)

    def reset_session(self) -> None:
        """Forget the session of every client (``client.control.reset_session()``)."""
        for client in self._clients.values():
            client.control.reset_session()


class SequrityAdapter(_SequrityAdapterBase):
    """The official sync client; the test runs it in a worker thread."""

    name = "sequrity"

    def client(self, options: SequrityOptions) -> Any:
        """The ``SequrityClient`` for ``options`` (created on first use)."""
        key = self._key(options)
        if key not in self._clients:
            self._clients[key] = self._sequrity.SequrityClient(
                options.api_key, base_url=options.base_url, timeout=options.timeout)
        return self._clients[key]

    def send(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        """``client.control.messages.create(...)`` (or ``chat.create``, ``responses.create``) as a dict."""
        try:
            arguments = self._arguments(request, options)
            arguments.pop("stream", None)
            return _as_dict(self._resource(self.client(options), options).create(**arguments))
        except Exception as exc:
            raise self._error(exc) from exc

    def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        """The events of ``create(..., stream=True)`` as dicts, accumulated."""
        try:
            arguments = self._arguments(request, options)
            stream = self._resource(self.client(options), options).create(**{**arguments, "stream": True})
        except Exception as exc:
            raise self._error(exc) from exc
        try:
            with stream:
                return self._result(list(stream), options)
        except Exception as exc:
            raise self._error(exc, streaming=True) from exc

    def close(self) -> None:
        """Close every client."""
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()


class SequrityAsyncAdapter(_SequrityAdapterBase):
    """The official async client."""

    name = "sequrity-async"

    def client(self, options: SequrityOptions) -> Any:
        """The ``AsyncSequrityClient`` for ``options`` (created on first use)."""
        key = self._key(options)
        if key not in self._clients:
            self._clients[key] = self._sequrity.AsyncSequrityClient(
                options.api_key, base_url=options.base_url, timeout=options.timeout)
        return self._clients[key]

    async def send(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        """``await client.control.messages.create(...)`` (or ``chat.create``, ``responses.create``) as a dict."""
        try:
            arguments = self._arguments(request, options)
            arguments.pop("stream", None)
            return _as_dict(await self._resource(self.client(options), options).create(**arguments))
        except Exception as exc:
            raise self._error(exc) from exc

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        """The events of ``await create(..., stream=True)`` as dicts, accumulated."""
        try:
            arguments = self._arguments(request, options)
            stream = await self._resource(self.client(options), options).create(**{**arguments, "stream": True})
        except Exception as exc:
            raise self._error(exc) from exc
        try:
            async with stream:
                events = [event async for event in stream]
            return self._result(events, options)
        except Exception as exc:
            raise self._error(exc, streaming=True) from exc

    async def close(self) -> None:
        """Close every client."""
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            result = client.close()
            if inspect.isawaitable(result):
                await result
